//! Hostile and broken input through the real actix-web server: the shared HTTP behaviour
//! table (`statefun_test_support::http_table`, also run against `statefun::axum`), then the
//! rows that actix-web's own HTTP parser answers. For every row the expected status, a part
//! of the body and the log line, and a valid request right after it must still be answered
//! correctly (no row leaves the service or a connection in a bad state).
//!
//! The table, with the answers actually received, is rendered into `docs/robustness.md`
//! between the `bad-input-table` markers, and this test fails if the document differs:
//! run `STATEFUN_BLESS=1 cargo test -p statefun-actix --test server bad_input` to regenerate it.

use std::net::{SocketAddr, TcpListener};

use statefun_actix::Endpoint;
use statefun_test_support::{
    greeter::greeting,
    http_table::{self, Http, Input, Row, row},
    trace::Capture,
};

/// Serves the table's functions with its limits on an ephemeral loopback port, its threads
/// logging into the returned capture.
fn serve() -> Http {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    let endpoint = Endpoint::new(http_table::functions())
        .with_body_limit(http_table::LIMIT)
        .with_timeout(http_table::TIMEOUT);
    let log = Capture::new();
    let logging = log.clone();
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let server = actix_web::HttpServer::new(move || {
                // Runs on each worker thread as it starts.
                logging.attach_this_thread();
                actix_web::App::new()
                    .service(endpoint.clone())
                    .default_service(endpoint.unserved_paths())
            })
            .workers(2)
            .disable_signals()
            .listen(listener)
            .unwrap();
            server.run().await
        })
    });
    Http { addr, log }
}

/// What actix-web's HTTP parser answers: raw bytes on a connection.
fn parser_rows() -> Vec<Row> {
    let valid = greeting("alice", Some(41), &["hi"]);
    let chunked_garbage =
        b"POST /statefun HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n".to_vec();
    let mut short_body = b"POST /statefun HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nContent-Length: 1000\r\n\r\n".to_vec();
    short_body.extend_from_slice(&valid);
    let mut huge_header = b"POST /statefun HTTP/1.1\r\nHost: x\r\nX-Big: ".to_vec();
    huge_header.extend(std::iter::repeat_n(b'a', 128 * 1024));
    huge_header.extend_from_slice(b"\r\n\r\n");
    vec![
        row(
            "not HTTP at all (raw bytes on the socket)",
            Input::Raw(http_table::random_bytes(7, 64)),
            400,
            "",
        ),
        row(
            "invalid chunked encoding",
            Input::Raw(chunked_garbage),
            400,
            "",
        ),
        Row {
            input: "body shorter than its `Content-Length`, then the client half-closes",
            request: Input::Raw(short_body),
            status: None,
            says: "",
        },
        row("a 128 KiB header", Input::Raw(huge_header), 431, ""),
    ]
}

#[test]
fn every_bad_input_is_answered_and_the_next_request_succeeds() {
    let mut rows = http_table::rows();
    rows.extend(parser_rows());
    let table = http_table::run(&serve(), rows);
    http_table::check_document(&table);
}

#[test]
fn early_answers_keep_the_connection_usable() {
    http_table::early_answers_keep_the_connection_usable(serve().addr);
}
