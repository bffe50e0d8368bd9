//! The primitive types' golden bytes, as the official SDKs write them, and their decoding.

use super::*;

fn golden<T: Type>(value: T, expected: &str) {
    let bytes = Type::encode(&value).unwrap();
    assert_eq!(hex(&bytes), expected);
}

#[test]
fn int_golden_bytes() {
    golden(0i32, "");
    golden(1i32, "0d 01 00 00 00");
    golden(-1i32, "0d ff ff ff ff");
    golden(i32::MIN, "0d 00 00 00 80");
    golden(i32::MAX, "0d ff ff ff 7f");
}

#[test]
fn long_golden_bytes() {
    golden(0i64, "");
    golden(1i64, "09 01 00 00 00 00 00 00 00");
    golden(i64::MIN, "09 00 00 00 00 00 00 00 80");
    golden(i64::MAX, "09 ff ff ff ff ff ff ff 7f");
}

#[test]
fn float_golden_bytes() {
    golden(0.0f32, "");
    golden(-0.0f32, "0d 00 00 00 80");
    golden(1.5f32, "0d 00 00 c0 3f");
    golden(f32::MIN, "0d ff ff 7f ff");
    golden(f32::MAX, "0d ff ff 7f 7f");
}

#[test]
fn double_golden_bytes() {
    golden(0.0f64, "");
    golden(-0.0f64, "09 00 00 00 00 00 00 00 80");
    golden(1.5f64, "09 00 00 00 00 00 00 f8 3f");
    golden(f64::MAX, "09 ff ff ff ff ff ff ef 7f");
}

#[test]
fn bool_golden_bytes() {
    golden(false, "");
    golden(true, "08 01");
}

#[test]
fn string_golden_bytes() {
    golden(String::new(), "");
    golden("hi".to_owned(), "0a 02 68 69");
    golden("é☃".to_owned(), "0a 05 c3 a9 e2 98 83");
    let long = "x".repeat(200);
    let bytes = Type::encode(&long).unwrap();
    // 200 needs a two-byte varint length.
    assert_eq!(hex(&bytes[..3]), "0a c8 01");
    assert_eq!(&bytes[3..], long.as_bytes());
    assert_eq!(
        "hi".encode_value().unwrap(),
        Type::encode(&"hi".to_owned()).unwrap()
    );
}

#[test]
fn primitives_match_prost_wrappers_for_non_default_values() {
    assert_eq!(
        Type::encode(&7i32).unwrap(),
        wrappers::IntWrapper { value: 7 }.encode_to_vec()
    );
    assert_eq!(
        Type::encode(&(-7i64)).unwrap(),
        wrappers::LongWrapper { value: -7 }.encode_to_vec()
    );
    assert_eq!(
        Type::encode(&2.25f32).unwrap(),
        wrappers::FloatWrapper { value: 2.25 }.encode_to_vec()
    );
    assert_eq!(
        Type::encode(&"abc".to_owned()).unwrap(),
        wrappers::StringWrapper {
            value: "abc".into()
        }
        .encode_to_vec()
    );
}

#[test]
fn decode_skips_other_fields_and_rejects_truncation() {
    // Other fields, and field 1 with another wire type, are unknown fields: skipped, as the
    // protobuf runtimes do (tests/wrapper_decoding.rs has the full table).
    let bytes = |bytes: &'static [u8]| Bytes::from_static(bytes);
    assert_eq!(<i32 as Type>::decode(bytes(&[0x08, 0x01])).unwrap(), 0);
    assert_eq!(
        <i32 as Type>::decode(bytes(&[0x15, 1, 0, 0, 0])).unwrap(),
        0
    );
    assert_eq!(
        <i64 as Type>::decode(bytes(&[0x0d, 1, 0, 0, 0])).unwrap(),
        0
    );
    assert!(!<bool as Type>::decode(bytes(&[0x0d, 1, 0, 0, 0])).unwrap());
    assert_eq!(
        <f64 as Type>::decode(bytes(&[0x0d, 0, 0, 0, 0])).unwrap(),
        0.0
    );
    assert!(
        <i32 as Type>::decode(bytes(&[0x0d, 1, 0])).is_err(),
        "truncated"
    );
    assert!(
        <String as Type>::decode(bytes(&[0x0a, 5, b'a'])).is_err(),
        "truncated string"
    );
    assert!(
        <String as Type>::decode(bytes(&[0x0a, 1, 0xff])).is_err(),
        "invalid UTF-8"
    );
    // Empty bytes are the default value.
    assert_eq!(<i32 as Type>::decode(Bytes::new()).unwrap(), 0);
    assert_eq!(<String as Type>::decode(Bytes::new()).unwrap(), "");
    assert!(!<bool as Type>::decode(Bytes::new()).unwrap());
}

