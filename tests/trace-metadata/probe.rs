//! The experiment of `tests/trace-metadata/` (docs/conformance.md, "An extra field in
//! TypedValue through the runtime"): does a `TypedValue` field the StateFun 3.3.0 runtime does
//! not know (field 4, `repeated Metadata metadata`, the layout of the kzmlabs fork) come back
//! unchanged in the target's invocation argument, for immediate and delayed messages, across a
//! restore from a checkpoint, and in state values?
//!
//! A function service of its own, answering with hand-built prost messages (this SDK cannot
//! write field 4 on its own), served on `127.0.0.1:$PORT` at `/statefun`:
//!
//! - `probe/a`, the ingress's target. A record `send` makes it send one immediate message to
//!   `probe/b` `<id>-now` and one delayed message (1.5 s) to `probe/b` `<id>-later`, each
//!   argument carrying [`sent_metadata`], and write its state `seen` with a value that carries
//!   one metadata entry too. A record `check` makes it report the state value it was sent.
//! - `probe/b` reports the argument it was sent, field 4 and all.
//!
//! Reports are JSON records on the Kafka topic `probe-out`, keyed by the reporting instance's
//! id, through the exactly-once egress `probe/out`. `expected.jsonl` holds the finding: field 4
//! arrives unchanged in every message's argument, and is gone from the state value the runtime
//! sends back (it keeps a state value's typename and bytes only).
//! `cargo run --example trace_metadata_probe -- --expected p1 p2` prints those lines for the
//! ids given.

use std::io::Write as _;

use actix_web::{App, HttpResponse, HttpServer, web};
use base64::Engine as _;
use prost::Message as _;

/// `TypedValue` with the fork's field 4.
#[derive(Clone, PartialEq, prost::Message)]
struct TypedValue {
    #[prost(string, tag = "1")]
    typename: String,
    #[prost(bool, tag = "2")]
    has_value: bool,
    #[prost(bytes = "vec", tag = "3")]
    value: Vec<u8>,
    #[prost(message, repeated, tag = "4")]
    metadata: Vec<Metadata>,
}

/// One entry of field 4: `message Metadata { string key = 1; bytes value = 2; bool has_value = 3; }`.
#[derive(Clone, PartialEq, prost::Message)]
struct Metadata {
    #[prost(string, tag = "1")]
    key: String,
    #[prost(bytes = "vec", tag = "2")]
    value: Vec<u8>,
    #[prost(bool, tag = "3")]
    has_value: bool,
}

#[derive(Clone, PartialEq, prost::Message)]
struct Address {
    #[prost(string, tag = "1")]
    namespace: String,
    #[prost(string, tag = "2")]
    r#type: String,
    #[prost(string, tag = "3")]
    id: String,
}

#[derive(Clone, PartialEq, prost::Message)]
struct ToFunction {
    #[prost(message, optional, tag = "100")]
    invocation: Option<Batch>,
}

#[derive(Clone, PartialEq, prost::Message)]
struct Batch {
    #[prost(message, optional, tag = "1")]
    target: Option<Address>,
    #[prost(message, repeated, tag = "2")]
    state: Vec<PersistedValue>,
    #[prost(message, repeated, tag = "3")]
    invocations: Vec<Invocation>,
}

#[derive(Clone, PartialEq, prost::Message)]
struct PersistedValue {
    #[prost(string, tag = "1")]
    state_name: String,
    #[prost(message, optional, tag = "2")]
    state_value: Option<TypedValue>,
}

#[derive(Clone, PartialEq, prost::Message)]
struct Invocation {
    #[prost(message, optional, tag = "1")]
    caller: Option<Address>,
    #[prost(message, optional, tag = "2")]
    argument: Option<TypedValue>,
}

#[derive(Clone, PartialEq, prost::Message)]
struct FromFunction {
    #[prost(message, optional, tag = "100")]
    invocation_result: Option<InvocationResponse>,
    #[prost(message, optional, tag = "101")]
    incomplete_invocation_context: Option<Incomplete>,
}

#[derive(Clone, PartialEq, prost::Message)]
struct InvocationResponse {
    #[prost(message, repeated, tag = "1")]
    state_mutations: Vec<Mutation>,
    #[prost(message, repeated, tag = "2")]
    outgoing_messages: Vec<Outgoing>,
    #[prost(message, repeated, tag = "3")]
    delayed_invocations: Vec<Delayed>,
    #[prost(message, repeated, tag = "4")]
    outgoing_egresses: Vec<Egress>,
}

