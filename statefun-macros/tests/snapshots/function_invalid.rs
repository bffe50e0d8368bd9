::core::compile_error! {
    "the last argument is the message, taken by value: `msg: Message`, not a reference"
}
::core::compile_error! {
    "typename `greeter` has no `/`: write `\"namespace/name\"`, e.g. `\"demo/greeter\"`"
}
fn greet(ctx: &mut Context, msg: &Message) {}
