//! The load test's statefun service: `demo/greeter` (and `demo/reader`) served by the
//! actix adapter with its defaults, on `127.0.0.1:$PORT` at `/statefun`. Built with the
//! `metrics` feature, it records every request and serves `GET /metrics` (the load
//! benchmark's `statefun-metrics`). With `LOG=info` it installs the README's log subscriber
//! (`statefun::logging::init()`, INFO unless `RUST_LOG` says otherwise) first: the load
//! benchmark's `statefun-info`. `WORKERS=N` sets the worker count (default: one per CPU the
//! process may use): the benchmark's `statefun-1w` is the greeter with one worker.
//!
//! ```sh
//! PORT=8000 cargo run --release --example load-greeter
//! PORT=8000 cargo run --release --features metrics --example load-greeter
//! ```

#[allow(dead_code)]
#[path = "../common/functions.rs"]
mod functions;

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::io::Result<()> {
    let port: u16 = std::env::var("PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(8000);
    let logging = std::env::var("LOG").is_ok_and(|v| v == "info");
    if logging {
        statefun::logging::init();
    }
    let functions = statefun::Functions::new()
        .with(functions::greeter)
        .with(functions::reader);
    let metrics = if cfg!(feature = "metrics") {
        "on"
    } else {
        "off"
    };
    eprintln!(
        "statefun greeter on http://127.0.0.1:{port}/statefun, metrics {metrics}, log subscriber {}",
        if logging { "at INFO" } else { "none" }
    );
    let server = statefun::actix::Server::new(statefun::actix::Endpoint::new(functions))
        .bind(("127.0.0.1", port))?;
    match std::env::var("WORKERS").ok().and_then(|w| w.parse().ok()) {
        Some(workers) => server.with_workers(workers).run().await,
        None => server.run().await,
    }
}
