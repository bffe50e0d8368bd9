//! Where the real runtime would fail the job, the local runtime ends the run with an error that says why: loops, failing functions, unknown targets, invalid responses and specs.

use super::*;

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
