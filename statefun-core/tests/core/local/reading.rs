//! Reading state in a test: by name, checked against the function's declared states (a typo
//! or a wrong type is an error that says so, never "unset"), or the whole typed state
//! struct; and captured records decoded as their type.

use statefun_core::{AddressOf, TypedFunction, local::StateReadError};

use super::*;

impl TypedFunction for Counter {
    const TYPE_NAME: TypeName = COUNTER;
    type Message = Message;
}

#[tokio::test]
async fn a_state_is_read_by_its_declared_name_and_type() {
    let mut rt = runtime();
    rt.send(at(COUNTER, "a"), "inc").unwrap();
    rt.run_until_quiescent().await.unwrap();
    assert_eq!(
        rt.state::<i32>(&at(COUNTER, "a"), "count").unwrap(),
        Some(1)
    );
    // Declared, never written: unset.
    assert_eq!(rt.state::<i32>(&at(COUNTER, "a"), "recent").unwrap(), None);
    assert_eq!(rt.state::<i32>(&at(COUNTER, "b"), "count").unwrap(), None);
    assert_eq!(
        rt.declared_states(&COUNTER).unwrap(),
        [
            (
                "count".to_owned(),
                TypeName::from_static("io.statefun.types/int")
            ),
            (
                "recent".to_owned(),
                TypeName::from_static("io.statefun.types/int")
            ),
            (
                "touched".to_owned(),
                TypeName::from_static("io.statefun.types/bool")
            ),
        ]
    );
}

#[tokio::test]
async fn a_typo_is_an_error_listing_the_declared_states() {
    let mut rt = runtime();
    rt.send(at(COUNTER, "a"), "inc").unwrap();
    rt.run_until_quiescent().await.unwrap();
    for address in [at(COUNTER, "a"), at(COUNTER, "never-seen")] {
        let error = rt.state::<i32>(&address, "cont").unwrap_err();
        assert!(
            matches!(&error, StateReadError::UnknownState { name, declared, .. }
                if name == "cont" && declared == &["count", "recent", "touched"]),
            "{error:?}"
        );
        assert_eq!(
            error.to_string(),
            format!(
                "{address} has no state `cont`: test/counter declares `count`, `recent`, `touched`"
            )
        );
    }
}

#[tokio::test]
async fn reading_a_state_as_another_type_is_an_error_worded_for_the_test() {
    let mut rt = runtime();
    // Before any value, and after.
    for run in [false, true] {
        if run {
            rt.send(at(COUNTER, "a"), "inc").unwrap();
            rt.run_until_quiescent().await.unwrap();
        }
        let error = rt.state::<String>(&at(COUNTER, "a"), "count").unwrap_err();
        assert_eq!(
            error.to_string(),
            "state `count` of test/counter/a is a `io.statefun.types/int`, but the test reads it as a `io.statefun.types/string`: read it as the function declares it"
        );
    }
}

#[tokio::test]
async fn the_states_of_a_remote_function_are_known_once_a_request_reached_it() {
    let transport = Handler::new(Functions::new().with(Counter));
    let mut rt = LocalRuntime::empty().with_namespace_transport("test", transport);
    let error = rt.state::<i32>(&at(COUNTER, "a"), "count").unwrap_err();
    assert!(
        matches!(&error, StateReadError::NotKnown(f) if *f == COUNTER),
        "{error:?}"
    );
    assert!(error.to_string().contains("send it one first"), "{error}");
    assert_eq!(rt.declared_states(&COUNTER), None);
    rt.send(at(COUNTER, "a"), "inc").unwrap();
    rt.run_until_quiescent().await.unwrap();
    assert_eq!(
        rt.state::<i32>(&at(COUNTER, "a"), "count").unwrap(),
        Some(1)
    );
    assert_eq!(rt.declared_states(&COUNTER).unwrap().len(), 3);
}

