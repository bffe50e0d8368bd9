//! [`Operations`]: the paths an orchestrator and a monitoring system use, beside the
//! function path: metrics, liveness, readiness, and the catalog of the functions.

use std::sync::Arc;

use actix_web::{
    HttpResponse,
    dev::{AppService, HttpServiceFactory},
    http::header,
    web,
};
use statefun_core::http::TEXT_PLAIN;
#[cfg(feature = "metrics")]
use statefun_core::metrics::{self, Metrics};

use crate::shutdown;

/// Where [`Operations`] answers `GET` with the metrics by default.
pub const DEFAULT_METRICS_PATH: &str = "/metrics";
/// Where [`Operations`] answers the liveness probe by default.
pub const DEFAULT_HEALTH_PATH: &str = "/health";
/// Where [`Operations`] answers the readiness probe by default.
pub const DEFAULT_READY_PATH: &str = "/ready";
/// Where [`Operations`] answers `GET` with the catalog of the functions by default.
pub const DEFAULT_CATALOG_PATH: &str = "/catalog";

/// The operational paths of an [`Endpoint`](crate::Endpoint), each answering `GET`:
///
/// | path | answer |
/// |---|---|
/// | [`DEFAULT_METRICS_PATH`] | 200, the Prometheus metrics (feature `metrics`, when the endpoint has metrics) |
/// | [`DEFAULT_HEALTH_PATH`] | 200 `ok` while the process serves (liveness) |
/// | [`DEFAULT_CATALOG_PATH`] | 200, the functions served, their message types and states, as JSON ([`statefun_core::Catalog::to_json`]): what `statefun-local --check` compares a module.yaml with |
/// | [`DEFAULT_READY_PATH`] | 200 `ready`; 503 from the moment a graceful shutdown starts ([`run_with_graceful_shutdown`](crate::run_with_graceful_shutdown)), so that a load balancer sends no new batch while those in flight finish (readiness) |
///
/// Any other method, a StateFun `POST` included, is answered 405 with `Allow: GET` and a
/// text that names the path StateFun requests go to. The endpoint serves these paths
/// itself, registered before its function path so that they win over a pattern such as
/// `/{name}`; [`Endpoint::with_operations_mounted`](crate::Endpoint::with_operations_mounted)`(false)`
/// leaves them out, to mount `endpoint.operations()` elsewhere, for example in a server on
/// another port. Requests to these paths are not counted in the metrics.
#[derive(Clone, Debug)]
pub struct Operations {
    pub(crate) function_path: String,
    #[cfg_attr(not(feature = "metrics"), allow(dead_code))]
    pub(crate) metrics_path: String,
    pub(crate) health_path: String,
    pub(crate) ready_path: String,
    pub(crate) catalog_path: String,
    /// The catalog's JSON, rendered once.
    pub(crate) catalog: Arc<str>,
    #[cfg(feature = "metrics")]
    pub(crate) metrics: Option<Metrics>,
}

impl Operations {
    /// The path of the metrics, if they are served (feature `metrics`, and the endpoint
    /// has metrics).
    pub fn metrics_path(&self) -> Option<&str> {
        #[cfg(feature = "metrics")]
        if self.metrics.is_some() {
            return Some(&self.metrics_path);
        }
        None
    }

    /// The path of the liveness probe.
    pub fn health_path(&self) -> &str {
        &self.health_path
    }

    /// The path of the readiness probe.
    pub fn ready_path(&self) -> &str {
        &self.ready_path
    }

    /// The path of the catalog of the functions.
    pub fn catalog_path(&self) -> &str {
        &self.catalog_path
    }

    /// The paths served, the metrics first when served.
    pub(crate) fn paths(&self) -> Vec<&str> {
        self.metrics_path()
            .into_iter()
            .chain([self.health_path(), self.ready_path(), self.catalog_path()])
            .collect()
    }

    /// Why these paths cannot be served beside the function path, if they cannot: a path
    /// used twice.
    pub(crate) fn conflict(&self) -> Option<String> {
        let paths = self.paths();
        paths.iter().enumerate().find_map(|(i, path)| {
            if *path == self.function_path {
                Some(format!(
                    "the function path `{path}` is also an operational path (metrics, health, readiness or catalog); give one of them another path with `Endpoint::with_path`, `with_metrics_path`, `with_health_path`, `with_ready_path` or `with_catalog_path`"
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
}

/// 405 for a method other than `GET` on an operational path.
fn not_get(path: &str, what: &str, function_path: &str) -> HttpResponse {
    HttpResponse::MethodNotAllowed()
        .insert_header((header::ALLOW, "GET"))
        .content_type(TEXT_PLAIN)
        .body(format!(
            "`{path}` answers GET with {what}; StateFun requests go to POST `{function_path}`"
        ))
}

fn resource<F, R>(
    path: &str,
    what: &'static str,
    function_path: &str,
    get: F,
) -> actix_web::Resource
where
    F: Fn() -> R + Clone + 'static,
    R: std::future::Future<Output = HttpResponse> + 'static,
{
    let (here, served) = (path.to_owned(), function_path.to_owned());
    web::resource(path)
        .route(web::get().to(get))
        .default_service(web::to(move || {
            let answer = not_get(&here, what, &served);
            async move { answer }
        }))
}

impl HttpServiceFactory for Operations {
    fn register(self, config: &mut AppService) {
        if let Some(conflict) = self.conflict() {
            panic!("{conflict}");
        }
        #[cfg(feature = "metrics")]
        if let Some(metrics) = self.metrics {
            resource(
                &self.metrics_path,
                "the metrics",
                &self.function_path,
                move || {
                    let text = metrics.encode();
                    async move {
                        HttpResponse::Ok()
                            .content_type(metrics::CONTENT_TYPE)
                            .body(text)
                    }
                },
            )
            .register(config);
        }
        resource(
            &self.health_path,
            "the liveness",
            &self.function_path,
            || async { HttpResponse::Ok().content_type(TEXT_PLAIN).body("ok") },
        )
        .register(config);
        let catalog = self.catalog.clone();
        resource(
            &self.catalog_path,
            "the catalog of the functions",
            &self.function_path,
            move || {
                let body = catalog.to_string();
                async move {
                    HttpResponse::Ok()
                        .content_type("application/json")
                        .body(body)
                }
            },
        )
        .register(config);
        resource(
            &self.ready_path,
            "the readiness",
            &self.function_path,
            || async {
                if shutdown::stopping() {
                    HttpResponse::ServiceUnavailable()
                        .content_type(TEXT_PLAIN)
                        .body("stopping: a graceful shutdown is under way")
                } else {
                    HttpResponse::Ok().content_type(TEXT_PLAIN).body("ready")
                }
            },
        )
        .register(config);
    }
}
