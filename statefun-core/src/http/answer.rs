//! [`Answer`]: what to answer a StateFun request with, as a status code, header values and
//! a body, for every outcome.

use std::{any::Any, time::Duration};

use bytes::Bytes;
use prost::Message as _;

use super::{OCTET_STREAM, Rejection, TEXT_PLAIN, body::Rejected, rejection::unserved_text};
use crate::{dispatch::Error, panic::panic_message, proto::reqreply as pb};

/// What to answer a StateFun request with: a status code, the `Content-Type`, possibly an
/// `Allow` header, whether to close the connection, and the body, as
/// [`Endpoint::answer`](super::Endpoint::answer) gives it. Copy these into your
/// framework's response; the SDK's integrations do just that.
///
/// A 200 answer carries the `FromFunction` ([`OCTET_STREAM`]); every other one a text that
/// says what went wrong ([`TEXT_PLAIN`]), also available for the log as
/// [`Answer::error_text`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    status: u16,
    body: Bytes,
    close: bool,
}

impl Answer {
    /// 200 with a `FromFunction`.
    pub(crate) fn ok(from_function: Bytes) -> Self {
        Self {
            status: 200,
            body: from_function,
            close: false,
        }
    }

    fn error(status: u16, text: String) -> Self {
        Self {
            status,
            body: text.into(),
            close: false,
        }
    }

    /// The answer to the outcome of a dispatch.
    pub(crate) fn from_result(result: Result<Bytes, Error>) -> Self {
        match result {
            Ok(from_function) => Self::ok(from_function),
            Err(error) => Self::from_error(&error),
        }
    }

    /// The answer to a dispatcher error: the caller's fault is 4xx (404 for an unknown
    /// function, 400 for a malformed or invalid request), the function's 500. The text is
    /// the error with the causes its message does not already include.
    pub(crate) fn from_error(error: &Error) -> Self {
        let status = match error {
            Error::UnknownFunction { .. } => 404,
            e if e.is_bad_request() => 400,
            _ => 500,
        };
        Self::error(status, describe(error))
    }

    /// 504 for a batch that did not finish within `limit`; the text names the function and
    /// id, read again from `request` (the `ToFunction` bytes).
    pub(crate) fn timed_out(request: &[u8], limit: Duration) -> Self {
        let target = pb::ToFunction::decode(request)
            .ok()
            .and_then(|r| match r.request? {
                pb::to_function::Request::Invocation(batch) => batch.target,
            });
        let text = match target {
            Some(t) => format!(
                "function {}/{} (id `{}`) did not finish within {limit:?}; the batch was abandoned and none of its effects were sent (the limit is the endpoint's time limit, or the platform's deadline for the request if that comes first)",
                t.namespace, t.r#type, t.id
            ),
            None => format!(
                "the request was not answered within {limit:?}; it was abandoned (the limit is the endpoint's time limit, or the platform's deadline for the request if that comes first)"
            ),
        };
        Self::error(504, text)
    }

    /// 500 for a panic that escaped the dispatcher (which catches those of user code
    /// itself), with its payload as caught by `catch_unwind`.
    pub(crate) fn panicked(payload: &(dyn Any + Send)) -> Self {
        Self::error(500, format!("the SDK panicked: {}", panic_message(payload)))
    }

    /// 404 for a request to `path` when the endpoint answers on `served`. With the scheme
    /// and host the request came by (`origin`), the text names the `urlPathTemplate` to
    /// put in module.yaml, unless `served` is a pattern such as `/functions/{name}`.
    ///
    pub(crate) fn unserved_path(path: &str, served: &str, origin: Option<(&str, &str)>) -> Self {
        Self::error(404, unserved_text(path, served, origin))
    }

    /// The same answer, closing the connection if `close` (its request's body was not read
    /// to the end, see [`discard`](super::discard)).
    pub(crate) fn with_close(mut self, close: bool) -> Self {
        self.close = close;
        self
    }

    /// The status code.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// Whether this is the 200 answer with a `FromFunction`.
    pub fn is_success(&self) -> bool {
        self.status == 200
    }

    /// The `Content-Type`: [`OCTET_STREAM`] for a `FromFunction`, [`TEXT_PLAIN`] for the
    /// text of an error.
    pub fn content_type(&self) -> &'static str {
        if self.is_success() {
            OCTET_STREAM
        } else {
            TEXT_PLAIN
        }
    }

    /// The value of the `Allow` header the answer must carry: `POST` on a 405.
    pub fn allow(&self) -> Option<&'static str> {
        (self.status == 405).then_some("POST")
    }

    /// Whether the connection must be closed after this answer (`Connection: close`): the
    /// request's body was not read to the end.
    pub fn close(&self) -> bool {
        self.close
    }

    /// The body: the `FromFunction`, or the text of the error.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// The body, owned.
    pub fn into_body(self) -> Bytes {
        self.body
    }

    /// The text of an error answer (any but 200), for the log.
    pub fn error_text(&self) -> Option<&str> {
        if self.is_success() {
            None
        } else {
            std::str::from_utf8(&self.body).ok()
        }
    }
}

impl Answer {
    /// The answer to a request rejected before the dispatcher.
    pub(crate) fn rejection(reason: &Rejection) -> Self {
        Self::error(reason.status(), reason.to_string())
    }

    /// The answer to a request rejected before the dispatcher, closing the connection if
    /// its body was not read to the end.
    pub(crate) fn rejected(rejected: Rejected) -> Self {
        Self::rejection(&rejected.reason).with_close(!rejected.drained)
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
