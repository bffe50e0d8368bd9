#![allow(non_snake_case)]

use statefun::{StateSpec, Value};

#[derive(StateSpec)]
struct Names {
    lastName: Value<String>,
    Ünïcode: Value<i32>,
}

fn main() {}
