use statefun::{Context, Message, StateSpec, Value};

#[derive(StateSpec)]
struct Seen {
    seen: Value<i32>,
}

#[statefun::function(typename = "demo/none")]
fn none() {}

#[statefun::function(typename = "demo/one")]
fn one(_ctx: &mut Context) {}

#[statefun::function(typename = "demo/four")]
fn four(_ctx: &mut Context, _state: &mut Seen, _msg: Message, _extra: u32) {}

// Registering the functions and naming their items adds no error: the macro still
// generates them.
fn main() {
    let _ = statefun::Functions::new()
        .with(none)
        .with(one)
        .with(four);
    let _ = none::TYPE_NAME;
    let _ = one::TYPE_NAME;
    let _ = four::TYPE_NAME;
}
