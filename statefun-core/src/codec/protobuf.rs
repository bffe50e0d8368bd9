//! Protobuf via prost: the codec behind `#[statefun(protobuf)]`.

use bytes::Bytes;

use super::CodecError;
use crate::names::TypeName;

/// A protobuf message of the prost version this crate is built with (0.14).
///
/// Implemented for every `prost::Message + Default`; it exists so that a message
/// derived with another prost version is reported as such, not as an unmet bound deep
/// in this crate.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a protobuf message of prost 0.14",
    label = "not a prost 0.14 `Message`",
    note = "derive it with `#[derive(Clone, PartialEq, prost::Message)]` using prost 0.14, the version statefun is built with: check `prost` in your Cargo.toml (`cargo tree -i prost` lists every version in the build)"
)]
pub trait ProstMessage: prost::Message + Default {}

impl<M: prost::Message + Default> ProstMessage for M {}

/// The default typename of a protobuf message: `type.googleapis.com/<full name>`,
/// as the official SDKs write it.
pub fn type_name<M: prost::Name>() -> TypeName {
    TypeName::new(format!("type.googleapis.com/{}", M::full_name()))
        .expect("a protobuf full name has no `/`")
}

/// A message's bytes.
pub fn encode<M: ProstMessage>(message: &M) -> Bytes {
    message.encode_to_vec().into()
}

/// A message from its bytes.
pub fn decode<M: ProstMessage>(bytes: Bytes) -> Result<M, CodecError> {
    Ok(M::decode(bytes)?)
}
