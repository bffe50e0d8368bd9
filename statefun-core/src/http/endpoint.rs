//! [`Endpoint`]: your functions at a path with their HTTP settings, and the one request
//! pipeline every integration runs: method, headers and body limit, dispatch within the
//! time limit behind a panic guard, span and log, answer.

use std::{
    fmt,
    future::{Future, poll_fn},
    panic::AssertUnwindSafe,
    pin::pin,
    sync::Arc,
    time::{Duration, Instant},
};

use bytes::Bytes;
use futures_util::{
    FutureExt as _, Stream,
    future::{Either, select},
};
use tracing::Instrument as _;

use super::{
    Answer, DEFAULT_BODY_LIMIT, DEFAULT_PATH, DEFAULT_TIMEOUT, Observe, Report, RequestHead,
    body::{Rejected, discard, discard_budget, receive},
    log::{LOG_TARGET, RequestLog},
    rejection::check_method,
};
use crate::dispatch::{Error, Functions, Handler};

/// A StateFun endpoint: the [`Handler`] of your functions at a path, with its HTTP
/// settings, and the request pipeline every integration of the SDK runs
/// ([`Endpoint::answer`]). Cloning is cheap: the settings are shared.
///
/// The actix-web service wraps one (`statefun::actix::Endpoint`); with the `axum`,
/// `lambda` or `hyper` features it is the `tower::Service` those frameworks mount
/// (`http::Request` in, `http::Response` out).
///
/// ```
/// use std::time::Duration;
/// use statefun::{Functions, http::Endpoint};
///
/// let endpoint = Endpoint::new(Functions::new())
///     .with_path("/functions")
///     .with_body_limit(64 * 1024 * 1024)
///     .with_timeout(Duration::from_secs(30));
/// assert_eq!(endpoint.path(), "/functions");
/// assert_eq!(endpoint.body_limit(), 64 * 1024 * 1024);
/// assert_eq!(endpoint.timeout(), Some(Duration::from_secs(30)));
/// ```
#[derive(Clone)]
pub struct Endpoint {
    settings: Arc<Settings>,
}

#[derive(Clone)]
struct Settings {
    handler: Handler,
    path: String,
    any_path: bool,
    body_limit: usize,
    timeout: Option<Duration>,
    observer: Option<Arc<dyn Observe>>,
}

impl fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = &*self.settings;
        f.debug_struct("Endpoint")
            .field("path", &s.path)
            .field("any_path", &s.any_path)
            .field("functions", s.handler.functions())
            .field("body_limit", &s.body_limit)
            .field("timeout", &s.timeout)
            .field("observer", &s.observer.is_some())
            .finish()
    }
}

impl<F: Into<Handler>> From<F> for Endpoint {
    fn from(functions: F) -> Self {
        Self::new(functions)
    }
}

impl Endpoint {
    /// An endpoint for `functions` (a [`Functions`] or a [`Handler`]) at [`DEFAULT_PATH`],
    /// with a body limit of [`DEFAULT_BODY_LIMIT`] and a time limit of [`DEFAULT_TIMEOUT`].
    pub fn new(functions: impl Into<Handler>) -> Self {
        Self {
            settings: Arc::new(Settings {
                handler: functions.into(),
                path: DEFAULT_PATH.to_owned(),
                any_path: false,
                body_limit: DEFAULT_BODY_LIMIT,
                timeout: Some(DEFAULT_TIMEOUT),
                observer: None,
            }),
        }
    }

    fn settings(&mut self) -> &mut Settings {
        Arc::make_mut(&mut self.settings)
    }

    /// Answers on `path` instead of [`DEFAULT_PATH`]. It must match the path of
    /// `urlPathTemplate` in module.yaml. A request to any other path is answered 404 with
    /// a text that names this path and the `urlPathTemplate` to use, unless
    /// [`Endpoint::with_any_path`]. In a framework's router, `path` may be one of its
    /// patterns (`"/functions/{name}"`): the target function is read from the body, not
    /// from the path.
    pub fn with_path(mut self, path: impl Into<String>) -> Self {
        self.settings().path = path.into();
        self
    }

    /// Whether every path is answered as [`Endpoint::path`] (default `false`): for a
    /// platform with one entry point (AWS Lambda), or a router that matched the path
    /// already.
    pub fn with_any_path(mut self, any: bool) -> Self {
        self.settings().any_path = any;
        self
    }

    /// Rejects request bodies longer than `bytes` with 413. Keep it at least the runtime's
    /// `payload_max_bytes` (default 32 MiB, [`DEFAULT_BODY_LIMIT`]): the request carries
    /// every state value of the address.
    pub fn with_body_limit(mut self, bytes: usize) -> Self {
        self.settings().body_limit = bytes;
        self
    }

