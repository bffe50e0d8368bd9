//! Value codecs, typenames, state names and egress records: golden bytes, round trips
//! (property tests) and accept/reject tables.

use bytes::Bytes;
use proptest::prelude::*;
use prost::Message as _;
use statefun_core::{
    EgressError, EgressMessage, Encode, InfallibleEncode, Message, SpecError, Type, TypeName,
    TypeNameError, ValueSpec, is_valid_state_name,
    proto::{egress, types as wrappers},
};
use statefun_test_support::state_names;

fn hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}

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
fn typename_table() {
    let accepted = [
        "demo/greeter",
        "io.statefun.types/int",
        "a/b",
        "type.googleapis.com/io.statefun.sdk.egress.KafkaProducerRecord",
        "ns/name with spaces",
    ];
    for s in accepted {
        let t: TypeName = s.parse().unwrap_or_else(|e| panic!("{s}: {e}"));
        assert_eq!(t.as_str(), s);
        assert_eq!(format!("{}/{}", t.namespace(), t.name()), s);
    }
    type Check = fn(&TypeNameError) -> bool;
    let rejected: [(&str, Check); 6] = [
        ("", |e| matches!(e, TypeNameError::Empty)),
        ("greeter", |e| matches!(e, TypeNameError::MissingSlash(_))),
        ("/greeter", |e| {
            matches!(e, TypeNameError::EmptyNamespace(_))
        }),
        ("demo/", |e| matches!(e, TypeNameError::EmptyName(_))),
        ("a/b/c", |e| matches!(e, TypeNameError::TooManySlashes(_))),
        ("/", |e| matches!(e, TypeNameError::EmptyNamespace(_))),
    ];
    for (s, check) in rejected {
        let err = s.parse::<TypeName>().expect_err(s);
        assert!(check(&err), "{s}: unexpected {err:?}");
        assert!(err.to_string().contains("namespace/name"), "{err}");
    }
}

#[test]
fn state_names_follow_the_shared_table() {
    assert!(state_names::accepted().contains(&"lastSeen".to_owned()));
    for name in state_names::accepted() {
        assert!(is_valid_state_name(&name), "{name}");
        let spec = ValueSpec::new::<i32>(name.clone()).expect(&name);
        assert_eq!(spec.name(), name);
    }
    for name in state_names::rejected() {
        assert!(!is_valid_state_name(&name), "{name:?}");
        assert_eq!(
            ValueSpec::new::<i32>(name.clone()).unwrap_err(),
            SpecError::InvalidName(name.clone()),
            "{name:?}"
        );
    }
}

#[test]
fn expiration_must_be_at_least_one_millisecond() {
    use std::time::Duration;
    let spec = ValueSpec::new::<i32>("a").unwrap();
    assert!(matches!(
        spec.clone().expire_after_call(Duration::ZERO),
        Err(SpecError::ZeroExpiration(_))
    ));
    assert!(matches!(
        spec.clone().expire_after_write(Duration::from_micros(999)),
        Err(SpecError::ZeroExpiration(_))
    ));
    assert!(spec.expire_after_write(Duration::from_millis(1)).is_ok());
}

#[test]
fn kafka_record_bytes() {
    let egress = EgressMessage::kafka(TypeName::from_static("demo/kafka-egress"))
        .topic("greetings")
        .key("alice")
        .value("hello alice")
        .build()
        .unwrap();
    assert_eq!(egress.egress().as_str(), "demo/kafka-egress");
    assert_eq!(
        egress.type_name(),
        "type.googleapis.com/io.statefun.sdk.egress.KafkaProducerRecord"
    );
    let expected = egress::KafkaProducerRecord {
        key: "alice".into(),
        value_bytes: Bytes::from_static(b"hello alice"),
        topic: "greetings".into(),
    };
    assert_eq!(egress.raw_value().to_vec(), expected.encode_to_vec());
    // key (1), value_bytes (2), topic (3), in field order.
    assert_eq!(
        hex(egress.raw_value()),
        "0a 05 61 6c 69 63 65 12 0b 68 65 6c 6c 6f 20 61 6c 69 63 65 1a 09 67 72 65 65 74 69 6e 67 73"
    );

    let keyless = EgressMessage::kafka(TypeName::from_static("demo/k"))
        .topic("t")
        .typed_value(&5i32)
        .build()
        .unwrap();
    let record = egress::KafkaProducerRecord::decode(keyless.raw_value().clone()).unwrap();
    assert_eq!(record.key, "");
    assert_eq!(record.value_bytes, Type::encode(&5i32).unwrap());
}

#[test]
fn egress_values_from_borrowed_and_owned_bytes() {
    let received: Vec<u8> = vec![0xff, 0, 7];
    let borrowed: &[u8] = &received;
    let build = |record: statefun_core::KafkaRecordBuilder| {
        let message = record.topic("t").build().unwrap();
        egress::KafkaProducerRecord::decode(message.raw_value().clone())
            .unwrap()
            .value_bytes
    };
    let kafka = || EgressMessage::kafka(TypeName::from_static("demo/k"));
    assert_eq!(build(kafka().value(borrowed)), received);
    assert_eq!(build(kafka().value(received.clone())), received);
    assert_eq!(
        build(kafka().value(Bytes::from(received.clone()))),
        received
    );
    assert_eq!(build(kafka().value(String::from("hé"))), "hé".as_bytes());

    let kinesis = EgressMessage::kinesis(TypeName::from_static("demo/k"))
        .stream("s")
        .partition_key("p")
        .value(borrowed)
        .build()
        .unwrap();
    let record = egress::KinesisEgressRecord::decode(kinesis.raw_value().clone()).unwrap();
    assert_eq!(record.value_bytes, received);
}

