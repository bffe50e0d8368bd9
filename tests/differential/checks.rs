//! The checks a row of the table names: predicates on the request, written independently of
//! the SDK, that confirm the row's reason applies to this difference. A row without a check
//! would accept every difference with its pair of answers, whatever caused it.

use prost::encoding::WireType;
use serde_json::Value as Json;
use statefun::proto::{
    reqreply::{self as pb, to_function},
    types as wrappers,
};
use statefun_test_support::wrapper_reference;

use crate::table::Case;

pub type Check = fn(&Case<'_>) -> bool;

pub static CHECKS: &[(&str, Check)] = &[
    ("request-at-fault", request_at_fault),
    ("target-not-registered", target_not_registered),
    ("target-id-empty", target_id_empty),
    ("argument-of-another-type", argument_of_another_type),
    ("argument-without-value", argument_without_value),
    ("state-never-read-by-python", state_never_read_by_python),
    ("json-of-another-shape", json_of_another_shape),
    ("json-with-undeclared-keys", json_with_undeclared_keys),
    (
        "value-refused-by-the-reference",
        value_refused_by_the_reference,
    ),
    ("key-beyond-32-bits", key_beyond_32_bits),
];

/// The functions of both sides, and what each reads: the type it reads its argument as (if
/// it reads it) and the states the Python function reads (`storage.x` as a value; a delete
/// or a plain write reads nothing).
const FUNCTIONS: &[(&str, Option<&str>, &[&str])] = &[
    ("demo/greeter", Some("io.statefun.types/string"), &["seen"]),
    ("demo/effects", None, &["seen"]),
    ("demo/blob", Some("io.statefun.types/string"), &["blob"]),
    ("demo/json", Some("demo/Visit"), &["profile"]),
    ("demo/ttl", None, &[]),
];

fn batch(case: &Case<'_>) -> Option<to_function::InvocationBatchRequest> {
    // The request as the runtime's parser reads it: known fields of another wire type skipped.
    match statefun_test_support::request_reference::decode(case.request)?.request? {
        to_function::Request::Invocation(batch) => Some(batch),
    }
}

/// The registered function the request is for.
fn function(
    batch: &to_function::InvocationBatchRequest,
) -> Option<(Option<&'static str>, &'static [&'static str])> {
    let target = batch.target.as_ref()?;
    let type_name = format!("{}/{}", target.namespace, target.r#type);
    FUNCTIONS
        .iter()
        .find(|(name, ..)| *name == type_name)
        .map(|(_, argument, reads)| (*argument, *reads))
}

/// `namespace/name` with both parts non-empty and no other `/`.
fn valid_type_name(namespace: &str, name: &str) -> bool {
    !namespace.is_empty() && !name.is_empty() && !namespace.contains('/') && !name.contains('/')
}

fn all_empty(a: &pb::Address) -> bool {
    a.namespace.is_empty() && a.r#type.is_empty() && a.id.is_empty()
}

/// The request has the fault our 400 names.
fn request_at_fault(case: &Case<'_>) -> bool {
    let kind = case.ours.kind.as_str();
    match kind {
        "EmptyBody" => return case.request.is_empty(),
        "MalformedRequest" => {
            return statefun_test_support::request_reference::decode(case.request).is_none();
        }
        "InvalidRequest/MissingInvocation" => {
            return statefun_test_support::request_reference::decode(case.request)
                .is_some_and(|r| r.request.is_none());
        }
        _ => {}
    }
    let Some(batch) = batch(case) else {
        return false;
    };
    match kind {
        "InvalidRequest/MissingTarget" => batch.target.as_ref().is_none_or(all_empty),
        "InvalidRequest/InvalidTarget" => batch
            .target
            .as_ref()
            .is_some_and(|t| !all_empty(t) && !valid_type_name(&t.namespace, &t.r#type)),
        "InvalidRequest/NoInvocations" => batch.invocations.is_empty(),
        "InvalidRequest/DuplicateState" => batch.state.iter().enumerate().any(|(i, s)| {
            batch.state[..i]
                .iter()
                .any(|e| e.state_name == s.state_name)
        }),
        "InvalidRequest/InvalidCaller" => batch.invocations.iter().any(|i| {
            i.caller
                .as_ref()
                .is_some_and(|c| !all_empty(c) && !valid_type_name(&c.namespace, &c.r#type))
        }),
        _ => false,
    }
}

/// The target is a valid typename that no function is registered under.
fn target_not_registered(case: &Case<'_>) -> bool {
    batch(case).is_some_and(|b| {
        b.target
            .as_ref()
            .is_some_and(|t| valid_type_name(&t.namespace, &t.r#type))
            && function(&b).is_none()
    })
}

/// The request is for a registered function, at an empty id.
fn target_id_empty(case: &Case<'_>) -> bool {
    batch(case).is_some_and(|b| {
        function(&b).is_some() && b.target.as_ref().is_some_and(|t| t.id.is_empty())
    })
}

/// The function reads its argument as a type, and an argument has another typename (an
/// absent argument has none).
fn argument_of_another_type(case: &Case<'_>) -> bool {
    batch(case).is_some_and(|b| {
        let Some((Some(reads), _)) = function(&b) else {
            return false;
        };
        b.invocations
            .iter()
            .any(|i| i.argument.as_ref().is_none_or(|a| a.typename != reads))
    })
}

/// The function reads its argument, and an argument of that type has no value.
fn argument_without_value(case: &Case<'_>) -> bool {
    batch(case).is_some_and(|b| {
        let Some((Some(reads), _)) = function(&b) else {
            return false;
        };
        b.invocations.iter().any(|i| {
            i.argument
                .as_ref()
                .is_some_and(|a| a.typename == reads && !a.has_value)
        })
    })
}

/// The state our error names (`state `x``) is one the Python function never reads.
fn state_never_read_by_python(case: &Case<'_>) -> bool {
    let Some(state) = named_state(&case.ours.detail) else {
        return false;
    };
    batch(case).is_some_and(|b| function(&b).is_some_and(|(_, reads)| !reads.contains(&state)))
}

fn named_state(detail: &str) -> Option<&str> {
    let start = detail.find("state `")? + "state `".len();
    let len = detail[start..].find('`')?;
    Some(&detail[start..start + len])
}

/// A JSON value of the request parses as JSON, as Python's `json.loads` needs, but is not of
/// the shape the Rust type declares (an object with these keys, of these JSON types), or is
/// one Python's `storage.profile or {...}` takes for no value (a falsy document).
fn json_of_another_shape(case: &Case<'_>) -> bool {
    if !case.ours.detail.contains("JSON codec") {
        return false;
    }
    json_values(case).iter().any(|(typename, bytes)| {
        serde_json::from_slice::<Json>(bytes).is_ok_and(|document| !has_shape(typename, &document))
    })
}

/// Every JSON value in the request: arguments and state values of the vectors' JSON types.
fn json_values(case: &Case<'_>) -> Vec<(String, Vec<u8>)> {
    let Some(b) = batch(case) else {
        return vec![];
    };
    b.invocations
        .iter()
        .filter_map(|i| i.argument.as_ref())
        .chain(b.state.iter().filter_map(|s| s.state_value.as_ref()))
        .filter(|v| v.has_value && matches!(v.typename.as_str(), "demo/Visit" | "demo/Profile"))
        .map(|v| (v.typename.clone(), v.value.to_vec()))
        .collect()
}

fn has_shape(typename: &str, document: &Json) -> bool {
    let Some(object) = document.as_object() else {
        return false;
    };
    let string = |key: &str| object.get(key).is_some_and(Json::is_string);
    let unsigned = |key: &str, max: u64| {
        object
            .get(key)
            .and_then(Json::as_u64)
            .is_some_and(|n| n <= max)
    };
    let strings = |key: &str| {
        object
            .get(key)
            .and_then(Json::as_array)
            .is_some_and(|items| items.iter().all(Json::is_string))
    };
    match typename {
        "demo/Visit" => string("page") && unsigned("ms", u64::MAX),
        _ => {
            string("name")
                && unsigned("visits", u64::from(u32::MAX))
                && strings("pages")
                && strings("tags")
                && object
                    .get("last_ms")
                    .is_none_or(|v| v.is_null() || v.as_u64().is_some())
        }
    }
}

/// Both answered, and they differ only in keys of a `demo/Profile` state that the Rust type
/// does not declare: Python keeps them (a dict), the typed struct drops them.
fn json_with_undeclared_keys(case: &Case<'_>) -> bool {
    const DECLARED: &[&str] = &["name", "visits", "pages", "tags", "last_ms"];
    let (Some(python), Some(ours)) = (&case.python.answer, &case.ours.answer) else {
        return false;
    };
    let mut python = python.clone();
    let mut dropped = false;
    if let Some(mutations) = python
        .get_mut("state_mutations")
        .and_then(Json::as_array_mut)
    {
        for mutation in mutations {
            let Some(value) = mutation.pointer_mut("/value") else {
                continue;
            };
            if value.get("typename").and_then(Json::as_str) != Some("demo/Profile") {
                continue;
            }
            if let Some(object) = value
                .pointer_mut("/value/json")
                .and_then(Json::as_object_mut)
            {
                let before = object.len();
                object.retain(|key, _| DECLARED.contains(&key.as_str()));
                dropped |= object.len() < before;
            }
        }
    }
    dropped && python == *ours
}

/// The value our error could not decode is refused by the reference decoding too
/// (`statefun_test_support::wrapper_reference`: prost's, and protobuf-java's, reading of the
/// wrapper message), which Python's pure-Python parser accepts.
fn value_refused_by_the_reference(case: &Case<'_>) -> bool {
    let Some(b) = batch(case) else {
        return false;
    };
    let values: Vec<&pb::TypedValue> = match named_state(&case.ours.detail) {
        Some(state) => b
            .state
            .iter()
            .filter(|s| s.state_name == state)
            .filter_map(|s| s.state_value.as_ref())
            .collect(),
        None => b
            .invocations
            .iter()
            .filter_map(|i| i.argument.as_ref())
            .collect(),
    };
    values
        .iter()
        .any(|v| v.has_value && refused_by_reference(&v.typename, &v.value))
}

fn refused_by_reference(typename: &str, bytes: &[u8]) -> bool {
    use wrapper_reference::decode;
    match typename {
        "io.statefun.types/int" => {
            decode::<wrappers::IntWrapper>(bytes, WireType::ThirtyTwoBit).is_none()
        }
        "io.statefun.types/long" => {
            decode::<wrappers::LongWrapper>(bytes, WireType::SixtyFourBit).is_none()
        }
        "io.statefun.types/float" => {
            decode::<wrappers::FloatWrapper>(bytes, WireType::ThirtyTwoBit).is_none()
        }
        "io.statefun.types/double" => {
            decode::<wrappers::DoubleWrapper>(bytes, WireType::SixtyFourBit).is_none()
        }
        "io.statefun.types/bool" => {
            decode::<wrappers::BooleanWrapper>(bytes, WireType::Varint).is_none()
        }
        "io.statefun.types/string" => {
            decode::<wrappers::StringWrapper>(bytes, WireType::LengthDelimited).is_none()
        }
        _ => false,
    }
}

/// A protocol message of the request holds a key beyond 32 bits.
fn key_beyond_32_bits(case: &Case<'_>) -> bool {
    statefun_test_support::request_reference::has_key_beyond_32_bits(case.request)
}
