//! [`Metrics`]: Prometheus metrics of a function service (feature `metrics`), recorded for
//! every request an [`Endpoint`] answers, so every HTTP integration
//! records the same series, yours included.
//!
//! | name | type | labels | meaning |
//! |---|---|---|---|
//! | `statefun_requests_total` | counter | `function`, `outcome` | requests answered, by function and outcome: `answered` (200 with the batch's effects), `negotiation` (200 asking the runtime for missing state), `4xx`, `5xx`, `timeout` (504) |
//! | `statefun_batch_invocations` | histogram | `function` | invocations per batch |
//! | `statefun_batch_duration_seconds` | histogram | `function` | time from the body read to the answer, per batch |
//! | `statefun_request_body_bytes` | histogram | `function` | size of the request bodies dispatched |
//! | `statefun_requests_in_flight` | gauge | | requests being dispatched (body read, answer not made yet) |
//! | `statefun_panics_total` | counter | `function` | panics caught: in a function or its codecs, or in the SDK |
//! | `statefun_dead_letters_total` | counter | `function`, `reason` | messages set aside as dead letters ([`DeadLetters`](crate::DeadLetters)), by reason: `unaccepted_type`, `undecodable`, `rejected` |
//!
//! `function` is the registered typename of the target, or [`NO_FUNCTION`] for a request
//! that names no registered function (rejected before the dispatcher, malformed, or for an
//! unknown typename): label values come only from the registered functions, never from a
//! request. The series of every registered function exist from the start, at zero.
//!
//! ```
//! use statefun::{Functions, http::Endpoint, metrics::Metrics};
//!
//! let metrics = Metrics::new();
//! let endpoint = metrics.attach(Endpoint::new(Functions::new()));
//! // ... serve `endpoint`, then answer `GET /metrics` with:
//! let text = metrics.encode();
//! assert!(text.contains("statefun_requests_in_flight 0"));
//! # let _ = endpoint;
//! ```

use std::{fmt, sync::Arc};

use prometheus_client::{
    encoding::prometheus_text,
    metrics::{counter::Counter, family::Family, gauge::Gauge, histogram::Histogram},
    registry::{Registry, Unit},
};

use crate::{
    dispatch::Functions,
    http::{Endpoint, Observe, Report},
    message::DeadLetterReason,
    names::TypeName,
};

/// The `Content-Type` of [`Metrics::encode`]: the Prometheus text format, version 0.0.4.
pub const CONTENT_TYPE: &str = prometheus_text::CONTENT_TYPE;

/// The `function` label of requests that name no registered function.
pub const NO_FUNCTION: &str = "none";

