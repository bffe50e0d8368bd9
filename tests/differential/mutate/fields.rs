//! Raw fields for the mutations: unknown fields of every wire type, known fields of another wire type, and the known fields of each protocol message.

use super::*;

/// The known fields of a protocol message, with their declared wire types.
pub(super) type KnownFields = &'static [(u32, WireType)];

pub(super) const TO_FUNCTION_FIELDS: KnownFields = &[(100, WireType::LengthDelimited)];

pub(super) const BATCH_FIELDS: KnownFields = &[
    (1, WireType::LengthDelimited),
    (2, WireType::LengthDelimited),
    (3, WireType::LengthDelimited),
];

pub(super) const ADDRESS_FIELDS: KnownFields = BATCH_FIELDS;

pub(super) const STATE_FIELDS: KnownFields = &[
    (1, WireType::LengthDelimited),
    (2, WireType::LengthDelimited),
];

pub(super) const INVOCATION_FIELDS: KnownFields = STATE_FIELDS;

pub(super) const VALUE_FIELDS: KnownFields = &[
    (1, WireType::LengthDelimited),
    (2, WireType::Varint),
    (3, WireType::LengthDelimited),
];

/// The raw extra fields of one protocol message of the request, and its known fields.
pub(super) fn message_extra<'a>(
    rng: &mut Rng,
    r: &'a mut Request,
) -> Option<(&'a mut Vec<u8>, KnownFields)> {
    Some(match rng.below(8) {
        0 => (&mut r.top_extra, TO_FUNCTION_FIELDS),
        1 => (&mut r.batch_extra, BATCH_FIELDS),
        2 => (&mut r.target.as_mut()?.extra, ADDRESS_FIELDS),
        3 => {
            let i = index(rng, r.states.len())?;
            (&mut r.states[i].extra, STATE_FIELDS)
        }
        4 => {
            let i = index(rng, r.states.len())?;
            (&mut r.states[i].value.as_mut()?.extra, VALUE_FIELDS)
        }
        5 => {
            let i = index(rng, r.invocations.len())?;
            (&mut r.invocations[i].extra, INVOCATION_FIELDS)
        }
        6 => {
            let i = index(rng, r.invocations.len())?;
            (&mut r.invocations[i].caller.as_mut()?.extra, ADDRESS_FIELDS)
        }
        _ => {
            let i = index(rng, r.invocations.len())?;
            (&mut r.invocations[i].argument.as_mut()?.extra, VALUE_FIELDS)
        }
    })
}

/// One well-formed field numbered in `numbers`, of a random wire type (groups included).
pub(super) fn unknown_field(rng: &mut Rng, numbers: std::ops::RangeInclusive<u32>) -> Vec<u8> {
    let number = if rng.chance(10) {
        536_870_911
    } else {
        numbers.start() + rng.below((numbers.end() - numbers.start() + 1) as usize) as u32
    };
    let mut out = Vec::new();
    let wire = *rng.pick(&[0u8, 1, 2, 3, 5]);
    field_payload(rng, number, wire, &mut out);
    out
}

/// Field 1 with another wire type than `declared`.
pub(super) fn mistyped_field_1(rng: &mut Rng, declared: WireType) -> Vec<u8> {
    let wire = loop {
        let wire = *rng.pick(&[0u8, 1, 2, 3, 5]);
        if wire != declared as u8 {
            break wire;
        }
    };
    let mut out = Vec::new();
    field_payload(rng, 1, wire, &mut out);
    out
}

pub(super) fn field_payload(rng: &mut Rng, number: u32, wire: u8, out: &mut Vec<u8>) {
    match wire {
        0 => {
            encode_key(number, WireType::Varint, out);
            encode_varint(rng.next() >> rng.below(64), out);
        }
        1 => {
            encode_key(number, WireType::SixtyFourBit, out);
            out.extend_from_slice(&rng.next().to_le_bytes());
        }
        2 => {
            let len = rng.below(6);
            let body: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
            out.extend(length_delimited(number, &body));
        }
        3 => {
            encode_key(number, WireType::StartGroup, out);
            for _ in 0..rng.below(3) {
                let inner = 1 + rng.below(20) as u32;
                let wire = *rng.pick(&[0u8, 1, 2, 5]);
                field_payload(rng, inner, wire, out);
            }
            encode_key(number, WireType::EndGroup, out);
        }
        _ => {
            encode_key(number, WireType::ThirtyTwoBit, out);
            out.extend_from_slice(&(rng.next() as u32).to_le_bytes());
        }
    }
}
