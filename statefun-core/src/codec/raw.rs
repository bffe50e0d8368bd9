//! Raw bytes under a typename of your choice: the codec behind
//! `#[statefun(raw, typename = "...")]`, a newtype around [`Bytes`] or `Vec<u8>`.

use bytes::Bytes;

/// What a raw type holds: [`Bytes`] (received and sent without a copy) or `Vec<u8>`
/// (copied once each way).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be the bytes of a `raw` StateFun type",
    label = "not `Bytes` or `Vec<u8>`",
    note = "a `raw` type is a newtype around bytes: `struct Blob(statefun::Bytes);` or `struct Blob(Vec<u8>);`"
)]
pub trait RawBytes: Sized {
    /// The bytes to send.
    fn to_bytes(&self) -> Bytes;
    /// The value from received bytes.
    fn from_bytes(bytes: Bytes) -> Self;
}

impl RawBytes for Bytes {
    fn to_bytes(&self) -> Bytes {
        // A reference count, not a copy.
        self.clone()
    }
    fn from_bytes(bytes: Bytes) -> Self {
        bytes
    }
}

impl RawBytes for Vec<u8> {
    fn to_bytes(&self) -> Bytes {
        Bytes::copy_from_slice(self)
    }
    fn from_bytes(bytes: Bytes) -> Self {
        bytes.into()
    }
}
