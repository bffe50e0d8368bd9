//! A raw type, `Blob` (typename `demo/bytes`: any bytes, kept as received), and a state
//! holding one, `BlobState` (the state of `demo/blob` in the conformance vector
//! `e-large-state`).

use statefun_core::{Bytes, CodecError, Type, TypeName};

/// Any bytes, kept as received: decoding takes the value's bytes as they are (a view into
/// the request body, not a copy), encoding gives them back.
pub struct Blob(pub Bytes);

impl Type for Blob {
    fn type_name() -> TypeName {
        TypeName::from_static("demo/bytes")
    }
    fn encode(&self) -> Result<Bytes, CodecError> {
        Ok(self.0.clone())
    }
    fn decode(bytes: Bytes) -> Result<Self, CodecError> {
        Ok(Blob(bytes))
    }
}

crate::state! {
    /// `blob: demo/bytes`, never expiring.
    pub struct BlobState {
        /// The bytes.
        blob: Blob,
    }
}
