//! The export the `OTEL_*` variables switch on: `logging::init` with an OTLP endpoint set
//! sends the invocation spans there, and `otel::shutdown` sends what is left before the
//! process exits. The variables and the exporter are the process's, so the test runs in a
//! child process of this test binary, against a receiver on 127.0.0.1.

use std::{
    io::{BufRead as _, BufReader, Read as _, Write as _},
    net::TcpListener,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant},
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

/// The request line and body of the first request to `listener`, answered 200; `None` if
/// none came before `stop` was set.
fn first_request(listener: &TcpListener, stop: &AtomicBool) -> Option<(String, Vec<u8>)> {
    listener.set_nonblocking(true).unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut stream = loop {
        match listener.accept() {
            Ok((stream, _)) => break stream,
            Err(_) if stop.load(Ordering::SeqCst) || Instant::now() > deadline => return None,
            Err(_) => std::thread::sleep(Duration::from_millis(10)),
        }
    };
    stream.set_nonblocking(false).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request_line = String::new();
    reader.read_line(&mut request_line).unwrap();
    let mut length = 0;
    loop {
        let mut header = String::new();
        reader.read_line(&mut header).unwrap();
        if header.trim().is_empty() {
            break;
        }
        if let Some(value) = header.to_ascii_lowercase().strip_prefix("content-length:") {
            length = value.trim().parse().unwrap();
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).unwrap();
    stream
        .write_all(
            b"HTTP/1.1 200 OK\r\ncontent-type: application/x-protobuf\r\ncontent-length: 0\r\n\r\n",
        )
        .unwrap();
    Some((request_line, body))
}

#[test]
fn the_otlp_endpoint_gets_the_spans_once_shutdown_sends_them() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let receiver = {
        let stop = Arc::clone(&stop);
        std::thread::spawn(move || first_request(&listener, &stop))
    };
    let mut child = child_test(module_path!(), "logging_init_exports_and_shutdown_sends");
    child
        .env("OTEL_EXPORTER_OTLP_ENDPOINT", format!("http://{addr}"))
        .env_remove("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
        .env_remove(statefun::otel::DISABLED_VARIABLE)
        // The receiver is on this machine, whatever proxy the environment names.
        .env("NO_PROXY", "127.0.0.1")
        .env_remove("HTTP_PROXY")
        .env_remove("http_proxy")
        .env_remove("ALL_PROXY")
        .env_remove("all_proxy");
    passes(&mut child);
    stop.store(true, Ordering::SeqCst);
    let (request_line, body) = receiver
        .join()
        .unwrap()
        .expect("the spans were sent before the child exited");
    assert!(
        request_line.starts_with("POST /v1/traces "),
        "{request_line}"
    );
    let name = b"statefun.invocation";
    assert!(
        body.windows(name.len()).any(|window| window == name),
        "{} bytes without an invocation span",
        body.len()
    );
}
