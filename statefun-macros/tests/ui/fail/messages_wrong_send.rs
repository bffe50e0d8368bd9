//! A value the target does not accept, sent through its typed address: one error each, at
//! the value. Untyped addresses still take anything.

use statefun::{Address, Context};

#[derive(statefun::Messages)]
enum CounterMessage {
    Add(i32),
    Label(String),
}

#[statefun::function(typename = "demo/counter")]
fn counter(ctx: &mut Context, msg: CounterMessage) -> Result<(), statefun::BoxError> {
    let _ = msg;
    ctx.send(counter::address("a"), &7_i64)?;
    ctx.send(log::address("a"), "text")?;
    ctx.send(Address::new(log::TYPE_NAME, "a"), "text")?;
    Ok(())
}

#[statefun::function(typename = "demo/log")]
fn log(_ctx: &mut Context, _msg: i32) {}

fn main() {
    let mut runtime = statefun::local::LocalRuntime::new(statefun::Functions::new().with(counter));
    runtime.send(counter::address("b"), &true).unwrap();
}
