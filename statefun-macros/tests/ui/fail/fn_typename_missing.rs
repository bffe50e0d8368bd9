use statefun::{Context, Message};

#[statefun::function]
fn bare(_ctx: &mut Context, _msg: Message) {}

#[statefun::function(crate = "statefun")]
fn only_crate(_ctx: &mut Context, _msg: Message) {}

// Registering the functions and naming their items adds no error: the macro still
// generates them.
fn main() {
    let _ = statefun::Functions::new()
        .with(bare)
        .with(only_crate);
    let _ = bare::TYPE_NAME;
    let _ = only_crate::TYPE_NAME;
}
