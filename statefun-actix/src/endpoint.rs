//! [`Endpoint`]: your functions at a path, with the HTTP settings, as an actix-web service.

use std::{fmt, io, net::ToSocketAddrs, sync::Arc, time::Duration};

use actix_web::{
    HttpRequest, Route,
    dev::{AppService, HttpServiceFactory},
    web,
};
pub use statefun_core::http::{DEFAULT_BODY_LIMIT, DEFAULT_PATH, DEFAULT_TIMEOUT};
#[cfg(feature = "metrics")]
use statefun_core::metrics::Metrics;
use statefun_core::{Functions, Handler, http};

use crate::{
    Server,
    operations::{
        DEFAULT_CATALOG_PATH, DEFAULT_HEALTH_PATH, DEFAULT_METRICS_PATH, DEFAULT_READY_PATH,
        Operations,
    },
    service::Service,
};

/// A StateFun endpoint: the [`Handler`] of your functions at a path, with its HTTP
/// settings.
///
/// Run it with [`Endpoint::serve`] or a [`Server`], or mount it in your own actix-web `App`
/// with `App::new().service(endpoint.clone())` (it is an [`HttpServiceFactory`]). Cloning
/// is cheap: the functions are shared. Its requests go through the SDK's one request
/// pipeline (`statefun::http::Endpoint`), as under axum, hyper and Lambda.
///
/// ```
/// # use std::time::Duration;
/// # let functions = statefun::Functions::new();
/// use statefun::actix::Endpoint;
///
/// let endpoint = Endpoint::new(functions)
///     .with_path("/functions")
///     .with_body_limit(64 * 1024 * 1024)
///     .with_timeout(Duration::from_secs(30));
/// assert_eq!(endpoint.path(), "/functions");
/// assert_eq!(endpoint.body_limit(), 64 * 1024 * 1024);
/// assert_eq!(endpoint.timeout(), Some(Duration::from_secs(30)));
/// ```
#[derive(Clone)]
pub struct Endpoint {
    http: http::Endpoint,
    #[cfg(feature = "metrics")]
    metrics: Option<Metrics>,
    metrics_path: String,
    health_path: String,
    ready_path: String,
    catalog_path: String,
    operations_mounted: bool,
    #[cfg(feature = "gzip")]
    gzip: bool,
}

impl fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Endpoint");
        d.field("path", &self.path())
            .field(
                "operations",
                &self.operations_mounted.then(|| self.operations()),
            )
            .field("functions", self.functions())
            .field("body_limit", &self.body_limit())
            .field("timeout", &self.timeout());
        #[cfg(feature = "gzip")]
        d.field("gzip", &self.gzip);
        d.finish()
    }
}

impl Endpoint {
    /// An endpoint for `functions` (a [`Functions`] or a [`Handler`]) at [`DEFAULT_PATH`]
    /// with a body limit of [`DEFAULT_BODY_LIMIT`] and a time limit of [`DEFAULT_TIMEOUT`],
    /// serving its [`Operations`] (metrics, health and readiness) beside it.
    ///
    /// With the `metrics` feature, requests are recorded in new [`Metrics`]
    /// ([`Endpoint::with_metrics`]).
    pub fn new(functions: impl Into<Handler>) -> Self {
        Self::from_http(http::Endpoint::new(functions))
    }

    /// An endpoint with the settings of `endpoint` (path, limits, time limit), serving its
    /// [`Operations`] beside it.
    pub fn from_http(endpoint: http::Endpoint) -> Self {
        Self {
            http: endpoint,
            #[cfg(feature = "metrics")]
            metrics: Some(Metrics::new()),
            metrics_path: DEFAULT_METRICS_PATH.to_owned(),
            health_path: DEFAULT_HEALTH_PATH.to_owned(),
            ready_path: DEFAULT_READY_PATH.to_owned(),
            catalog_path: DEFAULT_CATALOG_PATH.to_owned(),
            operations_mounted: true,
            #[cfg(feature = "gzip")]
            gzip: false,
        }
    }

