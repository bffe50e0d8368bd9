//! The HTTP side of a StateFun endpoint, free of any HTTP framework: what to check in a
//! request, how much of a body to read, and what to answer for every outcome of the
//! [`Handler`], as plain status codes, header values and bodies.
//!
//! Every HTTP integration of the SDK (the actix-web adapter, `statefun::axum`,
//! `statefun::lambda`) answers through this module, so they agree on every status code and
//! every text; so can your own integration with any other framework. The request-reply
//! protocol itself is in [`Handler::handle`]: `ToFunction` bytes in, `FromFunction` bytes out.
//!
//! # The behaviour
//!
//! The StateFun runtime POSTs a protobuf `ToFunction` to the path of `urlPathTemplate` in
//! module.yaml. Every error answer has a [`TEXT_PLAIN`] body that says what went wrong, so
//! that the runtime's logs show it.
//!
//! | Request | Status | Body | Here |
//! |---|---|---|---|
//! | `POST`, a valid `ToFunction` | 200 | `FromFunction`, `Content-Type: application/octet-stream` | [`respond`] |
//! | any other method | 405 | `Allow: POST` | [`Rejection::Method`] |
//! | `Content-Type` other than `application/octet-stream` (none is fine) | 415 | the type received | [`check_headers`] |
//! | `Content-Encoding` other than `identity` | 415 | the encoding received | [`check_headers`] |
//! | any other path | 404 | the path served and the `urlPathTemplate` to use | [`Answer::unserved_path`] |
//! | body longer than the limit ([`DEFAULT_BODY_LIMIT`]) | 413 | the limit | [`check_headers`], [`read_body`] ([`receive`] does both) |
//! | a body that cannot be read (broken chunked encoding, connection closed) | 400 | why | [`read_body`] |
//! | empty body, not a protobuf `ToFunction`, or a `ToFunction` the protocol does not allow | 400 | why | [`Answer::from_error`] |
//! | the target's function type is not registered | 404 | the typename and the registered ones | [`Answer::from_error`] |
//! | the function returned an error or panicked, or a state value cannot be decoded | 500 | typename, id and error | [`Answer::from_error`] |
//! | the batch did not finish within the time limit ([`DEFAULT_TIMEOUT`]) | 504 | typename, id and the limit | [`Answer::timed_out`] |
//!
//! A rejected body is still read and thrown away, up to [`discard_budget`], so that the
//! client (which sends its whole body before it reads the answer) sees the answer and the
//! keep-alive connection can carry the next request; past that budget the answer says to
//! close the connection ([`Answer::close`]).
//!
//! # In your own framework
//!
//! With the body read by the framework (within its own limit), the whole protocol is one
//! call and three values to copy into the framework's response:
//!
//! ```
//! # use statefun_core::{Bytes, Functions, Handler};
//! # async fn run(handler: Handler, body: Bytes) {
//! use statefun_core::http;
//!
//! let answer = http::respond(&handler, body, None, |_| std::future::pending()).await;
//! let (status, content_type, body) = (answer.status(), answer.content_type(), answer.into_body());
//! # let _ = (status, content_type, body);
//! # }
//! ```
//!
//! Add [`check_headers`] before it for the 413 and 415 answers, and a timer (for example
//! `tokio::time::sleep`) for the 504.

use std::{future::Future, panic::AssertUnwindSafe, pin::pin, time::Duration};

use bytes::Bytes;
use futures_util::{
    FutureExt as _,
    future::{Either, select},
};

use crate::{Error, Handler, dispatch::Seen};

mod answer;
mod body;
mod rejection;

pub use answer::Answer;
pub use body::{Rejected, discard, discard_budget, read_body, receive};
pub use rejection::{Rejection, check_headers, check_method};

/// The path an endpoint answers on unless told otherwise.
pub const DEFAULT_PATH: &str = "/statefun";

/// The default request body limit: 32 MiB, the runtime's default `payload_max_bytes`.
pub const DEFAULT_BODY_LIMIT: usize = 32 * 1024 * 1024;

/// How long a batch may run by default before it is abandoned with 504: 2 minutes, the
/// runtime's default call timeout (`transport.call` in module.yaml), after which the
/// runtime no longer waits for the answer.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);

/// The `Content-Type` of requests and of successful answers.
pub const OCTET_STREAM: &str = "application/octet-stream";

/// The `Content-Type` of every error answer.
pub const TEXT_PLAIN: &str = "text/plain; charset=utf-8";

/// Runs one request body through `handler` and maps the outcome to its [`Answer`]: 200
/// with the `FromFunction`, or the error status and text of the [table](self#the-behaviour).
///
/// A batch still running after `timeout` is dropped and answered 504; `sleep` is the timer
/// of your runtime (`tokio::time::sleep`, `actix_web::rt::time::sleep`), which this crate
/// does not pick for you. It is called only when `timeout` is `Some`. A panic that escapes
/// the dispatcher (it catches those of user code itself) is answered 500.
///
/// With the `metrics` feature, the request is recorded in the handler's metrics, if it has
/// any ([`Handler::with_metrics`]).
pub async fn respond<T, S>(
    handler: &Handler,
    request: Bytes,
    timeout: Option<Duration>,
    sleep: T,
) -> Answer
where
    T: FnOnce(Duration) -> S,
    S: Future<Output = ()>,
{
    #[cfg(feature = "metrics")]
    let recording = handler.recorder().map(|recorder| recorder.start());
    // A reference count, kept to name the target if the batch times out.
    let body = request.clone();
    let mut seen = Seen::default();
    let outcome = {
        let batch = pin!(AssertUnwindSafe(handler.handle_seen(request, &mut seen)).catch_unwind());
        match timeout {
            Some(limit) => match select(batch, pin!(sleep(limit))).await {
                Either::Left((outcome, _)) => Ok(outcome),
                Either::Right(((), _)) => Err(limit),
            },
            None => Ok(batch.await),
        }
    };
    let (answer, panicked) = match outcome {
        Ok(Ok(result)) => {
            let panicked = matches!(result, Err(Error::FunctionPanicked { .. }));
            (Answer::from_result(result), panicked)
        }
        Ok(Err(panic)) => (Answer::panicked(&*panic), true),
        Err(limit) => (Answer::timed_out(&body, limit), false),
    };
    #[cfg(feature = "metrics")]
    if let Some(recording) = recording {
        recording.finish(&seen, &answer, body.len(), panicked);
    }
    #[cfg(not(feature = "metrics"))]
    let _ = (seen, panicked);
    answer
}

/// The answer to a request rejected before it reached the dispatcher (a [`Rejected`] or
/// [`Rejection`] from the checks of this module, or [`Answer::unserved_path`]), recorded
/// in the handler's metrics if it has any (feature `metrics`; function `none`, outcome
/// `4xx`).
///
/// ```
/// use statefun_core::{Functions, Handler, http::{self, Rejection}};
///
/// let handler = Handler::new(Functions::new());
/// let answer = http::reject(&handler, Rejection::Method);
/// assert_eq!(answer.status(), 405);
/// ```
pub fn reject(handler: &Handler, answer: impl Into<Answer>) -> Answer {
    let answer = answer.into();
    #[cfg(feature = "metrics")]
    if let Some(recorder) = handler.recorder() {
        recorder.rejected(&answer);
    }
    #[cfg(not(feature = "metrics"))]
    let _ = handler;
    answer
}
