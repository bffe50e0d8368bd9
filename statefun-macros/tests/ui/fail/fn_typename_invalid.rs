use statefun::{Context, Message};

#[statefun::function(typename = "")]
fn empty(_ctx: &mut Context, _msg: Message) {}

#[statefun::function(typename = "greeter")]
fn no_slash(_ctx: &mut Context, _msg: Message) {}

#[statefun::function(typename = "demo/greeter/v2")]
fn two_slashes(_ctx: &mut Context, _msg: Message) {}

#[statefun::function(typename = "/greeter")]
fn empty_namespace(_ctx: &mut Context, _msg: Message) {}

#[statefun::function(typename = "demo/")]
fn empty_name(_ctx: &mut Context, _msg: Message) {}

// Registering the functions and naming their items adds no error: the macro still
// generates them.
fn main() {
    let _ = statefun::Functions::new()
        .with(empty)
        .with(no_slash)
        .with(two_slashes)
        .with(empty_namespace)
        .with(empty_name);
    let _ = empty::TYPE_NAME;
    let _ = no_slash::TYPE_NAME;
    let _ = two_slashes::TYPE_NAME;
    let _ = empty_namespace::TYPE_NAME;
    let _ = empty_name::TYPE_NAME;
}
