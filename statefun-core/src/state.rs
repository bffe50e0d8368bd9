//! Persisted state: value specs ([`ValueSpec`], [`Expiration`]), typed cells
//! ([`Value`]) and the [`State`] trait that `#[derive(StateSpec)]` implements.
//!
//! Each batch decodes the received values once into their cells, runs every invocation
//! against them, then encodes only the cells that were written or cleared: one mutation
//! per changed state, carrying the batch's last value.

use std::{borrow::Cow, fmt, time::Duration};

use crate::{CodecError, Type, TypeName, proto::reqreply as pb};

use pb::from_function::{
    ExpirationSpec, PersistedValueMutation, PersistedValueSpec, expiration_spec::ExpireMode,
    persisted_value_mutation::MutationType,
};

/// When the runtime may drop a state value.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Expiration {
    /// Kept until deleted.
    #[default]
    Never,
    /// Dropped after the given time without an invocation of the function instance.
    AfterCall(Duration),
    /// Dropped after the given time without a write of the value.
    AfterWrite(Duration),
}

/// Why a value spec is invalid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SpecError {
    /// The state name does not match `^[A-Za-z_][A-Za-z0-9_]*$`.
    #[error(
        "invalid state name `{0}`: use ASCII letters, digits and `_`, not starting with a digit"
    )]
    InvalidName(String),
    /// The expiration is shorter than one millisecond (the runtime would fail the job).
    #[error("state `{0}` expires after less than 1 ms: use at least 1 ms, or no expiration")]
    ZeroExpiration(String),
    /// Two specs of one function share a name.
    #[error("state name `{0}` is declared twice")]
    DuplicateName(String),
}

/// Whether `name` is a valid state name, `^[A-Za-z_][A-Za-z0-9_]*$`: the names the Java
/// and Go SDKs accept, so that a Rust function can take over state they wrote (state is
/// found by name).
pub const fn is_valid_state_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    if bytes.is_empty() {
        return false;
    }
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let ok = b.is_ascii_alphabetic() || b == b'_' || (i > 0 && b.is_ascii_digit());
        if !ok {
            return false;
        }
        i += 1;
    }
    true
}

/// One persisted value of a function: its name, type and expiration.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ValueSpec {
    name: Cow<'static, str>,
    type_name: TypeName,
    expiration: Expiration,
}

impl ValueSpec {
    /// A spec for a value of type `T` named `name`, never expiring.
    ///
    /// ```
    /// use statefun_core::ValueSpec;
    /// use std::time::Duration;
    ///
    /// let seen = ValueSpec::new::<i32>("seen")?.expire_after_call(Duration::from_secs(600))?;
    /// assert_eq!(seen.type_name().as_str(), "io.statefun.types/int");
    /// assert!(ValueSpec::new::<i32>("lastSeen").is_ok());
    /// assert!(ValueSpec::new::<i32>("last-seen").is_err());
    /// # Ok::<(), statefun_core::SpecError>(())
    /// ```
    pub fn new<T: Type>(name: impl Into<Cow<'static, str>>) -> Result<Self, SpecError> {
        let name = name.into();
        if !is_valid_state_name(&name) {
            return Err(SpecError::InvalidName(name.into_owned()));
        }
        Ok(Self::new_unchecked(name, T::type_name(), Expiration::Never))
    }

    /// A spec whose name and expiration were checked already (by the derive, at compile
    /// time).
    #[doc(hidden)]
    pub fn new_unchecked(
        name: impl Into<Cow<'static, str>>,
        type_name: TypeName,
        expiration: Expiration,
    ) -> Self {
        Self {
            name: name.into(),
            type_name,
            expiration,
        }
    }

    /// This spec, expiring `ttl` after the last invocation of the function instance.
    pub fn expire_after_call(self, ttl: Duration) -> Result<Self, SpecError> {
        self.with_expiration(Expiration::AfterCall(ttl))
    }

    /// This spec, expiring `ttl` after the last write of the value.
    pub fn expire_after_write(self, ttl: Duration) -> Result<Self, SpecError> {
        self.with_expiration(Expiration::AfterWrite(ttl))
    }

    /// This spec with `expiration`.
    pub fn with_expiration(mut self, expiration: Expiration) -> Result<Self, SpecError> {
        if let Expiration::AfterCall(ttl) | Expiration::AfterWrite(ttl) = expiration
            && ttl.as_millis() == 0
        {
            return Err(SpecError::ZeroExpiration(self.name.into_owned()));
        }
        self.expiration = expiration;
        Ok(self)
    }

    /// The state name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The value's typename.
    pub fn type_name(&self) -> &TypeName {
        &self.type_name
    }

    /// When the value expires.
    pub fn expiration(&self) -> Expiration {
        self.expiration
    }

