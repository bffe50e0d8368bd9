use statefun::{Context, Message};

#[statefun::function(typename = "demo/greeter", type_name = "demo/greeter")]
fn greet(_ctx: &mut Context, _msg: Message) {}

fn main() {}
