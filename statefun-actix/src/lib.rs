//! The actix-web adapter of the StateFun Rust SDK: serve your functions over HTTP to a
//! Flink StateFun cluster.
//!
//! The one-line service, on `0.0.0.0:8000` at `/statefun`, stopping gracefully on SIGINT or
//! SIGTERM:
//!
//! ```no_run
//! # use statefun_core::{BoxError, Context, Function, Functions, Message, TypeName};
//! # struct Greeter;
//! # impl Function for Greeter {
//! #     type State = ();
//! #     fn type_name(&self) -> TypeName { TypeName::from_static("demo/greeter") }
//! #     async fn invoke(&self, _: &mut Context, _: &mut (), _: Message) -> Result<(), BoxError> { Ok(()) }
//! # }
//! # async fn run() -> std::io::Result<()> {
//! let functions = Functions::new().with(Greeter);
//! println!("{}", functions.module_yaml("http://functions:8000/statefun"));
//! statefun_actix::serve(functions, ("0.0.0.0", 8000)).await
//! # }
//! ```
//!
//! Or mount an [`Endpoint`] in your own `App`, next to your routes and middleware:
//!
//! ```no_run
//! # use statefun_core::{BoxError, Context, Function, Functions, Message, TypeName};
//! # struct Greeter;
//! # impl Function for Greeter {
//! #     type State = ();
//! #     fn type_name(&self) -> TypeName { TypeName::from_static("demo/greeter") }
//! #     async fn invoke(&self, _: &mut Context, _: &mut (), _: Message) -> Result<(), BoxError> { Ok(()) }
//! # }
//! use actix_web::{App, HttpResponse, HttpServer, web};
//! use statefun_actix::Endpoint;
//!
//! # async fn run() -> std::io::Result<()> {
//! let endpoint = Endpoint::new(Functions::new().with(Greeter))
//!     .path("/statefun")
//!     .body_limit(64 * 1024 * 1024);
//! HttpServer::new(move || {
//!     App::new()
//!         .service(endpoint.clone())
//!         .route("/health", web::get().to(HttpResponse::Ok))
//! })
//! .bind(("0.0.0.0", 8000))?
//! .run()
//! .await
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
//! | body longer than the limit (default 32 MiB, see [`Endpoint::body_limit`]); it is read and discarded (up to 64 MiB more) so the client sees the answer | 413 | the limit |
//! | empty body, not a protobuf `ToFunction`, or a `ToFunction` the protocol does not allow (no invocation, no target, no invocations, bad typename) | 400 | why |
//! | the target's function type is not registered | 404 | the typename and the registered ones |
//! | the function returned an error or panicked, or a state value cannot be decoded | 500 | typename, id and error; the service keeps serving |
//! | the batch did not finish within the time limit (default 2 minutes, see [`Endpoint::timeout`]) | 504 | typename, id and the limit; the batch is dropped, the service keeps serving |
//!
//! The body of a request answered without the dispatcher (405, 413, 415) is still read
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
//! With the `tls` feature, [`Endpoint::serve_tls`] serves HTTPS with a certificate and key
//! from PEM files, optionally requiring client certificates signed by a CA (mutual TLS);
//! see [`TlsConfig`]. rustls with the `ring` provider: no OpenSSL is needed.
//!
//! ```no_run
//! # async fn run(functions: statefun_core::Functions) -> Result<(), Box<dyn std::error::Error>> {
//! # #[cfg(feature = "tls")] {
//! use statefun_actix::{Endpoint, TlsConfig};
//!
//! let tls = TlsConfig::from_pem_files("service.pem", "service.key")?.client_ca("ca.pem")?;
//! println!("{}", functions.module_yaml("https://functions:8443/statefun"));
//! Endpoint::new(functions).serve_tls(("0.0.0.0", 8443), tls).await?;
//! # }
//! # Ok(())
//! # }
//! ```
//!
//! # Tracing
//!
//! Each request runs in an `INFO` span `statefun.request` whose `status`, `latency` and
//! `bytes` fields are recorded when it is answered, with one event at the end: `DEBUG` for
//! 200, `WARN` for 4xx, `ERROR` for 5xx. The dispatcher adds a `DEBUG` span
//! `statefun.batch` with the function and id.
//!
//! # Shutdown
//!
//! [`serve`] and [`Endpoint::serve`] stop gracefully on the first SIGINT or SIGTERM (Ctrl-C
//! on Windows): the listener closes, batches in flight finish and are answered (for up to
//! 30 seconds), then the future resolves. A second signal makes it resolve at once, without
//! waiting for the batches in flight (they end when the process exits). actix-web's own
//! handling, which you get when you build the `HttpServer` yourself, stops on SIGINT
//! without waiting.
//!
//! # Features
//!
//! | Feature | Default | What it adds |
//! |---|---|---|
//! | `gzip` | off | [`Endpoint::gzip`]: gzip-compressed responses when the request accepts them |
//! | `tls` | off | [`TlsConfig`], [`Endpoint::serve_tls`]: HTTPS with rustls, optional client certificates |

