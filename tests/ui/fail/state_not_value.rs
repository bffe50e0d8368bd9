use statefun::{StateSpec, Value};

#[derive(StateSpec)]
struct Plain {
    seen: i32,
    names: Vec<Value<String>>,
}

fn main() {}
