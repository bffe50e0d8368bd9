//! Values: the [`Type`] trait every message and state value implements, the six
//! primitive types, and the JSON, protobuf and raw-bytes codecs.

use bytes::{BufMut, Bytes, BytesMut};
use prost::encoding::{
    DecodeContext, WireType, decode_key, decode_varint, encode_varint, skip_field,
};

use crate::TypeName;

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
/// types of `#[derive(statefun::Type)]`. Messages of these types are built without an
/// encoding error ([`OutgoingMessage::new`](crate::OutgoingMessage::new) can only refuse
/// the target).
///
/// JSON types do not implement it: serde can refuse a value (a map with non-string keys,
/// a `Serialize` impl that fails), so they are sent with the `try_` constructors.
#[diagnostic::on_unimplemented(
    message = "encoding a `{Self}` can fail",
    label = "its encoding can fail",
    note = "JSON types (serde) can fail to encode: use the fallible constructor and `?`, e.g. `OutgoingMessage::try_new(target, &value)?` or `EgressMessage::try_new(egress, &value)?`"
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

// The wrappers are proto3 messages with one field, number 1. The default value is encoded
// as no field at all; every other value as exactly one field (so -0.0 keeps its sign,
// which a plain proto3 encoder would drop).
const FIXED32_KEY: u8 = (1 << 3) | 5;
const FIXED64_KEY: u8 = (1 << 3) | 1;
const VARINT_KEY: u8 = 1 << 3;
const LEN_KEY: u8 = (1 << 3) | 2;

fn fixed<const N: usize>(key: u8, le: [u8; N], is_default: bool) -> Bytes {
    if is_default {
        return Bytes::new();
    }
    let mut out = BytesMut::with_capacity(1 + N);
    out.put_u8(key);
    out.put_slice(&le);
    out.freeze()
}

fn encode_string(s: &str) -> Bytes {
    if s.is_empty() {
        return Bytes::new();
    }
    let mut out = BytesMut::with_capacity(1 + 5 + s.len());
    out.put_u8(LEN_KEY);
    encode_varint(s.len() as u64, &mut out);
    out.put_slice(s.as_bytes());
    out.freeze()
}

/// Reads the wrapper's field 1 as the protobuf runtimes of the official SDKs (Java and
/// Python) do: every occurrence of field 1 with its declared wire type is read and the last
/// one wins; every other field is an unknown field and skipped, field 1 with another wire
/// type included (those runtimes look a field up by its whole key, so a key with another wire
/// type is unknown to them; prost would refuse it instead). Unknown fields are skipped by
/// prost's own `skip_field`, the code behind every generated message of the protocol:
/// groups must end with their own field number and nest at most 100 deep.
fn read_field(
    type_name: &'static str,
    mut buf: &[u8],
    expected: WireType,
    mut read: impl FnMut(&mut &[u8]) -> Result<(), CodecError>,
) -> Result<(), CodecError> {
    let invalid = |reason| CodecError::Primitive { type_name, reason };
    while !buf.is_empty() {
        let (tag, wire_type) = decode_key(&mut buf).map_err(|_| {
            invalid("bad field key (a malformed varint, field number 0 or wire type 6 or 7)")
        })?;
        if tag == 1 && wire_type == expected {
            read(&mut buf)?;
        } else {
            skip_field(wire_type, tag, &mut buf, DecodeContext::default()).map_err(|_| {
                invalid("malformed unknown field (truncated, or a group that does not end with its own field number)")
            })?;
        }
    }
    Ok(())
}

fn take<const N: usize>(type_name: &'static str, buf: &mut &[u8]) -> Result<[u8; N], CodecError> {
    if buf.len() < N {
        return Err(CodecError::Primitive {
            type_name,
            reason: "truncated value",
        });
    }
    let (head, rest) = buf.split_at(N);
    *buf = rest;
    Ok(head.try_into().expect("split at N"))
}

macro_rules! fixed_primitive {
    ($ty:ty, $type_name:ident, $n:literal, $key:ident, $wire:ident) => {
        impl Type for $ty {
            fn type_name() -> TypeName {
                $type_name
            }

            fn encode(&self) -> Result<Bytes, CodecError> {
                Ok(self.encode_infallible())
            }

            fn decode(bytes: Bytes) -> Result<Self, CodecError> {
                let name = static_str(&$type_name);
                let mut value = <$ty>::from_le_bytes([0; $n]);
                read_field(name, &bytes, WireType::$wire, |buf| {
                    value = <$ty>::from_le_bytes(take::<$n>(name, buf)?);
                    Ok(())
                })?;
                Ok(value)
            }
        }

        impl InfallibleEncode for $ty {
            fn encode_infallible(&self) -> Bytes {
                // Compare bits, not values: -0.0 == 0.0 but must be sent.
                fixed($key, self.to_le_bytes(), self.to_bits() == 0)
            }
        }
    };
}

