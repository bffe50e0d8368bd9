//! W3C trace context on the wire: the `traceparent` and `tracestate` entries of
//! `TypedValue` field 4, `repeated Metadata metadata` (the layout of the kzmlabs fork of the
//! runtime: `message Metadata { string key = 1; bytes value = 2; bool has_value = 3; }`),
//! read by the request reader and written into the argument of every message and delayed
//! message a batch sends. The StateFun 3.3.0 runtime passes the field on unchanged in
//! messages (not in state values): docs/conformance.md, "An extra field in TypedValue
//! through the runtime".
//!
//! The answer is the bytes of [`response::invocation_result`] with the entries added to the
//! arguments, in the field order protobuf-java writes (unknown fields after the known ones),
//! so a message without context is encoded exactly as without this feature.

use bytes::Bytes;
use prost::{Message as _, encoding};

use super::response::{delimited_len, mutations_len, varint, varint_len, write_mutations};
use crate::{
    function::TraceMark,
    proto::reqreply::{
        TypedValue,
        from_function::{DelayedInvocation, Invocation, InvocationResponse},
    },
    state::Mutation,
};

/// `TypedValue.metadata`.
pub(crate) const METADATA_FIELD: u32 = 4;
/// The key of the W3C `traceparent` entry.
pub(crate) const TRACEPARENT: &[u8] = b"traceparent";
/// The key of the W3C `tracestate` entry.
pub(crate) const TRACESTATE: &[u8] = b"tracestate";

/// The encoded field-4 entries carrying `traceparent` and, if not empty, `tracestate`:
/// bytes to append to a `TypedValue`.
pub(crate) fn entries(traceparent: &str, tracestate: &str) -> Bytes {
    let len = entry_len(TRACEPARENT, traceparent.len())
        + match tracestate.len() {
            0 => 0,
            n => entry_len(TRACESTATE, n),
        };
    let mut out = Vec::with_capacity(len);
    entry(&mut out, TRACEPARENT, traceparent.as_bytes());
    if !tracestate.is_empty() {
        entry(&mut out, TRACESTATE, tracestate.as_bytes());
    }
    debug_assert_eq!(out.len(), len);
    out.into()
}

/// The length of one entry as written by [`entry`], key included.
fn entry_len(key: &[u8], value_len: usize) -> usize {
    // key, value, has_value = true.
    delimited_len(
        1,
        delimited_len(1, key.len()) + delimited_len(1, value_len) + 2,
    )
}

fn entry(out: &mut Vec<u8>, key: &[u8], value: &[u8]) {
    let len = delimited_len(1, key.len()) + delimited_len(1, value.len()) + 2;
    out.push((METADATA_FIELD as u8) << 3 | 2);
    varint(out, len as u64);
    out.push(1 << 3 | 2);
    varint(out, key.len() as u64);
    out.extend_from_slice(key);
    out.push(2 << 3 | 2);
    varint(out, value.len() as u64);
    out.extend_from_slice(value);
    out.extend_from_slice(&[3 << 3, 1]);
}

/// The entries for the message at `index` of a list, given the marks in order and the
/// count each mark starts at.
fn entries_at(marks: &[TraceMark], start: impl Fn(&TraceMark) -> usize, index: usize) -> &[u8] {
    let at = marks.partition_point(|m| start(m) <= index);
    match at.checked_sub(1) {
        Some(i) => &marks[i].entries,
        None => &[],
    }
}

