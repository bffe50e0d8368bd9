//! Your functions in an [axum](https://docs.rs/axum) application (feature `axum`): the
//! [`Endpoint`] of [`statefun::http`](crate::http) is a `tower::Service`, and [`router`]
//! mounts it with a fallback that answers any other path 404 with the path to use.
//!
//! ```no_run
//! # async fn run(functions: statefun::Functions) -> std::io::Result<()> {
//! use axum::{Router, routing::get};
//! use statefun::http::Endpoint;
//!
//! let endpoint = Endpoint::new(functions); // POST /statefun, 32 MiB, 2 minutes
//! let app = Router::new()
//!     .route("/health", get(|| async { "ok" }))
//!     .merge(statefun::axum::router(endpoint)); // 404 with a hint for any other path
//! let listener = tokio::net::TcpListener::bind(("0.0.0.0", 8000)).await?;
//! axum::serve(listener, app).await
//! # }
//! ```
//!
//! What it saves you: the request body is read through its stream within the endpoint's
//! body limit (32 MiB by default, the runtime's `payload_max_bytes`), not through axum's
//! `Bytes` extractor and its 2 MiB default limit, which would reject a large state with an
//! answer of its own; the batch runs within the endpoint's time limit; every other method,
//! content type, encoding and path gets the answer of the table in
//! [`statefun::http`](crate::http), with its text; each request is logged as by every
//! integration of the SDK (an `INFO` span `statefun.request`, one event at the end: `DEBUG`
//! for 200, `WARN` for 4xx, `ERROR` for 5xx).
//!
//! It is built on axum 0.8 (without default features): your application must use axum
//! 0.8 too. Graceful shutdown is axum's: `axum::serve(..).with_graceful_shutdown(signal)`
//! (see `examples/axum_greeter.rs`).

use axum::{
    Router,
    routing::{MethodRouter, any_service},
};

use crate::http::Endpoint;

/// A router that answers on the endpoint's path and, for any other path, 404 with the
/// path served and the `urlPathTemplate` to use. Merge it into your application with
/// [`Router::merge`] (which refuses two fallbacks: if your router has one, mount
/// [`route`] instead).
///
/// ```
/// use statefun::{Functions, http::Endpoint};
///
/// let app: axum::Router = statefun::axum::router(Endpoint::new(Functions::new()).with_path("/functions"));
/// ```
pub fn router<S>(endpoint: impl Into<Endpoint>) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    let endpoint = endpoint.into();
    let path = endpoint.path().to_owned();
    Router::new()
        .route_service(&path, endpoint.clone().with_any_path(true))
        // Any other path: the endpoint itself answers 404, naming its own path.
        .fallback_service(endpoint.with_any_path(false))
}

/// The route of the endpoint, for a path of your choice (any axum path pattern):
/// `Router::new().route("/statefun", statefun::axum::route(endpoint))`. `POST` is answered
/// by the dispatcher, every other method 405 with `Allow: POST`.
pub fn route<S>(endpoint: impl Into<Endpoint>) -> MethodRouter<S>
where
    S: Clone + Send + Sync + 'static,
{
    any_service(endpoint.into().with_any_path(true))
}
