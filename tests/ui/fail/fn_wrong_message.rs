use statefun::{Context, Message};

#[statefun::function(typename = "demo/borrowed")]
fn borrowed(_ctx: &mut Context, _msg: &Message) {}

#[statefun::function(typename = "demo/string")]
fn string(_ctx: &mut Context, _msg: String) {}

fn main() {}
