use statefun::{StateSpec, Value};

#[derive(StateSpec)]
struct Both {
    #[state(expire_after_call = "10m", expire_after_write = "1h")]
    seen: Value<i32>,
}

// A use of the state adds no error: the derive still implements `State`.
#[statefun::function(typename = "demo/uses-both")]
fn uses_both(_ctx: &mut statefun::Context, _state: &mut Both, _msg: statefun::Message) {}

fn main() {
    let _ = statefun::Functions::new().with(uses_both);
}