/// [`response::invocation_result`](super::response::invocation_result), with the entries
/// of `marks` in the arguments of the messages and delayed messages they apply to.
pub(crate) fn invocation_result(
    mutations: &[Mutation<'_>],
    effects: &InvocationResponse,
    marks: &[TraceMark],
) -> Bytes {
    if marks.iter().all(|m| m.entries.is_empty()) {
        return super::response::invocation_result(mutations, effects);
    }
    debug_assert!(effects.state_mutations.is_empty());
    let message_entries = |i: usize| entries_at(marks, |m| m.messages, i);
    let delayed_entries = |i: usize| entries_at(marks, |m| m.delayed, i);
    let messages: Vec<usize> = (effects.outgoing_messages.iter().enumerate())
        .map(|(i, m)| invocation_len(m, message_entries(i)))
        .collect();
    let delayed: Vec<usize> = (effects.delayed_invocations.iter().enumerate())
        .map(|(i, d)| delayed_len(d, delayed_entries(i)))
        .collect();
    let response_len = mutations_len(mutations)
        + messages.iter().map(|&l| delimited_len(1, l)).sum::<usize>()
        + delayed.iter().map(|&l| delimited_len(1, l)).sum::<usize>()
        + (effects.outgoing_egresses.iter())
            .map(|e| delimited_len(1, e.encoded_len()))
            .sum::<usize>();
    let total = delimited_len(2, response_len);
    let mut out = Vec::with_capacity(total);
    varint(&mut out, 100 << 3 | 2);
    varint(&mut out, response_len as u64);
    write_mutations(&mut out, mutations);
    for (i, (message, len)) in effects.outgoing_messages.iter().zip(messages).enumerate() {
        out.push(2 << 3 | 2);
        varint(&mut out, len as u64);
        if let Some(target) = &message.target {
            encoding::message::encode(1, target, &mut out);
        }
        argument(&mut out, 2, message.argument.as_ref(), message_entries(i));
    }
    for (i, (message, len)) in effects.delayed_invocations.iter().zip(delayed).enumerate() {
        out.push(3 << 3 | 2);
        varint(&mut out, len as u64);
        if message.delay_in_ms != 0 {
            encoding::int64::encode(1, &message.delay_in_ms, &mut out);
        }
        if let Some(target) = &message.target {
            encoding::message::encode(2, target, &mut out);
        }
        argument(&mut out, 3, message.argument.as_ref(), delayed_entries(i));
        if message.is_cancellation_request {
            encoding::bool::encode(10, &message.is_cancellation_request, &mut out);
        }
        if !message.cancellation_token.is_empty() {
            encoding::string::encode(11, &message.cancellation_token, &mut out);
        }
    }
    for egress in &effects.outgoing_egresses {
        encoding::message::encode(4, egress, &mut out);
    }
    debug_assert_eq!(out.len(), total);
    out.into()
}

/// The length of an argument field's contents with `entries` appended (absent: none).
fn argument_len(argument: Option<&TypedValue>, entries: &[u8]) -> Option<usize> {
    argument.map(|a| a.encoded_len() + entries.len())
}

fn invocation_len(message: &Invocation, entries: &[u8]) -> usize {
    let target = message
        .target
        .as_ref()
        .map_or(0, |t| delimited_len(1, t.encoded_len()));
    let argument =
        argument_len(message.argument.as_ref(), entries).map_or(0, |l| delimited_len(1, l));
    target + argument
}

fn delayed_len(message: &DelayedInvocation, entries: &[u8]) -> usize {
    let delay = if message.delay_in_ms == 0 {
        0
    } else {
        1 + varint_len(message.delay_in_ms as u64)
    };
    let target = message
        .target
        .as_ref()
        .map_or(0, |t| delimited_len(1, t.encoded_len()));
    let argument =
        argument_len(message.argument.as_ref(), entries).map_or(0, |l| delimited_len(1, l));
    let cancel = if message.is_cancellation_request {
        2
    } else {
        0
    };
    let token = if message.cancellation_token.is_empty() {
        0
    } else {
        delimited_len(1, message.cancellation_token.len())
    };
    delay + target + argument + cancel + token
}

/// The argument field `field` holding `argument` and then `entries`.
fn argument(out: &mut Vec<u8>, field: u8, argument: Option<&TypedValue>, entries: &[u8]) {
    if let Some(value) = argument {
        out.push(field << 3 | 2);
        varint(out, (value.encoded_len() + entries.len()) as u64);
        value.encode_raw(out);
        out.extend_from_slice(entries);
    }
}

#[cfg(test)]
#[path = "trace_tests.rs"]
mod tests;
