//! The operational paths of a [`Server`](super::Server): metrics, liveness, readiness and
//! the catalog of the functions, answered with the actix service's statuses and texts.

use http_body_util::Full;
use hyper::{Method, Response, StatusCode, header};

#[cfg(feature = "metrics")]
use crate::metrics::Metrics;
use crate::{Bytes, http::TEXT_PLAIN};

/// Where a [`Server`](super::Server) answers `GET` with the metrics by default.
pub const DEFAULT_METRICS_PATH: &str = "/metrics";
/// Where a [`Server`](super::Server) answers the liveness probe by default.
pub const DEFAULT_HEALTH_PATH: &str = "/health";
/// Where a [`Server`](super::Server) answers the readiness probe by default.
pub const DEFAULT_READY_PATH: &str = "/ready";
/// Where a [`Server`](super::Server) answers `GET` with the catalog of the functions by
/// default.
pub const DEFAULT_CATALOG_PATH: &str = "/catalog";

/// The paths of the operational answers, as set on the server.
#[derive(Clone, Debug)]
pub(crate) struct Paths {
    pub(crate) metrics: String,
    pub(crate) health: String,
    pub(crate) ready: String,
    pub(crate) catalog: String,
}

impl Default for Paths {
    fn default() -> Self {
        Self {
            metrics: DEFAULT_METRICS_PATH.to_owned(),
            health: DEFAULT_HEALTH_PATH.to_owned(),
            ready: DEFAULT_READY_PATH.to_owned(),
            catalog: DEFAULT_CATALOG_PATH.to_owned(),
        }
    }
}

/// Which operational answer a request is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Probe {
    #[cfg(feature = "metrics")]
    Metrics,
    Health,
    Ready,
    Catalog,
}

impl Probe {
    /// What the path answers, for the 405 text.
    fn what(self) -> &'static str {
        match self {
            #[cfg(feature = "metrics")]
            Probe::Metrics => "the metrics",
            Probe::Health => "the liveness",
            Probe::Ready => "the readiness",
            Probe::Catalog => "the catalog of the functions",
        }
    }
}

/// The operational paths of one running server, with what they answer.
pub(crate) struct Operations {
    paths: Paths,
    function_path: String,
    /// The catalog's JSON, rendered once.
    catalog: Bytes,
    #[cfg(feature = "metrics")]
    metrics: Option<Metrics>,
}

impl Operations {
    pub(crate) fn new(
        paths: Paths,
        function_path: &str,
        catalog: String,
        #[cfg(feature = "metrics")] metrics: Option<Metrics>,
    ) -> Self {
        Self {
            paths,
            function_path: function_path.to_owned(),
            catalog: Bytes::from(catalog),
            #[cfg(feature = "metrics")]
            metrics,
        }
    }

    /// The path of the metrics, if they are served.
    pub(crate) fn metrics_path(&self) -> Option<&str> {
        #[cfg(feature = "metrics")]
        if self.metrics.is_some() {
            return Some(&self.paths.metrics);
        }
        None
    }

    /// The paths served, the metrics first when served.
    fn paths(&self) -> Vec<&str> {
        self.metrics_path()
            .into_iter()
            .chain([
                self.paths.health.as_str(),
                &self.paths.ready,
                &self.paths.catalog,
            ])
            .collect()
    }

    /// Why these paths cannot be served beside the function path, if they cannot: a path
    /// used twice.
    pub(crate) fn conflict(&self) -> Option<String> {
        let paths = self.paths();
        paths.iter().enumerate().find_map(|(i, path)| {
            if *path == self.function_path {
                Some(format!(
                    "the function path `{path}` is also an operational path (metrics, health, readiness or catalog); give one of them another path with `Endpoint::with_path`, `Server::with_metrics_path`, `with_health_path`, `with_ready_path` or `with_catalog_path`"
                ))
            } else if paths[..i].contains(path) {
                Some(format!(
                    "`{path}` is given to two operational paths (metrics, health, readiness or catalog); give each its own"
                ))
            } else {
                None
            }
        })
    }

    /// The operational answer `path` is for, if any.
    pub(crate) fn probe(&self, path: &str) -> Option<Probe> {
        #[cfg(feature = "metrics")]
        if self.metrics.is_some() && path == self.paths.metrics {
            return Some(Probe::Metrics);
        }
        if path == self.paths.health {
            Some(Probe::Health)
        } else if path == self.paths.ready {
            Some(Probe::Ready)
        } else if path == self.paths.catalog {
            Some(Probe::Catalog)
        } else {
            None
        }
    }

    /// The answer of `probe` to a request with `method`; `stopping` says whether a graceful
    /// shutdown is under way (the readiness answers 503 then).
    pub(crate) fn answer(
        &self,
        probe: Probe,
        method: &Method,
        path: &str,
        stopping: bool,
    ) -> Response<Full<Bytes>> {
        if method != Method::GET {
            let text = format!(
                "`{path}` answers GET with {}; StateFun requests go to POST `{}`",
                probe.what(),
                self.function_path
            );
            let mut response = text_answer(StatusCode::METHOD_NOT_ALLOWED, text.into());
            response
                .headers_mut()
                .insert(header::ALLOW, header::HeaderValue::from_static("GET"));
            return response;
        }
        match probe {
            #[cfg(feature = "metrics")]
            Probe::Metrics => {
                let text = self
                    .metrics
                    .as_ref()
                    .map(Metrics::encode)
                    .unwrap_or_default();
                answer(StatusCode::OK, crate::metrics::CONTENT_TYPE, text.into())
            }
            Probe::Health => text_answer(StatusCode::OK, Bytes::from_static(b"ok")),
            Probe::Ready if stopping => text_answer(
                StatusCode::SERVICE_UNAVAILABLE,
                Bytes::from_static(b"stopping: a graceful shutdown is under way"),
            ),
            Probe::Ready => text_answer(StatusCode::OK, Bytes::from_static(b"ready")),
            Probe::Catalog => answer(StatusCode::OK, "application/json", self.catalog.clone()),
        }
    }

    /// The start-up line that lists the operational paths.
    pub(crate) fn announce(&self) {
        tracing::info!(
            "operations: {}GET {} (liveness), GET {} (readiness), GET {} (catalog)",
            self.metrics_path()
                .map(|path| format!("GET {path} (metrics), "))
                .unwrap_or_default(),
            self.paths.health,
            self.paths.ready,
            self.paths.catalog
        );
    }
}

fn text_answer(status: StatusCode, body: Bytes) -> Response<Full<Bytes>> {
    answer(status, TEXT_PLAIN, body)
}

fn answer(status: StatusCode, content_type: &'static str, body: Bytes) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(body));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static(content_type),
    );
    response
}
