//! The reference decoding of a `ToFunction`, against which the in-place decoder of the core
//! is held (`statefun-core/src/wire/request/tests.rs`): prost's own decoding, with one
//! change: a known field with another wire type than its declared one is an unknown field,
//! skipped, as protobuf-java (the runtime's parser) and the Python and Go SDKs' parsers treat
//! it, where prost refuses the body. Built from prost's public pieces only (`decode_key`,
//! `skip_field` and the generated message's `decode`): the bytes without such fields are
//! decoded by prost.

use prost::{
    Message as _,
    encoding::{DecodeContext, WireType, decode_key, encode_key, encode_varint, skip_field},
};
use statefun_core::proto::reqreply::ToFunction;

/// What a known field holds: a nested message, or a value of one wire type.
enum Kind {
    Message(&'static [(u32, Kind)]),
    Value(WireType),
}

use Kind::{Message, Value};

const STRING: Kind = Value(WireType::LengthDelimited);
const ADDRESS: &[(u32, Kind)] = &[(1, STRING), (2, STRING), (3, STRING)];
const TYPED_VALUE: &[(u32, Kind)] = &[(1, STRING), (2, Value(WireType::Varint)), (3, STRING)];
const PERSISTED_VALUE: &[(u32, Kind)] = &[(1, STRING), (2, Message(TYPED_VALUE))];
const INVOCATION: &[(u32, Kind)] = &[(1, Message(ADDRESS)), (2, Message(TYPED_VALUE))];
const BATCH: &[(u32, Kind)] = &[
    (1, Message(ADDRESS)),
    (2, Message(PERSISTED_VALUE)),
    (3, Message(INVOCATION)),
];
const TO_FUNCTION: &[(u32, Kind)] = &[(100, Message(BATCH))];

/// `bytes` (a message of `schema`) without its known fields of another wire type, nested
/// messages included, and whether there were any; `None` where a field cannot even be
/// skipped.
fn without_mistyped_fields(bytes: &[u8], schema: &[(u32, Kind)]) -> Option<(Vec<u8>, bool)> {
    let mut dropped = false;
    let mut out = Vec::with_capacity(bytes.len());
    let mut buf = bytes;
    while !buf.is_empty() {
        let field_start = buf;
        let (tag, wire_type) = decode_key(&mut buf).ok()?;
        let known = schema
            .iter()
            .find(|(number, _)| *number == tag)
            .map(|(_, kind)| kind);
        match known {
            Some(Message(inner)) if wire_type == WireType::LengthDelimited => {
                let mut content = buf;
                let len = prost::encoding::decode_varint(&mut content).ok()?;
                let len = usize::try_from(len)
                    .ok()
                    .filter(|len| *len <= content.len())?;
                let (nested, dropped_inside) = without_mistyped_fields(&content[..len], inner)?;
                dropped |= dropped_inside;
                encode_key(tag, wire_type, &mut out);
                encode_varint(nested.len() as u64, &mut out);
                out.extend_from_slice(&nested);
                buf = &content[len..];
            }
            Some(Message(_)) => {
                skip_field(wire_type, tag, &mut buf, DecodeContext::default()).ok()?;
                dropped = true;
            }
            Some(Value(declared)) if *declared != wire_type => {
                skip_field(wire_type, tag, &mut buf, DecodeContext::default()).ok()?;
                dropped = true;
            }
            _ => {
                skip_field(wire_type, tag, &mut buf, DecodeContext::default()).ok()?;
                out.extend_from_slice(&field_start[..field_start.len() - buf.len()]);
            }
        }
    }
    Some((out, dropped))
}

/// The request decoded from `bytes`, or `None` where the reference refuses the bytes.
pub fn decode(bytes: &[u8]) -> Option<ToFunction> {
    let (stripped, dropped) = without_mistyped_fields(bytes, TO_FUNCTION)?;
    // Bytes without such fields are prost's to decode as they are (its limits included).
    ToFunction::decode(if dropped { &stripped[..] } else { bytes }).ok()
}

/// Whether `bytes` holds a known field of a protocol message with another wire type than
/// its declared one (read up to the first field that cannot be skipped): where prost alone
/// refuses what the reference accepts.
pub fn has_mistyped_field(bytes: &[u8]) -> bool {
    without_mistyped_fields(bytes, TO_FUNCTION).is_some_and(|(_, dropped)| dropped)
}

/// Whether `bytes` holds, in one of its protocol messages (read up to the first field that
/// cannot be skipped), a key whose varint is beyond 32 bits: no encoder writes one; prost
/// and the in-place decoder refuse it, protobuf-java truncates it to 32 bits, Python's
/// pure-Python parser takes it for an unknown field.
pub fn has_key_beyond_32_bits(bytes: &[u8]) -> bool {
    key_beyond_32_bits(bytes, TO_FUNCTION)
}

fn key_beyond_32_bits(bytes: &[u8], schema: &[(u32, Kind)]) -> bool {
    let mut buf = bytes;
    while !buf.is_empty() {
        let mut peek = buf;
        match prost::encoding::decode_varint(&mut peek) {
            Ok(key) if key > u64::from(u32::MAX) => return true,
            Ok(_) => {}
            Err(_) => return false,
        }
        let Ok((tag, wire_type)) = decode_key(&mut buf) else {
            return false;
        };
        let known = schema
            .iter()
            .find(|(number, _)| *number == tag)
            .map(|(_, kind)| kind);
        if let (Some(Message(inner)), WireType::LengthDelimited) = (known, wire_type) {
            let mut content = buf;
            let Ok(len) = prost::encoding::decode_varint(&mut content) else {
                return false;
            };
            let Some(len) = usize::try_from(len)
                .ok()
                .filter(|len| *len <= content.len())
            else {
                return false;
            };
            if key_beyond_32_bits(&content[..len], inner) {
                return true;
            }
            buf = &content[len..];
        } else if skip_field(wire_type, tag, &mut buf, DecodeContext::default()).is_err() {
            return false;
        }
    }
    false
}
