//! The settings of `statefun::hyper::Server`: each `with_*` setter and its getter, the
//! endpoint's own settings (path, body limit) honoured over HTTP, and the addresses bound.

use std::{
    io::{Read as _, Write as _},
    net::TcpStream,
    time::{Duration, Instant},
};

use statefun::{
    Functions,
    http::Endpoint,
    hyper::{
        DEFAULT_CATALOG_PATH, DEFAULT_HEADER_READ_TIMEOUT, DEFAULT_HEALTH_PATH,
        DEFAULT_METRICS_PATH, DEFAULT_READY_PATH, DEFAULT_SHUTDOWN_TIMEOUT, Server,
    },
};
use statefun_test_support::greeter::{Greeter, greeting, seen_in};

use super::{client::once, start};

#[test]
fn every_setting_is_reported_by_its_getter() {
    let server = Server::new(Functions::new().with(Greeter));
    assert_eq!(server.shutdown_timeout(), DEFAULT_SHUTDOWN_TIMEOUT);
    assert_eq!(DEFAULT_SHUTDOWN_TIMEOUT, Duration::from_secs(30));
    assert_eq!(
        server.header_read_timeout(),
        Some(DEFAULT_HEADER_READ_TIMEOUT)
    );
    assert_eq!(DEFAULT_HEADER_READ_TIMEOUT, Duration::from_secs(30));
    assert_eq!(server.metrics_path(), DEFAULT_METRICS_PATH);
    assert_eq!(server.health_path(), DEFAULT_HEALTH_PATH);
    assert_eq!(server.ready_path(), DEFAULT_READY_PATH);
    assert_eq!(server.catalog_path(), DEFAULT_CATALOG_PATH);
    assert!(server.operations_mounted());
    assert_eq!(server.endpoint().path(), "/statefun");
    assert!(server.local_addrs().unwrap().is_empty());
    #[cfg(feature = "metrics")]
    assert!(server.metrics().is_some());

    let server = server
        .with_shutdown_timeout(Duration::from_secs(5))
        .with_header_read_timeout(None)
        .with_metrics_path("/m")
        .with_health_path("/h")
        .with_ready_path("/r")
        .with_catalog_path("/c")
        .with_operations_mounted(false)
        .bind(("127.0.0.1", 0))
        .unwrap();
    assert_eq!(server.shutdown_timeout(), Duration::from_secs(5));
    assert_eq!(server.header_read_timeout(), None);
    assert_eq!(
        [
            server.metrics_path(),
            server.health_path(),
            server.ready_path(),
            server.catalog_path()
        ],
        ["/m", "/h", "/r", "/c"]
    );
    assert!(!server.operations_mounted());
    let addrs = server.local_addrs().unwrap();
    assert_eq!(addrs.len(), 1);
    assert_ne!(addrs[0].port(), 0);
    let debug = format!("{server:?}");
    assert!(
        debug.contains("/statefun") && debug.contains("demo/greeter"),
        "{debug}"
    );
    #[cfg(feature = "metrics")]
    assert!(server.with_metrics(None).metrics().is_none());
}

#[test]
fn the_endpoint_sets_the_path_and_the_limits() {
    let endpoint = Endpoint::new(Functions::new().with(Greeter))
        .with_path("/functions")
        .with_body_limit(1024);
    let server = start(Server::new(endpoint));
    let answer = once(
        server.addr,
        "POST",
        "/functions",
        &greeting("a", Some(41), &["hi"]),
    )
    .unwrap();
    assert_eq!(answer.status, 200);
    assert_eq!(seen_in(&answer.bytes), 42);
    let big = greeting("a", None, &[&"x".repeat(2048)]);
    let answer = once(server.addr, "POST", "/functions", &big).unwrap();
    assert_eq!(answer.status, 413, "{}", answer.body);
    let answer = once(server.addr, "POST", "/statefun", b"").unwrap();
    assert_eq!(answer.status, 404);
    assert!(answer.body.contains("`/functions`"), "{}", answer.body);
}

#[test]
fn an_address_in_use_is_reported_when_bound() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let error = Server::new(Functions::new())
        .bind(taken.local_addr().unwrap())
        .unwrap_err();
    assert!(error.to_string().contains("cannot listen on"), "{error}");
}

/// Sends half a request head, then waits: the answer to a read within `wait`, `None` if
/// the connection is still open then.
fn half_a_head(addr: std::net::SocketAddr, wait: Duration) -> Option<usize> {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(wait)).unwrap();
    stream
        .write_all(b"POST /statefun HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    let mut buffer = [0; 1024];
    match stream.read(&mut buffer) {
        Ok(read) => Some(read),
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
            ) =>
        {
            None
        }
        Err(_) => Some(0),
    }
}

#[test]
fn a_client_that_does_not_finish_its_headers_in_time_is_disconnected() {
    let functions = || Functions::new().with(Greeter);
    let server =
        start(Server::new(functions()).with_header_read_timeout(Duration::from_millis(300)));
    let started = Instant::now();
    let read = half_a_head(server.addr, Duration::from_secs(10));
    assert!(read.is_some(), "closed or answered, not left open");
    assert!(
        started.elapsed() >= Duration::from_millis(250)
            && started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );

    let server = start(Server::new(functions()).with_header_read_timeout(None));
    assert_eq!(
        half_a_head(server.addr, Duration::from_millis(800)),
        None,
        "still open"
    );
}