    /// Answers on `path` instead of [`DEFAULT_PATH`]: an actix-web resource pattern such as
    /// `"/statefun"`, `"/"` or `"/functions/{name}"` (the target function is read from the
    /// body, not the path). It must match the path of `urlPathTemplate` in module.yaml.
    pub fn with_path(mut self, path: impl Into<String>) -> Self {
        self.http = self.http.with_path(path);
        self
    }

    /// Rejects request bodies longer than `bytes` with 413. Keep it at least the runtime's
    /// `payload_max_bytes` (default 32 MiB, [`DEFAULT_BODY_LIMIT`]): the request carries
    /// every state value of the address.
    pub fn with_body_limit(mut self, bytes: usize) -> Self {
        self.http = self.http.with_body_limit(bytes);
        self
    }

    /// Abandons a batch that has not finished after `limit` (default [`DEFAULT_TIMEOUT`],
    /// the runtime's default call timeout) and answers 504 with the function's typename
    /// and id; `None` waits forever. Keep it at most the runtime's `transport.call`
    /// timeout: the runtime does not wait longer for the answer and retries the batch.
    ///
    /// The batch's future is dropped at the limit, so an `async` function stops at its
    /// next `.await` and none of its effects are sent. A function that blocks its thread
    /// (a long synchronous loop, blocking I/O) cannot be interrupted: it keeps that worker
    /// thread until it returns, and the answer is sent then.
    pub fn with_timeout(mut self, limit: impl Into<Option<Duration>>) -> Self {
        self.http = self.http.with_timeout(limit);
        self
    }

    /// Gzip-compresses responses of at least 1 KiB when the request's `Accept-Encoding`
    /// allows it. Off by default: `FromFunction` answers are usually small and the
    /// compression costs CPU on every request; turn it on when answers carry large state
    /// over a slow network. Requires the `gzip` feature.
    #[cfg(feature = "gzip")]
    pub fn with_gzip(mut self, enabled: bool) -> Self {
        self.gzip = enabled;
        self
    }

    /// Records requests in `metrics` (feature `metrics`), to share them with your own
    /// registry ([`Metrics::register`]) or another endpoint; `None` records nothing and
    /// serves no metrics path.
    #[cfg(feature = "metrics")]
    pub fn with_metrics(mut self, metrics: impl Into<Option<Metrics>>) -> Self {
        self.metrics = metrics.into();
        self
    }

    /// The metrics requests are recorded in (feature `metrics`; [`Endpoint::with_metrics`]).
    #[cfg(feature = "metrics")]
    pub fn metrics(&self) -> Option<&Metrics> {
        self.metrics.as_ref()
    }

    /// Answers `GET` with the metrics on `path` instead of [`DEFAULT_METRICS_PATH`].
    pub fn with_metrics_path(mut self, path: impl Into<String>) -> Self {
        self.metrics_path = path.into();
        self
    }

    /// Where the metrics are answered ([`Endpoint::with_metrics_path`]).
    pub fn metrics_path(&self) -> &str {
        &self.metrics_path
    }

    /// Answers the liveness probe on `path` instead of [`DEFAULT_HEALTH_PATH`].
    pub fn with_health_path(mut self, path: impl Into<String>) -> Self {
        self.health_path = path.into();
        self
    }

    /// Where the liveness probe is answered ([`Endpoint::with_health_path`]).
    pub fn health_path(&self) -> &str {
        &self.health_path
    }

    /// Answers the readiness probe on `path` instead of [`DEFAULT_READY_PATH`].
    pub fn with_ready_path(mut self, path: impl Into<String>) -> Self {
        self.ready_path = path.into();
        self
    }

    /// Where the readiness probe is answered ([`Endpoint::with_ready_path`]).
    pub fn ready_path(&self) -> &str {
        &self.ready_path
    }

    /// Answers `GET` with the catalog of the functions on `path` instead of
    /// [`DEFAULT_CATALOG_PATH`].
    pub fn with_catalog_path(mut self, path: impl Into<String>) -> Self {
        self.catalog_path = path.into();
        self
    }

    /// Where the catalog of the functions is answered ([`Endpoint::with_catalog_path`]).
    pub fn catalog_path(&self) -> &str {
        &self.catalog_path
    }

