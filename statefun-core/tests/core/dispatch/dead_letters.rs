//! Dead letters: a message no retry can fix is set aside under a policy, its invocation's
//! effects dropped and the rest of the batch answered; any other failure still fails the
//! batch; without a policy nothing changes.

use proptest::prelude::*;
use prost::Message as _;
use statefun_core::{
    DEAD_LETTER, DeadLetter, DeadLetterJson, DeadLetterReason, DeadLetters, Dispatched, Permanent,
    PermanentExt, Type, proto::egress as egress_pb,
};

use super::*;

const LEDGER: TypeName = TypeName::from_static("test/ledger");
const DLQ: TypeName = TypeName::from_static("test/dead-letters");

statefun_test_support::state! {
    struct Ledger {
        total: i64,
        entries: i32,
    }
}

/// Takes `i64`s only: adds each to `total`, counts it in `entries`, sends it on to
/// `test/audit` and to the egress `test/out`, and asks for a delayed echo. A negative
/// amount is rejected as permanent; 13 fails transiently; 666 panics.
struct Book;

impl Function for Book {
    type State = Ledger;
    fn type_name(&self) -> TypeName {
        LEDGER
    }
    fn message_types(&self) -> statefun_core::MessageTypes {
        statefun_core::MessageTypes::Only(vec![<i64 as Type>::type_name()])
    }
    async fn invoke(
        &self,
        ctx: &mut Context,
        state: &mut Ledger,
        msg: Message,
    ) -> Result<(), BoxError> {
        // Changes before the failure, which must not survive it.
        state.entries.update(|n| Some(n.unwrap_or(0) + 1));
        ctx.send(
            Address::new(TypeName::from_static("test/audit"), "a"),
            "before",
        )?;
        let amount: i64 = msg.decode()?;
        match amount {
            13 => return Err("the bank is down".into()),
            666 => panic!("the ledger burned"),
            _ => {}
        }
        let amount = u32::try_from(amount)
            .map_err(|_| format!("a negative amount ({amount}) is never valid"))
            .permanent()?;
        state
            .total
            .update(|n| Some(n.unwrap_or(0) + i64::from(amount)));
        ctx.send_egress(statefun_core::EgressMessage::new(
            TypeName::from_static("test/out"),
            &i64::from(amount),
        ));
        ctx.send_after(
            Duration::from_secs(1),
            OutgoingMessage::new(Address::new(LEDGER, "echo"), &i64::from(amount))?,
        );
        Ok(())
    }
}

/// One message of a test batch.
#[derive(Clone, Copy, Debug)]
enum Entry {
    Amount(i64),
    /// A string: a type the ledger does not take.
    Text,
    /// Bytes that are no `io.statefun.types/long`.
    Garbage,
}

impl Entry {
    fn value(self) -> pb::TypedValue {
        match self {
            Self::Amount(amount) => typed(&amount),
            Self::Text => string("ten"),
            Self::Garbage => pb::TypedValue {
                typename: "io.statefun.types/long".into(),
                has_value: true,
                value: Bytes::from_static(b"\x08"),
            },
        }
    }

    fn reason(self) -> Option<DeadLetterReason> {
        match self {
            Self::Amount(amount) if amount < 0 => Some(DeadLetterReason::Rejected),
            Self::Amount(_) => None,
            Self::Text => Some(DeadLetterReason::UnacceptedType),
            Self::Garbage => Some(DeadLetterReason::Undecodable),
        }
    }
}

fn handler(policy: DeadLetters) -> Handler {
    Handler::new(Functions::new().with(Book).with_dead_letters(policy))
}

async fn run(handler: &Handler, entries: &[Entry]) -> Dispatched {
    let batch = entries.iter().fold(
        Batch::to("test/ledger", "l1").states([("total", None), ("entries", None)]),
        |b, e| b.message(e.value()),
    );
    handler.dispatch(batch.bytes()).run().await
}

fn kafka() -> DeadLetters {
    DeadLetters::kafka(DLQ, "dead-letters")
}

