//! The local runtime: routing, state, negotiation, batching, the virtual clock, egress
//! capture and the errors where the real runtime would fail the job.

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use bytes::Bytes;
use futures_util::future::BoxFuture;
use prost::Message as _;
use statefun_core::{
    Address, BoxError, CancellationToken, Context, EgressMessage, Function, Functions, Handler,
    Message, OutgoingMessage, StateError, TypeName,
    local::{EgressRecord, LocalError, LocalRuntime, RunReport, Transport},
    proto::reqreply::{self as pb, FromFunction, from_function},
};

const COUNTER: TypeName = TypeName::from_static("test/counter");
const PINGER: TypeName = TypeName::from_static("test/pinger");
const EGRESS: TypeName = TypeName::from_static("test/out");

fn at(type_name: TypeName, id: &str) -> Address {
    Address::new(type_name, id)
}

statefun_test_support::state! {
    /// `count` (never expires), `recent` (1 s after write), `touched` (1 s after call).
    struct CounterState {
        count: i32,
        recent: i32 => statefun_core::Expiration::AfterWrite(Duration::from_secs(1)),
        touched: bool => statefun_core::Expiration::AfterCall(Duration::from_secs(1)),
    }
}

/// Commands as strings: `inc`, `recent`, `touch`, `noop`, `fail`, `later:<token>`,
/// `cancel:<token>`, `egress`, `ping`.
struct Counter;

impl Function for Counter {
    type State = CounterState;
    fn type_name(&self) -> TypeName {
        COUNTER
    }
    async fn invoke(
        &self,
        ctx: &mut Context,
        state: &mut CounterState,
        msg: Message,
    ) -> Result<(), BoxError> {
        let command = msg.as_string()?;
        match command.split_once(':').unwrap_or((&command, "")) {
            ("inc", _) => state.count.update(|n| Some(n.unwrap_or(0) + 1)),
            ("recent", _) => state.recent.set(1),
            ("touch", _) => {
                if state.touched.get().is_none() {
                    state.touched.set(true);
                }
            }
            ("noop", _) => {}
            ("fail", _) => return Err("the counter refuses".into()),
            ("later", token) => ctx.send_after_with_token(
                Duration::from_secs(2),
                CancellationToken::new(token)?,
                OutgoingMessage::new(ctx.self_address().clone(), "inc")?,
            ),
            ("cancel", token) => ctx.cancel_delayed(CancellationToken::new(token)?),
            ("egress", _) => {
                let id = ctx.self_address().id().to_owned();
                ctx.send_egress(
                    EgressMessage::kafka(EGRESS)
                        .topic("counts")
                        .key(id)
                        .value(format!("{}", state.count.get_or_default()))
                        .build()?,
                );
                ctx.send_egress(EgressMessage::new(EGRESS, &state.count.get_or_default()));
            }
            ("ping", _) => ctx.send(at(PINGER, "p"), "ping")?,
            (other, _) => return Err(format!("unknown command {other}").into()),
        }
        Ok(())
    }
}

/// Stateless; answers every `ping` by pinging the counter back, forever.
struct Pinger;

impl Function for Pinger {
    type State = ();
    fn type_name(&self) -> TypeName {
        PINGER
    }
    async fn invoke(&self, ctx: &mut Context, _: &mut (), _: Message) -> Result<(), BoxError> {
        ctx.send(at(COUNTER, "loop"), "ping")?;
        Ok(())
    }
}

fn runtime() -> LocalRuntime {
    LocalRuntime::new(Functions::new().with(Counter).with(Pinger))
}

fn count(rt: &LocalRuntime, id: &str) -> Option<i32> {
    rt.state::<i32>(&at(COUNTER, id), "count").unwrap()
}

#[tokio::test]
async fn state_is_kept_per_address_across_messages() {
    let mut rt = runtime();
    for _ in 0..3 {
        rt.send(at(COUNTER, "a"), "inc").unwrap();
    }
    rt.send(at(COUNTER, "b"), "inc").unwrap();
    rt.run_until_quiescent().await.unwrap();
    assert_eq!(count(&rt, "a"), Some(3));
    assert_eq!(count(&rt, "b"), Some(1));
    assert_eq!(count(&rt, "c"), None);
    rt.send(at(COUNTER, "a"), "inc").unwrap();
    rt.run_until_quiescent().await.unwrap();
    assert_eq!(count(&rt, "a"), Some(4));
}

