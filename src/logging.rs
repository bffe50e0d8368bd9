//! Logging in one call: [`init`] sends the SDK's log events (and your own `tracing`
//! events) to stderr, so that a failed batch or a misconfigured path never goes unseen.
//!
//! ```
//! statefun::logging::init();
//! tracing::info!("ready");
//! ```
//!
//! The SDK logs with [`tracing`](https://docs.rs/tracing): at `INFO` where the service
//! listens and what it serves, at `WARN` each rejected request (4xx) and each request to a
//! path that is not served, at `ERROR` each failed batch (5xx) with the function, the id
//! and the error. Install your own subscriber instead of calling [`init`] if you need other
//! formats or destinations.

use tracing_subscriber::EnvFilter;

/// The filter used when `RUST_LOG` is not set.
pub const DEFAULT_FILTER: &str = "info";

/// Installs a global subscriber that writes human-readable lines to stderr, filtered by
/// `RUST_LOG` (e.g. `RUST_LOG=debug`, `RUST_LOG=statefun=debug,info`; default
/// [`DEFAULT_FILTER`]), in color when stderr is a terminal.
///
/// Does nothing if a global subscriber is installed already (by an earlier call, or by
/// your own setup), so it is safe to call from tests and examples alike.
pub fn init() {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .try_init();
}