/// The JSON dead letters of `result`'s Kafka egress records to `test/dead-letters`, and
/// the values of its other egress records.
fn split_egress(result: &from_function::InvocationResponse) -> (Vec<DeadLetter>, Vec<i64>) {
    let mut letters = Vec::new();
    let mut values = Vec::new();
    for egress in &result.outgoing_egresses {
        let argument = egress.argument.clone().unwrap();
        if egress.egress_type == "dead-letters" {
            let record = egress_pb::KafkaProducerRecord::decode(argument.value).unwrap();
            assert_eq!(record.topic, "dead-letters");
            let letter = DeadLetter::from_json(&record.value_bytes).unwrap();
            assert_eq!(
                record.key,
                letter.target.to_string(),
                "keyed by the target address"
            );
            letters.push(letter);
        } else {
            values.push(<i64 as Type>::decode(argument.value).unwrap());
        }
    }
    (letters, values)
}

fn state_value(result: &from_function::InvocationResponse, name: &str) -> Option<i64> {
    let mutation = result
        .state_mutations
        .iter()
        .find(|m| m.state_name == name)?;
    let value = mutation.state_value.clone()?;
    if value.typename == "io.statefun.types/int" {
        return Some(i64::from(<i32 as Type>::decode(value.value).unwrap()));
    }
    Some(<i64 as Type>::decode(value.value).unwrap())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Whatever the batch and wherever its poison, the answer has exactly the effects of
    /// the good messages, in order, and one dead letter per poison message, in order.
    #[test]
    fn a_permanent_failure_anywhere_leaves_exactly_the_other_invocations_effects(
        entries in prop::collection::vec(
            prop_oneof![
                4 => (0i64..100)
                    .prop_filter("13 fails transiently", |a| *a != 13)
                    .prop_map(Entry::Amount),
                1 => (-100i64..-1).prop_map(Entry::Amount),
                1 => Just(Entry::Text),
                1 => Just(Entry::Garbage),
            ],
            1..12,
        )
    ) {
        let dispatched = futures_util::FutureExt::now_or_never(run(&handler(kafka()), &entries)).unwrap();
        let expected_reasons: Vec<DeadLetterReason> = entries.iter().filter_map(|e| e.reason()).collect();
        prop_assert_eq!(dispatched.dead_letters(), &expected_reasons[..]);
        let result = invocation_result(dispatched.result().as_ref().unwrap());
        let good: Vec<i64> = entries
            .iter()
            .filter_map(|e| match e { Entry::Amount(a) if *a >= 0 => Some(*a), _ => None })
            .collect();
        let (letters, values) = split_egress(&result);
        prop_assert_eq!(&values, &good);
        prop_assert_eq!(letters.iter().map(|l| l.reason).collect::<Vec<_>>(), expected_reasons);
        // One "before" message and one delayed echo per good message only.
        prop_assert_eq!(result.outgoing_messages.len(), good.len());
        prop_assert_eq!(result.delayed_invocations.len(), good.len());
        let total: i64 = good.iter().sum();
        let entries_seen = if good.is_empty() { None } else { Some(good.len() as i64) };
        prop_assert_eq!(state_value(&result, "total"), (!good.is_empty()).then_some(total));
        prop_assert_eq!(state_value(&result, "entries"), entries_seen);
    }
}

