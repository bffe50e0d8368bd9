//! Shapes `#[derive(statefun::Messages)]` refuses; a function taking each adds no error.

#[derive(statefun::Messages)]
struct NotAnEnum(String);

#[derive(statefun::Messages)]
enum Empty {}

#[derive(statefun::Messages)]
enum Variants {
    Unit,
    Named { text: String },
    Two(String, i32),
    Fine(i64),
}

#[derive(statefun::Messages)]
enum Generic<T> {
    Value(T),
}

#[statefun::function(typename = "demo/a")]
fn a(_ctx: &mut statefun::Context, _msg: NotAnEnum) {}

#[statefun::function(typename = "demo/b")]
fn b(_ctx: &mut statefun::Context, _msg: Empty) {}

#[statefun::function(typename = "demo/c")]
fn c(_ctx: &mut statefun::Context, _msg: Variants) -> Result<(), statefun::BoxError> {
    let _ = statefun::OutgoingMessage::new(c::address("x"), "anything")?;
    Ok(())
}

#[statefun::function(typename = "demo/d")]
fn d(_ctx: &mut statefun::Context, _msg: Generic<String>) {}

fn main() {}
