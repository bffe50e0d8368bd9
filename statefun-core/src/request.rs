//! The `ToFunction` request decoded in place: every string and value of the request is a
//! [`Span`] of its body, so decoding allocates only the two lists of the batch (its states
//! and its invocations), where prost allocates a `String` for every typename, address part
//! and state name of every invocation.
//!
//! It accepts exactly the bytes prost accepts and decodes them to the same content
//! (the tests below check both on every conformance vector and by property tests): the same merging of repeated singular fields, unknown fields (groups included)
//! skipped, the same UTF-8 check of strings, the same varint, length and recursion limits.
//! When it rejects a body, the dispatcher decodes it once more with prost for prost's error
//! message: the error path is prost's.

use std::ops::Range;

use bytes::Bytes;

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
}

/// The body is not a `ToFunction` prost would accept (the body, handed back). Which rule
/// it breaks is left to prost to say (see the module documentation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Malformed(pub(crate) Bytes);

/// A rule of the wire format broken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Reject;

type Decoded<T = ()> = Result<T, Reject>;

/// prost's recursion limit (`prost::RECURSION_LIMIT`): nested messages and groups deeper
/// than this are rejected.
const RECURSION_LIMIT: u32 = 100;

const VARINT: u8 = 0;
const FIXED64: u8 = 1;
const LENGTH_DELIMITED: u8 = 2;
const START_GROUP: u8 = 3;
const END_GROUP: u8 = 4;
const FIXED32: u8 = 5;

impl ToFunction {
    /// Decodes `body` in place.
    pub(crate) fn decode(body: Bytes) -> Result<Self, Malformed> {
        match Self::decode_batch(&body) {
            Ok(invocation) => Ok(Self { body, invocation }),
            Err(Reject) => Err(Malformed(body)),
        }
    }

