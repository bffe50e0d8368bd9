//! Where a request's fields go: into the `statefun.request` span for a subscriber that takes
//! it, or, for one that turns it off (as `statefun::logging` does), into the thread's
//! `RequestFields` while a line may be written, and nowhere else, so that a request that
//! writes no line makes no span and records nothing.

use std::sync::{Arc, Mutex};

use bytes::Bytes;
use statefun_test_support::request::Batch;
use tracing::{
    Event, Level, Metadata, Subscriber,
    field::{Field, Visit},
    span::{Attributes, Id, Record},
    subscriber::Interest,
};

use crate::{
    function::{BoxError, Context, Function},
    http::{Endpoint, LOG_TARGET, REQUEST_SPAN, RequestFields, RequestHead},
    message::Message,
    names::TypeName,
};

/// `demo/logger`: writes an `INFO` line for each message, and fails on `fail`.
struct Logger;

impl Function for Logger {
    type State = ();
    fn type_name(&self) -> TypeName {
        TypeName::from_static("demo/logger")
    }
    async fn invoke(&self, _: &mut Context, _: &mut (), msg: Message) -> Result<(), BoxError> {
        let text = msg.as_str()?;
        tracing::info!("got {text}");
        if text == "fail" {
            return Err("asked to fail".into());
        }
        Ok(())
    }
}

/// A line as the subscriber saw it: its level and message, and the request's fields then.
#[derive(Debug, Clone, PartialEq)]
struct Line {
    level: Level,
    message: String,
    fields: Option<Fields>,
    /// The request's [`RequestFields::serial`].
    serial: Option<u64>,
}

/// The [`RequestFields`] of a line, owned.
#[derive(Debug, Clone, PartialEq)]
struct Fields {
    function: Option<String>,
    id: Option<String>,
    batch_size: Option<usize>,
    bytes: Option<usize>,
    status: Option<u16>,
    latency: bool,
}

impl Fields {
    fn of(fields: &RequestFields) -> Self {
        Self {
            function: fields.function().map(ToString::to_string),
            id: fields.id().map(str::to_owned),
            batch_size: fields.batch_size(),
            bytes: fields.bytes(),
            status: fields.status(),
            latency: fields.latency().is_some(),
        }
    }
}

/// What a [`Listener`] was asked to do.
#[derive(Debug, Default)]
struct Seen {
    /// The names of the spans made.
    spans: Vec<&'static str>,
    /// The fields recorded into spans, with their values as text.
    records: Vec<(String, String)>,
    lines: Vec<Line>,
}

/// A subscriber at `INFO` that takes the request span or turns it off.
struct Listener {
    takes_span: bool,
    seen: Arc<Mutex<Seen>>,
}

#[derive(Default)]
struct Text(Vec<(String, String)>);

impl Visit for Text {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.push((field.name().to_owned(), format!("{value:?}")));
    }
}

impl Subscriber for Listener {
    // Never `never`: the callsites' interest is the process's, shared with the other tests'
    // subscribers; asking every time keeps this one to its own thread.
    fn register_callsite(&self, _: &'static Metadata<'static>) -> Interest {
        Interest::sometimes()
    }

    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        if metadata.name() == REQUEST_SPAN && metadata.target() == LOG_TARGET {
            return self.takes_span;
        }
        *metadata.level() <= Level::INFO
    }

    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let mut seen = self.seen.lock().unwrap();
        seen.spans.push(span.metadata().name());
        let mut text = Text::default();
        span.record(&mut text);
        seen.records.extend(text.0);
        Id::from_u64(seen.spans.len() as u64)
    }

    fn record(&self, _: &Id, values: &Record<'_>) {
        let mut text = Text::default();
        values.record(&mut text);
        self.seen.lock().unwrap().records.extend(text.0);
    }

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut text = Text::default();
        event.record(&mut text);
        let message = text
            .0
            .iter()
            .find(|(name, _)| name == "message")
            .map(|(_, value)| value.clone())
            .unwrap_or_default();
        let (fields, serial) = RequestFields::with_current(|fields| {
            (fields.map(Fields::of), fields.map(RequestFields::serial))
        });
        self.seen.lock().unwrap().lines.push(Line {
            level: *event.metadata().level(),
            message,
            fields,
            serial,
        });
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

/// Answers `body` at an endpoint of [`Logger`], under a [`Listener`]; what it saw.
fn answer(takes_span: bool, body: Vec<u8>) -> (u16, Seen) {
    let seen = Arc::new(Mutex::new(Seen::default()));
    let listener = Listener {
        takes_span,
        seen: seen.clone(),
    };
    let endpoint = Endpoint::new(crate::dispatch::Functions::new().with(Logger));
    let status = tracing::subscriber::with_default(listener, || {
        // A callsite another test's thread was registering while no subscriber was set keeps
        // the interest "never" it found then, unless the interests are computed again now
        // that this one is set (tracing's interest cache is the process's).
        tracing::callsite::rebuild_interest_cache();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        runtime.block_on(async {
            let body = futures_util::stream::iter([Ok::<_, std::io::Error>(Bytes::from(body))]);
            endpoint
                .answer(RequestHead::new("POST"), body)
                .await
                .status()
        })
    });
    let seen = std::mem::take(&mut *seen.lock().unwrap());
    (status, seen)
}

fn lines_of(seen: &Seen) -> Vec<(Level, &str)> {
    seen.lines
        .iter()
        .map(|line| (line.level, line.message.as_str()))
        .collect()
}

