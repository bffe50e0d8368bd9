use statefun::{Context, Message, StateSpec, Value};

#[derive(StateSpec)]
struct Seen {
    seen: Value<i32>,
}

#[statefun::function(typename = "demo/shared")]
fn shared(_ctx: &mut Context, _state: &Seen, _msg: Message) {}

#[statefun::function(typename = "demo/owned")]
fn owned(_ctx: &mut Context, _state: Seen, _msg: Message) {}

fn main() {}
