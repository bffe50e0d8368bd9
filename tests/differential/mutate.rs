//! Structure-aware mutations of the conformance requests: dropped, duplicated and reordered
//! invocations and states, changed typenames, empty and unicode ids, partial callers, unknown
//! fields, repeated scalar fields, wrong-typed and truncated values. Deterministic for a seed.

use prost::encoding::{WireType, encode_key, encode_varint};
use serde_json::{Value as Json, json};

use crate::request::{Address, Request, State, Value, length_delimited};

/// SplitMix64: small, fast and good enough to pick mutations; the same seed gives the same
/// inputs on every machine.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Ids and names worth trying: empty, unicode in every UTF-8 length, separators, long.
const STRINGS: &[&str] = &[
    "",
    "bob",
    "ünïcödé",
    "☃ snowman",
    "𝄞 clef",
    "日本語",
    "a/b",
    " ",
    "\u{0}nul",
    "alice",
    "Ω≈ç√∫",
    "x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x",
];

/// Typenames: the primitives, the vectors' own types, unknown and malformed ones.
const TYPENAMES: &[&str] = &[
    "io.statefun.types/int",
    "io.statefun.types/long",
    "io.statefun.types/float",
    "io.statefun.types/double",
    "io.statefun.types/bool",
    "io.statefun.types/string",
    "demo/bytes",
    "demo/Profile",
    "demo/Visit",
    "demo/unknown",
    "",
    "no-slash",
];

/// Function types for targets and callers: registered, unknown and malformed.
const FUNCTION_TYPES: &[(&str, &str)] = &[
    ("demo", "greeter"),
    ("demo", "effects"),
    ("demo", "blob"),
    ("demo", "json"),
    ("demo", "ttl"),
    ("demo", "nope"),
    ("demo", "caller"),
    ("", "greeter"),
    ("demo", ""),
    ("", ""),
    ("demo/x", "greeter"),
    ("démo", "grüßer"),
];

/// The state names of the vectors' functions, and others.
const STATE_NAMES: &[&str] = &[
    "seen", "scratch", "blob", "profile", "a", "b", "c", "other", "Seen", "",
];

/// Applies one to three mutations; returns what was done, for the report.
pub fn mutate(rng: &mut Rng, request: &mut Request) -> Vec<&'static str> {
    let count = 1 + rng.below(3);
    let mut done = Vec::new();
    let mut attempts = 0;
    while done.len() < count && attempts < 50 {
        attempts += 1;
        if let Some(what) = mutate_once(rng, request) {
            done.push(what);
        }
    }
    done
}