#[tokio::test]
async fn specs_are_learned_by_negotiation_then_the_same_invocations_resent() {
    let mut rt = runtime();
    rt.send(at(COUNTER, "a"), "inc").unwrap();
    let report = rt.run_until_quiescent().await.unwrap();
    assert_eq!(report.requests, 2, "one incomplete, one retried");
    let batches = rt.batches();
    assert!(batches[0].incomplete && batches[0].states.is_empty());
    assert!(!batches[1].incomplete);
    assert_eq!(batches[1].states, ["count", "recent", "touched"]);
    assert_eq!(batches[0].invocations, batches[1].invocations);
    assert_eq!(
        rt.registered_states(&COUNTER),
        ["count", "recent", "touched"]
    );
    assert_eq!(count(&rt, "a"), Some(1), "the invocation ran exactly once");
}

#[tokio::test]
async fn messages_arriving_while_in_flight_are_batched_up_to_the_maximum() {
    let mut rt = runtime().with_max_batch(2);
    for _ in 0..5 {
        rt.send(at(COUNTER, "a"), "inc").unwrap();
    }
    rt.run_until_quiescent().await.unwrap();
    let sizes: Vec<usize> = rt
        .batches()
        .iter()
        .filter(|b| !b.incomplete)
        .map(|b| b.invocations)
        .collect();
    assert_eq!(
        sizes,
        [1, 2, 2],
        "the first goes alone; the rest queue while it is in flight"
    );
    assert_eq!(count(&rt, "a"), Some(5));
}

#[tokio::test]
async fn delayed_messages_fire_on_the_virtual_clock_and_cancelled_ones_do_not() {
    let mut rt = runtime();
    rt.send(at(COUNTER, "a"), "later:t1").unwrap();
    rt.send(at(COUNTER, "a"), "later:t2").unwrap();
    rt.send(at(COUNTER, "a"), "cancel:t2").unwrap();
    rt.run_until_quiescent().await.unwrap();
    assert_eq!(rt.pending_delayed(), 1);
    rt.advance(Duration::from_millis(1999)).await.unwrap();
    assert_eq!(count(&rt, "a"), None, "not due yet");
    rt.advance(Duration::from_millis(1)).await.unwrap();
    assert_eq!(count(&rt, "a"), Some(1), "t1 fired, t2 was cancelled");
    rt.advance(Duration::from_secs(60)).await.unwrap();
    assert_eq!(count(&rt, "a"), Some(1));
    assert_eq!(rt.now(), Duration::from_millis(62_000));
}

#[tokio::test]
async fn a_cancellation_removes_its_timer_only() {
    let mut rt = runtime();
    for command in ["later:t1", "later:t2", "later:t3", "cancel:t2"] {
        rt.send(at(COUNTER, "a"), command).unwrap();
    }
    rt.run_until_quiescent().await.unwrap();
    assert_eq!(rt.pending_delayed(), 2);
    rt.advance(Duration::from_secs(2)).await.unwrap();
    assert_eq!(count(&rt, "a"), Some(2), "t1 and t3 fired");
}

#[tokio::test]
async fn a_cancelled_token_can_be_used_again_at_once() {
    let mut rt = runtime();
    for command in ["later:t", "cancel:t", "later:t"] {
        rt.send(at(COUNTER, "a"), command).unwrap();
    }
    rt.run_until_quiescent().await.unwrap();
    assert_eq!(rt.pending_delayed(), 1);
    rt.advance(Duration::from_secs(2)).await.unwrap();
    assert_eq!(count(&rt, "a"), Some(1));
}

#[tokio::test]
async fn a_pending_token_cannot_be_reused() {
    let mut rt = runtime();
    rt.send(at(COUNTER, "a"), "later:t").unwrap();
    rt.send(at(COUNTER, "a"), "later:t").unwrap();
    let err = rt.run_until_quiescent().await.unwrap_err();
    assert!(matches!(err, LocalError::DuplicateToken { .. }), "{err}");
}

