//! StateFun for Rust: remote functions for Apache Flink Stateful Functions.
//!
//! (Crate docs with the greeter example are written with the macros.)

pub use statefun_core::*;

#[doc(inline)]
pub use statefun_macros::{StateSpec, Type, function};

#[cfg(feature = "actix")]
#[doc(inline)]
pub use statefun_actix as actix;

#[cfg(feature = "http-client")]
pub mod remote;

/// Not public API: the paths the macros' generated code uses. May change in any release.
#[doc(hidden)]
pub mod __private {
    pub use statefun_core;
    pub use statefun_core::codec::{json, protobuf, raw};
    pub use statefun_core::{
        BoxError, Bytes, Cells, CodecError, Context, Expiration, Function, IntoFunctionResult,
        Message, Mutations, State, StateError, StateField, Type, TypeName, ValueSpec,
    };
    pub use std::{
        clone::Clone,
        default::Default,
        fmt::Debug,
        future::Future,
        marker::{Copy, Send},
        result::Result,
        time::Duration,
        vec::Vec,
    };

    /// What a `#[statefun(raw)]` newtype wraps: `Bytes` (sent without copying) or
    /// `Vec<u8>`.
    #[diagnostic::on_unimplemented(
        message = "`{Self}` cannot be the bytes of a `raw` StateFun type",
        label = "not `Bytes` or `Vec<u8>`",
        note = "a `raw` type is a newtype around bytes: `struct Blob(statefun::Bytes);` or `struct Blob(Vec<u8>);`"
    )]
    pub trait RawBytes: Sized {
        /// The bytes to send.
        fn to_bytes(&self) -> Bytes;
        /// The value from received bytes.
        fn from_bytes(bytes: Bytes) -> Self;
    }

    impl RawBytes for Bytes {
        fn to_bytes(&self) -> Bytes {
            self.clone()
        }
        fn from_bytes(bytes: Bytes) -> Self {
            bytes
        }
    }

    impl RawBytes for Vec<u8> {
        fn to_bytes(&self) -> Bytes {
            Bytes::copy_from_slice(self)
        }
        fn from_bytes(bytes: Bytes) -> Self {
            bytes.into()
        }
    }
}
