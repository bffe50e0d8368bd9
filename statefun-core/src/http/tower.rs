//! [`Endpoint`] as a `tower::Service` over the `http` crate's types (feature `tower`): what
//! axum, hyper (through hyper-util) and `lambda_http` mount.

use std::{
    convert::Infallible,
    pin::pin,
    task::{Context, Poll},
    time::Instant,
};

use bytes::{Buf as _, Bytes};
use futures_util::{StreamExt as _, future::BoxFuture};
use http_body_util::{BodyDataStream, Full};

use super::{Answer, Endpoint, RequestHead};

/// A deadline for the answer to one request, read from the request's extensions: a
/// serverless adapter puts the platform's deadline there (less the time to send the
/// answer), and a batch still running then is answered 504
/// ([`RequestHead::with_deadline`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Deadline(pub Instant);

/// Answers `http::Request`s: the StateFun requests at [`Endpoint::path`] (or at every path,
/// [`Endpoint::with_any_path`]) through [`Endpoint::answer`], any other path with
/// [`Endpoint::unserved`]. Never fails: every outcome is an answer.
///
/// ```
/// # async fn run() {
/// use http_body_util::Full;
/// use statefun::{Bytes, Functions, http::Endpoint};
/// use tower_service::Service as _;
///
/// let mut endpoint = Endpoint::new(Functions::new());
/// let request = http::Request::get("/statefun").body(Full::new(Bytes::new())).unwrap();
/// let response = endpoint.call(request).await.unwrap();
/// assert_eq!(response.status(), 405);
/// let request = http::Request::post("/elsewhere").body(Full::new(Bytes::new())).unwrap();
/// assert_eq!(endpoint.call(request).await.unwrap().status(), 404);
/// # }
/// ```
impl<B> tower_service::Service<::http::Request<B>> for Endpoint
where
    B: http_body::Body + Send + 'static,
    B::Data: Send,
    B::Error: std::fmt::Display + Send,
{
    type Response = ::http::Response<Full<Bytes>>;
    type Error = Infallible;
    type Future = BoxFuture<'static, Result<Self::Response, Infallible>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: ::http::Request<B>) -> Self::Future {
        let endpoint = self.clone();
        Box::pin(async move { Ok(endpoint.answer_http(request).await) })
    }
}

impl Endpoint {
    /// Answers one `http::Request`, as the `tower::Service` does.
    async fn answer_http<B>(&self, request: ::http::Request<B>) -> ::http::Response<Full<Bytes>>
    where
        B: http_body::Body,
        B::Error: std::fmt::Display,
    {
        let (parts, body) = request.into_parts();
        let body = BodyDataStream::new(body)
            .map(|chunk| chunk.map(|mut data| data.copy_to_bytes(data.remaining())));
        let body = pin!(body);
        let answer = if self.answers_path(parts.uri.path()) {
            let header = |name| parts.headers.get(name).map(::http::HeaderValue::as_bytes);
            let head = RequestHead::new(parts.method.as_str())
                .with_content_type(header(::http::header::CONTENT_TYPE))
                .with_content_encoding(header(::http::header::CONTENT_ENCODING))
                .with_content_length(header(::http::header::CONTENT_LENGTH))
                .with_deadline(parts.extensions.get::<Deadline>().map(|d| d.0));
            self.answer(head, body).await
        } else {
            let host = parts
                .headers
                .get(::http::header::HOST)
                .and_then(|host| host.to_str().ok())
                .or_else(|| parts.uri.authority().map(|a| a.as_str()));
            let scheme = parts.uri.scheme_str().unwrap_or("http");
            let origin = host.map(|host| (scheme, host));
            self.unserved(parts.method.as_str(), parts.uri.path(), origin, body)
                .await
        };
        response(answer)
    }
}

/// The `http::Response` of an [`Answer`]: its status, headers and body.
pub(crate) fn response(answer: Answer) -> ::http::Response<Full<Bytes>> {
    let mut response = ::http::Response::builder()
        .status(answer.status())
        .header(::http::header::CONTENT_TYPE, answer.content_type());
    if let Some(allow) = answer.allow() {
        response = response.header(::http::header::ALLOW, allow);
    }
    if answer.close() {
        response = response.header(::http::header::CONNECTION, "close");
    }
    response
        .body(Full::new(answer.into_body()))
        .expect("the status and header values of an `Answer` are valid")
}
