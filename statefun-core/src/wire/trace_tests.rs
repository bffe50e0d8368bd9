//! The trace context on the wire: read from a request's field 4 without changing what the
//! reader accepts, and written into the answer's arguments so that prost (and protobuf-java)
//! read the same messages with the entries added.

use bytes::Bytes;
use proptest::prelude::*;
use prost::Message as _;

use super::*;
use crate::{
    proto::reqreply::{self as pb, from_function},
    wire::request::{Span, ToFunction},
};

/// `TypedValue` with field 4, as the kzmlabs fork declares it.
#[derive(Clone, PartialEq, prost::Message)]
struct TypedValue4 {
    #[prost(string, tag = "1")]
    typename: String,
    #[prost(bool, tag = "2")]
    has_value: bool,
    #[prost(bytes = "bytes", tag = "3")]
    value: Bytes,
    #[prost(message, repeated, tag = "4")]
    metadata: Vec<Metadata>,
}

#[derive(Clone, PartialEq, prost::Message)]
struct Metadata {
    #[prost(string, tag = "1")]
    key: String,
    #[prost(bytes = "bytes", tag = "2")]
    value: Bytes,
    #[prost(bool, tag = "3")]
    has_value: bool,
}

#[derive(Clone, PartialEq, prost::Message)]
struct Invocation4 {
    #[prost(message, optional, tag = "1")]
    target: Option<pb::Address>,
    #[prost(message, optional, tag = "2")]
    argument: Option<TypedValue4>,
}

#[derive(Clone, PartialEq, prost::Message)]
struct Delayed4 {
    #[prost(int64, tag = "1")]
    delay_in_ms: i64,
    #[prost(message, optional, tag = "2")]
    target: Option<pb::Address>,
    #[prost(message, optional, tag = "3")]
    argument: Option<TypedValue4>,
    #[prost(bool, tag = "10")]
    is_cancellation_request: bool,
    #[prost(string, tag = "11")]
    cancellation_token: String,
}

#[derive(Clone, PartialEq, prost::Message)]
struct Response4 {
    #[prost(message, repeated, tag = "2")]
    outgoing_messages: Vec<Invocation4>,
    #[prost(message, repeated, tag = "3")]
    delayed_invocations: Vec<Delayed4>,
}

#[derive(Clone, PartialEq, prost::Message)]
struct FromFunction4 {
    #[prost(message, optional, tag = "100")]
    result: Option<Response4>,
}

const PARENT: &str = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

fn entry(key: &str, value: &[u8]) -> Metadata {
    Metadata {
        key: key.into(),
        value: Bytes::copy_from_slice(value),
        has_value: true,
    }
}

/// A request with one invocation whose argument's field 4 holds `metadata` (encoded as
/// given), and the request decoded in place.
fn request_with(metadata: &[u8]) -> (Bytes, ToFunction) {
    let argument = pb::TypedValue {
        typename: "demo/t".into(),
        has_value: true,
        value: Bytes::from_static(b"v"),
    };
    let mut argument = argument.encode_to_vec();
    argument.extend_from_slice(metadata);
    let mut invocation = Vec::new();
    prost::encoding::bytes::encode(2, &argument, &mut invocation);
    let mut batch = Vec::new();
    prost::encoding::bytes::encode(3, &invocation, &mut batch);
    let mut body = Vec::new();
    prost::encoding::bytes::encode(100, &batch, &mut body);
    let body = Bytes::from(body);
    (body.clone(), ToFunction::decode(body).expect("accepted"))
}

fn trace_of(request: &ToFunction) -> (Span, Span) {
    let batch = request.invocation.as_ref().unwrap();
    let argument = batch.invocations[0].argument.unwrap();
    (argument.trace.parent, argument.trace.state)
}

fn text(body: &Bytes, span: Span) -> &str {
    span.str(body)
}

#[test]
fn the_reader_finds_traceparent_and_tracestate_among_other_entries() {
    let value = TypedValue4 {
        metadata: vec![
            entry("other", b"\x00\xff"),
            entry("traceparent", PARENT.as_bytes()),
            entry("tracestate", b"congo=t61rcWkgMzE"),
            Metadata::default(),
        ],
        ..Default::default()
    };
    let (body, request) = request_with(&value.encode_to_vec());
    let (parent, state) = trace_of(&request);
    assert_eq!(text(&body, parent), PARENT);
    assert_eq!(text(&body, state), "congo=t61rcWkgMzE");
    // The rest of the argument is read as ever, and as prost reads it.
    assert_eq!(request.to_proto(), pb::ToFunction::decode(body).unwrap());
}