#[tokio::test]
async fn state_expires_after_write_and_after_call_on_the_virtual_clock() {
    let mut rt = runtime();
    let a = at(COUNTER, "a");
    rt.send(a.clone(), "recent").unwrap();
    rt.send(a.clone(), "touch").unwrap();
    rt.run_until_quiescent().await.unwrap();
    rt.advance(Duration::from_millis(600)).await.unwrap();
    // A call (that writes nothing) keeps `touched` alive but not `recent`.
    rt.send(a.clone(), "noop").unwrap();
    rt.run_until_quiescent().await.unwrap();
    rt.advance(Duration::from_millis(600)).await.unwrap();
    assert_eq!(
        rt.state::<i32>(&a, "recent").unwrap(),
        None,
        "1.2 s after its write"
    );
    assert_eq!(
        rt.state::<bool>(&a, "touched").unwrap(),
        Some(true),
        "0.6 s after the last call"
    );
    rt.advance(Duration::from_millis(400)).await.unwrap();
    assert_eq!(
        rt.state::<bool>(&a, "touched").unwrap(),
        None,
        "1 s after the last call"
    );
}

#[tokio::test]
async fn egress_is_captured_with_kafka_records_decoded() {
    let mut rt = runtime();
    rt.send(at(COUNTER, "a"), "inc").unwrap();
    rt.send(at(COUNTER, "a"), "egress").unwrap();
    rt.run_until_quiescent().await.unwrap();
    let records = rt.take_egress(&EGRESS);
    assert_eq!(records.len(), 2);
    let EgressRecord::Kafka(kafka) = &records[0] else {
        panic!("expected a Kafka record, got {:?}", records[0]);
    };
    assert_eq!((kafka.topic.as_str(), kafka.key.as_str()), ("counts", "a"));
    assert_eq!(&kafka.value[..], b"1");
    assert_eq!(records[1].decode::<i32>().unwrap().unwrap(), 1);
    assert!(rt.take_egress(&EGRESS).is_empty(), "taken");

    // All at once, with their egress.
    rt.send(at(COUNTER, "b"), "egress").unwrap();
    rt.run_until_quiescent().await.unwrap();
    let all = rt.take_all_egress();
    assert_eq!(all.len(), 2);
    assert!(all.iter().all(|(egress, _)| *egress == EGRESS));
    assert!(matches!(&all[0].1, EgressRecord::Kafka(kafka) if kafka.key == "b"));
    assert!(rt.take_all_egress().is_empty(), "taken");
}

#[tokio::test]
async fn a_message_loop_ends_with_an_error_not_a_hang() {
    let mut rt = runtime().with_max_requests(50);
    rt.send(at(COUNTER, "loop"), "ping").unwrap();
    let err = rt.run_until_quiescent().await.unwrap_err();
    assert!(matches!(err, LocalError::RequestLimit(50)), "{err}");
}

#[tokio::test]
async fn a_failing_function_is_an_error_naming_it() {
    let mut rt = runtime();
    rt.send(at(COUNTER, "a"), "fail").unwrap();
    let err = rt.run_until_quiescent().await.unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("test/counter/a") && text.contains("the counter refuses"),
        "{text}"
    );
}

#[tokio::test]
async fn an_unknown_target_is_an_error() {
    let mut rt = runtime();
    rt.send(at(TypeName::from_static("test/nobody"), "x"), "hi")
        .unwrap();
    let err = rt.run_until_quiescent().await.unwrap_err();
    assert!(matches!(err, LocalError::NoEndpoint(_)), "{err}");
}

/// An endpoint that can be replaced between runs, as a redeployed service would be.
#[derive(Clone)]
struct Swappable(Arc<Mutex<Arc<dyn Transport>>>);

impl Transport for Swappable {
    fn call(&self, target: &Address, request: Bytes) -> BoxFuture<'_, Result<Bytes, BoxError>> {
        let current = self.0.lock().unwrap().clone();
        let target = target.clone();
        Box::pin(async move { current.call(&target, request).await })
    }
}

statefun_test_support::state! {
    struct V1State {
        count: i32,
    }
}

struct CounterV1;

impl Function for CounterV1 {
    type State = V1State;
    fn type_name(&self) -> TypeName {
        COUNTER
    }
    async fn invoke(
        &self,
        _: &mut Context,
        state: &mut V1State,
        _: Message,
    ) -> Result<(), BoxError> {
        state.count.update(|n| Some(n.unwrap_or(0) + 1));
        Ok(())
    }
}

