//! Protobuf via prost: the codec behind `#[statefun(protobuf)]`.

use std::sync::OnceLock;

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

/// The encoder and decoder of a `#[statefun(protobuf)]` type, made by [`codec`].
/// Not public API.
#[doc(hidden)]
pub struct Codec<M> {
    /// [`encode`] for `M`.
    pub encode: fn(&M) -> Bytes,
    /// [`decode`] for `M`.
    pub decode: fn(Bytes) -> Result<M, CodecError>,
}

/// The derive's codec for `M`. The derive takes both functions from this one call, so
/// that a type that is not a prost message gets one error, not one per use. Not public
/// API.
#[doc(hidden)]
pub const fn codec<M: ProstMessage>() -> Codec<M> {
    Codec {
        encode: encode::<M>,
        decode: decode::<M>,
    }
}

/// The default typename of a protobuf message: `type.googleapis.com/<full name>`,
/// as the official SDKs write it.
pub fn type_name<M: prost::Name>() -> TypeName {
    TypeName::new(format!("type.googleapis.com/{}", M::full_name()))
        .expect("a protobuf full name has no `/`")
}

/// The typename `#[statefun(protobuf)]` gives a type when no `typename` is set: the
/// [`type_name`] of its `prost::Name`. Used by the derive, not public API.
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "`#[statefun(protobuf)]` needs a typename for `{Self}`",
    label = "no typename",
    note = "add one: `#[statefun(protobuf, typename = \"type.googleapis.com/<package>.<Message>\")]`, or implement `prost::Name` for `{Self}` (prost-build does so with `enable_type_names()`)"
)]
pub trait DefaultTypeName {
    /// `type.googleapis.com/<full name>`.
    fn default_type_name() -> TypeName;
}

impl<M: prost::Name> DefaultTypeName for M {
    fn default_type_name() -> TypeName {
        type_name::<M>()
    }
}

/// The default typename of `M`, made on first use and kept in `cell`: a type's
/// `type_name()` is called for every message it is compared with, and formatting the
/// name each time would cost an allocation. Used by the derive, not public API.
#[doc(hidden)]
pub fn cached_default_type_name<M: DefaultTypeName>(cell: &'static OnceLock<TypeName>) -> TypeName {
    cell.get_or_init(|| M::default_type_name().leak()).clone()
}

/// A message's bytes.
pub fn encode<M: ProstMessage>(message: &M) -> Bytes {
    message.encode_to_vec().into()
}

/// A message from its bytes.
pub fn decode<M: ProstMessage>(bytes: Bytes) -> Result<M, CodecError> {
    Ok(M::decode(bytes)?)
}
