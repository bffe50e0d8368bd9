//! Your functions in an [axum](https://docs.rs/axum) application (feature `axum`): an
//! [`Endpoint`] gives a [`Router`] to merge into yours, or the [`MethodRouter`] of one route,
//! answering exactly as the actix-web service does (the status codes and texts of
//! [`statefun::http`](crate::http)).
//!
//! ```no_run
//! # async fn run(functions: statefun::Functions) -> std::io::Result<()> {
//! use axum::{Router, routing::get};
//! use statefun::axum::Endpoint;
//!
//! let endpoint = Endpoint::new(functions); // POST /statefun, 32 MiB, 2 minutes
//! let app = Router::new()
//!     .route("/health", get(|| async { "ok" }))
//!     .merge(endpoint.router()); // 404 with a hint for any other path
//! let listener = tokio::net::TcpListener::bind(("0.0.0.0", 8000)).await?;
//! axum::serve(listener, app).await
//! # }
//! ```
//!
//! What it saves you: the request body is read through its stream within
//! [`Endpoint::with_body_limit`] (32 MiB by default, the runtime's `payload_max_bytes`),
//! not through axum's `Bytes` extractor and its 2 MiB default limit, which would reject a
//! large state with an answer of its own; the batch runs within [`Endpoint::with_timeout`];
//! every other method, content type, encoding and path gets the answer of the table in
//! [`statefun::http`](crate::http), with its text; each request is logged as by the actix
//! service (an `INFO` span `statefun.request`, one event at the end: `DEBUG` for 200, `WARN`
//! for 4xx, `ERROR` for 5xx).
//!
//! It is built on axum 0.8 (without default features): your application must use axum
//! 0.8 too. Graceful shutdown is axum's: `axum::serve(..).with_graceful_shutdown(signal)`
//! (see `examples/axum_greeter.rs`).

use std::{fmt, sync::Arc, time::Duration, time::Instant};

use axum::{
    Router,
    body::Body,
    extract::Request,
    http::{HeaderMap, HeaderName, HeaderValue, header},
    response::Response,
    routing::{MethodRouter, any},
};
use statefun_core::{
    Functions, Handler,
    http::{self, Answer, Rejected},
};

pub use statefun_core::http::{DEFAULT_BODY_LIMIT, DEFAULT_PATH, DEFAULT_TIMEOUT};

/// A StateFun endpoint for axum: the [`Handler`] of your functions at a path, with its HTTP
/// settings. Cloning is cheap: the functions are shared.
///
/// ```
/// # use std::time::Duration;
/// # let functions = statefun::Functions::new();
/// use statefun::axum::Endpoint;
///
/// let endpoint = Endpoint::new(functions)
///     .with_path("/functions")
///     .with_body_limit(64 * 1024 * 1024)
///     .with_timeout(Duration::from_secs(30));
/// assert_eq!(endpoint.path(), "/functions");
/// assert_eq!(endpoint.body_limit(), 64 * 1024 * 1024);
/// assert_eq!(endpoint.timeout(), Some(Duration::from_secs(30)));
/// let app: axum::Router = endpoint.router();
/// ```
#[derive(Clone)]
pub struct Endpoint {
    path: String,
    settings: Arc<Settings>,
}

#[derive(Clone)]
struct Settings {
    handler: Handler,
    body_limit: usize,
    timeout: Option<Duration>,
}

impl fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Endpoint")
            .field("path", &self.path)
            .field("functions", self.settings.handler.functions())
            .field("body_limit", &self.settings.body_limit)
            .field("timeout", &self.settings.timeout)
            .finish()
    }
}

impl Endpoint {
    /// An endpoint for `functions` (a [`Functions`] or a [`Handler`]) at [`DEFAULT_PATH`]
    /// with a body limit of [`DEFAULT_BODY_LIMIT`] and a time limit of [`DEFAULT_TIMEOUT`].
    pub fn new(functions: impl Into<Handler>) -> Self {
        Self {
            path: DEFAULT_PATH.to_owned(),
            settings: Arc::new(Settings {
                handler: functions.into(),
                body_limit: DEFAULT_BODY_LIMIT,
                timeout: Some(DEFAULT_TIMEOUT),
            }),
        }
    }

    /// Answers on `path` instead of [`DEFAULT_PATH`] in [`Endpoint::router`]: an axum path
    /// such as `"/statefun"`, `"/"` or `"/functions/{name}"` (the target function is read
    /// from the body, not the path). It must match the path of `urlPathTemplate` in
    /// module.yaml.
    pub fn with_path(mut self, path: impl Into<String>) -> Self {
        self.path = path.into();
        self
    }

    /// Rejects request bodies longer than `bytes` with 413. Keep it at least the runtime's
    /// `payload_max_bytes` (default 32 MiB, [`DEFAULT_BODY_LIMIT`]): the request carries
    /// every state value of the address.
    pub fn with_body_limit(mut self, bytes: usize) -> Self {
        Arc::make_mut(&mut self.settings).body_limit = bytes;
        self
    }

    /// Abandons a batch that has not finished after `limit` (default [`DEFAULT_TIMEOUT`],
    /// the runtime's default call timeout) and answers 504 with the function's typename
    /// and id; `None` waits forever. Keep it at most the runtime's `transport.call`
    /// timeout. As with the actix service, an `async` function stops at its next `.await`;
    /// one that blocks its thread cannot be interrupted.
    pub fn with_timeout(mut self, limit: impl Into<Option<Duration>>) -> Self {
        Arc::make_mut(&mut self.settings).timeout = limit.into();
        self
    }

