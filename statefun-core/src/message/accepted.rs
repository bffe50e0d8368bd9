//! What a function takes as its message: [`Messages`] (how it is decoded, which typenames
//! it accepts) and [`Accepts`] (which values a sender may send to it).

use std::fmt;

use super::{Message, MessageError};
use crate::{
    codec::{Encode, Type},
    names::TypeName,
};

/// What a function's message parameter may be: the untyped [`Message`], one StateFun
/// [`Type`] (`String`, a `#[derive(statefun::Type)]` type, ...), or an enum with
/// `#[derive(statefun::Messages)]`, one variant per accepted type.
///
/// The received message is decoded once, by its typename; a typename the parameter does
/// not accept is a [`MessageError::Unexpected`] that fails the batch, naming the typename
/// received and the ones accepted.
///
/// ```
/// use statefun::{Message, MessageTypes, Messages, TypeName};
///
/// assert_eq!(
///     <String as Messages>::message_types(),
///     MessageTypes::Only(vec![TypeName::from_static("io.statefun.types/string")]),
/// );
/// assert_eq!(<String as Messages>::from_message(Message::new("hi"))?, "hi");
/// assert!(<i64 as Messages>::from_message(Message::new("hi")).is_err());
/// # Ok::<(), statefun::MessageError>(())
/// ```
pub trait Messages: Sized {
    /// The typenames this parameter accepts.
    fn message_types() -> MessageTypes;

    /// The parameter from a received message, decoded by its typename.
    fn from_message(message: Message) -> Result<Self, MessageError>;
}

/// The typenames a function accepts (see [`Functions::message_types`](crate::Functions::message_types)).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum MessageTypes {
    /// Any typename: the function takes the untyped [`Message`], or an enum with a
    /// catch-all variant.
    Any,
    /// Only these typenames, in declaration order.
    Only(Vec<TypeName>),
}

impl MessageTypes {
    /// Whether a message of `type_name` is accepted.
    pub fn accepts(&self, type_name: &str) -> bool {
        match self {
            Self::Any => true,
            Self::Only(names) => names.iter().any(|name| *name == *type_name),
        }
    }
}

impl fmt::Display for MessageTypes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Any => f.write_str("any type"),
            Self::Only(names) => {
                for (i, name) in names.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "`{name}`")?;
                }
                Ok(())
            }
        }
    }
}

impl Messages for Message {
    fn message_types() -> MessageTypes {
        MessageTypes::Any
    }

    fn from_message(message: Message) -> Result<Self, MessageError> {
        Ok(message)
    }
}

impl<T: Type> Messages for T {
    fn message_types() -> MessageTypes {
        MessageTypes::Only(vec![T::type_name()])
    }

    fn from_message(message: Message) -> Result<Self, MessageError> {
        match message.decode_if::<T>() {
            Ok(decoded) => decoded,
            Err(message) => Err(unexpected::<Self>(&message)),
        }
    }
}

/// The error for a message that `M` does not accept.
pub(crate) fn unexpected<M: Messages>(message: &Message) -> MessageError {
    MessageError::Unexpected {
        type_name: message.type_name().to_owned(),
        accepted: M::message_types(),
    }
}

/// A value of type `V` may be sent to a function whose message parameter is `Self`.
///
/// Implemented for every accepted type: a [`Type`] accepts itself (and `String` also
/// accepts `str`), the untyped [`Message`] accepts anything, and
/// `#[derive(statefun::Messages)]` implements it for each variant's type (for every type
/// if the enum has a catch-all variant). Sending through a typed address
/// ([`AddressOf`](crate::AddressOf)) requires it, so a value the target does not accept is
/// a compile error at the value.
#[diagnostic::on_unimplemented(
    message = "the target function does not accept `{V}` messages: it takes `{Self}`",
    label = "not a message the target accepts",
    note = "send a value of a type `{Self}` accepts (the types listed below), or send through an untyped `Address` if the target is not a Rust function"
)]
pub trait Accepts<V: ?Sized> {}

impl<V: Encode + ?Sized> Accepts<V> for Message {}

impl<T: Type> Accepts<T> for T {}

impl Accepts<str> for String {}
