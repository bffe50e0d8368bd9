//! The six primitive types, `io.statefun.types/*`: their wrapper messages encoded byte for
//! byte as the official SDKs do, and decoded as their protobuf runtimes do.

use bytes::{BufMut, Bytes, BytesMut};
use prost::encoding::{
    DecodeContext, WireType, decode_key, decode_varint, encode_varint, skip_field,
};

use super::{BOOL, CodecError, DOUBLE, FLOAT, INT, InfallibleEncode, LONG, STRING, Type};
use crate::names::TypeName;

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

pub(super) fn encode_string(s: &str) -> Bytes {
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