    /// The path this endpoint answers on in [`Endpoint::router`].
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The request body limit in bytes ([`Endpoint::with_body_limit`]).
    pub fn body_limit(&self) -> usize {
        self.settings.body_limit
    }

    /// How long a batch may run before it is answered 504 ([`Endpoint::with_timeout`]).
    pub fn timeout(&self) -> Option<Duration> {
        self.settings.timeout
    }

    /// The functions served.
    pub fn functions(&self) -> &Functions {
        self.settings.handler.functions()
    }

    /// The dispatcher that answers requests.
    pub fn handler(&self) -> &Handler {
        &self.settings.handler
    }

    /// A router that answers on [`Endpoint::path`] and, for any other path, 404 with the
    /// path served and the `urlPathTemplate` to use ([`Endpoint::unserved_paths`]). Merge
    /// it into your application with [`Router::merge`] (which refuses two fallbacks: if
    /// your router has one, mount [`Endpoint::route`] instead).
    pub fn router<S>(&self) -> Router<S>
    where
        S: Clone + Send + Sync + 'static,
    {
        Router::new()
            .route(&self.path, self.route())
            .fallback_service(self.unserved_paths())
    }

    /// The route of the endpoint, for a path of your choice:
    /// `Router::new().route("/statefun", endpoint.route())`. `POST` is answered by the
    /// dispatcher, every other method 405 with `Allow: POST`.
    pub fn route<S>(&self) -> MethodRouter<S>
    where
        S: Clone + Send + Sync + 'static,
    {
        let endpoint = self.clone();
        any(move |request: Request| async move { endpoint.answer(request).await })
    }

    /// The answer to a request for any other path: 404, with a text that names the path
    /// this endpoint answers on and the `urlPathTemplate` to use, and a `WARN` log event.
    /// [`Endpoint::router`] installs it as its fallback; in your own router:
    /// `.fallback_service(endpoint.unserved_paths())`.
    pub fn unserved_paths(&self) -> MethodRouter {
        let served = self.path.clone();
        let settings = Arc::clone(&self.settings);
        any(move |request: Request| async move {
            let (parts, body) = request.into_parts();
            let drained = discard(body, settings.body_limit).await;
            let host = parts
                .headers
                .get(header::HOST)
                .and_then(|h| h.to_str().ok())
                .or_else(|| parts.uri.authority().map(|a| a.as_str()));
            let scheme = parts.uri.scheme_str().unwrap_or("http");
            let answer =
                Answer::unserved_path(parts.uri.path(), &served, host.map(|h| (scheme, h)));
            let answer = http::reject(&settings.handler, answer);
            if let Some(text) = answer.error_text() {
                tracing::warn!(method = %parts.method, path = parts.uri.path(), "{text}");
            }
            response(answer.with_close(!drained))
        })
    }

    /// Answers one request, whatever its method: for your own handler, when neither
    /// [`Endpoint::router`] nor [`Endpoint::route`] fits.
    pub async fn answer(&self, request: Request) -> Response {
        let (parts, body) = request.into_parts();
        let limit = self.settings.body_limit;
        if let Err(reason) = http::check_method(parts.method.as_str()) {
            let drained = discard(body, limit).await;
            return response(http::reject(
                &self.settings.handler,
                Rejected { reason, drained },
            ));
        }
        let start = Instant::now();
        let span = tracing::info_span!(
            "statefun.request",
            function = tracing::field::Empty,
            id = tracing::field::Empty,
            batch_size = tracing::field::Empty,
            status = tracing::field::Empty,
            latency = tracing::field::Empty,
            bytes = tracing::field::Empty,
        );
        let answer = async {
            let header = |name: HeaderName| parts.headers.get(name).map(HeaderValue::as_bytes);
            let body = http::receive(
                header(header::CONTENT_TYPE),
                header(header::CONTENT_ENCODING),
                header(header::CONTENT_LENGTH),
                body.into_data_stream(),
                limit,
            )
            .await;
            match body {
                Ok(body) => {
                    span.record("bytes", body.len());
                    let (handler, timeout) = (&self.settings.handler, self.settings.timeout);
                    http::respond(handler, body, timeout, tokio::time::sleep).await
                }
                Err(rejected) => http::reject(&self.settings.handler, rejected),
            }
        };
        let answer = tracing::Instrument::instrument(answer, span.clone()).await;
        let status = answer.status();
        let latency = start.elapsed();
        span.record("status", status);
        span.record("latency", tracing::field::debug(latency));
        span.in_scope(|| match (status, answer.error_text()) {
            (500.., Some(error)) => tracing::error!(status, ?latency, %error, "request failed"),
            (_, Some(error)) => tracing::warn!(status, ?latency, %error, "request rejected"),
            (_, None) => tracing::debug!(status, ?latency, "request answered"),
        });
        response(answer)
    }
}

/// Reads and throws away a body that is not answered (405, 404), so that the keep-alive
/// connection can carry the next request; whether it reached the end.
async fn discard(body: Body, limit: usize) -> bool {
    http::discard(&mut body.into_data_stream(), 0, http::discard_budget(limit)).await
}

/// The axum response of an [`Answer`]: its status, headers and body.
fn response(answer: Answer) -> Response {
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(answer.content_type()),
    );
    if let Some(allow) = answer.allow() {
        headers.insert(header::ALLOW, HeaderValue::from_static(allow));
    }
    if answer.close() {
        headers.insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    let status = answer.status();
    let mut response = Response::new(Body::from(answer.into_body()));
    *response.status_mut() = axum::http::StatusCode::from_u16(status)
        .unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR);
    *response.headers_mut() = headers;
    response
}
