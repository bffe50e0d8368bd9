//! The load test's `statefun-hyper` service: the same `demo/greeter` (and `demo/reader`) as
//! `load-greeter`, served by `statefun::hyper` with its defaults on `127.0.0.1:$PORT` at
//! `/statefun`, on a tokio runtime as `#[tokio::main]` builds it (one worker thread per CPU
//! the process may use; `WORKERS=N` sets it, `WORKERS=0` runs tokio's current-thread
//! runtime). With `LOG=info` it installs the README's log subscriber
//! (`statefun::logging::init()`) first. `HEADER_READ_TIMEOUT=off` serves without the header
//! read timeout (`Server::with_header_read_timeout(None)`): the load benchmark's
//! `statefun-hyper-lean`.
//!
//! ```sh
//! PORT=8000 cargo run --release --features hyper --example load-greeter-hyper
//! ```

#[allow(dead_code)]
#[path = "../common/functions.rs"]
mod functions;

fn main() -> std::io::Result<()> {
    let port: u16 = std::env::var("PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(8000);
    let logging = if std::env::var("LOG").is_ok_and(|log| log == "info") {
        statefun::logging::init();
        "the README's (statefun::logging), at INFO"
    } else {
        "none"
    };
    let mut runtime = match std::env::var("WORKERS").ok().and_then(|w| w.parse().ok()) {
        // `WORKERS=0`: everything on the main thread (tokio's current-thread runtime).
        Some(0) => tokio::runtime::Builder::new_current_thread(),
        Some(workers) => {
            let mut runtime = tokio::runtime::Builder::new_multi_thread();
            runtime.worker_threads(workers);
            runtime
        }
        None => tokio::runtime::Builder::new_multi_thread(),
    };
    let functions = statefun::Functions::new()
        .with(functions::greeter)
        .with(functions::reader);
    eprintln!(
        "statefun greeter (statefun::hyper) on http://127.0.0.1:{port}/statefun, log subscriber {logging}"
    );
    let mut server = statefun::hyper::Server::new(functions).bind(("127.0.0.1", port))?;
    if std::env::var("HEADER_READ_TIMEOUT").is_ok_and(|t| t == "off") {
        server = server.with_header_read_timeout(None);
    }
    runtime.enable_all().build()?.block_on(server.run())
}