    /// Abandons a batch that has not finished after `limit` (default [`DEFAULT_TIMEOUT`],
    /// the runtime's default call timeout) and answers 504 with the function's typename
    /// and id; `None` waits forever. Keep it at most the runtime's `transport.call`
    /// timeout: the runtime does not wait longer for the answer and retries the batch.
    ///
    /// The batch's future is dropped at the limit, so an `async` function stops at its
    /// next `.await` and none of its effects are sent. A function that blocks its thread
    /// (a long synchronous loop, blocking I/O) cannot be interrupted: it keeps that thread
    /// until it returns, and the answer is sent then.
    pub fn with_timeout(mut self, limit: impl Into<Option<Duration>>) -> Self {
        self.settings().timeout = limit.into();
        self
    }

    /// Tells `observer` of every request this endpoint answers ([`Observe`]): the
    /// Prometheus metrics of the `metrics` feature, or your own.
    pub fn with_observer(mut self, observer: impl Observe) -> Self {
        self.settings().observer = Some(Arc::new(observer));
        self
    }

    /// The path this endpoint answers on ([`Endpoint::with_path`]).
    pub fn path(&self) -> &str {
        &self.settings.path
    }

    /// Whether every path is answered ([`Endpoint::with_any_path`]).
    pub fn any_path(&self) -> bool {
        self.settings.any_path
    }

    /// The request body limit in bytes ([`Endpoint::with_body_limit`]).
    pub fn body_limit(&self) -> usize {
        self.settings.body_limit
    }

    /// How long a batch may run before it is answered 504 ([`Endpoint::with_timeout`]).
    pub fn timeout(&self) -> Option<Duration> {
        self.settings.timeout
    }

    /// What watches the requests ([`Endpoint::with_observer`]).
    pub fn observer(&self) -> Option<&dyn Observe> {
        self.settings.observer.as_deref()
    }

    /// The dispatcher that answers requests.
    pub fn handler(&self) -> &Handler {
        &self.settings.handler
    }

    /// The functions served.
    pub fn functions(&self) -> &Functions {
        self.settings.handler.functions()
    }

    /// Whether a request to `path` is a StateFun request here: it is [`Endpoint::path`], or
    /// the endpoint answers every path. The others get [`Endpoint::unserved`].
    pub fn answers_path(&self, path: &str) -> bool {
        self.settings.any_path || path == self.settings.path
    }

