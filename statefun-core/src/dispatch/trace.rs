//! Each invocation a span, `statefun.invocation` (function, id, typename), whose
//! OpenTelemetry parent is the span of the invocation that sent the message: its W3C trace
//! context is read from the argument's field 4 (`wire::trace`), and the context of the new
//! span goes into the arguments of the messages this invocation sends. A message without
//! context (from an ingress, or from an SDK that sends none) starts a new trace.
//!
//! The spans are `tracing` spans; `tracing-opentelemetry`'s layer gives them their
//! OpenTelemetry identity. They are made only once [`enable_invocation_spans`] was called
//! (by the facade's `statefun::otel` when it builds that layer): until then an invocation
//! costs one atomic load more, and nothing is read or sent; so is it with the span filtered
//! out.

use std::{
    str::FromStr as _,
    sync::atomic::{AtomicBool, Ordering},
};

use bytes::Bytes;
use opentelemetry::{
    Context as OtelContext,
    trace::{SpanContext, SpanId, TraceContextExt as _, TraceFlags, TraceId, TraceState},
};
use tracing_opentelemetry::OpenTelemetrySpanExt as _;

use crate::{function::Context, wire::request::Invocation, wire::trace};

/// Whether invocations are spans ([`enable_invocation_spans`]).
static ENABLED: AtomicBool = AtomicBool::new(false);

/// From now on, each invocation is a `statefun.invocation` span with the sender's span as
/// its OpenTelemetry parent, and sends its context with its messages. Called by
/// `statefun::otel` when it builds the OpenTelemetry layer, through `__private`.
pub(crate) fn enable_invocation_spans() {
    ENABLED.store(true, Ordering::Relaxed);
}

/// The span of `invocation` to the context's function, with its parent set from the
/// message's trace context; `ctx` sends the span's context on with every message. A
/// disabled span (and nothing sent) when invocation spans are not enabled.
pub(super) fn invocation_span(
    ctx: &mut Context,
    body: &Bytes,
    invocation: &Invocation,
) -> tracing::Span {
    if ENABLED.load(Ordering::Relaxed) {
        enabled_span(ctx, body, invocation)
    } else {
        tracing::Span::none()
    }
}

fn enabled_span(ctx: &mut Context, body: &Bytes, invocation: &Invocation) -> tracing::Span {
    let address = ctx.self_address();
    let typename = invocation
        .argument
        .as_ref()
        .map_or("", |argument| argument.typename.str(body));
    let span = tracing::info_span!(
        "statefun.invocation",
        function = %address.type_name(),
        id = %address.id(),
        typename,
        otel.kind = "consumer",
    );
    let parent = invocation.argument.as_ref().and_then(|argument| {
        remote(
            argument.trace.parent.bytes(body),
            argument.trace.state.bytes(body),
        )
    });
    let mut own = None;
    if !span.is_disabled() {
        let parent = match &parent {
            Some(remote) => OtelContext::new().with_remote_span_context(remote.clone()),
            // A new trace: not a child of whatever span the batch runs in.
            None => OtelContext::new(),
        };
        // Fails only without the OpenTelemetry layer.
        if span.set_parent(parent).is_ok() {
            own = Some(span.context().span().span_context().clone()).filter(|c| c.is_valid());
        }
    }
    // Without a span of its own (filtered out, e.g. `RUST_LOG=warn`), the invocation passes
    // the sender's context on, so the trace goes on past it.
    let entries = match own.as_ref().or(parent.as_ref()) {
        Some(context) => trace::entries(&traceparent(context), &context.trace_state().header()),
        None => Bytes::new(),
    };
    ctx.set_trace(entries);
    span
}

/// The sender's span context from the W3C `traceparent` and `tracestate` values; `None`
/// when `traceparent` is absent or malformed (then `tracestate` is ignored, as W3C says).
pub(crate) fn remote(traceparent: &[u8], tracestate: &[u8]) -> Option<SpanContext> {
    let text = std::str::from_utf8(traceparent).ok()?.trim();
    let mut parts = text.split('-');
    let (version, trace_id, span_id, flags) =
        (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    // Version 00 has exactly four parts; a later version may add more, after a `-`.
    let well_formed = version.len() == 2
        && version != "ff"
        && (version != "00" || parts.next().is_none())
        && trace_id.len() == 32
        && span_id.len() == 16
        && flags.len() == 2
        && [version, trace_id, span_id, flags]
            .iter()
            .all(|p| p.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')));
    if !well_formed {
        return None;
    }
    let trace_id = TraceId::from_hex(trace_id).ok()?;
    let span_id = SpanId::from_hex(span_id).ok()?;
    let flags = u8::from_str_radix(flags, 16).ok()?;
    let state = std::str::from_utf8(tracestate)
        .ok()
        .and_then(|s| TraceState::from_str(s).ok())
        .unwrap_or_default();
    let context = SpanContext::new(trace_id, span_id, TraceFlags::new(flags & 1), true, state);
    context.is_valid().then_some(context)
}

/// The W3C `traceparent` value of `context` (version 00).
pub(crate) fn traceparent(context: &SpanContext) -> String {
    format!(
        "00-{:032x}-{:016x}-{:02x}",
        context.trace_id(),
        context.span_id(),
        context.trace_flags().to_u8()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traceparent_round_trip() {
        let text = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        let context = remote(text.as_bytes(), b"congo=t61rcWkgMzE").unwrap();
        assert!(context.is_remote());
        assert!(context.is_sampled());
        assert_eq!(traceparent(&context), text);
        assert_eq!(context.trace_state().header(), "congo=t61rcWkgMzE");
        let unsampled = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00";
        assert_eq!(
            traceparent(&remote(unsampled.as_bytes(), b"").unwrap()),
            unsampled
        );
    }

    #[test]
    fn malformed_traceparents_start_a_new_trace() {
        for text in [
            "",
            "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331",
            "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-extra",
            "ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
            "00-00000000000000000000000000000000-b7ad6b7169203331-01",
            "00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01",
            "00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01",
            "00-0af7651916cd43dd8448eb211c80319-b7ad6b7169203331-011",
            "0-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
            "00-0af7651916cd43dd8448eb211c80319c-b7ad6b716920333-01",
            "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-1",
            "00-0af7651916cd43dd8448eb211c8031zz-b7ad6b7169203331-01",
        ] {
            assert_eq!(remote(text.as_bytes(), b""), None, "{text:?}");
        }
        assert_eq!(remote(&[0xff, 0xfe], b""), None);
    }

    #[test]
    fn a_later_version_is_read_for_its_known_parts() {
        let text = "cc-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-what-comes";
        let context = remote(text.as_bytes(), b"").unwrap();
        assert_eq!(
            traceparent(&context),
            "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
        );
    }

    #[test]
    fn a_malformed_tracestate_is_dropped() {
        let text = b"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        let context = remote(text, &[0xff]).unwrap();
        assert_eq!(context.trace_state().header(), "");
        // Only the sampled flag is kept; other bits are not defined in version 00.
        let text = b"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-03";
        assert_eq!(remote(text, b"").unwrap().trace_flags().to_u8(), 1);
    }
}
