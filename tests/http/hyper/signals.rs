//! `statefun::hyper::Server::run` stops gracefully on SIGTERM and SIGINT (the batch in
//! flight answered, then the future resolves, the listener closed); a second signal makes
//! it resolve at once. Signals reach the whole process, so the test runs in a child process
//! of this test binary.

use std::{
    net::{SocketAddr, TcpListener, TcpStream},
    sync::{Arc, atomic::AtomicBool, mpsc},
    time::{Duration, Instant},
};

use statefun::{Functions, hyper::Server};
use statefun_test_support::{
    child::{child_test, passes, signal_self},
    request::{Batch, typed},
    slow::{Slow, until_running},
};

use super::client::Connection;

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
        let result = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap()
            .block_on(Server::new(functions).listen(listener).run());
        let _ = tx.send(result);
    });
    Running {
        addr,
        in_flight,
        stopped,
    }
}

/// Posts a batch of `millis` in the background; returns once the function runs.
fn post_slow(running: &Running, millis: i64) -> std::thread::JoinHandle<Option<u16>> {
    let addr = running.addr;
    let handle = std::thread::spawn(move || {
        let body = Batch::to("demo/slow", "x").message(typed(&millis)).encode();
        let answer = Connection::open(addr)
            .ok()?
            .send("POST", "/statefun", &body);
        answer.ok().map(|answer| answer.status)
    });
    until_running(&running.in_flight);
    handle
}

/// Run in a child process by
/// [`signals_stop_gracefully_and_a_second_one_at_once_in_a_process_of_its_own`].
#[test]
#[ignore = "run in a child process of its own"]
fn signals_stop_gracefully_and_a_second_one_at_once() {
    for sig in ["TERM", "INT"] {
        let running = start();
        let request = post_slow(&running, 700);
        let signalled = Instant::now();
        signal_self(sig);
        assert_eq!(request.join().unwrap(), Some(200), "SIG{sig}: answered");
        let result = running
            .stopped
            .recv_timeout(Duration::from_secs(10))
            .expect("run returned");
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

    // A second signal does not wait for the batch.
    let running = start();
    let request = post_slow(&running, 60_000);
    let signalled = Instant::now();
    signal_self("TERM");
    std::thread::sleep(Duration::from_millis(300));
    signal_self("INT");
    let result = running
        .stopped
        .recv_timeout(Duration::from_secs(10))
        .expect("run returned");
    assert!(result.is_ok(), "{result:?}");
    assert!(signalled.elapsed() < Duration::from_secs(10));
    assert_eq!(request.join().unwrap(), None, "dropped without an answer");
}

#[test]
fn signals_stop_gracefully_and_a_second_one_at_once_in_a_process_of_its_own() {
    let output = passes(&mut child_test(
        module_path!(),
        "signals_stop_gracefully_and_a_second_one_at_once",
    ));
    // The child installs no subscriber: the server says so at start.
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(
        said.contains("statefun: no tracing subscriber is installed"),
        "{said}"
    );
}
