//! [`Server`]: an [`Endpoint`] on its own actix-web server, with the settings of a real
//! deployment, stopping gracefully.

use std::{
    io,
    net::{SocketAddr, TcpListener, ToSocketAddrs},
    time::Duration,
};

use actix_web::{App, HttpServer};

#[cfg(feature = "tls")]
use crate::TlsConfig;
use crate::{Endpoint, shutdown::run_with_graceful_shutdown};

/// How long a graceful stop waits for requests in flight by default: 30 seconds.
pub const DEFAULT_SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(30);

/// An [`Endpoint`] served by its own actix-web server: the addresses to listen on (plain or
/// TLS), the worker count and the shutdown timeout. [`Server::run`] serves until SIGINT or
/// SIGTERM, then stops gracefully (see the [crate docs](crate#shutdown)).
///
/// ```no_run
/// # async fn run(functions: statefun::Functions) -> std::io::Result<()> {
/// use std::time::Duration;
/// use statefun::actix::{Endpoint, Server};
///
/// Server::new(Endpoint::new(functions))
///     .bind(("0.0.0.0", 8000))?
///     .bind(("::", 8000))?
///     .with_workers(4)
///     .with_shutdown_timeout(Duration::from_secs(60))
///     .run()
///     .await
/// # }
/// ```
///
/// Every address is bound when it is added, so a port in use is reported before the
/// server starts, and [`Server::local_addrs`] tells the port the system chose for port 0.
#[derive(Debug)]
#[must_use = "a Server does nothing until `.run().await`"]
pub struct Server {
    endpoint: Endpoint,
    listeners: Vec<Listener>,
    workers: Option<usize>,
    shutdown_timeout: Duration,
}

#[derive(Debug)]
struct Listener {
    socket: TcpListener,
    #[cfg(feature = "tls")]
    tls: Option<rustls::ServerConfig>,
}

impl Listener {
    fn scheme(&self) -> &'static str {
        #[cfg(feature = "tls")]
        if self.tls.is_some() {
            return "https";
        }
        "http"
    }
}

impl Server {
    /// A server for `endpoint`, listening nowhere yet: add addresses with
    /// [`Server::bind`] or [`Server::listen`].
    pub fn new(endpoint: Endpoint) -> Self {
        Self {
            endpoint,
            listeners: Vec::new(),
            workers: None,
            shutdown_timeout: DEFAULT_SHUTDOWN_TIMEOUT,
        }
    }

    /// Listens on every address `addr` resolves to (e.g. `("0.0.0.0", 8000)`,
    /// `"localhost:8000"`), bound now.
    pub fn bind(self, addr: impl ToSocketAddrs) -> io::Result<Self> {
        self.bind_each(addr, |server, socket| Ok(server.listen(socket)))
    }

    /// Listens on `listener`, bound by you (e.g. to port 0 in a test, or a socket handed
    /// over by systemd).
    pub fn listen(mut self, listener: TcpListener) -> Self {
        self.listeners.push(Listener {
            socket: listener,
            #[cfg(feature = "tls")]
            tls: None,
        });
        self
    }

    /// Listens with HTTPS on every address `addr` resolves to (feature `tls`): see
    /// [`TlsConfig`].
    #[cfg(feature = "tls")]
    pub fn bind_tls(self, addr: impl ToSocketAddrs, tls: &TlsConfig) -> io::Result<Self> {
        self.bind_each(addr, |server, socket| server.listen_tls(socket, tls))
    }

    /// Listens with HTTPS on `listener`, bound by you (feature `tls`).
    #[cfg(feature = "tls")]
    pub fn listen_tls(mut self, listener: TcpListener, tls: &TlsConfig) -> io::Result<Self> {
        self.listeners.push(Listener {
            socket: listener,
            tls: Some(tls.server_config()?),
        });
        Ok(self)
    }

