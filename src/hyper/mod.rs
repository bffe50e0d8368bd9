//! Your functions served by [hyper](https://docs.rs/hyper) 1 directly (feature `hyper`):
//! the SDK's one request pipeline ([`http::Endpoint`](crate::http::Endpoint)) on hyper's
//! HTTP/1.1 server, with the operational paths and the graceful stop of the actix-web
//! service, in about 0.7× of its instructions per request (on our two-core machine its CPU
//! time measured on par: half of it is the kernel's TCP; docs/benchmarks.md, "Serving with
//! hyper"). Choose it when CPU matters; the actix-web service ([`statefun::serve`](crate::serve), feature
//! `actix`) stays the default.
//!
//! The one-line service, on `0.0.0.0:8000` at `/statefun`, stopping gracefully on SIGINT or
//! SIGTERM:
//!
//! ```no_run
//! # use statefun::{BoxError, Context, Function, Functions, Message, TypeName};
//! # struct Greeter;
//! # impl Function for Greeter {
//! #     type State = ();
//! #     fn type_name(&self) -> TypeName { TypeName::from_static("demo/greeter") }
//! #     async fn invoke(&self, _: &mut Context, _: &mut (), _: Message) -> Result<(), BoxError> { Ok(()) }
//! # }
//! #[tokio::main]
//! async fn main() -> std::io::Result<()> {
//!     statefun::hyper::serve(Functions::new().with(Greeter), ("0.0.0.0", 8000)).await
//! }
//! ```
//!
//! For a real deployment, a [`Server`] sets the addresses, the operational paths and the
//! shutdown timeout; the function path and the limits are the
//! [`Endpoint`]'s:
//!
//! ```no_run
//! # async fn run(functions: statefun::Functions) -> std::io::Result<()> {
//! use std::time::Duration;
//! use statefun::{http::Endpoint, hyper::Server};
//!
//! let endpoint = Endpoint::new(functions).with_body_limit(64 * 1024 * 1024);
//! Server::new(endpoint)
//!     .bind(("0.0.0.0", 8000))?
//!     .with_shutdown_timeout(Duration::from_secs(60))
//!     .run()
//!     .await
//! # }
//! ```
//!
//! It runs on the tokio runtime that polls it (with `#[tokio::main]`, a thread per core),
//! one task per connection.
//!
//! # HTTP behaviour
//!
//! Every StateFun request is answered by the pipeline, as by the actix-web service, axum
//! and Lambda: the same statuses, texts and log lines (the table of
//! [`statefun::http`](crate::http); any other path is answered 404 with the path served).
//! Beside the function path, each answering `GET` only (405 with `Allow: GET` otherwise):
//!
//! | path | answer |
//! |---|---|
//! | [`DEFAULT_HEALTH_PATH`] | 200 `ok` while the process serves (liveness) |
//! | [`DEFAULT_READY_PATH`] | 200 `ready`; 503 once the graceful stop has started (readiness) |
//! | [`DEFAULT_CATALOG_PATH`] | 200, the functions, their message types and states as JSON ([`Catalog::to_json`](crate::Catalog::to_json)) |
//! | [`DEFAULT_METRICS_PATH`] | 200, the Prometheus metrics (feature `metrics`) |
//!
//! Each path can be changed ([`Server::with_health_path`] and the others), or all left out
//! ([`Server::with_operations_mounted`]). Requests to them are not counted in the metrics.
//!
//! HTTP/1.1 only, with keep-alive (what the StateFun runtime speaks), `TCP_NODELAY`, and 30
//! seconds to send a request's headers ([`Server::with_header_read_timeout`]). No TLS: terminate it in front of the service (a
//! sidecar or the load balancer), or serve with the actix-web service (feature `tls`).
//! No gzip either (the actix-web service's `with_gzip`).
//!
//! # Shutdown
//!
//! [`serve`] and [`Server::run`] stop gracefully on the first SIGINT or SIGTERM (Ctrl-C
//! on Windows), [`Server::run_until`] when its future resolves: the listeners close (new
//! connections are refused), the readiness probe answers 503 on the connections still
//! open, and they keep being served until no request is in flight (or for half the
//! shutdown timeout at most); then each connection closes once it has answered its request,
//! and the future resolves. Whatever is still in flight at the end of the shutdown timeout
//! (30 seconds, [`Server::with_shutdown_timeout`]) is dropped.
//! A second signal makes it resolve at once. The readiness is the server's own, not the
//! process's.
//!
//! # Tracing
//!
//! [`Server::run`] logs, at `INFO`, the URL of each listener, the functions served and the
//! operational paths; each request is logged by the pipeline (see
//! [`Endpoint::answer`](crate::http::Endpoint::answer)).

mod connections;
mod operations;
mod run;
mod server;
mod service;
mod shutdown;

use std::{io, net::ToSocketAddrs};

pub use operations::{
    DEFAULT_CATALOG_PATH, DEFAULT_HEALTH_PATH, DEFAULT_METRICS_PATH, DEFAULT_READY_PATH,
};
pub use server::{DEFAULT_HEADER_READ_TIMEOUT, DEFAULT_SHUTDOWN_TIMEOUT, Server};

use crate::http::Endpoint;

/// Serves `functions` (a [`Functions`](crate::Functions), a [`Handler`](crate::Handler) or
/// an [`Endpoint`]) on `addr` until SIGINT or SIGTERM, then stops gracefully (see the
/// [module docs](self#shutdown)). Shorthand for `Server::new(functions).bind(addr)?.run()`.
///
/// ```no_run
/// # async fn run(functions: statefun::Functions) -> std::io::Result<()> {
/// statefun::hyper::serve(functions, ("0.0.0.0", 8000)).await
/// # }
/// ```
pub async fn serve(functions: impl Into<Endpoint>, addr: impl ToSocketAddrs) -> io::Result<()> {
    Server::new(functions).bind(addr)?.run().await
}
