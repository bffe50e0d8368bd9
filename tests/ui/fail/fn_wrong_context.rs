use statefun::{Context, Message};

#[statefun::function(typename = "demo/shared")]
fn shared(_ctx: &Context, _msg: Message) {}

#[statefun::function(typename = "demo/owned")]
fn owned(_ctx: Context, _msg: Message) {}

#[statefun::function(typename = "demo/swapped")]
fn swapped(_msg: Message, _ctx: &mut Context) {}

fn main() {}
