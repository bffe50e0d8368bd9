//! The invariants every answer must satisfy.

use std::{
    collections::HashSet,
    panic,
    sync::{
        Once, OnceLock,
        atomic::{AtomicUsize, Ordering},
    },
};

use bytes::Bytes;
use prost::Message as _;
use statefun::{
    Error, Expiration, Functions, Handler, TypeName,
    proto::reqreply::{
        self as pb, FromFunction,
        from_function::{
            self, expiration_spec::ExpireMode, persisted_value_mutation::MutationType,
        },
        to_function,
    },
};

use crate::*;

/// Makes every panic but the functions' deliberate ones abort (libFuzzer's hook, which
/// this wraps, aborts on all of them; the deliberate ones are caught by the handler).
pub fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            let payload = info.payload();
            let message = payload
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| payload.downcast_ref::<&str>().copied());
            if message.is_some_and(|m| m.starts_with(USER_PANIC)) {
                return;
            }
            previous(info);
        }));
    });
}

/// Answers `body` with `handler`, with no executor but a simple one: no function here
/// waits on I/O.
pub fn answer(handler: &Handler, body: &[u8]) -> Result<Bytes, Error> {
    futures_executor::block_on(handler.handle(Bytes::copy_from_slice(body)))
}

/// A comparable form of an answer.
fn fingerprint(answer: &Result<Bytes, Error>) -> Result<Bytes, String> {
    match answer {
        Ok(bytes) => Ok(bytes.clone()),
        Err(e) => Err(e.to_string()),
    }
}

/// The fixed valid request of the independence check: a complete batch that touches every
/// state and every kind of side effect.
pub fn probe() -> &'static (Vec<u8>, Bytes) {
    static PROBE: OnceLock<(Vec<u8>, Bytes)> = OnceLock::new();
    PROBE.get_or_init(|| {
        let commands = [
            Command::Bump,
            Command::SetName("probe".into()),
            Command::SetFloats(-0.0, 1.5),
            Command::SetFlag(true),
            Command::SetProfile(Profile {
                name: "p".into(),
                visits: 3,
                tags: vec!["a".into()],
            }),
            Command::SetPing {
                from: "q".into(),
                n: -7,
            },
            Command::SetBlob(vec![0, 1, 2]),
            Command::Clear(Field::Total),
            Command::Send {
                namespace: "fuzz".into(),
                name: "sync".into(),
                id: "x".into(),
                text: "hi".into(),
            },
            Command::Reply("back".into()),
            Command::SendAfter {
                millis: 1000,
                token: Some("t".into()),
                text: "later".into(),
            },
            Command::SendAfter {
                millis: 5,
                token: None,
                text: "soon".into(),
            },
            Command::Cancel("t".into()),
            Command::Kafka {
                topic: "k".into(),
                key: Some("key".into()),
                value: vec![1],
            },
            Command::Kinesis {
                stream: "s".into(),
                partition_key: "p".into(),
                hash_key: Some("h".into()),
                value: vec![2],
            },
            Command::Egress {
                namespace: "fuzz".into(),
                name: "out".into(),
                text: "e".into(),
            },
        ];
        let request = Request {
            target: Target::Everything,
            id: "probe".into(),
            state: vec![Cell {
                name: CellName::Declared(0),
                value: Some(Val::Good(Good::Int(41))),
            }],
            complete_state: true,
            invocations: commands
                .into_iter()
                .map(|c| Invocation {
                    caller: Some(Caller::Function("caller".into())),
                    argument: Some(Val::Good(Good::Command(c))),
                })
                .collect(),
        };
        let (body, _) = request.encode();
        let fresh = Handler::new(functions());
        let golden = answer(&fresh, &body).expect("the probe is a valid request");
        check_ok(fresh.functions(), &body, &golden);
        (body, golden)
    })
}

/// Runs every invariant for one input; `expected` is the model's knowledge, if any.
pub fn check(body: &[u8], expected: Option<&Expected>) {
    install_panic_hook();
    let (probe, golden) = probe();
    let handler = shared();
    assert_eq!(
        answer(handler, probe).as_ref().ok(),
        Some(golden),
        "probe before"
    );

    let first = answer(handler, body);
    record(&first);
    match &first {
        Ok(bytes) => check_ok(handler.functions(), body, bytes),
        Err(error) => check_err(handler.functions(), body, error),
    }
    if let Some(expected) = expected {
        check_model(expected, &first);
    }
    let again = answer(handler, body);
    assert_eq!(
        fingerprint(&first),
        fingerprint(&again),
        "the same input answered differently"
    );

    assert_eq!(
        answer(handler, probe).as_ref().ok(),
        Some(golden),
        "probe after (shared)"
    );
    let fresh = Handler::new(functions());
    assert_eq!(
        answer(&fresh, probe).as_ref().ok(),
        Some(golden),
        "probe after (fresh)"
    );
}