    /// Whether the endpoint mounts its [`Operations`] (metrics, health, readiness) beside
    /// the function path (default `true`). With `false`, mount [`Endpoint::operations`]
    /// where you want them, for example in a server on another port.
    pub fn with_operations_mounted(mut self, mounted: bool) -> Self {
        self.operations_mounted = mounted;
        self
    }

    /// Whether the endpoint mounts its [`Operations`] beside the function path
    /// ([`Endpoint::with_operations_mounted`]).
    pub fn operations_mounted(&self) -> bool {
        self.operations_mounted
    }

    /// The operational paths of this endpoint: metrics, liveness, readiness and the
    /// catalog of the functions, an
    /// actix-web service of their own (`App::new().service(endpoint.operations())`).
    pub fn operations(&self) -> Operations {
        Operations {
            function_path: self.path().to_owned(),
            metrics_path: self.metrics_path.clone(),
            health_path: self.health_path.clone(),
            ready_path: self.ready_path.clone(),
            catalog_path: self.catalog_path.clone(),
            catalog: self.functions().catalog().to_json().into(),
            #[cfg(feature = "metrics")]
            metrics: self.metrics.clone(),
        }
    }

    /// The path this endpoint answers on ([`Endpoint::with_path`]).
    pub fn path(&self) -> &str {
        self.http.path()
    }

    /// The request body limit in bytes ([`Endpoint::with_body_limit`]).
    pub fn body_limit(&self) -> usize {
        self.http.body_limit()
    }

    /// How long a batch may run before it is answered 504 ([`Endpoint::with_timeout`]).
    pub fn timeout(&self) -> Option<Duration> {
        self.http.timeout()
    }

    /// Whether answers are gzip-compressed when the request accepts it
    /// ([`Endpoint::with_gzip`]).
    #[cfg(feature = "gzip")]
    pub fn gzip(&self) -> bool {
        self.gzip
    }

    /// The functions served.
    pub fn functions(&self) -> &Functions {
        self.http.functions()
    }

    /// The dispatcher that answers requests.
    pub fn handler(&self) -> &Handler {
        self.http.handler()
    }

    /// Serves this endpoint on `addr` until SIGINT or SIGTERM, then stops gracefully:
    /// shorthand for `Server::new(self).bind(addr)?.run()`; see [`Server`] for workers,
    /// several addresses, TLS and the shutdown timeout.
    pub async fn serve(self, addr: impl ToSocketAddrs) -> io::Result<()> {
        Server::new(self).bind(addr)?.run().await
    }

    /// The service that answers this endpoint's requests: the core's pipeline, recording
    /// in the metrics if there are any.
    fn service(&self) -> Arc<Service> {
        let http = self.http.clone();
        #[cfg(feature = "metrics")]
        let http = match &self.metrics {
            Some(metrics) => metrics.attach(http),
            None => http,
        };
        Arc::new(Service {
            http,
            #[cfg(feature = "gzip")]
            gzip: self.gzip,
        })
    }

    /// The answer to a request for any other path: 404, with a text that names the path
    /// this endpoint answers on and the `urlPathTemplate` to use, and a `WARN` log event.
    /// [`Server`] installs it as the app's default service; in your own `App`:
    ///
    /// ```no_run
    /// # fn app(endpoint: statefun::actix::Endpoint) {
    /// let app = actix_web::App::new()
    ///     .service(endpoint.clone())
    ///     .default_service(endpoint.unserved_paths());
    /// # }
    /// ```
    pub fn unserved_paths(&self) -> Route {
        let service = self.service();
        web::to(move |req: HttpRequest, body: web::Payload| {
            let service = Arc::clone(&service);
            async move { service.unserved(req, body).await }
        })
    }
}

impl HttpServiceFactory for Endpoint {
    fn register(self, config: &mut AppService) {
        // First, so that they win over a function path pattern such as `/{name}`.
        if self.operations_mounted {
            self.operations().register(config);
        }
        let service = self.service();
        web::resource(self.path().to_owned())
            .default_service(web::to(move |req: HttpRequest, body: web::Payload| {
                let service = Arc::clone(&service);
                async move { service.answer(req, body).await }
            }))
            .register(config);
    }
}
