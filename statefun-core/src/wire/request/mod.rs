//! The `ToFunction` request decoded in place: every string and value of the request is a
//! [`Span`] of its body, so decoding allocates only the two lists of the batch (its states
//! and its invocations), where prost allocates a `String` for every typename, address part
//! and state name of every invocation.
//!
//! It accepts the bytes prost accepts and decodes them to the same content, with one
//! difference: a known field with another wire type than the declared one is skipped as an
//! unknown field, as protobuf-java (the StateFun runtime's parser) skips it, where prost
//! refuses the body. The tests check this on every conformance vector and by property tests
//! against prost's decoding of the same bytes without such fields
//! (`statefun_test_support::request_reference`): the same merging of repeated singular
//! fields, unknown fields (groups included) skipped, the same UTF-8 check of strings, the same
//! varint, length and recursion limits. When it rejects a body, the dispatcher decodes it once
//! more with prost for prost's error message: the error path is prost's.

use std::ops::Range;

use bytes::Bytes;

use reader::{LENGTH_DELIMITED, RECURSION_LIMIT, Reader, VARINT};

#[cfg(test)]
use crate::proto::reqreply::{self as pb, to_function};

/// Where a string or bytes field lies in the request body; strings were checked to be
/// UTF-8 when decoded.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Span {
    start: usize,
    end: usize,
}

impl Span {
    fn of(range: Range<usize>) -> Self {
        Self {
            start: range.start,
            end: range.end,
        }
    }

    /// Where the span starts and ends in the body.
    pub(crate) fn range(self) -> (usize, usize) {
        (self.start, self.end)
    }

    pub(crate) fn is_empty(self) -> bool {
        self.start == self.end
    }

    /// The span's bytes in `body`.
    pub(crate) fn bytes(self, body: &[u8]) -> &[u8] {
        &body[self.start..self.end]
    }

    /// The span's string in `body` (checked when decoded; checked again here because
    /// this crate has no `unsafe`, which is cheap for the short strings it is used on).
    pub(crate) fn str(self, body: &[u8]) -> &str {
        std::str::from_utf8(self.bytes(body)).expect("strings are UTF-8, checked when decoded")
    }

    /// The span as a view into `body` (no copy).
    pub(crate) fn slice(self, body: &Bytes) -> Bytes {
        if self.is_empty() {
            Bytes::new()
        } else {
            body.slice(self.start..self.end)
        }
    }
}

/// `Address`, in place.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct AddressSpans {
    pub(crate) namespace: Span,
    pub(crate) r#type: Span,
    pub(crate) id: Span,
}

impl AddressSpans {
    /// All three parts empty: how the runtime says "no caller".
    pub(crate) fn is_absent(&self) -> bool {
        self.namespace.is_empty() && self.r#type.is_empty() && self.id.is_empty()
    }
}

/// `TypedValue`, in place.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct TypedValueSpans {
    pub(crate) typename: Span,
    pub(crate) has_value: bool,
    pub(crate) value: Span,
    /// The W3C trace context among the entries of field 4 (`repeated Metadata metadata`),
    /// which the runtime passes on unchanged (docs/conformance.md).
    #[cfg(feature = "trace")]
    pub(crate) trace: TraceSpans,
}

/// The values of the `traceparent` and `tracestate` entries of a `TypedValue`'s field 4
/// (the last of each key); empty when absent. The other entries are skipped.
#[cfg(feature = "trace")]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct TraceSpans {
    pub(crate) parent: Span,
    pub(crate) state: Span,
}

/// `ToFunction.PersistedValue`, in place.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct PersistedValue {
    pub(crate) state_name: Span,
    pub(crate) state_value: Option<TypedValueSpans>,
}

/// `ToFunction.Invocation`, in place.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Invocation {
    pub(crate) caller: Option<AddressSpans>,
    pub(crate) argument: Option<TypedValueSpans>,
}

