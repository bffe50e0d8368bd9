//! Reading an instance's state in a test: one value by name ([`LocalRuntime::state`]) or the
//! whole state struct of a typed function ([`LocalRuntime::state_of`]), checked against what
//! the function declares.

use bytes::Bytes;

use super::{LocalRuntime, StateReadError, store::Cell};
use crate::{
    codec::Type,
    function::{AddressOf, TypedFunction},
    names::{Address, TypeName},
    proto::reqreply as pb,
    state::{Cells, Mutations, ReceivedValue, State, StateError, ValueSpec},
    wire::convert,
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

    /// Gives the instance `address` of `F` a state before the test runs, as if earlier
    /// messages had left it there: `set` changes an empty state struct (`state.seen.set(2)`),
    /// and every value it sets is stored, as the function's declared specs say (their
    /// expirations counted from now). The runtime then knows `F`'s states, as after a
    /// restore, and sends them with the first message.
    ///
    /// ```
    /// use statefun::{BoxError, Context, Functions, StateSpec, Value, local::LocalRuntime};
    ///
    /// #[derive(StateSpec)]
    /// struct Visits {
    ///     seen: Value<i32>,
    /// }
    ///
    /// #[statefun::function(typename = "demo/greeter")]
    /// fn greeter(ctx: &mut Context, state: &mut Visits, _: String) -> Result<(), BoxError> {
    ///     let seen = state.seen.get_or_default() + 1;
    ///     state.seen.set(seen);
    ///     if seen > 2 {
    ///         ctx.send_egress(statefun::EgressMessage::new(statefun::TypeName::from_static("demo/vip"), &seen));
    ///     }
    ///     Ok(())
    /// }
    ///
    /// # futures_util::FutureExt::now_or_never(async {
    /// let mut runtime = LocalRuntime::new(Functions::new().with(greeter));
    /// let ann = greeter::address("ann");
    /// // A user who has visited twice.
    /// runtime.given_state(&ann, |state| state.seen.set(2))?;
    /// runtime.send(ann.clone(), "ann")?;
    /// runtime.run_until_quiescent().await?;
    /// assert_eq!(runtime.state::<i32>(&ann, "seen")?, Some(3));
    /// assert_eq!(runtime.take_egress(&statefun::TypeName::from_static("demo/vip")).len(), 1);
    /// # Ok::<(), BoxError>(())
    /// # }).unwrap()?;
    /// # Ok::<(), BoxError>(())
    /// ```
    pub fn given_state<F: TypedFunction>(
        &mut self,
        address: &AddressOf<F>,
        set: impl FnOnce(&mut F::State),
    ) -> Result<(), StateReadError> {
        let specs = <F::State as State>::specs();
        let undecodable = |source| StateReadError::Undecodable {
            address: address.address().clone(),
            source,
        };
        let body = Bytes::new();
        let nothing: Vec<Option<ReceivedValue<'_>>> = vec![None; specs.len()];
        let mut state =
            F::State::from_cells(&mut Cells::new(&specs, &body, &nothing)).map_err(undecodable)?;
        set(&mut state);
        let mut mutations = Mutations::new(&specs);
        state.write_mutations(&mut mutations).map_err(undecodable)?;
        let function = address.address().type_name();
        // The specs as the function declares them (a function served over a transport
        // would register the same). A `ValueSpec` is valid by construction, and these are
        // what `register` checks.
        self.store
            .register(function, specs.iter().map(convert::spec).collect())
            .expect("value specs are valid by construction");
        let now = self.now;
        let instance = self
            .store
            .instances
            .entry(address.address().clone())
            .or_default();
        for mutation in mutations.into_inner() {
            match mutation.value {
                Some((type_name, value)) => {
                    instance.cells.insert(
                        mutation.state_name.to_owned(),
                        Cell {
                            value: pb::TypedValue {
                                typename: type_name.to_owned(),
                                has_value: true,
                                value,
                            },
                            written_at: now,
                            accessed_at: now,
                        },
                    );
                }
                None => {
                    instance.cells.remove(mutation.state_name);
                }
            }
        }
        Ok(())
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