#[tokio::test]
async fn a_dead_letter_carries_the_message_as_received_who_sent_it_and_why() {
    let garbage = Entry::Garbage.value();
    let batch = Batch::to("test/ledger", "l1")
        .states([("total", None), ("entries", None)])
        .invocation(
            Some(statefun_test_support::request::address("test/shop", "s1")),
            Some(garbage.clone()),
        )
        .message(typed(&-5i64));
    let dispatched = handler(kafka()).dispatch(batch.bytes()).run().await;
    let (letters, _) = split_egress(&invocation_result(dispatched.result().as_ref().unwrap()));
    let [undecodable, rejected] = &letters[..] else {
        panic!("{letters:?}")
    };
    assert_eq!(undecodable.target, Address::new(LEDGER, "l1"));
    assert_eq!(undecodable.type_name, "io.statefun.types/long");
    assert_eq!(undecodable.value.as_deref(), Some(&b"\x08"[..]));
    assert_eq!(
        undecodable.caller,
        Some(Address::new(TypeName::from_static("test/shop"), "s1"))
    );
    assert_eq!(undecodable.reason, DeadLetterReason::Undecodable);
    // The error and its sources, as one line.
    assert_eq!(
        undecodable.error,
        "the `io.statefun.types/long` message could not be decoded: invalid `io.statefun.types/long` bytes: malformed unknown field (truncated, or a group that does not end with its own field number)"
    );
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    assert!((now_ms - 60_000..=now_ms).contains(&undecodable.time_ms));
    assert_eq!(rejected.caller, None, "from an ingress");
    assert_eq!(rejected.error, "a negative amount (-5) is never valid");
    // Re-sending it after a fix: the original message, to its target.
    let message = undecodable.message().unwrap();
    assert_eq!(message.target(), &Address::new(LEDGER, "l1"));
    assert_eq!(message.type_name(), "io.statefun.types/long");
    assert_eq!(message.raw_value(), &Bytes::from_static(b"\x08"));
    // The protobuf and JSON forms read back to the same letter.
    assert_eq!(
        &DeadLetter::from_protobuf(&undecodable.to_protobuf()).unwrap(),
        undecodable
    );
    assert_eq!(
        &DeadLetter::from_json(undecodable.to_json().as_bytes()).unwrap(),
        undecodable
    );
    let protobuf = <DeadLetter as Type>::encode(undecodable).unwrap();
    assert_eq!(
        &<DeadLetter as Type>::decode(protobuf).unwrap(),
        undecodable
    );
    let json = <DeadLetterJson as Type>::encode(&DeadLetterJson(rejected.clone())).unwrap();
    assert_eq!(&<DeadLetterJson as Type>::decode(json).unwrap().0, rejected);
    assert!(DeadLetter::from_json(b"{}").is_err());
    assert!(DeadLetter::from_protobuf(b"\xff").is_err());
}

#[tokio::test]
async fn every_policy_sends_the_dead_letter_where_it_says() {
    let poison = [Entry::Text];
    // Kinesis: partitioned by the target, its data the JSON.
    let result = invocation_result(
        run(&handler(DeadLetters::kinesis(DLQ, "dead")), &poison)
            .await
            .result()
            .as_ref()
            .unwrap(),
    );
    let record = egress_pb::KinesisEgressRecord::decode(
        result.outgoing_egresses[0].argument.clone().unwrap().value,
    )
    .unwrap();
    assert_eq!(
        (record.stream.as_str(), record.partition_key.as_str()),
        ("dead", "test/ledger/l1")
    );
    assert_eq!(
        DeadLetter::from_json(&record.value_bytes).unwrap().reason,
        DeadLetterReason::UnacceptedType
    );
    // A generic egress: the protobuf.
    let result = invocation_result(
        run(&handler(DeadLetters::egress(DLQ)), &poison)
            .await
            .result()
            .as_ref()
            .unwrap(),
    );
    let argument = result.outgoing_egresses[0].argument.clone().unwrap();
    assert_eq!(argument.typename, DEAD_LETTER.as_str());
    assert_eq!(
        <DeadLetter as Type>::decode(argument.value)
            .unwrap()
            .target
            .id(),
        "l1"
    );
    // A function: the protobuf, at the failed target's id.
    let result = invocation_result(
        run(
            &handler(DeadLetters::function(TypeName::from_static("test/janitor"))),
            &poison,
        )
        .await
        .result()
        .as_ref()
        .unwrap(),
    );
    let message = &result.outgoing_messages[0];
    let target = message.target.clone().unwrap();
    assert_eq!(
        (
            target.namespace.as_str(),
            target.r#type.as_str(),
            target.id.as_str()
        ),
        ("test", "janitor", "l1")
    );
    assert_eq!(
        message.argument.clone().unwrap().typename,
        DEAD_LETTER.as_str()
    );
    // A Kafka topic that cannot be one fails the batch, saying why.
    let error = run(&handler(DeadLetters::kafka(DLQ, "")), &poison)
        .await
        .into_result()
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("its dead letter could not be sent"),
        "{error}"
    );
}

