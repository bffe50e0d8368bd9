//! The `io.statefun.types/*` values (arguments and state) decode as the protobuf runtimes of
//! the official SDKs decode the wrapper messages: unknown fields of every wire type skipped,
//! field 1 with another wire type skipped as an unknown field, the last occurrence of field 1
//! winning. Golden bytes for each rule and each refusal, and property tests against prost's own
//! decoding of the wrapper messages (`statefun_core::proto::types`) through the reference of
//! `statefun_test_support::wrapper_reference`, which differs from prost only for a mistyped
//! field 1 (the check itself, `statefun_test_support::wrapper_check`, is shared with the fuzz
//! target `wrapper_decoding`).
//!
//! What the reference parsers do, and where they disagree, is listed in docs/conformance.md
//! ("Values").

use bytes::Bytes;
use proptest::prelude::*;
use prost::{
    Message as _,
    encoding::{WireType, encode_key, encode_varint},
};
use statefun_core::{Message, Type, proto::types as wrappers};
use statefun_test_support::{wrapper_check, wrapper_reference};

/// Bytes from hex, spaces ignored.
fn unhex(hex: &str) -> Bytes {
    let digits: Vec<u8> = hex.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    digits
        .chunks(2)
        .map(|pair| u8::from_str_radix(std::str::from_utf8(pair).unwrap(), 16).unwrap())
        .collect::<Vec<_>>()
        .into()
}

fn int(hex: &str) -> Option<i32> {
    <i32 as Type>::decode(unhex(hex)).ok()
}
fn long(hex: &str) -> Option<i64> {
    <i64 as Type>::decode(unhex(hex)).ok()
}
fn float_bits(hex: &str) -> Option<u32> {
    <f32 as Type>::decode(unhex(hex)).ok().map(f32::to_bits)
}
fn double_bits(hex: &str) -> Option<u64> {
    <f64 as Type>::decode(unhex(hex)).ok().map(f64::to_bits)
}
fn boolean(hex: &str) -> Option<bool> {
    <bool as Type>::decode(unhex(hex)).ok()
}
/// The string through both paths: the owned decoder and the borrowing `Message::as_str`.
fn string(hex: &str) -> Option<String> {
    let owned = <String as Type>::decode(unhex(hex)).ok();
    let message = Message::from_raw(&String::type_name(), unhex(hex));
    let borrowed = message.as_str().ok().map(str::to_owned);
    assert_eq!(
        owned, borrowed,
        "String::decode and Message::as_str disagree on {hex}"
    );
    owned
}

/// One unknown field of each wire type, with numbers from 2 to the largest (2^29 - 1).
const UNKNOWN_FIELDS: &[&str] = &[
    "10 05",                      // 2: varint
    "19 01 02 03 04 05 06 07 08", // 3: fixed64
    "22 02 ab cd",                // 4: length-delimited
    "2b 08 01 2c",                // 5: a group holding a field 1 varint
    "2b 33 0d 01 02 03 04 34 2c", // 5: a group holding a group holding a field 1 fixed32
    "35 01 02 03 04",             // 6: fixed32
    "a0 06 01",                   // 100: varint
    "fa ff ff ff 0f 00",          // 536870911: empty length-delimited
];

#[test]
fn unknown_fields_of_every_wire_type_are_skipped_before_and_after_the_value() {
    for unknown in UNKNOWN_FIELDS {
        assert_eq!(
            int(&format!("{unknown} 0d 2a 00 00 00")),
            Some(42),
            "{unknown}"
        );
        assert_eq!(
            int(&format!("0d 2a 00 00 00 {unknown}")),
            Some(42),
            "{unknown}"
        );
        assert_eq!(
            long(&format!("{unknown} 09 2a 00 00 00 00 00 00 00")),
            Some(42)
        );
        assert_eq!(
            long(&format!("09 2a 00 00 00 00 00 00 00 {unknown}")),
            Some(42)
        );
        assert_eq!(
            float_bits(&format!("{unknown} 0d 00 00 c0 3f")),
            Some(1.5f32.to_bits())
        );
        assert_eq!(
            float_bits(&format!("0d 00 00 c0 3f {unknown}")),
            Some(1.5f32.to_bits())
        );
        assert_eq!(
            double_bits(&format!("{unknown} 09 00 00 00 00 00 00 f8 3f")),
            Some(1.5f64.to_bits())
        );
        assert_eq!(boolean(&format!("{unknown} 08 01")), Some(true));
        assert_eq!(boolean(&format!("08 01 {unknown}")), Some(true));
        assert_eq!(
            string(&format!("{unknown} 0a 02 68 69")).as_deref(),
            Some("hi")
        );
        assert_eq!(
            string(&format!("0a 02 68 69 {unknown}")).as_deref(),
            Some("hi")
        );
        // Only unknown fields: the default value.
        assert_eq!(int(unknown), Some(0));
        assert_eq!(string(unknown).as_deref(), Some(""));
    }
}