fn mutate_once(rng: &mut Rng, r: &mut Request) -> Option<&'static str> {
    match rng.below(42) {
        // Invocations.
        0 => {
            let i = index(rng, r.invocations.len())?;
            r.invocations.remove(i);
            Some("drop an invocation")
        }
        1 => {
            let i = index(rng, r.invocations.len())?;
            let copy = r.invocations[i].clone();
            let at = rng.below(r.invocations.len() + 1);
            r.invocations.insert(at, copy);
            Some("duplicate an invocation")
        }
        2 => {
            (r.invocations.len() >= 2).then_some(())?;
            shuffle(rng, &mut r.invocations);
            Some("reorder the invocations")
        }
        3 if rng.chance(30) => {
            r.invocations.clear();
            Some("no invocations")
        }
        // Callers.
        4 => {
            let i = index(rng, r.invocations.len())?;
            r.invocations[i].caller = None;
            Some("no caller")
        }
        5 => {
            let i = index(rng, r.invocations.len())?;
            r.invocations[i].caller = Some(Address::default());
            Some("an all-empty caller")
        }
        6 => {
            let i = index(rng, r.invocations.len())?;
            let caller = r.invocations[i].caller.get_or_insert_with(|| caller(rng));
            match rng.below(3) {
                0 => caller.namespace.clear(),
                1 => caller.name.clear(),
                _ => {
                    caller.namespace.clear();
                    caller.name.clear();
                }
            }
            Some("a partial caller")
        }
        7 | 8 => {
            let i = index(rng, r.invocations.len())?;
            let caller = r.invocations[i].caller.get_or_insert_with(|| caller(rng));
            caller.id = rng.pick(STRINGS).to_string();
            Some("a caller id (empty, unicode, long)")
        }
        9 => {
            let i = index(rng, r.invocations.len())?;
            let caller = r.invocations[i].caller.get_or_insert_with(|| caller(rng));
            let (namespace, name) = rng.pick(FUNCTION_TYPES);
            (caller.namespace, caller.name) = (namespace.to_string(), name.to_string());
            Some("a caller's function type")
        }
        10 => {
            let i = index(rng, r.invocations.len())?;
            let caller = r.invocations[i].caller.get_or_insert_with(|| caller(rng));
            let id = rng.pick(STRINGS);
            caller.extra.extend(length_delimited(3, id.as_bytes()));
            Some("a caller's id field repeated")
        }
        // Arguments.
        11 => {
            let i = index(rng, r.invocations.len())?;
            r.invocations[i].argument = None;
            Some("no argument")
        }
        12..=19 => mutate_value(
            rng,
            r.invocations.iter_mut().filter_map(|i| i.argument.as_mut()),
        ),
        // States.
        20 => {
            let i = index(rng, r.states.len())?;
            r.states.remove(i);
            Some("drop a state")
        }
        21 | 22 => {
            let i = index(rng, r.states.len())?;
            let mut copy = r.states[i].clone();
            if rng.chance(50) {
                copy.value = Some(value(rng));
            }
            let at = rng.below(r.states.len() + 1);
            r.states.insert(at, copy);
            Some("duplicate a state")
        }
        23 => {
            (r.states.len() >= 2).then_some(())?;
            shuffle(rng, &mut r.states);
            Some("reorder the states")
        }
        24 => {
            let name = rng.pick(STATE_NAMES).to_string();
            let value = rng.chance(70).then(|| value(rng));
            let at = rng.below(r.states.len() + 1);
            r.states.insert(
                at,
                State {
                    name,
                    value,
                    extra: vec![],
                },
            );
            Some("add a state")
        }
        25 => {
            let i = index(rng, r.states.len())?;
            r.states[i].name = rng.pick(STATE_NAMES).to_string();
            Some("rename a state")
        }
        26 => {
            let i = index(rng, r.states.len())?;
            r.states[i].value = None;
            Some("a state without value")
        }
        27 => {
            let i = index(rng, r.states.len())?;
            let name = rng.pick(STATE_NAMES);
            r.states[i]
                .extra
                .extend(length_delimited(1, name.as_bytes()));
            Some("a state's name field repeated")
        }
        28..=33 => mutate_value(rng, r.states.iter_mut().filter_map(|s| s.value.as_mut())),
        // Target.
        34 => {
            match rng.below(4) {
                0 => r.target = None,
                1 => r.target = Some(Address::default()),
                _ => {
                    let target = r.target.get_or_insert_with(Address::default);
                    let (namespace, name) = rng.pick(FUNCTION_TYPES);
                    (target.namespace, target.name) = (namespace.to_string(), name.to_string());
                }
            }
            Some("the target's function type")
        }
        35 => {
            let target = r.target.as_mut()?;
            target.id = rng.pick(STRINGS).to_string();
            Some("the target id (empty, unicode, long)")
        }
        36 => {
            // A second target message: parsers merge it into the first.
            let id = rng.pick(STRINGS);
            let mut second = Vec::new();
            second.extend(length_delimited(3, id.as_bytes()));
            r.batch_extra.extend(length_delimited(1, &second));
            Some("the target field repeated")
        }
        // Unknown fields in every message.
        37 => {
            let field = unknown_field(rng, 4..=99);
            match rng.below(6) {
                0 => r.top_extra.extend(unknown_field(rng, 1..=99)),
                1 => r.batch_extra.extend(field),
                2 => {
                    let i = index(rng, r.invocations.len())?;
                    r.invocations[i].extra.extend(field)
                }
                3 => {
                    let i = index(rng, r.states.len())?;
                    r.states[i].extra.extend(field)
                }
                4 => r.target.as_mut()?.extra.extend(field),
                _ => {
                    let i = index(rng, r.invocations.len())?;
                    r.invocations[i].caller.as_mut()?.extra.extend(field)
                }
            }
            Some("an unknown field in a protocol message")
        }
        38 if rng.chance(20) => {
            r.has_batch = false;
            Some("no invocation batch")
        }
        39 if rng.chance(20) => {
            // Invalid UTF-8 in a string field of the protocol: both parsers refuse the body.
            let i = index(rng, r.invocations.len())?;
            let caller = r.invocations[i].caller.get_or_insert_with(|| caller(rng));
            caller.extra.extend(length_delimited(3, &[0xff, 0xfe]));
            Some("invalid UTF-8 in a caller id")
        }
        // A known field of a protocol message with another wire type: skipped as an unknown
        // field by protobuf-java (the runtime's parser), by Python's and by ours.
        40 => {
            let (extra, known) = message_extra(rng, r)?;
            let (number, declared) = *rng.pick(known);
            let wire = loop {
                let wire = *rng.pick(&[0u8, 1, 2, 3, 5]);
                if wire != declared as u8 {
                    break wire;
                }
            };
            field_payload(rng, number, wire, extra);
            Some("a known field with another wire type")
        }
        // A key no encoder writes: field number 0, or a key beyond 32 bits.
        41 if rng.chance(30) => {
            let (extra, _) = message_extra(rng, r)?;
            if rng.chance(50) {
                extra.extend_from_slice(&[0x00, 0x01]);
            } else {
                // The key 2^32 | 0 (a varint): beyond 32 bits.
                extra.extend_from_slice(&[0x80, 0x80, 0x80, 0x80, 0x10, 0x01]);
            }
            Some("a key of field 0 or beyond 32 bits")
        }
        _ => None,
    }
}

