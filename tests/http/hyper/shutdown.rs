//! The graceful stop of `statefun::hyper::Server` (`run_until`'s future resolving, as a
//! signal does for `run`): new connections refused at once, the readiness 503 on the
//! connections still open, the batch in flight answered, then the connections closed and
//! the server's future resolved; and what the shutdown timeout cuts short.

use std::{
    net::{SocketAddr, TcpStream},
    sync::{Arc, atomic::AtomicBool},
    thread::JoinHandle,
    time::{Duration, Instant},
};

use statefun::{Functions, http::Endpoint, hyper::Server};
use statefun_test_support::{
    request::{Batch, typed},
    slow::{Slow, until_running},
    trace::Capture,
};

use super::{
    Running,
    client::{Answer, Connection},
    start,
};

/// A server of `demo/slow`, with its flag that a batch is running.
fn slow_server(configure: impl FnOnce(Server) -> Server) -> (Running, Arc<AtomicBool>) {
    let in_flight = Arc::new(AtomicBool::new(false));
    let functions = Functions::new().with(Slow(Arc::clone(&in_flight)));
    let server = configure(Server::new(Endpoint::new(functions)));
    (start(server), in_flight)
}

/// Posts a batch of `millis` in the background; returns once the function runs.
fn post_slow(
    addr: SocketAddr,
    in_flight: &AtomicBool,
    millis: i64,
) -> JoinHandle<std::io::Result<Answer>> {
    let batch = std::thread::spawn(move || {
        let body = Batch::to("demo/slow", "x").message(typed(&millis)).encode();
        Connection::open(addr)?.send("POST", "/statefun", &body)
    });
    until_running(in_flight);
    batch
}

/// Waits up to a second for `condition`.
fn soon(mut condition: impl FnMut() -> bool) -> bool {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(1) {
        if condition() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    false
}

#[test]
fn the_batch_in_flight_is_answered_after_the_stop_while_new_connections_are_refused() {
    let (mut running, in_flight) = slow_server(|server| server);
    let addr = running.addr;
    let mut probe = Connection::open(addr).unwrap();
    assert_eq!(probe.send("GET", "/ready", b"").unwrap().body, "ready");

    let batch = post_slow(addr, &in_flight, 1_500);
    running.stop();

    // Refused from the moment the stop starts, while the batch still runs.
    assert!(
        soon(|| TcpStream::connect(addr).is_err()),
        "new connections are refused"
    );
    // Not ready, on the connection still open; still alive.
    let ready = probe.send("GET", "/ready", b"").unwrap();
    assert_eq!(
        (ready.status, ready.body.as_str()),
        (503, "stopping: a graceful shutdown is under way")
    );
    assert_eq!(probe.send("GET", "/health", b"").unwrap().status, 200);
    assert!(
        !batch.is_finished(),
        "all this while the batch was in flight"
    );
    assert!(
        running.stopped.try_recv().is_err(),
        "the server waits for the batch"
    );

    let answer = batch
        .join()
        .unwrap()
        .expect("the batch in flight is answered");
    assert_eq!(answer.status, 200, "{}", answer.body);
    running.stopped(10).expect("the server stopped cleanly");
    // The idle connection is closed once nothing is in flight.
    assert!(probe.send("GET", "/health", b"").is_err());
    assert!(
        running
            .log
            .text()
            .contains("stopping: answering the requests in flight")
    );
}

#[test]
fn a_server_with_nothing_in_flight_stops_at_once() {
    let (mut running, _) = slow_server(|server| server);
    let mut idle = Connection::open(running.addr).unwrap();
    assert_eq!(idle.send("GET", "/health", b"").unwrap().status, 200);
    let stopped = Instant::now();
    running.stop();
    running.stopped(10).unwrap();
    assert!(stopped.elapsed() < Duration::from_secs(2));
    assert!(idle.send("GET", "/health", b"").is_err(), "closed");
}

#[test]
fn the_shutdown_timeout_drops_the_batch_still_in_flight() {
    let timeout = Duration::from_millis(400);
    let (mut running, in_flight) = slow_server(|server| server.with_shutdown_timeout(timeout));
    let batch = post_slow(running.addr, &in_flight, 60_000);
    let stopped = Instant::now();
    running.stop();
    running.stopped(10).unwrap();
    let waited = stopped.elapsed();
    assert!(
        waited >= timeout - Duration::from_millis(50) && waited < Duration::from_secs(5),
        "{waited:?}"
    );
    // The connection is closed without an answer.
    assert!(batch.join().unwrap().is_err());
    let log = running.log.text();
    assert!(log.contains("1 request(s) still in flight"), "{log}");
}

#[test]
fn clients_that_keep_sending_do_not_hold_the_stop_to_its_timeout() {
    let timeout = Duration::from_secs(6);
    let (mut running, in_flight) = slow_server(|server| server.with_shutdown_timeout(timeout));
    let addr = running.addr;
    // Two keep-alive clients sending 300 ms batches back to back, staggered: there is
    // always one in flight.
    let clients: Vec<_> = (0..2)
        .map(|i| {
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(150 * i));
                let body = Batch::to("demo/slow", "x").message(typed(&300i64)).encode();
                let mut connection = Connection::open(addr).unwrap();
                let mut answered = Vec::new();
                while let Ok(answer) = connection.send("POST", "/statefun", &body) {
                    answered.push(answer.status);
                }
                answered
            })
        })
        .collect();
    until_running(&in_flight);
    std::thread::sleep(Duration::from_millis(500));
    let stopped = Instant::now();
    running.stop();
    running.stopped(20).unwrap();
    let waited = stopped.elapsed();
    // Half the timeout, then the requests in flight are answered: well before the timeout.
    assert!(
        waited >= Duration::from_millis(2_500) && waited < Duration::from_millis(5_000),
        "{waited:?}"
    );
    for client in clients {
        let answered = client.join().unwrap();
        assert!(
            answered.len() >= 2 && answered.iter().all(|status| *status == 200),
            "every request sent was answered, none dropped: {answered:?}"
        );
    }
}