#[tokio::test]
async fn failures_a_retry_may_fix_and_the_default_policy_fail_the_batch() {
    for (policy, entries) in [
        (kafka(), vec![Entry::Amount(1), Entry::Amount(13)]),
        (DeadLetters::fail(), vec![Entry::Amount(1), Entry::Text]),
        (DeadLetters::fail(), vec![Entry::Amount(-1)]),
    ] {
        let dispatched = run(&handler(policy.clone()), &entries).await;
        assert!(dispatched.dead_letters().is_empty());
        assert!(
            matches!(dispatched.result(), Err(Error::FunctionFailed { .. })),
            "{policy:?} {entries:?}: {:?}",
            dispatched.result()
        );
    }
    let dispatched = run(&handler(kafka()), &[Entry::Amount(666)]).await;
    assert!(matches!(
        dispatched.result(),
        Err(Error::FunctionPanicked { .. })
    ));
    assert!(DeadLetters::fail().fails() && !kafka().fails());
    assert_eq!(DeadLetters::default(), DeadLetters::fail());
}

#[tokio::test]
async fn a_function_policy_overrides_the_services() {
    let functions = Functions::new()
        .with(Book)
        .with_dead_letters(DeadLetters::fail())
        .with_dead_letters_for(&Book, kafka());
    assert_eq!(functions.dead_letters(&LEDGER), Some(&kafka()));
    assert_eq!(kafka().egress_id(), Some(&DLQ));
    assert_eq!(DeadLetters::function(LEDGER).egress_id(), None);
    let dispatched = run(&Handler::new(functions), &[Entry::Text]).await;
    assert_eq!(
        dispatched.dead_letters(),
        [DeadLetterReason::UnacceptedType]
    );
    let permanent = Permanent::new("no");
    assert_eq!(
        format!("{permanent} {permanent:?}"),
        r#"no Permanent("no")"#
    );
    // Its source is the wrapped error's: the marker is not a link of the chain.
    #[derive(Debug, thiserror::Error)]
    #[error("caused")]
    struct Caused(#[source] std::fmt::Error);
    let permanent = Permanent::new(Caused(std::fmt::Error));
    let source = std::error::Error::source(&permanent).expect("the wrapped error's source");
    assert!(source.is::<std::fmt::Error>(), "{source:?}");
}

#[test]
#[should_panic(
    expected = "test/ledger is not registered: call `with` before `with_dead_letters_for`"
)]
fn a_policy_for_a_function_not_registered_is_a_mistake_said_at_once() {
    let _ = Functions::new().with_dead_letters_for(&Book, kafka());
}

#[tokio::test]
async fn the_local_runtime_reports_dead_letters_as_the_egress_records_they_are() {
    use statefun_core::local::{EgressRecord, LocalRuntime};
    /// Takes whatever the ledger sends it.
    struct Audit;
    impl Function for Audit {
        type State = ();
        fn type_name(&self) -> TypeName {
            TypeName::from_static("test/audit")
        }
        async fn invoke(&self, _: &mut Context, _: &mut (), _: Message) -> Result<(), BoxError> {
            Ok(())
        }
    }
    let functions = Functions::new()
        .with(Book)
        .with(Audit)
        .with_dead_letters(kafka());
    let mut runtime = LocalRuntime::new(functions);
    let l1 = Address::new(LEDGER, "l1");
    runtime.send(l1.clone(), &7i64).unwrap();
    runtime.send(l1.clone(), "seven").unwrap();
    runtime.send(l1.clone(), &-7i64).unwrap();
    runtime.run_until_quiescent().await.unwrap();
    let letters: Vec<DeadLetter> = runtime
        .take_egress(&DLQ)
        .iter()
        .map(|record| record.dead_letter().expect("a dead letter"))
        .collect();
    let reasons: Vec<_> = letters.iter().map(|l| l.reason).collect();
    assert_eq!(
        reasons,
        [DeadLetterReason::UnacceptedType, DeadLetterReason::Rejected]
    );
    assert_eq!(runtime.state::<i64>(&l1, "total").unwrap(), Some(7));
    // Other records are no dead letters.
    let out = runtime.take_egress(&TypeName::from_static("test/out"));
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].dead_letter(), None);
    let generic = EgressRecord::Value {
        type_name: DEAD_LETTER.as_str().into(),
        value: letters[0].to_protobuf(),
    };
    assert_eq!(generic.dead_letter(), Some(letters[0].clone()));
}
