//! The harness shared by the fuzz targets: functions written with the macros that use every
//! feature of the SDK, a structured model of `ToFunction` requests for `arbitrary`, and the
//! invariants every answer must satisfy.
//!
//! Invariants checked on every input (a violation panics, which libFuzzer reports as a
//! crash):
//! - no panic escapes the handler, and no panic other than the functions' deliberate ones
//!   happens anywhere (the panic hook aborts on any other, even one caught later);
//! - an `Ok` answer is a canonical `FromFunction` that the runtime accepts: mutations only
//!   for declared states with the declared typename, no duplicates, every negotiation
//!   lists declared specs, cancellations carry a token, addresses are valid typenames;
//! - an `Err` is a typed [`statefun::Error`] whose kind fits the request (an empty body is
//!   `EmptyBody` and nothing else is; a state sent twice is `DuplicateState` naming it; a
//!   request for a registered function with all its state is never a bad request unless a
//!   state is sent twice or a caller is invalid);
//! - the same input gives the same answer twice;
//! - a fixed valid request gives the same answer before and after the input, from the
//!   shared handler and from a fresh one: no answer depends on an earlier failed one.

#![allow(missing_docs)]

mod functions;
mod invariants;
mod model;
mod stats;
mod types;
pub mod wrappers;

pub use functions::*;
pub use invariants::*;
pub use model::*;
pub use stats::*;
pub use types::*;

/// Every deliberate panic of the functions starts with this; any other panic is a bug.
pub const USER_PANIC: &str = "fuzz: deliberate panic";
