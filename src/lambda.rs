//! Your functions as an AWS Lambda function (feature `lambda`), behind a function URL, an
//! API Gateway (REST or HTTP API) or an Application Load Balancer, answering as the
//! actix-web service does (the status codes and texts of [`statefun::http`](crate::http)).
//!
//! ```no_run
//! # async fn run(functions: statefun::Functions) -> Result<(), statefun::lambda::Error> {
//! // The function's `main`: poll the Lambda Runtime API for invocations.
//! statefun::lambda::run(functions).await
//! # }
//! ```
//!
//! The StateFun runtime then reaches your functions at the function's URL: in module.yaml,
//! `urlPathTemplate: https://<url-id>.lambda-url.<region>.on.aws/statefun` (any path is
//! answered: a Lambda function has one entry point). The request-reply protocol is binary:
//! the runtime POSTs `application/octet-stream`, which Lambda hands over base64-encoded, and
//! the answer goes back base64-encoded, both handled here by `lambda_http`.
//!
//! # The settings that matter on Lambda
//!
//! - **Timeouts.** The function's own timeout (3 s by default, at most 15 minutes) must
//!   cover the longest batch, and the runtime's `transport.call` in module.yaml (2 minutes
//!   by default) must cover the function's timeout plus a cold start. A batch still running
//!   [`DEADLINE_MARGIN`] before the invocation's deadline is abandoned and answered 504 with
//!   the function and id (instead of Lambda's own "Task timed out" and a 502), as is a batch
//!   running longer than [`Endpoint::with_timeout`]; the runtime retries it.
//! - **Body size.** Lambda refuses requests over 6 MB (a function URL or API Gateway answers
//!   413 itself, before the function runs), and base64 makes the body a third larger on the
//!   way. A request carries every state value of its address: keep the state of one address
//!   well under 4 MB, and `payload_max_bytes` in module.yaml at most 4 MB (a 6 MB event
//!   holds about 4.4 MB of base64-encoded body).
//! - **Concurrency.** One invocation runs at a time per instance; Lambda starts more
//!   instances for concurrent requests (one per address with a batch in flight), each with
//!   a cold start: the process start and [`Functions`] registration, 18 to 88 ms to the
//!   first answer in cargo-lambda's emulator (docs/deploy.md), before Lambda's own
//!   initialisation.
//! - **Cold start.** Nothing is kept between invocations but the registered functions: the
//!   state comes with every request, as on any other platform.
//! - **Panics.** `cargo lambda build --release` builds with `panic = "abort"` unless your
//!   Cargo.toml's `[profile.release]` sets `panic` itself: set `panic = "unwind"`, or a
//!   function that panics kills the instance instead of being answered 500 with its
//!   typename, id and panic message.

use std::{
    sync::Arc,
    time::{Duration, SystemTime},
};

use lambda_http::{Body, Request, RequestExt as _, Response, http::header, service_fn};
use statefun_core::{
    Bytes, Functions, Handler,
    http::{self, Answer, Rejected},
};

pub use lambda_http::Error;
pub use statefun_core::http::DEFAULT_TIMEOUT;

/// How long before the invocation's deadline a batch still running is abandoned and
/// answered 504: 200 ms, time enough to send the answer before Lambda stops the function.
pub const DEADLINE_MARGIN: Duration = Duration::from_millis(200);

/// Serves `functions` as this Lambda function until the Lambda service stops it:
/// shorthand for `Endpoint::new(functions).run()`.
///
/// # Errors
///
/// When the Lambda Runtime API fails. Outside Lambda (without `AWS_LAMBDA_RUNTIME_API` and
/// the other variables Lambda sets), `lambda_http` panics with the missing variable.
pub async fn run(functions: impl Into<Handler>) -> Result<(), Error> {
    Endpoint::new(functions).run().await
}

/// Your functions as a Lambda function, with their time limit.
///
/// ```
/// # use std::time::Duration;
/// # let functions = statefun::Functions::new();
/// let endpoint = statefun::lambda::Endpoint::new(functions).with_timeout(Duration::from_secs(60));
/// assert_eq!(endpoint.timeout(), Some(Duration::from_secs(60)));
/// ```
#[derive(Clone, Debug)]
pub struct Endpoint {
    handler: Handler,
    timeout: Option<Duration>,
}

