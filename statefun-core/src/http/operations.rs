//! The operational paths a server answers beside the function path (metrics, liveness,
//! readiness, the catalog): their defaults, the check that each has a path of its own, and
//! the texts of their answers, so that every server (actix-web's, hyper's, one of your own)
//! answers them alike.

/// Where a server answers `GET` with the Prometheus metrics by default.
pub const DEFAULT_METRICS_PATH: &str = "/metrics";
/// Where a server answers the liveness probe by default.
pub const DEFAULT_HEALTH_PATH: &str = "/health";
/// Where a server answers the readiness probe by default.
pub const DEFAULT_READY_PATH: &str = "/ready";
/// Where a server answers `GET` with the catalog of the functions by default.
pub const DEFAULT_CATALOG_PATH: &str = "/catalog";

/// One of the answers a server gives beside the function path, each to `GET` on a path of
/// its own.
///
/// ```
/// use statefun::http::Operation;
///
/// assert_eq!(Operation::Health.default_path(), "/health");
/// assert_eq!(
///     Operation::Ready.wrong_method_text("/ready", "/statefun"),
///     "`/ready` answers GET with the readiness; StateFun requests go to POST `/statefun`"
/// );
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Operation {
    /// The Prometheus metrics.
    Metrics,
    /// The liveness probe: `ok` while the process serves.
    Health,
    /// The readiness probe: `ready`, or 503 once a graceful shutdown has begun.
    Ready,
    /// The catalog of the functions, as JSON.
    Catalog,
}

impl Operation {
    /// Its path when none is set: [`DEFAULT_METRICS_PATH`] and the like.
    pub const fn default_path(self) -> &'static str {
        match self {
            Self::Metrics => DEFAULT_METRICS_PATH,
            Self::Health => DEFAULT_HEALTH_PATH,
            Self::Ready => DEFAULT_READY_PATH,
            Self::Catalog => DEFAULT_CATALOG_PATH,
        }
    }

    /// What it answers, in words: "the liveness".
    pub const fn what(self) -> &'static str {
        match self {
            Self::Metrics => "the metrics",
            Self::Health => "the liveness",
            Self::Ready => "the readiness",
            Self::Catalog => "the catalog of the functions",
        }
    }

    /// The text of the 405 (with `Allow: GET`) for a method other than `GET` at `path`,
    /// naming where StateFun's requests go instead.
    pub fn wrong_method_text(self, path: &str, function_path: &str) -> String {
        format!(
            "`{path}` answers GET with {}; StateFun requests go to POST `{function_path}`",
            self.what()
        )
    }
}

/// The body of the readiness probe's 503 while a graceful shutdown is under way.
pub const STOPPING_TEXT: &str = "stopping: a graceful shutdown is under way";

/// Why a server cannot answer its operational paths beside its function path.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PathConflict {
    /// The function path is also an operational path.
    #[error(
        "the function path `{0}` is also an operational path (metrics, health, readiness or catalog); give one of them another path (`with_path`, `with_metrics_path`, `with_health_path`, `with_ready_path` or `with_catalog_path`)"
    )]
    FunctionPath(String),
    /// Two operational paths are the same.
    #[error(
        "`{0}` is given to two operational paths (metrics, health, readiness or catalog); give each its own"
    )]
    SharedPath(String),
}

/// Checks that each of `operational` (the paths served, in order) is its own and none is
/// `function_path`; the first conflict otherwise. A server checks this before it serves.
///
/// ```
/// use statefun::http::{PathConflict, check_operational_paths};
///
/// assert_eq!(check_operational_paths("/statefun", &["/health", "/ready"]), Ok(()));
/// assert_eq!(
///     check_operational_paths("/statefun", &["/health", "/health"]),
///     Err(PathConflict::SharedPath("/health".into()))
/// );
/// ```
pub fn check_operational_paths(
    function_path: &str,
    operational: &[&str],
) -> Result<(), PathConflict> {
    for (i, path) in operational.iter().enumerate() {
        if *path == function_path {
            return Err(PathConflict::FunctionPath((*path).to_owned()));
        }
        if operational[..i].contains(path) {
            return Err(PathConflict::SharedPath((*path).to_owned()));
        }
    }
    Ok(())
}
