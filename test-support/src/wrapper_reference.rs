//! The reference decoding of the `io.statefun.types/*` wrapper values, against which
//! [`wrapper_check`](crate::wrapper_check) holds our decoders (in the property tests of
//! `statefun-core/tests/wrapper_decoding.rs` and the fuzz target `wrapper_decoding`) and the
//! differential suite reads the wrapper values of its requests.
//!
//! It is prost's own decoding of the wrapper message with one change: field 1 with another wire
//! type than the declared one is an unknown field and skipped, as the protobuf runtimes of the
//! Java and Python SDKs treat it, where prost refuses it. Built from prost's public pieces only
//! (`decode_key`, `skip_field` and the generated wrapper's `decode`), so that it shares no code
//! with the decoders under test beyond prost itself.

use prost::encoding::{DecodeContext, WireType, decode_key, skip_field};

/// The wrapper decoded from `bytes`, or `None` where the reference parsers refuse the bytes.
/// `declared` is the wire type of the wrapper's field 1.
pub fn decode<W: prost::Message + Default>(bytes: &[u8], declared: WireType) -> Option<W> {
    let mut buf = bytes;
    let mut last = W::default();
    while !buf.is_empty() {
        let field_start = buf;
        let (tag, wire_type) = decode_key(&mut buf).ok()?;
        skip_field(wire_type, tag, &mut buf, DecodeContext::default()).ok()?;
        if tag == 1 && wire_type == declared {
            // This occurrence alone, decoded by the generated message: the last one wins.
            let field = &field_start[..field_start.len() - buf.len()];
            last = W::decode(field).ok()?;
        }
    }
    Some(last)
}

/// Whether the top level of `bytes`, read up to its first malformed field, holds field 1 with
/// another wire type than `declared`: the one case where the reference and prost's plain
/// `W::decode` disagree.
pub fn has_mistyped_field_1(bytes: &[u8], declared: WireType) -> bool {
    let mut buf = bytes;
    while !buf.is_empty() {
        let Ok((tag, wire_type)) = decode_key(&mut buf) else {
            return false;
        };
        if tag == 1 && wire_type != declared {
            return true;
        }
        if skip_field(wire_type, tag, &mut buf, DecodeContext::default()).is_err() {
            return false;
        }
    }
    false
}
