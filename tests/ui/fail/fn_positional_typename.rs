use statefun::{Context, Message};

#[statefun::function("demo/greeter")]
fn greet(_ctx: &mut Context, _msg: Message) {}

fn main() {}
