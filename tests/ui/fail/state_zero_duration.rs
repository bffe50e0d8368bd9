use statefun::{StateSpec, Value};

#[derive(StateSpec)]
struct Zero {
    #[state(expire_after_call = "0s")]
    seen: Value<i32>,
    #[state(expire_after_write = "0h0m")]
    name: Value<String>,
}

fn main() {}
