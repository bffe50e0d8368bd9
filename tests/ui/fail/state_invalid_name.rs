#![allow(non_snake_case)]

use statefun::{StateSpec, Value};

// A field name is the default state name; Rust accepts identifiers the rule does not.
#[derive(StateSpec)]
struct Names {
    lastSeen: Value<String>,
    Ünïcode: Value<i32>,
}

fn main() {}
