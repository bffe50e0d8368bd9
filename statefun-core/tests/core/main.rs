//! The integration tests of `statefun-core`, one binary with a module per concept (as
//! cargo's own `tests/testsuite/main.rs`): each module tests one part of the core through
//! its public API. A new test of the core goes into the module of its concept; a new
//! concept gets a module of its own here. Tests of private units sit beside them in
//! `src/` (`#[cfg(test)] mod tests`), and the HTTP pipeline as a whole is tested over real
//! HTTP by the shared table of `statefun-test-support` (docs/testing.md).

mod address_of;
mod codec;
mod conformance;
mod context;
mod dispatch;
mod function;
mod layers;
mod local;
mod message_targets;
mod messages;
mod metrics;
#[cfg(feature = "module")]
mod module;
mod names;
mod proto_codegen;
mod registry;
mod request_edges;
mod spans;
mod state;
mod values;
mod wrapper_decoding;
mod zero_copy;
