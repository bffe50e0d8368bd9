//! The service of the tracing proof on the real runtime (`tests/trace-metadata/run.sh`):
//! the chain of `chain.rs` served on `127.0.0.1:$PORT` at `/statefun`, its spans exported by
//! `statefun::logging::init()` over OTLP to `$OTEL_EXPORTER_OTLP_ENDPOINT`.

#[path = "chain.rs"]
mod chain;

#[tokio::main]
async fn main() -> Result<(), statefun::BoxError> {
    statefun::logging::init();
    let host = std::env::var("HOST").unwrap_or_else(|_| "127.0.0.1".into());
    let port: u16 = std::env::var("PORT")?.parse()?;
    let served = statefun::serve(chain::functions(), (host.as_str(), port)).await;
    // The spans not sent yet, before the process ends.
    statefun::otel::shutdown();
    served?;
    Ok(())
}
