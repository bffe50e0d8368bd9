//! Not public API: what the code the macros generate uses, through `statefun::__private`.
//! May change in any release.
//!
//! The argument roles of a `#[statefun::function]`: what its generated `invoke` passes at
//! each position. The macro decides the roles by position (`(ctx, msg)` or
//! `(ctx, state, msg)`) and these traits let the compiler check the types, so that an alias
//! or a renamed import of [`Context`] or [`Message`] is accepted and a wrong type is reported
//! at the argument, saying what goes there.

use crate::{
    codec::Type,
    function::{BoxError, Context},
    message::{Message, MessageError, MessageTypes, Messages, accepted},
    names::TypeName,
};

/// From now on each invocation is a span whose parent is the sender's, and sends its
/// context with its messages: what `statefun::otel` calls when it builds its layer.
#[cfg(feature = "trace")]
pub fn enable_invocation_spans() {
    crate::dispatch::trace::enable_invocation_spans();
}

/// The error for a message that `M` does not accept (the derive's catch-all arm).
pub fn unexpected<M: Messages>(message: &Message) -> MessageError {
    accepted::unexpected::<M>(message)
}

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

/// What the last argument of a StateFun function (the message) may be: any [`Messages`]
/// (the untyped [`Message`], one StateFun type, or a `#[derive(statefun::Messages)]` enum),
/// taken by value. A message it does not accept fails the batch like an error the function
/// returns.
#[diagnostic::on_unimplemented(
    message = "the last argument of a StateFun function is the message, not `{Self}`",
    label = "not a message type",
    note = "take `msg: statefun::Message` (any message), a StateFun type (e.g. `msg: String`, or a `#[derive(statefun::Type)]` type), or an enum of them with `#[derive(statefun::Messages)]`"
)]
pub trait MessageArgument: Sized {
    /// The typenames the argument accepts.
    fn message_types() -> MessageTypes;

    /// The argument from the received message.
    fn from_message(message: Message) -> Result<Self, BoxError>;
}

impl<M: Messages> MessageArgument for M {
    fn message_types() -> MessageTypes {
        M::message_types()
    }

    fn from_message(message: Message) -> Result<Self, BoxError> {
        Ok(M::from_message(message)?)
    }
}

/// The message argument's functions, taken from one call so that a type that is not a
/// message type gets one error, however many times the generated code uses it.
pub struct MessageParameter<M> {
    /// [`MessageArgument::message_types`] of `M`.
    pub message_types: fn() -> MessageTypes,
    /// [`MessageArgument::from_message`] of `M`.
    pub from_message: fn(Message) -> Result<M, BoxError>,
}

/// The [`MessageParameter`] of `M`.
pub const fn message_parameter<M: MessageArgument>() -> MessageParameter<M> {
    MessageParameter {
        message_types: M::message_types,
        from_message: M::from_message,
    }
}

/// A variant of a `#[derive(statefun::Messages)]` enum: its type's typename and decoding,
/// taken from one call so that a variant type that is not a StateFun type gets one error.
pub struct Variant<T> {
    /// The typename of `T`.
    pub type_name: fn() -> TypeName,
    /// `Message::decode_if` for `T`: its value if the message is a `T`, else the message back.
    pub decode_if: fn(Message) -> Result<Result<T, MessageError>, Message>,
}

/// The [`Variant`] of `T`.
pub const fn variant<T: Type>() -> Variant<T> {
    Variant {
        type_name: T::type_name,
        decode_if: Message::decode_if::<T>,
    }
}

/// What the catch-all variant of a `#[derive(statefun::Messages)]` enum holds: the
/// untyped [`Message`].
#[diagnostic::on_unimplemented(
    message = "the catch-all variant holds the untyped `statefun::Message`, not `{Self}`",
    label = "expected `statefun::Message`",
    note = "write `#[statefun(other)] Other(statefun::Message)`, or give `{Self}` a variant of its own without `#[statefun(other)]`"
)]
pub trait CatchAll {
    /// The variant's value from the message no other variant took.
    fn from_message(message: Message) -> Self;
}

impl CatchAll for Message {
    fn from_message(message: Message) -> Self {
        message
    }
}

/// What `#[statefun(protobuf)]` types use beside the codec's public functions.
pub mod protobuf {
    use std::sync::OnceLock;

    use bytes::Bytes;

    use crate::{
        codec::{
            CodecError,
            protobuf::{ProstMessage, decode, encode, type_name},
        },
        names::TypeName,
    };

    /// The encoder and decoder of a `#[statefun(protobuf)]` type, made by [`codec`].
    pub struct Codec<M> {
        /// `codec::protobuf::encode` for `M`.
        pub encode: fn(&M) -> Bytes,
        /// `codec::protobuf::decode` for `M`.
        pub decode: fn(Bytes) -> Result<M, CodecError>,
    }

    /// The derive's codec for `M`. The derive takes both functions from this one call, so
    /// that a type that is not a prost message gets one error, not one per use.
    pub const fn codec<M: ProstMessage>() -> Codec<M> {
        Codec {
            encode: encode::<M>,
            decode: decode::<M>,
        }
    }

    /// The typename `#[statefun(protobuf)]` gives a type when no `typename` is set: the
    /// `type_name` of its `prost::Name`.
    #[diagnostic::on_unimplemented(
        message = "`#[statefun(protobuf)]` needs a typename for `{Self}`",
        label = "no typename",
        note = "add one: `#[statefun(protobuf, typename = \"type.googleapis.com/<package>.<Message>\")]`, or implement `prost::Name` for `{Self}` (prost-build does so with `enable_type_names()`)"
    )]
    pub trait DefaultTypeName {
        /// `type.googleapis.com/<full name>`.
        fn default_type_name() -> TypeName;
    }

    impl<M: prost::Name> DefaultTypeName for M {
        fn default_type_name() -> TypeName {
            type_name::<M>()
        }
    }

    /// The default typename of `M`, made on first use and kept in `cell`: a type's
    /// `type_name()` is called for every message it is compared with, and formatting the
    /// name each time would cost an allocation.
    pub fn cached_default_type_name<M: DefaultTypeName>(
        cell: &'static OnceLock<TypeName>,
    ) -> TypeName {
        cell.get_or_init(|| M::default_type_name().leak()).clone()
    }
}
