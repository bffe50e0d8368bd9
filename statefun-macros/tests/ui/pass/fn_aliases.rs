// Argument roles are positional and their types are checked by the compiler, so renamed
// imports and aliases of `Context` and `Message` work, and a user type named like one of
// them can be the state.
use statefun::{Context as Ctx, Function, Functions, Message as Msg, StateSpec, Value};

mod aliases {
    pub type Context = statefun::Context;
    pub type Message = statefun::Message;
    pub type ContextRef<'a> = &'a mut statefun::Context;
}

/// A state struct that happens to be called `Context`.
#[derive(StateSpec)]
struct Context {
    seen: Value<i32>,
}

#[statefun::function(typename = "demo/renamed")]
fn renamed(ctx: &mut Ctx, msg: Msg) -> Result<(), statefun::BoxError> {
    ctx.send(ctx.self_address().clone(), msg.as_str()?)?;
    Ok(())
}

#[statefun::function(typename = "demo/aliased")]
async fn aliased(_ctx: &mut aliases::Context, state: &mut Context, _msg: aliases::Message) {
    state.seen.update(|n| Some(n.unwrap_or(0) + 1));
}

#[statefun::function(typename = "demo/reference-alias")]
fn reference_alias(_ctx: aliases::ContextRef<'_>, _msg: statefun::Message) {}

#[statefun::function(typename = "demo/qualified")]
fn qualified(_ctx: &'_ mut ::statefun::Context, _msg: statefun::Message) {}

/// Polls a future that never waits (the functions above do not).
fn ready<F: std::future::Future>(future: F) -> F::Output {
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    match std::pin::pin!(future).poll(&mut cx) {
        std::task::Poll::Ready(output) => output,
        std::task::Poll::Pending => panic!("the function waited"),
    }
}

fn main() {
    let _ = Functions::new()
        .with(renamed)
        .with(aliased)
        .with(reference_alias)
        .with(qualified);

    let address = statefun::Address::new(renamed::TYPE_NAME, "alice");
    let mut ctx = Ctx::new(address);
    ready(renamed.invoke(&mut ctx, &mut (), Msg::new("hi"))).unwrap();
    assert_eq!(ctx.sent().len(), 1);

    let mut ctx = Ctx::new(statefun::Address::new(aliased::TYPE_NAME, "bob"));
    let mut state = Context { seen: Value::default() };
    ready(aliased.invoke(&mut ctx, &mut state, Msg::new("hi"))).unwrap();
    assert_eq!(state.seen.get(), Some(&1));
}
