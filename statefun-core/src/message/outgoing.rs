//! [`OutgoingMessage`]: a message a function sends to another function.

use bytes::Bytes;

use super::Message;
use crate::{
    codec::{CodecError, Encode},
    names::{Address, AddressError, TypeName},
};

/// A message to another function: a target address and a typed value.
///
/// The target is an [`Address`], which takes any value, or a typed
/// [`AddressOf`](crate::AddressOf) (`greeter::address("bob")` for a
/// `#[statefun::function] fn greeter`), which takes only the values that function
/// accepts: anything else is a compile error at the value.
///
/// Every constructor refuses a target whose id is empty ([`AddressError::EmptyId`]): a
/// message goes to one function instance, and the official SDKs refuse it too.
///
/// ```
/// use statefun::{Address, OutgoingMessage, TypeName};
///
/// const GREETER: TypeName = TypeName::from_static("demo/greeter");
/// let message = OutgoingMessage::new(Address::new(GREETER, "bob"), "hello")?;
/// assert_eq!(message.target().id(), "bob");
/// assert!(OutgoingMessage::new(Address::new(GREETER, ""), "hello").is_err());
/// # Ok::<(), statefun::OutgoingMessageError>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct OutgoingMessage {
    target: Address,
    type_name: TypeName,
    value: Bytes,
}

/// Why an [`OutgoingMessage`] could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OutgoingMessageError {
    /// The target cannot receive messages.
    #[error(transparent)]
    Target(#[from] AddressError),
    /// The value could not be encoded.
    #[error("the message value could not be encoded: {0}")]
    Encode(#[from] CodecError),
}

impl OutgoingMessage {
    /// A message carrying `value` (any [`Type`](crate::Type), or a `&str`) to `target`, or
    /// why it cannot be built: the target's id is empty, or the value could not be encoded
    /// (only JSON types can fail to encode). To send it at once, [`Context::send`] does
    /// both in one call; build one yourself to send it later, delayed or cancellable.
    ///
    /// [`Context::send`]: crate::Context::send
    pub fn new<T, V>(target: T, value: &V) -> Result<Self, OutgoingMessageError>
    where
        T: Into<Address>,
        V: Encode + SendableTo<T> + ?Sized,
    {
        let target = target.into().into_target()?;
        Ok(Self {
            target,
            type_name: V::value_type_name(),
            value: value.encode_value()?,
        })
    }

    /// A message carrying raw bytes under an explicit typename. Fails only if the target's
    /// id is empty.
    pub fn raw(target: Address, type_name: &TypeName, value: Bytes) -> Result<Self, AddressError> {
        Ok(Self {
            target: target.into_target()?,
            type_name: type_name.clone(),
            value,
        })
    }

    /// Where the message goes.
    pub fn target(&self) -> &Address {
        &self.target
    }

    /// The message's typename.
    pub fn type_name(&self) -> &str {
        self.type_name.as_str()
    }

    /// The message's value bytes.
    pub fn raw_value(&self) -> &Bytes {
        &self.value
    }

    /// The message as the target would receive it.
    pub fn to_message(&self) -> Message {
        Message::from_raw(&self.type_name, self.value.clone())
    }

    /// The target, the value's typename and its bytes.
    pub(crate) fn into_parts(self) -> (Address, TypeName, Bytes) {
        (self.target, self.type_name, self.value)
    }
}

/// A value of this type may be sent to the target `T`: anything to an untyped
/// [`Address`], and to an [`AddressOf<F>`](crate::AddressOf) only what `F`'s message type
/// [`Accepts`](crate::Accepts).
#[diagnostic::on_unimplemented(
    message = "a `{Self}` cannot be sent to a `{T}`",
    label = "cannot be sent there",
    note = "send to an `Address` (any value) or to the `address(id)` of a `#[statefun::function]` (the values it accepts)"
)]
pub trait SendableTo<T> {}

impl<V: ?Sized> SendableTo<Address> for V {}