use std::{
    any::Any,
    fmt, io,
    net::{TcpListener, ToSocketAddrs},
    panic::AssertUnwindSafe,
    pin::pin,
    sync::Arc,
    time::{Duration, Instant},
};

use actix_web::{
    App, HttpRequest, HttpResponse, HttpServer,
    dev::{AppService, HttpServiceFactory},
    http::{
        StatusCode,
        header::{self, HeaderValue},
    },
    web,
};
use bytes::{Bytes, BytesMut};
use futures_util::{
    FutureExt, StreamExt,
    future::{Either, select},
};
use prost::Message as _;
use statefun_core::{Error, Functions, Handler, proto::reqreply as pb};

#[cfg(feature = "tls")]
mod tls;
#[cfg(feature = "tls")]
pub use tls::{TlsConfig, TlsError};

/// The path [`Endpoint`] and [`serve`] answer on unless told otherwise.
pub const DEFAULT_PATH: &str = "/statefun";

/// The default request body limit: 32 MiB, the runtime's default `payload_max_bytes`.
pub const DEFAULT_BODY_LIMIT: usize = 32 * 1024 * 1024;

/// How long a batch may run by default before it is abandoned with 504: 2 minutes, the
/// runtime's default call timeout (`transport.call` in module.yaml), after which the
/// runtime no longer waits for the answer.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);

/// Serves `functions` on `addr` at [`DEFAULT_PATH`] until SIGINT or SIGTERM, then stops
/// gracefully (see the [crate docs](crate#shutdown)).
///
/// Shorthand for `Endpoint::new(functions).serve(addr)`; use [`Endpoint`] to change the
/// path or the body limit.
///
/// ```no_run
/// # async fn run(functions: statefun_core::Functions) -> std::io::Result<()> {
/// statefun_actix::serve(functions, ("0.0.0.0", 8000)).await
/// # }
/// ```
pub async fn serve(functions: impl Into<Handler>, addr: impl ToSocketAddrs) -> io::Result<()> {
    Endpoint::new(functions).serve(addr).await
}

/// A StateFun endpoint: the [`Handler`] of your functions at a path, with its HTTP
/// settings.
///
/// Mount it in an actix-web `App` with `App::new().service(endpoint.clone())` (it is an
/// [`HttpServiceFactory`]), or run it alone with [`Endpoint::serve`]. Cloning is cheap:
/// the functions are shared.
#[derive(Clone)]
pub struct Endpoint {
    path: String,
    config: Arc<Config>,
}

#[derive(Clone)]
struct Config {
    handler: Handler,
    body_limit: usize,
    timeout: Option<Duration>,
    #[cfg(feature = "gzip")]
    gzip: bool,
}

impl fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Endpoint");
        d.field("path", &self.path)
            .field("functions", self.config.handler.functions())
            .field("body_limit", &self.config.body_limit)
            .field("timeout", &self.config.timeout);
        #[cfg(feature = "gzip")]
        d.field("gzip", &self.config.gzip);
        d.finish()
    }
}

