//! The names of things: [`TypeName`] (a function type, a value type, an egress),
//! [`Address`] (one function instance) and [`CancellationToken`] (a delayed message).

mod address;
mod cancellation;
mod type_name;

pub(crate) use address::RawAddress;
pub use address::{Address, AddressError};
pub use cancellation::{CancellationToken, TokenError};
pub use type_name::{TypeName, TypeNameError};