#[test]
fn generic_egress_and_messages_without_a_result() {
    let egress = TypeName::from_static("demo/out");
    let message = EgressMessage::new(egress.clone(), "hi");
    assert_eq!(message.type_name(), "io.statefun.types/string");
    assert_eq!(
        message.raw_value(),
        &Type::encode(&"hi".to_owned()).unwrap()
    );
    assert_eq!(
        EgressMessage::try_new(egress, &7i64).unwrap().raw_value(),
        &Type::encode(&7i64).unwrap()
    );
    assert_eq!(Message::new(&true), Message::try_new(&true).unwrap());
}

#[test]
fn kafka_record_requires_topic_and_value() {
    let builder = || EgressMessage::kafka(TypeName::from_static("demo/k"));
    assert!(matches!(
        builder().value("v").build(),
        Err(EgressError::Missing { field: "topic", .. })
    ));
    assert!(matches!(
        builder().topic("").value("v").build(),
        Err(EgressError::Empty { field: "topic", .. })
    ));
    assert!(matches!(
        builder().topic("t").build(),
        Err(EgressError::Missing { field: "value", .. })
    ));
}

#[test]
fn kinesis_record_bytes_and_rules() {
    let egress = EgressMessage::kinesis(TypeName::from_static("demo/kinesis"))
        .stream("s")
        .partition_key("p")
        .explicit_hash_key("h")
        .value(vec![1u8, 2])
        .build()
        .unwrap();
    assert_eq!(
        egress.type_name(),
        "type.googleapis.com/io.statefun.sdk.egress.KinesisEgressRecord"
    );
    let record = egress::KinesisEgressRecord::decode(egress.raw_value().clone()).unwrap();
    assert_eq!(
        record,
        egress::KinesisEgressRecord {
            partition_key: "p".into(),
            value_bytes: Bytes::from_static(&[1, 2]),
            stream: "s".into(),
            explicit_hash_key: "h".into(),
        }
    );
    let builder = || EgressMessage::kinesis(TypeName::from_static("demo/kinesis"));
    assert!(matches!(
        builder().partition_key("p").value("v").build(),
        Err(EgressError::Missing {
            field: "stream",
            ..
        })
    ));
    assert!(matches!(
        builder().stream("s").partition_key("").value("v").build(),
        Err(EgressError::Empty {
            field: "partition_key",
            ..
        })
    ));
    assert!(matches!(
        builder().stream("s").value("v").build(),
        Err(EgressError::Missing {
            field: "partition_key",
            ..
        })
    ));
    assert!(matches!(
        builder().stream("s").partition_key("p").build(),
        Err(EgressError::Missing { field: "value", .. })
    ));
}

#[test]
fn message_accessors_read_each_primitive() {
    assert_eq!(Message::new(&-7i32).as_i32().unwrap(), -7);
    assert_eq!(
        Message::new(&7_000_000_000i64).as_i64().unwrap(),
        7_000_000_000
    );
    assert_eq!(Message::new(&2.5f32).as_f32().unwrap(), 2.5);
    assert_eq!(Message::new(&-0.125f64).as_f64().unwrap(), -0.125);
    assert!(Message::new(&true).as_bool().unwrap());
    assert!(!Message::new(&false).as_bool().unwrap());
    assert_eq!(Message::new("hé").as_str().unwrap(), "hé");
    assert_eq!(Message::new("hé").as_string().unwrap(), "hé");
    // Each refuses the others' typenames.
    let int = Message::new(&1i32);
    assert!(int.as_i64().is_err());
    assert!(int.as_f32().is_err());
    assert!(int.as_f64().is_err());
    assert!(int.as_bool().is_err());
    assert!(int.as_str().is_err());
    assert!(Message::new(&1i64).as_i32().is_err());
}

#[test]
fn message_accessors_check_the_typename() {
    let message = Message::new(&42i32);
    assert!(message.is::<i32>());
    assert!(!message.is::<i64>());
    assert_eq!(message.as_i32().unwrap(), 42);
    let err = message.as_string().unwrap_err();
    assert!(err.to_string().contains("io.statefun.types/int"), "{err}");
    assert!(matches!(
        message.decode::<bool>(),
        Err(statefun_core::MessageError::TypeMismatch { .. })
    ));
    let no_value = Message::from_raw(&statefun_core::codec::INT, Bytes::new());
    assert_eq!(
        no_value.as_i32().unwrap(),
        0,
        "has_value with empty bytes is 0"
    );
    // Debug shows the typename as text and the value's bytes.
    assert_eq!(
        format!("{message:?}"),
        r#"Message { type_name: "io.statefun.types/int", has_value: true, value: b"\r*\0\0\0" }"#
    );
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
