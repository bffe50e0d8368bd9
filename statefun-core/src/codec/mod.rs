//! Values: the [`Type`] trait every message and state value implements, the six
//! primitive types, and the JSON, protobuf and raw-bytes codecs.

use bytes::Bytes;

use crate::names::TypeName;

/// A StateFun type: a typename and a codec. Everything that can be a message or a state
/// value implements it.
///
/// Implemented for the primitives `i32`, `i64`, `f32`, `f64`, `bool` and `String`
/// (`io.statefun.types/{int,long,float,double,bool,string}`, encoded byte for byte as the
/// official SDKs do). For your own types, derive it and pick a codec once:
///
/// ```ignore
/// #[derive(serde::Serialize, serde::Deserialize, statefun::Type)]
/// #[statefun(json, typename = "demo/Profile")]
/// struct Profile { name: String, visits: u32 }
/// ```
///
/// or implement it by hand with the helpers in [`json`], [`protobuf`] and [`raw`]; a
/// type whose encoding cannot fail also implements [`InfallibleEncode`].
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a StateFun type",
    label = "not a StateFun type",
    note = "use a primitive (i32, i64, f32, f64, bool, String) or derive it: `#[derive(statefun::Type)]` with `#[statefun(json, typename = \"ns/Name\")]` (serde), `#[statefun(protobuf)]` (prost) or `#[statefun(raw, typename = \"ns/name\")]` (a newtype around bytes)"
)]
pub trait Type: Sized {
    /// The typename written next to every value of this type.
    fn type_name() -> TypeName;

    /// The value's bytes.
    fn encode(&self) -> Result<Bytes, CodecError>;

    /// A value from its bytes; `bytes` may be a view into the request body.
    fn decode(bytes: Bytes) -> Result<Self, CodecError>;
}

/// Something that can be sent as a value: every [`Type`], and `str` (sent as
/// `io.statefun.types/string`), so that `ctx.send(..., "hi")` needs no allocation
/// by the caller.
///
/// Its methods have names of their own so that they never clash with [`Type`]'s when both
/// traits are in scope.
pub trait Encode {
    /// The typename sent with the value.
    fn value_type_name() -> TypeName;

    /// The value's bytes.
    fn encode_value(&self) -> Result<Bytes, CodecError>;
}

impl<T: Type> Encode for T {
    fn value_type_name() -> TypeName {
        T::type_name()
    }

    fn encode_value(&self) -> Result<Bytes, CodecError> {
        self.encode()
    }
}

impl Encode for str {
    fn value_type_name() -> TypeName {
        STRING
    }

    fn encode_value(&self) -> Result<Bytes, CodecError> {
        Ok(encode_string(self))
    }
}

/// A value whose encoding cannot fail: the primitives, `str`, and the protobuf and raw
/// types of `#[derive(statefun::Type)]`. Values of these types make messages and egress
/// records without an encoding error ([`Message::new`](crate::Message::new),
/// [`EgressMessage::new`](crate::EgressMessage::new)).
///
/// JSON types do not implement it: serde can refuse a value (a map with non-string keys,
/// a `Serialize` impl that fails), so they are sent with the `try_` constructors.
#[diagnostic::on_unimplemented(
    message = "encoding a `{Self}` can fail",
    label = "its encoding can fail",
    note = "JSON types (serde) can fail to encode: use the fallible constructor and `?`, e.g. `EgressMessage::try_new(egress, &value)?` or `Message::try_new(&value)?`"
)]
pub trait InfallibleEncode: Encode {
    /// The value's bytes.
    fn encode_infallible(&self) -> Bytes;
}

impl InfallibleEncode for str {
    fn encode_infallible(&self) -> Bytes {
        encode_string(self)
    }
}

/// A value that could not be encoded or decoded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CodecError {
    /// The bytes are not a valid encoding of the primitive type.
    #[error("invalid `{type_name}` bytes: {reason}")]
    Primitive {
        /// The primitive's typename.
        type_name: &'static str,
        /// What is wrong with the bytes.
        reason: &'static str,
    },
    /// JSON (de)serialization failed.
    #[error("JSON codec: {0}")]
    Json(#[from] serde_json::Error),
    /// Protobuf decoding failed.
    #[error("protobuf codec: {0}")]
    Protobuf(#[from] prost::DecodeError),
    /// A user-defined codec failed.
    #[error("{0}")]
    Custom(Box<dyn std::error::Error + Send + Sync>),
}

/// `io.statefun.types/int`
pub const INT: TypeName = TypeName::from_static("io.statefun.types/int");
/// `io.statefun.types/long`
pub const LONG: TypeName = TypeName::from_static("io.statefun.types/long");
/// `io.statefun.types/float`
pub const FLOAT: TypeName = TypeName::from_static("io.statefun.types/float");
/// `io.statefun.types/double`
pub const DOUBLE: TypeName = TypeName::from_static("io.statefun.types/double");
/// `io.statefun.types/bool`
pub const BOOL: TypeName = TypeName::from_static("io.statefun.types/bool");
/// `io.statefun.types/string`
pub const STRING: TypeName = TypeName::from_static("io.statefun.types/string");

pub mod json;
mod primitive;
pub mod protobuf;
pub mod raw;

pub(crate) use primitive::decode_str;
use primitive::encode_string;