    /// The spec as the runtime registers it. A value that never expires has no
    /// `expiration_spec`: the protocol's default (mode NONE) says so, as the Java and JS SDKs
    /// write it, and the runtime reads an absent one as NONE.
    pub(crate) fn to_proto(&self) -> PersistedValueSpec {
        let expiration = |mode: ExpireMode, ttl: Duration| ExpirationSpec {
            mode: mode as i32,
            expire_after_millis: i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX),
        };
        PersistedValueSpec {
            state_name: self.name.clone().into_owned(),
            expiration_spec: match self.expiration {
                Expiration::Never => None,
                Expiration::AfterCall(ttl) => Some(expiration(ExpireMode::AfterInvoke, ttl)),
                Expiration::AfterWrite(ttl) => Some(expiration(ExpireMode::AfterWrite, ttl)),
            },
            type_typename: self.type_name.as_str().to_owned(),
        }
    }
}

impl fmt::Debug for ValueSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ValueSpec")
            .field("name", &self.name)
            .field("type_name", &self.type_name)
            .field("expiration", &self.expiration)
            .finish()
    }
}

/// Checks a function's specs: names valid and unique, expirations at least 1 ms.
pub(crate) fn validate_specs(specs: &[ValueSpec]) -> Result<(), SpecError> {
    for (i, spec) in specs.iter().enumerate() {
        if !is_valid_state_name(&spec.name) {
            return Err(SpecError::InvalidName(spec.name.clone().into_owned()));
        }
        spec.clone().with_expiration(spec.expiration)?;
        if specs[..i].iter().any(|earlier| earlier.name == spec.name) {
            return Err(SpecError::DuplicateName(spec.name.clone().into_owned()));
        }
    }
    Ok(())
}

/// A received state value that cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StateError {
    /// The runtime holds a value of another type under this state name, e.g. after the
    /// state's type changed between deployments.
    #[error(
        "state `{state}` holds a `{actual}`, but the function declares `{expected}`: delete the old state or give the new type a new state name"
    )]
    TypeMismatch {
        /// The state name.
        state: String,
        /// The declared typename.
        expected: TypeName,
        /// The typename received.
        actual: String,
    },
    /// The value's bytes could not be decoded.
    #[error("state `{state}` could not be decoded: {source}")]
    Decode {
        /// The state name.
        state: String,
        /// What the codec said.
        #[source]
        source: CodecError,
    },
    /// The value could not be encoded.
    #[error("state `{state}` could not be encoded: {source}")]
    Encode {
        /// The state name.
        state: String,
        /// What the codec said.
        #[source]
        source: CodecError,
    },
    /// A hand-written [`State`] read or wrote more cells than it declares specs.
    #[error("the state reads or writes more values than it declares in `specs()`")]
    SpecCountMismatch,
}

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

/// The received values of one batch, one per spec, handed to [`State::from_cells`].
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
                if spec.type_name != *v.typename {
                    return Err(StateError::TypeMismatch {
                        state: spec.name().to_owned(),
                        expected: spec.type_name.clone(),
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

/// Collects the mutations of changed cells; handed to [`State::write_mutations`].
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
                    typename: spec.type_name.as_str().to_owned(),
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

/// One persisted value of type `T`: what the runtime sent, then what the function wrote.
///
/// Reads never fail: the value was decoded (and its typename checked) before the first
/// invocation of the batch. Writes and clears mark the cell changed; only changed cells
/// are sent back, once per batch.
///
/// ```
/// use statefun_core::Value;
///
/// let mut seen = Value::<i32>::default();
/// assert_eq!(seen.get(), None);
/// seen.update(|n| Some(n.unwrap_or(0) + 1));
/// assert_eq!(seen.get(), Some(&1));
/// assert!(seen.is_changed());
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Value<T> {
    value: Option<T>,
    dirty: bool,
}

impl<T> Default for Value<T> {
    fn default() -> Self {
        Self {
            value: None,
            dirty: false,
        }
    }
}

impl<T> Value<T> {
    /// A cell holding what the runtime sent, unchanged.
    pub fn received(value: Option<T>) -> Self {
        Self {
            value,
            dirty: false,
        }
    }

    /// The current value.
    pub fn get(&self) -> Option<&T> {
        self.value.as_ref()
    }

    /// The current value, mutably; marks the cell changed.
    pub fn get_mut(&mut self) -> Option<&mut T> {
        self.dirty = true;
        self.value.as_mut()
    }

    /// The current value, or `T::default()` if there is none.
    pub fn get_or_default(&self) -> T
    where
        T: Clone + Default,
    {
        self.value.clone().unwrap_or_default()
    }

    /// Stores `value`.
    pub fn set(&mut self, value: T) {
        self.dirty = true;
        self.value = Some(value);
    }

    /// Deletes the value.
    pub fn clear(&mut self) {
        self.dirty = true;
        self.value = None;
    }

    /// Deletes the value and returns it.
    pub fn take(&mut self) -> Option<T> {
        self.dirty = true;
        self.value.take()
    }

    /// Replaces the value with `f(current)`; `None` deletes it.
    pub fn update(&mut self, f: impl FnOnce(Option<T>) -> Option<T>) {
        self.dirty = true;
        self.value = f(self.value.take());
    }

    /// The value, inserting `f()` first if there is none; marks the cell changed.
    pub fn get_or_insert_with(&mut self, f: impl FnOnce() -> T) -> &mut T {
        self.dirty = true;
        self.value.get_or_insert_with(f)
    }

    /// Whether the cell was written or cleared in this batch.
    pub fn is_changed(&self) -> bool {
        self.dirty
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
