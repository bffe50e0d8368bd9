//! Answers as the runtime reads them: a `FromFunction` decoded, with a clear panic where the
//! test expected another kind of answer.

use prost::Message as _;
use statefun_core::{
    Bytes,
    proto::reqreply::{FromFunction, from_function},
};

/// The response of the `FromFunction` in `body`.
///
/// # Panics
///
/// If `body` is not a `FromFunction`, or one without a response.
pub fn response(body: &[u8]) -> from_function::Response {
    FromFunction::decode(body)
        .expect("a FromFunction")
        .response
        .expect("a FromFunction with a response")
}

/// The invocation result in `body`.
///
/// # Panics
///
/// If `body` holds anything else, a request for missing state included.
pub fn invocation_result(body: &[u8]) -> from_function::InvocationResponse {
    match response(body) {
        from_function::Response::InvocationResult(result) => result,
        other => panic!("expected an invocation result, got {other:?}"),
    }
}

/// The states that the request for missing state in `body` asks for, in its order.
///
/// # Panics
///
/// If `body` holds anything else, an invocation result included.
pub fn missing_states(body: &[u8]) -> Vec<from_function::PersistedValueSpec> {
    match response(body) {
        from_function::Response::IncompleteInvocationContext(missing) => missing.missing_values,
        other => panic!("expected an IncompleteInvocationContext, got {other:?}"),
    }
}

/// The state mutations of the invocation result in `body`, as (state name, value bytes); a
/// deletion has empty bytes.
pub fn mutations(body: &[u8]) -> Vec<(String, Bytes)> {
    invocation_result(body)
        .state_mutations
        .into_iter()
        .map(|m| (m.state_name, m.state_value.unwrap_or_default().value))
        .collect()
}