fn check_model(expected: &Expected, answer: &Result<Bytes, Error>) {
    if !expected.registered {
        return;
    }
    if let Some(name) = &expected.duplicate {
        assert!(
            matches!(answer, Err(Error::InvalidRequest(statefun::RequestError::DuplicateState(n))) if n == name),
            "state `{name}` is sent twice: {answer:?}"
        );
        return;
    }
    match answer {
        Ok(bytes) => {
            let answer = FromFunction::decode(&bytes[..]).unwrap();
            match answer.response {
                Some(from_function::Response::IncompleteInvocationContext(incomplete)) => {
                    let names: Vec<_> = incomplete
                        .missing_values
                        .iter()
                        .map(|s| s.state_name.clone())
                        .collect();
                    assert_eq!(
                        names, expected.missing,
                        "negotiation lists exactly the missing states"
                    );
                }
                _ => assert!(
                    expected.missing.is_empty(),
                    "missing {:?} but invoked",
                    expected.missing
                ),
            }
        }
        Err(Error::InvalidRequest(statefun::RequestError::InvalidCaller { .. })) => {
            assert!(
                expected.missing.is_empty(),
                "missing state is negotiated before callers are read"
            )
        }
        Err(e) => {
            assert!(
                !e.is_bad_request(),
                "a registered target with invocations is not a bad request: {e}"
            );
            assert!(
                !matches!(e, Error::UnknownFunction { .. }),
                "the target is registered: {e}"
            );
            assert!(
                expected.missing.is_empty(),
                "missing {:?} must be negotiated, got {e}",
                expected.missing
            );
        }
    }
}

fn valid_type_name(namespace: &str, name: &str) -> bool {
    TypeName::from_parts(namespace, name).is_ok()
}

