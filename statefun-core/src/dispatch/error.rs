//! [`Error`]: why a request could not be answered, and [`RequestError`]: what makes a
//! well-formed `ToFunction` invalid.

use crate::{
    function::BoxError,
    names::{Address, TypeName, TypeNameError},
    state::StateError,
};

/// Why a request could not be answered with a `FromFunction`.
///
/// The first group is the caller's fault (a malformed request, an unknown function); the
/// rest fail the batch: no partial response is ever sent, and the runtime retries.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The body is empty.
    #[error("the request body is empty: expected a protobuf `ToFunction`")]
    EmptyBody,
    /// The body is not a protobuf `ToFunction`.
    #[error("the request body is not a valid protobuf `ToFunction`: {0}")]
    MalformedRequest(#[source] prost::DecodeError),
    /// The body is a `ToFunction` the protocol does not allow.
    #[error("invalid `ToFunction`: {0}")]
    InvalidRequest(#[from] RequestError),
    /// No function is registered under the target's typename.
    #[error(
        "no function `{type_name}` is registered here (registered: {}); check the `functions` pattern and `urlPathTemplate` in module.yaml",
        list(.registered)
    )]
    UnknownFunction {
        /// The requested typename.
        type_name: TypeName,
        /// The registered typenames, sorted.
        registered: Vec<TypeName>,
    },
    /// A received state value cannot be used.
    #[error("function {} (id `{}`): {source}", .address.type_name(), .address.id())]
    State {
        /// The function instance.
        address: Address,
        /// What is wrong.
        #[source]
        source: StateError,
    },
    /// The function returned an error.
    #[error("function {} (id `{}`) failed: {source}", .address.type_name(), .address.id())]
    FunctionFailed {
        /// The function instance.
        address: Address,
        /// The function's error.
        #[source]
        source: BoxError,
    },
    /// The function, or a codec of its state, panicked; the panic was caught and the
    /// service keeps serving.
    #[error("function {} (id `{}`) panicked: {message}", .address.type_name(), .address.id())]
    FunctionPanicked {
        /// The function instance.
        address: Address,
        /// The panic message.
        message: String,
    },
}

fn list(names: &[TypeName]) -> String {
    names
        .iter()
        .map(TypeName::as_str)
        .collect::<Vec<_>>()
        .join(", ")
}

impl Error {
    /// Whether the request itself is at fault (malformed, invalid, unknown function), as
    /// opposed to the function or its state.
    pub fn is_bad_request(&self) -> bool {
        matches!(
            self,
            Self::EmptyBody | Self::MalformedRequest(_) | Self::InvalidRequest(_)
        )
    }
}

/// A well-formed protobuf that is not a valid request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RequestError {
    /// `ToFunction.invocation` is not set.
    #[error("it has no `invocation` (an `InvocationBatchRequest`)")]
    MissingInvocation,
    /// The batch has no target address.
    #[error("the batch has no target address")]
    MissingTarget,
    /// The target's namespace or type is not a valid typename.
    #[error("the target's function type is invalid: {0}")]
    InvalidTarget(TypeNameError),
    /// A caller's namespace or type is not a valid typename.
    #[error("invocation {index}'s caller is invalid: {source}")]
    InvalidCaller {
        /// The invocation's index in the batch.
        index: usize,
        /// What is wrong.
        source: TypeNameError,
    },
    /// The batch has no invocations.
    #[error("the batch has no invocations")]
    NoInvocations,
    /// A state name appears more than once in the batch's `state`. The runtime sends each
    /// state once; which of two values is meant cannot be known, so neither is used.
    #[error("state `{0}` appears more than once in the request's `state`")]
    DuplicateState(String),
}
