use statefun::{Context, Message};

type Ctx = statefun::Context;

/// The user's own type, which happens to be called `Context` too.
mod mine {
    pub struct Context;
}

#[statefun::function(typename = "demo/shared")]
fn shared(_ctx: &Context, _msg: Message) {}

#[statefun::function(typename = "demo/owned")]
fn owned(_ctx: Context, _msg: Message) {}

#[statefun::function(typename = "demo/shared-alias")]
fn shared_alias(_ctx: &Ctx, _msg: Message) {}

#[statefun::function(typename = "demo/other-type")]
fn other_type(_ctx: &mut String, _msg: Message) {}

#[statefun::function(typename = "demo/same-name")]
fn same_name(_ctx: &mut mine::Context, _msg: Message) {}

#[statefun::function(typename = "demo/swapped")]
fn swapped(_msg: Message, _ctx: &mut Context) {}

// Registering the functions and naming their items adds no error: the macro still
// generates them.
fn main() {
    let _ = statefun::Functions::new()
        .with(swapped);
    let _ = swapped::TYPE_NAME;
}
