//! Persisted state: one typed cell per value ([`Value`]), its spec ([`ValueSpec`],
//! [`Expiration`]), the [`State`] trait of a state struct, and the [`Cells`] it is built
//! from and the [`Mutations`] it becomes.
//!
//! Each batch decodes the received values once into their cells, runs every invocation
//! against them, then encodes only the cells that were written or cleared: one mutation
//! per changed state, carrying the batch's last value.

mod cells;
mod error;
mod spec;
mod traits;
mod value;

pub use cells::{Cells, Mutations};
pub(crate) use cells::{Mutation, ReceivedValue};
pub use error::StateError;
pub(crate) use spec::validate_specs;
pub use spec::{Expiration, SpecError, ValueSpec, is_valid_state_name};
pub use traits::{State, StateField};
pub use value::Value;