#[test]
fn a_string_with_an_unknown_field_100_is_read() {
    // The example of issue 14: "x", then field 100, was refused with "unexpected field number".
    assert_eq!(string("0a 01 78 a0 06 01").as_deref(), Some("x"));
    assert_eq!(string("0a 01 78 a2 06 03 61 62 63").as_deref(), Some("x"));
}

#[test]
fn the_last_occurrence_wins() {
    assert_eq!(int("0d 01 00 00 00 0d 02 00 00 00"), Some(2));
    assert_eq!(
        long("09 01 00 00 00 00 00 00 00 09 ff ff ff ff ff ff ff ff"),
        Some(-1)
    );
    assert_eq!(boolean("08 01 08 00"), Some(false));
    assert_eq!(boolean("08 00 08 02"), Some(true));
    assert_eq!(string("0a 01 61 0a 01 62").as_deref(), Some("b"));
    assert_eq!(string("0a 01 61 10 01 0a 00").as_deref(), Some(""));
    assert_eq!(
        float_bits("0d 00 00 c0 3f 0d 00 00 00 80"),
        Some((-0.0f32).to_bits())
    );
}

#[test]
fn field_1_with_another_wire_type_is_skipped_as_an_unknown_field() {
    // Java's and Python's generated parsers look a field up by its whole key: field 1 with
    // another wire type is unknown to them. prost refuses it (see the property tests).
    assert_eq!(int("08 05"), Some(0));
    assert_eq!(int("08 05 0d 07 00 00 00"), Some(7));
    assert_eq!(int("0d 07 00 00 00 08 05"), Some(7));
    assert_eq!(int("0a 02 01 02"), Some(0));
    assert_eq!(int("0b 08 01 0c"), Some(0), "a group numbered 1");
    assert_eq!(int("09 01 02 03 04 05 06 07 08"), Some(0));
    assert_eq!(long("0d 01 00 00 00"), Some(0));
    assert_eq!(float_bits("09 00 00 00 00 00 00 f8 3f"), Some(0));
    assert_eq!(double_bits("0d 00 00 c0 3f"), Some(0));
    assert_eq!(boolean("0d 01 00 00 00"), Some(false));
    assert_eq!(boolean("0a 01 01 08 01"), Some(true));
    assert_eq!(string("08 01"), Some(String::new()));
    assert_eq!(string("0d 68 69 68 69 0a 01 78").as_deref(), Some("x"));
}

#[test]
fn malformed_bytes_are_refused() {
    let refused: &[(&str, &str)] = &[
        ("0c", "an end-group key with no group open"),
        ("0d 2a 00 00 00 14", "an end-group key after the value"),
        ("13 1c", "a group ended by another field number"),
        ("13 08 01", "a group that does not end"),
        ("0e 00", "wire type 6"),
        ("0f 00", "wire type 7"),
        ("00 00", "field number 0"),
        ("05 00 00 00 00", "field number 0, fixed32"),
        ("12 05 61", "a truncated unknown length-delimited field"),
        ("1d 01", "a truncated unknown fixed32 field"),
        ("19 01 02", "a truncated unknown fixed64 field"),
        ("10 80", "a truncated unknown varint field"),
        (
            "10 80 80 80 80 80 80 80 80 80 80 00",
            "an unknown varint of 11 bytes",
        ),
        (
            "10 80 80 80 80 80 80 80 80 80 02",
            "an unknown varint beyond 64 bits",
        ),
        ("80 80 80 80 10 00", "a key beyond 32 bits"),
        ("80", "a truncated key"),
    ];
    for (hex, what) in refused {
        assert_eq!(int(hex), None, "int: {what}");
        assert_eq!(long(hex), None, "long: {what}");
        assert_eq!(float_bits(hex), None, "float: {what}");
        assert_eq!(double_bits(hex), None, "double: {what}");
        assert_eq!(boolean(hex), None, "bool: {what}");
        assert_eq!(string(hex), None, "string: {what}");
    }
    // The value itself.
    assert_eq!(int("0d 2a 00 00"), None);
    assert_eq!(long("09 2a 00 00 00 00 00 00"), None);
    assert_eq!(float_bits("0d 00 00 c0"), None);
    assert_eq!(double_bits("09 00 00 00 00 00 00 f8"), None);
    assert_eq!(boolean("08"), None);
    assert_eq!(boolean("08 80 80 80 80 80 80 80 80 80 80 00"), None);
    assert_eq!(boolean("08 80 80 80 80 80 80 80 80 80 02"), None);
    assert_eq!(boolean("08 ff ff ff ff ff ff ff ff ff 01"), Some(true));
    assert_eq!(string("0a 05 61"), None);
    assert_eq!(string("0a"), None);
    assert_eq!(string("0a 01 ff"), None);
    // Every occurrence must be UTF-8, not only the last one.
    assert_eq!(string("0a 01 ff 0a 01 61"), None);
    assert_eq!(string("0a 01 61 0a 01 ff"), None);
}

