//! `serve` stops gracefully on SIGTERM and SIGINT: batches in flight are answered, then the
//! future resolves; a second signal makes it resolve at once. Signals reach the whole
//! process, so the test runs in a child process.

use std::{
    io::{Read as _, Write as _},
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

fn slow_request(millis: i64) -> Vec<u8> {
    Batch::to("demo/slow", "x").message(typed(&millis)).encode()
}

struct Running {
    addr: SocketAddr,
    in_flight: Arc<AtomicBool>,
    stopped: mpsc::Receiver<std::io::Result<()>>,
}

fn start() -> Running {
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
    Running {
        addr,
        in_flight,
        stopped,
    }
}

/// Posts a slow request in the background; waits until the function runs.
fn post_slow(running: &Running, millis: i64) -> std::thread::JoinHandle<Result<u16, String>> {
    let addr = running.addr;
    // A minimal HTTP/1.1 client on std's TcpStream: std retries reads that our own signals
    // interrupt (EINTR), where an HTTP client library may report a disconnect.
    let handle = std::thread::spawn(move || {
        let body = slow_request(millis);
        let mut stream = TcpStream::connect(addr).map_err(|e| e.to_string())?;
        let head = format!(
            "POST /statefun HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/octet-stream\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        stream
            .write_all(head.as_bytes())
            .map_err(|e| e.to_string())?;
        stream.write_all(&body).map_err(|e| e.to_string())?;
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).map_err(|e| e.to_string())?;
        let answer = String::from_utf8_lossy(&answer);
        answer
            .strip_prefix("HTTP/1.1 ")
            .and_then(|rest| rest.get(..3)?.parse::<u16>().ok())
            .ok_or_else(|| format!("not an HTTP answer: {answer:?}"))
    });
    until_running(&running.in_flight);
    handle
}

/// Run in a child process by [`signals_stop_gracefully_and_a_second_one_at_once_in_a_process_of_its_own`]: signals reach the whole process.
#[test]
#[ignore = "run in a child process of its own"]
fn signals_stop_gracefully_and_a_second_one_at_once() {
    for sig in ["TERM", "INT"] {
        let running = start();
        let request = post_slow(&running, 700);
        let signalled = Instant::now();
        signal_self(sig);
        assert_eq!(
            request.join().unwrap(),
            Ok(200),
            "SIG{sig}: in-flight batch answered"
        );
        let result = running
            .stopped
            .recv_timeout(Duration::from_secs(10))
            .expect("serve returned");
        assert!(result.is_ok(), "SIG{sig}: {result:?}");
        assert!(
            signalled.elapsed() >= Duration::from_millis(500),
            "SIG{sig}: it waited"
        );
        assert!(
            TcpStream::connect(running.addr).is_err(),
            "SIG{sig}: the listener is closed"
        );
    }

    // A second signal does not wait for the batch (left to end with the process).
    let running = start();
    let _request = post_slow(&running, 60_000);
    let signalled = Instant::now();
    signal_self("TERM");
    std::thread::sleep(Duration::from_millis(300));
    signal_self("INT");
    let result = running
        .stopped
        .recv_timeout(Duration::from_secs(10))
        .expect("serve returned");
    assert!(result.is_ok(), "{result:?}");
    assert!(signalled.elapsed() < Duration::from_secs(10));
    assert!(
        TcpStream::connect(running.addr).is_err(),
        "the listener is closed"
    );
}

#[test]
fn signals_stop_gracefully_and_a_second_one_at_once_in_a_process_of_its_own() {
    crate::in_child_process(
        module_path!(),
        "signals_stop_gracefully_and_a_second_one_at_once",
    );
}
