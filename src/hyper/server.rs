//! [`Server`]: an [`Endpoint`] served by hyper on its own listeners, with the operational
//! paths and the graceful stop of a real deployment.

use std::{
    fmt, io,
    net::{SocketAddr, TcpListener, ToSocketAddrs},
    time::Duration,
};

use super::{
    operations::{Operations, Paths},
    run,
};
use crate::http::Endpoint;
#[cfg(feature = "metrics")]
use crate::metrics::Metrics;

/// How long a graceful stop waits for requests in flight by default: 30 seconds.
pub const DEFAULT_SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(30);

/// How long a client may take to send the headers of a request by default: 30 seconds.
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(30);

/// An [`Endpoint`] served by hyper (HTTP/1.1, keep-alive): the addresses to listen on, the
/// operational paths and the shutdown timeout. [`Server::run`] serves until SIGINT or
/// SIGTERM, then stops gracefully (see the [module docs](super#shutdown)).
///
/// The function path, the body limit and the time limit are the [`Endpoint`]'s:
///
/// ```no_run
/// # async fn run(functions: statefun::Functions) -> std::io::Result<()> {
/// use std::time::Duration;
/// use statefun::{http::Endpoint, hyper::Server};
///
/// let endpoint = Endpoint::new(functions)
///     .with_path("/functions")
///     .with_body_limit(64 * 1024 * 1024)
///     .with_timeout(Duration::from_secs(60));
/// Server::new(endpoint)
///     .bind(("0.0.0.0", 8000))?
///     .bind(("::", 8000))?
///     .with_health_path("/healthz")
///     .with_shutdown_timeout(Duration::from_secs(60))
///     .run()
///     .await
/// # }
/// ```
///
/// Every address is bound when it is added, so a port in use is reported before the
/// server starts, and [`Server::local_addrs`] tells the port the system chose for port 0.
/// The server runs on the tokio runtime that polls [`Server::run`], one task per
/// connection: with `#[tokio::main]`, on every core.
#[must_use = "a Server does nothing until `.run().await`"]
pub struct Server {
    pub(crate) endpoint: Endpoint,
    pub(crate) listeners: Vec<TcpListener>,
    pub(crate) shutdown_timeout: Duration,
    pub(crate) header_read_timeout: Option<Duration>,
    pub(crate) paths: Paths,
    pub(crate) operations_mounted: bool,
    #[cfg(feature = "metrics")]
    pub(crate) metrics: Option<Metrics>,
}

impl fmt::Debug for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Server")
            .field("endpoint", &self.endpoint)
            .field("local_addrs", &self.local_addrs().unwrap_or_default())
            .field("shutdown_timeout", &self.shutdown_timeout)
            .field("header_read_timeout", &self.header_read_timeout)
            .field(
                "operations",
                &self.operations_mounted.then_some(&self.paths),
            )
            .finish()
    }
}

impl Server {
    /// A server for `endpoint` (an [`Endpoint`], or [`Functions`](crate::Functions) at the
    /// default path and limits), listening nowhere yet: add addresses with
    /// [`Server::bind`] or [`Server::listen`]. It serves the operational paths beside the
    /// function path, and with the `metrics` feature records requests in new [`Metrics`].
    pub fn new(endpoint: impl Into<Endpoint>) -> Self {
        Self {
            endpoint: endpoint.into(),
            listeners: Vec::new(),
            shutdown_timeout: DEFAULT_SHUTDOWN_TIMEOUT,
            header_read_timeout: Some(DEFAULT_HEADER_READ_TIMEOUT),
            paths: Paths::default(),
            operations_mounted: true,
            #[cfg(feature = "metrics")]
            metrics: Some(Metrics::new()),
        }
    }