#[test]
fn unknown_groups_nest_at_most_100_deep() {
    let nested = |depth: usize| {
        let mut hex = "13 ".repeat(depth);
        hex.push_str(&"14 ".repeat(depth));
        hex
    };
    assert_eq!(int(&nested(100)), Some(0));
    assert_eq!(string(&(nested(100) + "0a 01 78")).as_deref(), Some("x"));
    assert_eq!(int(&nested(101)), None);
    assert_eq!(string(&nested(101)), None);
}

// ---------------------------------------------------------------- property tests

/// One top-level field of a generated wrapper value.
#[derive(Clone, Debug)]
enum Field {
    /// Field 1 with the declared wire type and this payload (for strings: UTF-8 or not).
    Value(Vec<u8>),
    /// Field 1 with another wire type.
    Mistyped(Unknown),
    /// Another field number.
    Unknown(u32, Unknown),
}

/// A field's wire type and payload.
#[derive(Clone, Debug)]
enum Unknown {
    Varint(u64),
    Fixed32([u8; 4]),
    Fixed64([u8; 8]),
    Bytes(Vec<u8>),
    Group(Vec<(u32, Unknown)>),
}

impl Unknown {
    fn wire_type(&self) -> WireType {
        match self {
            Unknown::Varint(_) => WireType::Varint,
            Unknown::Fixed32(_) => WireType::ThirtyTwoBit,
            Unknown::Fixed64(_) => WireType::SixtyFourBit,
            Unknown::Bytes(_) => WireType::LengthDelimited,
            Unknown::Group(_) => WireType::StartGroup,
        }
    }

    fn encode(&self, number: u32, out: &mut Vec<u8>) {
        encode_key(number, self.wire_type(), out);
        match self {
            Unknown::Varint(v) => encode_varint(*v, out),
            Unknown::Fixed32(b) => out.extend_from_slice(b),
            Unknown::Fixed64(b) => out.extend_from_slice(b),
            Unknown::Bytes(b) => {
                encode_varint(b.len() as u64, out);
                out.extend_from_slice(b);
            }
            Unknown::Group(fields) => {
                for (inner, field) in fields {
                    field.encode(*inner, out);
                }
                encode_key(number, WireType::EndGroup, out);
            }
        }
    }
}

fn unknown() -> impl Strategy<Value = Unknown> {
    let leaf = prop_oneof![
        any::<u64>().prop_map(Unknown::Varint),
        any::<[u8; 4]>().prop_map(Unknown::Fixed32),
        any::<[u8; 8]>().prop_map(Unknown::Fixed64),
        proptest::collection::vec(any::<u8>(), 0..8).prop_map(Unknown::Bytes),
    ];
    leaf.prop_recursive(3, 12, 4, |inner| {
        proptest::collection::vec((1u32..=40, inner), 0..4).prop_map(Unknown::Group)
    })
}

fn field(declared: WireType, payload: BoxedStrategy<Vec<u8>>) -> impl Strategy<Value = Field> {
    prop_oneof![
        3 => payload.prop_map(Field::Value),
        1 => unknown()
            .prop_filter("another wire type", move |u| u.wire_type() != declared)
            .prop_map(Field::Mistyped),
        2 => (prop_oneof![2u32..=20, 21u32..=536_870_911], unknown())
            .prop_map(|(number, u)| Field::Unknown(number, u)),
    ]
}

