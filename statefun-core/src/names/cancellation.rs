//! [`CancellationToken`]: the name a delayed message can be cancelled by.

use std::{borrow::Cow, fmt};

/// The token of a delayed message, with which
/// [`Context::cancel_delayed`](crate::Context::cancel_delayed) cancels it until it is
/// delivered. Never empty: the runtime fails the job on a cancellation without a token.
///
/// A literal is checked at compile time in a `const`; a token built at run time is
/// checked by [`CancellationToken::new`]:
///
/// ```
/// use statefun::CancellationToken;
///
/// const REMINDER: CancellationToken = CancellationToken::from_static("reminder");
/// let per_order = CancellationToken::new(format!("reminder-{}", 42))?;
/// assert_eq!(per_order.as_str(), "reminder-42");
/// assert!(CancellationToken::new("").is_err());
/// # let _ = REMINDER;
/// # Ok::<(), statefun::TokenError>(())
/// ```
///
/// ```compile_fail
/// const EMPTY: statefun::CancellationToken = statefun::CancellationToken::from_static("");
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CancellationToken(Cow<'static, str>);

/// Why a string cannot be a [`CancellationToken`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TokenError {
    /// The token is empty.
    #[error(
        "a cancellation token must not be empty (the runtime fails the job on a cancellation without a token)"
    )]
    Empty,
}

impl CancellationToken {
    /// A token from a literal; an empty one is a compile error in a `const` (a panic
    /// otherwise).
    pub const fn from_static(token: &'static str) -> Self {
        assert!(!token.is_empty(), "a cancellation token must not be empty");
        Self(Cow::Borrowed(token))
    }

    /// A token, or [`TokenError::Empty`].
    pub fn new(token: impl Into<String>) -> Result<Self, TokenError> {
        let token = token.into();
        if token.is_empty() {
            return Err(TokenError::Empty);
        }
        Ok(Self(Cow::Owned(token)))
    }

    /// The token's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub(crate) fn into_string(self) -> String {
        self.0.into_owned()
    }
}

impl TryFrom<String> for CancellationToken {
    type Error = TokenError;

    fn try_from(token: String) -> Result<Self, TokenError> {
        Self::new(token)
    }
}

impl TryFrom<&str> for CancellationToken {
    type Error = TokenError;

    fn try_from(token: &str) -> Result<Self, TokenError> {
        Self::new(token)
    }
}

impl fmt::Display for CancellationToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for CancellationToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl PartialEq<str> for CancellationToken {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for CancellationToken {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}
