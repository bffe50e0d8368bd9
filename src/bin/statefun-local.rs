//! `statefun-local`: drive function services without a Flink cluster.
//!
//! ```text
//! statefun-local [--dump-state] MODULE_YAML < messages.jsonl
//! statefun-local --help
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
//! every egress record (`{"egress": ..., ...}`) and the line's failure, if any
//! (`{"line": 2, "error": ...}`). With `--dump-state` it then prints, at the end, every
//! state value (`{"address": "demo/greeter/alice", "state": "seen", "typename":
//! "io.statefun.types/int", "value": 1}`), so a run without egress still shows what
//! happened. Values are decoded as far as the typename allows: primitives as JSON scalars,
//! JSON as JSON, anything else as text, or as `{"hex": ...}` when it is not UTF-8.
//!
//! The last line on stderr sums the run up: lines read (blank ones included), messages
//! delivered, batches (requests sent, failed ones and state negotiation included), egress
//! records, failures.
//!
//! Exit status: 0 when every line succeeded, 1 when a line failed (or stdin or stdout did),
//! 2 on a usage error or a module.yaml that cannot be read or used.

use std::{
    io::{self, BufRead, Write},
    path::{Path, PathBuf},
    process::ExitCode,
    time::Duration,
};

use clap::{CommandFactory, Parser, error::ErrorKind};
use serde_json::{Value as Json, json};
use statefun::{
    Address, Bytes, OutgoingMessage, Type, TypeName,
    local::{EgressRecord, LocalRuntime},
    remote,
};

const FORMATS: &str = r#"Input (stdin), one JSON object per line:
  {"target": "demo/greeter/alice", "typename": "io.statefun.types/string", "value": "bob"}
      sends a message: primitive typenames take a JSON scalar, any other typename sends
      the JSON value as its bytes
  {"advance_ms": 5000}
      moves the virtual clock, firing the delayed messages that fall due

Output (stdout), one JSON object per line: after each input line, its egress records
({"egress": ...}) and its failure ({"line": N, "error": ...}); with --dump-state, at the
end, every state value ({"address": ..., "state": ..., "typename": ..., "value": ...}).
The last line on stderr sums the run up.

Exit status: 0 when every line succeeded, 1 when a line failed, 2 on a usage error or
an unusable module.yaml."#;

/// Drives StateFun function services without a Flink cluster.
///
/// Sends the messages read on stdin to the HTTP endpoints of a module.yaml, with state,
/// batching and delayed messages as the StateFun runtime would.
#[derive(Debug, Parser)]
#[command(
    name = "statefun-local",
    version,
    override_usage = "statefun-local [OPTIONS] <MODULE_YAML> < messages.jsonl",
    after_help = FORMATS
)]
struct Cli {
    /// The module.yaml whose HTTP endpoints (io.statefun.endpoints.v2/http) serve the functions
    #[arg(value_name = "MODULE_YAML")]
    module_yaml: PathBuf,
    /// At the end, print every state value of every address as JSON lines on stdout
    #[arg(long)]
    dump_state: bool,
}

/// What the command itself counted; the runtime counts messages and batches.
#[derive(Debug, Default)]
struct Counts {
    lines: usize,
    egress: usize,
    failures: usize,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut runtime = load(&cli.module_yaml)
        .unwrap_or_else(|problem| Cli::command().error(ErrorKind::Io, problem).exit());
    let mut counts = Counts::default();
    let mut out = io::stdout().lock();
    let result = run(&mut runtime, io::stdin().lock(), &mut out, &mut counts).and_then(|()| {
        if cli.dump_state {
            dump_state(&runtime, &mut out)
        } else {
            Ok(())
        }
    });
    if let Err(problem) = &result {
        eprintln!("{problem}");
    }
    let totals = runtime.totals();
    eprintln!(
        "lines read: {}, messages delivered: {}, batches: {}, egress records: {}, failures: {}",
        counts.lines, totals.invocations, totals.requests, counts.egress, counts.failures
    );
    if result.is_err() || counts.failures > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// The runtime for the module.yaml at `path`, or why there is none.
fn load(path: &Path) -> Result<LocalRuntime, String> {
    let yaml = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let endpoints =
        remote::http_endpoints(&yaml).map_err(|e| format!("{}: {e}", path.display()))?;
    // Without an endpoint every line would fail: most likely the wrong file, or one the
    // function service has not written yet.
    if endpoints.is_empty() {
        return Err(format!(
            "{}: no `io.statefun.endpoints.v2/http` endpoint, so no function to call",
            path.display()
        ));
    }
    remote::runtime_from_module_yaml(&yaml).map_err(|e| format!("{}: {e}", path.display()))
}

/// Handles every line of `input`, printing what each did on `out`; an `Err` is an I/O
/// failure that ends the run (a failed line is counted, not returned).
fn run(
    runtime: &mut LocalRuntime,
    input: impl BufRead,
    out: &mut impl Write,
    counts: &mut Counts,
) -> Result<(), String> {
    for line in input.split(b'\n') {
        // Read as bytes: a line that is not UTF-8 fails alone, the run goes on.
        let line = line.map_err(|e| format!("stdin: {e}"))?;
        counts.lines += 1;
        let result = match String::from_utf8(line) {
            Ok(line) if line.trim().is_empty() => continue,
            Ok(line) => handle_line(runtime, &line),
            Err(e) => Err(format!("not UTF-8: {}", e.utf8_error())),
        };
        let mut lines: Vec<Json> = runtime
            .take_all_egress()
            .into_iter()
            .map(|(egress, record)| egress_json(&egress, record))
            .collect();
        counts.egress += lines.len();
        if let Err(error) = result {
            counts.failures += 1;
            lines.push(json!({ "line": counts.lines, "error": error }));
        }
        for value in lines {
            writeln!(out, "{value}").map_err(|e| format!("stdout: {e}"))?;
        }
    }
    Ok(())
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
    let message = OutgoingMessage::raw(Address::new(function, id), &type_name, bytes)
        .map_err(|e| e.to_string())?;
    runtime.send_message(message);
    block_on(runtime.run_until_quiescent())
        .map(drop)
        .map_err(|e| e.to_string())
}

/// Prints every state value as a JSON line.
fn dump_state(runtime: &LocalRuntime, out: &mut impl Write) -> Result<(), String> {
    for entry in runtime.states() {
        let value = json!({
            "address": entry.address.to_string(),
            "state": entry.name,
            "typename": entry.type_name,
            "value": decode(entry.type_name, entry.value.clone()),
        });
        writeln!(out, "{value}").map_err(|e| format!("stdout: {e}"))?;
    }
    Ok(())
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
            "kafka": { "topic": r.topic, "key": r.key, "value": text_or_hex(&r.value) },
        }),
        EgressRecord::Kinesis(r) => json!({
            "egress": egress.as_str(),
            "kinesis": {
                "stream": r.stream,
                "partition_key": r.partition_key,
                "explicit_hash_key": r.explicit_hash_key,
                "value": text_or_hex(&r.value),
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
