//! Reading an instance's state in a test: one value by name ([`LocalRuntime::state`]) or the
//! whole state struct of a typed function ([`LocalRuntime::state_of`]), checked against what
//! the function declares.

use bytes::Bytes;

use super::{LocalRuntime, StateReadError};
use crate::{
    codec::Type,
    function::{AddressOf, TypedFunction},
    names::{Address, TypeName},
    state::{Cells, ReceivedValue, State, StateError, ValueSpec},
};

impl LocalRuntime {
    /// The state names `function` declares, in order, with their typenames: those of the
    /// function's registry when it is hosted in-process, else those it registered through
    /// the negotiation of a first request; `None` before that.
    pub fn declared_states(&self, function: &TypeName) -> Option<Vec<(String, TypeName)>> {
        if let Some(specs) = self.declared.get(function) {
            return Some(
                specs
                    .iter()
                    .map(|spec| (spec.name().to_owned(), spec.type_name().clone()))
                    .collect(),
            );
        }
        let names = self.store.registered_names(function);
        if names.is_empty() {
            return None;
        }
        names
            .iter()
            .map(|name| {
                let spec = self.store.spec(function, name)?;
                Some((name.clone(), TypeName::new(spec.type_name.as_str()).ok()?))
            })
            .collect()
    }

    /// The value of state `name` of `address`, as a `T`: `None` if unset or expired.
    ///
    /// An error, worded for the test that asked, if the function declares no state `name`
    /// (listing the ones it declares), if it declares it with another type than `T`, or if
    /// the value cannot be decoded: a typo never reads as "unset".
    ///
    /// ```
    /// # use statefun::{BoxError, Context, Functions, StateSpec, Value, local::LocalRuntime};
    /// # #[derive(StateSpec)]
    /// # struct Seen { seen: Value<i32> }
    /// # #[statefun::function(typename = "demo/greeter")]
    /// # fn greeter(_: &mut Context, state: &mut Seen, _: String) { state.seen.set(1); }
    /// # futures_util::FutureExt::now_or_never(async {
    /// let mut runtime = LocalRuntime::new(Functions::new().with(greeter));
    /// let alice = greeter::address("alice");
    /// runtime.send(alice.clone(), "hi")?;
    /// runtime.run_until_quiescent().await?;
    /// assert_eq!(runtime.state::<i32>(&alice, "seen")?, Some(1));
    /// let typo = runtime.state::<i32>(&alice, "sen").unwrap_err();
    /// assert_eq!(typo.to_string(), "demo/greeter/alice has no state `sen`: demo/greeter declares `seen`");
    /// # Ok::<(), BoxError>(())
    /// # }).unwrap()?;
    /// # Ok::<(), BoxError>(())
    /// ```
    pub fn state<T: Type>(
        &self,
        address: &Address,
        name: &str,
    ) -> Result<Option<T>, StateReadError> {
        let declared = self.declared_or_err(address)?;
        let Some((_, type_name)) = declared.iter().find(|(declared, _)| declared == name) else {
            return Err(StateReadError::UnknownState {
                address: address.clone(),
                name: name.to_owned(),
                declared: declared.into_iter().map(|(name, _)| name).collect(),
            });
        };
        let asked = T::type_name();
        if asked != *type_name {
            return Err(StateReadError::WrongType {
                address: address.clone(),
                name: name.to_owned(),
                declared: type_name.clone(),
                asked,
            });
        }
        let Some(cell) = self.store.live_cell(address, name, self.now) else {
            return Ok(None);
        };
        if cell.value.typename != type_name.as_str() {
            return Err(StateReadError::WrongType {
                address: address.clone(),
                name: name.to_owned(),
                declared: TypeName::new(cell.value.typename.as_str())
                    .unwrap_or_else(|_| type_name.clone()),
                asked,
            });
        }
        T::decode(cell.value.value.clone())
            .map(Some)
            .map_err(|source| StateReadError::Undecodable {
                address: address.clone(),
                source: StateError::Decode {
                    state: name.to_owned(),
                    source,
                },
            })
    }

    /// The whole state of the instance `address` of `F`, as `F` declares it: its state
    /// struct, each cell holding the live value (unchanged), or none.
    ///
    /// ```
    /// # use statefun::{BoxError, Context, Functions, StateSpec, Value, local::LocalRuntime};
    /// #[derive(StateSpec)]
    /// struct Visits {
    ///     seen: Value<i32>,
    ///     last: Value<String>,
    /// }
    ///
    /// #[statefun::function(typename = "demo/greeter")]
    /// fn greeter(_: &mut Context, state: &mut Visits, name: String) {
    ///     state.seen.update(|n| Some(n.unwrap_or(0) + 1));
    ///     state.last.set(name);
    /// }
    ///
    /// # futures_util::FutureExt::now_or_never(async {
    /// let mut runtime = LocalRuntime::new(Functions::new().with(greeter));
    /// let alice = greeter::address("alice");
    /// runtime.send(alice.clone(), "bob")?;
    /// runtime.run_until_quiescent().await?;
    /// let visits = runtime.state_of(&alice)?;
    /// assert_eq!(visits.seen.get(), Some(&1));
    /// assert_eq!(visits.last.get().map(String::as_str), Some("bob"));
    /// # Ok::<(), BoxError>(())
    /// # }).unwrap()?;
    /// # Ok::<(), BoxError>(())
    /// ```
    pub fn state_of<F: TypedFunction>(
        &self,
        address: &AddressOf<F>,
    ) -> Result<F::State, StateReadError> {
        let specs = <F::State as State>::specs();
        // The live values, one after another in one buffer, which the cells are views into.
        let mut body = Vec::new();
        let mut ranges = Vec::with_capacity(specs.len());
        for spec in &specs {
            ranges.push(
                self.store
                    .live_cell(address, spec.name(), self.now)
                    .map(|cell| {
                        let typename = body.len()..body.len() + cell.value.typename.len();
                        body.extend_from_slice(cell.value.typename.as_bytes());
                        let value = body.len()..body.len() + cell.value.value.len();
                        body.extend_from_slice(&cell.value.value);
                        (typename, value)
                    }),
            );
        }
        let body = Bytes::from(body);
        let values: Vec<Option<ReceivedValue<'_>>> = ranges
            .into_iter()
            .map(|range| {
                range.map(|(typename, value)| ReceivedValue {
                    type_name: &body[typename],
                    value: &body[value],
                })
            })
            .collect();
        let specs: &[ValueSpec] = &specs;
        F::State::from_cells(&mut Cells::new(specs, &body, &values)).map_err(|error| match error {
            StateError::TypeMismatch {
                state,
                expected,
                actual,
            } => StateReadError::WrongType {
                address: address.address().clone(),
                name: state,
                declared: TypeName::new(actual).unwrap_or_else(|_| expected.clone()),
                asked: expected,
            },
            source => StateReadError::Undecodable {
                address: address.address().clone(),
                source,
            },
        })
    }

    /// What the function of `address` declares, or the error that it is not known yet.
    fn declared_or_err(
        &self,
        address: &Address,
    ) -> Result<Vec<(String, TypeName)>, StateReadError> {
        self.declared_states(address.type_name())
            .ok_or_else(|| StateReadError::NotKnown(address.type_name().clone()))
    }
}
