//! The dispatcher's span. Alone in its test binary: tracing's callsite interest and level
//! hint are process-wide, and tests of other threads without a subscriber raced the one
//! here (its span was now and then never created).

use std::sync::{Arc, Mutex};

use statefun_core::{Bytes, Functions, Handler};
use statefun_test_support::greeter::{Greeter, greeting};

/// Records the spans a subscriber is asked to create (name and fields, as text) and
/// whether each was entered.
#[derive(Default)]
struct Spans {
    created: Mutex<Vec<(String, String)>>,
    entered: Mutex<usize>,
}

impl tracing::Subscriber for Spans {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        struct Fields(String);
        impl tracing::field::Visit for Fields {
            fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
                self.0.push_str(&format!("{}={:?} ", field.name(), value));
            }
        }
        let mut fields = Fields(String::new());
        span.record(&mut fields);
        let mut created = self.created.lock().unwrap();
        created.push((span.metadata().name().to_owned(), fields.0));
        tracing::span::Id::from_u64(created.len() as u64)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, _: &tracing::Event<'_>) {}
    fn enter(&self, _: &tracing::span::Id) {
        *self.entered.lock().unwrap() += 1;
    }
    fn exit(&self, _: &tracing::span::Id) {}
}

/// With a subscriber listening, each batch runs in the `DEBUG` span `statefun.batch`
/// naming the function, the id and the batch size (without one the dispatcher skips the
/// span: nothing to check there but the answer, which every other test checks).
#[test]
fn a_batch_runs_in_a_span_when_a_subscriber_listens() {
    let handler = Handler::new(Functions::new().with(Greeter));
    let spans = Arc::new(Spans::default());
    let body = Bytes::from(greeting("a", Some(1), &["hi", "hi"]));
    let answer = tracing::subscriber::with_default(spans.clone(), || {
        futures_util::FutureExt::now_or_never(handler.handle(body))
    });
    assert!(matches!(answer, Some(Ok(_))), "{answer:?}");
    let created = spans.created.lock().unwrap();
    let batch: Vec<_> = created
        .iter()
        .filter(|(name, _)| name == "statefun.batch")
        .collect();
    assert_eq!(batch.len(), 1, "{created:?}");
    assert!(batch[0].1.contains("function=demo/greeter"), "{batch:?}");
    assert!(batch[0].1.contains("batch_size=2"), "{batch:?}");
    assert!(*spans.entered.lock().unwrap() >= 1);
}