/// `ToFunction.InvocationBatchRequest`, in place.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct InvocationBatch {
    pub(crate) target: Option<AddressSpans>,
    pub(crate) state: Vec<PersistedValue>,
    pub(crate) invocations: Vec<Invocation>,
}

/// A `ToFunction` body and what it holds; `invocation` is `None` when the body sets no
/// `invocation`.
#[derive(Clone, Debug)]
pub(crate) struct ToFunction {
    pub(crate) body: Bytes,
    pub(crate) invocation: Option<InvocationBatch>,
    /// The time of the request, from this SDK's local runtime ([`LOCAL_TIME_FIELD`]);
    /// `None` from the StateFun runtime.
    pub(crate) local_time_ms: Option<u64>,
}

/// The field of `ToFunction` in which this SDK's local runtime (`statefun::local`,
/// `statefun-local`) sends its virtual time, milliseconds since the Unix epoch (a varint):
/// what `Context::now` returns. The StateFun runtime never sends it; to prost and every
/// other SDK it is an unknown field.
pub(crate) const LOCAL_TIME_FIELD: u32 = 15_001;

/// The body is not a `ToFunction` prost would accept (the body, handed back). Which rule
/// it breaks is left to prost to say (see the module documentation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Malformed(pub(crate) Bytes);

/// A rule of the wire format broken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Reject;

type Decoded<T = ()> = Result<T, Reject>;

impl ToFunction {
    /// Decodes `body` in place.
    pub(crate) fn decode(body: Bytes) -> Result<Self, Malformed> {
        match Self::decode_batch(&body) {
            Ok((invocation, local_time_ms)) => Ok(Self {
                body,
                invocation,
                local_time_ms,
            }),
            Err(Reject) => Err(Malformed(body)),
        }
    }

    fn decode_batch(body: &[u8]) -> Decoded<(Option<InvocationBatch>, Option<u64>)> {
        let mut reader = Reader { buf: body, at: 0 };
        let mut invocation = None;
        let mut local_time_ms = None;
        // As prost's `Message::decode`: fields until the end, at the full recursion limit.
        let depth = RECURSION_LIMIT;
        while reader.at < body.len() {
            let (tag, wire_type) = reader.key()?;
            match tag {
                100 if wire_type == LENGTH_DELIMITED => {
                    let end = reader.message(wire_type, depth)?;
                    let batch = invocation.get_or_insert_with(InvocationBatch::default);
                    while reader.at < end {
                        reader.batch_field(batch, depth - 1)?;
                    }
                    reader.close(end)?;
                }
                LOCAL_TIME_FIELD if wire_type == VARINT => local_time_ms = Some(reader.varint()?),
                _ => reader.skip(wire_type, tag, depth)?,
            }
        }
        Ok((invocation, local_time_ms))
    }

    /// The same request as prost's types (for tests: the decoders must agree).
    #[cfg(test)]
    pub(crate) fn to_proto(&self) -> pb::ToFunction {
        let body = &self.body;
        let string = |span: Span| span.str(body).to_owned();
        let address = |a: &AddressSpans| pb::Address {
            namespace: string(a.namespace),
            r#type: string(a.r#type),
            id: string(a.id),
        };
        let typed = |v: &TypedValueSpans| pb::TypedValue {
            typename: string(v.typename),
            has_value: v.has_value,
            value: v.value.slice(body),
        };
        pb::ToFunction {
            request: self.invocation.as_ref().map(|batch| {
                to_function::Request::Invocation(to_function::InvocationBatchRequest {
                    target: batch.target.as_ref().map(address),
                    state: batch
                        .state
                        .iter()
                        .map(|s| to_function::PersistedValue {
                            state_name: string(s.state_name),
                            state_value: s.state_value.as_ref().map(typed),
                        })
                        .collect(),
                    invocations: batch
                        .invocations
                        .iter()
                        .map(|i| to_function::Invocation {
                            caller: i.caller.as_ref().map(address),
                            argument: i.argument.as_ref().map(typed),
                        })
                        .collect(),
                })
            }),
        }
    }
}

mod reader;
#[cfg(test)]
mod tests;
