//! A variant whose type is not a StateFun type: one error, at the type; the function
//! taking the enum and sends to it add none.

struct Plain {
    n: i32,
}

#[derive(statefun::Messages)]
enum Commands {
    Plain(Plain),
    Text(String),
}

#[statefun::function(typename = "demo/commands")]
fn commands(ctx: &mut statefun::Context, msg: Commands) -> Result<(), statefun::BoxError> {
    if let Commands::Plain(plain) = msg {
        let _ = plain.n;
    }
    ctx.send(commands::address("x"), "text")?;
    Ok(())
}

fn main() {
    let _ = statefun::Functions::new().with(commands);
}
