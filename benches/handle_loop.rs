//! `Handler::handle` on the benchmarks' greeter request, over and over, for callgrind:
//! `benches/instructions.sh` runs it twice (N and 2N times) and divides the difference by N,
//! so that the start-up cancels and what remains is the instructions of one request.
//!
//! ```sh
//! cargo build --release --example handle-loop [--features otel]
//! target/release/examples/handle-loop BATCH ROUNDS
//! ```
//!
//! With the `otel` feature and `OTEL=export`, the OpenTelemetry layer is installed with a
//! tracer provider without exporter: every invocation's span is made, then dropped.

#[allow(dead_code)]
#[path = "common/functions.rs"]
mod functions;
#[allow(dead_code)]
#[path = "common/requests.rs"]
mod requests;

fn main() {
    let mut args = std::env::args().skip(1);
    let mut number = |what: &str| -> usize {
        let arg = args.next().unwrap_or_default();
        arg.parse()
            .unwrap_or_else(|_| panic!("usage: handle-loop BATCH ROUNDS ({what}: `{arg}`)"))
    };
    let (batch, rounds) = (number("BATCH"), number("ROUNDS"));
    #[cfg(feature = "otel")]
    let _export = export_spans();
    let handler = statefun::Handler::new(statefun::Functions::new().with(functions::greeter));
    let body = requests::greeter(batch);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a current-thread runtime");
    let mut answered = 0;
    for _ in 0..rounds {
        let answer = runtime.block_on(handler.handle(body.clone()));
        answered += answer.expect("the greeter answers").len();
    }
    std::hint::black_box(answered);
}

/// With `OTEL=export`: the OpenTelemetry layer over a provider that exports nothing.
#[cfg(feature = "otel")]
fn export_spans() -> Option<tracing::subscriber::DefaultGuard> {
    use tracing_subscriber::layer::SubscriberExt as _;
    if std::env::var("OTEL").as_deref() != Ok("export") {
        return None;
    }
    let provider = opentelemetry_sdk::trace::SdkTracerProvider::builder().build();
    let subscriber = tracing_subscriber::registry().with(statefun::otel::layer_for(&provider));
    Some(tracing::subscriber::set_default(subscriber))
}
