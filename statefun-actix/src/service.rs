//! Answering one StateFun request: read the body, run the dispatcher within the time limit,
//! and map its outcome to an HTTP response, with one log event per request.

use std::{
    panic::AssertUnwindSafe,
    time::{Duration, Instant},
};

#[cfg(feature = "gzip")]
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, http::StatusCode, web};
use bytes::Bytes;
use futures_util::FutureExt;
use prost::Message as _;
use statefun_core::{Error, Handler, proto::reqreply as pb};

use crate::body::{self, Rejected};

/// The `Content-Type` of every error answer.
pub(crate) const TEXT: &str = "text/plain; charset=utf-8";

/// What answers the requests of one endpoint: its dispatcher and HTTP settings.
#[derive(Clone)]
pub(crate) struct Service {
    pub(crate) handler: Handler,
    pub(crate) body_limit: usize,
    pub(crate) timeout: Option<Duration>,
    #[cfg(feature = "gzip")]
    pub(crate) gzip: bool,
}

impl Service {
    pub(crate) async fn answer(&self, req: HttpRequest, body: web::Payload) -> HttpResponse {
        let start = Instant::now();
        let span = tracing::info_span!(
            "statefun.request",
            status = tracing::field::Empty,
            latency = tracing::field::Empty,
            bytes = tracing::field::Empty,
        );
        let response = async {
            match body::receive(&req, body, self.body_limit).await {
                Ok(body) => {
                    span.record("bytes", body.len());
                    self.dispatch(&req, body).await
                }
                Err(Rejected { reason, drained }) => {
                    let (status, text) = reason.status_and_text();
                    let mut response = HttpResponse::build(status);
                    if !drained {
                        response.force_close();
                    }
                    let response = response.content_type(TEXT).body(text.clone());
                    (response, Some(text))
                }
            }
        };
        let (response, error) = tracing::Instrument::instrument(response, span.clone()).await;
        let status = response.status().as_u16();
        let latency = start.elapsed();
        span.record("status", status);
        span.record("latency", tracing::field::debug(latency));
        span.in_scope(|| match (status, error) {
            (500.., Some(error)) => tracing::error!(status, ?latency, %error, "request failed"),
            (_, Some(error)) => tracing::warn!(status, ?latency, %error, "request rejected"),
            (_, None) => tracing::debug!(status, ?latency, "request answered"),
        });
        response
    }

    /// Runs the dispatcher; the error text is returned for the request's log event.
    async fn dispatch(&self, req: &HttpRequest, body: Bytes) -> (HttpResponse, Option<String>) {
        // A reference count, kept to name the target if the batch times out.
        let request = body.clone();
        let batch = AssertUnwindSafe(self.handler.handle(body)).catch_unwind();
        let outcome = match self.timeout {
            // The timer is only registered if the batch does not finish at its first poll.
            Some(limit) => match actix_web::rt::time::timeout(limit, batch).await {
                Ok(outcome) => outcome,
                Err(_) => {
                    let text = timed_out(&request, limit);
                    let response = HttpResponse::GatewayTimeout()
                        .content_type(TEXT)
                        .body(text.clone());
                    return (response, Some(text));
                }
            },
            None => batch.await,
        };
        match outcome {
            Ok(Ok(answer)) => (self.ok(req, answer), None),
            Ok(Err(error)) => {
                let text = describe(&error);
                let response = HttpResponse::build(status_of(&error))
                    .content_type(TEXT)
                    .body(text.clone());
                (response, Some(text))
            }
            Err(panic) => {
                // A backstop: the dispatcher catches panics of user code itself.
                let text = format!(
                    "the SDK panicked: {}",
                    statefun_core::panic_message(&*panic)
                );
                let response = HttpResponse::InternalServerError()
                    .content_type(TEXT)
                    .body(text.clone());
                (response, Some(text))
            }
        }
    }

    #[cfg_attr(not(feature = "gzip"), allow(unused_variables))]
    fn ok(&self, req: &HttpRequest, answer: Bytes) -> HttpResponse {
        let mut response = HttpResponse::Ok();
        response.content_type("application/octet-stream");
        #[cfg(feature = "gzip")]
        if self.gzip {
            response.insert_header((header::VARY, "accept-encoding"));
            if answer.len() >= crate::gzip::GZIP_MIN_BYTES
                && crate::gzip::accepts_gzip(req)
                && let Ok(compressed) = crate::gzip::gzip(&answer)
            {
                response.insert_header((header::CONTENT_ENCODING, "gzip"));
                return response.body(compressed);
            }
        }
        response.body(answer)
    }
}

/// The status of a dispatcher error: the caller's fault is 4xx, the function's 500.
fn status_of(error: &Error) -> StatusCode {
    match error {
        Error::UnknownFunction { .. } => StatusCode::NOT_FOUND,
        e if e.is_bad_request() => StatusCode::BAD_REQUEST,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// The text of a 504: the function and id, read again from the request (only when a batch
/// times out, so the cost does not matter).
fn timed_out(request: &Bytes, limit: Duration) -> String {
    let target = pb::ToFunction::decode(request.clone())
        .ok()
        .and_then(|r| match r.request? {
            pb::to_function::Request::Invocation(batch) => batch.target,
        });
    match target {
        Some(t) => format!(
            "function {}/{} (id `{}`) did not finish within {limit:?}; the batch was abandoned and none of its effects were sent (the limit is set with `Endpoint::timeout`)",
            t.namespace, t.r#type, t.id
        ),
        None => format!(
            "the request was not answered within {limit:?}; it was abandoned (the limit is set with `Endpoint::timeout`)"
        ),
    }
}

/// The error and the causes its message does not already include.
fn describe(error: &Error) -> String {
    use std::error::Error as _;
    let mut text = error.to_string();
    // Messages usually include their direct source, often more: add only the causes whose
    // text is not there yet.
    let mut cause = error.source();
    while let Some(c) = cause {
        let more = c.to_string();
        if !text.contains(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        cause = c.source();
    }
    text
}
