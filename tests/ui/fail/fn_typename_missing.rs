use statefun::{Context, Message};

#[statefun::function]
fn bare(_ctx: &mut Context, _msg: Message) {}

#[statefun::function(crate = "statefun")]
fn only_crate(_ctx: &mut Context, _msg: Message) {}

fn main() {}
