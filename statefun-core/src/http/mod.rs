//! The HTTP side of a StateFun endpoint, free of any HTTP framework: the one request
//! pipeline every integration of the SDK runs ([`Endpoint::answer`]), with its checks,
//! limits, statuses and texts, its span and log line, and what observes it ([`Observe`]).
//!
//! The actix-web service, `statefun::axum`, `statefun::lambda` and a plain hyper server all
//! answer through [`Endpoint`], so they agree on every status code, every text and every
//! log line; so can your own integration with any other framework. The request-reply
//! protocol itself is in [`Handler::handle`](crate::Handler::handle): `ToFunction` bytes
//! in, `FromFunction` bytes out.
//!
//! # The behaviour
//!
//! The StateFun runtime POSTs a protobuf `ToFunction` to the path of `urlPathTemplate` in
//! module.yaml. Every error answer has a [`TEXT_PLAIN`] body that says what went wrong, so
//! that the runtime's logs show it.
//!
//! | Request | Status | Body |
//! |---|---|---|
//! | `POST`, a valid `ToFunction` | 200 | `FromFunction`, `Content-Type: application/octet-stream` |
//! | any other method | 405 | `Allow: POST` ([`Rejection::Method`]) |
//! | `Content-Type` other than `application/octet-stream` (none is fine) | 415 | the type received ([`Rejection::ContentType`]) |
//! | `Content-Encoding` other than `identity` | 415 | the encoding received ([`Rejection::ContentEncoding`]) |
//! | any other path | 404 | the path served and the `urlPathTemplate` to use ([`Endpoint::unserved`]) |
//! | body longer than the limit ([`DEFAULT_BODY_LIMIT`]) | 413 | the limit ([`Rejection::TooLarge`]) |
//! | a body that cannot be read (broken chunked encoding, connection closed) | 400 | why ([`Rejection::Unreadable`]) |
//! | empty body, not a protobuf `ToFunction`, or a `ToFunction` the protocol does not allow | 400 | why ([`Error`](crate::Error)) |
//! | the target's function type is not registered | 404 | the typename and the registered ones |
//! | the function returned an error or panicked, or a state value cannot be decoded | 500 | typename, id and error |
//! | the batch did not finish within the time limit ([`DEFAULT_TIMEOUT`]) | 504 | typename, id and the limit |
//!
//! A rejected body is still read and thrown away, up to 64 MiB past the body limit, so
//! that the client (which sends its whole body before it reads the answer) sees the answer
//! and the keep-alive connection can carry the next request; past that budget the answer
//! says to close the connection ([`Answer::close`]).
//!
//! # In your own framework
//!
//! Hand the method, three headers and the body's stream of chunks to
//! [`Endpoint::answer`], and copy the [`Answer`] into the framework's response:
//!
//! ```
//! use statefun::{Bytes, Functions, http::{Endpoint, RequestHead}};
//!
//! # async fn run(functions: Functions, method: &str, content_type: Option<&[u8]>,
//! #     body: impl futures_util::Stream<Item = Result<Bytes, std::io::Error>> + Unpin) {
//! let endpoint = Endpoint::new(functions);
//! let head = RequestHead::new(method).with_content_type(content_type);
//! let answer = endpoint.answer(head, body).await;
//! let (status, content_type, body) = (answer.status(), answer.content_type(), answer.into_body());
//! # let _ = (status, content_type, body);
//! # }
//! ```
//!
//! With the `tower` feature (which `axum`, `lambda` and `hyper` turn on), [`Endpoint`] is
//! a `tower::Service<http::Request<B>>` and needs no glue at all.

use std::time::Duration;

mod answer;
mod body;
mod endpoint;
mod fields;
mod head;
mod log;
mod observe;
mod operations;
mod rejection;
#[cfg(test)]
mod tests;
#[cfg(feature = "tower")]
mod tower;

pub use answer::Answer;
pub use endpoint::Endpoint;
pub use fields::RequestFields;
pub use head::RequestHead;
pub use log::{LOG_TARGET, REQUEST_SPAN};
pub use observe::{Observe, Report};
pub use operations::{
    DEFAULT_CATALOG_PATH, DEFAULT_HEALTH_PATH, DEFAULT_METRICS_PATH, DEFAULT_READY_PATH, Operation,
    PathConflict, STOPPING_TEXT, check_operational_paths,
};
pub use rejection::Rejection;
#[cfg(feature = "tower")]
pub use tower::Deadline;

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
