::core::compile_error! {
    "the first argument must be the invocation context: `ctx: &mut Context`"
}
::core::compile_error! {
    "typename `greeter` has no `/`: write `\"namespace/name\"`, e.g. `\"demo/greeter\"`"
}
fn greet(ctx: &Context, msg: Message) {}
