use statefun::{StateSpec, Value};

#[derive(StateSpec)]
struct Tuple(Value<i32>);

#[derive(StateSpec)]
struct Unit;

#[derive(StateSpec)]
enum Choice {
    A { seen: Value<i32> },
}

#[derive(StateSpec)]
struct Generic<T> {
    seen: Value<T>,
}

fn main() {}