    fn bind_each(
        mut self,
        addr: impl ToSocketAddrs,
        mut add: impl FnMut(Self, TcpListener) -> io::Result<Self>,
    ) -> io::Result<Self> {
        let mut bound = false;
        for addr in addr.to_socket_addrs()? {
            let socket = TcpListener::bind(addr)
                .map_err(|e| io::Error::new(e.kind(), format!("cannot listen on {addr}: {e}")))?;
            self = add(self, socket)?;
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

    /// Runs `workers` worker threads (default: one per physical CPU core). Each worker runs
    /// its batches one at a time per connection and many connections at once.
    pub fn with_workers(mut self, workers: usize) -> Self {
        self.workers = Some(workers);
        self
    }

    /// The number of worker threads, if set ([`Server::with_workers`]).
    pub fn workers(&self) -> Option<usize> {
        self.workers
    }

    /// How long a graceful stop waits for requests in flight before it drops them (default
    /// [`DEFAULT_SHUTDOWN_TIMEOUT`]; whole seconds). Keep it at least the longest batch
    /// you expect: a dropped batch is retried by the runtime, which costs time, not data.
    pub fn with_shutdown_timeout(mut self, timeout: Duration) -> Self {
        self.shutdown_timeout = timeout;
        self
    }

    /// How long a graceful stop waits for requests in flight
    /// ([`Server::with_shutdown_timeout`]).
    pub fn shutdown_timeout(&self) -> Duration {
        self.shutdown_timeout
    }

    /// The addresses listened on, with the ports the system chose for port 0.
    pub fn local_addrs(&self) -> io::Result<Vec<SocketAddr>> {
        self.listeners
            .iter()
            .map(|l| l.socket.local_addr())
            .collect()
    }

    /// Serves until SIGINT or SIGTERM, then stops gracefully. Logs (with `tracing`, `INFO`)
    /// the URL of each listener and the functions served.
    pub async fn run(self) -> io::Result<()> {
        // Built before the first `.await`: the `HttpServer` builder is not `Send`.
        let server = self.start()?;
        run_with_graceful_shutdown(server).await
    }

    /// The actix-web server, listening and ready to run.
    fn start(self) -> io::Result<actix_web::dev::Server> {
        if self.listeners.is_empty() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "the server listens nowhere: add an address with `bind` or `listen`",
            ));
        }
        let endpoint = self.endpoint;
        if endpoint.operations_mounted()
            && let Err(conflict) = endpoint.operations().conflict()
        {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, conflict));
        }
        announce(&endpoint, &self.listeners);
        let served = endpoint.clone();
        let mut server = HttpServer::new(move || {
            App::new()
                .service(served.clone())
                .default_service(served.unserved_paths())
        })
        .disable_signals()
        .shutdown_timeout(self.shutdown_timeout.as_secs());
        if let Some(workers) = self.workers {
            server = server.workers(workers);
        }
        for listener in self.listeners {
            server = match listener {
                #[cfg(feature = "tls")]
                Listener {
                    socket,
                    tls: Some(tls),
                } => server.listen_rustls_0_23(socket, tls)?,
                Listener { socket, .. } => server.listen(socket)?,
            };
        }
        Ok(server.run())
    }
}

/// The start-up log: where the service listens and what it serves, so that a wrong port or
/// a missing function is seen at once.
fn announce(endpoint: &Endpoint, listeners: &[Listener]) {
    if !tracing::dispatcher::has_been_set() {
        eprintln!(
            "statefun: no tracing subscriber is installed, so failed requests are not logged; call `statefun::logging::init()` (or install your own subscriber) before serving"
        );
    }
    let functions: Vec<String> = endpoint
        .functions()
        .type_names()
        .iter()
        .map(ToString::to_string)
        .collect();
    for listener in listeners {
        if let Ok(addr) = listener.socket.local_addr() {
            tracing::info!(
                "listening on {}://{addr}{}",
                listener.scheme(),
                endpoint.path()
            );
        }
    }
    tracing::info!(
        "serving {} function(s): {}",
        functions.len(),
        functions.join(", ")
    );
    if endpoint.operations_mounted() {
        let operations = endpoint.operations();
        tracing::info!(
            "operations: {}GET {} (liveness), GET {} (readiness), GET {} (catalog)",
            operations
                .metrics_path()
                .map(|path| format!("GET {path} (metrics), "))
                .unwrap_or_default(),
            operations.health_path(),
            operations.ready_path(),
            operations.catalog_path()
        );
    }
}