fn encode_fields(declared: WireType, fields: &[Field]) -> Vec<u8> {
    let mut out = Vec::new();
    for field in fields {
        match field {
            Field::Value(payload) => {
                encode_key(1, declared, &mut out);
                if declared == WireType::LengthDelimited {
                    encode_varint(payload.len() as u64, &mut out);
                }
                out.extend_from_slice(payload);
            }
            Field::Mistyped(u) => u.encode(1, &mut out),
            Field::Unknown(number, u) => u.encode(*number, &mut out),
        }
    }
    out
}

/// Generated values of one wrapper type: its declared wire type and field-1 payloads.
fn values(declared: WireType) -> BoxedStrategy<Vec<u8>> {
    match declared {
        WireType::ThirtyTwoBit => any::<[u8; 4]>().prop_map(|b| b.to_vec()).boxed(),
        WireType::SixtyFourBit => any::<[u8; 8]>().prop_map(|b| b.to_vec()).boxed(),
        WireType::Varint => any::<u64>()
            .prop_map(|v| {
                let mut out = Vec::new();
                encode_varint(v, &mut out);
                out
            })
            .boxed(),
        _ => prop_oneof![
            ".{0,6}".prop_map(String::into_bytes),
            proptest::collection::vec(any::<u8>(), 0..6),
        ]
        .boxed(),
    }
}

/// Our decoders and the reference agree on `bytes`; where no field 1 is mistyped, prost's
/// plain decoding of the wrapper agrees too.
fn check_all(bytes: &[u8]) -> Result<(), TestCaseError> {
    wrapper_check::check(bytes).map_err(TestCaseError::fail)?;
    Ok(())
}

fn structured(declared: WireType) -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(field(declared, values(declared)), 0..6)
        .prop_map(move |fields| encode_fields(declared, &fields))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn structured_fixed32_values(bytes in structured(WireType::ThirtyTwoBit)) {
        check_all(&bytes)?;
    }

    #[test]
    fn structured_fixed64_values(bytes in structured(WireType::SixtyFourBit)) {
        check_all(&bytes)?;
    }

    #[test]
    fn structured_varint_values(bytes in structured(WireType::Varint)) {
        check_all(&bytes)?;
    }

    #[test]
    fn structured_length_delimited_values(bytes in structured(WireType::LengthDelimited)) {
        check_all(&bytes)?;
    }

    #[test]
    fn structured_values_cut_anywhere(bytes in structured(WireType::LengthDelimited), cut in any::<prop::sample::Index>()) {
        let cut = cut.index(bytes.len() + 1);
        check_all(&bytes[..cut])?;
    }

    #[test]
    fn arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..48)) {
        check_all(&bytes)?;
    }
}

/// The generators reach every case the properties are about: a property test that never
/// meets a mistyped field or a refusal would prove nothing.
#[test]
fn the_generators_reach_every_case() {
    use proptest::{strategy::ValueTree, test_runner::TestRunner};
    let mut runner = TestRunner::deterministic();
    let (mut mistyped, mut refused, mut both_ok, mut prost_refuses_only) = (0, 0, 0, 0);
    for _ in 0..2000 {
        let bytes = structured(WireType::ThirtyTwoBit)
            .new_tree(&mut runner)
            .unwrap()
            .current();
        let ours = <i32 as Type>::decode(Bytes::from(bytes.clone())).is_ok();
        let prost = wrappers::IntWrapper::decode(&bytes[..]).is_ok();
        if wrapper_reference::has_mistyped_field_1(&bytes, WireType::ThirtyTwoBit) {
            mistyped += 1;
        }
        match (ours, prost) {
            (true, true) => both_ok += 1,
            (true, false) => prost_refuses_only += 1,
            (false, _) => refused += 1,
        }
    }
    assert!(mistyped > 100, "{mistyped} mistyped");
    assert!(both_ok > 100, "{both_ok} accepted by both");
    assert!(
        prost_refuses_only > 100,
        "{prost_refuses_only} refused by prost only"
    );
    // Structured values are well formed, so refusals come from cut bytes and arbitrary bytes.
    assert_eq!(refused, 0);
}
