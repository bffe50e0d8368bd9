//! [`OutgoingMessage`]: a message a function sends to another function.

use bytes::Bytes;

use crate::{
    Address, AddressError, CodecError, Encode, InfallibleEncode, SendableTo, TypeName,
    codec::typed_value, message::Message, proto::reqreply as pb,
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
/// use statefun_core::{Address, OutgoingMessage, TypeName};
///
/// const GREETER: TypeName = TypeName::from_static("demo/greeter");
/// let message = OutgoingMessage::new(Address::new(GREETER, "bob"), "hello")?;
/// assert_eq!(message.target().id(), "bob");
/// assert!(OutgoingMessage::new(Address::new(GREETER, ""), "hello").is_err());
/// # Ok::<(), statefun_core::AddressError>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct OutgoingMessage {
    target: Address,
    value: pb::TypedValue,
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
    /// A message carrying `value` to `target`, for a value whose encoding cannot fail
    /// (a primitive, a `&str`, a protobuf or raw type); JSON types use
    /// [`OutgoingMessage::try_new`]. Fails only if the target's id is empty.
    pub fn new<T, V>(target: T, value: &V) -> Result<Self, AddressError>
    where
        T: Into<Address>,
        V: InfallibleEncode + SendableTo<T> + ?Sized,
    {
        Self::raw(
            target.into(),
            &V::value_type_name(),
            value.encode_infallible(),
        )
    }

    /// A message carrying `value` (any [`Type`](crate::Type), or a `&str`) to `target`, or why it could
    /// not be built: the target's id is empty or the value could not be encoded.
    pub fn try_new<T, V>(target: T, value: &V) -> Result<Self, OutgoingMessageError>
    where
        T: Into<Address>,
        V: Encode + SendableTo<T> + ?Sized,
    {
        let target = target.into().into_target()?;
        Ok(Self {
            target,
            value: typed_value(value)?,
        })
    }

    /// A message carrying raw bytes under an explicit typename. Fails only if the target's
    /// id is empty.
    pub fn raw(target: Address, type_name: &TypeName, value: Bytes) -> Result<Self, AddressError> {
        Ok(Self {
            target: target.into_target()?,
            value: pb::TypedValue {
                typename: type_name.as_str().to_owned(),
                has_value: true,
                value,
            },
        })
    }

    /// Where the message goes.
    pub fn target(&self) -> &Address {
        &self.target
    }

    /// The message's typename.
    pub fn type_name(&self) -> &str {
        &self.value.typename
    }

    /// The message's value bytes.
    pub fn raw_value(&self) -> &Bytes {
        &self.value.value
    }

    /// The message as the target would receive it.
    pub fn to_message(&self) -> Message {
        Message::from_proto(Some(self.value.clone()))
    }

    pub(crate) fn into_parts(self) -> (Address, pb::TypedValue) {
        (self.target, self.value)
    }
}
