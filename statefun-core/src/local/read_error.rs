//! [`StateReadError`]: why a test cannot read the state it asked for.

use crate::{
    names::{Address, TypeName},
    state::StateError,
};

/// Why [`LocalRuntime::state`](super::LocalRuntime::state) or
/// [`state_of`](super::LocalRuntime::state_of) cannot read the state a test asked for.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StateReadError {
    /// The function declares no state of that name.
    #[error(
        "{address} has no state `{name}`: {} declares {}",
        .address.type_name(),
        list(.declared)
    )]
    UnknownState {
        /// The instance.
        address: Address,
        /// The name asked for.
        name: String,
        /// The names the function declares, in order.
        declared: Vec<String>,
    },
    /// The function declares the state with another type than the one asked for.
    #[error(
        "state `{name}` of {address} is a `{declared}`, but the test reads it as a `{asked}`: read it as the function declares it"
    )]
    WrongType {
        /// The instance.
        address: Address,
        /// The state name.
        name: String,
        /// The typename the function declares (or the stored value has).
        declared: TypeName,
        /// The typename of the type asked for.
        asked: TypeName,
    },
    /// The stored value cannot be decoded as its type.
    #[error("{address}: {source}")]
    Undecodable {
        /// The instance.
        address: Address,
        /// What is wrong.
        #[source]
        source: StateError,
    },
    /// The function's states are not known yet: it is not hosted in-process, and no request
    /// has reached it.
    #[error(
        "the states of {0} are not known yet: it is served over a transport and no message has reached it (send it one first)"
    )]
    NotKnown(TypeName),
}

fn list(names: &[String]) -> String {
    if names.is_empty() {
        return "no state".to_owned();
    }
    names
        .iter()
        .map(|name| format!("`{name}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
