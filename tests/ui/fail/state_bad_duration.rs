use statefun::{StateSpec, Value};

#[derive(StateSpec)]
struct Durations {
    #[state(expire_after_call = "10x")]
    unknown_unit: Value<i32>,
    #[state(expire_after_call = "10")]
    no_unit: Value<i32>,
    #[state(expire_after_write = "ten minutes")]
    words: Value<i32>,
    #[state(expire_after_write = "")]
    empty: Value<i32>,
    #[state(expire_after_write = 10)]
    not_a_string: Value<i32>,
}

fn main() {}
