//! `statefun::http::Endpoint` served by plain hyper through hyper-util's tower adapter, as
//! `examples/hyper_greeter.rs` serves it: every conformance vector, the shared HTTP
//! behaviour table (the statuses, texts and log lines documented in docs/robustness.md) and
//! early answers on a keep-alive connection. What hyper's own parser answers is in the axum
//! test (axum's server is hyper).

use std::net::SocketAddr;

use hyper::server::conn::http1;
use hyper_util::{rt::TokioIo, service::TowerToHyperService};
use statefun::http::Endpoint;
use statefun_test_support::{
    conformance_functions,
    http_table::{self, Http},
    trace::Capture,
};

/// Serves `endpoint` with hyper on an ephemeral loopback port, from a thread of its own, its
/// threads logging into the capture returned with its address.
fn serve(endpoint: Endpoint) -> Http {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    let log = Capture::new();
    let logging = log.clone();
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .on_thread_start(move || logging.attach_this_thread())
            .enable_all()
            .build()
            .unwrap()
            .block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                loop {
                    let (stream, _) = listener.accept().await.unwrap();
                    let service = TowerToHyperService::new(endpoint.clone());
                    tokio::spawn(async move {
                        let _ = http1::Builder::new()
                            .serve_connection(TokioIo::new(stream), service)
                            .await;
                    });
                }
            })
    });
    Http { addr, log }
}

fn table_endpoint() -> Endpoint {
    Endpoint::new(http_table::functions())
        .with_body_limit(http_table::LIMIT)
        .with_timeout(http_table::TIMEOUT)
}

#[test]
fn every_conformance_vector_is_answered_over_http_as_by_the_python_sdk() {
    let server = serve(Endpoint::new(conformance_functions::functions()));
    conformance_functions::assert_answers_over_http(&format!("http://{}/statefun", server.addr));
}

#[test]
fn every_row_of_the_http_behaviour_table_is_answered_and_logged_as_documented() {
    let table = http_table::run(&serve(table_endpoint()), http_table::rows());
    http_table::assert_documented(&table);
}

#[test]
fn early_answers_keep_the_connection_usable() {
    http_table::early_answers_keep_the_connection_usable(serve(table_endpoint()).addr);
}
