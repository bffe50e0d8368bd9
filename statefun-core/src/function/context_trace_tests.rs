//! Which messages each invocation's trace context applies to: the marks `set_trace` leaves
//! and `take_trace` hands to the response encoder.

use std::time::Duration;

use bytes::Bytes;

use super::{Context, TraceMark};
use crate::{
    message::OutgoingMessage,
    names::{Address, TypeName},
};

const TO: TypeName = TypeName::from_static("test/to");

fn message() -> OutgoingMessage {
    OutgoingMessage::new(Address::new(TO, "x"), "hi").unwrap()
}

fn mark(messages: usize, delayed: usize, entries: &'static [u8]) -> TraceMark {
    TraceMark {
        messages,
        delayed,
        entries: Bytes::from_static(entries),
    }
}

#[test]
fn each_invocation_marks_where_its_context_begins() {
    let mut ctx = Context::new(Address::new(TO, "self"));
    ctx.set_trace(Bytes::from_static(b"first"));
    ctx.send_message(message());
    ctx.send_after(Duration::from_secs(1), message());
    // An invocation without context after one with: its messages carry none.
    ctx.set_trace(Bytes::new());
    ctx.send_message(message());
    ctx.set_trace(Bytes::from_static(b"third"));
    assert_eq!(
        ctx.take_trace(),
        [mark(0, 0, b"first"), mark(1, 1, b""), mark(2, 1, b"third")]
    );
    assert_eq!(ctx.take_trace(), [], "taken");
}

#[test]
fn invocations_without_context_leave_no_mark_until_one_has_it() {
    let mut ctx = Context::new(Address::new(TO, "self"));
    ctx.set_trace(Bytes::new());
    ctx.send_message(message());
    ctx.set_trace(Bytes::new());
    assert_eq!(ctx.take_trace(), []);
}