/// Integers have no `to_bits`; give them one so one macro serves all fixed-width types.
trait ToBits {
    fn to_bits(self) -> u64;
}

impl ToBits for i32 {
    fn to_bits(self) -> u64 {
        self as u32 as u64
    }
}

impl ToBits for i64 {
    fn to_bits(self) -> u64 {
        self as u64
    }
}

/// The `&'static str` inside a typename built by [`TypeName::from_static`].
const fn static_str(type_name: &TypeName) -> &'static str {
    match type_name.static_str() {
        Some(s) => s,
        None => panic!("primitive typenames are static"),
    }
}

fixed_primitive!(i32, INT, 4, FIXED32_KEY, ThirtyTwoBit);
fixed_primitive!(i64, LONG, 8, FIXED64_KEY, SixtyFourBit);
fixed_primitive!(f32, FLOAT, 4, FIXED32_KEY, ThirtyTwoBit);
fixed_primitive!(f64, DOUBLE, 8, FIXED64_KEY, SixtyFourBit);

impl Type for bool {
    fn type_name() -> TypeName {
        BOOL
    }

    fn encode(&self) -> Result<Bytes, CodecError> {
        Ok(self.encode_infallible())
    }

    fn decode(bytes: Bytes) -> Result<Self, CodecError> {
        let mut value = false;
        read_field("io.statefun.types/bool", &bytes, WireType::Varint, |buf| {
            value = decode_varint(buf).map_err(|_| CodecError::Primitive {
                type_name: "io.statefun.types/bool",
                reason: "bad varint",
            })? != 0;
            Ok(())
        })?;
        Ok(value)
    }
}

impl InfallibleEncode for bool {
    fn encode_infallible(&self) -> Bytes {
        if *self {
            Bytes::from_static(&[VARINT_KEY, 1])
        } else {
            Bytes::new()
        }
    }
}

impl Type for String {
    fn type_name() -> TypeName {
        STRING
    }

    fn encode(&self) -> Result<Bytes, CodecError> {
        Ok(encode_string(self))
    }

    fn decode(bytes: Bytes) -> Result<Self, CodecError> {
        decode_str(&bytes).map(str::to_owned)
    }
}

impl InfallibleEncode for String {
    fn encode_infallible(&self) -> Bytes {
        encode_string(self)
    }
}

/// The string inside an `io.statefun.types/string` value, borrowed from its bytes.
///
/// Every occurrence of the field must be UTF-8, as in the protobuf runtimes, but only the
/// last one is returned; an earlier one is checked when a later one replaces it, so that
/// the usual single occurrence is checked once.
pub(crate) fn decode_str(bytes: &[u8]) -> Result<&str, CodecError> {
    const NAME: &str = "io.statefun.types/string";
    let invalid = |reason| CodecError::Primitive {
        type_name: NAME,
        reason,
    };
    fn utf8(range: &[u8]) -> Result<&str, CodecError> {
        std::str::from_utf8(range).map_err(|_| CodecError::Primitive {
            type_name: NAME,
            reason: "the string is not valid UTF-8",
        })
    }
    let total = bytes.len();
    let mut range = (0, 0);
    read_field(NAME, bytes, WireType::LengthDelimited, |buf| {
        let len = decode_varint(buf).map_err(|_| invalid("bad length"))?;
        let len = usize::try_from(len).map_err(|_| invalid("bad length"))?;
        if len > buf.len() {
            return Err(invalid("truncated value"));
        }
        utf8(&bytes[range.0..range.1])?;
        let start = total - buf.len();
        range = (start, start + len);
        *buf = &buf[len..];
        Ok(())
    })?;
    utf8(&bytes[range.0..range.1])
}

/// JSON via serde: the codec behind `#[statefun(json, typename = "...")]`.
pub mod json {
    use super::*;

    /// A value's JSON bytes.
    pub fn encode<T: serde::Serialize + ?Sized>(value: &T) -> Result<Bytes, CodecError> {
        Ok(serde_json::to_vec(value)?.into())
    }

    /// A value from JSON bytes.
    pub fn decode<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, CodecError> {
        Ok(serde_json::from_slice(bytes)?)
    }
}

/// Protobuf via prost: the codec behind `#[statefun(protobuf)]`.
pub mod protobuf {
    use super::*;

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

    /// A message's bytes.
    pub fn encode<M: ProstMessage>(message: &M) -> Bytes {
        message.encode_to_vec().into()
    }

    /// A message from its bytes.
    pub fn decode<M: ProstMessage>(bytes: Bytes) -> Result<M, CodecError> {
        Ok(M::decode(bytes)?)
    }
}

/// Raw bytes under a typename of your choice: the codec behind
/// `#[statefun(raw, typename = "...")]`, a newtype around [`Bytes`] or `Vec<u8>`.
pub mod raw {
    use super::*;

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
}
