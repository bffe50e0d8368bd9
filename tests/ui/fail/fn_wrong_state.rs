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

// Registering the functions and naming their items adds no error: the macro still
// generates them.
fn main() {
    let _ = statefun::Functions::new()
        .with(shared)
        .with(owned)
        .with(tuple)
        .with(message_before_state);
    let _ = shared::TYPE_NAME;
    let _ = owned::TYPE_NAME;
    let _ = tuple::TYPE_NAME;
    let _ = message_before_state::TYPE_NAME;
}