#[tokio::test]
async fn the_whole_state_of_a_typed_function_reads_as_its_struct() {
    let mut rt = runtime();
    let a = AddressOf::<Counter>::new("a");
    let empty = rt.state_of(&a).unwrap();
    assert_eq!((empty.count.get(), empty.touched.get()), (None, None));
    rt.send(a.address().clone(), "inc").unwrap();
    rt.send(a.address().clone(), "touch").unwrap();
    rt.run_until_quiescent().await.unwrap();
    let state = rt.state_of(&a).unwrap();
    assert_eq!(state.count.get(), Some(&1));
    assert_eq!(state.touched.get(), Some(&true));
    assert!(!state.count.is_changed());
}

#[tokio::test]
async fn a_value_that_does_not_decode_is_an_error_naming_the_state() {
    // The real counter registers its states; a broken release then writes `count` (an int)
    // as bytes that are no int.
    let endpoint = Swappable(Arc::new(Mutex::new(Arc::new(Handler::new(
        Functions::new().with(Counter),
    )) as Arc<dyn Transport>)));
    let mut rt = LocalRuntime::empty().with_namespace_transport("test", endpoint.clone());
    rt.send(at(COUNTER, "a"), "inc").unwrap();
    rt.run_until_quiescent().await.unwrap();
    *endpoint.0.lock().unwrap() = Arc::new(Fixed(result(from_function::InvocationResponse {
        state_mutations: vec![from_function::PersistedValueMutation {
            mutation_type: from_function::persisted_value_mutation::MutationType::Modify as i32,
            state_name: "count".into(),
            state_value: Some(pb::TypedValue {
                typename: "io.statefun.types/int".into(),
                has_value: true,
                value: Bytes::from_static(b"\x0d\x01"),
            }),
        }],
        ..Default::default()
    })));
    rt.send(at(COUNTER, "a"), "inc").unwrap();
    rt.run_until_quiescent().await.unwrap();
    let error = rt.state::<i32>(&at(COUNTER, "a"), "count").unwrap_err();
    assert!(
        matches!(error, StateReadError::Undecodable { .. }),
        "{error:?}"
    );
    let text = error.to_string();
    assert!(
        text.starts_with("test/counter/a: ") && text.contains("`count`"),
        "{text}"
    );
}

#[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize, statefun::Type)]
#[statefun(json, typename = "test/Receipt")]
struct Receipt {
    details: String,
}

/// Writes each message as a receipt to a Kafka and a Kinesis egress, encoded as JSON.
struct Cashier;

impl Function for Cashier {
    type State = ();
    fn type_name(&self) -> TypeName {
        TypeName::from_static("test/cashier")
    }
    async fn invoke(&self, ctx: &mut Context, _: &mut (), msg: Message) -> Result<(), BoxError> {
        let receipt = Receipt {
            details: msg.as_string()?,
        };
        ctx.send_egress(
            EgressMessage::kafka(EGRESS)
                .topic("receipts")
                .typed_value(&receipt)
                .build()?,
        );
        ctx.send_egress(
            EgressMessage::kinesis(EGRESS)
                .stream("receipts")
                .partition_key("p")
                .typed_value(&receipt)
                .build()?,
        );
        Ok(())
    }
}

#[tokio::test]
async fn a_captured_record_decodes_as_its_type() {
    let mut rt = LocalRuntime::new(Functions::new().with(Cashier));
    rt.send(at(TypeName::from_static("test/cashier"), "c"), "socks: 3")
        .unwrap();
    rt.run_until_quiescent().await.unwrap();
    let expected = Receipt {
        details: "socks: 3".into(),
    };
    let records = rt.take_egress(&EGRESS);
    let [EgressRecord::Kafka(kafka), EgressRecord::Kinesis(kinesis)] = &records[..] else {
        panic!("{records:?}");
    };
    assert_eq!(kafka.value_as::<Receipt>().unwrap(), expected);
    assert_eq!(kinesis.value_as::<Receipt>().unwrap(), expected);
    // The bytes carry no typename: another type is a decoding error, not a wrong value.
    assert!(kafka.value_as::<i64>().is_err());
    assert!(kinesis.value_as::<i64>().is_err());
}