    fn decode_batch(body: &[u8]) -> Decoded<Option<InvocationBatch>> {
        let mut reader = Reader { buf: body, at: 0 };
        let mut invocation = None;
        // As prost's `Message::decode`: fields until the end, at the full recursion limit.
        let depth = RECURSION_LIMIT;
        while reader.at < body.len() {
            let (tag, wire_type) = reader.key()?;
            match tag {
                100 => {
                    let end = reader.message(wire_type, depth)?;
                    let batch = invocation.get_or_insert_with(InvocationBatch::default);
                    while reader.at < end {
                        reader.batch_field(batch, depth - 1)?;
                    }
                    reader.close(end)?;
                }
                _ => reader.skip(wire_type, tag, depth)?,
            }
        }
        Ok(invocation)
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

/// A position in the body. `depth` arguments are prost's remaining recursion budget at
/// the level being decoded.
struct Reader<'a> {
    buf: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    /// A LEB128 varint of at most 10 bytes whose 10th byte is 0 or 1, as prost reads it.
    fn varint(&mut self) -> Decoded<u64> {
        let mut value = 0u64;
        for i in 0..10 {
            let byte = *self.buf.get(self.at + i).ok_or(Reject)?;
            if i == 9 && byte > 1 {
                return Err(Reject);
            }
            value |= u64::from(byte & 0x7f) << (7 * i);
            if byte < 0x80 {
                self.at += i + 1;
                return Ok(value);
            }
        }
        Err(Reject)
    }

    /// A field key: its field number (not 0) and wire type (0 to 5).
    fn key(&mut self) -> Decoded<(u32, u8)> {
        // One-byte keys (fields 1 to 15) are the common case.
        let key = match self.buf.get(self.at) {
            Some(&byte) if byte < 0x80 => {
                self.at += 1;
                u64::from(byte)
            }
            _ => self.varint()?,
        };
        let key = u32::try_from(key).map_err(|_| Reject)?;
        let wire_type = (key & 7) as u8;
        if wire_type > FIXED32 || key >> 3 == 0 {
            return Err(Reject);
        }
        Ok((key >> 3, wire_type))
    }

    /// A length-delimited field's bytes.
    fn delimited(&mut self, wire_type: u8) -> Decoded<Range<usize>> {
        if wire_type != LENGTH_DELIMITED {
            return Err(Reject);
        }
        let len = self.varint()?;
        let remaining = (self.buf.len() - self.at) as u64;
        if len > remaining {
            return Err(Reject);
        }
        let start = self.at;
        self.at += len as usize;
        Ok(start..self.at)
    }

    fn string(&mut self, wire_type: u8) -> Decoded<Span> {
        let range = self.delimited(wire_type)?;
        let bytes = &self.buf[range.clone()];
        // ASCII first: typenames, ids and state names nearly always are, and the check
        // is a few word-sized loads for them.
        if !bytes.is_ascii() {
            std::str::from_utf8(bytes).map_err(|_| Reject)?;
        }
        Ok(Span::of(range))
    }

    fn bytes(&mut self, wire_type: u8) -> Decoded<Span> {
        self.delimited(wire_type).map(Span::of)
    }

    fn bool(&mut self, wire_type: u8) -> Decoded<bool> {
        if wire_type != VARINT {
            return Err(Reject);
        }
        Ok(self.varint()? != 0)
    }

    /// The start of a nested message: where it ends. Its fields are decoded at `depth - 1`.
    fn message(&mut self, wire_type: u8, depth: u32) -> Decoded<usize> {
        if depth == 0 {
            return Err(Reject);
        }
        let range = self.delimited(wire_type)?;
        self.at = range.start;
        Ok(range.end)
    }

    /// After a nested message's fields: they must end exactly where its length said.
    fn close(&self, end: usize) -> Decoded {
        if self.at == end { Ok(()) } else { Err(Reject) }
    }

    /// Skips an unknown field, as prost's `skip_field`.
    fn skip(&mut self, wire_type: u8, tag: u32, depth: u32) -> Decoded {
        if depth == 0 {
            return Err(Reject);
        }
        let len = match wire_type {
            VARINT => self.varint().map(|_| 0)?,
            FIXED32 => 4,
            FIXED64 => 8,
            LENGTH_DELIMITED => self.varint()?,
            START_GROUP => loop {
                let (inner_tag, inner_wire_type) = self.key()?;
                if inner_wire_type == END_GROUP {
                    if inner_tag != tag {
                        return Err(Reject);
                    }
                    break 0;
                }
                self.skip(inner_wire_type, inner_tag, depth - 1)?;
            },
            _ => return Err(Reject),
        };
        if len > (self.buf.len() - self.at) as u64 {
            return Err(Reject);
        }
        self.at += len as usize;
        Ok(())
    }

    /// One field of an `InvocationBatchRequest`.
    fn batch_field(&mut self, batch: &mut InvocationBatch, depth: u32) -> Decoded {
        let (tag, wire_type) = self.key()?;
        match tag {
            1 => {
                let end = self.message(wire_type, depth)?;
                let target = batch.target.get_or_insert_with(AddressSpans::default);
                while self.at < end {
                    self.address_field(target, depth - 1)?;
                }
                self.close(end)
            }
            2 => {
                let end = self.message(wire_type, depth)?;
                let mut state = PersistedValue::default();
                while self.at < end {
                    self.persisted_value_field(&mut state, depth - 1)?;
                }
                self.close(end)?;
                batch.state.push(state);
                Ok(())
            }
            3 => {
                let end = self.message(wire_type, depth)?;
                let mut invocation = Invocation::default();
                while self.at < end {
                    self.invocation_field(&mut invocation, depth - 1)?;
                }
                self.close(end)?;
                batch.invocations.push(invocation);
                Ok(())
            }
            _ => self.skip(wire_type, tag, depth),
        }
    }

    fn address_field(&mut self, address: &mut AddressSpans, depth: u32) -> Decoded {
        let (tag, wire_type) = self.key()?;
        match tag {
            1 => address.namespace = self.string(wire_type)?,
            2 => address.r#type = self.string(wire_type)?,
            3 => address.id = self.string(wire_type)?,
            _ => self.skip(wire_type, tag, depth)?,
        }
        Ok(())
    }

    fn typed_value_field(&mut self, value: &mut TypedValueSpans, depth: u32) -> Decoded {
        let (tag, wire_type) = self.key()?;
        match tag {
            1 => value.typename = self.string(wire_type)?,
            2 => value.has_value = self.bool(wire_type)?,
            3 => value.value = self.bytes(wire_type)?,
            _ => self.skip(wire_type, tag, depth)?,
        }
        Ok(())
    }

    fn typed_value(
        &mut self,
        wire_type: u8,
        value: &mut Option<TypedValueSpans>,
        depth: u32,
    ) -> Decoded {
        let end = self.message(wire_type, depth)?;
        let value = value.get_or_insert_with(TypedValueSpans::default);
        while self.at < end {
            self.typed_value_field(value, depth - 1)?;
        }
        self.close(end)
    }

    fn persisted_value_field(&mut self, state: &mut PersistedValue, depth: u32) -> Decoded {
        let (tag, wire_type) = self.key()?;
        match tag {
            1 => state.state_name = self.string(wire_type)?,
            2 => self.typed_value(wire_type, &mut state.state_value, depth)?,
            _ => self.skip(wire_type, tag, depth)?,
        }
        Ok(())
    }

    fn invocation_field(&mut self, invocation: &mut Invocation, depth: u32) -> Decoded {
        let (tag, wire_type) = self.key()?;
        match tag {
            1 => {
                let end = self.message(wire_type, depth)?;
                let caller = invocation.caller.get_or_insert_with(AddressSpans::default);
                while self.at < end {
                    self.address_field(caller, depth - 1)?;
                }
                self.close(end)?;
            }
            2 => self.typed_value(wire_type, &mut invocation.argument, depth)?,
            _ => self.skip(wire_type, tag, depth)?,
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use prost::Message as _;

    use super::*;

    /// Both decoders on `bytes`: both reject it, or both accept it with the same content.
    fn same_as_prost(bytes: &[u8]) -> Result<(), TestCaseError> {
        let theirs = pb::ToFunction::decode(bytes);
        let ours = ToFunction::decode(Bytes::copy_from_slice(bytes));
        match (ours, theirs) {
            (Ok(ours), Ok(theirs)) => prop_assert_eq!(ours.to_proto(), theirs),
            (Err(_), Err(_)) => {}
            (ours, theirs) => prop_assert!(
                false,
                "ours: {:?}, prost: {:?}, bytes: {:02x?}",
                ours.map(|o| o.to_proto()),
                theirs,
                bytes
            ),
        }
        Ok(())
    }

    #[test]
    fn every_conformance_vector() {
        let names = statefun_test_support::conformance::all_vector_names();
        assert!(names.len() >= 9, "{names:?}");
        for name in names {
            let vector = statefun_test_support::conformance::vector(&name);
            let ours = ToFunction::decode(Bytes::from(vector.request.clone()))
                .unwrap_or_else(|_| panic!("{name}: rejected"));
            let theirs = pb::ToFunction::decode(&vector.request[..]).unwrap();
            assert_eq!(ours.to_proto(), theirs, "{name}");
            // Every truncation is rejected by both, or accepted by both with the same
            // content (for the 1 MiB vector, those that cut its headers or its end).
            let len = vector.request.len();
            for cut in (0..len).filter(|&cut| cut < 512 || len - cut < 512) {
                same_as_prost(&vector.request[..cut]).unwrap();
            }
        }
    }

    #[test]
    fn values_are_views_into_the_body() {
        let vector = statefun_test_support::conformance::vector("e-large-state");
        let body = Bytes::from(vector.request);
        let request = ToFunction::decode(body.clone()).unwrap();
        let batch = request.invocation.unwrap();
        let value = batch.state[0].state_value.unwrap().value.slice(&body);
        assert!(!value.is_empty());
        assert!(body.as_ptr_range().contains(&value.as_ptr()));
    }

    /// An unknown field 15 (in every message here) as groups nested `depth` deep.
    fn nested_groups(depth: usize) -> Vec<u8> {
        let mut bytes = vec![0x7b; depth];
        bytes.extend(std::iter::repeat_n(0x7c, depth));
        bytes
    }

    /// Field `tag`, length-delimited, holding `content`.
    fn field(tag: u32, content: &[u8]) -> Vec<u8> {
        let mut bytes = Vec::new();
        prost::encoding::encode_key(tag, prost::encoding::WireType::LengthDelimited, &mut bytes);
        prost::encoding::encode_varint(content.len() as u64, &mut bytes);
        bytes.extend_from_slice(content);
        bytes
    }

    /// A request with `extra` inside the message at `position`: 0 the `ToFunction`, 1 the
    /// batch, 2 the target, 3 a state, 4 its value, 5 an invocation, 6 its caller, 7 its
    /// argument.
    fn request_with(position: usize, extra: &[u8]) -> Vec<u8> {
        let here = |p: usize, mut content: Vec<u8>| {
            if p == position {
                content.extend_from_slice(extra);
            }
            content
        };
        let address = |p| {
            here(
                p,
                [field(1, b"demo"), field(2, b"f"), field(3, b"x")].concat(),
            )
        };
        let value = |p| {
            here(
                p,
                [field(1, b"demo/t"), vec![0x10, 0x01], field(3, b"v")].concat(),
            )
        };
        let state = here(3, [field(1, b"seen"), field(2, &value(4))].concat());
        let invocation = here(5, [field(1, &address(6)), field(2, &value(7))].concat());
        let batch = here(
            1,
            [
                field(1, &address(2)),
                field(2, &state),
                field(3, &invocation),
            ]
            .concat(),
        );
        here(0, field(100, &batch))
    }

    #[test]
    fn unknown_groups_nest_as_deep_as_prost_allows_in_every_message() {
        for position in 0..8 {
            let mut accepted = Vec::new();
            for depth in 90..=101 {
                let bytes = request_with(position, &nested_groups(depth));
                same_as_prost(&bytes).unwrap();
                if ToFunction::decode(Bytes::from(bytes)).is_ok() {
                    accepted.push(depth);
                }
            }
            // The limit is reached within the range: the test sees the boundary.
            assert!(
                !accepted.is_empty() && accepted.len() < 12,
                "position {position}: accepted {accepted:?}"
            );
        }
    }

    #[test]
    fn edge_cases() {
        let cases: &[&[u8]] = &[
            &[],
            // field 0 (with every wire type), wire types 6 and 7, a key above u32::MAX
            &[0x00],
            &[0x01, 0, 0, 0, 0, 0, 0, 0, 0],
            &[0x02, 0x00],
            &[0x03, 0x04],
            &[0x05, 0, 0, 0, 0],
            &[0x80, 0x00],
            &[0xa2, 0x06, 0x02, 0x02, 0x00],
            &[0x0e],
            &[0x0f],
            &[0x80, 0x80, 0x80, 0x80, 0x80, 0x01],
            // an unknown varint of 10 bytes whose last byte is 1 (valid) or 2 (invalid)
            &[
                0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
            ],
            &[
                0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02,
            ],
            &[0x08, 0x80, 0x80],
            // groups: closed by their own field, by another, unclosed, a lone end
            &[0x0b, 0x08, 0x01, 0x0c],
            &[0x0b, 0x14],
            &[0x0b],
            &[0x0c],
            // invocation (100) as a varint, empty, twice, overlong
            &[0xa0, 0x06, 0x01],
            &[0xa2, 0x06, 0x00],
            &[0xa2, 0x06, 0x00, 0xa2, 0x06, 0x00],
            &[0xa2, 0x06, 0x05, 0x0a],
            // a target whose length runs past the batch, but not past the body
            &[0xa2, 0x06, 0x02, 0x0a, 0x03, 0x0a, 0x01, 0x61],
            // a target's namespace that is not UTF-8
            &[0xa2, 0x06, 0x05, 0x0a, 0x03, 0x0a, 0x01, 0xff],
            // has_value as a 10-byte varint, and with the length-delimited wire type
            &[
                0xa2, 0x06, 0x10, 0x1a, 0x0e, 0x12, 0x0c, 0x10, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
                0x80, 0x80, 0x80, 0x01,
            ],
            &[0xa2, 0x06, 0x07, 0x1a, 0x05, 0x12, 0x03, 0x12, 0x01, 0x00],
        ];
        for case in cases {
            same_as_prost(case).unwrap();
        }
        // Groups nested deeper than the recursion limit, at the top level and inside
        // the batch.
        for depth in [95, 96, 97, 98, 99, 100, 101] {
            let mut top = vec![0x0b; depth];
            top.extend(std::iter::repeat_n(0x0c, depth));
            same_as_prost(&top).unwrap();
            let mut inner = vec![0x0a];
            let mut target = vec![0x23; depth];
            target.extend(std::iter::repeat_n(0x24, depth));
            inner.push(target.len() as u8);
            inner.extend(target);
            let mut top = vec![0xa2, 0x06, inner.len() as u8];
            top.extend(inner);
            same_as_prost(&top).unwrap();
        }
    }

    /// Encoded fields of a message: known fields with their own or another wire type,
    /// unknown fields of every wire type (groups included), repeated singular fields.
    fn fields(known: &'static [(u32, Kind)], depth: u32) -> BoxedStrategy<Vec<u8>> {
        let known_field = if known.is_empty() {
            Just(None).boxed()
        } else {
            prop_oneof![
                4 => (0..known.len()).prop_map(move |i| Some(known[i])),
                1 => Just(None),
            ]
            .boxed()
        };
        let field = (known_field, any::<bool>(), any::<u32>()).prop_flat_map(
            move |(known_field, right_wire_type, unknown)| match known_field {
                Some((tag, kind)) if right_wire_type || depth == 0 => field_of(tag, kind, depth),
                Some((tag, _)) => unknown_field(tag, depth),
                None => unknown_field(20 + unknown % 2000, depth),
            },
        );
        proptest::collection::vec(field, 0..5)
            .prop_map(|fields| fields.concat())
            .boxed()
    }

    #[derive(Clone, Copy, Debug)]
    enum Kind {
        Str,
        Bytes,
        Bool,
        Message(&'static [(u32, Kind)]),
    }

    const ADDRESS: &[(u32, Kind)] = &[(1, Kind::Str), (2, Kind::Str), (3, Kind::Str)];
    const TYPED_VALUE: &[(u32, Kind)] = &[(1, Kind::Str), (2, Kind::Bool), (3, Kind::Bytes)];
    const PERSISTED_VALUE: &[(u32, Kind)] = &[(1, Kind::Str), (2, Kind::Message(TYPED_VALUE))];
    const INVOCATION: &[(u32, Kind)] =
        &[(1, Kind::Message(ADDRESS)), (2, Kind::Message(TYPED_VALUE))];
    const BATCH: &[(u32, Kind)] = &[
        (1, Kind::Message(ADDRESS)),
        (2, Kind::Message(PERSISTED_VALUE)),
        (3, Kind::Message(INVOCATION)),
    ];
    const TO_FUNCTION: &[(u32, Kind)] = &[(100, Kind::Message(BATCH))];

    fn key(tag: u32, wire_type: u8) -> Vec<u8> {
        let mut out = Vec::new();
        prost::encoding::encode_varint(u64::from(tag) << 3 | u64::from(wire_type), &mut out);
        out
    }

    fn delimited(tag: u32, body: Vec<u8>) -> Vec<u8> {
        let mut out = key(tag, LENGTH_DELIMITED);
        prost::encoding::encode_varint(body.len() as u64, &mut out);
        out.extend(body);
        out
    }

    fn field_of(tag: u32, kind: Kind, depth: u32) -> BoxedStrategy<Vec<u8>> {
        match kind {
            Kind::Str => prop_oneof![
                4 => "[a-z/.é]{0,6}".prop_map(String::into_bytes),
                1 => proptest::collection::vec(any::<u8>(), 0..4),
            ]
            .prop_map(move |s| delimited(tag, s))
            .boxed(),
            Kind::Bytes => proptest::collection::vec(any::<u8>(), 0..8)
                .prop_map(move |b| delimited(tag, b))
                .boxed(),
            Kind::Bool => prop_oneof![Just(0u64), Just(1), any::<u64>()]
                .prop_map(move |v| {
                    let mut out = key(tag, VARINT);
                    prost::encoding::encode_varint(v, &mut out);
                    out
                })
                .boxed(),
            Kind::Message(known) if depth > 0 && !known.is_empty() => fields(known, depth - 1)
                .prop_map(move |body| delimited(tag, body))
                .boxed(),
            Kind::Message(_) => Just(delimited(tag, Vec::new())).boxed(),
        }
    }

    fn unknown_field(tag: u32, depth: u32) -> BoxedStrategy<Vec<u8>> {
        let group = fields(&[], depth.saturating_sub(1))
            .prop_map(move |inner| [key(tag, START_GROUP), inner, key(tag, END_GROUP)].concat());
        let scalar = prop_oneof![
            any::<u64>().prop_map(move |v| {
                let mut out = key(tag, VARINT);
                prost::encoding::encode_varint(v, &mut out);
                out
            }),
            any::<[u8; 4]>().prop_map(move |b| [key(tag, FIXED32), b.to_vec()].concat()),
            any::<[u8; 8]>().prop_map(move |b| [key(tag, FIXED64), b.to_vec()].concat()),
            proptest::collection::vec(any::<u8>(), 0..6).prop_map(move |b| delimited(tag, b)),
        ];
        if depth == 0 {
            scalar.boxed()
        } else {
            prop_oneof![4 => scalar, 1 => group].boxed()
        }
    }

    /// A mutation of well-formed bytes: a byte changed, inserted or removed, or cut short.
    fn mutated(bytes: Vec<u8>, at: usize, byte: u8, how: u8) -> Vec<u8> {
        let mut bytes = bytes;
        if bytes.is_empty() {
            return vec![byte];
        }
        let at = at % bytes.len();
        match how % 4 {
            0 => bytes[at] = byte,
            1 => bytes.insert(at, byte),
            2 => drop(bytes.remove(at)),
            _ => bytes.truncate(at),
        }
        bytes
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Well-formed requests of every shape (unknown fields, repeated singular fields
        /// merged, wrong wire types): the same accept or reject, the same content.
        #[test]
        fn structured_bytes(bytes in fields(TO_FUNCTION, 4)) {
            same_as_prost(&bytes)?;
        }

        /// The same, one byte off.
        #[test]
        fn mutated_bytes(
            bytes in fields(TO_FUNCTION, 4),
            at in any::<usize>(),
            byte in any::<u8>(),
            how in any::<u8>(),
        ) {
            same_as_prost(&mutated(bytes, at, byte, how))?;
        }

        /// Any bytes at all.
        #[test]
        fn any_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            same_as_prost(&bytes)?;
        }
    }
}