#[tokio::test]
async fn a_state_added_between_two_runs_is_registered_and_old_state_kept() {
    let v1: Arc<dyn Transport> = Arc::new(Handler::new(Functions::new().with(CounterV1)));
    let endpoint = Swappable(Arc::new(Mutex::new(v1)));
    let mut rt = LocalRuntime::empty().with_namespace_transport("test", endpoint.clone());
    rt.send(at(COUNTER, "a"), "inc").unwrap();
    rt.send(at(COUNTER, "a"), "inc").unwrap();
    rt.run_until_quiescent().await.unwrap();
    assert_eq!(rt.registered_states(&COUNTER), ["count"]);
    assert_eq!(count(&rt, "a"), Some(2));

    *endpoint.0.lock().unwrap() = Arc::new(Handler::new(Functions::new().with(Counter)));
    let before = rt.batches().len();
    rt.send(at(COUNTER, "a"), "inc").unwrap();
    rt.run_until_quiescent().await.unwrap();
    let new_batches = &rt.batches()[before..];
    assert_eq!(new_batches.len(), 2);
    assert!(new_batches[0].incomplete, "v2 asks for its new states");
    assert_eq!(new_batches[0].states, ["count"]);
    assert_eq!(new_batches[1].states, ["count", "recent", "touched"]);
    assert_eq!(
        count(&rt, "a"),
        Some(3),
        "the old state survived the redeploy"
    );
}

/// An endpoint answering a fixed `FromFunction`, to provoke the runtime's own checks.
struct Fixed(FromFunction);

impl Transport for Fixed {
    fn call(&self, _: &Address, _: Bytes) -> BoxFuture<'_, Result<Bytes, BoxError>> {
        let body = Bytes::from(self.0.encode_to_vec());
        Box::pin(async move { Ok(body) })
    }
}

fn result(result: from_function::InvocationResponse) -> FromFunction {
    FromFunction {
        response: Some(from_function::Response::InvocationResult(result)),
    }
}

#[tokio::test]
async fn mutations_of_undeclared_or_retyped_state_are_errors() {
    use from_function::persisted_value_mutation::MutationType;
    let undeclared = result(from_function::InvocationResponse {
        state_mutations: vec![from_function::PersistedValueMutation {
            mutation_type: MutationType::Delete as i32,
            state_name: "ghost".into(),
            state_value: None,
        }],
        ..Default::default()
    });
    let mut rt = LocalRuntime::empty().with_transport(COUNTER, Fixed(undeclared));
    rt.send(at(COUNTER, "a"), "x").unwrap();
    let err = rt.run_until_quiescent().await.unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, LocalError::UndeclaredState { .. }), "{text}");
    assert!(
        text.contains("test/counter") && text.contains("ghost"),
        "{text}"
    );

    // Declare `count` as an int, then write it as a string.
    let endpoint = Swappable(Arc::new(Mutex::new(Arc::new(Handler::new(
        Functions::new().with(CounterV1),
    )) as Arc<dyn Transport>)));
    let mut rt = LocalRuntime::empty().with_transport(COUNTER, endpoint.clone());
    rt.send(at(COUNTER, "a"), "x").unwrap();
    rt.run_until_quiescent().await.unwrap();
    *endpoint.0.lock().unwrap() = Arc::new(Fixed(result(from_function::InvocationResponse {
        state_mutations: vec![from_function::PersistedValueMutation {
            mutation_type: MutationType::Modify as i32,
            state_name: "count".into(),
            state_value: Some(pb::TypedValue {
                typename: "io.statefun.types/string".into(),
                has_value: true,
                value: Bytes::new(),
            }),
        }],
        ..Default::default()
    })));
    rt.send(at(COUNTER, "a"), "x").unwrap();
    let err = rt.run_until_quiescent().await.unwrap_err();
    assert!(matches!(err, LocalError::StateTypeMismatch { .. }), "{err}");
}

/// A transport that answers every request with `body`.
struct Raw(&'static [u8]);

impl Transport for Raw {
    fn call(&self, _: &Address, _: Bytes) -> BoxFuture<'_, Result<Bytes, BoxError>> {
        let body = Bytes::from_static(self.0);
        Box::pin(async move { Ok(body) })
    }
}

