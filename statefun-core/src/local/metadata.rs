//! `TypedValue` field 4 through the local runtime, as through the StateFun runtime: the
//! entries a function puts in the argument of a message or delayed message (the W3C trace
//! context of the `trace` feature, or anything of the kzmlabs fork's `repeated Metadata
//! metadata`) reach the target's invocation argument unchanged. The runtime keeps them as
//! unknown fields of the parsed `TypedValue` (docs/conformance.md, "An extra field in
//! TypedValue through the runtime"); prost's types have no field 4, so the local runtime
//! reads the entries from the answer on their own and writes them into the request after
//! the argument's known fields, where protobuf-java writes unknown fields. State values
//! keep none, as in the runtime.

use bytes::Bytes;
use prost::{Message as _, encoding};

use crate::proto::reqreply::{self as pb, to_function};

/// A message waiting for its function: the invocation, and the encoded field-4 entries of
/// its argument (empty: none).
#[derive(Clone, Debug, Default, PartialEq)]
pub(super) struct Queued {
    pub(super) invocation: to_function::Invocation,
    pub(super) metadata: Bytes,
}

/// The field-4 entries of each outgoing message and each delayed invocation of an answer,
/// in order; empty lists when the answer has none (or is no `InvocationResponse`).
#[derive(Debug, Default)]
pub(super) struct AnswerMetadata {
    pub(super) messages: Vec<Bytes>,
    pub(super) delayed: Vec<Bytes>,
}

impl AnswerMetadata {
    /// The entries of `body`'s arguments. An answer prost reads but whose field 4 is
    /// something else than length-delimited entries carries none.
    pub(super) fn read(body: &[u8]) -> Self {
        let Ok(answer) = FromFunction4::decode(body) else {
            return Self::default();
        };
        let Some(result) = answer.result else {
            return Self::default();
        };
        let entries = |argument: Option<Arguments>| {
            let mut out = Vec::new();
            for entry in argument.map(|a| a.metadata).unwrap_or_default() {
                encoding::bytes::encode(4, &entry, &mut out);
            }
            Bytes::from(out)
        };
        Self {
            messages: (result.outgoing_messages.into_iter())
                .map(|m| entries(m.argument))
                .collect(),
            delayed: (result.delayed_invocations.into_iter())
                .map(|d| entries(d.argument))
                .collect(),
        }
    }

    /// The entries of outgoing message `index`.
    pub(super) fn message(&self, index: usize) -> Bytes {
        self.messages.get(index).cloned().unwrap_or_default()
    }

    /// The entries of delayed invocation `index`.
    pub(super) fn delayed(&self, index: usize) -> Bytes {
        self.delayed.get(index).cloned().unwrap_or_default()
    }
}

/// The `ToFunction` of a batch, each invocation's argument followed by its entries: what
/// prost writes for the same request when there are none.
pub(super) fn encode_request(
    target: &pb::Address,
    states: &[to_function::PersistedValue],
    invocations: &[Queued],
) -> Vec<u8> {
    let invocation_len = |queued: &Queued| {
        let invocation = &queued.invocation;
        let caller = invocation
            .caller
            .as_ref()
            .map_or(0, |c| encoding::message::encoded_len(1, c));
        let argument = invocation.argument.as_ref().map_or(0, |a| {
            let len = a.encoded_len() + queued.metadata.len();
            encoding::key_len(2) + encoding::encoded_len_varint(len as u64) + len
        });
        caller + argument
    };
    let batch_len = encoding::message::encoded_len(1, target)
        + states
            .iter()
            .map(|s| encoding::message::encoded_len(2, s))
            .sum::<usize>()
        + invocations
            .iter()
            .map(|q| {
                let len = invocation_len(q);
                encoding::key_len(3) + encoding::encoded_len_varint(len as u64) + len
            })
            .sum::<usize>();
    let mut out = Vec::with_capacity(batch_len + 8);
    encoding::encode_key(100, encoding::WireType::LengthDelimited, &mut out);
    encoding::encode_varint(batch_len as u64, &mut out);
    encoding::message::encode(1, target, &mut out);
    for state in states {
        encoding::message::encode(2, state, &mut out);
    }
    for queued in invocations {
        encoding::encode_key(3, encoding::WireType::LengthDelimited, &mut out);
        encoding::encode_varint(invocation_len(queued) as u64, &mut out);
        let invocation = &queued.invocation;
        if let Some(caller) = &invocation.caller {
            encoding::message::encode(1, caller, &mut out);
        }
        if let Some(argument) = &invocation.argument {
            encoding::encode_key(2, encoding::WireType::LengthDelimited, &mut out);
            let len = argument.encoded_len() + queued.metadata.len();
            encoding::encode_varint(len as u64, &mut out);
            argument.encode_raw(&mut out);
            out.extend_from_slice(&queued.metadata);
        }
    }
    out
}

/// The parts of `FromFunction` that hold field-4 entries, and nothing else (prost skips
/// the rest).
#[derive(Clone, PartialEq, prost::Message)]
struct FromFunction4 {
    #[prost(message, optional, tag = "100")]
    result: Option<Result4>,
}

#[derive(Clone, PartialEq, prost::Message)]
struct Result4 {
    #[prost(message, repeated, tag = "2")]
    outgoing_messages: Vec<Message4>,
    #[prost(message, repeated, tag = "3")]
    delayed_invocations: Vec<Delayed4>,
}