impl Endpoint {
    /// An endpoint for `functions` (a [`Functions`] or a [`Handler`]) at [`DEFAULT_PATH`]
    /// with a body limit of [`DEFAULT_BODY_LIMIT`] and a time limit of [`DEFAULT_TIMEOUT`].
    pub fn new(functions: impl Into<Handler>) -> Self {
        Self {
            path: DEFAULT_PATH.to_owned(),
            config: Arc::new(Config {
                handler: functions.into(),
                body_limit: DEFAULT_BODY_LIMIT,
                timeout: Some(DEFAULT_TIMEOUT),
                #[cfg(feature = "gzip")]
                gzip: false,
            }),
        }
    }

    /// Answers on `path` instead of [`DEFAULT_PATH`]: an actix-web resource pattern such as
    /// `"/statefun"`, `"/"` or `"/functions/{name}"` (the target function is read from the
    /// body, not the path). It must match the path of `urlPathTemplate` in module.yaml.
    pub fn path(mut self, path: impl Into<String>) -> Self {
        self.path = path.into();
        self
    }

    /// Rejects request bodies longer than `bytes` with 413. Keep it at least the runtime's
    /// `payload_max_bytes` (default 32 MiB, [`DEFAULT_BODY_LIMIT`]): the request carries
    /// every state value of the address.
    pub fn body_limit(mut self, bytes: usize) -> Self {
        Arc::make_mut(&mut self.config).body_limit = bytes;
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
    ///
    /// ```
    /// # use std::time::Duration;
    /// # let functions = statefun_core::Functions::new();
    /// let endpoint = statefun_actix::Endpoint::new(functions).timeout(Duration::from_secs(30));
    /// assert_eq!(endpoint.time_limit(), Some(Duration::from_secs(30)));
    /// assert_eq!(endpoint.timeout(None).time_limit(), None);
    /// ```
    pub fn timeout(mut self, limit: impl Into<Option<Duration>>) -> Self {
        Arc::make_mut(&mut self.config).timeout = limit.into();
        self
    }

    /// Gzip-compresses responses of at least 1 KiB when the request's `Accept-Encoding`
    /// allows it. Off by default: `FromFunction` answers are usually small and the
    /// compression costs CPU on every request; turn it on when answers carry large state
    /// over a slow network. Requires the `gzip` feature.
    #[cfg(feature = "gzip")]
    pub fn gzip(mut self, enabled: bool) -> Self {
        Arc::make_mut(&mut self.config).gzip = enabled;
        self
    }

    /// The path this endpoint answers on.
    pub fn path_pattern(&self) -> &str {
        &self.path
    }

    /// The request body limit in bytes.
    pub fn limit(&self) -> usize {
        self.config.body_limit
    }

    /// How long a batch may run before it is answered 504 ([`Endpoint::timeout`]).
    pub fn time_limit(&self) -> Option<Duration> {
        self.config.timeout
    }

    /// The functions served.
    pub fn functions(&self) -> &Functions {
        self.config.handler.functions()
    }

    /// The dispatcher that answers requests.
    pub fn handler(&self) -> &Handler {
        &self.config.handler
    }

    /// Serves this endpoint on `addr` until SIGINT or SIGTERM, then stops gracefully (see
    /// the [crate docs](crate#shutdown)). Runs on actix-web's runtime or inside
    /// `#[tokio::main]`.
    pub async fn serve(self, addr: impl ToSocketAddrs) -> io::Result<()> {
        let endpoint = self;
        let server = HttpServer::new(move || App::new().service(endpoint.clone()))
            .disable_signals()
            .bind(addr)?;
        run(server.run()).await
    }

    /// Like [`Endpoint::serve`], on a listener you bound, e.g. to port 0 in a test:
    ///
    /// ```no_run
    /// # async fn run(functions: statefun_core::Functions) -> std::io::Result<()> {
    /// let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    /// let addr = listener.local_addr()?;
    /// println!("serving on http://{addr}/statefun");
    /// statefun_actix::Endpoint::new(functions).serve_listener(listener).await
    /// # }
    /// ```
    pub async fn serve_listener(self, listener: TcpListener) -> io::Result<()> {
        let endpoint = self;
        let server = HttpServer::new(move || App::new().service(endpoint.clone()))
            .disable_signals()
            .listen(listener)?;
        run(server.run()).await
    }

    /// Like [`Endpoint::serve`], over HTTPS (feature `tls`): see [`TlsConfig`].
    ///
    /// ```no_run
    /// # async fn run(functions: statefun_core::Functions) -> Result<(), Box<dyn std::error::Error>> {
    /// use statefun_actix::{Endpoint, TlsConfig};
    ///
    /// let tls = TlsConfig::from_pem_files("service.pem", "service.key")?;
    /// Endpoint::new(functions).serve_tls(("0.0.0.0", 8443), tls).await?;
    /// # Ok(())
    /// # }
    /// ```
    #[cfg(feature = "tls")]
    pub async fn serve_tls(self, addr: impl ToSocketAddrs, tls: TlsConfig) -> io::Result<()> {
        let config = tls.server_config()?;
        let endpoint = self;
        let server = HttpServer::new(move || App::new().service(endpoint.clone()))
            .disable_signals()
            .bind_rustls_0_23(addr, config)?;
        run(server.run()).await
    }

    /// Like [`Endpoint::serve_tls`], on a listener you bound.
    #[cfg(feature = "tls")]
    pub async fn serve_tls_listener(self, listener: TcpListener, tls: TlsConfig) -> io::Result<()> {
        let config = tls.server_config()?;
        let endpoint = self;
        let server = HttpServer::new(move || App::new().service(endpoint.clone()))
            .disable_signals()
            .listen_rustls_0_23(listener, config)?;
        run(server.run()).await
    }
}

impl HttpServiceFactory for Endpoint {
    fn register(self, config: &mut AppService) {
        let shared = self.config;
        let limit = shared.body_limit;
        web::resource(self.path)
            .route(web::post().to(move |req: HttpRequest, body: web::Payload| {
                let shared = Arc::clone(&shared);
                async move { shared.answer(req, body).await }
            }))
            .default_service(web::to(move |mut body: web::Payload| async move {
                let mut response = HttpResponse::MethodNotAllowed();
                if !discard(&mut body, 0, discard_budget(limit)).await {
                    response.force_close();
                }
                response
                    .insert_header((header::ALLOW, "POST"))
                    .content_type(TEXT)
                    .body("a StateFun endpoint answers POST requests only")
            }))
            .register(config);
    }
}

const TEXT: &str = "text/plain; charset=utf-8";

/// A request answered with an error status before reaching the dispatcher.
struct Rejected {
    reason: Rejection,
    /// Whether its body was read to the end: if not, the answer closes the connection (a
    /// client would otherwise send its next request on a connection the server drops).
    drained: bool,
}

/// Why a request was answered with an error status before reaching the dispatcher.
enum Rejection {
    ContentType(String),
    ContentEncoding(String),
    TooLarge(usize),
    Payload(actix_web::error::PayloadError),
}

impl Rejection {
    fn status_and_text(&self) -> (StatusCode, String) {
        match self {
            Self::ContentType(got) => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                format!("expected Content-Type application/octet-stream, got `{got}`"),
            ),
            Self::ContentEncoding(got) => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                format!("request bodies with Content-Encoding `{got}` are not supported"),
            ),
            Self::TooLarge(limit) => (
                StatusCode::PAYLOAD_TOO_LARGE,
                format!(
                    "the request body is longer than the limit of {limit} bytes; raise it with `Endpoint::body_limit`"
                ),
            ),
            Self::Payload(actix_web::error::PayloadError::Incomplete(_)) => (
                StatusCode::BAD_REQUEST,
                "could not read the request body: it ended early (invalid chunked encoding, or the connection closed)".to_owned(),
            ),
            Self::Payload(e) => (
                StatusCode::BAD_REQUEST,
                format!("could not read the request body: {e}"),
            ),
        }
    }
}

