//! The greeter in an axum application: `POST /statefun` answered by `statefun::axum`, next
//! to a route of the application's own, stopping gracefully on SIGINT or SIGTERM.
//!
//! ```text
//! cargo run --example axum_greeter --features axum     # serves http://0.0.0.0:8000/statefun
//! curl http://localhost:8000/health
//! ```
//!
//! Environment: `PORT` (default 8000), `HOST` (default `0.0.0.0`), `RUST_LOG` (default
//! `info`). Stdout is the module.yaml for a cluster that reaches the service at
//! `http://localhost:PORT/statefun`.

use axum::{Router, routing::get};
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
    let functions = Functions::new().with(greeter);
    println!(
        "{}",
        functions.module_yaml(&format!("http://localhost:{port}/statefun"))
    );

    let app = Router::new()
        .route("/health", get(|| async { "ok" }))
        .merge(statefun::axum::router(Endpoint::new(functions))); // POST /statefun; 404 with a hint elsewhere
    let listener = tokio::net::TcpListener::bind((host.as_str(), port)).await?;
    tracing::info!("listening on http://{}/statefun", listener.local_addr()?);
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    Ok(())
}

/// The first SIGINT (Ctrl-C) or SIGTERM: axum then stops accepting and answers the requests
/// in flight before `serve` returns.
async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = interrupt => {}
        () = terminate => {}
    }
}
