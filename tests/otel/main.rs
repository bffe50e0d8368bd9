//! The `otel` feature: the chain of `tests/trace-metadata/chain.rs` (ingress -> trace/a ->
//! trace/b -> delayed trace/c -> egress) through the local runtime gives the trace shape the
//! real runtime gives (`tests/trace-metadata/run.sh`): one trace per ingress message, the
//! trace/a span a root, trace/b its child, trace/c trace/b's child; and a request whose
//! argument carries a W3C `traceparent` from elsewhere continues that trace.
#![cfg(feature = "otel")]

#[path = "../trace-metadata/chain.rs"]
mod chain;
mod export;

use std::{
    future::Future,
    sync::{Arc, Mutex},
};

use bytes::Bytes;
use opentelemetry::{
    KeyValue,
    trace::{SpanId, TraceId},
};
use opentelemetry_sdk::{
    error::OTelSdkResult,
    trace::{SdkTracerProvider, SpanData, SpanExporter},
};
use prost::Message as _;
use statefun::{Address, Handler, local::LocalRuntime, proto::reqreply as pb};
use tracing_subscriber::layer::SubscriberExt as _;

/// The spans ended so far.
#[derive(Clone, Debug, Default)]
struct Collected(Arc<Mutex<Vec<SpanData>>>);

impl SpanExporter for Collected {
    fn export(&self, batch: Vec<SpanData>) -> impl Future<Output = OTelSdkResult> + Send {
        self.0.lock().unwrap().extend(batch);
        std::future::ready(Ok(()))
    }
}

/// Runs `test` with the invocation spans exported into the returned list.
fn traced<T>(test: impl FnOnce() -> T) -> (T, Vec<SpanData>) {
    let collected = Collected::default();
    let provider = SdkTracerProvider::builder()
        .with_simple_exporter(collected.clone())
        .build();
    let subscriber = tracing_subscriber::registry().with(statefun::otel::layer_for(&provider));
    let out = tracing::subscriber::with_default(subscriber, test);
    provider.force_flush().unwrap();
    // The pipeline's `statefun.batch` span is there too: this subscriber lets every level
    // through.
    let spans = (collected.0.lock().unwrap().iter())
        .filter(|s| s.name == "statefun.invocation")
        .cloned()
        .collect();
    (out, spans)
}

fn attribute(span: &SpanData, key: &str) -> String {
    span.attributes
        .iter()
        .find(|KeyValue { key: k, .. }| k.as_str() == key)
        .map(|kv| kv.value.as_str().into_owned())
        .unwrap_or_default()
}

/// The invocation span of `function` for `id`.
fn span<'a>(spans: &'a [SpanData], function: &str, id: &str) -> &'a SpanData {
    let found: Vec<_> = spans
        .iter()
        .filter(|s| attribute(s, "function") == function && attribute(s, "id") == id)
        .collect();
    assert_eq!(found.len(), 1, "one {function} span for {id}: {spans:#?}");
    found[0]
}

fn block_on<F: Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(future)
}

#[test]
fn the_chain_through_the_local_runtime_is_one_trace_per_ingress_message() {
    let (records, spans) = traced(|| {
        block_on(async {
            let mut runtime = LocalRuntime::new(chain::functions());
            runtime.send(Address::new(chain::A, "r1"), "r1").unwrap();
            runtime.send(Address::new(chain::A, "r2"), "r2").unwrap();
            runtime.run_until_quiescent().await.unwrap();
            runtime.advance(chain::DELAY).await.unwrap();
            runtime.take_egress(&chain::OUT)
        })
    });
    assert_eq!(records.len(), 2, "{records:?}");
    assert_eq!(spans.len(), 6, "{spans:#?}");

    let mut traces = Vec::new();
    for id in ["r1", "r2"] {
        let (a, b, c) = (
            span(&spans, "trace/a", id),
            span(&spans, "trace/b", id),
            span(&spans, "trace/c", id),
        );
        // An ingress message has no context: a new trace.
        assert_eq!(a.parent_span_id, SpanId::INVALID, "{a:#?}");
        assert_eq!(b.parent_span_id, a.span_context.span_id());
        assert!(b.parent_span_is_remote, "the parent came in the message");
        assert_eq!(
            c.parent_span_id,
            b.span_context.span_id(),
            "the delayed message's parent"
        );
        assert!(c.parent_span_is_remote);
        let trace = a.span_context.trace_id();
        assert_eq!(b.span_context.trace_id(), trace);
        assert_eq!(c.span_context.trace_id(), trace);
        assert_eq!(attribute(b, "typename"), "io.statefun.types/string");
        traces.push(trace);
    }
    assert_ne!(traces[0], traces[1], "one trace per ingress message");
}

