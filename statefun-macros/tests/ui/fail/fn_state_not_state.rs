use statefun::{Context, Message};

struct Plain {
    seen: i32,
}

#[statefun::function(typename = "demo/plain")]
fn plain(_ctx: &mut Context, state: &mut Plain, _msg: Message) {
    state.seen += 1;
}

fn main() {}
