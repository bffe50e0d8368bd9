//! One trace through the function graph, exported with OpenTelemetry (feature `otel`).
//!
//! With the feature on and the export set up, every invocation is a span,
//! `statefun.invocation`, with the function's typename, the instance id and the message's
//! typename as attributes. Its parent is the span of the invocation that sent the message:
//! the SDK writes the W3C trace context (`traceparent`, `tracestate`) of the sending
//! invocation into the argument of every message and delayed message it sends (field 4 of
//! `TypedValue`, which the StateFun runtime passes on unchanged), and reads it from each
//! invocation's argument. So one ingress record's path (function A, a message to B, a delayed
//! message to C) is one trace. A message without context (from an ingress, or from a function
//! of another SDK) starts a new trace. Spans and events of your own inside a function are
//! children of its invocation's span. Egress records carry no context: StateFun 3.3.0's
//! Kafka and Kinesis egress records have no headers.
//!
//! [`logging::init`](crate::logging::init) sets the export up when this feature is on and
//! an endpoint is set (`OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`;
//! without one it logs as without the feature); a subscriber of your own adds [`layer`].
//! With the export on, the lines your function logs are inside its `statefun.invocation`
//! span. The exporter is OTLP over HTTP (protobuf),
//! configured by the standard variables: `OTEL_EXPORTER_OTLP_ENDPOINT` (default
//! `http://localhost:4318`; `/v1/traces` is appended) or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`
//! (used as it is), `OTEL_EXPORTER_OTLP_HEADERS`, `OTEL_EXPORTER_OTLP_TIMEOUT`,
//! `OTEL_SERVICE_NAME`, `OTEL_RESOURCE_ATTRIBUTES`, the batch processor's `OTEL_BSP_*`
//! (`OTEL_BSP_SCHEDULE_DELAY`, default 5000 ms) and `OTEL_TRACES_SAMPLER`;
//! `OTEL_SDK_DISABLED=true` turns the export off. The built-in HTTP client speaks plain
//! HTTP (a collector or agent next to the service), not HTTPS.
//!
//! ```no_run
//! // OTEL_EXPORTER_OTLP_ENDPOINT=http://collector:4318 OTEL_SERVICE_NAME=greeter
//! statefun::logging::init(); // logs to stderr, spans to the collector
//! // ... serve your functions ...
//! statefun::otel::shutdown(); // before exiting: sends the spans not sent yet
//! ```
//!
//! Without the feature nothing of this is compiled in; with it and the export not set up,
//! an invocation costs one atomic load more. docs/operations.md ("Tracing") has the
//! figures, and docs/conformance.md the experiment that shows the runtime keeps the field.

use std::{future::Future, pin::Pin, sync::OnceLock};

use bytes::Bytes;
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_http::{HttpClient, HttpError, Request, Response};
use opentelemetry_otlp::{WithExportConfig as _, WithHttpConfig as _};
use opentelemetry_sdk::{Resource, trace::SdkTracerProvider};
use tracing::Subscriber;
use tracing_subscriber::{Layer, registry::LookupSpan};

/// The variable that turns the export off when `true`.
pub const DISABLED_VARIABLE: &str = "OTEL_SDK_DISABLED";

/// The tracer provider, made by the first [`layer`] call (`None`: the export is off, or
/// could not be set up).
static PROVIDER: OnceLock<Option<SdkTracerProvider>> = OnceLock::new();

/// The OpenTelemetry layer for a subscriber of your own: it exports the invocation spans
/// (and yours inside them) over OTLP, and from its first call on the SDK makes those spans
/// and carries their context in messages. `None` when `OTEL_SDK_DISABLED=true` or when
/// the exporter cannot be built from the variables (said once on stderr).
///
/// ```no_run
/// use tracing_subscriber::{layer::SubscriberExt as _, util::SubscriberInitExt as _};
///
/// tracing_subscriber::registry()
///     .with(tracing_subscriber::fmt::layer())
///     .with(statefun::otel::layer())
///     .init();
/// ```
///
/// An invocation's parent is its sender's span, not the span of the request it came in:
/// the pipeline's own spans, when your filter lets them through (`statefun.batch` at DEBUG;
/// `statefun.request` with a subscriber of your own, `logging::init` turns it off), are
/// exported as spans of traces of their own.
pub fn layer<S>() -> Option<impl Layer<S>>
where
    S: Subscriber + for<'span> LookupSpan<'span>,
{
    let provider = PROVIDER.get_or_init(provider).as_ref()?;
    Some(layer_for(provider))
}

