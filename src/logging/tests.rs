//! The subscriber [`init`](super::init) installs, against requests answered by the pipeline:
//! a request answered 200 at `INFO` makes no span, records no field and writes nothing;
//! every line written inside a request, in text and in JSON, carries the request span
//! `statefun.request` with the fields known when it is written.

use std::{
    io,
    sync::{Arc, Mutex},
};

use bytes::Bytes;
use serde_json::Value as Json;
use statefun_core::{
    BoxError, Context, Function, Functions, Message, TypeName,
    http::{Endpoint, RequestHead},
};
use statefun_test_support::request::Batch;
use tracing::{
    Event, Subscriber,
    span::{Attributes, Id, Record},
};
use tracing_subscriber::{
    EnvFilter,
    layer::{self, Layer, SubscriberExt as _},
};

use super::{Format, subscriber};

/// `demo/logger`: for `say X`, writes `X` at `INFO`; for `span`, writes `inside` in a span
/// `mine` of its own; fails on `fail`; says nothing otherwise.
struct Logger;

impl Function for Logger {
    type State = ();
    fn type_name(&self) -> TypeName {
        TypeName::from_static("demo/logger")
    }
    async fn invoke(&self, _: &mut Context, _: &mut (), msg: Message) -> Result<(), BoxError> {
        match msg.as_str()? {
            "fail" => return Err("asked to fail".into()),
            "span" => tracing::info_span!("mine", k = 1).in_scope(|| tracing::info!("inside")),
            text => {
                if let Some(said) = text.strip_prefix("say ") {
                    tracing::info!("{said}");
                }
            }
        }
        Ok(())
    }
}

/// What the subscriber writes.
#[derive(Clone, Default)]
struct Written(Arc<Mutex<Vec<u8>>>);

impl io::Write for Written {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// How often the subscriber made a span, recorded fields, and took an event (enabled).
#[derive(Clone, Default)]
struct Counted(Arc<Mutex<[usize; 3]>>);

impl<S: Subscriber> Layer<S> for Counted {
    fn on_new_span(&self, _: &Attributes<'_>, _: &Id, _: layer::Context<'_, S>) {
        self.0.lock().unwrap()[0] += 1;
    }
    fn on_record(&self, _: &Id, _: &Record<'_>, _: layer::Context<'_, S>) {
        self.0.lock().unwrap()[1] += 1;
    }
    fn on_event(&self, _: &Event<'_>, _: layer::Context<'_, S>) {
        self.0.lock().unwrap()[2] += 1;
    }
}

/// Answers each of `requests` at an endpoint of [`Logger`] under the subscriber of `init`
/// (`format`, `filter`); the statuses, the text written, and the counts.
fn serve(format: Format, filter: &str, requests: Vec<Vec<u8>>) -> (Vec<u16>, String, [usize; 3]) {
    let written = Written::default();
    let counted = Counted::default();
    let out = written.clone();
    let subscriber = subscriber(format, EnvFilter::new(filter), move || out.clone(), false)
        .with(counted.clone());
    let endpoint = Endpoint::new(Functions::new().with(Logger));
    let statuses = tracing::subscriber::with_default(subscriber, || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        let statuses = requests
            .into_iter()
            .map(|body| {
                let body = futures_util::stream::iter([Ok::<_, io::Error>(Bytes::from(body))]);
                runtime
                    .block_on(endpoint.answer(RequestHead::new("POST"), body))
                    .status()
            })
            .collect();
        tracing::info!("after");
        statuses
    });
    let text = String::from_utf8(written.0.lock().unwrap().clone()).unwrap();
    let counts = *counted.0.lock().unwrap();
    (statuses, text, counts)
}

/// The lines of `text`, each without its time, its latencies as `L`.
fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(|line| {
            let line = line.split_once(' ').unwrap().1;
            let mut out = String::new();
            let mut rest = line;
            while let Some(at) = rest.find("latency_us=") {
                let at = at + "latency_us=".len();
                out.push_str(&rest[..at]);
                out.push('L');
                rest = rest[at..].trim_start_matches(|c: char| c.is_ascii_digit());
            }
            out.push_str(rest);
            out
        })
        .collect()
}

