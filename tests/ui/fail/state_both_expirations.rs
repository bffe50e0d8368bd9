use statefun::{StateSpec, Value};

#[derive(StateSpec)]
struct Both {
    #[state(expire_after_call = "10m", expire_after_write = "1h")]
    seen: Value<i32>,
}

fn main() {}
