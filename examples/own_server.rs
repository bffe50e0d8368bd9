//! The StateFun endpoint inside your own actix-web server, next to your own routes, with
//! the SDK's graceful shutdown and logging.
//!
//! ```text
//! cargo run --example own_server               # http://0.0.0.0:8000/statefun and /version
//! curl http://localhost:8000/version
//! ```
//!
//! Environment: `PORT` (default 8000), `HOST` (default `0.0.0.0`), `RUST_LOG` (default
//! `info`).

use actix_web::{App, HttpResponse, HttpServer, web};
use statefun::{BoxError, Context, Functions, Message, actix::Endpoint};

/// Replies to the caller with the text it was sent.
#[statefun::function(typename = "demo/echo")]
fn echo(ctx: &mut Context, msg: Message) -> Result<(), BoxError> {
    let text = msg.as_str()?;
    if ctx.caller().is_some() {
        ctx.reply(text)?;
    }
    Ok(())
}

async fn version() -> HttpResponse {
    HttpResponse::Ok().body(env!("CARGO_PKG_VERSION"))
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    statefun::logging::init();
    let host = std::env::var("HOST").unwrap_or_else(|_| "0.0.0.0".into());
    let port: u16 = match std::env::var("PORT") {
        Ok(port) => port.parse().map_err(|e| format!("PORT={port}: {e}"))?,
        Err(_) => 8000,
    };

    let endpoint = Endpoint::new(Functions::new().with(echo));
    let server = HttpServer::new(move || {
        App::new()
            .service(endpoint.clone())
            .route("/version", web::get().to(version))
            // Other paths get a 404 that names the StateFun path, and a log line.
            .default_service(endpoint.unserved_paths())
    })
    // The SDK stops gracefully on SIGINT and SIGTERM: answer what is in flight, then exit.
    .disable_signals()
    .workers(2)
    .bind((host.as_str(), port))?
    .run();
    tracing::info!("listening on http://{host}:{port}/statefun and /version");
    statefun::actix::run_with_graceful_shutdown(server).await?;
    Ok(())
}
