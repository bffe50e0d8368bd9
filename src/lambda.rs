//! Your functions as an AWS Lambda function (feature `lambda`), behind a function URL, an
//! API Gateway (REST or HTTP API) or an Application Load Balancer, answering as the
//! actix-web service does (the status codes and texts of [`statefun::http`](crate::http)).
//!
//! ```no_run
//! # async fn run(functions: statefun::Functions) -> Result<(), statefun::BoxError> {
//! // The function's `main`: poll the Lambda Runtime API for invocations.
//! statefun::lambda::run(functions).await
//! # }
//! ```
//!
//! It serves a [`statefun::http::Endpoint`](crate::http::Endpoint) (every path answered:
//! a Lambda function has one entry point), through the same request pipeline as every
//! other integration: the same statuses, texts, `statefun.request` span and log lines.
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
//!   running longer than the endpoint's time limit
//!   ([`Endpoint::with_timeout`](crate::http::Endpoint::with_timeout)); the runtime retries
//!   it.
//! - **Body size.** Lambda refuses requests over 6 MB (a function URL or API Gateway answers
//!   413 itself, before the function runs), and base64 makes the body a third larger on the
//!   way. A request carries every state value of its address: keep the state of one address
//!   well under 4 MB, and `payload_max_bytes` in module.yaml at most 4 MB (a 6 MB event
//!   holds about 4.4 MB of base64-encoded body).
//! - **Concurrency.** One invocation runs at a time per instance; Lambda starts more
//!   instances for concurrent requests (one per address with a batch in flight), each with
//!   a cold start: the process start and [`Functions`](crate::Functions) registration, 18 to 88 ms to the
//!   first answer in cargo-lambda's emulator (docs/deploy.md), before Lambda's own
//!   initialisation.
//! - **Cold start.** Nothing is kept between invocations but the registered functions: the
//!   state comes with every request, as on any other platform.
//! - **Panics.** `cargo lambda build --release` builds with `panic = "abort"` unless your
//!   Cargo.toml's `[profile.release]` sets `panic` itself: set `panic = "unwind"`, or a
//!   function that panics kills the instance instead of being answered 500 with its
//!   typename, id and panic message.

use std::time::{Duration, Instant, SystemTime};

use lambda_http::{Request, RequestExt as _, tower::Service as _};
use statefun_core::{
    BoxError,
    http::{Deadline, Endpoint},
};

pub use statefun_core::http::DEFAULT_TIMEOUT;

/// How long before the invocation's deadline a batch still running is abandoned and
/// answered 504: 200 ms, time enough to send the answer before Lambda stops the function.
pub const DEADLINE_MARGIN: Duration = Duration::from_millis(200);

/// Serves `endpoint` (an [`Endpoint`], or your [`Functions`](crate::Functions)) as this
/// Lambda function until the Lambda service stops it, answering every path.
///
/// # Errors
///
/// When the Lambda Runtime API fails. Outside Lambda (without `AWS_LAMBDA_RUNTIME_API` and
/// the other variables Lambda sets), `lambda_http` panics with the missing variable.
pub async fn run(endpoint: impl Into<Endpoint>) -> Result<(), BoxError> {
    lambda_http::run(service(endpoint)).await
}

/// The `tower::Service` [`run`] hands to `lambda_http`: `endpoint`, answering every path,
/// with each invocation's deadline (less [`DEADLINE_MARGIN`]) as the latest time for its
/// answer. For running it yourself (tests, a custom runtime loop).
///
/// ```
/// # async fn run() {
/// use lambda_http::tower::Service as _;
///
/// let mut service = statefun::lambda::service(statefun::Functions::new());
/// let request = lambda_http::Request::default(); // a GET: answered 405
/// let response = service.call(request).await.unwrap();
/// assert_eq!(response.status(), 405);
/// # }
/// ```
pub fn service(
    endpoint: impl Into<Endpoint>,
) -> impl lambda_http::tower::Service<
    Request,
    Response = <Endpoint as lambda_http::tower::Service<Request>>::Response,
    Error = std::convert::Infallible,
    Future: Send,
> + Clone {
    let endpoint = endpoint.into().with_any_path(true);
    lambda_http::service_fn(move |mut request: Request| {
        if let Some(deadline) = deadline(&request) {
            request.extensions_mut().insert(Deadline(deadline));
        }
        let mut endpoint = endpoint.clone();
        async move { endpoint.call(request).await }
    })
}

/// The invocation's deadline less the margin, as an `Instant`.
fn deadline(request: &Request) -> Option<Instant> {
    let context = request.lambda_context_ref()?;
    if context.deadline == 0 {
        return None;
    }
    let deadline = SystemTime::UNIX_EPOCH + Duration::from_millis(context.deadline);
    let left = deadline
        .duration_since(SystemTime::now())
        .unwrap_or_default()
        .saturating_sub(DEADLINE_MARGIN);
    Some(Instant::now() + left)
}
