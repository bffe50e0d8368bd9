//! `statefun::axum` over real HTTP on a loopback port: every conformance vector, the shared
//! HTTP behaviour table (`statefun_test_support::http_table`, the one the actix-web service
//! runs, with the same statuses, texts and log lines as documented in docs/robustness.md),
//! early answers on a keep-alive connection, and the endpoint inside an application's own
//! router.

use std::{net::SocketAddr, time::Duration};

use axum::{Router, routing::get};
use statefun::http::Endpoint;
use statefun_test_support::{
    conformance_functions,
    greeter::{greeting, seen_in},
    http_table::{self, Http, Input, Row, row},
    trace::Capture,
};

/// Serves `app` on an ephemeral loopback port from a thread of its own; returns its address.
fn serve(app: Router) -> SocketAddr {
    serve_logged(app).addr
}

/// Serves `app` as [`serve`] does, its threads logging into the capture returned with it.
fn serve_logged(app: Router) -> Http {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let addr = listener.local_addr().unwrap();
    let log = Capture::new();
    let runtime = log.runtime();
    std::thread::spawn(move || {
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            axum::serve(listener, app).await.unwrap()
        })
    });
    Http { addr, log }
}

/// The endpoint of the shared table: its functions and limits.
fn table_endpoint() -> Endpoint {
    Endpoint::new(http_table::functions())
        .with_body_limit(http_table::LIMIT)
        .with_timeout(http_table::TIMEOUT)
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into()
}

/// POSTs `body` to `url`; the status and the body of the answer.
fn post(url: &str, body: &[u8]) -> (u16, Vec<u8>) {
    let mut response = agent()
        .post(url)
        .header("content-type", "application/octet-stream")
        .send(body)
        .unwrap();
    let status = response.status().as_u16();
    (status, response.body_mut().read_to_vec().unwrap())
}

#[test]
fn every_conformance_vector_is_answered_over_http_as_by_the_python_sdk() {
    let addr = serve(statefun::axum::router(Endpoint::new(
        conformance_functions::functions(),
    )));
    conformance_functions::assert_answers_over_http(&format!("http://{addr}/statefun"));
}

/// What hyper (axum's HTTP server) answers to raw bytes on a connection.
fn parser_rows() -> Vec<Row> {
    let valid = greeting("alice", Some(41), &["hi"]);
    let chunked_garbage =
        b"POST /statefun HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n".to_vec();
    let mut short_body = b"POST /statefun HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nContent-Length: 1000\r\n\r\n".to_vec();
    short_body.extend_from_slice(&valid);
    let mut huge_header = b"POST /statefun HTTP/1.1\r\nHost: x\r\nX-Big: ".to_vec();
    huge_header.extend(std::iter::repeat_n(b'a', 512 * 1024));
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
            "could not read the request body",
        ),
        // hyper reports the missing bytes to the endpoint, which answers (actix-web closes
        // the connection instead): the client half-closed, it can still read the answer.
        row(
            "body shorter than its `Content-Length`, then the client half-closes",
            Input::Raw(short_body),
            400,
            "could not read the request body",
        ),
        row("a 512 KiB header", Input::Raw(huge_header), 431, ""),
    ]
}

#[test]
fn every_row_of_the_http_behaviour_table_is_answered_as_documented() {
    let server = serve_logged(statefun::axum::router(table_endpoint()));
    let mut rows = http_table::rows();
    rows.extend(parser_rows());
    let table = http_table::run(&server, rows);
    eprintln!("{table}");
    http_table::assert_documented(&table);
}

#[test]
fn early_answers_keep_the_connection_usable() {
    http_table::early_answers_keep_the_connection_usable(serve(statefun::axum::router(
        table_endpoint(),
    )));
}

#[test]
fn the_endpoint_lives_next_to_the_application_routes_at_a_path_of_its_own() {
    let endpoint = Endpoint::new(http_table::functions()).with_path("/fn/{name}");
    let app = Router::new()
        .route("/health", get(|| async { "ok" }))
        .merge(statefun::axum::router(endpoint));
    let addr = serve(app);

    let mut health = agent().get(format!("http://{addr}/health")).call().unwrap();
    assert_eq!(health.status().as_u16(), 200);
    assert_eq!(health.body_mut().read_to_string().unwrap(), "ok");

    let (status, body) = post(
        &format!("http://{addr}/fn/greeter"),
        &greeting("pia", Some(6), &["hi"]),
    );
    assert_eq!(status, 200);
    assert_eq!(seen_in(&body), 7);

    let (status, body) = post(
        &format!("http://{addr}/statefun"),
        &greeting("pia", Some(6), &["hi"]),
    );
    assert_eq!(status, 404);
    assert_eq!(
        String::from_utf8(body).unwrap(),
        "no StateFun endpoint at `/statefun`: this service answers POST requests at `/fn/{name}`"
    );
}

#[test]
fn the_route_alone_serves_a_router_with_a_fallback_of_its_own() {
    let endpoint = Endpoint::new(http_table::functions());
    let app = Router::new()
        .route("/functions", statefun::axum::route(endpoint))
        .fallback(|| async { (axum::http::StatusCode::IM_A_TEAPOT, "mine") });
    let addr = serve(app);
    let (status, body) = post(
        &format!("http://{addr}/functions"),
        &greeting("quinn", Some(1), &["hi"]),
    );
    assert_eq!(status, 200);
    assert_eq!(seen_in(&body), 2);
    let (status, body) = post(&format!("http://{addr}/other"), b"");
    assert_eq!((status, body.as_slice()), (418, &b"mine"[..]));
}

#[test]
fn endpoint_reports_its_settings() {
    let endpoint = Endpoint::new(http_table::functions());
    assert_eq!(endpoint.path(), statefun::http::DEFAULT_PATH);
    assert_eq!(endpoint.body_limit(), 32 * 1024 * 1024);
    assert_eq!(endpoint.timeout(), Some(Duration::from_secs(120)));
    assert_eq!(endpoint.functions().type_names().len(), 2);
    let debug = format!("{endpoint:?}");
    assert!(
        debug.contains("/statefun") && debug.contains("demo/sleeper"),
        "{debug}"
    );
}
