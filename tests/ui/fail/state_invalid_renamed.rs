use statefun::{StateSpec, Value};

#[derive(StateSpec)]
struct Renamed {
    #[state(name = "Seen-Count")]
    seen: Value<i32>,
    #[state(name = "1st")]
    first: Value<String>,
    #[state(name = "")]
    empty: Value<bool>,
}

fn main() {}
