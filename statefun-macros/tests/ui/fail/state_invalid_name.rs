#![allow(non_snake_case)]

use statefun::{StateSpec, Value};

// A field name is the default state name; Rust accepts identifiers the rule does not.
#[derive(StateSpec)]
struct Names {
    lastSeen: Value<String>,
    Ünïcode: Value<i32>,
}

// A use of the state adds no error: the derive still implements `State`.
#[statefun::function(typename = "demo/uses-names")]
fn uses_names(_ctx: &mut statefun::Context, _state: &mut Names, _msg: statefun::Message) {}

fn main() {
    let _ = statefun::Functions::new().with(uses_names);
}
