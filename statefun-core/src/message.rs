//! [`Message`]: the message a function is invoked with.

use bytes::Bytes;

use crate::{
    CodecError, Encode, InfallibleEncode, MessageTypes, Type, TypeName, codec::decode_str,
    proto::reqreply as pb,
};

/// A message a function is invoked with: a typename and the value's bytes (a view into
/// the request body, not a copy).
///
/// Read it with [`Message::decode`] (or a shortcut such as [`Message::as_string`]), which
/// checks the typename first: a message of another type is an error, never a silent
/// misreading.
#[derive(Clone, Debug, PartialEq)]
pub struct Message {
    type_name: String,
    has_value: bool,
    value: Bytes,
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
    pub(crate) fn from_proto(value: Option<pb::TypedValue>) -> Self {
        let value = value.unwrap_or_default();
        Self {
            type_name: value.typename,
            has_value: value.has_value,
            value: value.value,
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
            type_name: type_name.as_str().to_owned(),
            has_value: true,
            value,
        }
    }

    /// The message's typename as received.
    pub fn type_name(&self) -> &str {
        &self.type_name
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
        T::type_name() == *self.type_name
    }

    /// The message's value as a `T`, after checking the typename.
    pub fn decode<T: Type>(&self) -> Result<T, MessageError> {
        self.check::<T>()?;
        T::decode(self.value.clone()).map_err(|source| MessageError::Decode {
            type_name: self.type_name.clone(),
            source,
        })
    }

    /// The message's value as a `T` if the message is one, else the message back: the
    /// typename is compared once. Used by typed message parameters.
    #[doc(hidden)]
    pub fn decode_if<T: Type>(self) -> Result<Result<T, MessageError>, Self> {
        if T::type_name() != *self.type_name {
            return Err(self);
        }
        if !self.has_value {
            return Ok(Err(MessageError::NoValue {
                type_name: self.type_name,
            }));
        }
        Ok(
            T::decode(self.value).map_err(|source| MessageError::Decode {
                type_name: self.type_name,
                source,
            }),
        )
    }

    fn check<T: Type>(&self) -> Result<(), MessageError> {
        let expected = T::type_name();
        if expected != *self.type_name {
            return Err(MessageError::TypeMismatch {
                expected,
                actual: self.type_name.clone(),
            });
        }
        if !self.has_value {
            return Err(MessageError::NoValue {
                type_name: self.type_name.clone(),
            });
        }
        Ok(())
    }

    /// The `io.statefun.types/string` value, borrowed from the request body.
    pub fn as_str(&self) -> Result<&str, MessageError> {
        self.check::<String>()?;
        decode_str(&self.value).map_err(|source| MessageError::Decode {
            type_name: self.type_name.clone(),
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