/// The error a runtime whose `demo/counter` answers `transport` stops with.
async fn error_with(transport: impl Transport + 'static) -> LocalError {
    let mut rt = LocalRuntime::empty().with_transport(COUNTER, transport);
    rt.send(at(COUNTER, "a"), "x").unwrap();
    rt.run_until_quiescent().await.unwrap_err()
}

#[tokio::test]
async fn invalid_responses_and_specs_are_errors_saying_what_is_wrong() {
    use statefun_core::local::{InvalidResponse, InvalidSpec};

    let err = error_with(Raw(&[0xff])).await;
    assert!(
        matches!(&err, LocalError::InvalidResponse { error: InvalidResponse::Undecodable(_), address } if *address == at(COUNTER, "a")),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .starts_with("test/counter/a: invalid response: not a protobuf `FromFunction`"),
        "{err}"
    );

    let no_missing = FromFunction {
        response: Some(from_function::Response::IncompleteInvocationContext(
            from_function::IncompleteInvocationContext {
                missing_values: vec![],
            },
        )),
    };
    let err = error_with(Fixed(no_missing)).await;
    assert!(
        matches!(
            &err,
            LocalError::InvalidResponse {
                error: InvalidResponse::NoMissingValues,
                ..
            }
        ),
        "{err:?}"
    );

    // A function that asks for a state it was sent (here: every time) would be sent it
    // forever: the second round, which carries it, is an error naming it.
    let asks_for_seen = FromFunction {
        response: Some(from_function::Response::IncompleteInvocationContext(
            from_function::IncompleteInvocationContext {
                missing_values: vec![from_function::PersistedValueSpec {
                    state_name: "seen".into(),
                    type_typename: "io.statefun.types/int".into(),
                    ..Default::default()
                }],
            },
        )),
    };
    let err = error_with(Fixed(asks_for_seen)).await;
    assert!(
        matches!(
            &err,
            LocalError::InvalidResponse {
                error: InvalidResponse::StateAskedAgain(state),
                ..
            } if state == "seen"
        ),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "test/counter/a: invalid response: an IncompleteInvocationContext asks for state `seen`, which the request carried"
    );

    let bad_target = result(from_function::InvocationResponse {
        outgoing_messages: vec![from_function::Invocation {
            target: Some(pb::Address {
                namespace: "demo".into(),
                r#type: String::new(),
                id: "b".into(),
            }),
            argument: None,
        }],
        ..Default::default()
    });
    let err = error_with(Fixed(bad_target)).await;
    assert!(
        matches!(
            &err,
            LocalError::InvalidResponse {
                error: InvalidResponse::InvalidTarget(_),
                ..
            }
        ),
        "{err:?}"
    );

    let bad_egress = result(from_function::InvocationResponse {
        outgoing_egresses: vec![from_function::EgressMessage {
            egress_namespace: "demo".into(),
            egress_type: "a/b".into(),
            argument: None,
        }],
        ..Default::default()
    });
    let err = error_with(Fixed(bad_egress)).await;
    assert!(
        matches!(
            &err,
            LocalError::InvalidResponse {
                error: InvalidResponse::InvalidEgress(_),
                ..
            }
        ),
        "{err:?}"
    );

    let spec = |mode: i32, millis: i64, typename: &str| FromFunction {
        response: Some(from_function::Response::IncompleteInvocationContext(
            from_function::IncompleteInvocationContext {
                missing_values: vec![from_function::PersistedValueSpec {
                    state_name: "count".into(),
                    expiration_spec: Some(from_function::ExpirationSpec {
                        mode,
                        expire_after_millis: millis,
                    }),
                    type_typename: typename.into(),
                }],
            },
        )),
    };
    let err = error_with(Fixed(spec(1, 0, "io.statefun.types/int"))).await;
    assert!(
        matches!(&err, LocalError::InvalidSpec { error: InvalidSpec::ZeroExpiration, state, .. } if state == "count"),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "function test/counter declared an invalid state spec `count`: an expiration of 0 ms"
    );
    let err = error_with(Fixed(spec(0, 0, "no-slash"))).await;
    assert!(
        matches!(
            &err,
            LocalError::InvalidSpec {
                error: InvalidSpec::InvalidTypeName(_),
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn reading_state_as_another_type_is_a_state_error() {
    let mut rt = runtime();
    rt.send(at(COUNTER, "a"), "inc").unwrap();
    rt.run_until_quiescent().await.unwrap();
    let err = rt.state::<String>(&at(COUNTER, "a"), "count").unwrap_err();
    let StateError::TypeMismatch {
        state,
        expected,
        actual,
    } = &err
    else {
        panic!("expected a type mismatch, got {err:?}");
    };
    assert_eq!(
        (state.as_str(), expected.as_str(), actual.as_str()),
        ("count", "io.statefun.types/string", "io.statefun.types/int")
    );
    assert_eq!(
        rt.state::<i32>(&at(COUNTER, "a"), "count").unwrap(),
        Some(1)
    );
}

/// A report's counts, for comparing.
fn report(requests: usize, invocations: usize) -> RunReport {
    let mut report = RunReport::default();
    report.requests = requests;
    report.invocations = invocations;
    report
}

#[tokio::test]
async fn totals_count_every_run_failed_ones_included() {
    let mut rt = runtime();
    assert_eq!(rt.totals(), RunReport::default());
    rt.send(at(COUNTER, "a"), "inc").unwrap();
    rt.send(at(COUNTER, "a"), "inc").unwrap();
    let first = rt.run_until_quiescent().await.unwrap();
    assert_eq!(
        first,
        report(3, 2),
        "negotiation, then a batch of 1, then a batch of 1"
    );
    assert_eq!(rt.totals(), first);

    rt.send(at(COUNTER, "a"), "fail").unwrap();
    rt.run_until_quiescent().await.unwrap_err();
    assert_eq!(
        rt.totals(),
        report(4, 2),
        "the failed request counts; its invocation was not delivered"
    );

    rt.send(at(COUNTER, "b"), "later:t").unwrap();
    rt.run_until_quiescent().await.unwrap();
    rt.advance(Duration::from_secs(2)).await.unwrap();
    assert_eq!(
        rt.totals(),
        report(6, 4),
        "a run through `advance` counts once"
    );
}

#[tokio::test]
async fn states_lists_every_live_value_by_address_in_registration_order() {
    let mut rt = runtime();
    assert_eq!(rt.states().count(), 0);
    let later_ids = ["h", "g", "f", "e", "d"];
    for id in later_ids {
        rt.send(at(COUNTER, id), "inc").unwrap();
    }
    for (id, command) in [
        ("b", "inc"),
        ("b", "touch"),
        ("a", "touch"),
        ("a", "recent"),
        ("a", "inc"),
    ] {
        rt.send(at(COUNTER, id), command).unwrap();
    }
    // An instance that only ever failed has no value.
    rt.send(at(COUNTER, "c"), "fail").unwrap();
    rt.run_until_quiescent().await.unwrap_err();
    rt.run_until_quiescent().await.unwrap();

    let listed: Vec<(String, &str, &str, Bytes)> = rt
        .states()
        .map(|e| (e.address.to_string(), e.name, e.type_name, e.value.clone()))
        .collect();
    let int = |n: i32| statefun_core::Type::encode(&n).unwrap();
    let yes = statefun_core::Type::encode(&true).unwrap();
    let mut expected = vec![
        (
            "test/counter/a".to_owned(),
            "count",
            "io.statefun.types/int",
            int(1),
        ),
        (
            "test/counter/a".into(),
            "recent",
            "io.statefun.types/int",
            int(1),
        ),
        (
            "test/counter/a".into(),
            "touched",
            "io.statefun.types/bool",
            yes.clone(),
        ),
        (
            "test/counter/b".into(),
            "count",
            "io.statefun.types/int",
            int(1),
        ),
        (
            "test/counter/b".into(),
            "touched",
            "io.statefun.types/bool",
            yes,
        ),
    ];
    for id in later_ids.iter().rev() {
        expected.push((
            format!("test/counter/{id}"),
            "count",
            "io.statefun.types/int",
            int(1),
        ));
    }
    assert_eq!(listed, expected);

    rt.advance(Duration::from_secs(1)).await.unwrap();
    let names: Vec<String> = rt
        .states()
        .filter(|e| ["a", "b"].contains(&e.address.id()))
        .map(|e| format!("{}:{}", e.address, e.name))
        .collect();
    assert_eq!(
        names,
        ["test/counter/a:count", "test/counter/b:count"],
        "expired values are not listed"
    );
}

#[tokio::test]
async fn a_panicking_state_codec_is_an_error_not_an_unwind() {
    use statefun_test_support::fragile::{FRAGILE, FragileFunction};
    let mut runtime = LocalRuntime::new(Functions::new().with(FragileFunction));
    let x = at(FRAGILE, "x");

    // Encoding the state the function wrote panics.
    runtime.send(x.clone(), "panic-on-encode").unwrap();
    let err = runtime.run_until_quiescent().await.unwrap_err();
    let LocalError::Endpoint { address, source } = &err else {
        panic!("expected an endpoint error, got {err:?}");
    };
    assert_eq!(*address, x);
    assert_eq!(
        source.to_string(),
        "function demo/fragile (id `x`) panicked: assertion `left != right` failed: the codec panicked on encode\n  left: \"panic-on-encode\"\n right: \"panic-on-encode\""
    );

    // The state written is decoded by the next batch, which panics.
    runtime.send(x.clone(), "panic-on-decode").unwrap();
    runtime.run_until_quiescent().await.unwrap();
    runtime.send(x.clone(), "fine").unwrap();
    let err = runtime.run_until_quiescent().await.unwrap_err();
    assert!(
        err.to_string().contains("function demo/fragile (id `x`) panicked: assertion `left != right` failed: the codec panicked on decode"),
        "{err}"
    );
}

// ---------------------------------------------------------------- reports and accessors

#[tokio::test]
async fn an_expired_value_is_dropped_before_the_next_call() {
    let mut rt = runtime();
    let a = at(COUNTER, "a");
    rt.send(a.clone(), "touch").unwrap();
    rt.run_until_quiescent().await.unwrap();
    rt.advance(Duration::from_millis(1500)).await.unwrap();
    // The call comes 1.5 s after the last one: `touched` expired and is not sent, so the
    // call does not keep it alive.
    rt.send(a.clone(), "noop").unwrap();
    rt.run_until_quiescent().await.unwrap();
    assert_eq!(rt.state::<bool>(&a, "touched").unwrap(), None);
    assert_eq!(rt.states().count(), 0);
}

#[tokio::test]
async fn advance_reports_the_requests_and_invocations_of_what_it_fired() {
    let mut rt = runtime();
    rt.send(at(COUNTER, "d"), "later:x").unwrap();
    rt.send(at(COUNTER, "e"), "later:y").unwrap();
    rt.run_until_quiescent().await.unwrap();
    let report = rt.advance(Duration::from_secs(2)).await.unwrap();
    assert_eq!((report.requests, report.invocations), (2, 2));
    assert_eq!((count(&rt, "d"), count(&rt, "e")), (Some(1), Some(1)));
}

#[tokio::test]
async fn a_generic_egress_record_decodes_only_as_its_own_type() {
    let mut rt = runtime();
    rt.send(at(COUNTER, "a"), "egress").unwrap();
    rt.run_until_quiescent().await.unwrap();
    let records = rt.take_egress(&EGRESS);
    assert_eq!(records[1].decode::<i32>().unwrap().unwrap(), 0);
    assert!(records[1].decode::<String>().is_none());
    assert!(records[1].decode::<i64>().is_none());
    assert!(
        records[0].decode::<i32>().is_none(),
        "a Kafka record is not a generic value"
    );
}

#[tokio::test]
async fn debug_shows_the_clock_the_instances_and_the_pending_timers() {
    let mut rt = runtime();
    rt.send(at(COUNTER, "a"), "later:t").unwrap();
    rt.run_until_quiescent().await.unwrap();
    assert_eq!(
        format!("{rt:?}"),
        "LocalRuntime { now: 0ns, instances: 1, pending_timers: 1, .. }"
    );
    rt.advance(Duration::from_secs(3)).await.unwrap();
    assert_eq!(
        format!("{rt:?}"),
        "LocalRuntime { now: 3s, instances: 1, pending_timers: 0, .. }"
    );
}
