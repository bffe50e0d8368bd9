use statefun::{StateSpec, Value};

struct Profile {
    name: String,
}

#[derive(StateSpec)]
struct Account {
    profile: Value<Profile>,
    visits: Value<u32>,
}

// A use of the state adds no error: the derive still implements `State`.
#[statefun::function(typename = "demo/uses-account")]
fn uses_account(_ctx: &mut statefun::Context, _state: &mut Account, _msg: statefun::Message) {}

fn main() {
    let _ = statefun::Functions::new().with(uses_account);
}
