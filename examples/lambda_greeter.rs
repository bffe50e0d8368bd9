//! The greeter as an AWS Lambda function (`statefun::lambda`), reached by the StateFun
//! runtime through a function URL (or API Gateway, or an Application Load Balancer).
//!
//! Build and try it with [cargo-lambda](https://www.cargo-lambda.info) (`pip install
//! cargo-lambda`):
//!
//! ```text
//! cargo lambda build --release --example lambda_greeter --features lambda
//! cargo lambda watch --example lambda_greeter --features lambda     # emulator on :9000
//! # urlPathTemplate: http://localhost:9000/lambda-url/lambda_greeter/statefun
//! ```
//!
//! On AWS, `urlPathTemplate` is the function URL (`https://<id>.lambda-url.<region>.on.aws/`).
//! The settings that matter there (timeouts, body size, cold start) are in the docs of
//! `statefun::lambda` and in docs/deploy.md.

use statefun::{BoxError, Context, Functions, Message, StateSpec, Value};

#[derive(StateSpec)]
struct Greeter {
    /// How many times this person was greeted.
    seen: Value<i32>,
}

/// Counts the visits of the person named in the message; replies to a calling function.
#[statefun::function(typename = "demo/greeter")]
async fn greeter(ctx: &mut Context, state: &mut Greeter, msg: Message) -> Result<(), BoxError> {
    let name = msg.as_str()?;
    let seen = state.seen.get().copied().unwrap_or(0) + 1;
    state.seen.set(seen);
    tracing::info!(person = %ctx.self_address().id(), seen, "hello {name}");
    if ctx.caller().is_some() {
        ctx.reply(&format!("Hello {name}, visit #{seen}"))?;
    }
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), statefun::BoxError> {
    statefun::logging::init(); // stderr, which Lambda sends to CloudWatch Logs
    statefun::lambda::run(Functions::new().with(greeter)).await
}