#[derive(Clone, PartialEq, prost::Message)]
struct Mutation {
    /// 1: MODIFY.
    #[prost(int32, tag = "1")]
    mutation_type: i32,
    #[prost(string, tag = "2")]
    state_name: String,
    #[prost(message, optional, tag = "3")]
    state_value: Option<TypedValue>,
}

#[derive(Clone, PartialEq, prost::Message)]
struct Outgoing {
    #[prost(message, optional, tag = "1")]
    target: Option<Address>,
    #[prost(message, optional, tag = "2")]
    argument: Option<TypedValue>,
}

#[derive(Clone, PartialEq, prost::Message)]
struct Delayed {
    #[prost(int64, tag = "1")]
    delay_in_ms: i64,
    #[prost(message, optional, tag = "2")]
    target: Option<Address>,
    #[prost(message, optional, tag = "3")]
    argument: Option<TypedValue>,
}

#[derive(Clone, PartialEq, prost::Message)]
struct Egress {
    #[prost(string, tag = "1")]
    egress_namespace: String,
    #[prost(string, tag = "2")]
    egress_type: String,
    #[prost(message, optional, tag = "3")]
    argument: Option<TypedValue>,
}

#[derive(Clone, PartialEq, prost::Message)]
struct Incomplete {
    #[prost(message, repeated, tag = "1")]
    missing_values: Vec<ValueSpec>,
}

#[derive(Clone, PartialEq, prost::Message)]
struct ValueSpec {
    #[prost(string, tag = "1")]
    state_name: String,
    #[prost(string, tag = "3")]
    type_typename: String,
}

#[derive(Clone, PartialEq, prost::Message)]
struct KafkaProducerRecord {
    #[prost(string, tag = "1")]
    key: String,
    #[prost(bytes = "vec", tag = "2")]
    value_bytes: Vec<u8>,
    #[prost(string, tag = "3")]
    topic: String,
}

const DELAY_MS: i64 = 1500;

/// What `probe/a` puts in field 4 of the message it sends as `kind` (`now` or `later`)
/// from instance `id`: a W3C `traceparent`, an entry with bytes that are no UTF-8 (and a
/// NUL), and an entry without a value.
fn sent_metadata(kind: &str, id: &str) -> Vec<Metadata> {
    let seed = id.bytes().fold(u64::from(kind.len() as u8), |h, b| {
        h.wrapping_mul(31).wrapping_add(u64::from(b))
    });
    vec![
        Metadata {
            key: "traceparent".into(),
            value: format!("00-{seed:032x}-{:016x}-01", seed ^ 0xabcd).into_bytes(),
            has_value: true,
        },
        Metadata {
            key: "binary".into(),
            value: vec![0, 0xff, 0xfe, kind.as_bytes()[0]],
            has_value: true,
        },
        Metadata {
            key: "absent".into(),
            value: Vec::new(),
            has_value: false,
        },
    ]
}

/// The entry `probe/a` puts on its state value.
fn state_metadata(id: &str) -> Vec<Metadata> {
    vec![Metadata {
        key: "state-note".into(),
        value: format!("written by probe/a {id}").into_bytes(),
        has_value: true,
    }]
}

fn metadata_json(metadata: &[Metadata]) -> serde_json::Value {
    let b64 = base64::engine::general_purpose::STANDARD;
    metadata
        .iter()
        .map(|m| {
            serde_json::json!({"key": m.key, "value_b64": b64.encode(&m.value), "has_value": m.has_value})
        })
        .collect()
}

/// The report of `probe/b` `<id>-<kind>` for the message it was sent.
fn b_report(arg: &str, metadata: &[Metadata]) -> serde_json::Value {
    serde_json::json!({"fn": "b", "arg": arg, "metadata": metadata_json(metadata)})
}

/// The report of `probe/a` `<id>` for its state value.
fn a_report(state: Option<&TypedValue>) -> serde_json::Value {
    serde_json::json!({
        "fn": "a",
        "state": state.map(|v| String::from_utf8_lossy(&v.value).into_owned()),
        "state_metadata": metadata_json(state.map_or(&[][..], |v| &v.metadata)),
    })
}

fn address(r#type: &str, id: &str) -> Address {
    Address {
        namespace: "probe".into(),
        r#type: r#type.into(),
        id: id.into(),
    }
}

fn value(typename: &str, bytes: &[u8], metadata: Vec<Metadata>) -> TypedValue {
    TypedValue {
        typename: typename.into(),
        has_value: true,
        value: bytes.to_vec(),
        metadata,
    }
}

