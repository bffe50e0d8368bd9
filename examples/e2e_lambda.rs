//! The functions of the end-to-end suite (`examples/e2e_functions.rs`) as an AWS Lambda
//! function: `tests/e2e/run.sh lambda` (with `E2E_LAMBDA=1`) builds it with
//! `cargo lambda build --release`, serves it through cargo-lambda's local emulator and
//! points the real StateFun runtime at the emulator's function URL.

#[path = "e2e_functions.rs"]
#[allow(dead_code)] // its `main`, compiled with the `actix` feature
mod e2e_functions;

#[tokio::main]
async fn main() -> Result<(), statefun::BoxError> {
    statefun::logging::init();
    statefun::lambda::run(e2e_functions::functions()).await
}