#[test]
fn with_the_span_off_a_rejected_request_s_line_carries_the_fields_known() {
    let body = Batch::to("demo/nobody", "ann").text("hi").encode();
    let (status, seen) = answer(false, body);
    assert_eq!(status, 404);
    assert!(seen.spans.is_empty(), "{seen:?}");
    assert!(seen.records.is_empty(), "{seen:?}");
    // The 4xx line is written, with the fields known: the body's size, status, latency.
    let [line] = seen.lines.as_slice() else {
        panic!("one line: {seen:?}")
    };
    let fields = line.fields.clone().expect("the request's fields");
    assert_eq!((fields.function, fields.batch_size), (None, None));
    assert!(fields.bytes.is_some_and(|bytes| bytes > 0));
    assert_eq!(fields.status, Some(404));
    assert!(fields.latency);
}

#[test]
fn with_the_span_off_the_function_s_lines_and_the_failure_carry_every_field() {
    let body = Batch::to("demo/logger", "bob")
        .texts_from(None, &["hi", "fail"])
        .encode();
    let bytes = body.len();
    let (status, seen) = answer(false, body);
    assert_eq!(status, 500);
    assert!(seen.spans.is_empty(), "no span is made: {seen:?}");
    assert!(seen.records.is_empty(), "{seen:?}");
    assert_eq!(
        lines_of(&seen),
        [
            (Level::INFO, "got hi"),
            (Level::INFO, "got fail"),
            (Level::ERROR, "request failed")
        ]
    );
    let running = Fields {
        function: Some("demo/logger".to_owned()),
        id: Some("bob".to_owned()),
        batch_size: Some(2),
        bytes: Some(bytes),
        status: None,
        latency: false,
    };
    assert_eq!(seen.lines[0].fields.as_ref(), Some(&running));
    assert_eq!(seen.lines[1].fields.as_ref(), Some(&running));
    let answered = Fields {
        status: Some(500),
        latency: true,
        ..running
    };
    assert_eq!(seen.lines[2].fields.as_ref(), Some(&answered));
    // Once answered, the thread has no request any more.
    assert!(RequestFields::with_current(|fields| fields.is_none()));
}

#[test]
fn with_the_span_off_a_request_answered_200_writes_nothing_and_keeps_no_fields() {
    let body = Batch::to("demo/logger", "ann").text("hi").encode();
    let (status, seen) = answer(false, body);
    assert_eq!(status, 200);
    assert!(seen.spans.is_empty(), "{seen:?}");
    assert!(seen.records.is_empty(), "{seen:?}");
    assert_eq!(
        lines_of(&seen),
        [(Level::INFO, "got hi")],
        "no line for the 200"
    );
}

#[test]
fn a_subscriber_that_takes_the_span_gets_it_with_every_field_and_no_request_fields() {
    let body = Batch::to("demo/logger", "bob")
        .texts_from(None, &["hi", "fail"])
        .encode();
    let bytes = body.len();
    let (status, seen) = answer(true, body);
    assert_eq!(status, 500);
    assert_eq!(seen.spans, [REQUEST_SPAN]);
    let recorded: Vec<&str> = seen.records.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(
        recorded,
        [
            "bytes",
            "function",
            "id",
            "batch_size",
            "status",
            "latency_us"
        ]
    );
    let value = |name: &str| {
        seen.records
            .iter()
            .find(|(field, _)| field == name)
            .map(|(_, value)| value.clone())
            .unwrap()
    };
    assert_eq!(value("bytes"), bytes.to_string());
    assert_eq!(value("function"), "demo/logger");
    assert_eq!(value("id"), "\"bob\"");
    assert_eq!(value("batch_size"), "2");
    assert_eq!(value("status"), "500");
    assert!(value("latency_us").parse::<u64>().is_ok(), "a number of µs");
    assert_eq!(lines_of(&seen).len(), 3);
    assert!(
        seen.lines.iter().all(|line| line.fields.is_none()),
        "the span carries them: {seen:?}"
    );
}

#[test]
fn each_request_has_a_serial_of_its_own_on_every_line() {
    let serials = || {
        let body = Batch::to("demo/logger", "bob")
            .texts_from(None, &["hi", "fail"])
            .encode();
        let (_, seen) = answer(false, body);
        let serials: Vec<_> = seen.lines.iter().map(|line| line.serial.unwrap()).collect();
        assert_eq!(serials.len(), 3, "{seen:?}");
        assert!(serials.iter().all(|s| *s == serials[0]), "{serials:?}");
        serials[0]
    };
    let (first, second) = (serials(), serials());
    assert_ne!(first, second);
}

/// Turns the request span off and panics on the first `ERROR` line.
struct PanicsOnError;

impl Subscriber for PanicsOnError {
    fn register_callsite(&self, _: &'static Metadata<'static>) -> Interest {
        Interest::sometimes()
    }
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.name() != REQUEST_SPAN && *metadata.level() <= Level::INFO
    }
    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }
    fn record(&self, _: &Id, _: &Record<'_>) {}
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        if *event.metadata().level() == Level::ERROR {
            panic!("the subscriber failed");
        }
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

#[test]
fn a_subscriber_that_panics_while_a_line_is_written_leaves_no_fields_behind() {
    let body = Batch::to("demo/logger", "bob").texts_from(None, &["fail"]);
    let endpoint = Endpoint::new(crate::dispatch::Functions::new().with(Logger));
    let unwound = tracing::subscriber::with_default(PanicsOnError, || {
        tracing::callsite::rebuild_interest_cache();
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_time()
                .build()
                .unwrap();
            let body = futures_util::stream::iter([Ok::<_, std::io::Error>(body.bytes())]);
            runtime.block_on(endpoint.answer(RequestHead::new("POST"), body))
        }))
    });
    let panic = unwound.expect_err("the line of the 500 panicked");
    assert_eq!(panic.downcast_ref::<&str>(), Some(&"the subscriber failed"));
    assert!(RequestFields::with_current(|fields| fields.is_none()));
}
