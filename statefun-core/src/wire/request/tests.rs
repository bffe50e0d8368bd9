//! The in-place decoder against the reference (`statefun_test_support::request_reference`:
//! prost's decoding, known fields of another wire type skipped as protobuf-java skips them):
//! the same bytes accepted, the same content.

use proptest::prelude::*;
use prost::Message as _;

use super::{reader::*, *};

/// Both decoders on `bytes`: both reject it, or both accept it with the same content
/// (compared as prost's encoding of each: the reference's types are those of the core as a
/// dependency, another build than the one under test).
fn same_as_prost(bytes: &[u8]) -> Result<(), TestCaseError> {
    let theirs = statefun_test_support::request_reference::decode(bytes);
    let ours = ToFunction::decode(Bytes::copy_from_slice(bytes));
    match (ours, theirs) {
        (Ok(ours), Some(theirs)) => {
            prop_assert_eq!(ours.to_proto().encode_to_vec(), theirs.encode_to_vec())
        }
        (Err(_), None) => {}
        (ours, theirs) => prop_assert!(
            false,
            "ours: {:?}, reference: {:?}, bytes: {:02x?}",
            ours.map(|o| o.to_proto()),
            theirs,
            bytes
        ),
    }
    // Where the reference differs from prost alone, it is for a mistyped known field only.
    let prost_alone = pb::ToFunction::decode(bytes).is_ok();
    let reference = statefun_test_support::request_reference::decode(bytes).is_some();
    if prost_alone != reference {
        prop_assert!(
            statefun_test_support::request_reference::has_mistyped_field(bytes),
            "{bytes:02x?}"
        );
    }
    Ok(())
}

#[test]
fn every_conformance_vector() {
    let names = statefun_test_support::conformance::all_vector_names();
    assert!(names.len() >= 9, "{names:?}");
    for name in names {
        let vector = statefun_test_support::conformance::vector(&name);
        let ours = ToFunction::decode(Bytes::from(vector.request.clone()))
            .unwrap_or_else(|_| panic!("{name}: rejected"));
        let theirs = pb::ToFunction::decode(&vector.request[..]).unwrap();
        assert_eq!(ours.to_proto(), theirs, "{name}");
        // Every truncation is rejected by both, or accepted by both with the same
        // content (for the 1 MiB vector, those that cut its headers or its end).
        let len = vector.request.len();
        for cut in (0..len).filter(|&cut| cut < 512 || len - cut < 512) {
            same_as_prost(&vector.request[..cut]).unwrap();
        }
    }
}

#[test]
fn values_are_views_into_the_body() {
    let vector = statefun_test_support::conformance::vector("e-large-state");
    let body = Bytes::from(vector.request);
    let request = ToFunction::decode(body.clone()).unwrap();
    let batch = request.invocation.unwrap();
    let value = batch.state[0].state_value.unwrap().value.slice(&body);
    assert!(!value.is_empty());
    assert!(body.as_ptr_range().contains(&value.as_ptr()));
}

/// An unknown field 15 (in every message here) as groups nested `depth` deep.
fn nested_groups(depth: usize) -> Vec<u8> {
    let mut bytes = vec![0x7b; depth];
    bytes.extend(std::iter::repeat_n(0x7c, depth));
    bytes
}

/// Field `tag`, length-delimited, holding `content`.
fn field(tag: u32, content: &[u8]) -> Vec<u8> {
    let mut bytes = Vec::new();
    prost::encoding::encode_key(tag, prost::encoding::WireType::LengthDelimited, &mut bytes);
    prost::encoding::encode_varint(content.len() as u64, &mut bytes);
    bytes.extend_from_slice(content);
    bytes
}

/// A request with `extra` inside the message at `position`: 0 the `ToFunction`, 1 the
/// batch, 2 the target, 3 a state, 4 its value, 5 an invocation, 6 its caller, 7 its
/// argument.
fn request_with(position: usize, extra: &[u8]) -> Vec<u8> {
    let here = |p: usize, mut content: Vec<u8>| {
        if p == position {
            content.extend_from_slice(extra);
        }
        content
    };
    let address = |p| {
        here(
            p,
            [field(1, b"demo"), field(2, b"f"), field(3, b"x")].concat(),
        )
    };
    let value = |p| {
        here(
            p,
            [field(1, b"demo/t"), vec![0x10, 0x01], field(3, b"v")].concat(),
        )
    };
    let state = here(3, [field(1, b"seen"), field(2, &value(4))].concat());
    let invocation = here(5, [field(1, &address(6)), field(2, &value(7))].concat());
    let batch = here(
        1,
        [
            field(1, &address(2)),
            field(2, &state),
            field(3, &invocation),
        ]
        .concat(),
    );
    here(0, field(100, &batch))
}

