//! Egress records (generic, Kafka, Kinesis) and the accessors of a received message.

use super::*;

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
