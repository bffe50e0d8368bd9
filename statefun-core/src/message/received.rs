//! [`Message`]: the message a function is invoked with.

use std::fmt;

use bytes::Bytes;

use super::MessageTypes;
use crate::{
    codec::{CodecError, Encode, InfallibleEncode, Type, decode_str},
    names::TypeName,
};

/// A message a function is invoked with: a typename and the value's bytes (a view into
/// the request body, not a copy).
///
/// Read it with [`Message::decode`] (or a shortcut such as [`Message::as_string`]), which
/// checks the typename first: a message of another type is an error, never a silent
/// misreading.
#[derive(Clone, PartialEq)]
pub struct Message {
    /// UTF-8: a view into the request body, or a typename's static or owned string.
    type_name: Bytes,
    has_value: bool,
    value: Bytes,
}

impl fmt::Debug for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Message")
            .field("type_name", &self.type_name())
            .field("has_value", &self.has_value)
            .field("value", &self.value)
            .finish()
    }
}

/// Why a message could not be read as the requested type.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MessageError {
    /// The message has another typename.
    #[error(
        "the message is a `{actual}`, not a `{expected}`: check with `is::<T>()` first, or decode it as `{actual}`"
    )]
    TypeMismatch {
        /// The typename asked for.
        expected: TypeName,
        /// The message's typename.
        actual: String,
    },
    /// The message carries no value (`has_value` is false).
    #[error("the `{type_name}` message carries no value")]
    NoValue {
        /// The message's typename.
        type_name: String,
    },
    /// The function does not accept messages of this typename (its message parameter is
    /// typed, see [`Messages`](crate::Messages)).
    #[error("the function does not accept `{type_name}` messages: it accepts {accepted}")]
    Unexpected {
        /// The message's typename.
        type_name: String,
        /// The typenames the function accepts.
        accepted: MessageTypes,
    },
    /// The bytes are not a valid value of the type.
    #[error("the `{type_name}` message could not be decoded: {source}")]
    Decode {
        /// The message's typename.
        type_name: String,
        /// What the codec said.
        #[source]
        source: CodecError,
    },
}

impl Message {
    /// A message from its parts as received: the typename's UTF-8 bytes (checked by the
    /// decoder), whether it has a value, and the value's bytes.
    pub(crate) fn from_parts(type_name: Bytes, has_value: bool, value: Bytes) -> Self {
        Self {
            type_name,
            has_value,
            value,
        }
    }

    /// A message holding `value`, as a function would receive it; handy in tests.
    ///
    /// For a value whose encoding cannot fail; JSON types use [`Message::try_new`].
    pub fn new<V: InfallibleEncode + ?Sized>(value: &V) -> Self {
        Self::from_raw(&V::value_type_name(), value.encode_infallible())
    }

    /// A message holding `value` (any [`Type`], or a `&str`), or why it could not be
    /// encoded.
    pub fn try_new<V: Encode + ?Sized>(value: &V) -> Result<Self, CodecError> {
        Ok(Self::from_raw(&V::value_type_name(), value.encode_value()?))
    }

    /// A message from a typename and raw bytes.
    pub fn from_raw(type_name: &TypeName, value: Bytes) -> Self {
        Self {
            type_name: match type_name.static_str() {
                Some(s) => Bytes::from_static(s.as_bytes()),
                None => Bytes::copy_from_slice(type_name.as_str().as_bytes()),
            },
            has_value: true,
            value,
        }
    }

    /// The message's typename as received.
    pub fn type_name(&self) -> &str {
        std::str::from_utf8(&self.type_name).expect("a message's typename is UTF-8")
    }

    /// Whether the message's typename is `type_name`: compares the bytes, no UTF-8 check.
    fn has_type(&self, type_name: &TypeName) -> bool {
        type_name.as_str().as_bytes() == self.type_name
    }

    fn type_name_string(&self) -> String {
        self.type_name().to_owned()
    }

    /// Whether the message carries a value (the protocol's `has_value`).
    pub fn has_value(&self) -> bool {
        self.has_value
    }

    /// The value's bytes as received.
    pub fn raw_value(&self) -> &Bytes {
        &self.value
    }

    /// Whether the message is a `T`.
    pub fn is<T: Type>(&self) -> bool {
        self.has_type(&T::type_name())
    }

    /// The message's value as a `T`, after checking the typename.
    pub fn decode<T: Type>(&self) -> Result<T, MessageError> {
        self.check::<T>()?;
        T::decode(self.value.clone()).map_err(|source| MessageError::Decode {
            type_name: self.type_name_string(),
            source,
        })
    }

    /// The message's value as a `T` if the message is one, else the message back: the
    /// typename is compared once. Used by typed message parameters.
    pub(crate) fn decode_if<T: Type>(self) -> Result<Result<T, MessageError>, Self> {
        if !self.has_type(&T::type_name()) {
            return Err(self);
        }
        if !self.has_value {
            return Ok(Err(MessageError::NoValue {
                type_name: self.type_name_string(),
            }));
        }
        let type_name = self.type_name;
        Ok(
            T::decode(self.value).map_err(|source| MessageError::Decode {
                type_name: String::from_utf8_lossy(&type_name).into_owned(),
                source,
            }),
        )
    }

    fn check<T: Type>(&self) -> Result<(), MessageError> {
        let expected = T::type_name();
        if !self.has_type(&expected) {
            return Err(MessageError::TypeMismatch {
                expected,
                actual: self.type_name_string(),
            });
        }
        if !self.has_value {
            return Err(MessageError::NoValue {
                type_name: self.type_name_string(),
            });
        }
        Ok(())
    }

    /// The `io.statefun.types/string` value, borrowed from the request body.
    pub fn as_str(&self) -> Result<&str, MessageError> {
        self.check::<String>()?;
        decode_str(&self.value).map_err(|source| MessageError::Decode {
            type_name: self.type_name_string(),
            source,
        })
    }

    /// The `io.statefun.types/string` value.
    pub fn as_string(&self) -> Result<String, MessageError> {
        self.as_str().map(str::to_owned)
    }

    /// The `io.statefun.types/int` value.
    pub fn as_i32(&self) -> Result<i32, MessageError> {
        self.decode()
    }

    /// The `io.statefun.types/long` value.
    pub fn as_i64(&self) -> Result<i64, MessageError> {
        self.decode()
    }

    /// The `io.statefun.types/float` value.
    pub fn as_f32(&self) -> Result<f32, MessageError> {
        self.decode()
    }

    /// The `io.statefun.types/double` value.
    pub fn as_f64(&self) -> Result<f64, MessageError> {
        self.decode()
    }

    /// The `io.statefun.types/bool` value.
    pub fn as_bool(&self) -> Result<bool, MessageError> {
        self.decode()
    }
}