fn valid_address(address: &Option<pb::Address>) -> bool {
    address
        .as_ref()
        .is_some_and(|a| valid_type_name(&a.namespace, &a.r#type))
}

/// One `/`, non-empty namespace and name: what the runtime requires of a state's type.
fn valid_state_type(typename: &str) -> bool {
    let mut parts = typename.split('/');
    matches!((parts.next(), parts.next(), parts.next()), (Some(a), Some(b), None) if !a.is_empty() && !b.is_empty())
}

/// An `Ok` answer: a canonical `FromFunction` the runtime accepts.
pub fn check_ok(functions: &Functions, body: &[u8], bytes: &Bytes) {
    let answer = FromFunction::decode(&bytes[..]).expect("an Ok answer is a FromFunction");
    assert_eq!(
        answer.encode_to_vec(),
        &bytes[..],
        "the answer is canonical protobuf"
    );
    // As the runtime's parser reads it: known fields of another wire type skipped.
    let request = statefun_test_support::request_reference::decode(body)
        .expect("an answered request is a ToFunction");
    let Some(to_function::Request::Invocation(batch)) = request.request else {
        panic!("answered a request without an invocation");
    };
    assert!(
        !batch.invocations.is_empty(),
        "answered a batch without invocations"
    );
    let target = batch.target.expect("answered a batch without a target");
    let type_name = TypeName::from_parts(&target.namespace, &target.r#type)
        .expect("answered a batch with an invalid target");
    let specs = functions
        .specs(&type_name)
        .expect("answered an unregistered function");
    match answer.response.expect("an answer says something") {
        from_function::Response::IncompleteInvocationContext(incomplete) => {
            assert!(
                !incomplete.missing_values.is_empty(),
                "negotiation without missing values"
            );
            let mut seen = HashSet::new();
            for missing in &incomplete.missing_values {
                assert!(
                    seen.insert(&missing.state_name),
                    "{} listed twice",
                    missing.state_name
                );
                let spec = specs
                    .iter()
                    .find(|s| s.name() == missing.state_name)
                    .unwrap_or_else(|| {
                        panic!("negotiated undeclared state {}", missing.state_name)
                    });
                assert!(
                    !batch
                        .state
                        .iter()
                        .any(|c| c.state_name == missing.state_name),
                    "asked for state {} that was sent",
                    missing.state_name
                );
                assert_eq!(missing.type_typename, spec.type_name().as_str());
                assert!(
                    valid_state_type(&missing.type_typename),
                    "{}",
                    missing.type_typename
                );
                let expiration = missing.expiration_spec.unwrap_or_default();
                let (mode, ms) = match spec.expiration() {
                    Expiration::Never => (ExpireMode::None, 0),
                    Expiration::AfterCall(d) => (ExpireMode::AfterInvoke, d.as_millis() as i64),
                    Expiration::AfterWrite(d) => (ExpireMode::AfterWrite, d.as_millis() as i64),
                };
                assert_eq!(expiration.mode, mode as i32, "{}", missing.state_name);
                if mode != ExpireMode::None {
                    assert!(
                        expiration.expire_after_millis > 0,
                        "a zero TTL fails the job"
                    );
                    assert_eq!(expiration.expire_after_millis, ms);
                }
            }
        }
        from_function::Response::InvocationResult(result) => {
            let mut seen = HashSet::new();
            for mutation in &result.state_mutations {
                assert!(
                    seen.insert(&mutation.state_name),
                    "{} mutated twice",
                    mutation.state_name
                );
                let spec = specs
                    .iter()
                    .find(|s| s.name() == mutation.state_name)
                    .unwrap_or_else(|| {
                        panic!("mutation of undeclared state {}", mutation.state_name)
                    });
                match MutationType::try_from(mutation.mutation_type) {
                    Ok(MutationType::Modify) => {
                        let value = mutation.state_value.as_ref().expect("MODIFY without value");
                        assert!(value.has_value);
                        assert_eq!(
                            value.typename,
                            spec.type_name().as_str(),
                            "mutation typename"
                        );
                    }
                    Ok(MutationType::Delete) => assert!(mutation.state_value.is_none()),
                    Err(_) => panic!("unknown mutation type {}", mutation.mutation_type),
                }
            }
            for message in &result.outgoing_messages {
                assert!(
                    valid_address(&message.target),
                    "message to {:?}",
                    message.target
                );
                let argument = message.argument.as_ref().expect("message without argument");
                assert!(!argument.typename.is_empty());
            }
            for delayed in &result.delayed_invocations {
                assert!(delayed.delay_in_ms >= 0);
                if delayed.is_cancellation_request {
                    assert!(
                        !delayed.cancellation_token.is_empty(),
                        "cancellation without token"
                    );
                } else {
                    assert!(
                        valid_address(&delayed.target),
                        "delayed to {:?}",
                        delayed.target
                    );
                    assert!(delayed.argument.is_some(), "delayed without argument");
                }
            }
            for egress in &result.outgoing_egresses {
                assert!(valid_type_name(
                    &egress.egress_namespace,
                    &egress.egress_type
                ));
                assert!(egress.argument.is_some(), "egress without argument");
            }
        }
    }
}

/// An `Err` answer: a typed error that fits the request.
pub fn check_err(functions: &Functions, body: &[u8], error: &Error) {
    use std::error::Error as _;
    let text = error.to_string();
    assert!(!text.is_empty());
    let mut depth = 0;
    let mut cause = error.source();
    while let Some(c) = cause {
        let _ = c.to_string();
        depth += 1;
        assert!(depth < 16, "an error's causes loop");
        cause = c.source();
    }
    assert_eq!(
        body.is_empty(),
        matches!(error, Error::EmptyBody),
        "{error}"
    );
    let request = statefun_test_support::request_reference::decode(body);
    if let Error::MalformedRequest(_) = error {
        assert!(request.is_none(), "a decodable body reported as malformed");
        return;
    }
    if body.is_empty() {
        return;
    }
    let request = request.unwrap_or_else(|| panic!("undecodable body answered {error}"));
    let Some(to_function::Request::Invocation(batch)) = request.request else {
        assert!(
            matches!(
                error,
                Error::InvalidRequest(statefun::RequestError::MissingInvocation)
            ),
            "{error}"
        );
        return;
    };
    let registered = batch.target.as_ref().and_then(|t| {
        let type_name = TypeName::from_parts(&t.namespace, &t.r#type).ok()?;
        functions.specs(&type_name).map(|s| s.len())
    });
    match error {
        Error::UnknownFunction { .. } => {
            assert!(
                registered.is_none(),
                "a registered function reported unknown"
            );
        }
        Error::InvalidRequest(statefun::RequestError::DuplicateState(name)) => {
            let times = batch.state.iter().filter(|s| s.state_name == *name).count();
            assert!(
                times > 1,
                "state `{name}` reported twice, sent {times} times"
            );
        }
        Error::State { .. } | Error::FunctionFailed { .. } | Error::FunctionPanicked { .. } => {
            assert!(registered.is_some(), "{error} for an unregistered function");
            assert!(!batch.invocations.is_empty());
        }
        _ => {}
    }
}

/// How many seeds [`write_seed`] has written.
static SEEDS: AtomicUsize = AtomicUsize::new(0);

/// With `STATEFUN_FUZZ_SEEDS=dir`, writes the first 1000 encoded structured requests to
/// `dir`: a seed corpus for the bytes target.
pub fn write_seed(body: &[u8]) {
    static DIR: OnceLock<Option<std::path::PathBuf>> = OnceLock::new();
    let Some(dir) = DIR.get_or_init(|| std::env::var_os("STATEFUN_FUZZ_SEEDS").map(Into::into))
    else {
        return;
    };
    let n = SEEDS.fetch_add(1, Ordering::Relaxed);
    if n < 1000 {
        let _ = std::fs::write(dir.join(format!("seed-{n:04}")), body);
    }
}
