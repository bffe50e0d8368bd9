use statefun::{StateSpec, Value};

#[derive(StateSpec)]
struct Plain {
    seen: i32,
    names: Vec<Value<String>>,
}

// A use of the state adds no error: the derive still implements `State`.
#[statefun::function(typename = "demo/uses-plain")]
fn uses_plain(_ctx: &mut statefun::Context, _state: &mut Plain, _msg: statefun::Message) {}

fn main() {
    let _ = statefun::Functions::new().with(uses_plain);
}
