use statefun::{Context, Message};

#[statefun::function(typename = "demo/number")]
fn number(_ctx: &mut Context, _msg: Message) -> i32 {
    1
}

#[statefun::function(typename = "demo/option")]
async fn option(_ctx: &mut Context, _msg: Message) -> Option<()> {
    None
}

fn main() {}
