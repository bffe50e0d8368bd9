use statefun::{Context, Message};

#[statefun::function(typename = "demo/generic")]
fn generic<T>(_ctx: &mut Context, _msg: Message) {}

#[statefun::function(typename = "demo/impl-trait")]
fn impl_trait(_ctx: &mut Context, _msg: impl Into<Message>) {}

#[statefun::function(typename = "demo/unsafe")]
unsafe fn dangerous(_ctx: &mut Context, _msg: Message) {}

#[statefun::function(typename = "demo/on-struct")]
struct NotAFunction;

fn main() {}
