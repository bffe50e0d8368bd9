// Parentheses around argument types are part of the cases.
#![allow(unused_parens)]

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

#[statefun::function(typename = "demo/parenthesized")]
fn parenthesized(_ctx: &mut Context, _state: (Seen), _msg: Message) {}

// A type from a `macro_rules!` fragment reaches the attribute in an invisible group.
macro_rules! with_state {
    ($name:ident, $state:ty) => {
        #[statefun::function(typename = "demo/from-macro")]
        fn $name(_ctx: &mut Context, _state: $state, _msg: Message) {}
    };
}

with_state!(from_macro, Seen);

// Registering the functions and naming their items adds no error: the macro still
// generates them.
fn main() {
    let _ = statefun::Functions::new()
        .with(shared)
        .with(owned)
        .with(tuple)
        .with(message_before_state)
        .with(parenthesized)
        .with(from_macro);
    let _ = shared::TYPE_NAME;
    let _ = owned::TYPE_NAME;
    let _ = tuple::TYPE_NAME;
    let _ = message_before_state::TYPE_NAME;
    let _ = parenthesized::TYPE_NAME;
    let _ = from_macro::TYPE_NAME;
}
