::core::compile_error! {
    "typename `greeter` has no `/`: write `\"namespace/name\"`, e.g. `\"demo/greeter\"`"
}
fn greet(ctx: &Context, msg: Message) {}