#[test]
fn unknown_groups_nest_as_deep_as_prost_allows_in_every_message() {
    for position in 0..8 {
        let mut accepted = Vec::new();
        for depth in 90..=101 {
            let bytes = request_with(position, &nested_groups(depth));
            same_as_prost(&bytes).unwrap();
            if ToFunction::decode(Bytes::from(bytes)).is_ok() {
                accepted.push(depth);
            }
        }
        // The limit is reached within the range: the test sees the boundary.
        assert!(
            !accepted.is_empty() && accepted.len() < 12,
            "position {position}: accepted {accepted:?}"
        );
    }
}

#[test]
fn edge_cases() {
    let cases: &[&[u8]] = &[
        &[],
        // field 0 (with every wire type), wire types 6 and 7, a key above u32::MAX
        &[0x00],
        &[0x01, 0, 0, 0, 0, 0, 0, 0, 0],
        &[0x02, 0x00],
        &[0x03, 0x04],
        &[0x05, 0, 0, 0, 0],
        &[0x80, 0x00],
        &[0xa2, 0x06, 0x02, 0x02, 0x00],
        &[0x0e],
        &[0x0f],
        &[0x80, 0x80, 0x80, 0x80, 0x80, 0x01],
        // an unknown varint of 10 bytes whose last byte is 1 (valid) or 2 (invalid)
        &[
            0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
        ],
        &[
            0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02,
        ],
        &[0x08, 0x80, 0x80],
        // groups: closed by their own field, by another, unclosed, a lone end
        &[0x0b, 0x08, 0x01, 0x0c],
        &[0x0b, 0x14],
        &[0x0b],
        &[0x0c],
        // invocation (100) as a varint (skipped: no batch), empty, twice, overlong
        &[0xa0, 0x06, 0x01],
        &[0xa2, 0x06, 0x00],
        &[0xa2, 0x06, 0x00, 0xa2, 0x06, 0x00],
        &[0xa2, 0x06, 0x05, 0x0a],
        // a target whose length runs past the batch, but not past the body
        &[0xa2, 0x06, 0x02, 0x0a, 0x03, 0x0a, 0x01, 0x61],
        // a target's namespace that is not UTF-8
        &[0xa2, 0x06, 0x05, 0x0a, 0x03, 0x0a, 0x01, 0xff],
        // has_value as a 10-byte varint, and with the length-delimited wire type (skipped)
        &[
            0xa2, 0x06, 0x10, 0x1a, 0x0e, 0x12, 0x0c, 0x10, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
            0x80, 0x80, 0x80, 0x01,
        ],
        &[0xa2, 0x06, 0x07, 0x1a, 0x05, 0x12, 0x03, 0x12, 0x01, 0x00],
    ];
    for case in cases {
        same_as_prost(case).unwrap();
    }
    // A known field with another wire type is skipped, not refused: at the top level, and
    // in the batch, a state, an invocation and their parts.
    let skipped: &[&[u8]] = &[
        &[0xa0, 0x06, 0x01],
        &[0xa5, 0x06, 0, 0, 0, 0],
        &[0xa2, 0x06, 0x02, 0x08, 0x01],
        &[0xa2, 0x06, 0x02, 0x10, 0x01],
        &[0xa2, 0x06, 0x02, 0x18, 0x01],
        &[0xa2, 0x06, 0x04, 0x0a, 0x02, 0x08, 0x01],
        &[0xa2, 0x06, 0x04, 0x12, 0x02, 0x08, 0x01],
        &[0xa2, 0x06, 0x04, 0x12, 0x02, 0x10, 0x01],
        &[0xa2, 0x06, 0x06, 0x12, 0x04, 0x12, 0x02, 0x08, 0x01],
        &[0xa2, 0x06, 0x06, 0x12, 0x04, 0x12, 0x02, 0x12, 0x00],
        &[0xa2, 0x06, 0x06, 0x12, 0x04, 0x12, 0x02, 0x18, 0x01],
        &[0xa2, 0x06, 0x04, 0x1a, 0x02, 0x08, 0x01],
        &[0xa2, 0x06, 0x04, 0x1a, 0x02, 0x10, 0x01],
        &[0xa2, 0x06, 0x06, 0x1a, 0x04, 0x0a, 0x02, 0x08, 0x01],
        &[0xa2, 0x06, 0x06, 0x1a, 0x04, 0x12, 0x02, 0x08, 0x01],
    ];
    for case in skipped {
        same_as_prost(case).unwrap();
        assert!(
            pb::ToFunction::decode(*case).is_err(),
            "prost refuses {case:02x?}"
        );
        assert!(
            ToFunction::decode(Bytes::copy_from_slice(case)).is_ok(),
            "{case:02x?}"
        );
    }
    // Groups nested deeper than the recursion limit, at the top level and inside
    // the batch.
    for depth in [95, 96, 97, 98, 99, 100, 101] {
        let mut top = vec![0x0b; depth];
        top.extend(std::iter::repeat_n(0x0c, depth));
        same_as_prost(&top).unwrap();
        let mut inner = vec![0x0a];
        let mut target = vec![0x23; depth];
        target.extend(std::iter::repeat_n(0x24, depth));
        inner.push(target.len() as u8);
        inner.extend(target);
        let mut top = vec![0xa2, 0x06, inner.len() as u8];
        top.extend(inner);
        same_as_prost(&top).unwrap();
    }
}

