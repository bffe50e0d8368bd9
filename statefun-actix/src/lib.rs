//! The actix-web adapter of the StateFun Rust SDK: serve your functions over HTTP to a
//! Flink StateFun cluster.
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
//! # async fn run() -> std::io::Result<()> {
//! let functions = Functions::new().with(Greeter);
//! println!("{}", functions.module_yaml("http://functions:8000/statefun"));
//! statefun::actix::serve(functions, ("0.0.0.0", 8000)).await
//! # }
//! ```
//!
//! For a real deployment, a [`Server`] sets the addresses (plain or TLS), the worker count
//! and the shutdown timeout:
//!
//! ```no_run
//! # async fn run(functions: statefun::Functions) -> std::io::Result<()> {
//! use statefun::actix::{Endpoint, Server};
//!
//! let endpoint = Endpoint::new(functions).with_body_limit(64 * 1024 * 1024);
//! Server::new(endpoint).bind(("0.0.0.0", 8000))?.with_workers(4).run().await
//! # }
//! ```
//!
//! Or mount the [`Endpoint`] in your own `App`, next to your routes and middleware, and keep
//! the graceful shutdown with [`run_with_graceful_shutdown`]:
//!
//! ```no_run
//! # use statefun::{BoxError, Context, Function, Functions, Message, TypeName};
//! # struct Greeter;
//! # impl Function for Greeter {
//! #     type State = ();
//! #     fn type_name(&self) -> TypeName { TypeName::from_static("demo/greeter") }
//! #     async fn invoke(&self, _: &mut Context, _: &mut (), _: Message) -> Result<(), BoxError> { Ok(()) }
//! # }
//! use actix_web::{App, HttpResponse, HttpServer, web};
//! use statefun::actix::Endpoint;
//!
//! # async fn run() -> std::io::Result<()> {
//! let endpoint = Endpoint::new(Functions::new().with(Greeter)).with_path("/statefun");
//! let server = HttpServer::new(move || {
//!     App::new()
//!         .service(endpoint.clone())
//!         .route("/version", web::get().to(|| async { HttpResponse::Ok().body("1.0") }))
//!         .default_service(endpoint.unserved_paths())
//! })
//! .disable_signals()
//! .bind(("0.0.0.0", 8000))?
//! .run();
//! statefun::actix::run_with_graceful_shutdown(server).await
//! # }
//! ```
//!
//! # HTTP behaviour
//!
//! The StateFun runtime POSTs a protobuf `ToFunction` to the path of `urlPathTemplate` in
//! module.yaml. Every error answer has a `text/plain` body that says what went wrong, so
//! the runtime's logs show it.
//!
//! | Request | Status | Body |
//! |---|---|---|
//! | `POST`, a valid `ToFunction` | 200 | `FromFunction`, `Content-Type: application/octet-stream` |
//! | any other method | 405 | `Allow: POST` |
//! | `Content-Type` other than `application/octet-stream` (none is fine) | 415 | the type received |
//! | `Content-Encoding` other than `identity` | 415 | the encoding received |
//! | any other path (with [`Server`], or [`Endpoint::unserved_paths`] in your `App`) | 404 | the path served and the `urlPathTemplate` to use |
//! | body longer than the limit (default 32 MiB, see [`Endpoint::with_body_limit`]); it is read and discarded (up to 64 MiB more) so the client sees the answer | 413 | the limit |
//! | empty body, not a protobuf `ToFunction`, or a `ToFunction` the protocol does not allow (no invocation, no target, no invocations, bad typename, a state sent twice) | 400 | why |
//! | the target's function type is not registered | 404 | the typename and the registered ones |
//! | the function returned an error or panicked, or a state value cannot be decoded | 500 | typename, id and error; the service keeps serving |
//! | the batch did not finish within the time limit (default 2 minutes, see [`Endpoint::with_timeout`]) | 504 | typename, id and the limit; the batch is dropped, the service keeps serving |
//! | `GET /health` ([`Operations`]) | 200 | `ok` |
//! | `GET /ready` | 200, or 503 once a graceful shutdown has started | `ready`, or why not |
//! | `GET /metrics` (feature `metrics`) | 200 | the Prometheus text format |
//! | any other method on these three paths, a StateFun `POST` included | 405 | `Allow: GET`; the path StateFun requests go to |
//!
//! The body of a request answered without the dispatcher (404, 405, 413, 415) is still read
//! and thrown away (up to the body limit plus 64 MiB), so that the keep-alive connection
//! can carry the next request; a body longer than that gets `Connection: close`.
//!
//! The default (async) transport of the runtime retries any non-2xx answer until its call
//! timeout; the OkHttp transport fails the job on a 4xx other than 408/409/420/429/499.
//! How each kind of hostile or broken input is answered, with the exact bodies, is in
//! `docs/robustness.md` of the repository.
//!
//! # TLS
//!
//! With the `tls` feature, [`Server::bind_tls`] serves HTTPS with a certificate and key
//! from PEM files, optionally requiring client certificates signed by a CA (mutual TLS);
//! see `TlsConfig`. rustls with the `ring` provider: no OpenSSL is needed.
//!
//! ```no_run
//! # async fn run(functions: statefun::Functions) -> Result<(), Box<dyn std::error::Error>> {
//! # #[cfg(feature = "tls")] {
//! use statefun::actix::{Endpoint, Server, TlsConfig};
//!
//! let tls = TlsConfig::from_pem_files("service.pem", "service.key")?.with_client_ca("ca.pem")?;
//! println!("{}", functions.module_yaml("https://functions:8443/statefun"));
//! Server::new(Endpoint::new(functions)).bind_tls(("0.0.0.0", 8443), &tls)?.run().await?;
//! # }
//! # Ok(())
//! # }
//! ```
//!
//! # Tracing
//!
//! [`Server::run`] logs, at `INFO`, the URL of each listener and the functions served (and
//! says on stderr when no subscriber is installed, since failures would then go unseen).
//! Each request runs in an `INFO` span `statefun.request` whose `function`, `id` and
//! `batch_size` fields are recorded when its batch starts, `bytes` when its body is read,
//! and `status` and `latency_us` when it is answered, with one event at the end (`status`,
//! `latency_us`): `DEBUG` for 200, `WARN` for 4xx, `ERROR` for 5xx. (`statefun::logging`
//! writes the same fields on the lines it writes, without making the span.) A request to a path that is not served is one
//! `WARN` event. The dispatcher adds a `DEBUG` span `statefun.batch` with the function and
//! id.
//!
//! # Shutdown
//!
//! [`serve`], [`Endpoint::serve`] and [`Server::run`] stop gracefully on the first SIGINT or
//! SIGTERM (Ctrl-C on Windows): the listener closes, batches in flight finish and are
//! answered (for up to 30 seconds, [`Server::with_shutdown_timeout`]), then the future resolves.
//! A second signal makes it resolve at once, without waiting for the batches in flight
//! (they end when the process exits). When you build the `HttpServer` yourself, call
//! `.disable_signals()` and run it with [`run_with_graceful_shutdown`] for the same
//! behaviour; actix-web's own handling stops on SIGINT without waiting.
//!
//! # Features
//!
//! | Feature | Default | What it adds |
//! |---|---|---|
//! | `gzip` | off | `Endpoint::with_gzip`: gzip-compressed responses when the request accepts them |
//! | `tls` | off | `TlsConfig`, `Server::bind_tls`: HTTPS with rustls, optional client certificates |
//! | `metrics` | off | Prometheus metrics of every request, served at `GET /metrics` (`Endpoint::with_metrics`) |

