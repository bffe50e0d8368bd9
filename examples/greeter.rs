//! The greeter of the StateFun tutorial, in Rust: counts how often it has seen each person
//! (state `seen`) and greets them accordingly.
//!
//! ```text
//! cargo run --example greeter                  # serves http://0.0.0.0:8000/statefun
//! PORT=9000 RUST_LOG=debug cargo run --example greeter
//! ```
//!
//! Environment: `PORT` (default 8000), `HOST` (default `0.0.0.0`), `PUBLIC_URL` (the URL
//! the StateFun cluster reaches this service at, printed in module.yaml; default
//! `http://localhost:PORT/statefun`), `RUST_LOG` (default `info`).
//!
//! Try it without a cluster: stdout is exactly the module.yaml, which the local runtime
//! reads to find the service; `--dump-state` prints the state it ends with.
//!
//! ```text
//! cargo run --example greeter > module.yaml &
//! echo '{"target": "demo/greeter/alice", "typename": "io.statefun.types/string", "value": "bob"}' \
//!     | cargo run --features cli --bin statefun-local -- --dump-state module.yaml
//! ```

use statefun::{BoxError, Context, Functions, StateSpec, Value};

/// The greeter's state: one value per person (the function's id is the person's name).
#[derive(StateSpec)]
struct Greeter {
    /// How many times this person was greeted.
    seen: Value<i32>,
}

/// Greets the person named in the message (a string; any other type fails the batch);
/// replies to the caller if a function sent it.
#[statefun::function(typename = "demo/greeter")]
async fn greeter(ctx: &mut Context, state: &mut Greeter, name: String) -> Result<(), BoxError> {
    let seen = state.seen.get().copied().unwrap_or(0) + 1;
    state.seen.set(seen);

    let greeting = greeting(&name, seen);
    tracing::info!(person = %ctx.self_address().id(), seen, "{greeting}");
    if ctx.caller().is_some() {
        ctx.reply(&greeting)?;
    }
    Ok(())
}

fn greeting(name: &str, seen: i32) -> String {
    match seen {
        1 => format!("Hello {name}! 😎"),
        2 => format!("Hello again {name}! 🤗"),
        3 => format!("Third time is a charm, {name}! 🎉"),
        n => format!("Hello {name}, you have been here {n} times! 🎊"),
    }
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    // Logs go to stderr, so that stdout is just the module.yaml.
    statefun::logging::init();

    let host = std::env::var("HOST").unwrap_or_else(|_| "0.0.0.0".into());
    let port: u16 = match std::env::var("PORT") {
        Ok(port) => port.parse().map_err(|e| format!("PORT={port}: {e}"))?,
        Err(_) => 8000,
    };
    let public_url =
        std::env::var("PUBLIC_URL").unwrap_or_else(|_| format!("http://localhost:{port}/statefun"));

    let functions = Functions::new().with(greeter);
    println!("# module.yaml for a StateFun cluster that reaches this service at {public_url}");
    println!("{}", functions.module_yaml(&public_url));

    statefun::serve(functions, (host.as_str(), port)).await?;
    Ok(())
}
