//! Mutations of values: wrong-typed, truncated, re-encoded, random and JSON-mangled.

use super::*;

pub(super) fn mutate_value<'a>(
    rng: &mut Rng,
    values: impl Iterator<Item = &'a mut Value>,
) -> Option<&'static str> {
    let mut values: Vec<&mut Value> = values.collect();
    let operation = rng.below(14);
    // JSON changes go to a JSON value when there is one.
    if matches!(operation, 10 | 11) && values.iter().any(|v| is_json(&v.typename)) {
        values.retain(|v| is_json(&v.typename));
    }
    let i = index(rng, values.len())?;
    let v = &mut *values[i];
    Some(match operation {
        0 => {
            v.typename = rng.pick(TYPENAMES).to_string();
            "a value's typename"
        }
        1 => {
            v.has_value = !v.has_value;
            "a value's has_value flipped"
        }
        2 => {
            let typename = rng.pick(TYPENAMES);
            v.bytes = encoding_of(rng, typename);
            "a value's bytes from another type"
        }
        3 => {
            (!v.bytes.is_empty()).then_some(())?;
            let cut = rng.below(v.bytes.len());
            v.bytes.truncate(cut);
            "a value truncated"
        }
        4 => {
            v.bytes.extend(unknown_field(rng, 2..=200));
            "an unknown field after a value"
        }
        5 => {
            let mut bytes = unknown_field(rng, 2..=200);
            bytes.extend_from_slice(&v.bytes);
            v.bytes = bytes;
            "an unknown field before a value"
        }
        6 => {
            let typename = v.typename.clone();
            v.bytes.extend(encoding_of(rng, &typename));
            "a value's field 1 repeated"
        }
        7 => {
            let declared = declared_wire_type(&v.typename).unwrap_or(WireType::ThirtyTwoBit);
            let field = mistyped_field_1(rng, declared);
            if rng.chance(50) {
                v.bytes.extend(field);
            } else {
                let mut bytes = field;
                bytes.extend_from_slice(&v.bytes);
                v.bytes = bytes;
            }
            "a value's field 1 with another wire type"
        }
        8 => {
            let len = rng.below(12);
            v.bytes = (0..len).map(|_| rng.next() as u8).collect();
            "a value's bytes random"
        }
        9 => {
            v.bytes.clear();
            "a value's bytes empty"
        }
        10 | 11 => {
            v.bytes = mutate_json(rng, &v.bytes);
            "a JSON value changed"
        }
        12 => {
            v.extra.extend(unknown_field(rng, 4..=99));
            "an unknown field in a TypedValue"
        }
        _ => {
            let typename = rng.pick(TYPENAMES);
            v.extra.extend(length_delimited(1, typename.as_bytes()));
            "a TypedValue's typename field repeated"
        }
    })
}

pub(super) fn is_json(typename: &str) -> bool {
    matches!(typename, "demo/Profile" | "demo/Visit")
}

/// A well-formed value of a random type.
pub(super) fn value(rng: &mut Rng) -> Value {
    let typename = rng.pick(TYPENAMES).to_string();
    Value {
        bytes: encoding_of(rng, &typename),
        typename,
        has_value: rng.chance(85),
        extra: vec![],
    }
}

/// The wire type of field 1 of the wrapper behind a primitive typename.
pub(super) fn declared_wire_type(typename: &str) -> Option<WireType> {
    Some(match typename {
        "io.statefun.types/int" | "io.statefun.types/float" => WireType::ThirtyTwoBit,
        "io.statefun.types/long" | "io.statefun.types/double" => WireType::SixtyFourBit,
        "io.statefun.types/bool" => WireType::Varint,
        "io.statefun.types/string" => WireType::LengthDelimited,
        _ => return None,
    })
}