proptest! {
    #[test]
    fn int_round_trips(v: i32) {
        prop_assert_eq!(<i32 as Type>::decode(Type::encode(&v).unwrap()).unwrap(), v);
    }

    #[test]
    fn long_round_trips(v: i64) {
        prop_assert_eq!(<i64 as Type>::decode(Type::encode(&v).unwrap()).unwrap(), v);
    }

    #[test]
    fn float_round_trips_bit_for_bit(bits: u32) {
        let v = f32::from_bits(bits);
        prop_assert_eq!(<f32 as Type>::decode(Type::encode(&v).unwrap()).unwrap().to_bits(), bits);
    }

    #[test]
    fn double_round_trips_bit_for_bit(bits: u64) {
        let v = f64::from_bits(bits);
        prop_assert_eq!(<f64 as Type>::decode(Type::encode(&v).unwrap()).unwrap().to_bits(), bits);
    }

    #[test]
    fn bool_round_trips(v: bool) {
        prop_assert_eq!(<bool as Type>::decode(Type::encode(&v).unwrap()).unwrap(), v);
    }

    #[test]
    fn infallible_encoding_is_the_codec(i: i32, l: i64, f: f32, d: f64, b: bool, s: String) {
        prop_assert_eq!(i.encode_infallible(), Type::encode(&i).unwrap());
        prop_assert_eq!(l.encode_infallible(), Type::encode(&l).unwrap());
        prop_assert_eq!(f.encode_infallible(), Type::encode(&f).unwrap());
        prop_assert_eq!(d.encode_infallible(), Type::encode(&d).unwrap());
        prop_assert_eq!(b.encode_infallible(), Type::encode(&b).unwrap());
        prop_assert_eq!(s.encode_infallible(), Type::encode(&s).unwrap());
        prop_assert_eq!(s.as_str().encode_infallible(), Type::encode(&s).unwrap());
        prop_assert_eq!(s.as_str().encode_value().unwrap(), Type::encode(&s).unwrap());
    }

    #[test]
    fn string_round_trips(v: String) {
        prop_assert_eq!(<String as Type>::decode(Type::encode(&v).unwrap()).unwrap(), v.clone());
        let message = Message::new(v.as_str());
        prop_assert_eq!(message.as_str().unwrap(), v.as_str());
        prop_assert_eq!(Message::try_new(&v).unwrap(), message);
    }

    #[test]
    fn string_encoding_matches_prost(v: String) {
        let wrapper = wrappers::StringWrapper { value: v.clone() }.encode_to_vec();
        prop_assert_eq!(Type::encode(&v).unwrap().to_vec(), wrapper);
    }

    #[test]
    fn json_round_trips(name: String, visits: u32, tags: Vec<String>) {
        let value = (name, visits, tags);
        let bytes = statefun_core::codec::json::encode(&value).unwrap();
        let back: (String, u32, Vec<String>) = statefun_core::codec::json::decode(&bytes).unwrap();
        prop_assert_eq!(back, value);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes: Vec<u8>) {
        let bytes = Bytes::from(bytes);
        let _ = <i32 as Type>::decode(bytes.clone());
        let _ = <i64 as Type>::decode(bytes.clone());
        let _ = <f32 as Type>::decode(bytes.clone());
        let _ = <f64 as Type>::decode(bytes.clone());
        let _ = <bool as Type>::decode(bytes.clone());
        let _ = <String as Type>::decode(bytes);
    }
}

#[test]
fn a_malformed_fixed_width_primitive_names_its_type() {
    // Field 1 with its wire type, cut short.
    let cases: [(&str, Result<(), statefun_core::CodecError>); 4] = [
        (
            "io.statefun.types/int",
            <i32 as Type>::decode(Bytes::from_static(&[0x0d, 0x01])).map(drop),
        ),
        (
            "io.statefun.types/long",
            <i64 as Type>::decode(Bytes::from_static(&[0x09, 0x01])).map(drop),
        ),
        (
            "io.statefun.types/float",
            <f32 as Type>::decode(Bytes::from_static(&[0x0d, 0x01])).map(drop),
        ),
        (
            "io.statefun.types/double",
            <f64 as Type>::decode(Bytes::from_static(&[0x09, 0x01])).map(drop),
        ),
    ];
    for (type_name, result) in cases {
        let error = result.unwrap_err().to_string();
        assert!(error.contains(type_name), "{type_name}: {error}");
    }
}

#[test]
fn a_protobuf_message_is_its_prost_encoding_both_ways() {
    use prost::Message as _;
    use statefun_core::proto::reqreply::Address;
    let address = Address {
        namespace: "demo".into(),
        r#type: "greeter".into(),
        id: "bob".into(),
    };
    let bytes = statefun_core::codec::protobuf::encode(&address);
    assert_eq!(bytes, address.encode_to_vec());
    let decoded: Address = statefun_core::codec::protobuf::decode(bytes).unwrap();
    assert_eq!(decoded, address);
    let error =
        statefun_core::codec::protobuf::decode::<Address>(Bytes::from_static(b"\x0a\x05de"));
    assert!(error.is_err());
}
