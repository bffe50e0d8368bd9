//! `GET /ready` answers 503 from the moment a graceful shutdown starts, while the batch in
//! flight is still answered 200. Signals reach the whole process (and readiness is the
//! process's), so the test runs in a child process.

use std::{
    io::{BufRead as _, BufReader, Read as _, Write as _},
    net::{SocketAddr, TcpListener, TcpStream},
    sync::{Arc, atomic::AtomicBool, mpsc},
    time::{Duration, Instant},
};

use statefun_actix::{Endpoint, Server};
use statefun_core::Functions;
use statefun_test_support::{
    child::signal_self,
    request::{Batch, typed},
    slow::{Slow, until_running},
};

/// A keep-alive HTTP/1.1 connection on std's `TcpStream`, which retries reads that our own
/// signal interrupts (EINTR).
struct Connection(BufReader<TcpStream>);

impl Connection {
    fn open(addr: SocketAddr) -> Self {
        let stream = TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        Self(BufReader::new(stream))
    }

    /// Sends one request; returns the status and the body of the answer.
    fn send(&mut self, method: &str, path: &str, body: &[u8]) -> (u16, String) {
        let head = format!(
            "{method} {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/octet-stream\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        let stream = self.0.get_mut();
        stream.write_all(head.as_bytes()).unwrap();
        stream.write_all(body).unwrap();
        let mut status_line = String::new();
        self.0.read_line(&mut status_line).unwrap();
        let status = status_line
            .strip_prefix("HTTP/1.1 ")
            .and_then(|rest| rest.get(..3)?.parse().ok())
            .unwrap_or_else(|| panic!("not an HTTP answer: {status_line:?}"));
        let mut length = 0;
        loop {
            let mut line = String::new();
            self.0.read_line(&mut line).unwrap();
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().unwrap();
            }
        }
        let mut body = vec![0; length];
        self.0.read_exact(&mut body).unwrap();
        (status, String::from_utf8_lossy(&body).into_owned())
    }
}

/// Run in a child process by [`ready_answers_503_once_a_graceful_shutdown_starts_while_the_batch_in_flight_completes_in_a_process_of_its_own`]: signals reach the whole process, and readiness is the process's.
#[test]
#[ignore = "run in a child process of its own"]
fn ready_answers_503_once_a_graceful_shutdown_starts_while_the_batch_in_flight_completes() {
    let in_flight = Arc::new(AtomicBool::new(false));
    let functions = Functions::new().with(Slow(Arc::clone(&in_flight)));
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, stopped) = mpsc::channel();
    std::thread::spawn(move || {
        let result = actix_web::rt::System::new()
            .block_on(Server::new(Endpoint::new(functions)).listen(listener).run());
        let _ = tx.send(result);
    });

    // Once bound: ready, on a connection the probe keeps open.
    let mut probe = Connection::open(addr);
    assert_eq!(probe.send("GET", "/ready", b""), (200, "ready".to_owned()));
    assert_eq!(probe.send("GET", "/health", b"").0, 200);

    // A batch of 1.5 s in flight.
    let batch = std::thread::spawn(move || {
        let body = Batch::to("demo/slow", "x")
            .message(typed(&1_500i64))
            .encode();
        Connection::open(addr).send("POST", "/statefun", &body)
    });
    until_running(&in_flight);

    signal_self("TERM");
    let signalled = Instant::now();

    // Not ready from the moment the shutdown starts, while the batch still runs.
    let (status, text) = loop {
        let answer = probe.send("GET", "/ready", b"");
        if answer.0 != 200 || signalled.elapsed() > Duration::from_secs(1) {
            break answer;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    assert_eq!(status, 503, "{text}");
    assert!(text.contains("shutdown"), "{text}");
    assert!(
        !batch.is_finished(),
        "503 came while the batch was still in flight"
    );
    // Still alive (the process serves what it has).
    assert_eq!(probe.send("GET", "/health", b"").0, 200);

    let (status, text) = batch.join().unwrap();
    assert_eq!(status, 200, "the batch in flight completes: {text}");
    drop(probe);
    let result = stopped
        .recv_timeout(Duration::from_secs(20))
        .expect("the server stopped");
    assert!(result.is_ok(), "{result:?}");
}

#[test]
fn ready_answers_503_once_a_graceful_shutdown_starts_while_the_batch_in_flight_completes_in_a_process_of_its_own()
 {
    crate::in_child_process(
        module_path!(),
        "ready_answers_503_once_a_graceful_shutdown_starts_while_the_batch_in_flight_completes",
    );
}