/// The known fields of each protocol message, with their declared wire types.
const TO_FUNCTION_FIELDS: &[(u32, WireType)] = &[(100, WireType::LengthDelimited)];
const BATCH_FIELDS: &[(u32, WireType)] = &[
    (1, WireType::LengthDelimited),
    (2, WireType::LengthDelimited),
    (3, WireType::LengthDelimited),
];
const ADDRESS_FIELDS: &[(u32, WireType)] = BATCH_FIELDS;
const STATE_FIELDS: &[(u32, WireType)] = &[
    (1, WireType::LengthDelimited),
    (2, WireType::LengthDelimited),
];
const INVOCATION_FIELDS: &[(u32, WireType)] = STATE_FIELDS;
const VALUE_FIELDS: &[(u32, WireType)] = &[
    (1, WireType::LengthDelimited),
    (2, WireType::Varint),
    (3, WireType::LengthDelimited),
];

/// The raw extra fields of one protocol message of the request, and its known fields.
fn message_extra<'a>(
    rng: &mut Rng,
    r: &'a mut Request,
) -> Option<(&'a mut Vec<u8>, &'static [(u32, WireType)])> {
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

fn mutate_value<'a>(
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

fn is_json(typename: &str) -> bool {
    matches!(typename, "demo/Profile" | "demo/Visit")
}

fn index(rng: &mut Rng, len: usize) -> Option<usize> {
    (len > 0).then(|| rng.below(len))
}

fn shuffle<T>(rng: &mut Rng, items: &mut [T]) {
    for i in (1..items.len()).rev() {
        items.swap(i, rng.below(i + 1));
    }
}

fn caller(rng: &mut Rng) -> Address {
    let (namespace, name) = rng.pick(&FUNCTION_TYPES[..7]);
    Address {
        namespace: namespace.to_string(),
        name: name.to_string(),
        id: "bob".into(),
        extra: vec![],
    }
}

/// A well-formed value of a random type.
fn value(rng: &mut Rng) -> Value {
    let typename = rng.pick(TYPENAMES).to_string();
    Value {
        bytes: encoding_of(rng, &typename),
        typename,
        has_value: rng.chance(85),
        extra: vec![],
    }
}

/// The wire type of field 1 of the wrapper behind a primitive typename.
fn declared_wire_type(typename: &str) -> Option<WireType> {
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
fn encoding_of(rng: &mut Rng, typename: &str) -> Vec<u8> {
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
fn json_value(rng: &mut Rng, typename: &str) -> Json {
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
fn mutate_json(rng: &mut Rng, bytes: &[u8]) -> Vec<u8> {
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

/// One well-formed field numbered in `numbers`, of a random wire type (groups included).
fn unknown_field(rng: &mut Rng, numbers: std::ops::RangeInclusive<u32>) -> Vec<u8> {
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
fn mistyped_field_1(rng: &mut Rng, declared: WireType) -> Vec<u8> {
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

fn field_payload(rng: &mut Rng, number: u32, wire: u8, out: &mut Vec<u8>) {
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
