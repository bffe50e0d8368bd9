use std::rc::Rc;

use statefun::{Context, Message};

#[statefun::function(typename = "demo/not-send")]
async fn not_send(_ctx: &mut Context, _msg: Message) {
    let shared = Rc::new(1);
    std::future::ready(()).await;
    drop(shared);
}

fn main() {}
