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

// A use of the state adds no error: the derive still implements `State`.
#[statefun::function(typename = "demo/uses-duplicates")]
fn uses_duplicates(_ctx: &mut statefun::Context, _state: &mut Duplicates, _msg: statefun::Message) {}

fn main() {
    let _ = statefun::Functions::new().with(uses_duplicates);
}
