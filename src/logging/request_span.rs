//! The request span `statefun.request` as `statefun::logging` writes it: from the request's
//! [`RequestFields`], formatted only on the lines written inside a request, instead of a
//! span whose fields are formatted on every request.
//!
//! tracing-subscriber's `fmt` formats a span's fields when they are recorded, whether or not
//! a line is written: a request answered 200 writes none at `INFO`, yet its span's fields
//! cost more than a third of the CPU of the whole request. So [`PipelineSpanOff`] turns the
//! pipeline's span off (its callsite is never enabled), the pipeline then keeps the fields
//! as the thread's [`RequestFields`], which cost nothing to keep, and the event formats
//! ([`super::text`], [`super::json`]) write them as that span would have been written, with
//! the same name and fields, outermost.

use statefun_core::http::{LOG_TARGET, REQUEST_SPAN, RequestFields};
use tracing::{
    Level, Metadata, Subscriber,
    callsite::{Callsite, Identifier},
    field::{Field, FieldSet, Value, display},
    metadata::Kind,
    span::Record,
    subscriber::Interest,
};
use tracing_subscriber::layer::{Context, Layer};

/// The fields of the span, in the order they are written.
const NAMES: &[&str] = &[
    "function",
    "id",
    "batch_size",
    "bytes",
    "status",
    "latency_us",
];

struct RequestCallsite;

static CALLSITE: RequestCallsite = RequestCallsite;

/// The metadata the fields are recorded with: the field names of the span, under its name.
/// Never registered, since nothing is asked whether it is enabled.
static META: Metadata<'static> = Metadata::new(
    REQUEST_SPAN,
    LOG_TARGET,
    Level::INFO,
    Some(file!()),
    Some(line!()),
    Some(module_path!()),
    FieldSet::new(NAMES, Identifier(&CALLSITE)),
    Kind::SPAN,
);

impl Callsite for RequestCallsite {
    fn set_interest(&self, _: Interest) {}

    fn metadata(&self) -> &Metadata<'_> {
        &META
    }
}

/// Turns the pipeline's own request span off, so that the pipeline keeps its fields as
/// [`RequestFields`] instead.
pub(super) struct PipelineSpanOff;

impl<S: Subscriber> Layer<S> for PipelineSpanOff {
    fn enabled(&self, metadata: &Metadata<'_>, _: Context<'_, S>) -> bool {
        !(metadata.is_span() && metadata.name() == REQUEST_SPAN && metadata.target() == LOG_TARGET)
    }
}

/// Calls `f` with the fields of the request running on this thread, as a record of the
/// span's fields (the known ones): what the formats write as the span; `None` outside a
/// request.
pub(super) fn with_current<R>(f: impl FnOnce(&Record<'_>) -> R) -> Option<R> {
    RequestFields::with_current(|fields| fields.map(|fields| with_record(fields, f)))
}

/// Calls `f` with the fields of `fields` that are known, as a record of the span's fields.
fn with_record<R>(fields: &RequestFields, f: impl FnOnce(&Record<'_>) -> R) -> R {
    let function = fields.function().map(display);
    let id = fields.id();
    let batch_size = fields.batch_size().map(|n| n as u64);
    let bytes = fields.bytes().map(|n| n as u64);
    let status = fields.status().map(u64::from);
    let latency_us = fields
        .latency()
        .map(|latency| u64::try_from(latency.as_micros()).unwrap_or(u64::MAX));
    let set = META.fields();
    let mut names = set.iter();
    let field: [Field; 6] = std::array::from_fn(|_| names.next().expect("a field per name"));
    let values = [
        (&field[0], function.as_ref().map(|v| v as &dyn Value)),
        (&field[1], id.as_ref().map(|v| v as &dyn Value)),
        (&field[2], batch_size.as_ref().map(|v| v as &dyn Value)),
        (&field[3], bytes.as_ref().map(|v| v as &dyn Value)),
        (&field[4], status.as_ref().map(|v| v as &dyn Value)),
        (&field[5], latency_us.as_ref().map(|v| v as &dyn Value)),
    ];
    let values = set.value_set(&values);
    f(&Record::new(&values))
}
