//! Egress records as one line of text each, exactly as the Java driver renders them
//! (`tests/e2e/harness/.../Render.java`), so that the local runtime's egress can be compared
//! with `tests/e2e/expected/features.txt` line for line.

use prost::Message as _;
use serde_json::Value as Json;
use statefun::{Bytes, TypeName, local::EgressRecord};

use crate::messages::{GREETING, Greeting, REPORTED, Reported};

const KAFKA_RECORD: &str = "type.googleapis.com/io.statefun.sdk.egress.KafkaProducerRecord";
const KINESIS_RECORD: &str = "type.googleapis.com/io.statefun.sdk.egress.KinesisEgressRecord";

/// `<egress> <typename> <decoded value>`
pub fn line(egress: &TypeName, record: &EgressRecord) -> String {
    let body = match record {
        EgressRecord::Kafka(r) => format!(
            "{KAFKA_RECORD} topic={} key={} value={}",
            r.topic,
            r.key,
            text(&r.value)
        ),
        EgressRecord::Kinesis(r) => format!(
            "{KINESIS_RECORD} stream={} partition_key={} explicit_hash_key={} value={}",
            r.stream,
            r.partition_key,
            r.explicit_hash_key,
            text(&r.value)
        ),
        EgressRecord::Value { type_name, value } => {
            format!("{type_name} {}", value_text(record, type_name, value))
        }
        other => panic!("an egress record this suite does not know: {other:?}"),
    };
    format!("{egress} {body}")
}

fn value_text(record: &EgressRecord, type_name: &str, value: &Bytes) -> String {
    fn decoded<T: statefun::Type + ToString>(record: &EgressRecord) -> String {
        match record.decode::<T>() {
            Some(Ok(v)) => v.to_string(),
            Some(Err(e)) => format!("<undecodable: {e}>"),
            None => "<not this type>".to_owned(),
        }
    }
    match type_name {
        "io.statefun.types/string" => decoded::<String>(record),
        "io.statefun.types/long" => decoded::<i64>(record),
        "io.statefun.types/int" => decoded::<i32>(record),
        "io.statefun.types/bool" => decoded::<bool>(record),
        REPORTED => {
            let r = Reported::decode(value.clone()).expect("a Reported");
            format!(
                "id={} expected={} actual={} round={}",
                r.id, r.expected, r.actual, r.round
            )
        }
        GREETING => {
            // protobuf's TextFormat.shortDebugString: set fields in field order.
            let g = Greeting::decode(value.clone()).expect("a Greeting");
            let mut fields = Vec::new();
            if !g.name.is_empty() {
                fields.push(format!("name: {}", quoted(&g.name)));
            }
            if !g.text.is_empty() {
                fields.push(format!("text: {}", quoted(&g.text)));
            }
            if g.visits != 0 {
                fields.push(format!("visits: {}", g.visits));
            }
            format!("{{{}}}", fields.join(" "))
        }
        _ => text(value),
    }
}

/// A string as protobuf's text format quotes it (the suite's strings are plain ASCII).
fn quoted(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// JSON canonicalised (keys sorted, compact), other UTF-8 as is, anything else as hex.
fn text(bytes: &[u8]) -> String {
    let Ok(s) = std::str::from_utf8(bytes) else {
        return format!("hex:{}", hex(bytes));
    };
    let trimmed = s.trim();
    if (trimmed.starts_with('{') || trimmed.starts_with('['))
        && let Ok(json) = serde_json::from_str::<Json>(trimmed)
    {
        return canonical(&json);
    }
    if s.chars().any(char::is_control) {
        return format!("hex:{}", hex(bytes));
    }
    s.to_owned()
}

fn canonical(json: &Json) -> String {
    match json {
        Json::Object(map) => {
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            let inner: Vec<String> = entries
                .into_iter()
                .map(|(k, v)| format!("{}:{}", Json::String(k.clone()), canonical(v)))
                .collect();
            format!("{{{}}}", inner.join(","))
        }
        Json::Array(items) => {
            let inner: Vec<String> = items.iter().map(canonical).collect();
            format!("[{}]", inner.join(","))
        }
        other => other.to_string(),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
