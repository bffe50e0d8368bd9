//! [`Rejection`]: why a request is answered with an error before it reaches the
//! dispatcher, and the checks of the request line and headers that find it.

use std::fmt;

use super::{OCTET_STREAM, RequestHead};

/// Why a request is answered with an error before it reaches the [dispatcher](crate::Handler).
///
/// Its [`Display`](fmt::Display) is the text of the answer; [`Rejection::status`] its
/// status code.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Rejection {
    /// A method other than `POST`: 405, with `Allow: POST`.
    Method,
    /// A `Content-Type` other than `application/octet-stream` (the value received): 415.
    ContentType(String),
    /// A `Content-Encoding` other than `identity` (the value received): 415.
    ContentEncoding(String),
    /// A body longer than the limit: 413.
    TooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// The body could not be read (why): 400.
    Unreadable(String),
}

impl Rejection {
    /// The status code of the answer.
    pub fn status(&self) -> u16 {
        match self {
            Self::Method => 405,
            Self::ContentType(_) | Self::ContentEncoding(_) => 415,
            Self::TooLarge { .. } => 413,
            Self::Unreadable(_) => 400,
        }
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Method => f.write_str("a StateFun endpoint answers POST requests only"),
            Self::ContentType(got) => {
                write!(f, "expected Content-Type {OCTET_STREAM}, got `{got}`")
            }
            Self::ContentEncoding(got) => write!(
                f,
                "request bodies with Content-Encoding `{got}` are not supported"
            ),
            Self::TooLarge { limit } => write!(
                f,
                "the request body is longer than the limit of {limit} bytes; raise the endpoint's body limit (keep it at least the runtime's `payload_max_bytes`)"
            ),
            Self::Unreadable(why) => write!(f, "could not read the request body: {why}"),
        }
    }
}

impl std::error::Error for Rejection {}

/// Checks the method: only `POST` (the runtime's) is answered, anything else is
/// [`Rejection::Method`].
pub(crate) fn check_method(method: &str) -> Result<(), Rejection> {
    if method == "POST" {
        Ok(())
    } else {
        Err(Rejection::Method)
    }
}

/// Checks the headers of a request before its body is read: `Content-Type` (absent or
/// `application/octet-stream`, parameters and case ignored), `Content-Encoding` (absent or
/// `identity`) and `Content-Length` (at most `limit`), in that order. Returns the declared
/// length, if any, as a hint for reading the body.
///
/// A `Content-Length` that is not a number is ignored here: the body is then read within
/// the limit all the same ([`read_body`](super::body::read_body)).
pub(crate) fn check_headers(
    head: &RequestHead<'_>,
    limit: usize,
) -> Result<Option<usize>, Rejection> {
    if let Some(value) = head.content_type()
        && !is_octet_stream(value)
    {
        return Err(Rejection::ContentType(lossy(value)));
    }
    if let Some(value) = head.content_encoding()
        && !value.eq_ignore_ascii_case(b"identity")
    {
        return Err(Rejection::ContentEncoding(lossy(value)));
    }
    let length = head
        .content_length()
        .and_then(|v| std::str::from_utf8(v).ok()?.parse::<usize>().ok());
    match length {
        Some(length) if length > limit => Err(Rejection::TooLarge { limit }),
        length => Ok(length),
    }
}

fn is_octet_stream(value: &[u8]) -> bool {
    let essence = value.split(|&b| b == b';').next().unwrap_or(&[]);
    essence
        .trim_ascii()
        .eq_ignore_ascii_case(OCTET_STREAM.as_bytes())
}

fn lossy(value: &[u8]) -> String {
    String::from_utf8_lossy(value).into_owned()
}

/// The 404 text for a request to `path` when the endpoint answers on `served`; with the
/// scheme and host the request came by, it names the `urlPathTemplate` to use (unless
/// `served` is a pattern such as `/functions/{name}`).
pub(super) fn unserved_text(path: &str, served: &str, origin: Option<(&str, &str)>) -> String {
    let hint = match origin {
        Some((scheme, host)) if !served.contains('{') => format!(
            "; set `urlPathTemplate: {scheme}://{host}{served}` in module.yaml (with the host name the StateFun cluster reaches this service by)"
        ),
        _ => String::new(),
    };
    format!(
        "no StateFun endpoint at `{path}`: this service answers POST requests at `{served}`{hint}"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn octet_stream_check_ignores_parameters_and_case() {
        for ok in [
            "application/octet-stream",
            "Application/Octet-Stream",
            "application/octet-stream; charset=binary",
            " application/octet-stream ;x=y",
        ] {
            assert!(is_octet_stream(ok.as_bytes()), "{ok}");
        }
        for bad in [
            "application/json",
            "text/plain",
            "",
            "application/octet-streamx",
            "xapplication/octet-stream",
        ] {
            assert!(!is_octet_stream(bad.as_bytes()), "{bad}");
        }
    }
}
