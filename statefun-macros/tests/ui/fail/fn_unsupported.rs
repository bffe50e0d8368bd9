// Parentheses around argument types are part of the cases.
#![allow(unused_parens)]

use statefun::{Context, Message};

#[statefun::function(typename = "demo/generic")]
fn generic<T>(_ctx: &mut Context, _msg: Message) {}

#[statefun::function(typename = "demo/impl-trait")]
fn impl_trait(_ctx: &mut Context, _msg: impl Into<Message>) {}

#[statefun::function(typename = "demo/impl-trait-context")]
fn impl_trait_context(_ctx: &mut impl Sized, _msg: Message) {}

#[statefun::function(typename = "demo/impl-trait-parenthesized")]
fn impl_trait_parenthesized(_ctx: &mut Context, _msg: (impl Into<Message>)) {}

// A type from a `macro_rules!` fragment reaches the attribute in an invisible group.
macro_rules! with_message {
    ($name:ident, $msg:ty) => {
        #[statefun::function(typename = "demo/impl-trait-from-macro")]
        fn $name(_ctx: &mut Context, _msg: $msg) {}
    };
}

with_message!(impl_trait_from_macro, impl Into<Message>);

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
        .with(impl_trait_context)
        .with(impl_trait_parenthesized)
        .with(impl_trait_from_macro)
        .with(dangerous);
    let _ = generic::TYPE_NAME;
    let _ = impl_trait::TYPE_NAME;
    let _ = impl_trait_context::TYPE_NAME;
    let _ = impl_trait_parenthesized::TYPE_NAME;
    let _ = impl_trait_from_macro::TYPE_NAME;
    let _ = dangerous::TYPE_NAME;
}
