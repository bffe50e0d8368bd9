//! StateFun for Rust: remote functions for Apache Flink Stateful Functions.
//!
//! (Crate docs with the greeter example are written with the macros.)

pub use statefun_core::*;

#[cfg(feature = "actix")]
#[doc(inline)]
pub use statefun_actix as actix;

/// Not public API: the paths the macros' generated code uses. May change in any release.
#[doc(hidden)]
pub mod __private {
    pub use statefun_core;
    pub use statefun_core::codec::{json, protobuf, raw};
    pub use std::{future::Future, time::Duration, vec::Vec};
}
