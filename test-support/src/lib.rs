//! What the tests of the StateFun Rust SDK share: functions written by hand against the core
//! API (no macros, so that the core's and the adapter's tests can use them), request builders
//! and answer decoders on the wire types, the conformance vectors with their comparison, the
//! state-name table and the reference decoding of the wrapper values.
//!
//! A dev-dependency of every crate of the workspace and of `fuzz/`; never published. It
//! depends on `statefun-core` only, so that the facade, the macros and the adapter can use it
//! without a dependency cycle.

pub mod answer;
pub mod blob;
pub mod child;
pub mod conformance;
pub mod conformance_functions;
pub mod failing;
pub mod fragile;
pub mod greeter;
pub mod http_table;
pub mod request;
pub mod request_reference;
pub mod slow;
pub mod state;
pub mod state_names;
pub mod trace;
pub mod wrapper_check;
pub mod wrapper_reference;

/// The core, for the code [`state!`] expands to.
#[doc(hidden)]
pub use statefun_core as __core;
