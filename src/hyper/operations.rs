//! The operational paths of a [`Server`](super::Server): metrics, liveness, readiness and
//! the catalog of the functions, with the texts of [`Operation`], as the actix service
//! answers them.

use http_body_util::Full;
use hyper::{Method, Response, StatusCode, header};

pub use crate::http::{
    DEFAULT_CATALOG_PATH, DEFAULT_HEALTH_PATH, DEFAULT_METRICS_PATH, DEFAULT_READY_PATH,
};
#[cfg(feature = "metrics")]
use crate::metrics::Metrics;
use crate::{
    Bytes,
    http::{Operation, PathConflict, STOPPING_TEXT, TEXT_PLAIN, check_operational_paths},
};

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
    pub(crate) fn conflict(&self) -> Result<(), PathConflict> {
        check_operational_paths(&self.function_path, &self.paths())
    }

    /// The operational answer `path` is for, if any.
    pub(crate) fn operation(&self, path: &str) -> Option<Operation> {
        #[cfg(feature = "metrics")]
        if self.metrics.is_some() && path == self.paths.metrics {
            return Some(Operation::Metrics);
        }
        if path == self.paths.health {
            Some(Operation::Health)
        } else if path == self.paths.ready {
            Some(Operation::Ready)
        } else if path == self.paths.catalog {
            Some(Operation::Catalog)
        } else {
            None
        }
    }

    /// The answer of `operation` to a request with `method`; `stopping` says whether a graceful
    /// shutdown is under way (the readiness answers 503 then).
    pub(crate) fn answer(
        &self,
        operation: Operation,
        method: &Method,
        path: &str,
        stopping: bool,
    ) -> Response<Full<Bytes>> {
        if method != Method::GET {
            let text = operation.wrong_method_text(path, &self.function_path);
            let mut response = text_answer(StatusCode::METHOD_NOT_ALLOWED, text.into());
            response
                .headers_mut()
                .insert(header::ALLOW, header::HeaderValue::from_static("GET"));
            return response;
        }
        match operation {
            #[cfg(feature = "metrics")]
            Operation::Metrics => {
                let text = self
                    .metrics
                    .as_ref()
                    .map(Metrics::encode)
                    .unwrap_or_default();
                answer(StatusCode::OK, crate::metrics::CONTENT_TYPE, text.into())
            }
            Operation::Health => text_answer(StatusCode::OK, Bytes::from_static(b"ok")),
            Operation::Ready if stopping => text_answer(
                StatusCode::SERVICE_UNAVAILABLE,
                Bytes::from_static(STOPPING_TEXT.as_bytes()),
            ),
            Operation::Ready => text_answer(StatusCode::OK, Bytes::from_static(b"ready")),
            Operation::Catalog => answer(StatusCode::OK, "application/json", self.catalog.clone()),
            // `operation` finds no other: the metrics only when they are served.
            _ => text_answer(StatusCode::NOT_FOUND, Bytes::new()),
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
