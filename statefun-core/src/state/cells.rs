//! [`Cells`] and [`Mutations`]: the received values a state is built from, and the
//! mutations its changed cells become, each in the order of the state's specs.

use bytes::Bytes;

use super::{StateError, Value, ValueSpec};
use crate::codec::Type;

/// A state value as received: its typename's and its value's bytes, views into the
/// request body.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ReceivedValue<'a> {
    pub(crate) type_name: &'a [u8],
    pub(crate) value: &'a [u8],
}

/// One changed state: its name, and its new value (typename and bytes), or `None` when it
/// was cleared.
pub(crate) struct Mutation<'a> {
    pub(crate) state_name: &'a str,
    pub(crate) value: Option<(&'a str, Bytes)>,
}

/// The received values of one batch, one per spec, handed to [`State::from_cells`](crate::State::from_cells).
pub struct Cells<'a> {
    specs: &'a [ValueSpec],
    /// The request body the values lie in.
    body: &'a Bytes,
    /// One per spec, in order; `None` for a state sent without a value.
    values: &'a [Option<ReceivedValue<'a>>],
    next: usize,
}

impl<'a> Cells<'a> {
    /// Cells for `specs` holding `values` (same order), which lie in `body`.
    pub(crate) fn new(
        specs: &'a [ValueSpec],
        body: &'a Bytes,
        values: &'a [Option<ReceivedValue<'a>>],
    ) -> Self {
        Self {
            specs,
            body,
            values,
            next: 0,
        }
    }

    /// The next cell, decoded as a `T`.
    pub fn next_value<T: Type>(&mut self) -> Result<Value<T>, StateError> {
        let spec = self
            .specs
            .get(self.next)
            .ok_or(StateError::SpecCountMismatch)?;
        let received = self.values.get(self.next).copied().flatten();
        self.next += 1;
        let value = match received {
            Some(v) => {
                if spec.type_name().as_str().as_bytes() != v.type_name {
                    return Err(StateError::TypeMismatch {
                        state: spec.name().to_owned(),
                        expected: spec.type_name().clone(),
                        actual: String::from_utf8_lossy(v.type_name).into_owned(),
                    });
                }
                Some(T::decode(self.body.slice_ref(v.value)).map_err(|source| {
                    StateError::Decode {
                        state: spec.name().to_owned(),
                        source,
                    }
                })?)
            }
            None => None,
        };
        Ok(Value::received(value))
    }
}

/// Collects the mutations of changed cells; handed to [`State::write_mutations`](crate::State::write_mutations).
pub struct Mutations<'a> {
    specs: &'a [ValueSpec],
    next: usize,
    out: Vec<Mutation<'a>>,
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
        let value = match &cell.value {
            Some(value) => Some((
                spec.type_name().as_str(),
                value.encode().map_err(|source| StateError::Encode {
                    state: spec.name().to_owned(),
                    source,
                })?,
            )),
            None => None,
        };
        self.out.push(Mutation {
            state_name: spec.name(),
            value,
        });
        Ok(())
    }

    /// The mutations, in the order of the specs.
    pub(crate) fn into_inner(self) -> Vec<Mutation<'a>> {
        self.out
    }
}
