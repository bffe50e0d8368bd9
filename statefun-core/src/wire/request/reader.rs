//! The reader of the protobuf wire format under the in-place decoder: varints, keys,
//! length-delimited fields, and skipping unknown fields as prost does.

use std::ops::Range;

use super::{
    AddressSpans, Decoded, Invocation, InvocationBatch, PersistedValue, Reject, Span,
    TypedValueSpans,
};

/// prost's recursion limit (`prost::RECURSION_LIMIT`): nested messages and groups deeper
/// than this are rejected.
pub(super) const RECURSION_LIMIT: u32 = 100;

pub(super) const VARINT: u8 = 0;
pub(super) const FIXED64: u8 = 1;
pub(super) const LENGTH_DELIMITED: u8 = 2;
pub(super) const START_GROUP: u8 = 3;
pub(super) const END_GROUP: u8 = 4;
pub(super) const FIXED32: u8 = 5;

/// A position in the body. `depth` arguments are prost's remaining recursion budget at
/// the level being decoded.
pub(super) struct Reader<'a> {
    pub(super) buf: &'a [u8],
    pub(super) at: usize,
}

impl Reader<'_> {
    /// A LEB128 varint of at most 10 bytes whose 10th byte is 0 or 1, as prost reads it.
    pub(super) fn varint(&mut self) -> Decoded<u64> {
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
    pub(super) fn key(&mut self) -> Decoded<(u32, u8)> {
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
    pub(super) fn message(&mut self, wire_type: u8, depth: u32) -> Decoded<usize> {
        if depth == 0 {
            return Err(Reject);
        }
        let range = self.delimited(wire_type)?;
        self.at = range.start;
        Ok(range.end)
    }

    /// After a nested message's fields: they must end exactly where its length said.
    pub(super) fn close(&self, end: usize) -> Decoded {
        if self.at == end { Ok(()) } else { Err(Reject) }
    }

    /// Skips an unknown field, as prost's `skip_field`.
    pub(super) fn skip(&mut self, wire_type: u8, tag: u32, depth: u32) -> Decoded {
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

    /// One field of an `InvocationBatchRequest`. A known field with another wire type than
    /// its declared one is an unknown field, skipped, as protobuf-java (the runtime's and the
    /// Java SDK's parser) and the Python and Go SDKs' parsers take it; so in every message.
    pub(super) fn batch_field(&mut self, batch: &mut InvocationBatch, depth: u32) -> Decoded {
        let (tag, wire_type) = self.key()?;
        match tag {
            1 if wire_type == LENGTH_DELIMITED => {
                let end = self.message(wire_type, depth)?;
                let target = batch.target.get_or_insert_with(AddressSpans::default);
                while self.at < end {
                    self.address_field(target, depth - 1)?;
                }
                self.close(end)
            }
            2 if wire_type == LENGTH_DELIMITED => {
                let end = self.message(wire_type, depth)?;
                let mut state = PersistedValue::default();
                while self.at < end {
                    self.persisted_value_field(&mut state, depth - 1)?;
                }
                self.close(end)?;
                batch.state.push(state);
                Ok(())
            }
            3 if wire_type == LENGTH_DELIMITED => {
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
            1 if wire_type == LENGTH_DELIMITED => address.namespace = self.string(wire_type)?,
            2 if wire_type == LENGTH_DELIMITED => address.r#type = self.string(wire_type)?,
            3 if wire_type == LENGTH_DELIMITED => address.id = self.string(wire_type)?,
            _ => self.skip(wire_type, tag, depth)?,
        }
        Ok(())
    }

    fn typed_value_field(&mut self, value: &mut TypedValueSpans, depth: u32) -> Decoded {
        let (tag, wire_type) = self.key()?;
        match tag {
            1 if wire_type == LENGTH_DELIMITED => value.typename = self.string(wire_type)?,
            2 if wire_type == VARINT => value.has_value = self.bool(wire_type)?,
            3 if wire_type == LENGTH_DELIMITED => value.value = self.bytes(wire_type)?,
            #[cfg(feature = "trace")]
            crate::wire::trace::METADATA_FIELD if wire_type == LENGTH_DELIMITED => {
                let entry = self.delimited(wire_type)?;
                self.trace_entry(entry, &mut value.trace, depth);
            }
            _ => self.skip(wire_type, tag, depth)?,
        }
        Ok(())
    }

    /// One entry of `TypedValue.metadata`, `Metadata { string key = 1; bytes value = 2;
    /// bool has_value = 3; }`: kept if its key is `traceparent` or `tracestate`. The field is
    /// unknown to the protocol (to prost and every other SDK), so an entry that is no such
    /// message is ignored, never an error: the request is accepted exactly when it would be
    /// without this reading.
    #[cfg(feature = "trace")]
    fn trace_entry(&self, entry: Range<usize>, trace: &mut super::TraceSpans, depth: u32) {
        let mut reader = Reader {
            buf: &self.buf[..entry.end],
            at: entry.start,
        };
        let mut key = Span::default();
        let mut value = Span::default();
        let mut read = || -> Decoded {
            while reader.at < entry.end {
                let (tag, wire_type) = reader.key()?;
                match tag {
                    1 if wire_type == LENGTH_DELIMITED => key = reader.string(wire_type)?,
                    2 if wire_type == LENGTH_DELIMITED => value = reader.bytes(wire_type)?,
                    _ => reader.skip(wire_type, tag, depth.saturating_sub(1))?,
                }
            }
            Ok(())
        };
        if read().is_err() {
            return;
        }
        match key.bytes(self.buf) {
            crate::wire::trace::TRACEPARENT => trace.parent = value,
            crate::wire::trace::TRACESTATE => trace.state = value,
            _ => {}
        }
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
            1 if wire_type == LENGTH_DELIMITED => state.state_name = self.string(wire_type)?,
            2 if wire_type == LENGTH_DELIMITED => {
                self.typed_value(wire_type, &mut state.state_value, depth)?
            }
            _ => self.skip(wire_type, tag, depth)?,
        }
        Ok(())
    }

    fn invocation_field(&mut self, invocation: &mut Invocation, depth: u32) -> Decoded {
        let (tag, wire_type) = self.key()?;
        match tag {
            1 if wire_type == LENGTH_DELIMITED => {
                let end = self.message(wire_type, depth)?;
                let caller = invocation.caller.get_or_insert_with(AddressSpans::default);
                while self.at < end {
                    self.address_field(caller, depth - 1)?;
                }
                self.close(end)?;
            }
            2 if wire_type == LENGTH_DELIMITED => {
                self.typed_value(wire_type, &mut invocation.argument, depth)?
            }
            _ => self.skip(wire_type, tag, depth)?,
        }
        Ok(())
    }
}
