//! The export the `OTEL_*` variables switch on: `logging::init` with an OTLP endpoint set
//! sends the invocation spans there, and `otel::shutdown` sends what is left before the
//! process exits. The variables and the exporter are the process's, so the test runs in a
//! child process of this test binary, against a stand-in collector on 127.0.0.1.

use std::{net::SocketAddr, sync::mpsc};

use axum::{
    Router,
    body::Bytes,
    http::{Method, Uri, header},
};
use statefun::Handler;
use statefun_test_support::child::{child_test, passes};

use super::{block_on, chain, request_with_entries};

/// Run in a child process by [`the_otlp_endpoint_gets_the_spans_once_shutdown_sends_them`].
#[test]
#[ignore = "run in a child process of its own, with the OTLP variables set"]
fn logging_init_exports_and_shutdown_sends() {
    statefun::logging::init();
    let handler = Handler::new(chain::functions());
    block_on(handler.handle(request_with_entries(&[]))).unwrap();
    statefun::otel::shutdown();
}

/// A stand-in OTLP collector on 127.0.0.1: every request is answered 200, its method and
/// path and its body sent on the channel before the answer.
fn collector() -> (SocketAddr, mpsc::Receiver<(String, Bytes)>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let addr = listener.local_addr().unwrap();
    let (sender, received) = mpsc::channel();
    let app = Router::new().fallback(move |method: Method, uri: Uri, body: Bytes| {
        let _ = sender.send((format!("{method} {}", uri.path()), body));
        async { ([(header::CONTENT_TYPE, "application/x-protobuf")], "") }
    });
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                axum::serve(listener, app).await.unwrap()
            })
    });
    (addr, received)
}

#[test]
fn the_otlp_endpoint_gets_the_spans_once_shutdown_sends_them() {
    let (addr, received) = collector();
    let mut child = child_test(module_path!(), "logging_init_exports_and_shutdown_sends");
    child
        .env("OTEL_EXPORTER_OTLP_ENDPOINT", format!("http://{addr}"))
        .env_remove("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
        .env_remove(statefun::otel::DISABLED_VARIABLE)
        // The collector is on this machine, whatever proxy the environment names.
        .env("NO_PROXY", "127.0.0.1")
        .env_remove("HTTP_PROXY")
        .env_remove("http_proxy")
        .env_remove("ALL_PROXY")
        .env_remove("all_proxy");
    passes(&mut child);
    // The child exits only once the exporter's request is answered, and the collector sends
    // on the channel before it answers: nothing to wait for.
    let (request, body) = received
        .try_recv()
        .expect("the spans were sent before the child exited");
    assert_eq!(request, "POST /v1/traces");
    let name = b"statefun.invocation";
    assert!(
        body.windows(name.len()).any(|window| window == name),
        "{} bytes without an invocation span",
        body.len()
    );
}
