//! JSON via serde: the codec behind `#[statefun(json, typename = "...")]`.

use bytes::Bytes;

use super::CodecError;

/// A value's JSON bytes.
pub fn encode<T: serde::Serialize + ?Sized>(value: &T) -> Result<Bytes, CodecError> {
    Ok(serde_json::to_vec(value)?.into())
}

/// A value from JSON bytes.
pub fn decode<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, CodecError> {
    Ok(serde_json::from_slice(bytes)?)
}