impl Config {
    async fn answer(&self, req: HttpRequest, body: web::Payload) -> HttpResponse {
        let start = Instant::now();
        let span = tracing::info_span!(
            "statefun.request",
            status = tracing::field::Empty,
            latency = tracing::field::Empty,
            bytes = tracing::field::Empty,
        );
        let response = async {
            match self.receive(&req, body).await {
                Ok(body) => {
                    span.record("bytes", body.len());
                    self.dispatch(&req, body).await
                }
                Err(Rejected { reason, drained }) => {
                    let (status, text) = reason.status_and_text();
                    let mut response = HttpResponse::build(status);
                    if !drained {
                        response.force_close();
                    }
                    let response = response.content_type(TEXT).body(text.clone());
                    (response, Some(text))
                }
            }
        };
        let (response, error) = tracing::Instrument::instrument(response, span.clone()).await;
        let status = response.status().as_u16();
        let latency = start.elapsed();
        span.record("status", status);
        span.record("latency", tracing::field::debug(latency));
        span.in_scope(|| match (status, error) {
            (500.., Some(error)) => tracing::error!(status, ?latency, %error, "request failed"),
            (_, Some(error)) => tracing::warn!(status, ?latency, %error, "request rejected"),
            (_, None) => tracing::debug!(status, ?latency, "request answered"),
        });
        response
    }

