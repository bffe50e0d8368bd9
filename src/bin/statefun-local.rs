//! `statefun-local`: drive function services without a Flink cluster.
//!
//! ```text
//! statefun-local module.yaml < messages.jsonl
//! ```
//!
//! Reads the `io.statefun.endpoints.v2/http` endpoints of `module.yaml`, then one JSON
//! object per line on stdin:
//!
//! - `{"target": "demo/greeter/alice", "typename": "io.statefun.types/string", "value": "bob"}`
//!   sends a message (primitive typenames take a JSON scalar; any other typename sends the
//!   JSON value as its bytes, for JSON types);
//! - `{"advance_ms": 5000}` moves the virtual clock, firing delayed messages.
//!
//! After each line it runs until quiescent and prints, one JSON object per line on stdout,
//! every egress record (`{"egress": ..., ...}`) and every failure (`{"error": ...}`).

use std::{
    io::{self, BufRead, Write},
    process::ExitCode,
    time::Duration,
};

use serde_json::{Value as Json, json};
use statefun::{
    Address, Bytes, OutgoingMessage, Type, TypeName,
    local::{EgressRecord, LocalRuntime},
    remote,
};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let (Some(path), None) = (args.next(), args.next()) else {
        eprintln!("usage: statefun-local MODULE_YAML < messages.jsonl");
        return ExitCode::from(2);
    };
    let runtime = std::fs::read_to_string(&path)
        .map_err(|e| format!("{path}: {e}"))
        .and_then(|yaml| {
            remote::runtime_from_module_yaml(&yaml).map_err(|e| format!("{path}: {e}"))
        });
    let mut runtime = match runtime {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let mut out = io::stdout().lock();
    for (number, line) in io::stdin().lock().lines().enumerate() {
        let line = match line {
            Ok(line) => line,
            Err(e) => {
                eprintln!("stdin: {e}");
                return ExitCode::FAILURE;
            }
        };
        if line.trim().is_empty() {
            continue;
        }
        let result = handle_line(&mut runtime, &line);
        let mut lines: Vec<Json> = runtime
            .take_all_egress()
            .into_iter()
            .map(|(egress, record)| egress_json(&egress, record))
            .collect();
        if let Err(error) = result {
            lines.push(json!({ "line": number + 1, "error": error }));
        }
        for value in lines {
            if writeln!(out, "{value}").is_err() {
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
}

fn handle_line(runtime: &mut LocalRuntime, line: &str) -> Result<(), String> {
    let input: Json = serde_json::from_str(line).map_err(|e| format!("not JSON: {e}"))?;
    if let Some(ms) = input.get("advance_ms") {
        let ms = ms.as_u64().ok_or("`advance_ms` must be a whole number")?;
        return block_on(runtime.advance(Duration::from_millis(ms)))
            .map(drop)
            .map_err(|e| e.to_string());
    }
    let target = input["target"]
        .as_str()
        .ok_or("expected `target` (\"namespace/name/id\") or `advance_ms`")?;
    let (function, id) = target
        .rsplit_once('/')
        .ok_or("`target` must be \"namespace/name/id\"")?;
    let function: TypeName = function.parse().map_err(|e| format!("`target`: {e}"))?;
    let type_name: TypeName = input["typename"]
        .as_str()
        .ok_or("expected `typename`")?
        .parse()
        .map_err(|e| format!("`typename`: {e}"))?;
    let bytes = encode(&type_name, &input["value"])?;
    runtime.send_message(OutgoingMessage::raw(
        Address::new(function, id),
        &type_name,
        bytes,
    ));
    block_on(runtime.run_until_quiescent())
        .map(drop)
        .map_err(|e| e.to_string())
}

fn encode(type_name: &TypeName, value: &Json) -> Result<Bytes, String> {
    let wrong = || format!("`value` is not a valid `{type_name}`");
    let encoded = match type_name.as_str() {
        "io.statefun.types/int" => i32::try_from(value.as_i64().ok_or_else(wrong)?)
            .map_err(|_| wrong())?
            .encode(),
        "io.statefun.types/long" => value.as_i64().ok_or_else(wrong)?.encode(),
        "io.statefun.types/float" => (value.as_f64().ok_or_else(wrong)? as f32).encode(),
        "io.statefun.types/double" => value.as_f64().ok_or_else(wrong)?.encode(),
        "io.statefun.types/bool" => value.as_bool().ok_or_else(wrong)?.encode(),
        "io.statefun.types/string" => value.as_str().ok_or_else(wrong)?.to_owned().encode(),
        _ => statefun::codec::json::encode(value),
    };
    encoded.map_err(|e| e.to_string())
}

fn egress_json(egress: &TypeName, record: EgressRecord) -> Json {
    match record {
        EgressRecord::Kafka(r) => json!({
            "egress": egress.as_str(),
            "kafka": { "topic": r.topic, "key": r.key, "value": text_or_hex(&r.value_bytes) },
        }),
        EgressRecord::Kinesis(r) => json!({
            "egress": egress.as_str(),
            "kinesis": {
                "stream": r.stream,
                "partition_key": r.partition_key,
                "explicit_hash_key": r.explicit_hash_key,
                "value": text_or_hex(&r.value_bytes),
            },
        }),
        EgressRecord::Value { type_name, value } => json!({
            "egress": egress.as_str(),
            "typename": type_name,
            "value": decode(&type_name, value),
        }),
        other => json!({ "egress": egress.as_str(), "record": format!("{other:?}") }),
    }
}

fn decode(type_name: &str, value: Bytes) -> Json {
    let decoded = match type_name {
        "io.statefun.types/int" => i32::decode(value.clone()).map(Json::from),
        "io.statefun.types/long" => i64::decode(value.clone()).map(Json::from),
        "io.statefun.types/float" => f32::decode(value.clone()).map(Json::from),
        "io.statefun.types/double" => f64::decode(value.clone()).map(Json::from),
        "io.statefun.types/bool" => bool::decode(value.clone()).map(Json::from),
        "io.statefun.types/string" => String::decode(value.clone()).map(Json::from),
        _ => statefun::codec::json::decode::<Json>(&value),
    };
    decoded.unwrap_or_else(|_| text_or_hex(&value))
}

fn text_or_hex(bytes: &[u8]) -> Json {
    match std::str::from_utf8(bytes) {
        Ok(text) => Json::from(text),
        Err(_) => json!({ "hex": bytes.iter().map(|b| format!("{b:02x}")).collect::<String>() }),
    }
}

/// The local runtime's futures only wait on HTTP calls answered by another thread, so a
/// minimal executor that parks the current thread suffices.
fn block_on<F: std::future::Future>(future: F) -> F::Output {
    futures_executor::block_on(future)
}