fn report(key: &str, json: &serde_json::Value) -> Egress {
    let record = KafkaProducerRecord {
        key: key.into(),
        value_bytes: json.to_string().into_bytes(),
        topic: "probe-out".into(),
    };
    Egress {
        egress_namespace: "probe".into(),
        egress_type: "out".into(),
        argument: Some(value(
            "type.googleapis.com/io.statefun.sdk.egress.KafkaProducerRecord",
            &record.encode_to_vec(),
            Vec::new(),
        )),
    }
}

/// One line on stderr per invocation (the runner keeps it in `service.log`), with the time:
/// which deliveries came after the restore shows in `jvm.log`'s restart time.
fn log(target: &Address, arg: &TypedValue) {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    eprintln!(
        "{ms} probe/{} {} <- {} ({} metadata entries)",
        target.r#type,
        target.id,
        String::from_utf8_lossy(&arg.value),
        arg.metadata.len()
    );
}

fn handle(request: ToFunction) -> FromFunction {
    let batch = request.invocation.unwrap_or_default();
    let target = batch.target.unwrap_or_default();
    let mut out = InvocationResponse::default();
    if target.r#type == "a" {
        let Some(seen) = batch.state.iter().find(|s| s.state_name == "seen") else {
            return FromFunction {
                invocation_result: None,
                incomplete_invocation_context: Some(Incomplete {
                    missing_values: vec![ValueSpec {
                        state_name: "seen".into(),
                        type_typename: "probe/seen".into(),
                    }],
                }),
            };
        };
        let id = &target.id;
        for invocation in &batch.invocations {
            let arg = invocation.argument.clone().unwrap_or_default();
            log(&target, &arg);
            match &arg.value[..] {
                b"send" => {
                    out.outgoing_messages.push(Outgoing {
                        target: Some(address("b", &format!("{id}-now"))),
                        argument: Some(value(
                            "probe/ping",
                            format!("now:{id}").as_bytes(),
                            sent_metadata("now", id),
                        )),
                    });
                    out.delayed_invocations.push(Delayed {
                        delay_in_ms: DELAY_MS,
                        target: Some(address("b", &format!("{id}-later"))),
                        argument: Some(value(
                            "probe/ping",
                            format!("later:{id}").as_bytes(),
                            sent_metadata("later", id),
                        )),
                    });
                    out.state_mutations.push(Mutation {
                        mutation_type: 1,
                        state_name: "seen".into(),
                        state_value: Some(value("probe/seen", id.as_bytes(), state_metadata(id))),
                    });
                }
                _ => {
                    let state = seen.state_value.as_ref().filter(|v| v.has_value);
                    out.outgoing_egresses.push(report(id, &a_report(state)));
                }
            }
        }
    } else {
        for invocation in &batch.invocations {
            let arg = invocation.argument.clone().unwrap_or_default();
            log(&target, &arg);
            let text = String::from_utf8_lossy(&arg.value);
            let json = b_report(&text, &arg.metadata);
            out.outgoing_egresses.push(report(&target.id, &json));
        }
    }
    FromFunction {
        invocation_result: Some(out),
        incomplete_invocation_context: None,
    }
}

async fn statefun(body: web::Bytes) -> HttpResponse {
    match ToFunction::decode(&body[..]) {
        Ok(request) => HttpResponse::Ok()
            .content_type("application/octet-stream")
            .body(handle(request).encode_to_vec()),
        Err(e) => HttpResponse::BadRequest().body(e.to_string()),
    }
}

/// The lines `expected.jsonl` holds for the ids given: field 4 survives in messages, and
/// the state value comes back without it.
fn print_expected(ids: &[String]) {
    let mut out = std::io::stdout().lock();
    for id in ids {
        for kind in ["now", "later"] {
            let line = serde_json::json!({
                "topic": "probe-out",
                "key": format!("{id}-{kind}"),
                "value": b_report(&format!("{kind}:{id}"), &sent_metadata(kind, id)),
            });
            writeln!(out, "{line}").unwrap();
        }
        let state = value("probe/seen", id.as_bytes(), Vec::new());
        let line =
            serde_json::json!({"topic": "probe-out", "key": id, "value": a_report(Some(&state))});
        writeln!(out, "{line}").unwrap();
    }
}

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--expected") {
        print_expected(&args[1..]);
        return Ok(());
    }
    let port: u16 = std::env::var("PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(8000);
    let host = std::env::var("HOST").unwrap_or_else(|_| "127.0.0.1".into());
    actix_web::rt::System::new().block_on(async move {
        HttpServer::new(|| App::new().route("/statefun", web::post().to(statefun)))
            .workers(1)
            .bind((host.as_str(), port))?
            .run()
            .await
    })
}