    async fn receive(&self, req: &HttpRequest, mut body: web::Payload) -> Result<Bytes, Rejected> {
        let headers = req.headers();
        let reason = match (
            headers.get(header::CONTENT_TYPE),
            headers.get(header::CONTENT_ENCODING),
        ) {
            (Some(value), _) if !is_octet_stream(value) => {
                Some(Rejection::ContentType(lossy(value)))
            }
            (_, Some(value)) if !value.as_bytes().eq_ignore_ascii_case(b"identity") => {
                Some(Rejection::ContentEncoding(lossy(value)))
            }
            _ => None,
        };
        if let Some(reason) = reason {
            // Read the body anyway (within the limit), so the connection stays usable.
            let drained = discard(&mut body, 0, discard_budget(self.body_limit)).await;
            return Err(Rejected { reason, drained });
        }
        let length = headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
        if length.is_some_and(|length| length > self.body_limit) {
            return Err(too_large(body, self.body_limit, 0).await);
        }
        read_body(body, self.body_limit, length.unwrap_or(0)).await
    }

    /// Runs the dispatcher; the error text is returned for the request's log event.
    async fn dispatch(&self, req: &HttpRequest, body: Bytes) -> (HttpResponse, Option<String>) {
        // A reference count, kept to name the target if the batch times out.
        let request = body.clone();
        let batch = AssertUnwindSafe(self.handler.handle(body)).catch_unwind();
        let outcome = match self.timeout {
            // The timer is only registered if the batch does not finish at its first poll.
            Some(limit) => match actix_web::rt::time::timeout(limit, batch).await {
                Ok(outcome) => outcome,
                Err(_) => {
                    let text = timed_out(&request, limit);
                    let response = HttpResponse::GatewayTimeout()
                        .content_type(TEXT)
                        .body(text.clone());
                    return (response, Some(text));
                }
            },
            None => batch.await,
        };
        match outcome {
            Ok(Ok(answer)) => (self.ok(req, answer), None),
            Ok(Err(error)) => {
                let text = describe(&error);
                let response = HttpResponse::build(status_of(&error))
                    .content_type(TEXT)
                    .body(text.clone());
                (response, Some(text))
            }
            Err(panic) => {
                let text = format!("the SDK panicked: {}", panic_message(&*panic));
                let response = HttpResponse::InternalServerError()
                    .content_type(TEXT)
                    .body(text.clone());
                (response, Some(text))
            }
        }
    }

