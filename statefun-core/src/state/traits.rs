//! The [`State`] trait that `#[derive(StateSpec)]` implements, and its fields
//! ([`StateField`]).

use super::{Cells, Expiration, Mutations, StateError, Value, ValueSpec};
use crate::codec::Type;

/// A function's persisted state: a struct of [`Value`] cells, one per [`ValueSpec`].
///
/// Derive it with `#[derive(StateSpec)]`; a hand-written impl reads and writes its cells in
/// the order of [`State::specs`]. `()` is the state of a stateless function.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a StateFun state type",
    label = "not a state type",
    note = "derive it: `#[derive(statefun::StateSpec)]` on a struct whose fields are `Value<T>`; a function without state takes `(ctx: &mut Context, msg: Message)`"
)]
pub trait State: Sized + Send {
    /// The value specs, in declaration order.
    fn specs() -> Vec<ValueSpec>;

    /// The state from the received cells, taken in the order of `specs()`.
    fn from_cells(cells: &mut Cells<'_>) -> Result<Self, StateError>;

    /// Writes the changed cells, in the order of `specs()`.
    fn write_mutations(&self, mutations: &mut Mutations<'_>) -> Result<(), StateError>;
}

impl State for () {
    fn specs() -> Vec<ValueSpec> {
        Vec::new()
    }

    fn from_cells(_: &mut Cells<'_>) -> Result<Self, StateError> {
        Ok(())
    }

    fn write_mutations(&self, _: &mut Mutations<'_>) -> Result<(), StateError> {
        Ok(())
    }
}

/// A field of a `#[derive(StateSpec)]` struct: [`Value<T>`] for a StateFun type `T`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a state field",
    label = "not a state cell",
    note = "declare state fields as `statefun::Value<T>`, where `T` is a StateFun type (a primitive, or a type with `#[derive(statefun::Type)]`)"
)]
pub trait StateField: Sized + Send {
    /// The field's spec.
    fn spec(name: &'static str, expiration: Expiration) -> ValueSpec;

    /// The field from its received cell.
    fn from_cells(cells: &mut Cells<'_>) -> Result<Self, StateError>;

    /// The field's mutation, if it changed.
    fn write(&self, mutations: &mut Mutations<'_>) -> Result<(), StateError>;
}

impl<T: Type + Send> StateField for Value<T> {
    fn spec(name: &'static str, expiration: Expiration) -> ValueSpec {
        ValueSpec::new_unchecked(name, T::type_name(), expiration)
    }

    fn from_cells(cells: &mut Cells<'_>) -> Result<Self, StateError> {
        cells.next_value()
    }

    fn write(&self, mutations: &mut Mutations<'_>) -> Result<(), StateError> {
        mutations.write(self)
    }
}
