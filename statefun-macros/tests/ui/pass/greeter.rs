use statefun::{Context, Functions, Message, StateSpec, Value};

#[derive(StateSpec)]
struct Seen {
    #[state(expire_after_call = "1h30m")]
    seen: Value<i32>,
    #[state(name = "last_name", expire_after_write = "1500ms")]
    last: Value<String>,
}

/// Greets.
#[statefun::function(typename = "demo/greeter")]
async fn greet(_ctx: &mut Context, state: &mut Seen, msg: Message) -> Result<(), statefun::BoxError> {
    let name = msg.as_string()?;
    state.seen.update(|n| Some(n.unwrap_or(0) + 1));
    state.last.set(name);
    Ok(())
}

#[statefun::function(typename = "demo/echo")]
fn echo(_ctx: &mut Context, _msg: Message) {}

fn main() {
    let _ = Functions::new().with(greet).with(echo);
    assert_eq!(greet::TYPE_NAME.as_str(), "demo/greeter");
}
