//! The argument roles of a `#[statefun::function]`: what its generated `invoke` passes at
//! each position. The macro decides the roles by position (`(ctx, msg)` or
//! `(ctx, state, msg)`) and these traits let the compiler check the types, so that an alias
//! or a renamed import of [`Context`] or [`Message`] is accepted and a wrong type is reported
//! at the argument, saying what goes there. Used by the macros; not public API.

use crate::{BoxError, Context, Message};

/// What the first argument of a StateFun function may be: `&mut Context`.
#[diagnostic::on_unimplemented(
    message = "the first argument of a StateFun function is `ctx: &mut statefun::Context`, not `{Self}`",
    label = "expected `&mut statefun::Context`",
    note = "a StateFun function takes `(ctx: &mut Context, msg: Message)`, or `(ctx: &mut Context, state: &mut MyState, msg: Message)` with state"
)]
pub trait ContextArgument<'a> {
    /// The argument from the invocation's context.
    fn from_context(ctx: &'a mut Context) -> Self;
}

impl<'a> ContextArgument<'a> for &'a mut Context {
    fn from_context(ctx: &'a mut Context) -> Self {
        ctx
    }
}

/// What the last argument of a StateFun function (the message) may be: [`Message`], taken
/// by value. Another message type implements it with a conversion that may fail, e.g. a
/// decoding; its error fails the batch like an error the function returns.
#[diagnostic::on_unimplemented(
    message = "the last argument of a StateFun function is the message, `msg: statefun::Message`, not `{Self}`",
    label = "expected `statefun::Message`",
    note = "a StateFun function takes `(ctx: &mut Context, msg: Message)`, or `(ctx: &mut Context, state: &mut MyState, msg: Message)` with state; read the message with `msg.as_str()`, `msg.decode::<T>()`, ..."
)]
pub trait MessageArgument: Sized {
    /// The argument from the received message.
    fn from_message(message: Message) -> Result<Self, BoxError>;
}

impl MessageArgument for Message {
    fn from_message(message: Message) -> Result<Self, BoxError> {
        Ok(message)
    }
}
