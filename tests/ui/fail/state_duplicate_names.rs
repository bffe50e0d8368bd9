use statefun::{StateSpec, Value};

#[derive(StateSpec)]
struct Duplicates {
    seen: Value<i32>,
    #[state(name = "seen")]
    also_seen: Value<i64>,
    r#type: Value<String>,
    #[state(name = "type")]
    kind: Value<String>,
}

fn main() {}
