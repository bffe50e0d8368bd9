//! Reading a request body with the checks of [`statefun_core::http`]: the header checks,
//! the body limit, and reading what is left of a rejected body so that the keep-alive
//! connection stays usable.

use actix_web::{
    HttpRequest,
    error::PayloadError,
    http::header::{self, HeaderName},
    web,
};
use bytes::Bytes;
use futures_util::StreamExt as _;
use statefun_core::http::{self, Rejected};

/// Checks the request's headers and reads its body, within `limit` bytes.
pub(crate) async fn receive(
    req: &HttpRequest,
    body: web::Payload,
    limit: usize,
) -> Result<Bytes, Rejected> {
    let header = |name: HeaderName| req.headers().get(name).map(|v| v.as_bytes());
    let body = body.map(|chunk| chunk.map_err(why));
    http::receive(
        header(header::CONTENT_TYPE),
        header(header::CONTENT_ENCODING),
        header(header::CONTENT_LENGTH),
        body,
        limit,
    )
    .await
}

/// Reads and throws away a rejected body, up to [`http::discard_budget`]; whether it
/// reached the end.
pub(crate) async fn discard(body: &mut web::Payload, limit: usize) -> bool {
    http::discard(body, 0, http::discard_budget(limit)).await
}

/// Why a body could not be read, for the 400 text.
fn why(error: PayloadError) -> String {
    match error {
        PayloadError::Incomplete(_) => {
            "it ended early (invalid chunked encoding, or the connection closed)".to_owned()
        }
        e => e.to_string(),
    }
}
