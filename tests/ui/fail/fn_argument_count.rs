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

fn main() {}