#[test]
fn a_batch_that_outlasts_half_the_timeout_is_still_answered_and_ends_the_stop() {
    // The connections are told to close at half the timeout, while the batch runs: its
    // connection answers it, then closes, and the stop ends then, before the timeout.
    let timeout = Duration::from_secs(3);
    let (mut running, in_flight) = slow_server(|server| server.with_shutdown_timeout(timeout));
    let batch = post_slow(running.addr, &in_flight, 2_000);
    let stopped = Instant::now();
    running.stop();
    let answer = batch.join().unwrap().expect("answered, not dropped");
    assert_eq!(answer.status, 200, "{}", answer.body);
    running.stopped(10).unwrap();
    assert!(stopped.elapsed() < timeout, "{:?}", stopped.elapsed());
}

#[test]
fn at_the_timeout_the_server_closes_the_connection_though_the_runtime_goes_on() {
    let in_flight = Arc::new(AtomicBool::new(false));
    let functions = Functions::new().with(Slow(Arc::clone(&in_flight)));
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let server = Server::new(functions)
        .with_shutdown_timeout(Duration::from_millis(300))
        .listen(listener);
    let log = Capture::new();
    let _log = log.on_this_thread();
    let runtime = log.runtime();
    let (stop, stopping) = tokio::sync::oneshot::channel::<()>();
    let served = runtime.spawn(server.run_until(async {
        let _ = stopping.await;
    }));
    let batch = post_slow(addr, &in_flight, 60_000);
    stop.send(()).unwrap();
    runtime.block_on(served).unwrap().unwrap();
    // The runtime still runs the connection's task: the server itself must end it.
    assert!(soon(|| batch.is_finished()), "the connection is still open");
    assert!(batch.join().unwrap().is_err(), "dropped without an answer");
    let log = log.text();
    assert!(log.contains("1 request(s) still in flight"), "{log}");
}
