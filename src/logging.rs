//! Logging in one call: [`init`] sends the SDK's log events (and your own `tracing`
//! events) to stderr, so that a failed batch or a misconfigured path never goes unseen, as
//! text for a terminal or as JSON lines for a log shipper ([`Format`]).
//!
//! ```
//! statefun::logging::init();
//! tracing::info!("ready");
//! ```
//!
//! The SDK logs with [`tracing`](https://docs.rs/tracing): at `INFO` where the service
//! listens and what it serves, at `WARN` each rejected request (4xx) and each request to a
//! path that is not served, at `ERROR` each failed batch (5xx) with the function, the id
//! and the error. Install your own subscriber instead of calling [`init`] if you need other
//! formats or destinations.
//!
//! # The request's fields
//!
//! Every line written while a request runs (your function's own, the SDK's) carries the
//! request span `statefun.request` with the fields known by then: `function`, `id` and
//! `batch_size` from the moment the batch starts, `bytes` (the body's size), then `status`
//! and `latency_us` (microseconds, a number) on the line that ends the request, which has
//! `status` and `latency_us` itself too:
//!
//! ```text
//! 2025-06-01T10:00:00.000000Z  INFO statefun.request{function=demo/greeter id="ann" batch_size=1 bytes=48}: greeter: greeting ann
//! 2025-06-01T10:00:00.000100Z ERROR statefun.request{function=demo/cart id="ann" batch_size=1 bytes=52 status=500 latency_us=85}: statefun::http: request failed status=500 latency_us=85 error=function demo/cart (id `ann`) failed: ...
//! ```
//!
//! The fields are formatted only when a line is written: a request answered 200 writes
//! nothing at `INFO`, and costs no more than with no subscriber at all. (The pipeline's own
//! span is turned off for that: the subscriber writes the request's
//! [`RequestFields`](crate::http::RequestFields) as that span instead. A subscriber of your
//! own gets the pipeline's span `statefun.request` as before, its fields formatted as it
//! formats them.) Unlike a span, they are not the function's `Span::current()`.
//!
//! # JSON
//!
//! With `STATEFUN_LOG_FORMAT=json` in the environment (or [`init_with`]`(Format::Json)`),
//! each event is one JSON object on a line: `timestamp`, `level`, the event's fields
//! (`message` among them), `target`, and under `span` the fields of the span the event is
//! in (the request span `statefun.request` when it is in no span of its own); `spans` lists
//! every span the event is in, outermost first, the request span first. So every event of a
//! request, your function's own included, says which function and id it belongs to:
//!
//! ```text
//! {"timestamp":"2025-06-01T10:00:00.000000Z","level":"INFO","message":"greeting ann","target":"greeter","span":{"batch_size":1,"bytes":48,"function":"demo/greeter","id":"ann","name":"statefun.request"},"spans":[...]}
//! {"timestamp":"2025-06-01T10:00:00.000100Z","level":"ERROR","message":"request failed","status":500,"latency_us":85,"error":"function demo/cart (id `ann`) failed: ...","target":"statefun::http","span":{"batch_size":1,"bytes":52,"function":"demo/cart","id":"ann","latency_us":85,"status":500,"name":"statefun.request"},"spans":[...]}
//! ```

use tracing::Subscriber;
use tracing_subscriber::{
    EnvFilter, fmt::MakeWriter, layer::SubscriberExt as _, util::SubscriberInitExt as _,
};

mod json;
mod request_span;
#[cfg(test)]
mod tests;
mod text;

use request_span::PipelineSpanOff;

/// The filter used when `RUST_LOG` is not set.
pub const DEFAULT_FILTER: &str = "info";

/// The environment variable [`Format::from_env`] reads: `json` or `text`.
pub const FORMAT_VARIABLE: &str = "STATEFUN_LOG_FORMAT";

/// How [`init_with`] writes events.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Format {
    /// Human-readable lines, in color when stderr is a terminal.
    #[default]
    Text,
    /// One JSON object per event and line, with the fields of the spans it is in (see the
    /// [module docs](self#json)).
    Json,
}

impl Format {
    /// The format named by `STATEFUN_LOG_FORMAT` ([`FORMAT_VARIABLE`]): `json` (any case)
    /// for [`Format::Json`], anything else or nothing for [`Format::Text`].
    pub fn from_env() -> Self {
        match std::env::var(FORMAT_VARIABLE) {
            Ok(value) if value.trim().eq_ignore_ascii_case("json") => Self::Json,
            _ => Self::Text,
        }
    }
}

/// Installs a global subscriber that writes to stderr, filtered by `RUST_LOG` (e.g.
/// `RUST_LOG=debug`, `RUST_LOG=statefun=debug,info`; default [`DEFAULT_FILTER`]), in the
/// format of `STATEFUN_LOG_FORMAT` ([`Format::from_env`]): text unless it says `json`.
///
/// Does nothing if a global subscriber is installed already (by an earlier call, or by
/// your own setup), so it is safe to call from tests and examples alike.
pub fn init() {
    init_with(Format::from_env());
}

/// Like [`init`], in the format given whatever the environment says.
pub fn init_with(format: Format) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    // The `otel` feature: this subscriber exports spans too (src/otel.rs).
    #[cfg(feature = "otel")]
    crate::otel::export_with_logging();
    let _ = subscriber(format, filter, std::io::stderr, ansi).try_init();
}

/// The `otel` feature's OpenTelemetry layer in [`init_with`]'s subscriber (src/otel.rs);
/// a layer that does nothing without the feature.
#[cfg(feature = "otel")]
use crate::otel::logging_layer as export;
#[cfg(not(feature = "otel"))]
fn export() -> tracing_subscriber::layer::Identity {
    tracing_subscriber::layer::Identity::new()
}

/// The subscriber [`init_with`] installs, writing to `writer`.
fn subscriber<W>(
    format: Format,
    filter: EnvFilter,
    writer: W,
    ansi: bool,
) -> Box<dyn Subscriber + Send + Sync>
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer);
    match format {
        Format::Text => Box::new(
            builder
                .with_ansi(ansi)
                .event_format(text::Text::new())
                .finish()
                .with(PipelineSpanOff)
                .with(export()),
        ),
        Format::Json => Box::new(
            builder
                .json()
                .event_format(json::Json::new())
                .finish()
                .with(PipelineSpanOff)
                .with(export()),
        ),
    }
}
