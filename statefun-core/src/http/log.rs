//! The span of every StateFun request and the log event that ends it, under one target,
//! [`TARGET`], whichever integration serves the request.

use std::time::Duration;

use tracing::Span;

use super::Answer;
use crate::names::Address;

/// The target of the request span and of the events the pipeline writes, so that a filter
/// such as `RUST_LOG=info,statefun::http=debug` (every request) names it whatever serves.
pub(crate) const TARGET: &str = "statefun::http";

/// The span of one request, `statefun.request` at `INFO`, its fields filled in as they
/// are known: the target's function and id and the batch size once the request is read,
/// the body size, the status and the latency once it is answered.
pub(crate) fn request_span() -> Span {
    tracing::info_span!(
        target: TARGET,
        "statefun.request",
        function = tracing::field::Empty,
        id = tracing::field::Empty,
        batch_size = tracing::field::Empty,
        status = tracing::field::Empty,
        latency = tracing::field::Empty,
        bytes = tracing::field::Empty,
    )
}

/// Records the request's target and batch size in its span.
pub(crate) fn routed(span: &Span, target: Option<&Address>, batch_size: usize) {
    if span.is_disabled() {
        return;
    }
    if let Some(target) = target {
        span.record("function", tracing::field::display(target.type_name()));
        span.record("id", target.id());
        span.record("batch_size", batch_size);
    }
}

/// Records the answer in the request's span, and writes the request's one log event:
/// `DEBUG` for 200, `WARN` for 4xx, `ERROR` for 5xx, the error's text with it.
pub(crate) fn answered(span: &Span, answer: &Answer, latency: Duration) {
    let status = answer.status();
    span.record("status", status);
    span.record("latency", tracing::field::debug(latency));
    span.in_scope(|| match (status, answer.error_text()) {
        (500.., Some(error)) => {
            tracing::error!(target: TARGET, status, ?latency, %error, "request failed")
        }
        (_, Some(error)) => {
            tracing::warn!(target: TARGET, status, ?latency, %error, "request rejected")
        }
        (_, None) => tracing::debug!(target: TARGET, status, ?latency, "request answered"),
    });
}
