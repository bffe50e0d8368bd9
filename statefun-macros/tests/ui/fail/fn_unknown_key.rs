use statefun::{Context, Message};

#[statefun::function(typename = "demo/greeter", type_name = "demo/greeter")]
fn greet(_ctx: &mut Context, _msg: Message) {}

// Registering the functions and naming their items adds no error: the macro still
// generates them.
fn main() {
    let _ = statefun::Functions::new()
        .with(greet);
    let _ = greet::TYPE_NAME;
}
