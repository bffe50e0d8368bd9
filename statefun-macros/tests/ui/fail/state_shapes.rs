use statefun::{StateSpec, Value};

#[derive(StateSpec)]
struct Tuple(Value<i32>);

#[derive(StateSpec)]
struct Unit;

#[derive(StateSpec)]
enum Choice {
    A { seen: Value<i32> },
}

#[derive(StateSpec)]
struct Generic<T> {
    seen: Value<T>,
}

// Uses of the states add no error: each derive still implements `State`.
#[statefun::function(typename = "demo/uses-tuple")]
fn uses_tuple(_ctx: &mut statefun::Context, _state: &mut Tuple, _msg: statefun::Message) {}

#[statefun::function(typename = "demo/uses-unit")]
fn uses_unit(_ctx: &mut statefun::Context, _state: &mut Unit, _msg: statefun::Message) {}

#[statefun::function(typename = "demo/uses-choice")]
fn uses_choice(_ctx: &mut statefun::Context, _state: &mut Choice, _msg: statefun::Message) {}

#[statefun::function(typename = "demo/uses-generic")]
fn uses_generic(_ctx: &mut statefun::Context, _state: &mut Generic<i32>, _msg: statefun::Message) {}

fn main() {
    let _ = statefun::Functions::new()
        .with(uses_tuple)
        .with(uses_unit)
        .with(uses_choice)
        .with(uses_generic);
}