/// A random value encoded as the type `typename` names: a wrapper for the primitives (its
/// default as no bytes at all, as the SDKs write it), JSON for the vectors' JSON types, raw
/// bytes otherwise.
pub(super) fn encoding_of(rng: &mut Rng, typename: &str) -> Vec<u8> {
    let mut out = Vec::new();
    match typename {
        "io.statefun.types/int" => {
            let v = *rng.pick(&[0, 1, -1, 41, i32::MAX, i32::MIN]);
            if v != 0 {
                encode_key(1, WireType::ThirtyTwoBit, &mut out);
                out.extend_from_slice(&v.to_le_bytes());
            }
        }
        "io.statefun.types/long" => {
            let v = *rng.pick(&[0, 1, -1, i64::MAX, i64::MIN]);
            if v != 0 {
                encode_key(1, WireType::SixtyFourBit, &mut out);
                out.extend_from_slice(&v.to_le_bytes());
            }
        }
        "io.statefun.types/float" => {
            let v: f32 = *rng.pick(&[0.0, -0.0, 1.5, f32::NAN, f32::INFINITY]);
            if v.to_bits() != 0 {
                encode_key(1, WireType::ThirtyTwoBit, &mut out);
                out.extend_from_slice(&v.to_le_bytes());
            }
        }
        "io.statefun.types/double" => {
            let v: f64 = *rng.pick(&[0.0, -0.0, 1.5, f64::NAN, f64::NEG_INFINITY]);
            if v.to_bits() != 0 {
                encode_key(1, WireType::SixtyFourBit, &mut out);
                out.extend_from_slice(&v.to_le_bytes());
            }
        }
        "io.statefun.types/bool" => {
            let v = *rng.pick(&[0u64, 1, 2, 300]);
            if v != 0 {
                encode_key(1, WireType::Varint, &mut out);
                encode_varint(v, &mut out);
            }
        }
        "io.statefun.types/string" => {
            let s = rng.pick(STRINGS);
            if !s.is_empty() {
                out = length_delimited(1, s.as_bytes());
            }
        }
        "demo/Profile" | "demo/Visit" => {
            out = serde_json::to_vec(&json_value(rng, typename)).unwrap();
        }
        _ => out = rng.pick(STRINGS).as_bytes().to_vec(),
    }
    out
}

/// A JSON document of the vectors' types, well-typed most of the time.
pub(super) fn json_value(rng: &mut Rng, typename: &str) -> Json {
    if typename == "demo/Visit" {
        json!({ "page": rng.pick(STRINGS), "ms": rng.below(1000) })
    } else {
        json!({
            "name": rng.pick(STRINGS),
            "visits": rng.below(5),
            "pages": [rng.pick(STRINGS)],
            "tags": [],
        })
    }
}

/// A JSON value with one change: a key dropped or added, a value of another JSON type, or
/// another document altogether (not an object, not JSON at all).
pub(super) fn mutate_json(rng: &mut Rng, bytes: &[u8]) -> Vec<u8> {
    let mut document: Json = serde_json::from_slice(bytes).unwrap_or_else(|_| {
        let typename = *rng.pick(&["demo/Visit", "demo/Profile"]);
        json_value(rng, typename)
    });
    let others = [
        json!(null),
        json!(true),
        json!(0),
        json!(-1),
        json!(1.5),
        json!(4_294_967_296u64),
        json!(""),
        json!("x"),
        json!([]),
        json!({}),
    ];
    match (rng.below(6), document.as_object_mut()) {
        (0, Some(object)) if !object.is_empty() => {
            let key = object.keys().nth(rng.below(object.len())).unwrap().clone();
            object.remove(&key);
        }
        (1, Some(object)) => {
            object.insert(
                rng.pick(&["extra", "name", "tags", "last_ms"]).to_string(),
                rng.pick(&others).clone(),
            );
        }
        (2, Some(object)) if !object.is_empty() => {
            let key = object.keys().nth(rng.below(object.len())).unwrap().clone();
            object.insert(key, rng.pick(&others).clone());
        }
        (3, _) => document = rng.pick(&others).clone(),
        (4, _) => return b"{not json".to_vec(),
        _ => {
            let mut bytes = serde_json::to_vec(&document).unwrap();
            bytes.truncate(rng.below(bytes.len().max(1)));
            return bytes;
        }
    }
    serde_json::to_vec(&document).unwrap()
}
