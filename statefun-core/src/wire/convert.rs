//! The SDK's types from the parts of a request read in place, and the protocol's messages
//! from the SDK's types.

use bytes::Bytes;

use super::request::{AddressSpans, PersistedValue, Span, TypedValueSpans};
use crate::{
    function::{Delayed, Effects},
    message::{EgressMessage, Message, OutgoingMessage},
    names::{Address, CancellationToken, RawAddress, TypeName, TypeNameError},
    proto::reqreply::{
        self as pb,
        from_function::{
            DelayedInvocation, ExpirationSpec, Invocation, InvocationResponse, PersistedValueSpec,
            expiration_spec::ExpireMode,
        },
    },
    state::{Expiration, ReceivedValue, ValueSpec},
};

/// Checks an address of the request `body` without building it: absent or all-empty (a
/// message from an ingress) is no address; a partial or invalid typename is an error.
pub(crate) fn check_address(
    body: &[u8],
    address: Option<&AddressSpans>,
) -> Result<(), TypeNameError> {
    match address {
        Some(a) if !a.is_absent() => {
            let (namespace, name) = (a.namespace.bytes(body), a.r#type.bytes(body));
            let valid = |part: &[u8]| !part.is_empty() && !part.contains(&b'/');
            if valid(namespace) && valid(name) {
                Ok(())
            } else {
                TypeName::from_parts(a.namespace.str(body), a.r#type.str(body)).map(drop)
            }
        }
        _ => Ok(()),
    }
}

/// An address of the request `body`: `None` when absent or all-empty (a message from an
/// ingress), an error when only part of the typename is present.
pub(crate) fn address(
    body: &[u8],
    address: Option<&AddressSpans>,
) -> Result<Option<Address>, TypeNameError> {
    match address {
        None => Ok(None),
        Some(a) if a.is_absent() => Ok(None),
        Some(a) => Ok(Some(Address::new(
            TypeName::from_parts(a.namespace.str(body), a.r#type.str(body))?,
            a.id.str(body),
        ))),
    }
}

/// An address that [`check_address`] accepted, still in the body's bytes.
pub(crate) fn raw_address(address: &AddressSpans) -> RawAddress {
    RawAddress {
        namespace: address.namespace.range(),
        name: address.r#type.range(),
        id: address.id.range(),
    }
}

/// The argument of an invocation, its typename and value views into `body` (no copy). A
/// typename among `known` (the static typenames the function accepts) is not even a view:
/// it is that static string.
pub(crate) fn message(
    body: &Bytes,
    argument: Option<&TypedValueSpans>,
    known: &[&'static str],
) -> Message {
    match argument {
        None => Message::from_parts(Bytes::new(), false, Bytes::new()),
        Some(argument) => Message::from_parts(
            static_or_view(body, argument.typename, known),
            argument.has_value,
            argument.value.slice(body),
        ),
    }
}

/// The typename at `span` of `body`: the static string among `known` it equals, else a
/// view into the body.
fn static_or_view(body: &Bytes, span: Span, known: &[&'static str]) -> Bytes {
    let bytes = span.bytes(body);
    match known.iter().find(|k| k.as_bytes() == bytes) {
        Some(k) => Bytes::from_static(k.as_bytes()),
        None => span.slice(body),
    }
}

/// A state value of the request, if it carries one.
pub(crate) fn received_value<'a>(
    body: &'a [u8],
    state: &PersistedValue,
) -> Option<ReceivedValue<'a>> {
    state
        .state_value
        .filter(|value| value.has_value)
        .map(|value| ReceivedValue {
            type_name: value.typename.bytes(body),
            value: value.value.bytes(body),
        })
}

/// The spec as the runtime registers it. A value that never expires has no
/// `expiration_spec`: the protocol's default (mode NONE) says so, as the Java and JS SDKs
/// write it, and the runtime reads an absent one as NONE.
pub(crate) fn spec(spec: &ValueSpec) -> PersistedValueSpec {
    let expiration = |mode: ExpireMode, ttl: std::time::Duration| ExpirationSpec {
        mode: mode as i32,
        expire_after_millis: i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX),
    };
    PersistedValueSpec {
        state_name: spec.name().to_owned(),
        expiration_spec: match spec.expiration() {
            Expiration::Never => None,
            Expiration::AfterCall(ttl) => Some(expiration(ExpireMode::AfterInvoke, ttl)),
            Expiration::AfterWrite(ttl) => Some(expiration(ExpireMode::AfterWrite, ttl)),
        },
        type_typename: spec.type_name().as_str().to_owned(),
    }
}

/// The protocol's address.
pub(crate) fn address_proto(address: Address) -> pb::Address {
    let (type_name, id) = address.into_parts();
    pb::Address {
        namespace: type_name.namespace().to_owned(),
        r#type: type_name.name().to_owned(),
        id,
    }
}

fn typed_value(type_name: &TypeName, value: Bytes) -> pb::TypedValue {
    pb::TypedValue {
        typename: type_name.as_str().to_owned(),
        has_value: true,
        value,
    }
}

/// The protocol's invocation of an outgoing message.
fn invocation(message: OutgoingMessage) -> Invocation {
    let (target, type_name, value) = message.into_parts();
    Invocation {
        target: Some(address_proto(target)),
        argument: Some(typed_value(&type_name, value)),
    }
}

/// The protocol's egress message.
pub(crate) fn egress(message: EgressMessage) -> pb::from_function::EgressMessage {
    let (egress, type_name, value) = message.into_parts();
    pb::from_function::EgressMessage {
        egress_namespace: egress.namespace().to_owned(),
        egress_type: egress.name().to_owned(),
        argument: Some(typed_value(&type_name, value)),
    }
}

/// The protocol's delayed invocation, or cancellation of one.
fn delayed(delayed: Delayed) -> DelayedInvocation {
    match delayed {
        Delayed::Send {
            delay,
            token,
            message,
        } => {
            let Invocation { target, argument } = invocation(message);
            DelayedInvocation {
                is_cancellation_request: false,
                cancellation_token: token
                    .map(CancellationToken::into_string)
                    .unwrap_or_default(),
                delay_in_ms: i64::try_from(delay.as_millis()).unwrap_or(i64::MAX),
                target,
                argument,
            }
        }
        Delayed::Cancel { token } => DelayedInvocation {
            is_cancellation_request: true,
            cancellation_token: token.into_string(),
            ..Default::default()
        },
    }
}

/// The effects of a batch as the protocol's `InvocationResponse`, without state mutations
/// (written by [`response`](super::response) from the state's own bytes).
pub(crate) fn effects(effects: Effects) -> InvocationResponse {
    InvocationResponse {
        state_mutations: Vec::new(),
        outgoing_messages: effects.messages.into_iter().map(invocation).collect(),
        delayed_invocations: effects.delayed.into_iter().map(delayed).collect(),
        outgoing_egresses: effects.egress.into_iter().map(egress).collect(),
    }
}
