use statefun::{Context, Message};

#[statefun::function(typename = "demo/generic")]
fn generic<T>(_ctx: &mut Context, _msg: Message) {}

#[statefun::function(typename = "demo/impl-trait")]
fn impl_trait(_ctx: &mut Context, _msg: impl Into<Message>) {}

#[statefun::function(typename = "demo/unsafe")]
unsafe fn dangerous(_ctx: &mut Context, _msg: Message) {}

#[statefun::function(typename = "demo/on-struct")]
struct NotAFunction;

// Registering the functions and naming their items adds no error: the macro still
// generates them.
fn main() {
    let _ = statefun::Functions::new()
        .with(generic)
        .with(impl_trait)
        .with(dangerous);
    let _ = generic::TYPE_NAME;
    let _ = impl_trait::TYPE_NAME;
    let _ = dangerous::TYPE_NAME;
}
