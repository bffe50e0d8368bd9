//! [`LocalError`]: why a local run stopped.

use crate::{
    function::BoxError,
    names::{Address, TypeName, TypeNameError},
};

/// Why a local run stopped. The real runtime would fail the job (and restart it from a
/// checkpoint) in each of these cases.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LocalError {
    /// No endpoint serves the target's function type.
    #[error("no endpoint serves {0}: register the function or an endpoint for its namespace")]
    NoEndpoint(Address),
    /// The endpoint failed (a function error, a panic, a transport error).
    #[error("{address}: the endpoint failed: {source}")]
    Endpoint {
        /// The target of the failed request.
        address: Address,
        /// What the endpoint said.
        #[source]
        source: BoxError,
    },
    /// The endpoint answered something that is not a valid `FromFunction`.
    #[error("{address}: invalid response: {error}")]
    InvalidResponse {
        /// The target of the request.
        address: Address,
        /// What is wrong.
        #[source]
        error: InvalidResponse,
    },
    /// A mutation names a state the function never declared.
    #[error("function {function} wrote state `{state}`, which it never declared")]
    UndeclaredState {
        /// The function type.
        function: TypeName,
        /// The state name.
        state: String,
    },
    /// A mutation's typename differs from the declared one.
    #[error(
        "function {function} wrote state `{state}` as `{actual}`, but declared it as `{declared}`"
    )]
    StateTypeMismatch {
        /// The function type.
        function: TypeName,
        /// The state name.
        state: String,
        /// The declared typename.
        declared: String,
        /// The typename written.
        actual: String,
    },
    /// An invalid spec in an `IncompleteInvocationContext`.
    #[error("function {function} declared an invalid state spec `{state}`: {error}")]
    InvalidSpec {
        /// The function type.
        function: TypeName,
        /// The state name.
        state: String,
        /// What is wrong.
        #[source]
        error: InvalidSpec,
    },
    /// A delayed message reuses the token of one that is still pending.
    #[error(
        "{address} sent a delayed message with token `{token}` while another with that token is pending"
    )]
    DuplicateToken {
        /// The sender.
        address: Address,
        /// The token.
        token: String,
    },
    /// A function sent to an egress the application's module.yaml does not declare
    /// ([`LocalRuntime::with_module`](super::LocalRuntime::with_module)).
    #[error(
        "{address} sent to egress {egress}, which the module does not declare (it declares: {}): the StateFun runtime would fail the job",
        .declared.iter().map(TypeName::as_str).collect::<Vec<_>>().join(", ")
    )]
    UndeclaredEgress {
        /// The sender.
        address: Address,
        /// The egress it sent to.
        egress: TypeName,
        /// The egresses the module declares.
        declared: Vec<TypeName>,
    },
    /// A cancellation came without a token.
    #[error("{0} sent a cancellation without a token")]
    CancellationWithoutToken(Address),
    /// The run took more requests than allowed: most likely a message loop.
    #[error(
        "no quiescence after {0} requests: a message loop? (raise the bound with `max_requests`)"
    )]
    RequestLimit(usize),
}

/// What is wrong with a `FromFunction` (the real runtime would fail the job).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InvalidResponse {
    /// The body is not a protobuf `FromFunction`.
    #[error("not a protobuf `FromFunction`: {0}")]
    Undecodable(#[source] prost::DecodeError),
    /// An `IncompleteInvocationContext` that lists no missing value.
    #[error("an IncompleteInvocationContext with no missing values")]
    NoMissingValues,
    /// An `IncompleteInvocationContext` that asks for a state the request carried: sending
    /// it again would be answered the same, forever.
    #[error("an IncompleteInvocationContext asks for state `{0}`, which the request carried")]
    StateAskedAgain(String),
    /// A message or delayed message has an invalid target.
    #[error("a message target is invalid: {0}")]
    InvalidTarget(#[source] TypeNameError),
    /// An egress message names an invalid egress.
    #[error("an egress name is invalid: {0}")]
    InvalidEgress(#[source] TypeNameError),
}

/// What is wrong with a state spec (the real runtime would fail the job).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InvalidSpec {
    /// An expiration mode other than none with 0 ms.
    #[error("an expiration of 0 ms")]
    ZeroExpiration,
    /// The value's typename is not `namespace/name`.
    #[error("its typename is invalid: {0}")]
    InvalidTypeName(#[source] TypeNameError),
}
