//! [`RequestHead`]: what the pipeline reads of a request before its body.

use std::time::Instant;

/// What an [`Endpoint`](super::Endpoint) reads of a request before its body: the method,
/// the three headers that decide whether the body is read, and a deadline if the platform
/// sets one. Every framework has these; the SDK's integrations fill it in from theirs.
///
/// ```
/// use statefun::http::RequestHead;
///
/// let content_type = "application/octet-stream";
/// let head = RequestHead::new("POST")
///     .with_content_type(content_type.as_bytes())
///     .with_content_length("120".as_bytes());
/// assert_eq!(head.method(), "POST");
/// assert_eq!(head.content_type(), Some(content_type.as_bytes()));
/// assert_eq!(head.content_encoding(), None);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RequestHead<'a> {
    method: &'a str,
    content_type: Option<&'a [u8]>,
    content_encoding: Option<&'a [u8]>,
    content_length: Option<&'a [u8]>,
    deadline: Option<Instant>,
}

impl<'a> RequestHead<'a> {
    /// A request with `method` and none of the headers.
    pub fn new(method: &'a str) -> Self {
        Self {
            method,
            content_type: None,
            content_encoding: None,
            content_length: None,
            deadline: None,
        }
    }

    /// The raw value of the `Content-Type` header.
    pub fn with_content_type(mut self, value: impl Into<Option<&'a [u8]>>) -> Self {
        self.content_type = value.into();
        self
    }

    /// The raw value of the `Content-Encoding` header.
    pub fn with_content_encoding(mut self, value: impl Into<Option<&'a [u8]>>) -> Self {
        self.content_encoding = value.into();
        self
    }

    /// The raw value of the `Content-Length` header.
    pub fn with_content_length(mut self, value: impl Into<Option<&'a [u8]>>) -> Self {
        self.content_length = value.into();
        self
    }

    /// When the answer must be sent at the latest (for example, a serverless platform's
    /// deadline for the invocation, less the time to send it): a batch still running then
    /// is answered 504, as at the endpoint's own time limit.
    pub fn with_deadline(mut self, deadline: impl Into<Option<Instant>>) -> Self {
        self.deadline = deadline.into();
        self
    }

    /// The method.
    pub fn method(&self) -> &'a str {
        self.method
    }

    /// The `Content-Type` header ([`RequestHead::with_content_type`]).
    pub fn content_type(&self) -> Option<&'a [u8]> {
        self.content_type
    }

    /// The `Content-Encoding` header ([`RequestHead::with_content_encoding`]).
    pub fn content_encoding(&self) -> Option<&'a [u8]> {
        self.content_encoding
    }

    /// The `Content-Length` header ([`RequestHead::with_content_length`]).
    pub fn content_length(&self) -> Option<&'a [u8]> {
        self.content_length
    }

    /// The deadline of the answer ([`RequestHead::with_deadline`]).
    pub fn deadline(&self) -> Option<Instant> {
        self.deadline
    }
}
