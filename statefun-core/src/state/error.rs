//! [`StateError`]: a received state value that cannot be used.

use crate::{codec::CodecError, names::TypeName};

/// A received state value that cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StateError {
    /// The runtime holds a value of another type under this state name, e.g. after the
    /// state's type changed between deployments.
    #[error(
        "state `{state}` holds a `{actual}`, but the function declares `{expected}`: delete the old state or give the new type a new state name"
    )]
    TypeMismatch {
        /// The state name.
        state: String,
        /// The declared typename.
        expected: TypeName,
        /// The typename received.
        actual: String,
    },
    /// The value's bytes could not be decoded.
    #[error("state `{state}` could not be decoded: {source}")]
    Decode {
        /// The state name.
        state: String,
        /// What the codec said.
        #[source]
        source: CodecError,
    },
    /// The value could not be encoded.
    #[error("state `{state}` could not be encoded: {source}")]
    Encode {
        /// The state name.
        state: String,
        /// What the codec said.
        #[source]
        source: CodecError,
    },
    /// A hand-written [`State`](super::State) read or wrote more cells than it declares specs.
    #[error("the state reads or writes more values than it declares in `specs()`")]
    SpecCountMismatch,
}