    /// Listens on every address `addr` resolves to (e.g. `("0.0.0.0", 8000)`,
    /// `"localhost:8000"`), bound now.
    pub fn bind(mut self, addr: impl ToSocketAddrs) -> io::Result<Self> {
        let mut bound = false;
        for addr in addr.to_socket_addrs()? {
            let socket = TcpListener::bind(addr)
                .map_err(|e| io::Error::new(e.kind(), format!("cannot listen on {addr}: {e}")))?;
            self = self.listen(socket);
            bound = true;
        }
        if !bound {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "the address resolves to no socket address",
            ));
        }
        Ok(self)
    }

    /// Listens on `listener`, bound by you (e.g. to port 0 in a test, or a socket handed
    /// over by systemd).
    pub fn listen(mut self, listener: TcpListener) -> Self {
        self.listeners.push(listener);
        self
    }

    /// How long a graceful stop waits for requests in flight before it drops them (default
    /// [`DEFAULT_SHUTDOWN_TIMEOUT`]). Keep it at least the longest batch you expect: a
    /// dropped batch is retried by the runtime, which costs time, not data.
    pub fn with_shutdown_timeout(mut self, timeout: Duration) -> Self {
        self.shutdown_timeout = timeout;
        self
    }

    /// How long a graceful stop waits for requests in flight
    /// ([`Server::with_shutdown_timeout`]).
    pub fn shutdown_timeout(&self) -> Duration {
        self.shutdown_timeout
    }

    /// Closes a connection whose client has not sent the headers of its next request
    /// within `timeout` (default [`DEFAULT_HEADER_READ_TIMEOUT`]), so that slow or stuck
    /// clients cannot hold connections open; `None` waits for ever. Keeping this time
    /// costs about 1,400 instructions per request (a timer armed and cleared for each;
    /// docs/benchmarks.md): turn it off only where the StateFun runtime is the only client.
    pub fn with_header_read_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.header_read_timeout = timeout.into();
        self
    }

    /// How long a client may take to send the headers of a request
    /// ([`Server::with_header_read_timeout`]).
    pub fn header_read_timeout(&self) -> Option<Duration> {
        self.header_read_timeout
    }

    /// Records requests in `metrics` (feature `metrics`), to share them with your own
    /// registry ([`Metrics::register`]); `None` records nothing and serves no metrics path.
    #[cfg(feature = "metrics")]
    pub fn with_metrics(mut self, metrics: impl Into<Option<Metrics>>) -> Self {
        self.metrics = metrics.into();
        self
    }

    /// The metrics requests are recorded in (feature `metrics`; [`Server::with_metrics`]).
    #[cfg(feature = "metrics")]
    pub fn metrics(&self) -> Option<&Metrics> {
        self.metrics.as_ref()
    }

    /// Answers `GET` with the metrics on `path` instead of
    /// [`DEFAULT_METRICS_PATH`](super::DEFAULT_METRICS_PATH) (feature `metrics`).
    pub fn with_metrics_path(mut self, path: impl Into<String>) -> Self {
        self.paths.metrics = path.into();
        self
    }

    /// Where the metrics are answered ([`Server::with_metrics_path`]).
    pub fn metrics_path(&self) -> &str {
        &self.paths.metrics
    }

    /// Answers the liveness probe on `path` instead of
    /// [`DEFAULT_HEALTH_PATH`](super::DEFAULT_HEALTH_PATH).
    pub fn with_health_path(mut self, path: impl Into<String>) -> Self {
        self.paths.health = path.into();
        self
    }

    /// Where the liveness probe is answered ([`Server::with_health_path`]).
    pub fn health_path(&self) -> &str {
        &self.paths.health
    }

    /// Answers the readiness probe on `path` instead of
    /// [`DEFAULT_READY_PATH`](super::DEFAULT_READY_PATH).
    pub fn with_ready_path(mut self, path: impl Into<String>) -> Self {
        self.paths.ready = path.into();
        self
    }

    /// Where the readiness probe is answered ([`Server::with_ready_path`]).
    pub fn ready_path(&self) -> &str {
        &self.paths.ready
    }

    /// Answers `GET` with the catalog of the functions on `path` instead of
    /// [`DEFAULT_CATALOG_PATH`](super::DEFAULT_CATALOG_PATH).
    pub fn with_catalog_path(mut self, path: impl Into<String>) -> Self {
        self.paths.catalog = path.into();
        self
    }

    /// Where the catalog of the functions is answered ([`Server::with_catalog_path`]).
    pub fn catalog_path(&self) -> &str {
        &self.paths.catalog
    }

    /// Whether the server answers the operational paths (metrics, health, readiness,
    /// catalog) beside the function path (default `true`). With `false`, every path but
    /// the function path is answered 404 by the endpoint.
    pub fn with_operations_mounted(mut self, mounted: bool) -> Self {
        self.operations_mounted = mounted;
        self
    }

    /// Whether the server answers the operational paths
    /// ([`Server::with_operations_mounted`]).
    pub fn operations_mounted(&self) -> bool {
        self.operations_mounted
    }

    /// The endpoint served: its path, limits and functions.
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// The addresses listened on, with the ports the system chose for port 0.
    pub fn local_addrs(&self) -> io::Result<Vec<SocketAddr>> {
        self.listeners.iter().map(TcpListener::local_addr).collect()
    }

    /// Serves until SIGINT or SIGTERM, then stops gracefully; a second signal makes it
    /// return at once. Logs (with `tracing`, `INFO`) the URL of each listener, the
    /// functions and the operational paths.
    pub async fn run(self) -> io::Result<()> {
        run::run(self, super::shutdown::stop_signal(), true).await
    }

    /// Serves until `stop` resolves, then stops gracefully as on a signal: for a server
    /// that an application stops itself, or a test.
    ///
    /// ```no_run
    /// # async fn run(functions: statefun::Functions) -> std::io::Result<()> {
    /// let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    /// // Hand `stop` to what decides that the service ends: `stop.send(())`.
    /// # drop(stop);
    /// statefun::hyper::Server::new(functions)
    ///     .bind(("127.0.0.1", 0))?
    ///     .run_until(async { let _ = stopped.await; })
    ///     .await
    /// # }
    /// ```
    pub async fn run_until(self, stop: impl Future<Output = ()>) -> io::Result<()> {
        run::run(self, stop, false).await
    }

    /// The operational paths as they will be served, or why they cannot be.
    pub(crate) fn operations(&self) -> io::Result<Option<Operations>> {
        if !self.operations_mounted {
            return Ok(None);
        }
        let operations = Operations::new(
            self.paths.clone(),
            self.endpoint.path(),
            self.endpoint.functions().catalog().to_json(),
            #[cfg(feature = "metrics")]
            self.metrics.clone(),
        );
        match operations.conflict() {
            Err(conflict) => Err(io::Error::new(io::ErrorKind::InvalidInput, conflict)),
            Ok(()) => Ok(Some(operations)),
        }
    }
}
