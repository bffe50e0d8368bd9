//! [`Cells`] and [`Mutations`]: the received values a state is built from, and the
//! mutations its changed cells become, each in the order of the state's specs.

use crate::{
    Type,
    proto::reqreply::{
        self as pb,
        from_function::{PersistedValueMutation, persisted_value_mutation::MutationType},
    },
    spec::ValueSpec,
    state::StateError,
    value::Value,
};

/// The received values of one batch, one per spec, handed to [`State::from_cells`](crate::State::from_cells).
pub struct Cells<'a> {
    specs: &'a [ValueSpec],
    values: std::vec::IntoIter<Option<pb::TypedValue>>,
    next: usize,
}

impl<'a> Cells<'a> {
    /// Cells for `specs` holding `values` (same order; `None` for a state sent without
    /// a value).
    pub(crate) fn new(specs: &'a [ValueSpec], values: Vec<Option<pb::TypedValue>>) -> Self {
        Self {
            specs,
            values: values.into_iter(),
            next: 0,
        }
    }

    /// Cells with no received values: every value starts empty.
    pub fn empty(specs: &'a [ValueSpec]) -> Self {
        Self::new(specs, vec![None; specs.len()])
    }

    /// The next cell, decoded as a `T`.
    pub fn next_value<T: Type>(&mut self) -> Result<Value<T>, StateError> {
        let spec = self
            .specs
            .get(self.next)
            .ok_or(StateError::SpecCountMismatch)?;
        self.next += 1;
        let received = self.values.next().flatten();
        let value = match received {
            Some(v) if v.has_value => {
                if *spec.type_name() != *v.typename {
                    return Err(StateError::TypeMismatch {
                        state: spec.name().to_owned(),
                        expected: spec.type_name().clone(),
                        actual: v.typename,
                    });
                }
                Some(T::decode(v.value).map_err(|source| StateError::Decode {
                    state: spec.name().to_owned(),
                    source,
                })?)
            }
            _ => None,
        };
        Ok(Value::received(value))
    }
}

/// Collects the mutations of changed cells; handed to [`State::write_mutations`](crate::State::write_mutations).
pub struct Mutations<'a> {
    specs: &'a [ValueSpec],
    next: usize,
    out: Vec<PersistedValueMutation>,
}

impl<'a> Mutations<'a> {
    pub(crate) fn new(specs: &'a [ValueSpec]) -> Self {
        Self {
            specs,
            next: 0,
            out: Vec::new(),
        }
    }

    /// Records the next cell's mutation, if it changed.
    pub fn write<T: Type>(&mut self, cell: &Value<T>) -> Result<(), StateError> {
        let spec = self
            .specs
            .get(self.next)
            .ok_or(StateError::SpecCountMismatch)?;
        self.next += 1;
        if !cell.dirty {
            return Ok(());
        }
        let mutation = match &cell.value {
            Some(value) => PersistedValueMutation {
                mutation_type: MutationType::Modify as i32,
                state_name: spec.name().to_owned(),
                state_value: Some(pb::TypedValue {
                    typename: spec.type_name().as_str().to_owned(),
                    has_value: true,
                    value: value.encode().map_err(|source| StateError::Encode {
                        state: spec.name().to_owned(),
                        source,
                    })?,
                }),
            },
            None => PersistedValueMutation {
                mutation_type: MutationType::Delete as i32,
                state_name: spec.name().to_owned(),
                state_value: None,
            },
        };
        self.out.push(mutation);
        Ok(())
    }

    pub(crate) fn into_proto(self) -> Vec<PersistedValueMutation> {
        self.out
    }
}
