use statefun::{Context, Message};

#[statefun::function(typename = "demo/greeter", typename = "demo/other")]
fn greet(_ctx: &mut Context, _msg: Message) {}

fn main() {}
