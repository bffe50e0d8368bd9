//! The greeter served by plain [hyper](https://docs.rs/hyper), without any of the SDK's
//! integrations: how to put the transport-free [`Handler`] into any HTTP framework. The
//! request-reply protocol is one call, [`http::respond`]; the rest of `statefun::http`
//! gives the same checks, limits and error texts as the SDK's actix-web and axum services.
//!
//! ```text
//! cargo run --example hyper_greeter        # serves http://0.0.0.0:8000/statefun
//! ```
//!
//! Environment: `PORT` (default 8000), `HOST` (default `0.0.0.0`), `RUST_LOG` (default
//! `info`).

use std::convert::Infallible;

use http_body_util::{BodyExt as _, Full};
use hyper::{
    Request, Response,
    body::{Bytes, Incoming},
    header,
    server::conn::http1,
    service::service_fn,
};
use hyper_util::rt::TokioIo;
use statefun::{
    BoxError, Context, Functions, Handler, Message, StateSpec, Value,
    http::{self, Answer, Rejected},
};

#[derive(StateSpec)]
struct Greeter {
    /// How many times this person was greeted.
    seen: Value<i32>,
}

/// Counts the visits of the person named in the message; replies to a calling function.
#[statefun::function(typename = "demo/greeter")]
async fn greeter(ctx: &mut Context, state: &mut Greeter, msg: Message) -> Result<(), BoxError> {
    let name = msg.as_str()?;
    let seen = state.seen.get().copied().unwrap_or(0) + 1;
    state.seen.set(seen);
    tracing::info!(person = %ctx.self_address().id(), seen, "hello {name}");
    if ctx.caller().is_some() {
        ctx.reply(&format!("Hello {name}, visit #{seen}"))?;
    }
    Ok(())
}

/// One request: the path, the method, the headers and the body checked as `statefun::http`
/// says, the body run through the handler within the time limit.
async fn answer(handler: Handler, request: Request<Incoming>) -> Answer {
    let (parts, body) = request.into_parts();
    if parts.uri.path() != http::DEFAULT_PATH {
        let host = parts
            .headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok());
        let origin = host.map(|host| ("http", host));
        // Not read: hyper closes the connection if the body is left unread.
        return Answer::unserved_path(parts.uri.path(), http::DEFAULT_PATH, origin);
    }
    if let Err(reason) = http::check_method(parts.method.as_str()) {
        return Answer::from(Rejected {
            reason,
            drained: false,
        });
    }
    let header = |name| parts.headers.get(name).map(|value| value.as_bytes());
    let body = http::receive(
        header(header::CONTENT_TYPE),
        header(header::CONTENT_ENCODING),
        header(header::CONTENT_LENGTH),
        body.into_data_stream(),
        http::DEFAULT_BODY_LIMIT,
    )
    .await;
    match body {
        Ok(body) => {
            let timeout = Some(http::DEFAULT_TIMEOUT);
            http::respond(&handler, body, timeout, tokio::time::sleep).await
        }
        Err(rejected) => Answer::from(rejected),
    }
}

/// The hyper response of an [`Answer`]: its status, headers and body.
fn response(answer: Answer) -> Response<Full<Bytes>> {
    if let Some(error) = answer.error_text() {
        tracing::warn!(status = answer.status(), %error, "request rejected");
    }
    let mut response = Response::builder()
        .status(answer.status())
        .header(header::CONTENT_TYPE, answer.content_type());
    if let Some(allow) = answer.allow() {
        response = response.header(header::ALLOW, allow);
    }
    if answer.close() {
        response = response.header(header::CONNECTION, "close");
    }
    response
        .body(Full::new(answer.into_body()))
        .expect("a status code and header values from statefun::http are valid")
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    statefun::logging::init();
    let host = std::env::var("HOST").unwrap_or_else(|_| "0.0.0.0".into());
    let port: u16 = match std::env::var("PORT") {
        Ok(port) => port.parse().map_err(|e| format!("PORT={port}: {e}"))?,
        Err(_) => 8000,
    };
    let handler = Handler::new(Functions::new().with(greeter));
    let listener = tokio::net::TcpListener::bind((host.as_str(), port)).await?;
    tracing::info!("listening on http://{}/statefun", listener.local_addr()?);
    loop {
        let (stream, _) = listener.accept().await?;
        let handler = handler.clone();
        tokio::spawn(async move {
            let service = service_fn(move |request| {
                let handler = handler.clone();
                async move { Ok::<_, Infallible>(response(answer(handler, request).await)) }
            });
            let served = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
            if let Err(error) = served {
                tracing::debug!(%error, "connection ended");
            }
        });
    }
}