#[test]
fn the_last_traceparent_counts() {
    let value = TypedValue4 {
        metadata: vec![
            entry("traceparent", b"first"),
            entry("traceparent", b"last"),
        ],
        ..Default::default()
    };
    let (body, request) = request_with(&value.encode_to_vec());
    assert_eq!(text(&body, trace_of(&request).0), "last");
}

#[test]
fn entries_that_are_no_metadata_message_are_ignored_not_errors() {
    let key = |field: u32, wire: prost::encoding::WireType| {
        let mut out = Vec::new();
        prost::encoding::encode_key(field, wire, &mut out);
        out
    };
    let mut cases: Vec<Vec<u8>> = Vec::new();
    // Field 4 as a varint: an unknown field of another wire type, skipped.
    let mut varint = key(4, prost::encoding::WireType::Varint);
    varint.push(7);
    cases.push(varint);
    // Entries whose contents are no message: a truncated key, a length past the end, a
    // key that is no UTF-8, a field number 0.
    for contents in [
        &b"\x0a\x0btraceparen"[..],
        b"\x0a\x7ftraceparent",
        b"\x0a\x02\xff\xfe\x12\x01x",
        b"\x00\x01",
        b"\x0a\x0btraceparent\x12",
    ] {
        let mut out = Vec::new();
        prost::encoding::bytes::encode(4, &contents.to_vec(), &mut out);
        cases.push(out);
    }
    for metadata in cases {
        let (body, request) = request_with(&metadata);
        assert_eq!(trace_of(&request), (Span::default(), Span::default()));
        assert_eq!(request.to_proto(), pb::ToFunction::decode(body).unwrap());
    }
}

#[test]
fn an_entry_with_unknown_fields_and_no_has_value_is_read() {
    // key, an unknown fixed32 field, value; `has_value` left out.
    let contents = b"\x0a\x0btraceparent\x2d\x01\x02\x03\x04\x12\x05hello".to_vec();
    let mut metadata = Vec::new();
    prost::encoding::bytes::encode(4, &contents, &mut metadata);
    let (body, request) = request_with(&metadata);
    assert_eq!(text(&body, trace_of(&request).0), "hello");
    // A key or a value of another wire type (varints here) is skipped as an unknown field.
    let contents = b"\x08\x05\x0a\x0btraceparent\x10\x07\x12\x05hello".to_vec();
    let mut metadata = Vec::new();
    prost::encoding::bytes::encode(4, &contents, &mut metadata);
    let (body, request) = request_with(&metadata);
    assert_eq!(text(&body, trace_of(&request).0), "hello");
}

#[test]
fn entries_encode_as_the_forks_metadata() {
    let bytes = entries(PARENT, "congo=t61rcWkgMzE");
    let decoded = TypedValue4::decode(bytes).unwrap();
    assert_eq!(
        decoded.metadata,
        vec![
            entry("traceparent", PARENT.as_bytes()),
            entry("tracestate", b"congo=t61rcWkgMzE"),
        ]
    );
    let decoded = TypedValue4::decode(entries(PARENT, "")).unwrap();
    assert_eq!(
        decoded.metadata,
        vec![entry("traceparent", PARENT.as_bytes())]
    );
}

fn argument(text: &str) -> pb::TypedValue {
    pb::TypedValue {
        typename: "demo/t".into(),
        has_value: true,
        value: Bytes::copy_from_slice(text.as_bytes()),
    }
}

fn address(id: &str) -> pb::Address {
    pb::Address {
        namespace: "demo".into(),
        r#type: "f".into(),
        id: id.into(),
    }
}

fn effects(messages: usize, delayed: &[(i64, bool, &str)]) -> from_function::InvocationResponse {
    from_function::InvocationResponse {
        state_mutations: Vec::new(),
        outgoing_messages: (0..messages)
            .map(|i| from_function::Invocation {
                target: Some(address(&i.to_string())),
                argument: Some(argument(&format!("m{i}"))),
            })
            .collect(),
        delayed_invocations: delayed
            .iter()
            .map(|&(delay, cancel, token)| from_function::DelayedInvocation {
                is_cancellation_request: cancel,
                cancellation_token: token.into(),
                delay_in_ms: delay,
                target: (!cancel).then(|| address("d")),
                argument: (!cancel).then(|| argument("d")),
            })
            .collect(),
        outgoing_egresses: vec![from_function::EgressMessage {
            egress_namespace: "e".into(),
            egress_type: "k".into(),
            argument: Some(argument("record")),
        }],
    }
}

