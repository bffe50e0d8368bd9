//! The load test's statefun service: `demo/greeter` (and `demo/reader`) served by the
//! actix adapter with its defaults, on `127.0.0.1:$PORT` at `/statefun`. Built with the
//! `metrics` feature, it records every request and serves `GET /metrics` (the load
//! benchmark's `statefun-metrics`). With `LOG=info` it installs the README's log subscriber
//! (`statefun::logging::init()`, INFO unless `RUST_LOG` says otherwise, text unless
//! `STATEFUN_LOG_FORMAT=json`) first: the load benchmark's `statefun-info` and
//! `statefun-json`. With `LOG=fmt` it installs tracing-subscriber's `fmt` subscriber at INFO
//! (without colours, as the README's writes to a file) instead, as a user with a subscriber
//! of their own would: `statefun-fmt`. `WORKERS=N` sets the worker count (default: one per CPU the
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
    let log = std::env::var("LOG").unwrap_or_default();
    let logging = match log.as_str() {
        "info" => {
            statefun::logging::init();
            "the README's (statefun::logging), at INFO"
        }
        "fmt" => {
            tracing_subscriber::fmt()
                .with_env_filter(tracing_subscriber::EnvFilter::new("info"))
                .with_writer(std::io::stderr)
                .with_ansi(false)
                .init();
            "tracing-subscriber's fmt, at INFO"
        }
        _ => "none",
    };
    let functions = statefun::Functions::new()
        .with(functions::greeter)
        .with(functions::reader);
    let metrics = if cfg!(feature = "metrics") {
        "on"
    } else {
        "off"
    };
    eprintln!(
        "statefun greeter on http://127.0.0.1:{port}/statefun, metrics {metrics}, log subscriber {logging}"
    );
    let server = statefun::actix::Server::new(statefun::actix::Endpoint::new(functions))
        .bind(("127.0.0.1", port))?;
    match std::env::var("WORKERS").ok().and_then(|w| w.parse().ok()) {
        Some(workers) => server.with_workers(workers).run().await,
        None => server.run().await,
    }
}
