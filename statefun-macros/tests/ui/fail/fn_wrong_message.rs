use statefun::{Context, Message, StateSpec, Value};

type Msg = statefun::Message;

/// The user's own type, which happens to be called `Message` too.
mod mine {
    pub struct Message;
}

#[derive(StateSpec)]
struct Seen {
    seen: Value<i32>,
}

#[statefun::function(typename = "demo/borrowed")]
fn borrowed(_ctx: &mut Context, _msg: &Message) {}

#[statefun::function(typename = "demo/borrowed-alias")]
fn borrowed_alias(_ctx: &mut Context, _state: &mut Seen, _msg: &mut Msg) {}

#[statefun::function(typename = "demo/same-name")]
fn same_name(_ctx: &mut Context, _state: &mut Seen, _msg: mine::Message) {}

// Registering the functions and naming their items adds no error: the macro still
// generates them.
fn main() {
    let _ = statefun::Functions::new()
        .with(borrowed)
        .with(borrowed_alias);
    let _ = borrowed::TYPE_NAME;
    let _ = borrowed_alias::TYPE_NAME;
}
