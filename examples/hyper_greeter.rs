//! The greeter served by plain [hyper](https://docs.rs/hyper), without any of the SDK's
//! server integrations: [`statefun::http::Endpoint`] is a `tower::Service` (feature
//! `tower`), which hyper-util's adapter hands to hyper as it is. It answers exactly as the
//! actix-web service does: the same checks, limits, statuses, texts and log lines.
//!
//! ```text
//! cargo run --example hyper_greeter --features tower   # serves http://0.0.0.0:8000/statefun
//! ```
//!
//! Environment: `PORT` (default 8000), `HOST` (default `0.0.0.0`), `RUST_LOG` (default
//! `info`).

use hyper::server::conn::http1;
use hyper_util::{rt::TokioIo, service::TowerToHyperService};
use statefun::{BoxError, Context, Functions, Message, StateSpec, Value, http::Endpoint};

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

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    statefun::logging::init();
    let host = std::env::var("HOST").unwrap_or_else(|_| "0.0.0.0".into());
    let port: u16 = match std::env::var("PORT") {
        Ok(port) => port.parse().map_err(|e| format!("PORT={port}: {e}"))?,
        Err(_) => 8000,
    };
    let endpoint = Endpoint::new(Functions::new().with(greeter));
    let listener = tokio::net::TcpListener::bind((host.as_str(), port)).await?;
    tracing::info!("listening on http://{}/statefun", listener.local_addr()?);
    loop {
        let (stream, _) = listener.accept().await?;
        let service = TowerToHyperService::new(endpoint.clone());
        tokio::spawn(async move {
            let served = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
            if let Err(error) = served {
                tracing::debug!(%error, "connection ended");
            }
        });
    }
}
