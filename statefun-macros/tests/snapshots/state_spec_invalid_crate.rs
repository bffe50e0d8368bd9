::core::compile_error! {
    "`crate` must be a path to the `statefun` facade crate, e.g. `crate = \"my_statefun\"`"
}
::core::compile_error! {
    "`#[derive(StateSpec)]` needs named fields, one per state value: `struct MyState { seen: Value<i32> }`; a stateless function takes no state argument"
}
