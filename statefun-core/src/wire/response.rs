//! The `FromFunction` of a batch that ran, encoded straight into one buffer of the size
//! it needs: the state mutations from the state's own names, typenames and value bytes
//! (no `String` copies of them), the other effects with prost.
//!
//! The bytes are those prost writes for the same `FromFunction` (fields in field-number
//! order, defaults omitted); the tests below compare them with prost's.

use bytes::Bytes;
use prost::Message as _;

use crate::{proto::reqreply::from_function::InvocationResponse, state::Mutation};

/// `FromFunction.invocation_result` (field 100) holding `mutations` as its
/// `state_mutations` and the rest of `effects` (whose `state_mutations` must be empty).
pub(crate) fn invocation_result(mutations: &[Mutation<'_>], effects: &InvocationResponse) -> Bytes {
    debug_assert!(effects.state_mutations.is_empty());
    let response_len = mutations_len(mutations) + effects.encoded_len();
    let total = delimited_len(2, response_len);
    let mut out = Vec::with_capacity(total);
    // Field 100, length-delimited: the key 802 as a varint.
    varint(&mut out, 100 << 3 | 2);
    varint(&mut out, response_len as u64);
    write_mutations(&mut out, mutations);
    effects
        .encode(&mut out)
        .expect("the buffer has the capacity computed above");
    debug_assert_eq!(out.len(), total);
    out.into()
}

/// The length of `state_mutations` holding `mutations`, keys included.
pub(super) fn mutations_len(mutations: &[Mutation<'_>]) -> usize {
    mutations
        .iter()
        .map(|m| delimited_len(KEY_LEN, mutation_len(m)))
        .sum()
}

/// `mutations` as `state_mutations` (field 1) entries.
pub(super) fn write_mutations(out: &mut Vec<u8>, mutations: &[Mutation<'_>]) {
    for mutation in mutations {
        // `state_mutations` = 1.
        out.push(1 << 3 | 2);
        varint(out, mutation_len(mutation) as u64);
        match &mutation.value {
            Some((typename, value)) => {
                // `mutation_type` = 1: MODIFY (1); DELETE is the default, 0, not written.
                out.extend_from_slice(&[1 << 3, 1]);
                string(out, 2, mutation.state_name.as_bytes());
                out.push(3 << 3 | 2);
                varint(out, typed_value_len(typename, value) as u64);
                string(out, 1, typename.as_bytes());
                // `has_value` = 2: true.
                out.extend_from_slice(&[2 << 3, 1]);
                string(out, 3, value);
            }
            None => string(out, 2, mutation.state_name.as_bytes()),
        }
    }
}

/// The length of a one-byte key (fields 1 to 15).
const KEY_LEN: usize = 1;

fn mutation_len(mutation: &Mutation<'_>) -> usize {
    let name = field_len(mutation.state_name.len());
    match &mutation.value {
        Some((typename, value)) => {
            2 + name + delimited_len(KEY_LEN, typed_value_len(typename, value))
        }
        None => name,
    }
}

fn typed_value_len(typename: &str, value: &[u8]) -> usize {
    field_len(typename.len()) + 2 + field_len(value.len())
}

/// A string or bytes field of a one-byte key: omitted when empty, as prost does.
fn field_len(len: usize) -> usize {
    if len == 0 {
        0
    } else {
        delimited_len(KEY_LEN, len)
    }
}

pub(super) fn delimited_len(key_len: usize, len: usize) -> usize {
    key_len + varint_len(len as u64) + len
}

pub(super) fn varint_len(value: u64) -> usize {
    // 1 byte per 7 bits, at least one.
    (64 - (value | 1).leading_zeros() as usize).div_ceil(7)
}

pub(super) fn varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push(value as u8 | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// Field `field` (1 to 15) holding `bytes`, omitted when empty.
fn string(out: &mut Vec<u8>, field: u8, bytes: &[u8]) {
    if !bytes.is_empty() {
        out.push(field << 3 | 2);
        varint(out, bytes.len() as u64);
        out.extend_from_slice(bytes);
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use prost::Message as _;

    use super::*;
    use crate::proto::reqreply::{
        self as pb,
        from_function::{PersistedValueMutation, Response, persisted_value_mutation::MutationType},
    };

    fn prost_encoded(mutations: &[Mutation<'_>], effects: &InvocationResponse) -> Vec<u8> {
        let mut response = effects.clone();
        response.state_mutations = mutations
            .iter()
            .map(|m| PersistedValueMutation {
                mutation_type: if m.value.is_some() {
                    MutationType::Modify
                } else {
                    MutationType::Delete
                } as i32,
                state_name: m.state_name.to_owned(),
                state_value: m.value.as_ref().map(|(typename, value)| pb::TypedValue {
                    typename: (*typename).to_owned(),
                    has_value: true,
                    value: value.clone(),
                }),
            })
            .collect();
        pb::FromFunction {
            response: Some(Response::InvocationResult(response)),
        }
        .encode_to_vec()
    }

    #[test]
    fn varint_lengths() {
        for (value, len) in [(0, 1), (127, 1), (128, 2), (16_383, 2), (16_384, 3)] {
            assert_eq!(varint_len(value), len, "{value}");
            let mut out = Vec::new();
            varint(&mut out, value);
            assert_eq!(out.len(), len, "{value}");
        }
        assert_eq!(varint_len(u64::MAX), 10);
    }

    #[test]
    fn no_mutations_no_effects() {
        let effects = InvocationResponse::default();
        assert_eq!(
            &invocation_result(&[], &effects)[..],
            &prost_encoded(&[], &effects)[..]
        );
    }

    fn effects() -> impl Strategy<Value = InvocationResponse> {
        (any::<bool>(), ".{0,20}", any::<i64>()).prop_map(|(some, text, delay)| {
            if !some {
                return InvocationResponse::default();
            }
            let address = pb::Address {
                namespace: "demo".into(),
                r#type: text.clone(),
                id: "x".into(),
            };
            let argument = pb::TypedValue {
                typename: text.clone(),
                has_value: true,
                value: Bytes::from(text.clone().into_bytes()),
            };
            InvocationResponse {
                state_mutations: Vec::new(),
                outgoing_messages: vec![pb::from_function::Invocation {
                    target: Some(address.clone()),
                    argument: Some(argument.clone()),
                }],
                delayed_invocations: vec![pb::from_function::DelayedInvocation {
                    delay_in_ms: delay,
                    cancellation_token: text.clone(),
                    target: Some(address),
                    argument: Some(argument.clone()),
                    ..Default::default()
                }],
                outgoing_egresses: vec![pb::from_function::EgressMessage {
                    egress_namespace: "e".into(),
                    egress_type: text,
                    argument: Some(argument),
                }],
            }
        })
    }

    proptest! {
        /// Byte for byte what prost writes, for any names, typenames and values (empty
        /// ones included, and values whose lengths need multi-byte varints).
        #[test]
        fn same_bytes_as_prost(
            states in proptest::collection::vec(
                ("[a-z_]{0,12}", proptest::option::of(("[a-z./]{0,30}", 0usize..20_000))),
                0..6,
            ),
            effects in effects(),
        ) {
            let values: Vec<Option<(String, Bytes)>> = states
                .iter()
                .map(|(_, v)| v.as_ref().map(|(t, n)| (t.clone(), Bytes::from(vec![7u8; *n]))))
                .collect();
            let mutations: Vec<Mutation<'_>> = states
                .iter()
                .zip(&values)
                .map(|((name, _), v)| Mutation {
                    state_name: name,
                    value: v.as_ref().map(|(t, b)| (t.as_str(), b.clone())),
                })
                .collect();
            let ours = invocation_result(&mutations, &effects);
            prop_assert_eq!(&ours[..], &prost_encoded(&mutations, &effects)[..]);
        }
    }
}
