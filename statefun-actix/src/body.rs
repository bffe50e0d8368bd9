//! Why actix-web could not read a request body, in words for the 400 text.

use actix_web::error::PayloadError;

/// Why a body could not be read, for the 400 text.
pub(crate) fn why(error: PayloadError) -> String {
    match error {
        PayloadError::Incomplete(_) => {
            "it ended early (invalid chunked encoding, or the connection closed)".to_owned()
        }
        e => e.to_string(),
    }
}
