//! Value specs: a state's name, type and [`Expiration`], and the rule for state names.

use std::{borrow::Cow, fmt, time::Duration};

use crate::{codec::Type, names::TypeName};

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
    /// use statefun::ValueSpec;
    /// use std::time::Duration;
    ///
    /// let seen = ValueSpec::new::<i32>("seen")?.expire_after_call(Duration::from_secs(600))?;
    /// assert_eq!(seen.type_name().as_str(), "io.statefun.types/int");
    /// assert!(ValueSpec::new::<i32>("lastSeen").is_ok());
    /// assert!(ValueSpec::new::<i32>("last-seen").is_err());
    /// # Ok::<(), statefun::SpecError>(())
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
    pub(crate) fn new_unchecked(
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