#[derive(Clone, PartialEq, prost::Message)]
struct Message4 {
    #[prost(message, optional, tag = "2")]
    argument: Option<Arguments>,
}

#[derive(Clone, PartialEq, prost::Message)]
struct Delayed4 {
    #[prost(message, optional, tag = "3")]
    argument: Option<Arguments>,
}

/// A `TypedValue`'s field 4: each entry's encoded `Metadata`.
#[derive(Clone, PartialEq, prost::Message)]
struct Arguments {
    #[prost(bytes = "bytes", repeated, tag = "4")]
    metadata: Vec<Bytes>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argument(value: &'static [u8]) -> pb::TypedValue {
        pb::TypedValue {
            typename: "demo/t".into(),
            has_value: true,
            value: Bytes::from_static(value),
        }
    }

    fn queued(caller: Option<&str>, argument: Option<pb::TypedValue>) -> Queued {
        Queued {
            invocation: to_function::Invocation {
                caller: caller.map(|id| pb::Address {
                    namespace: "demo".into(),
                    r#type: "caller".into(),
                    id: id.into(),
                }),
                argument,
            },
            metadata: Bytes::new(),
        }
    }

    fn prost_request(
        target: &pb::Address,
        states: &[to_function::PersistedValue],
        invocations: &[Queued],
    ) -> Vec<u8> {
        pb::ToFunction {
            request: Some(to_function::Request::Invocation(
                to_function::InvocationBatchRequest {
                    target: Some(target.clone()),
                    state: states.to_vec(),
                    invocations: invocations.iter().map(|q| q.invocation.clone()).collect(),
                },
            )),
        }
        .encode_to_vec()
    }

    #[test]
    fn without_entries_the_request_is_prosts() {
        let target = pb::Address {
            namespace: "demo".into(),
            r#type: "f".into(),
            id: "x".repeat(200),
        };
        let states = vec![
            to_function::PersistedValue {
                state_name: "seen".into(),
                state_value: Some(argument(b"1")),
            },
            to_function::PersistedValue {
                state_name: "empty".into(),
                state_value: None,
            },
        ];
        let invocations = vec![
            queued(None, Some(argument(b"a"))),
            queued(Some("c"), Some(pb::TypedValue::default())),
            queued(Some(""), None),
        ];
        assert_eq!(
            encode_request(&target, &states, &invocations),
            prost_request(&target, &states, &invocations)
        );
        assert_eq!(
            encode_request(&target, &[], &[]),
            prost_request(&target, &[], &[])
        );
    }

    #[test]
    fn entries_go_after_the_arguments_known_fields() {
        let target = pb::Address::default();
        let mut with = queued(Some("c"), Some(argument(b"a")));
        // One entry: key "k", value "v".
        with.metadata = Bytes::from_static(b"\x22\x06\x0a\x01k\x12\x01v");
        let body = encode_request(
            &target,
            &[],
            &[with.clone(), queued(None, Some(argument(b"b")))],
        );
        // prost reads the same request, field 4 skipped.
        let plain = prost_request(
            &target,
            &[],
            &[with.clone(), queued(None, Some(argument(b"b")))],
        );
        assert_eq!(
            pb::ToFunction::decode(&body[..]).unwrap(),
            pb::ToFunction::decode(&plain[..]).unwrap()
        );
        let argument = argument(b"a").encode_to_vec();
        let expected: Vec<u8> = [&argument[..], &with.metadata[..]].concat();
        assert!(
            body.windows(expected.len()).any(|w| w == expected),
            "the argument's fields, then its entries"
        );
    }

    #[test]
    fn answers_entries_are_read_per_message() {
        let entry = |value: &str| {
            let mut out = Vec::new();
            encoding::string::encode(1, &"traceparent".to_owned(), &mut out);
            encoding::string::encode(2, &value.to_owned(), &mut out);
            out
        };
        let with = |value: &str| {
            let mut out = argument(b"x").encode_to_vec();
            encoding::bytes::encode(4, &entry(value), &mut out);
            out
        };
        let mut message = Vec::new();
        encoding::bytes::encode(2, &with("m0"), &mut message);
        let mut plain_message = Vec::new();
        encoding::message::encode(2, &argument(b"y"), &mut plain_message);
        let mut delayed = Vec::new();
        encoding::int64::encode(1, &5, &mut delayed);
        encoding::bytes::encode(3, &with("d0"), &mut delayed);
        let mut result = Vec::new();
        encoding::bytes::encode(2, &message, &mut result);
        encoding::bytes::encode(2, &plain_message, &mut result);
        encoding::bytes::encode(3, &delayed, &mut result);
        let mut body = Vec::new();
        encoding::bytes::encode(100, &result, &mut body);

        let read = AnswerMetadata::read(&body);
        let expected = |value: &str| {
            let mut out = Vec::new();
            encoding::bytes::encode(4, &entry(value), &mut out);
            Bytes::from(out)
        };
        assert_eq!(read.message(0), expected("m0"));
        assert_eq!(read.message(1), Bytes::new());
        assert_eq!(read.message(2), Bytes::new());
        assert_eq!(read.delayed(0), expected("d0"));
        assert_eq!(read.delayed(1), Bytes::new());
        // Not an answer prost's overlay reads: no entries, no error.
        assert!(
            AnswerMetadata::read(b"\xa2\x06\x02\x12")
                .messages
                .is_empty()
        );
    }
}