/// The layer of [`layer`], for a tracer provider of your own (another exporter, sampler
/// or resource; `opentelemetry_sdk` 0.33). From its first call on the SDK makes the
/// invocation spans and carries their context in messages.
///
/// ```
/// use opentelemetry_sdk::trace::SdkTracerProvider;
/// use tracing_subscriber::layer::SubscriberExt as _;
///
/// let provider = SdkTracerProvider::builder().build(); // add your exporter
/// let subscriber = tracing_subscriber::registry().with(statefun::otel::layer_for(&provider));
/// tracing::subscriber::with_default(subscriber, || {
///     // functions invoked here are traced
/// });
/// ```
pub fn layer_for<S>(provider: &SdkTracerProvider) -> impl Layer<S> + use<S>
where
    S: Subscriber + for<'span> LookupSpan<'span>,
{
    statefun_core::__private::enable_invocation_spans();
    tracing_opentelemetry::layer().with_tracer(provider.tracer("statefun"))
}

/// Set by [`logging::init`](crate::logging::init): its subscriber gets [`layer`].
static WITH_LOGGING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// The variables that name where spans go; `logging::init` exports only when one is set.
pub const ENDPOINT_VARIABLES: [&str; 2] = [
    "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
    "OTEL_EXPORTER_OTLP_ENDPOINT",
];

/// The hook of `logging::init_with`: the subscriber it installs exports spans, when an
/// endpoint is set ([`ENDPOINT_VARIABLES`]).
pub(crate) fn export_with_logging() {
    let configured = ENDPOINT_VARIABLES
        .iter()
        .any(|name| std::env::var(name).is_ok_and(|value| !value.trim().is_empty()));
    WITH_LOGGING.store(configured, std::sync::atomic::Ordering::Relaxed);
}

/// [`layer`] for `logging::init_with`'s subscriber; `None` for the subscribers the logging
/// tests make.
pub(crate) fn logging_layer<S>() -> Option<impl Layer<S>>
where
    S: Subscriber + for<'span> LookupSpan<'span>,
{
    if WITH_LOGGING.load(std::sync::atomic::Ordering::Relaxed) {
        layer()
    } else {
        None
    }
}

/// Sends the spans not sent yet and stops the exporter; call it before the process exits
/// (the batch processor sends every `OTEL_BSP_SCHEDULE_DELAY`, 5 s by default). Spans
/// ended after it are dropped. Nothing happens if the export was never set up.
pub fn shutdown() {
    if let Some(Some(provider)) = PROVIDER.get()
        && let Err(error) = provider.shutdown()
    {
        eprintln!("statefun: the OpenTelemetry export did not shut down cleanly: {error}");
    }
}

/// The provider the variables describe, or `None` (said on stderr when it is an error).
fn provider() -> Option<SdkTracerProvider> {
    let disabled = std::env::var(DISABLED_VARIABLE)
        .is_ok_and(|value| value.trim().eq_ignore_ascii_case("true"));
    if disabled {
        return None;
    }
    let exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_http()
        .with_http_client(Ureq::new())
        .with_protocol(opentelemetry_otlp::Protocol::HttpBinary)
        .build();
    let exporter = match exporter {
        Ok(exporter) => exporter,
        Err(error) => {
            eprintln!("statefun: OpenTelemetry export off, the exporter cannot be built: {error}");
            return None;
        }
    };
    let provider = SdkTracerProvider::builder()
        .with_batch_exporter(exporter)
        .with_resource(Resource::builder().build())
        .build();
    opentelemetry::global::set_tracer_provider(provider.clone());
    Some(provider)
}

/// The exporter's HTTP client: ureq (blocking), which suits the batch processor's own
/// thread.
#[derive(Debug)]
struct Ureq(ureq::Agent);

impl Ureq {
    fn new() -> Self {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(std::time::Duration::from_secs(10)))
            .build();
        Self(ureq::Agent::new_with_config(config))
    }
}

impl HttpClient for Ureq {
    fn send_bytes<'life0, 'async_trait>(
        &'life0 self,
        request: Request<Bytes>,
    ) -> Pin<Box<dyn Future<Output = Result<Response<Bytes>, HttpError>> + Send + 'async_trait>>
    where
        'life0: 'async_trait,
        Self: 'async_trait,
    {
        Box::pin(async move {
            let (parts, body) = request.into_parts();
            let request = Request::from_parts(parts, body.to_vec());
            let response = self.0.run(request)?;
            let (parts, mut body) = response.into_parts();
            let body = body.read_to_vec()?;
            Ok(Response::from_parts(parts, Bytes::from(body)))
        })
    }
}
