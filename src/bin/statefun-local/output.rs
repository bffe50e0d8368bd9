//! The output lines: egress records and state values as JSON.

use base64::Engine as _;
use serde_json::{Value as Json, json};
use statefun::{Bytes, Type, TypeName, codec, local::EgressRecord};

/// One egress record as a JSON line, with the input line that caused it: a Kafka record
/// as `topic`, `key` and its value; a Kinesis record as `stream`, `partition_key`,
/// `explicit_hash_key` and its value; any other egress message as its `typename` and
/// decoded value. Record values read as input lines do ([`bytes_json`]).
pub fn egress(line: usize, egress: &TypeName, record: EgressRecord) -> Json {
    let mut out = match record {
        EgressRecord::Kafka(r) => {
            let mut out = json!({ "topic": r.topic, "key": r.key });
            insert_bytes(&mut out, &r.value);
            out
        }
        EgressRecord::Kinesis(r) => {
            let mut out = json!({
                "stream": r.stream,
                "partition_key": r.partition_key,
                "explicit_hash_key": r.explicit_hash_key,
            });
            insert_bytes(&mut out, &r.value);
            out
        }
        EgressRecord::Value { type_name, value } => json!({
            "typename": type_name,
            "value": decode(&type_name, value),
        }),
        other => json!({ "record": format!("{other:?}") }),
    };
    out["egress"] = json!(egress.as_str());
    out["line"] = json!(line);
    out
}

/// Adds a record's value bytes under the field an input line would use: `value` when
/// they are JSON text, `text` when they are other UTF-8, `base64` otherwise. Fed back as
/// an input line, the record has the same bytes (JSON up to its formatting).
fn insert_bytes(out: &mut Json, bytes: &[u8]) {
    let (field, value) = bytes_json(bytes);
    out[field] = value;
}

/// The field and value that stand for `bytes` ([`insert_bytes`]).
pub fn bytes_json(bytes: &[u8]) -> (&'static str, Json) {
    match std::str::from_utf8(bytes) {
        Ok(text) => match serde_json::from_str::<Json>(text) {
            Ok(value) => ("value", value),
            Err(_) => ("text", Json::from(text)),
        },
        Err(_) => (
            "base64",
            Json::from(base64::engine::general_purpose::STANDARD.encode(bytes)),
        ),
    }
}

/// A value decoded as far as its typename allows: primitives as JSON scalars, JSON as
/// JSON, anything else as text, or as `{"base64": ...}` when it is not UTF-8.
pub fn decode(type_name: &str, value: Bytes) -> Json {
    let decoded = match type_name {
        "io.statefun.types/int" => i32::decode(value.clone()).map(Json::from),
        "io.statefun.types/long" => i64::decode(value.clone()).map(Json::from),
        "io.statefun.types/float" => f32::decode(value.clone()).map(Json::from),
        "io.statefun.types/double" => f64::decode(value.clone()).map(Json::from),
        "io.statefun.types/bool" => bool::decode(value.clone()).map(Json::from),
        "io.statefun.types/string" => String::decode(value.clone()).map(Json::from),
        _ => codec::json::decode::<Json>(&value),
    };
    decoded.unwrap_or_else(|_| match std::str::from_utf8(&value) {
        Ok(text) => Json::from(text),
        Err(_) => json!({ "base64": base64::engine::general_purpose::STANDARD.encode(&value) }),
    })
}
