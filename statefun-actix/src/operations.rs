//! [`Operations`]: the paths an orchestrator and a monitoring system use, beside the
//! function path: metrics, liveness, readiness, and the catalog of the functions.

use std::sync::Arc;

use actix_web::{
    HttpResponse,
    dev::{AppService, HttpServiceFactory},
    http::header,
    web,
};
pub use statefun_core::http::{
    DEFAULT_CATALOG_PATH, DEFAULT_HEALTH_PATH, DEFAULT_METRICS_PATH, DEFAULT_READY_PATH,
};
use statefun_core::http::{
    Operation, PathConflict, STOPPING_TEXT, TEXT_PLAIN, check_operational_paths,
};
#[cfg(feature = "metrics")]
use statefun_core::metrics::{self, Metrics};

use crate::shutdown;

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
    pub(crate) fn conflict(&self) -> Result<(), PathConflict> {
        check_operational_paths(&self.function_path, &self.paths())
    }
}

/// `path` answering `GET` with `get`, and any other method with 405.
fn resource<F, R>(
    path: &str,
    operation: Operation,
    function_path: &str,
    get: F,
) -> actix_web::Resource
where
    F: Fn() -> R + Clone + 'static,
    R: std::future::Future<Output = HttpResponse> + 'static,
{
    let text = operation.wrong_method_text(path, function_path);
    web::resource(path)
        .route(web::get().to(get))
        .default_service(web::to(move || {
            let answer = HttpResponse::MethodNotAllowed()
                .insert_header((header::ALLOW, "GET"))
                .content_type(TEXT_PLAIN)
                .body(text.clone());
            async move { answer }
        }))
}

impl HttpServiceFactory for Operations {
    fn register(self, config: &mut AppService) {
        if let Err(conflict) = self.conflict() {
            panic!("{conflict}");
        }
        #[cfg(feature = "metrics")]
        if let Some(metrics) = self.metrics {
            resource(
                &self.metrics_path,
                Operation::Metrics,
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
            Operation::Health,
            &self.function_path,
            || async { HttpResponse::Ok().content_type(TEXT_PLAIN).body("ok") },
        )
        .register(config);
        let catalog = self.catalog.clone();
        resource(
            &self.catalog_path,
            Operation::Catalog,
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
            Operation::Ready,
            &self.function_path,
            || async {
                if shutdown::stopping() {
                    HttpResponse::ServiceUnavailable()
                        .content_type(TEXT_PLAIN)
                        .body(STOPPING_TEXT)
                } else {
                    HttpResponse::Ok().content_type(TEXT_PLAIN).body("ready")
                }
            },
        )
        .register(config);
    }
}