/// Encoded fields of a message: known fields with their own or another wire type,
/// unknown fields of every wire type (groups included), repeated singular fields.
fn fields(known: &'static [(u32, Kind)], depth: u32) -> BoxedStrategy<Vec<u8>> {
    let known_field = if known.is_empty() {
        Just(None).boxed()
    } else {
        prop_oneof![
            4 => (0..known.len()).prop_map(move |i| Some(known[i])),
            1 => Just(None),
        ]
        .boxed()
    };
    let field = (known_field, any::<bool>(), any::<u32>()).prop_flat_map(
        move |(known_field, right_wire_type, unknown)| match known_field {
            Some((tag, kind)) if right_wire_type || depth == 0 => field_of(tag, kind, depth),
            Some((tag, _)) => unknown_field(tag, depth),
            None => unknown_field(20 + unknown % 2000, depth),
        },
    );
    proptest::collection::vec(field, 0..5)
        .prop_map(|fields| fields.concat())
        .boxed()
}

#[derive(Clone, Copy, Debug)]
enum Kind {
    Str,
    Bytes,
    Bool,
    Message(&'static [(u32, Kind)]),
}

const ADDRESS: &[(u32, Kind)] = &[(1, Kind::Str), (2, Kind::Str), (3, Kind::Str)];
const TYPED_VALUE: &[(u32, Kind)] = &[(1, Kind::Str), (2, Kind::Bool), (3, Kind::Bytes)];
const PERSISTED_VALUE: &[(u32, Kind)] = &[(1, Kind::Str), (2, Kind::Message(TYPED_VALUE))];
const INVOCATION: &[(u32, Kind)] = &[(1, Kind::Message(ADDRESS)), (2, Kind::Message(TYPED_VALUE))];
const BATCH: &[(u32, Kind)] = &[
    (1, Kind::Message(ADDRESS)),
    (2, Kind::Message(PERSISTED_VALUE)),
    (3, Kind::Message(INVOCATION)),
];
const TO_FUNCTION: &[(u32, Kind)] = &[(100, Kind::Message(BATCH))];

fn key(tag: u32, wire_type: u8) -> Vec<u8> {
    let mut out = Vec::new();
    prost::encoding::encode_varint(u64::from(tag) << 3 | u64::from(wire_type), &mut out);
    out
}

fn delimited(tag: u32, body: Vec<u8>) -> Vec<u8> {
    let mut out = key(tag, LENGTH_DELIMITED);
    prost::encoding::encode_varint(body.len() as u64, &mut out);
    out.extend(body);
    out
}

fn field_of(tag: u32, kind: Kind, depth: u32) -> BoxedStrategy<Vec<u8>> {
    match kind {
        Kind::Str => prop_oneof![
            4 => "[a-z/.é]{0,6}".prop_map(String::into_bytes),
            1 => proptest::collection::vec(any::<u8>(), 0..4),
        ]
        .prop_map(move |s| delimited(tag, s))
        .boxed(),
        Kind::Bytes => proptest::collection::vec(any::<u8>(), 0..8)
            .prop_map(move |b| delimited(tag, b))
            .boxed(),
        Kind::Bool => prop_oneof![Just(0u64), Just(1), any::<u64>()]
            .prop_map(move |v| {
                let mut out = key(tag, VARINT);
                prost::encoding::encode_varint(v, &mut out);
                out
            })
            .boxed(),
        Kind::Message(known) if depth > 0 && !known.is_empty() => fields(known, depth - 1)
            .prop_map(move |body| delimited(tag, body))
            .boxed(),
        Kind::Message(_) => Just(delimited(tag, Vec::new())).boxed(),
    }
}

fn unknown_field(tag: u32, depth: u32) -> BoxedStrategy<Vec<u8>> {
    let group = fields(&[], depth.saturating_sub(1))
        .prop_map(move |inner| [key(tag, START_GROUP), inner, key(tag, END_GROUP)].concat());
    let scalar = prop_oneof![
        any::<u64>().prop_map(move |v| {
            let mut out = key(tag, VARINT);
            prost::encoding::encode_varint(v, &mut out);
            out
        }),
        any::<[u8; 4]>().prop_map(move |b| [key(tag, FIXED32), b.to_vec()].concat()),
        any::<[u8; 8]>().prop_map(move |b| [key(tag, FIXED64), b.to_vec()].concat()),
        proptest::collection::vec(any::<u8>(), 0..6).prop_map(move |b| delimited(tag, b)),
    ];
    if depth == 0 {
        scalar.boxed()
    } else {
        prop_oneof![4 => scalar, 1 => group].boxed()
    }
}

/// A mutation of well-formed bytes: a byte changed, inserted or removed, or cut short.
fn mutated(bytes: Vec<u8>, at: usize, byte: u8, how: u8) -> Vec<u8> {
    let mut bytes = bytes;
    if bytes.is_empty() {
        return vec![byte];
    }
    let at = at % bytes.len();
    match how % 4 {
        0 => bytes[at] = byte,
        1 => bytes.insert(at, byte),
        2 => drop(bytes.remove(at)),
        _ => bytes.truncate(at),
    }
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Well-formed requests of every shape (unknown fields, repeated singular fields
    /// merged, wrong wire types): the same accept or reject, the same content.
    #[test]
    fn structured_bytes(bytes in fields(TO_FUNCTION, 4)) {
        same_as_prost(&bytes)?;
    }

    /// The same, one byte off.
    #[test]
    fn mutated_bytes(
        bytes in fields(TO_FUNCTION, 4),
        at in any::<usize>(),
        byte in any::<u8>(),
        how in any::<u8>(),
    ) {
        same_as_prost(&mutated(bytes, at, byte, how))?;
    }

    /// Any bytes at all.
    #[test]
    fn any_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
        same_as_prost(&bytes)?;
    }
}

#[test]
fn the_local_runtimes_time_is_read_and_is_otherwise_an_unknown_field() {
    let mut body = pb::ToFunction::default().encode_to_vec();
    prost::encoding::encode_key(
        LOCAL_TIME_FIELD,
        prost::encoding::WireType::Varint,
        &mut body,
    );
    prost::encoding::encode_varint(1_700_000_000_123, &mut body);
    let decoded = ToFunction::decode(Bytes::from(body.clone())).unwrap();
    assert_eq!(decoded.local_time_ms, Some(1_700_000_000_123));
    same_as_prost(&body).unwrap();
    // With another wire type it is an unknown field, skipped.
    let mut other = Vec::new();
    prost::encoding::encode_key(
        LOCAL_TIME_FIELD,
        prost::encoding::WireType::SixtyFourBit,
        &mut other,
    );
    other.extend_from_slice(&[0; 8]);
    let decoded = ToFunction::decode(Bytes::from(other)).unwrap();
    assert_eq!(decoded.local_time_ms, None);
    assert_eq!(
        ToFunction::decode(Bytes::new()).unwrap().local_time_ms,
        None
    );
}
