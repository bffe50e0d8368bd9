//! Shared by the conformance tests: loads the vectors in `tests/conformance/vectors`
//! and compares `FromFunction` answers field by field, as that folder's README asks.

use std::path::{Path, PathBuf};

use prost::Message as _;
use serde_json::{Value as Json, json};
use statefun_core::proto::{
    egress::{KafkaProducerRecord, KinesisEgressRecord},
    reqreply::{self as pb, from_function},
};

/// One vector: a folder of `tests/conformance/vectors`.
pub struct Vector {
    /// The folder's name, e.g. `a-greeter`.
    pub name: String,
    /// The `ToFunction` the runtime sent (`request.bin`).
    pub request: Vec<u8>,
    /// The official Python SDK's answer (`python-response.bin`), a `FromFunction` where the
    /// status is 200.
    pub python_response: Vec<u8>,
    /// The HTTP status of the Python SDK's answer (`python-status`).
    pub python_status: u16,
}

/// The vectors' folder, `tests/conformance/vectors` at the workspace root.
pub fn vectors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/conformance/vectors")
}

/// The vector `name`, read from its folder.
///
/// # Panics
///
/// If a file of the vector is missing or its status is not a number.
pub fn vector(name: &str) -> Vector {
    let dir = vectors_dir().join(name);
    let read = |file: &str| {
        std::fs::read(dir.join(file)).unwrap_or_else(|e| panic!("{}/{file}: {e}", dir.display()))
    };
    Vector {
        name: name.to_owned(),
        request: read("request.bin"),
        python_response: read("python-response.bin"),
        python_status: String::from_utf8(read("python-status"))
            .unwrap()
            .trim()
            .parse()
            .unwrap(),
    }
}

/// The names of every vector, sorted.
pub fn all_vector_names() -> Vec<String> {
    let dir = vectors_dir();
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| {
            panic!(
                "the conformance vectors are missing: {}: {e}",
                dir.display()
            )
        })
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
}

/// Asserts that two `FromFunction` answers mean the same, printing both canonical forms
/// and the first differing line when they do not.
pub fn assert_same_answer(vector: &str, ours: &[u8], theirs: &[u8]) {
    let ours = canonical(&pb::FromFunction::decode(ours).expect("our answer decodes"));
    let theirs = canonical(&pb::FromFunction::decode(theirs).expect("the Python answer decodes"));
    if ours != theirs {
        let ours = serde_json::to_string_pretty(&ours).unwrap();
        let theirs = serde_json::to_string_pretty(&theirs).unwrap();
        let diff = ours
            .lines()
            .zip(theirs.lines())
            .enumerate()
            .find(|(_, (a, b))| a != b)
            .map(|(i, (a, b))| {
                format!(
                    "first difference at line {}:\n  ours:   {a}\n  python: {b}",
                    i + 1
                )
            })
            .unwrap_or_else(|| "one answer is a prefix of the other".into());
        panic!(
            "vector {vector}: answers differ\n{diff}\n--- ours ---\n{ours}\n--- python ---\n{theirs}"
        );
    }
}

/// A canonical form: unordered parts sorted, values decoded by typename, absent
/// expiration equal to NONE/0.
pub fn canonical(answer: &pb::FromFunction) -> Json {
    match &answer.response {
        None => json!({ "empty": true }),
        Some(from_function::Response::IncompleteInvocationContext(ctx)) => {
            let mut missing: Vec<Json> = ctx
                .missing_values
                .iter()
                .map(|spec| {
                    let exp = spec.expiration_spec.unwrap_or_default();
                    json!({
                        "state_name": spec.state_name,
                        "type_typename": spec.type_typename,
                        "mode": exp.mode,
                        "expire_after_millis": exp.expire_after_millis,
                    })
                })
                .collect();
            missing.sort_by_key(|m| m["state_name"].as_str().unwrap().to_owned());
            json!({ "missing_values": missing })
        }
        Some(from_function::Response::InvocationResult(result)) => {
            let mut mutations: Vec<Json> = result
                .state_mutations
                .iter()
                .map(|m| {
                    json!({
                        "state_name": m.state_name,
                        "mutation_type": m.mutation_type,
                        "value": m.state_value.as_ref().map(typed_value),
                    })
                })
                .collect();
            mutations.sort_by_key(|m| m["state_name"].as_str().unwrap().to_owned());
            json!({
                "state_mutations": mutations,
                "outgoing_messages": result.outgoing_messages.iter().map(|m| json!({
                    "target": m.target.as_ref().map(address),
                    "argument": m.argument.as_ref().map(typed_value),
                })).collect::<Vec<_>>(),
                "delayed_invocations": result.delayed_invocations.iter().map(|d| json!({
                    "is_cancellation_request": d.is_cancellation_request,
                    "cancellation_token": d.cancellation_token,
                    "delay_in_ms": d.delay_in_ms,
                    "target": d.target.as_ref().map(address),
                    "argument": d.argument.as_ref().map(typed_value),
                })).collect::<Vec<_>>(),
                "outgoing_egresses": result.outgoing_egresses.iter().map(|e| json!({
                    "egress": format!("{}/{}", e.egress_namespace, e.egress_type),
                    "argument": e.argument.as_ref().map(typed_value),
                })).collect::<Vec<_>>(),
            })
        }
    }
}

fn address(a: &pb::Address) -> Json {
    json!(format!("{}/{}/{}", a.namespace, a.r#type, a.id))
}

fn typed_value(v: &pb::TypedValue) -> Json {
    fn dec<T: statefun_core::Type>(bytes: statefun_core::Bytes) -> T {
        T::decode(bytes).expect("a valid primitive value")
    }
    let bytes = v.value.clone();
    let decoded = match v.typename.as_str() {
        "io.statefun.types/int" => json!({ "int": dec::<i32>(bytes) }),
        "io.statefun.types/long" => json!({ "long": dec::<i64>(bytes) }),
        "io.statefun.types/bool" => json!({ "bool": dec::<bool>(bytes) }),
        "io.statefun.types/string" => json!({ "string": dec::<String>(bytes) }),
        "io.statefun.types/float" => json!({ "float_bits": dec::<f32>(bytes).to_bits() }),
        "io.statefun.types/double" => json!({ "double_bits": dec::<f64>(bytes).to_bits() }),
        "type.googleapis.com/io.statefun.sdk.egress.KafkaProducerRecord" => {
            let r = KafkaProducerRecord::decode(bytes).unwrap();
            json!({ "kafka": { "topic": r.topic, "key": r.key, "value": hex(&r.value_bytes) } })
        }
        "type.googleapis.com/io.statefun.sdk.egress.KinesisEgressRecord" => {
            let r = KinesisEgressRecord::decode(bytes).unwrap();
            json!({ "kinesis": {
                "stream": r.stream, "partition_key": r.partition_key,
                "explicit_hash_key": r.explicit_hash_key, "value": hex(&r.value_bytes),
            } })
        }
        _ => match serde_json::from_slice::<Json>(&bytes) {
            Ok(parsed) if !bytes.is_empty() => json!({ "json": parsed }),
            _ => json!({ "len": bytes.len(), "fnv1a": fnv1a(&bytes) }),
        },
    };
    json!({ "typename": v.typename, "has_value": v.has_value, "value": decoded })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn fnv1a(bytes: &[u8]) -> String {
    let mut hash: u64 = 0xcbf29ce484222325;
    for b in bytes {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x100000001b3);
    }
    format!("{hash:016x}")
}
