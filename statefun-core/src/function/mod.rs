//! The function API: the [`Function`] trait `#[statefun::function]` implements, the
//! [`Context`] of an invocation, and typed addresses ([`TypedFunction`], [`AddressOf`]).

mod address_of;
mod context;
mod definition;
mod permanent;

pub use address_of::{AddressOf, TypedFunction};
pub(crate) use context::Effects;
#[cfg(feature = "trace")]
pub(crate) use context::TraceMark;
pub use context::{Context, ContextError, Delayed};
pub use definition::{BoxError, Function, IntoFunctionResult};
pub use permanent::{Permanent, PermanentExt};