    #[cfg_attr(not(feature = "gzip"), allow(unused_variables))]
    fn ok(&self, req: &HttpRequest, answer: Bytes) -> HttpResponse {
        let mut response = HttpResponse::Ok();
        response.content_type("application/octet-stream");
        #[cfg(feature = "gzip")]
        if self.gzip {
            response.insert_header((header::VARY, "accept-encoding"));
            if answer.len() >= GZIP_MIN_BYTES
                && accepts_gzip(req)
                && let Ok(compressed) = gzip(&answer)
            {
                response.insert_header((header::CONTENT_ENCODING, "gzip"));
                return response.body(compressed);
            }
        }
        response.body(answer)
    }
}

/// The status of a dispatcher error: the caller's fault is 4xx, the function's 500.
fn status_of(error: &Error) -> StatusCode {
    match error {
        Error::UnknownFunction { .. } => StatusCode::NOT_FOUND,
        e if e.is_bad_request() => StatusCode::BAD_REQUEST,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// The text of a 504: the function and id, read again from the request (only when a batch
/// times out, so the cost does not matter).
fn timed_out(request: &Bytes, limit: Duration) -> String {
    let target = pb::ToFunction::decode(request.clone())
        .ok()
        .and_then(|r| match r.request? {
            pb::to_function::Request::Invocation(batch) => batch.target,
        });
    match target {
        Some(t) => format!(
            "function {}/{} (id `{}`) did not finish within {limit:?}; the batch was abandoned and none of its effects were sent (the limit is set with `Endpoint::timeout`)",
            t.namespace, t.r#type, t.id
        ),
        None => format!(
            "the request was not answered within {limit:?}; it was abandoned (the limit is set with `Endpoint::timeout`)"
        ),
    }
}

/// The error and the causes its message does not already include.
fn describe(error: &Error) -> String {
    use std::error::Error as _;
    let mut text = error.to_string();
    // Messages usually include their direct source, often more: add only the causes whose
    // text is not there yet.
    let mut cause = error.source();
    while let Some(c) = cause {
        let more = c.to_string();
        if !text.contains(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        cause = c.source();
    }
    text
}

/// Reads the whole body: a body that arrives in one chunk is kept as is, without a copy.
async fn read_body(mut body: web::Payload, limit: usize, hint: usize) -> Result<Bytes, Rejected> {
    let mut first: Option<Bytes> = None;
    let mut rest: Option<BytesMut> = None;
    let mut total = 0usize;
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|e| Rejected {
            reason: Rejection::Payload(e),
            drained: false,
        })?;
        total += chunk.len();
        if total > limit {
            return Err(too_large(body, limit, total).await);
        }
        if let Some(buf) = &mut rest {
            buf.extend_from_slice(&chunk);
        } else if let Some(head) = first.take() {
            let mut buf = BytesMut::with_capacity(hint.max(total));
            buf.extend_from_slice(&head);
            buf.extend_from_slice(&chunk);
            rest = Some(buf);
        } else {
            first = Some(chunk);
        }
    }
    Ok(match rest {
        Some(buf) => buf.freeze(),
        None => first.unwrap_or_default(),
    })
}

/// How much of a body over the limit is read and thrown away, so that the client (which
/// sends the whole body before it reads the answer) sees the 413 instead of a broken pipe.
const DISCARD_MAX: usize = 64 * 1024 * 1024;

/// How much of a rejected body is read and discarded at most.
fn discard_budget(limit: usize) -> usize {
    limit.saturating_add(DISCARD_MAX)
}

/// Reads and discards the rest of a rejected body (`read` bytes of it are gone already),
/// up to `budget` bytes in all; whether it reached the end.
async fn discard(body: &mut web::Payload, mut read: usize, budget: usize) -> bool {
    while read <= budget {
        match body.next().await {
            Some(Ok(chunk)) => read += chunk.len(),
            Some(Err(_)) => return false,
            None => return true,
        }
    }
    false
}

/// Reads and discards what is left of a body over the limit (up to [`DISCARD_MAX`] more
/// bytes; past that the connection is closed), then rejects it.
async fn too_large(mut body: web::Payload, limit: usize, read: usize) -> Rejected {
    let drained = discard(&mut body, read, discard_budget(limit)).await;
    Rejected {
        reason: Rejection::TooLarge(limit),
        drained,
    }
}

fn is_octet_stream(value: &HeaderValue) -> bool {
    let essence = value.as_bytes().split(|&b| b == b';').next().unwrap_or(&[]);
    essence
        .trim_ascii()
        .eq_ignore_ascii_case(b"application/octet-stream")
}

fn lossy(value: &HeaderValue) -> String {
    String::from_utf8_lossy(value.as_bytes()).into_owned()
}

fn panic_message(panic: &(dyn Any + Send)) -> &str {
    if let Some(s) = panic.downcast_ref::<&str>() {
        s
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s
    } else {
        "a panic with a non-string payload"
    }
}

#[cfg(feature = "gzip")]
const GZIP_MIN_BYTES: usize = 1024;

/// Whether `Accept-Encoding` allows gzip (`gzip`, `x-gzip` or `*` without `q=0`).
#[cfg(feature = "gzip")]
fn accepts_gzip(req: &HttpRequest) -> bool {
    req.headers()
        .get_all(header::ACCEPT_ENCODING)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|item| {
            let mut parts = item.split(';');
            let coding = parts.next().unwrap_or("").trim();
            let refused = parts.any(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            !refused
                && (coding.eq_ignore_ascii_case("gzip")
                    || coding.eq_ignore_ascii_case("x-gzip")
                    || coding == "*")
        })
}

#[cfg(feature = "gzip")]
fn gzip(bytes: &[u8]) -> io::Result<Vec<u8>> {
    use std::io::Write as _;
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(bytes.len() / 2),
        flate2::Compression::fast(),
    );
    encoder.write_all(bytes)?;
    encoder.finish()
}

