//! Request bodies for the benchmarks, built with prost, shaped like the conformance
//! vectors (`a-greeter` is `greeter(1)` byte for byte, `b-greeter-batch100` is
//! `greeter(100)`).

use prost::Message as _;
use statefun::{
    Bytes,
    proto::reqreply::{self as pb, ToFunction, to_function},
};

/// `seen` as the requests carry it.
pub const SEEN: i32 = 41;

fn address(namespace: &str, name: &str, id: &str) -> pb::Address {
    pb::Address {
        namespace: namespace.to_owned(),
        r#type: name.to_owned(),
        id: id.to_owned(),
    }
}

fn typed(typename: &str, value: Bytes) -> pb::TypedValue {
    pb::TypedValue {
        typename: typename.to_owned(),
        has_value: true,
        value,
    }
}

/// `io.statefun.types/int` bytes.
pub fn int(value: i32) -> Bytes {
    let mut out = vec![0x0d];
    out.extend_from_slice(&value.to_le_bytes());
    out.into()
}

/// `io.statefun.types/string` bytes (for strings shorter than 128 bytes).
fn string(value: &str) -> Bytes {
    assert!(value.len() < 128);
    let mut out = vec![0x0a, value.len() as u8];
    out.extend_from_slice(value.as_bytes());
    out.into()
}

fn body(invocation: to_function::InvocationBatchRequest) -> Bytes {
    ToFunction {
        request: Some(to_function::Request::Invocation(invocation)),
    }
    .encode_to_vec()
    .into()
}

/// `demo/greeter/alice` with `seen = 41` and `batch` string arguments (`alice` for a
/// batch of one, `name-<i>` otherwise).
pub fn greeter(batch: usize) -> Bytes {
    let invocations = (0..batch)
        .map(|i| to_function::Invocation {
            caller: None,
            argument: Some(typed(
                "io.statefun.types/string",
                if batch == 1 {
                    string("alice")
                } else {
                    string(&format!("name-{i}"))
                },
            )),
        })
        .collect();
    body(to_function::InvocationBatchRequest {
        target: Some(address("demo", "greeter", "alice")),
        state: vec![to_function::PersistedValue {
            state_name: "seen".to_owned(),
            state_value: Some(typed("io.statefun.types/int", int(SEEN))),
        }],
        invocations,
    })
}

/// `demo/reader/alice` with a `blob` state of `size` bytes, `seen = 41`, and one
/// `demo/bytes` argument of `size` bytes.
pub fn reader(size: usize) -> Bytes {
    let blob: Bytes = (0..size)
        .map(|i| (i % 251) as u8)
        .collect::<Vec<_>>()
        .into();
    body(to_function::InvocationBatchRequest {
        target: Some(address("demo", "reader", "alice")),
        state: vec![
            to_function::PersistedValue {
                state_name: "blob".to_owned(),
                state_value: Some(typed("demo/bytes", blob.clone())),
            },
            to_function::PersistedValue {
                state_name: "seen".to_owned(),
                state_value: Some(typed("io.statefun.types/int", int(SEEN))),
            },
        ],
        invocations: vec![to_function::Invocation {
            caller: None,
            argument: Some(typed("demo/bytes", blob)),
        }],
    })
}

/// The `seen` MODIFY value in a `FromFunction`, if it is an invocation result with exactly
/// that one mutation and no other effect.
pub fn answered_seen(answer: &[u8]) -> Result<i32, String> {
    use pb::from_function::{Response, persisted_value_mutation::MutationType};
    let answer =
        pb::FromFunction::decode(answer).map_err(|e| format!("not a FromFunction: {e}"))?;
    let Some(Response::InvocationResult(result)) = answer.response else {
        return Err(format!("not an invocation result: {answer:?}"));
    };
    if !result.outgoing_messages.is_empty()
        || !result.delayed_invocations.is_empty()
        || !result.outgoing_egresses.is_empty()
    {
        return Err(format!("unexpected side effects: {result:?}"));
    }
    let [mutation] = &result.state_mutations[..] else {
        return Err(format!("expected one mutation: {result:?}"));
    };
    let value = mutation
        .state_value
        .as_ref()
        .ok_or("MODIFY without a value")?;
    if mutation.state_name != "seen"
        || mutation.mutation_type != MutationType::Modify as i32
        || value.typename != "io.statefun.types/int"
        || !value.has_value
    {
        return Err(format!("not a MODIFY of seen (int): {mutation:?}"));
    }
    match value.value[..] {
        [] => Ok(0),
        [0x0d, a, b, c, d] => Ok(i32::from_le_bytes([a, b, c, d])),
        _ => Err(format!("not an io.statefun.types/int: {:?}", value.value)),
    }
}

/// The limit: the same greeter written with prost alone. Decode the `ToFunction`, decode
/// the `seen` state (`IntWrapper`) and every string argument (`StringWrapper`) with prost,
/// count, and encode the same `FromFunction` (one MODIFY of `seen`). Raw `demo/bytes`
/// arguments are only looked at (their length), as the reader does.
pub fn prost_alone(body: &Bytes) -> Bytes {
    use pb::from_function::{
        InvocationResponse, PersistedValueMutation, Response,
        persisted_value_mutation::MutationType,
    };
    use statefun::proto::types::{IntWrapper, StringWrapper};
    let request = pb::ToFunction::decode(body.clone()).expect("a ToFunction");
    let Some(to_function::Request::Invocation(batch)) = request.request else {
        panic!("not an invocation batch");
    };
    let mut seen = batch
        .state
        .iter()
        .find(|s| s.state_name == "seen")
        .and_then(|s| s.state_value.as_ref())
        .map_or(0, |v| {
            IntWrapper::decode(v.value.clone()).expect("an int").value
        });
    for invocation in &batch.invocations {
        let argument = invocation.argument.as_ref().expect("an argument");
        if argument.typename == "io.statefun.types/string" {
            let name = StringWrapper::decode(argument.value.clone()).expect("a string");
            std::hint::black_box(name);
        } else {
            std::hint::black_box(argument.value.len());
        }
        seen += 1;
    }
    pb::FromFunction {
        response: Some(Response::InvocationResult(InvocationResponse {
            state_mutations: vec![PersistedValueMutation {
                mutation_type: MutationType::Modify as i32,
                state_name: "seen".to_owned(),
                state_value: Some(pb::TypedValue {
                    typename: "io.statefun.types/int".to_owned(),
                    has_value: true,
                    value: IntWrapper { value: seen }.encode_to_vec().into(),
                }),
            }],
            ..Default::default()
        })),
    }
    .encode_to_vec()
    .into()
}
