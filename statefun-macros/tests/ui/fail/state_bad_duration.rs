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

// A use of the state adds no error: the derive still implements `State`.
#[statefun::function(typename = "demo/uses-durations")]
fn uses_durations(_ctx: &mut statefun::Context, _state: &mut Durations, _msg: statefun::Message) {}

fn main() {
    let _ = statefun::Functions::new().with(uses_durations);
}