type Labels1 = [(&'static str, String); 1];
type Labels2 = [(&'static str, String); 2];
type Histograms = Family<Labels1, Histogram, fn() -> Histogram>;

/// The metrics of a function service: create one, attach it to an
/// [`Endpoint`] with [`Metrics::attach`] (the actix-web service has a setting for it,
/// `with_metrics`), and serve [`Metrics::encode`] to Prometheus. Cloning is cheap: the
/// clones share the series.
///
/// The metrics are kept in a registry of their own; [`Metrics::register`] adds them to
/// yours as well, to be served with your application's own metrics.
#[derive(Clone)]
pub struct Metrics {
    families: Families,
    registry: Arc<Registry>,
}

#[derive(Clone)]
struct Families {
    requests: Family<Labels2, Counter>,
    batch_invocations: Histograms,
    batch_duration: Histograms,
    body_bytes: Histograms,
    in_flight: Gauge,
    panics: Family<Labels1, Counter>,
    dead_letters: Family<Labels2, Counter>,
}

impl Families {
    fn new() -> Self {
        Self {
            requests: Family::default(),
            batch_invocations: Family::new_with_constructor(|| {
                Histogram::new([1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0])
            }),
            batch_duration: Family::new_with_constructor(|| {
                Histogram::new([
                    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
                    10.0, 30.0, 60.0, 120.0,
                ])
            }),
            body_bytes: Family::new_with_constructor(|| {
                // 128 B to 32 MiB (the default body limit), by 4.
                Histogram::new((0..10).map(|i| 128.0 * 4f64.powi(i)))
            }),
            in_flight: Gauge::default(),
            panics: Family::default(),
            dead_letters: Family::default(),
        }
    }

    fn register(&self, registry: &mut Registry) {
        let r = registry.sub_registry_with_prefix("statefun");
        r.register(
            "requests",
            "Requests answered, by function and outcome (answered, negotiation, 4xx, 5xx, timeout)",
            self.requests.clone(),
        );
        r.register(
            "batch_invocations",
            "Invocations per batch",
            self.batch_invocations.clone(),
        );
        r.register_with_unit(
            "batch_duration",
            "Time from the body read to the answer, per batch",
            Unit::Seconds,
            self.batch_duration.clone(),
        );
        r.register_with_unit(
            "request_body",
            "Size of the request bodies dispatched",
            Unit::Bytes,
            self.body_bytes.clone(),
        );
        r.register(
            "requests_in_flight",
            "Requests being dispatched",
            self.in_flight.clone(),
        );
        r.register(
            "panics",
            "Panics caught, in a function, its codecs or the SDK",
            self.panics.clone(),
        );
        r.register(
            "dead_letters",
            "Messages set aside as dead letters, by function and reason (unaccepted_type, undecodable, rejected)",
            self.dead_letters.clone(),
        );
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for Metrics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Metrics")
            .field("requests_in_flight", &self.families.in_flight.get())
            .finish_non_exhaustive()
    }
}

impl Metrics {
    /// New metrics, all at zero.
    pub fn new() -> Self {
        let families = Families::new();
        let mut registry = Registry::default();
        families.register(&mut registry);
        Self {
            families,
            registry: Arc::new(registry),
        }
    }

    /// Adds these metrics to `registry` too, for a service that serves its own
    /// `prometheus-client` metrics: they then appear in its encoding as well.
    pub fn register(&self, registry: &mut Registry) {
        self.families.register(registry);
    }

    /// `endpoint`, recording every request it answers in these metrics (its
    /// [observer](Endpoint::with_observer)). The series of each function it serves are
    /// created now, at zero.
    pub fn attach(&self, endpoint: Endpoint) -> Endpoint {
        let recorder = Recorder::new(self, endpoint.functions());
        endpoint.with_observer(recorder)
    }

    /// The metrics in the Prometheus text format (version 0.0.4, [`CONTENT_TYPE`]): the
    /// body of the answer to `GET /metrics`.
    pub fn encode(&self) -> String {
        let mut text = String::with_capacity(4096);
        // Writing to a `String` cannot fail.
        let _ = prometheus_text::encode(&mut text, &self.registry);
        text
    }
}

/// The series of one `function` label value, created once so that recording a request
/// looks no label up.
#[derive(Debug)]
struct Series {
    answered: Counter,
    negotiation: Counter,
    client_error: Counter,
    server_error: Counter,
    timeout: Counter,
    panics: Counter,
    /// By [`DeadLetterReason`]: unaccepted type, undecodable, rejected.
    dead_letters: [Counter; 3],
    invocations: Histogram,
    duration: Histogram,
    body_bytes: Histogram,
}

impl Series {
    fn new(families: &Families, function: &str) -> Self {
        let request = |outcome: &str| {
            families
                .requests
                .get_or_create_owned(&[("function", function.into()), ("outcome", outcome.into())])
        };
        let label = [("function", function.to_owned())];
        Self {
            answered: request("answered"),
            negotiation: request("negotiation"),
            client_error: request("4xx"),
            server_error: request("5xx"),
            timeout: request("timeout"),
            panics: families.panics.get_or_create_owned(&label),
            dead_letters: [
                DeadLetterReason::UnacceptedType,
                DeadLetterReason::Undecodable,
                DeadLetterReason::Rejected,
            ]
            .map(|reason| {
                families.dead_letters.get_or_create_owned(&[
                    ("function", function.into()),
                    ("reason", reason.as_str().into()),
                ])
            }),
            invocations: families.batch_invocations.get_or_create_owned(&label),
            duration: families.batch_duration.get_or_create_owned(&label),
            body_bytes: families.body_bytes.get_or_create_owned(&label),
        }
    }
}

/// [`Metrics`] bound to the functions of one endpoint: the series of each function.
struct Recorder {
    in_flight: Gauge,
    functions: Vec<(TypeName, Series)>,
    none: Series,
}

impl Recorder {
    fn new(metrics: &Metrics, functions: &Functions) -> Self {
        let families = &metrics.families;
        Self {
            in_flight: families.in_flight.clone(),
            functions: functions
                .type_names()
                .into_iter()
                .map(|t| (t.clone(), Series::new(families, t.as_ref())))
                .collect(),
            none: Series::new(families, NO_FUNCTION),
        }
    }

    fn series(&self, function: Option<&TypeName>) -> &Series {
        function
            .and_then(|f| self.functions.iter().find(|(t, _)| t == f))
            .map_or(&self.none, |(_, series)| series)
    }
}

impl Observe for Recorder {
    fn dispatching(&self) {
        self.in_flight.inc();
    }

    fn answered(&self, report: &Report<'_>) {
        self.in_flight.dec();
        let series = self.series(report.function());
        series.body_bytes.observe(report.body_bytes() as f64);
        if report.function().is_some() {
            series.invocations.observe(report.batch_size() as f64);
            series.duration.observe(report.elapsed().as_secs_f64());
        }
        if report.panicked() {
            series.panics.inc();
        }
        for reason in report.dead_letters() {
            let index = match reason {
                DeadLetterReason::UnacceptedType => 0,
                DeadLetterReason::Undecodable => 1,
                _ => 2,
            };
            series.dead_letters[index].inc();
        }
        count(series, report.status(), report.negotiation());
    }

    fn abandoned(&self) {
        self.in_flight.dec();
    }

    fn rejected(&self, status: u16) {
        count(&self.none, status, false);
    }
}

fn count(series: &Series, status: u16, negotiation: bool) {
    let counter = match status {
        200 if negotiation => &series.negotiation,
        200..=399 => &series.answered,
        504 => &series.timeout,
        400..=499 => &series.client_error,
        _ => &series.server_error,
    };
    counter.inc();
}
