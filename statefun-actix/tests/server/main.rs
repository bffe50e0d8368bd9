//! The actix-web service through a real server on loopback ports: the shared HTTP behaviour
//! table and actix-web's own parser rows (`bad_input`), every setting and answer (`http`),
//! its log, metrics and operational paths, TLS, and the graceful stop on signals. One
//! binary; a module per concept. What is the process's own (a signal, the readiness state,
//! the process-wide log subscriber) runs in a child process of this binary
//! ([`in_child_process`]).

mod bad_input;
mod http;
mod logging;
#[cfg(feature = "metrics")]
mod metrics;
mod no_subscriber;
#[cfg(unix)]
mod readiness;
#[cfg(unix)]
mod shutdown;
#[cfg(feature = "tls")]
mod tls;

/// Runs the ignored test `name` of `module` (its `module_path!()`) alone in a child process
/// of this test binary, and fails with its output if it fails.
pub(crate) fn in_child_process(module: &str, name: &str) {
    statefun_test_support::child::passes(&mut statefun_test_support::child::child_test(
        module, name,
    ));
}