impl Endpoint {
    /// An endpoint for `functions` (a [`Functions`] or a [`Handler`]) with a time limit of
    /// [`DEFAULT_TIMEOUT`] (and the invocation's deadline).
    pub fn new(functions: impl Into<Handler>) -> Self {
        Self {
            handler: functions.into(),
            timeout: Some(DEFAULT_TIMEOUT),
        }
    }

    /// Abandons a batch that has not finished after `limit` and answers 504; `None` leaves
    /// only the invocation's deadline (less [`DEADLINE_MARGIN`]), which always applies.
    pub fn with_timeout(mut self, limit: impl Into<Option<Duration>>) -> Self {
        self.timeout = limit.into();
        self
    }

    /// The time limit of a batch ([`Endpoint::with_timeout`]).
    pub fn timeout(&self) -> Option<Duration> {
        self.timeout
    }

    /// The functions served.
    pub fn functions(&self) -> &Functions {
        self.handler.functions()
    }

    /// Serves this endpoint as the Lambda function until the Lambda service stops it.
    ///
    /// # Errors
    ///
    /// As [`run`].
    pub async fn run(self) -> Result<(), Error> {
        let endpoint = Arc::new(self);
        lambda_http::run(service_fn(move |request: Request| {
            let endpoint = Arc::clone(&endpoint);
            async move { Ok::<_, Error>(endpoint.answer(request).await) }
        }))
        .await
    }

    /// Answers one request (its body already decoded from base64 by `lambda_http`): the
    /// [`Answer`] of [`statefun::http`](crate::http) as a `lambda_http` response, the
    /// `FromFunction` as a binary body (sent base64-encoded), an error as text.
    pub async fn answer(&self, request: Request) -> Response<Body> {
        let limit = self.limit(&request);
        let (parts, body) = request.into_parts();
        let answer = match http::check_method(parts.method.as_str()) {
            Err(reason) => http::reject(
                &self.handler,
                Rejected {
                    reason,
                    drained: true,
                },
            ),
            Ok(()) => {
                let header = |name| {
                    parts
                        .headers
                        .get(name)
                        .map(|v: &header::HeaderValue| v.as_bytes())
                };
                // Lambda has read the whole body, within its own limit (6 MB).
                match http::check_headers(
                    header(header::CONTENT_TYPE),
                    header(header::CONTENT_ENCODING),
                    None,
                    usize::MAX,
                ) {
                    Err(reason) => http::reject(&self.handler, reason),
                    Ok(_) => {
                        let body = bytes(body);
                        http::respond(&self.handler, body, limit, tokio::time::sleep).await
                    }
                }
            }
        };
        if let Some(error) = answer.error_text() {
            let status = answer.status();
            if status >= 500 {
                tracing::error!(status, %error, "request failed");
            } else {
                tracing::warn!(status, %error, "request rejected");
            }
        }
        response(answer)
    }

    /// The time limit of this invocation: the endpoint's, and the invocation's deadline
    /// less the margin.
    fn limit(&self, request: &Request) -> Option<Duration> {
        let deadline = request
            .lambda_context_ref()
            .filter(|context| context.deadline > 0)
            .map(|context| {
                let deadline = SystemTime::UNIX_EPOCH + Duration::from_millis(context.deadline);
                deadline
                    .duration_since(SystemTime::now())
                    .unwrap_or_default()
                    .saturating_sub(DEADLINE_MARGIN)
            });
        match (self.timeout, deadline) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
}

/// The body as bytes, without a copy where `lambda_http` owns them already.
fn bytes(body: Body) -> Bytes {
    match body {
        Body::Empty => Bytes::new(),
        Body::Text(text) => text.into(),
        Body::Binary(bytes) => bytes.into(),
        other => Bytes::copy_from_slice(&other),
    }
}

/// The `lambda_http` response of an [`Answer`].
fn response(answer: Answer) -> Response<Body> {
    let mut response = Response::builder()
        .status(answer.status())
        .header(header::CONTENT_TYPE, answer.content_type());
    if let Some(allow) = answer.allow() {
        response = response.header(header::ALLOW, allow);
    }
    let body = if answer.is_success() {
        Body::Binary(answer.into_body().into())
    } else {
        Body::Text(answer.error_text().unwrap_or_default().to_owned())
    };
    response
        .body(body)
        .unwrap_or_else(|_| Response::new(Body::Empty))
}
