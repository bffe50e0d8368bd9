//! The local runtime's state store: the specs each function registered, and each function
//! instance's values with their write and access times, for expiration.

use super::metadata::Queued;
use std::{
    collections::{BTreeMap, HashMap, VecDeque},
    time::Duration,
};

use bytes::Bytes;

use super::{InvalidSpec, LocalError};
use crate::{
    names::{Address, TypeName},
    proto::reqreply::{self as pb, from_function, to_function},
};

use from_function::expiration_spec::ExpireMode;

/// A registered state spec.
#[derive(Clone, Debug)]
pub(super) struct Spec {
    pub(super) type_name: String,
    mode: ExpireMode,
    ttl: Duration,
}

impl Spec {
    fn has_expired(&self, cell: &Cell, now: Duration) -> bool {
        match self.mode {
            ExpireMode::None => false,
            ExpireMode::AfterWrite => now >= cell.written_at + self.ttl,
            ExpireMode::AfterInvoke => now >= cell.accessed_at + self.ttl,
        }
    }
}

/// One stored value.
#[derive(Clone, Debug)]
pub(super) struct Cell {
    pub(super) value: pb::TypedValue,
    pub(super) written_at: Duration,
    pub(super) accessed_at: Duration,
}

/// One function instance: its values, and the messages waiting while a request for it is
/// in flight.
#[derive(Clone, Default)]
pub(super) struct Instance {
    pub(super) cells: HashMap<String, Cell>,
    pub(super) in_flight: bool,
    pub(super) pending: VecDeque<Queued>,
}

/// The specs per function and the instances.
#[derive(Clone, Default)]
pub(super) struct Store {
    specs: HashMap<TypeName, BTreeMap<String, Spec>>,
    spec_order: HashMap<TypeName, Vec<String>>,
    pub(super) instances: HashMap<Address, Instance>,
}

impl Store {
    /// Registers the specs a function asked for, as the runtime does on an
    /// `IncompleteInvocationContext`.
    pub(super) fn register(
        &mut self,
        function: &TypeName,
        specs: Vec<from_function::PersistedValueSpec>,
    ) -> Result<(), LocalError> {
        let invalid = |state: &str, error| LocalError::InvalidSpec {
            function: function.clone(),
            state: state.to_owned(),
            error,
        };
        for spec in specs {
            let expiration = spec.expiration_spec.unwrap_or_default();
            let mode = expiration.mode();
            if mode != ExpireMode::None && expiration.expire_after_millis <= 0 {
                return Err(invalid(&spec.state_name, InvalidSpec::ZeroExpiration));
            }
            if let Err(e) = TypeName::new(spec.type_typename.clone()) {
                return Err(invalid(&spec.state_name, InvalidSpec::InvalidTypeName(e)));
            }
            let ttl =
                Duration::from_millis(u64::try_from(expiration.expire_after_millis).unwrap_or(0));
            let order = self.spec_order.entry(function.clone()).or_default();
            if !order.contains(&spec.state_name) {
                order.push(spec.state_name.clone());
            }
            self.specs.entry(function.clone()).or_default().insert(
                spec.state_name,
                Spec {
                    type_name: spec.type_typename,
                    mode,
                    ttl,
                },
            );
        }
        Ok(())
    }

    /// The spec `name` of `function`, if registered.
    pub(super) fn spec(&self, function: &TypeName, name: &str) -> Option<&Spec> {
        self.specs.get(function)?.get(name)
    }

    /// The state names registered for `function`, in registration order.
    pub(super) fn registered_names(&self, function: &TypeName) -> &[String] {
        self.spec_order.get(function).map_or(&[], Vec::as_slice)
    }

    /// Forgets the values of `target` that expired by `now`.
    pub(super) fn drop_expired(&mut self, target: &Address, now: Duration) {
        let Some(specs) = self.specs.get(target.type_name()) else {
            return;
        };
        if let Some(instance) = self.instances.get_mut(target) {
            instance.cells.retain(|name, cell| {
                specs
                    .get(name)
                    .is_some_and(|spec| !spec.has_expired(cell, now))
            });
        }
    }

    /// The state a request for `target` carries: every registered spec, with a value or
    /// without.
    pub(super) fn states_for(&self, target: &Address) -> Vec<to_function::PersistedValue> {
        let Some(specs) = self.specs.get(target.type_name()) else {
            return Vec::new();
        };
        let cells = self.instances.get(target).map(|i| &i.cells);
        self.registered_names(target.type_name())
            .iter()
            .map(|name| {
                let value = cells
                    .and_then(|c| c.get(name))
                    .map(|cell| cell.value.clone())
                    .unwrap_or_else(|| pb::TypedValue {
                        typename: specs[name].type_name.clone(),
                        has_value: false,
                        value: Bytes::new(),
                    });
                to_function::PersistedValue {
                    state_name: name.clone(),
                    state_value: Some(value),
                }
            })
            .collect()
    }

    /// The value `name` of `address`, unless unset or expired by `now`.
    pub(super) fn live_cell(&self, address: &Address, name: &str, now: Duration) -> Option<&Cell> {
        let cell = self.instances.get(address)?.cells.get(name)?;
        let spec = self.spec(address.type_name(), name)?;
        (!spec.has_expired(cell, now)).then_some(cell)
    }
}
