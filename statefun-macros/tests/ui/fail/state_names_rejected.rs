// Generated from test-support/src/state_names.txt by statefun-macros/tests/ui.rs: do not edit.

use statefun::{StateSpec, Value};

#[derive(StateSpec)]
struct Names {
    #[state(name = "")]
    field_0: Value<i32>,
    #[state(name = "1st")]
    field_1: Value<i32>,
    #[state(name = "9")]
    field_2: Value<i32>,
    #[state(name = "a-b")]
    field_3: Value<i32>,
    #[state(name = "last.seen")]
    field_4: Value<i32>,
    #[state(name = "a b")]
    field_5: Value<i32>,
    #[state(name = "é")]
    field_6: Value<i32>,
    #[state(name = "Ünïcode")]
    field_7: Value<i32>,
    #[state(name = "seen!")]
    field_8: Value<i32>,
    #[state(name = "tab\tname")]
    field_9: Value<i32>,
}

#[statefun::function(typename = "demo/names")]
fn names(_ctx: &mut statefun::Context, _state: &mut Names, _msg: statefun::Message) {}

fn main() {
    let _ = statefun::Functions::new().with(names);
}
