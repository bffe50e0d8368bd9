//! The greeter served by hyper directly (feature `hyper`): `statefun::hyper`, the SDK's
//! one request pipeline on hyper's HTTP/1.1 server, with the liveness and readiness probes,
//! the catalog, and a graceful stop on SIGINT or SIGTERM. It answers exactly as the
//! actix-web service does (the same checks, limits, statuses, texts and log lines), in fewer
//! instructions per request: the choice when CPU matters (docs/deploy.md).
//!
//! ```text
//! cargo run --example hyper_greeter --features hyper   # serves http://0.0.0.0:8000/statefun
//! ```
//!
//! Environment: `PORT` (default 8000), `HOST` (default `0.0.0.0`), `RUST_LOG` (default
//! `info`).

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
    // The path, body limit and time limit are the endpoint's; `statefun::hyper::serve` is
    // the one-line form with the defaults.
    let endpoint = Endpoint::new(Functions::new().with(greeter));
    statefun::hyper::Server::new(endpoint)
        .bind((host.as_str(), port))?
        .run()
        .await?;
    Ok(())
}
