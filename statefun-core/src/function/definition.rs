//! The [`Function`] trait that `#[statefun::function]` implements.

use std::future::Future;

use super::Context;
use crate::{
    message::{Message, MessageTypes},
    names::TypeName,
    state::State,
};

/// The error type a function may fail with: any error, boxed.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// A stateful function: a typename, a state type and what it does with one message.
///
/// `#[statefun::function]` implements this for you. By hand:
///
/// ```
/// use statefun::{BoxError, Context, Function, Message, TypeName};
///
/// struct Echo;
///
/// impl Function for Echo {
///     type State = ();
///
///     fn type_name(&self) -> TypeName {
///         TypeName::from_static("demo/echo")
///     }
///
///     async fn invoke(&self, ctx: &mut Context, _: &mut (), msg: Message) -> Result<(), BoxError> {
///         let text = msg.as_string()?;
///         println!("{} got {text}", ctx.self_address());
///         Ok(())
///     }
/// }
/// ```
pub trait Function: Send + Sync + 'static {
    /// The function's persisted state; `()` for none.
    type State: State;

    /// The function's typename, `namespace/name`.
    fn type_name(&self) -> TypeName;

    /// The typenames of the messages the function accepts; by default any.
    /// `#[statefun::function]` gives those of its message parameter.
    fn message_types(&self) -> MessageTypes {
        MessageTypes::Any
    }

    /// Handles one message. The invocations of a batch run one after another against one
    /// state and one context; an error fails the whole batch.
    fn invoke(
        &self,
        ctx: &mut Context,
        state: &mut Self::State,
        message: Message,
    ) -> impl Future<Output = Result<(), BoxError>> + Send;
}

/// What a function body may return: `()`, or `Result<(), E>` for any error type that
/// converts into [`BoxError`] (your own error enum, `anyhow::Error`, `Box<dyn Error>`).
#[diagnostic::on_unimplemented(
    message = "a StateFun function cannot return `{Self}`",
    label = "returns `{Self}`",
    note = "return `()` or `Result<(), E>` where `E` is an error type (e.g. your own `thiserror` enum, `anyhow::Error`, `Box<dyn std::error::Error + Send + Sync>`)"
)]
pub trait IntoFunctionResult {
    /// The return value as the result the dispatcher expects.
    fn into_function_result(self) -> Result<(), BoxError>;
}

impl IntoFunctionResult for () {
    fn into_function_result(self) -> Result<(), BoxError> {
        Ok(())
    }
}

impl<E: Into<BoxError>> IntoFunctionResult for Result<(), E> {
    fn into_function_result(self) -> Result<(), BoxError> {
        self.map_err(Into::into)
    }
}
