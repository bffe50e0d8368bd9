//! [`Permanent`]: a function's error that no retry can fix.

use std::{error::Error as StdError, fmt};

use super::BoxError;

/// An error no retry can fix: the function rejects this message for good.
///
/// A function's error fails its batch, and the StateFun runtime retries the batch until it
/// succeeds or the job fails. That is right for an error that may pass (a database that is
/// down); for one that cannot (a message that breaks a business rule), wrap it in
/// `Permanent`: under a dead-letter policy ([`DeadLetters`](crate::DeadLetters)) the
/// message is set aside as a [`DeadLetter`](crate::DeadLetter) and the batch goes on
/// without it. Without a policy it fails the batch like any error.
///
/// Messages the function cannot take at all (a typename it does not accept, a value that
/// does not decode) are permanent without it. `Permanent` is found anywhere in the error's
/// source chain, so it may be wrapped in your own error type or `anyhow`.
///
/// ```
/// use statefun::{Context, Permanent, PermanentExt};
///
/// #[statefun::function(typename = "demo/payments")]
/// fn payments(_: &mut Context, amount: i64) -> Result<(), statefun::BoxError> {
///     if amount < 0 {
///         return Err(Permanent::new(format!("a payment of {amount} is never valid")).into());
///     }
///     // Or from any `Result` whose error should not be retried:
///     let cents = u32::try_from(amount).permanent()?;
///     let _ = cents;
///     Ok(())
/// }
/// # let _ = statefun::Functions::new().with(payments);
/// ```
pub struct Permanent(BoxError);

impl Permanent {
    /// `error`, marked as one no retry can fix.
    pub fn new(error: impl Into<BoxError>) -> Self {
        Self(error.into())
    }

    /// The error it wraps.
    pub fn into_inner(self) -> BoxError {
        self.0
    }
}

impl fmt::Debug for Permanent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Permanent").field(&self.0).finish()
    }
}

/// As the error it wraps: the marker adds nothing to the text.
impl fmt::Display for Permanent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl StdError for Permanent {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.0.source()
    }
}

/// `.permanent()` on a `Result`: its error marked [`Permanent`].
pub trait PermanentExt<T> {
    /// The result, its error wrapped in [`Permanent`].
    fn permanent(self) -> Result<T, Permanent>;
}

impl<T, E: Into<BoxError>> PermanentExt<T> for Result<T, E> {
    fn permanent(self) -> Result<T, Permanent> {
        self.map_err(Permanent::new)
    }
}
