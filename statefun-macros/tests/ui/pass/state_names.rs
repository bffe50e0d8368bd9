// Generated from test-support/src/state_names.txt by statefun-macros/tests/ui.rs: do not edit.

use statefun::{State, StateSpec, Value};

#[derive(StateSpec)]
struct Names {
    #[state(name = "seen")]
    field_0: Value<i32>,
    #[state(name = "lastSeen")]
    field_1: Value<i32>,
    #[state(name = "LastSeen")]
    field_2: Value<i32>,
    #[state(name = "SEEN_COUNT")]
    field_3: Value<i32>,
    #[state(name = "_")]
    field_4: Value<i32>,
    #[state(name = "_x")]
    field_5: Value<i32>,
    #[state(name = "__private")]
    field_6: Value<i32>,
    #[state(name = "a1_b2")]
    field_7: Value<i32>,
    #[state(name = "x9")]
    field_8: Value<i32>,
    #[state(name = "Z")]
    field_9: Value<i32>,
}

fn main() {
    let names: Vec<String> = Names::specs().iter().map(|s| s.name().to_owned()).collect();
    assert_eq!(names, ["seen", "lastSeen", "LastSeen", "SEEN_COUNT", "_", "_x", "__private", "a1_b2", "x9", "Z"]);
}
