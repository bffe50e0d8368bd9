use statefun::{StateSpec, Value};

#[derive(StateSpec)]
#[state(name = "account")]
struct Account {
    #[state(expire = "10m")]
    seen: Value<i32>,
    #[state(name = "a", name = "b")]
    renamed: Value<i32>,
    #[state(expire_after_call = "1m", expire_after_call = "2m")]
    twice: Value<i32>,
}

fn main() {}
