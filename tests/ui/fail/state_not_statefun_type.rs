use statefun::{StateSpec, Value};

struct Profile {
    name: String,
}

#[derive(StateSpec)]
struct Account {
    profile: Value<Profile>,
    visits: Value<u32>,
}

fn main() {}