/// Runs `server` until the first SIGINT or SIGTERM, then stops it gracefully; a second
/// signal stops it at once.
async fn run(server: actix_web::dev::Server) -> io::Result<()> {
    let handle = server.handle();
    let mut server = pin!(server);
    match select(server.as_mut(), pin!(stop_signal())).await {
        Either::Left((result, _)) => return result,
        Either::Right(((), _)) => {}
    }
    tracing::info!(
        "stopping: answering the requests in flight (send the signal again to stop at once)"
    );
    // The command is sent when `stop` is called; the server future reports completion.
    drop(handle.stop(true));
    match select(server.as_mut(), pin!(stop_signal())).await {
        Either::Left((result, _)) => result,
        Either::Right(((), _)) => {
            // actix-server handles no command while a graceful stop is under way, so
            // `stop(false)` would wait too: return, and let the process exit.
            tracing::warn!("second signal: returning without waiting for the requests in flight");
            Ok(())
        }
    }
}

/// Resolves on SIGINT or SIGTERM (Ctrl-C elsewhere than Unix).
async fn stop_signal() {
    #[cfg(unix)]
    {
        use actix_web::rt::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                let int = pin!(actix_web::rt::signal::ctrl_c());
                let term = pin!(term.recv());
                select(int, term).await;
            }
            Err(e) => {
                tracing::warn!("cannot listen for SIGTERM: {e}");
                let _ = actix_web::rt::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = actix_web::rt::signal::ctrl_c().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn send<T: Send>(_: &T) {}

    #[test]
    fn serve_future_and_endpoint_are_send() {
        let endpoint = Endpoint::new(Functions::new());
        send(&endpoint);
        send(&serve(Functions::new(), "127.0.0.1:0"));
        send(&endpoint.serve_listener(TcpListener::bind("127.0.0.1:0").unwrap()));
    }

    #[test]
    fn octet_stream_check_ignores_parameters_and_case() {
        for ok in [
            "application/octet-stream",
            "Application/Octet-Stream",
            "application/octet-stream; charset=binary",
        ] {
            assert!(is_octet_stream(&HeaderValue::from_static(ok)), "{ok}");
        }
        for bad in [
            "application/json",
            "text/plain",
            "",
            "application/octet-streamx",
        ] {
            assert!(!is_octet_stream(&HeaderValue::from_static(bad)), "{bad}");
        }
    }
}