#[test]
fn a_request_answered_200_at_info_makes_no_span_records_nothing_and_writes_nothing() {
    let quiet: Vec<&str> = vec!["hello"; 100];
    for format in [Format::Text, Format::Json] {
        let requests = vec![
            Batch::to("demo/logger", "ann").text("hello").encode(),
            Batch::to("demo/logger", "bob")
                .texts_from(None, &quiet)
                .encode(),
        ];
        let (statuses, text, counts) = serve(format, "info", requests);
        assert_eq!(statuses, [200, 200]);
        // Only the line written after the requests.
        assert_eq!(
            counts,
            [0, 0, 1],
            "{format:?}: spans, records, events\n{text}"
        );
        assert_eq!(text.lines().count(), 1, "{text}");
        assert!(text.contains("after"), "{text}");
        assert!(!text.contains("statefun.request"), "{text}");
    }
}

#[test]
fn text_lines_inside_a_request_carry_its_span_with_the_fields_known() {
    let body = Batch::to("demo/logger", "bob")
        .texts_from(None, &["say hi", "span", "fail"])
        .encode();
    let bytes = body.len();
    let (statuses, text, counts) = serve(Format::Text, "info", vec![body]);
    assert_eq!(statuses, [500]);
    let request =
        format!("statefun.request{{function=demo/logger id=\"bob\" batch_size=3 bytes={bytes}");
    assert_eq!(
        lines(&text),
        [
            format!(" INFO {request}}}: statefun::logging::tests: hi"),
            format!(" INFO {request}}}:mine{{k=1}}: statefun::logging::tests: inside"),
            format!(
                "ERROR {request} status=500 latency_us=L}}: statefun::http: request failed status=500 latency_us=L error=function demo/logger (id `bob`) failed: asked to fail"
            ),
            " INFO statefun::logging::tests: after".to_owned(),
        ],
        "{text}"
    );
    // The function's span, and no other.
    assert_eq!(counts[0], 1, "{text}");
}

#[test]
fn json_lines_inside_a_request_carry_its_span_under_span_and_first_in_spans() {
    let body = Batch::to("demo/logger", "bob")
        .texts_from(None, &["say hi", "span", "fail"])
        .encode();
    let bytes = body.len();
    let (statuses, text, _) = serve(Format::Json, "info", vec![body]);
    assert_eq!(statuses, [500]);
    let lines: Vec<Json> = text
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect();
    assert_eq!(lines.len(), 4, "{text}");
    let request = serde_json::json!({
        "function": "demo/logger", "id": "bob", "batch_size": 3, "bytes": bytes,
        "name": "statefun.request",
    });
    assert_eq!(lines[0]["message"], "hi");
    assert_eq!(lines[0]["span"], request, "{text}");
    assert_eq!(lines[0]["spans"], serde_json::json!([request]));
    assert_eq!(lines[1]["message"], "inside");
    assert_eq!(
        lines[1]["span"],
        serde_json::json!({"k": 1, "name": "mine"})
    );
    assert_eq!(
        lines[1]["spans"],
        serde_json::json!([request, {"k": 1, "name": "mine"}])
    );

    let failed = &lines[2];
    assert_eq!(failed["level"], "ERROR");
    assert_eq!(failed["message"], "request failed");
    assert_eq!(failed["status"], 500);
    let latency = failed["latency_us"].as_u64().expect("a number of µs");
    assert_eq!(failed["span"]["latency_us"], latency);
    let mut answered = request.clone();
    answered["status"] = 500.into();
    answered["latency_us"] = latency.into();
    assert_eq!(failed["span"], answered, "{text}");
    assert!(failed["error"].as_str().unwrap().contains("asked to fail"));

    assert_eq!(lines[3]["message"], "after");
    assert!(lines[3].get("span").is_none(), "outside a request: {text}");
}

#[test]
fn at_debug_a_request_answered_200_is_written_with_every_field() {
    let body = Batch::to("demo/logger", "ann").text("hello").encode();
    let bytes = body.len();
    let (statuses, text, _) = serve(Format::Text, "info,statefun::http=debug", vec![body]);
    assert_eq!(statuses, [200]);
    assert_eq!(
        lines(&text)[0],
        format!(
            "DEBUG statefun.request{{function=demo/logger id=\"ann\" batch_size=1 bytes={bytes} status=200 latency_us=L}}: statefun::http: request answered status=200 latency_us=L"
        ),
        "{text}"
    );
}
