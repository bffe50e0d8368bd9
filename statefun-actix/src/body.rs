//! Reading a request body: the header checks, the body limit, and reading what is left of a
//! rejected body so that the keep-alive connection stays usable.

use actix_web::{
    HttpRequest,
    http::{
        StatusCode,
        header::{self, HeaderValue},
    },
    web,
};
use bytes::{Bytes, BytesMut};
use futures_util::StreamExt;

/// A request answered with an error status before reaching the dispatcher.
pub(crate) struct Rejected {
    pub(crate) reason: Rejection,
    /// Whether its body was read to the end: if not, the answer closes the connection (a
    /// client would otherwise send its next request on a connection the server drops).
    pub(crate) drained: bool,
}

/// Why a request was answered with an error status before reaching the dispatcher.
pub(crate) enum Rejection {
    ContentType(String),
    ContentEncoding(String),
    TooLarge(usize),
    Payload(actix_web::error::PayloadError),
}

impl Rejection {
    pub(crate) fn status_and_text(&self) -> (StatusCode, String) {
        match self {
            Self::ContentType(got) => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                format!("expected Content-Type application/octet-stream, got `{got}`"),
            ),
            Self::ContentEncoding(got) => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                format!("request bodies with Content-Encoding `{got}` are not supported"),
            ),
            Self::TooLarge(limit) => (
                StatusCode::PAYLOAD_TOO_LARGE,
                format!(
                    "the request body is longer than the limit of {limit} bytes; raise it with `Endpoint::body_limit`"
                ),
            ),
            Self::Payload(actix_web::error::PayloadError::Incomplete(_)) => (
                StatusCode::BAD_REQUEST,
                "could not read the request body: it ended early (invalid chunked encoding, or the connection closed)".to_owned(),
            ),
            Self::Payload(e) => (
                StatusCode::BAD_REQUEST,
                format!("could not read the request body: {e}"),
            ),
        }
    }
}

/// Checks the request's headers and reads its body, within `limit` bytes.
pub(crate) async fn receive(
    req: &HttpRequest,
    mut body: web::Payload,
    limit: usize,
) -> Result<Bytes, Rejected> {
    let headers = req.headers();
    let reason = match (
        headers.get(header::CONTENT_TYPE),
        headers.get(header::CONTENT_ENCODING),
    ) {
        (Some(value), _) if !is_octet_stream(value) => Some(Rejection::ContentType(lossy(value))),
        (_, Some(value)) if !value.as_bytes().eq_ignore_ascii_case(b"identity") => {
            Some(Rejection::ContentEncoding(lossy(value)))
        }
        _ => None,
    };
    if let Some(reason) = reason {
        // Read the body anyway (within the limit), so the connection stays usable.
        let drained = discard(&mut body, 0, discard_budget(limit)).await;
        return Err(Rejected { reason, drained });
    }
    let length = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
    if length.is_some_and(|length| length > limit) {
        return Err(too_large(body, limit, 0).await);
    }
    read_body(body, limit, length.unwrap_or(0)).await
}

/// Reads the whole body: a body that arrives in one chunk is kept as is, without a copy.
async fn read_body(mut body: web::Payload, limit: usize, hint: usize) -> Result<Bytes, Rejected> {
    let mut first: Option<Bytes> = None;
    let mut rest: Option<BytesMut> = None;
    let mut total = 0usize;
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|e| Rejected {
            reason: Rejection::Payload(e),
            drained: false,
        })?;
        total += chunk.len();
        if total > limit {
            return Err(too_large(body, limit, total).await);
        }
        if let Some(buf) = &mut rest {
            buf.extend_from_slice(&chunk);
        } else if let Some(head) = first.take() {
            let mut buf = BytesMut::with_capacity(hint.max(total));
            buf.extend_from_slice(&head);
            buf.extend_from_slice(&chunk);
            rest = Some(buf);
        } else {
            first = Some(chunk);
        }
    }
    Ok(match rest {
        Some(buf) => buf.freeze(),
        None => first.unwrap_or_default(),
    })
}

/// How much of a body over the limit is read and thrown away, so that the client (which
/// sends the whole body before it reads the answer) sees the 413 instead of a broken pipe.
const DISCARD_MAX: usize = 64 * 1024 * 1024;

/// How much of a rejected body is read and discarded at most.
pub(crate) fn discard_budget(limit: usize) -> usize {
    limit.saturating_add(DISCARD_MAX)
}

/// Reads and discards the rest of a rejected body (`read` bytes of it are gone already),
/// up to `budget` bytes in all; whether it reached the end.
pub(crate) async fn discard(body: &mut web::Payload, mut read: usize, budget: usize) -> bool {
    while read <= budget {
        match body.next().await {
            Some(Ok(chunk)) => read += chunk.len(),
            Some(Err(_)) => return false,
            None => return true,
        }
    }
    false
}

/// Reads and discards what is left of a body over the limit (up to [`DISCARD_MAX`] more
/// bytes; past that the connection is closed), then rejects it.
async fn too_large(mut body: web::Payload, limit: usize, read: usize) -> Rejected {
    let drained = discard(&mut body, read, discard_budget(limit)).await;
    Rejected {
        reason: Rejection::TooLarge(limit),
        drained,
    }
}

fn is_octet_stream(value: &HeaderValue) -> bool {
    let essence = value.as_bytes().split(|&b| b == b';').next().unwrap_or(&[]);
    essence
        .trim_ascii()
        .eq_ignore_ascii_case(b"application/octet-stream")
}

fn lossy(value: &HeaderValue) -> String {
    String::from_utf8_lossy(value.as_bytes()).into_owned()
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
        ] {
            assert!(is_octet_stream(&HeaderValue::from_static(ok)), "{ok}");
        }
        for bad in [
            "application/json",
            "text/plain",
            "",
            "application/octet-streamx",
        ] {
            assert!(!is_octet_stream(&HeaderValue::from_static(bad)), "{bad}");
        }
    }
}