#![cfg_attr(docsrs, feature(doc_cfg))]

use std::{io, net::ToSocketAddrs};

use statefun_core::Handler;

mod body;
mod endpoint;
#[cfg(feature = "gzip")]
mod gzip;
mod operations;
mod server;
mod service;
mod shutdown;
#[cfg(feature = "tls")]
mod tls;

pub use endpoint::{DEFAULT_BODY_LIMIT, DEFAULT_PATH, DEFAULT_TIMEOUT, Endpoint};
pub use operations::{
    DEFAULT_CATALOG_PATH, DEFAULT_HEALTH_PATH, DEFAULT_METRICS_PATH, DEFAULT_READY_PATH, Operations,
};
pub use server::{DEFAULT_SHUTDOWN_TIMEOUT, Server};
pub use shutdown::run_with_graceful_shutdown;
#[cfg(feature = "tls")]
pub use tls::{TlsConfig, TlsError};

/// Serves `functions` on `addr` at [`DEFAULT_PATH`] until SIGINT or SIGTERM, then stops
/// gracefully (see the [crate docs](crate#shutdown)).
///
/// Shorthand for `Endpoint::new(functions).serve(addr)`; use [`Endpoint`] to change the
/// path or the limits, and [`Server`] for workers, several addresses or TLS.
///
/// ```no_run
/// # async fn run(functions: statefun::Functions) -> std::io::Result<()> {
/// statefun::actix::serve(functions, ("0.0.0.0", 8000)).await
/// # }
/// ```
pub async fn serve(functions: impl Into<Handler>, addr: impl ToSocketAddrs) -> io::Result<()> {
    Endpoint::new(functions).serve(addr).await
}

#[cfg(test)]
mod tests {
    use std::net::TcpListener;

    use statefun_core::Functions;

    use super::*;

    fn send<T: Send>(_: &T) {}

    #[test]
    fn serve_futures_and_endpoint_are_send() {
        let endpoint = Endpoint::new(Functions::new());
        send(&endpoint);
        send(&serve(Functions::new(), "127.0.0.1:0"));
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        send(&Server::new(endpoint).listen(listener).run());
    }
}