    /// Answers one StateFun request, whatever its path: the whole pipeline, free of any
    /// HTTP framework. Only `POST` is answered (405 otherwise); the headers are checked
    /// and the body (`body`, the framework's stream of chunks) is read within the body
    /// limit (415, 413, 400), then dispatched within the time limit behind a panic guard
    /// (200, or the error's status and text). The request has an `INFO` span
    /// [`REQUEST_SPAN`](super::REQUEST_SPAN) (fields `function`, `id`, `batch_size`,
    /// `bytes`, `status`, `latency_us`), or, for a subscriber that turns it off, the same
    /// fields as [`RequestFields`](super::RequestFields); and one log event at the end
    /// (`status`, `latency_us`, and the error's text if any): `DEBUG` for 200, `WARN` for
    /// 4xx, `ERROR` for 5xx. A rejected body is still read and thrown away (up to 64 MiB past the
    /// limit) so that the keep-alive connection survives; past that the answer closes it.
    ///
    /// Copy the [`Answer`]'s status, headers and body into your framework's response:
    ///
    /// The time limit is kept with tokio's timer: call it on a tokio runtime (every server
    /// the SDK integrates runs on one), or set [`Endpoint::with_timeout`]`(None)`.
    ///
    /// ```
    /// use statefun::{Bytes, Functions, http::{Endpoint, RequestHead}};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let endpoint = Endpoint::new(Functions::new());
    /// let body = futures_util::stream::iter([Ok::<_, std::io::Error>(Bytes::from_static(b"\x01"))]);
    /// let answer = endpoint.answer(RequestHead::new("POST"), body).await;
    /// assert_eq!(answer.status(), 400); // not a `ToFunction`
    /// assert_eq!(answer.content_type(), "text/plain; charset=utf-8");
    /// # }
    /// ```
    pub async fn answer<S, E>(&self, head: RequestHead<'_>, mut body: S) -> Answer
    where
        S: Stream<Item = Result<Bytes, E>> + Unpin,
        E: fmt::Display,
    {
        let limit = self.settings.body_limit;
        if let Err(reason) = check_method(head.method()) {
            let drained = discard(&mut body, 0, discard_budget(limit)).await;
            return self.rejected(Answer::rejected(Rejected { reason, drained }));
        }
        let start = Instant::now();
        let mut log = RequestLog::start();
        let span = log.span();
        let work = async {
            match receive(&head, body, limit).await {
                Ok(body) => {
                    log.received(body.len());
                    let timeout = time_limit(self.settings.timeout, head.deadline());
                    self.respond(body, timeout, &mut log).await
                }
                Err(rejected) => self.rejected(Answer::rejected(rejected)),
            }
        };
        let answer = work.instrument(span).await;
        log.answered(&answer, start.elapsed());
        answer
    }

    /// Answers a request for a path this endpoint does not serve: 404, with a text that
    /// names the path it serves and, given the scheme and host the request came by
    /// (`origin`), the `urlPathTemplate` to put in module.yaml; and a `WARN` log event.
    /// The body is read and thrown away first, so the connection stays usable.
    pub async fn unserved<S, E>(
        &self,
        method: &str,
        path: &str,
        origin: Option<(&str, &str)>,
        mut body: S,
    ) -> Answer
    where
        S: Stream<Item = Result<Bytes, E>> + Unpin,
    {
        let budget = discard_budget(self.settings.body_limit);
        let drained = discard(&mut body, 0, budget).await;
        let answer = Answer::unserved_path(path, &self.settings.path, origin);
        if let Some(text) = answer.error_text() {
            tracing::warn!(target: LOG_TARGET, method = %method, path, "{text}");
        }
        self.rejected(answer.with_close(!drained))
    }

    fn rejected(&self, answer: Answer) -> Answer {
        if let Some(observer) = &self.settings.observer {
            observer.rejected(answer.status());
        }
        answer
    }

    /// Dispatches a body within `timeout`, behind a panic guard.
    async fn respond(
        &self,
        request: Bytes,
        timeout: Option<Duration>,
        log: &mut RequestLog,
    ) -> Answer {
        let watch = self.settings.observer.as_deref().map(Watch::start);
        // A reference count, kept to name the target if the batch times out.
        let body = request.clone();
        let handler = &self.settings.handler;
        // A panic in the SDK's own code (it catches those of user code itself) must not
        // take the connection down with it.
        let dispatch =
            match std::panic::catch_unwind(AssertUnwindSafe(|| handler.dispatch(request))) {
                Ok(dispatch) => dispatch,
                Err(panic) => {
                    let answer = Answer::panicked(&*panic);
                    if let Some(watch) = watch {
                        log.in_scope(|| {
                            watch.answered(Report {
                                panicked: true,
                                ..Report::of(None, &answer, body.len())
                            })
                        });
                    }
                    return answer;
                }
            };
        log.routed(dispatch.target(), dispatch.batch_size());
        // Only the observer needs the function once the batch has taken the request.
        let function = watch
            .as_ref()
            .and(dispatch.target())
            .map(|t| t.type_name().clone());
        let batch_size = dispatch.batch_size();
        let outcome = within(
            timeout,
            AssertUnwindSafe(dispatch.run()).catch_unwind(),
            log,
        )
        .await;
        let (answer, negotiation, panicked, dead_letters) = match outcome {
            Ok(Ok(dispatched)) => {
                let negotiation = dispatched.is_negotiation();
                let dead_letters = dispatched.dead_letters().to_vec();
                let result = dispatched.into_result();
                let panicked = matches!(result, Err(Error::FunctionPanicked { .. }));
                (
                    Answer::from_result(result),
                    negotiation,
                    panicked,
                    dead_letters,
                )
            }
            Ok(Err(panic)) => (Answer::panicked(&*panic), false, true, Vec::new()),
            Err(limit) => (Answer::timed_out(&body, limit), false, false, Vec::new()),
        };
        if let Some(watch) = watch {
            log.in_scope(|| {
                watch.answered(Report {
                    batch_size,
                    negotiation,
                    panicked,
                    dead_letters: &dead_letters,
                    ..Report::of(function.as_ref(), &answer, body.len())
                })
            });
        }
        answer
    }
}

/// The time a batch may take: the endpoint's limit, or less if the request's deadline
/// comes first.
fn time_limit(timeout: Option<Duration>, deadline: Option<Instant>) -> Option<Duration> {
    let left = deadline.map(|deadline| deadline.saturating_duration_since(Instant::now()));
    match (timeout, left) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// `work`'s output, or the limit it did not finish within; run with the request's fields
/// (`log`), for the lines it writes.
async fn within<F: Future>(
    limit: Option<Duration>,
    work: F,
    log: &mut RequestLog,
) -> Result<F::Output, Duration> {
    // Polled through the fields here rather than wrapped in a future of their own: the
    // batch's future is large, and each wrapper would move it once more.
    let mut work = pin!(work);
    let work = poll_fn(|cx| log.in_scope(|| work.as_mut().poll(cx)));
    match limit {
        Some(limit) => match select(work, pin!(tokio::time::sleep(limit))).await {
            Either::Left((output, _)) => Ok(output),
            Either::Right(((), _)) => Err(limit),
        },
        None => Ok(work.await),
    }
}

/// One dispatched request as its observer sees it: [`Observe::abandoned`] when dropped
/// before it is answered.
struct Watch<'a> {
    observer: &'a dyn Observe,
    start: Instant,
    done: bool,
}

impl<'a> Watch<'a> {
    fn start(observer: &'a dyn Observe) -> Self {
        observer.dispatching();
        Self {
            observer,
            start: Instant::now(),
            done: false,
        }
    }

    /// Reports `report`, timed from the start.
    fn answered(mut self, report: Report<'_>) {
        self.done = true;
        self.observer.answered(&Report {
            elapsed: self.start.elapsed(),
            ..report
        });
    }
}

impl Drop for Watch<'_> {
    fn drop(&mut self) {
        if !self.done {
            self.observer.abandoned();
        }
    }
}
