use statefun::{StateSpec, Value};

#[derive(StateSpec)]
struct Zero {
    #[state(expire_after_call = "0s")]
    seen: Value<i32>,
    #[state(expire_after_write = "0h0m")]
    name: Value<String>,
}

// A use of the state adds no error: the derive still implements `State`.
#[statefun::function(typename = "demo/uses-zero")]
fn uses_zero(_ctx: &mut statefun::Context, _state: &mut Zero, _msg: statefun::Message) {}

fn main() {
    let _ = statefun::Functions::new().with(uses_zero);
}
