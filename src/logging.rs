//! Logging in one call: [`init`] sends the SDK's log events (and your own `tracing`
//! events) to stderr, so that a failed batch or a misconfigured path never goes unseen, as
//! text for a terminal or as JSON lines for a log shipper ([`Format`]).
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
//!
//! # JSON
//!
//! With `STATEFUN_LOG_FORMAT=json` in the environment (or [`init_with`]`(Format::Json)`),
//! each event is one JSON object on a line: `timestamp`, `level`, `target`, the event's
//! fields (`message` among them), and under `span` the fields of the request's span
//! `statefun.request` (`function`, `id`, `batch_size` from the moment the batch starts,
//! `bytes`, then `status` and `latency` when it is answered); `spans` lists every span the
//! event is in, outermost first. So every event of a request, your function's own included,
//! says which function and id it belongs to:
//!
//! ```text
//! {"timestamp":"2025-06-01T10:00:00.000000Z","level":"INFO","message":"greeting ann","target":"greeter","span":{"batch_size":1,"bytes":48,"function":"demo/greeter","id":"ann","name":"statefun.request"},"spans":[...]}
//! {"timestamp":"2025-06-01T10:00:00.000100Z","level":"ERROR","message":"request failed","status":500,"latency":"85µs","error":"function demo/cart (id `ann`) failed: ...","target":"statefun::http","span":{"batch_size":1,"bytes":52,"function":"demo/cart","id":"ann","latency":"85µs","name":"statefun.request","status":500},"spans":[...]}
//! ```

use tracing_subscriber::EnvFilter;

/// The filter used when `RUST_LOG` is not set.
pub const DEFAULT_FILTER: &str = "info";

/// The environment variable [`Format::from_env`] reads: `json` or `text`.
pub const FORMAT_VARIABLE: &str = "STATEFUN_LOG_FORMAT";

/// How [`init_with`] writes events.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Format {
    /// Human-readable lines, in color when stderr is a terminal.
    #[default]
    Text,
    /// One JSON object per event and line, with the fields of the spans it is in (see the
    /// [module docs](self#json)).
    Json,
}

impl Format {
    /// The format named by `STATEFUN_LOG_FORMAT` ([`FORMAT_VARIABLE`]): `json` (any case)
    /// for [`Format::Json`], anything else or nothing for [`Format::Text`].
    pub fn from_env() -> Self {
        match std::env::var(FORMAT_VARIABLE) {
            Ok(value) if value.trim().eq_ignore_ascii_case("json") => Self::Json,
            _ => Self::Text,
        }
    }
}

/// Installs a global subscriber that writes to stderr, filtered by `RUST_LOG` (e.g.
/// `RUST_LOG=debug`, `RUST_LOG=statefun=debug,info`; default [`DEFAULT_FILTER`]), in the
/// format of `STATEFUN_LOG_FORMAT` ([`Format::from_env`]): text unless it says `json`.
///
/// Does nothing if a global subscriber is installed already (by an earlier call, or by
/// your own setup), so it is safe to call from tests and examples alike.
pub fn init() {
    init_with(Format::from_env());
}

/// Like [`init`], in the format given whatever the environment says.
pub fn init_with(format: Format) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match format {
        Format::Text => builder
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .try_init(),
        Format::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(true)
            .try_init(),
    };
}
