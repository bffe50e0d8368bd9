//! Outcome statistics of a run (with `FUZZ_STATS`).

use std::sync::OnceLock;

use bytes::Bytes;
use prost::Message as _;
use statefun::{
    Error,
    proto::reqreply::{
        FromFunction,
        from_function::{self},
    },
};

/// With `STATEFUN_FUZZ_STATS` set, counts the outcomes by kind and prints them to stderr
/// when the process exits (run a target over its corpus with `-runs=0` to see what the
/// corpus reaches).
pub(crate) fn record(answer: &Result<Bytes, Error>) {
    if !stats_enabled() {
        return;
    }
    let kind = match answer {
        Ok(bytes) => match FromFunction::decode(&bytes[..])
            .ok()
            .and_then(|a| a.response)
        {
            Some(from_function::Response::InvocationResult(r)) => {
                let effects = [
                    (!r.state_mutations.is_empty(), "mutations"),
                    (!r.outgoing_messages.is_empty(), "messages"),
                    (!r.delayed_invocations.is_empty(), "delayed"),
                    (!r.outgoing_egresses.is_empty(), "egress"),
                ];
                let effects: Vec<_> = effects.iter().filter(|e| e.0).map(|e| e.1).collect();
                format!("ok: invocation result [{}]", effects.join(" "))
            }
            Some(from_function::Response::IncompleteInvocationContext(_)) => {
                "ok: incomplete invocation context".to_owned()
            }
            None => "ok: empty".to_owned(),
        },
        Err(e) => {
            let debug = format!("{e:?}");
            let end = debug.find(['(', ' ', '{']).unwrap_or(debug.len());
            let mut kind = format!("error: {}", &debug[..end]);
            if let Error::InvalidRequest(r) = e {
                let debug = format!("{r:?}");
                let end = debug.find(['(', ' ', '{']).unwrap_or(debug.len());
                kind.push_str(&format!(" {}", &debug[..end]));
            }
            kind
        }
    };
    count(kind);
}

/// Whether `STATEFUN_FUZZ_STATS` asks for outcome statistics.
pub fn stats_enabled() -> bool {
    stats().is_some()
}

/// Counts one outcome of the kind `kind`, printed at exit with `STATEFUN_FUZZ_STATS` set.
pub fn count(kind: String) {
    if let Some(stats) = stats() {
        *stats
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(kind)
            .or_default() += 1;
    }
}

fn stats() -> Option<&'static std::sync::Mutex<std::collections::BTreeMap<String, u64>>> {
    use std::{collections::BTreeMap, sync::Mutex};
    static STATS: OnceLock<Option<Mutex<BTreeMap<String, u64>>>> = OnceLock::new();
    STATS
        .get_or_init(|| {
            std::env::var_os("STATEFUN_FUZZ_STATS").map(|_| {
                unsafe extern "C" {
                    fn atexit(callback: extern "C" fn()) -> std::ffi::c_int;
                }
                extern "C" fn print() {
                    if let Some(Some(stats)) = STATS.get() {
                        let stats = stats.lock().unwrap_or_else(|e| e.into_inner());
                        let total: u64 = stats.values().sum();
                        eprintln!("statefun-fuzz outcomes of {total} inputs:");
                        for (kind, n) in stats.iter() {
                            eprintln!("  {n:>8}  {kind}");
                        }
                    }
                }
                // SAFETY: registers a function without arguments that only reads a static.
                unsafe { atexit(print) };
                Mutex::new(BTreeMap::new())
            })
        })
        .as_ref()
}
