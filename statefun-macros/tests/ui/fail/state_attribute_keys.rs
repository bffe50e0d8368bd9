use statefun::{StateSpec, Value};

#[derive(StateSpec)]
#[state(name = "account")]
struct Account {
    #[state(expire = "10m")]
    seen: Value<i32>,
    #[state(name = "a", name = "b")]
    renamed: Value<i32>,
    #[state(expire_after_call = "1m", expire_after_call = "2m")]
    twice: Value<i32>,
}

// A use of the state adds no error: the derive still implements `State`.
#[statefun::function(typename = "demo/uses-account")]
fn uses_account(_ctx: &mut statefun::Context, _state: &mut Account, _msg: statefun::Message) {}

fn main() {
    let _ = statefun::Functions::new().with(uses_account);
}
