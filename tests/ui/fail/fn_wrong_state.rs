use statefun::{Context, Message, StateSpec, Value};

#[derive(StateSpec)]
struct Seen {
    seen: Value<i32>,
}

#[statefun::function(typename = "demo/shared")]
fn shared(_ctx: &mut Context, _state: &Seen, _msg: Message) {}

#[statefun::function(typename = "demo/owned")]
fn owned(_ctx: &mut Context, _state: Seen, _msg: Message) {}

#[statefun::function(typename = "demo/tuple")]
fn tuple(_ctx: &mut Context, _state: (Seen, Seen), _msg: Message) {}

#[statefun::function(typename = "demo/context-as-state")]
fn context_as_state(_ctx: &mut Context, _state: &mut Context, _msg: Message) {}

#[statefun::function(typename = "demo/message-before-state")]
fn message_before_state(_ctx: &mut Context, _msg: Message, _state: &mut Seen) {}

fn main() {}