fn mark(messages: usize, delayed: usize, parent: &str) -> TraceMark {
    TraceMark {
        messages,
        delayed,
        entries: if parent.is_empty() {
            Bytes::new()
        } else {
            entries(parent, "")
        },
    }
}

fn parents(metadata: &[Metadata]) -> Vec<String> {
    metadata
        .iter()
        .map(|m| String::from_utf8_lossy(&m.value).into_owned())
        .collect()
}

#[test]
fn each_message_carries_the_context_of_the_invocation_that_sent_it() {
    let mutations = [crate::state::Mutation {
        state_name: "seen",
        value: Some(("demo/n", Bytes::from_static(b"1"))),
    }];
    // Invocation 1 sends messages 0 and 1 and the delayed message 0; invocation 2 (no
    // context) message 2; invocation 3 message 3, delayed 1 and the cancellation 2.
    let effects = effects(
        4,
        &[(1500, false, ""), (-3, false, "tok"), (0, true, "tok")],
    );
    let marks = [mark(0, 0, "p1"), mark(2, 1, ""), mark(3, 1, "p3")];
    let body = invocation_result(&mutations, &effects, &marks);

    let ours = pb::FromFunction::decode(body.clone()).unwrap();
    let plain = pb::FromFunction::decode(super::super::response::invocation_result(
        &mutations, &effects,
    ))
    .unwrap();
    assert_eq!(ours, plain, "the same messages, field 4 aside");

    let with_entries = FromFunction4::decode(body).unwrap().result.unwrap();
    let messages: Vec<_> = (with_entries.outgoing_messages.iter())
        .map(|m| parents(&m.argument.as_ref().unwrap().metadata))
        .collect();
    assert_eq!(messages, [vec!["p1"], vec!["p1"], vec![], vec!["p3"]]);
    let delayed: Vec<_> = (with_entries.delayed_invocations.iter())
        .map(|d| d.argument.as_ref().map(|a| parents(&a.metadata)))
        .collect();
    assert_eq!(
        delayed,
        [
            Some(vec!["p1".to_owned()]),
            Some(vec!["p3".to_owned()]),
            None
        ]
    );
}

#[test]
fn without_context_the_answer_is_the_plain_one() {
    let effects = effects(2, &[(10, false, "")]);
    let plain = super::super::response::invocation_result(&[], &effects);
    assert_eq!(invocation_result(&[], &effects, &[]), plain);
    assert_eq!(invocation_result(&[], &effects, &[mark(0, 0, "")]), plain);
}

proptest! {
    /// Any effects, any marks: prost reads the same response as without entries, and each
    /// argument's entries are those of its mark.
    #[test]
    fn any_effects_any_marks(
        messages in 0usize..5,
        delayed in proptest::collection::vec((any::<i64>(), any::<bool>(), "[a-z]{0,3}"), 0..5),
        marks in proptest::collection::vec((0usize..6, 0usize..6, "[a-z]{0,200}"), 0..4),
    ) {
        let delayed: Vec<(i64, bool, &str)> =
            delayed.iter().map(|(d, c, t)| (*d, *c, t.as_str())).collect();
        let effects = effects(messages, &delayed);
        let mut marks: Vec<TraceMark> =
            marks.iter().map(|(m, d, p)| mark(*m, *d, p)).collect();
        marks.sort_by_key(|m| m.messages);
        let mut delayed_starts: Vec<usize> = marks.iter().map(|m| m.delayed).collect();
        delayed_starts.sort();
        for (m, d) in marks.iter_mut().zip(delayed_starts) {
            m.delayed = d;
        }
        let body = invocation_result(&[], &effects, &marks);
        let plain = pb::FromFunction::decode(super::super::response::invocation_result(&[], &effects)).unwrap();
        prop_assert_eq!(pb::FromFunction::decode(body.clone()).unwrap(), plain);
        let expected = |start: &dyn Fn(&TraceMark) -> usize, i: usize| {
            marks.iter().rev().find(|m| start(m) <= i).map_or(Vec::new(), |m| {
                if m.entries.is_empty() { Vec::new() } else { parents(&TypedValue4::decode(m.entries.clone()).unwrap().metadata) }
            })
        };
        let with_entries = FromFunction4::decode(body).unwrap().result.unwrap_or_default();
        for (i, m) in with_entries.outgoing_messages.iter().enumerate() {
            prop_assert_eq!(parents(&m.argument.as_ref().unwrap().metadata), expected(&|m| m.messages, i));
        }
        for (i, d) in with_entries.delayed_invocations.iter().enumerate() {
            if let Some(a) = &d.argument {
                prop_assert_eq!(parents(&a.metadata), expected(&|m| m.delayed, i));
            }
        }
    }
}
