//! The log of every StateFun request, under one target, [`LOG_TARGET`], whichever
//! integration serves it: its fields (function, id, batch size, body size, then status and
//! latency), carried by the span [`REQUEST_SPAN`] or, for a subscriber that turns the span
//! off, by [`RequestFields`]; and the event that ends the request.

use std::time::Duration;

use tracing::{Span, level_filters::LevelFilter};

use super::{Answer, RequestFields};
use crate::names::Address;

/// The target of the request span and of the events the pipeline writes, so that a filter
/// such as `RUST_LOG=info,statefun::http=debug` (every request) names it whatever serves.
pub const LOG_TARGET: &str = "statefun::http";

/// The name of the `INFO` span of each request (target [`LOG_TARGET`]), with the fields
/// `function`, `id`, `batch_size` (once the request is read), `bytes` (once the body is),
/// `status` and `latency_us` (when it is answered).
pub const REQUEST_SPAN: &str = "statefun.request";

/// Where a request's fields go, decided once per request by what the subscriber listens to.
pub(crate) enum RequestLog {
    /// The subscriber takes the request span: its fields are recorded as they are known,
    /// and whatever the request logs is inside it. With no subscriber at all the span is
    /// disabled, and kept only for tracing's `log` fallback, as it always was.
    Span(Span),
    /// The subscriber turned the span off but listens: the fields are kept here, and are
    /// the thread's [`RequestFields`] whenever the request may write a line.
    Fields(RequestFields),
}

impl RequestLog {
    pub(crate) fn start() -> Self {
        let span = tracing::info_span!(
            target: LOG_TARGET,
            REQUEST_SPAN,
            function = tracing::field::Empty,
            id = tracing::field::Empty,
            batch_size = tracing::field::Empty,
            bytes = tracing::field::Empty,
            status = tracing::field::Empty,
            latency_us = tracing::field::Empty,
        );
        if span.is_disabled() && LevelFilter::current() != LevelFilter::OFF {
            Self::Fields(RequestFields::start())
        } else {
            Self::Span(span)
        }
    }

    /// The span the whole request runs in: the request span if the subscriber takes it
    /// (or, disabled, if no subscriber listens), none otherwise.
    pub(crate) fn span(&self) -> Span {
        match self {
            Self::Span(span) => span.clone(),
            Self::Fields(_) => Span::none(),
        }
    }

    /// The body is read: `bytes` long.
    pub(crate) fn received(&mut self, bytes: usize) {
        match self {
            Self::Span(span) => {
                span.record("bytes", bytes);
            }
            Self::Fields(fields) => fields.received(bytes),
        }
    }

    /// The request is routed to `target` with a batch of `batch_size`.
    pub(crate) fn routed(&mut self, target: Option<&Address>, batch_size: usize) {
        let Some(target) = target else { return };
        match self {
            Self::Span(span) if span.is_disabled() => {}
            Self::Span(span) => {
                span.record("function", tracing::field::display(target.type_name()));
                span.record("id", target.id());
                span.record("batch_size", batch_size);
            }
            Self::Fields(fields) => fields.routed(Some(target), batch_size),
        }
    }

    /// Runs `f` (which may log) with the request's fields.
    pub(crate) fn in_scope<R>(&mut self, f: impl FnOnce() -> R) -> R {
        match self {
            Self::Fields(fields) => fields.in_scope(f),
            Self::Span(_) => f(),
        }
    }

    /// Records the answer, and writes the request's one log event: `DEBUG` for 200,
    /// `WARN` for 4xx, `ERROR` for 5xx, the error's text with it. The event's own fields are
    /// the status and the latency in microseconds (`latency_us`), formatted only when it
    /// is written.
    pub(crate) fn answered(self, answer: &Answer, latency: Duration) {
        let status = answer.status();
        let latency_us = u64::try_from(latency.as_micros()).unwrap_or(u64::MAX);
        let event = || match (status, answer.error_text()) {
            (500.., Some(error)) => {
                tracing::error!(target: LOG_TARGET, status, latency_us, %error, "request failed")
            }
            (_, Some(error)) => {
                tracing::warn!(target: LOG_TARGET, status, latency_us, %error, "request rejected")
            }
            (_, None) => {
                tracing::debug!(target: LOG_TARGET, status, latency_us, "request answered")
            }
        };
        match self {
            Self::Span(span) => {
                span.record("status", status);
                span.record("latency_us", latency_us);
                span.in_scope(event);
            }
            Self::Fields(mut fields) => {
                fields.answered(status, latency);
                fields.in_scope(event);
            }
        }
    }
}
