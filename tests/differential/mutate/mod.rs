//! Structure-aware mutations of the conformance requests: dropped, duplicated and reordered
//! invocations and states, changed typenames, empty and unicode ids, partial callers, unknown
//! fields, repeated scalar fields, wrong-typed and truncated values. Deterministic for a seed.

use prost::encoding::{WireType, encode_key, encode_varint};
use serde_json::{Value as Json, json};

use self::{fields::*, values::*};
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

mod fields;
mod values;