/// A `ToFunction` for `trace/b` `x` whose argument carries field-4 entries.
fn request_with_entries(entries: &[(&str, &str)]) -> Bytes {
    let mut argument = pb::TypedValue {
        typename: "io.statefun.types/string".into(),
        has_value: true,
        // A StringWrapper holding "a>b".
        value: Bytes::from_static(b"\x0a\x03a>b"),
    }
    .encode_to_vec();
    for (key, value) in entries {
        let mut entry = Vec::new();
        prost::encoding::string::encode(1, &(*key).to_owned(), &mut entry);
        prost::encoding::string::encode(2, &(*value).to_owned(), &mut entry);
        prost::encoding::bool::encode(3, &true, &mut entry);
        prost::encoding::bytes::encode(4, &entry, &mut argument);
    }
    let mut invocation = Vec::new();
    let caller = pb::Address {
        namespace: "other-sdk".into(),
        r#type: "sender".into(),
        id: "s".into(),
    };
    prost::encoding::message::encode(1, &caller, &mut invocation);
    prost::encoding::bytes::encode(2, &argument, &mut invocation);
    let mut batch = Vec::new();
    let target = pb::Address {
        namespace: "trace".into(),
        r#type: "b".into(),
        id: "x".into(),
    };
    prost::encoding::message::encode(1, &target, &mut batch);
    prost::encoding::bytes::encode(3, &invocation, &mut batch);
    let mut body = Vec::new();
    prost::encoding::bytes::encode(100, &batch, &mut body);
    body.into()
}

/// The field-4 entries of the delayed message in an answer, as (key, value).
fn delayed_entries(answer: &[u8]) -> Vec<(String, String)> {
    #[derive(Clone, PartialEq, prost::Message)]
    struct Answer {
        #[prost(message, optional, tag = "100")]
        result: Option<Effects>,
    }
    #[derive(Clone, PartialEq, prost::Message)]
    struct Effects {
        #[prost(message, repeated, tag = "3")]
        delayed: Vec<Delayed>,
    }
    #[derive(Clone, PartialEq, prost::Message)]
    struct Delayed {
        #[prost(message, optional, tag = "3")]
        argument: Option<Argument>,
    }
    #[derive(Clone, PartialEq, prost::Message)]
    struct Argument {
        #[prost(message, repeated, tag = "4")]
        metadata: Vec<Entry>,
    }
    #[derive(Clone, PartialEq, prost::Message)]
    struct Entry {
        #[prost(string, tag = "1")]
        key: String,
        #[prost(string, tag = "2")]
        value: String,
    }
    let answer = Answer::decode(answer).unwrap();
    let delayed = &answer.result.unwrap().delayed[0];
    (delayed.argument.clone().unwrap().metadata.into_iter())
        .map(|e| (e.key, e.value))
        .collect()
}

#[test]
fn a_context_from_elsewhere_is_continued_and_passed_on() {
    let parent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    let handler = Handler::new(chain::functions());
    let request = request_with_entries(&[
        ("baggage", "k=v"),
        ("traceparent", parent),
        ("tracestate", "congo=t61rcWkgMzE"),
    ]);
    let (answer, spans) = traced(|| block_on(handler.handle(request)).unwrap());
    let b = span(&spans, "trace/b", "x");
    assert_eq!(
        b.span_context.trace_id(),
        TraceId::from_hex("0af7651916cd43dd8448eb211c80319c").unwrap()
    );
    assert_eq!(
        b.parent_span_id,
        SpanId::from_hex("b7ad6b7169203331").unwrap()
    );
    // The delayed message carries b's own context, and the trace state on.
    let sent = delayed_entries(&answer);
    let own = format!(
        "00-0af7651916cd43dd8448eb211c80319c-{:016x}-01",
        b.span_context.span_id()
    );
    assert_eq!(
        sent,
        [
            ("traceparent".to_owned(), own),
            ("tracestate".to_owned(), "congo=t61rcWkgMzE".to_owned())
        ]
    );
}

#[test]
fn a_message_without_context_or_with_a_malformed_one_starts_a_new_trace() {
    for entries in [&[][..], &[("traceparent", "00-zz-yy-01")][..]] {
        let handler = Handler::new(chain::functions());
        let (answer, spans) =
            traced(|| block_on(handler.handle(request_with_entries(entries))).unwrap());
        let b = span(&spans, "trace/b", "x");
        assert_eq!(b.parent_span_id, SpanId::INVALID);
        let sent = delayed_entries(&answer);
        assert_eq!(sent.len(), 1, "traceparent only: {sent:?}");
        assert!(
            sent[0]
                .1
                .contains(&format!("{:032x}", b.span_context.trace_id()))
        );
    }
}

#[test]
fn an_invocation_whose_span_is_filtered_out_passes_the_senders_context_on() {
    let parent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    let provider = SdkTracerProvider::builder().build();
    let subscriber = tracing_subscriber::registry()
        .with(tracing_subscriber::filter::LevelFilter::WARN)
        .with(statefun::otel::layer_for(&provider));
    let handler = Handler::new(chain::functions());
    let (with, without) = tracing::subscriber::with_default(subscriber, || {
        (
            block_on(handler.handle(request_with_entries(&[("traceparent", parent)]))).unwrap(),
            block_on(handler.handle(request_with_entries(&[]))).unwrap(),
        )
    });
    assert_eq!(
        delayed_entries(&with),
        [("traceparent".to_owned(), parent.to_owned())]
    );
    assert_eq!(delayed_entries(&without), []);
}
