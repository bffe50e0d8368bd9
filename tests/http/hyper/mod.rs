//! `statefun::hyper`'s server over real HTTP on loopback ports: every conformance vector,
//! the shared HTTP behaviour table (the statuses, texts and log lines documented in
//! docs/robustness.md) and early answers on a keep-alive connection (here); the
//! operational paths, compared with the actix-web service's (`operations`); and the
//! graceful stop (`shutdown`, `signals`). What hyper's own parser answers is in the axum
//! test (axum's server is hyper).

mod client;
mod operations;
mod settings;
mod shutdown;
#[cfg(unix)]
mod signals;

use std::{
    future::Future,
    io,
    net::{SocketAddr, TcpListener},
    sync::mpsc,
    thread::JoinHandle,
};

use statefun::{http::Endpoint, hyper::Server};
use statefun_test_support::{
    conformance_functions,
    http_table::{self, Http},
    trace::Capture,
};
use tokio::sync::oneshot;

/// A `statefun::hyper::Server` running on a thread of its own, on an ephemeral loopback
/// port, until [`Running::stop`] (or the end of the test process).
pub(crate) struct Running {
    pub(crate) addr: SocketAddr,
    pub(crate) log: Capture,
    stop: Option<oneshot::Sender<()>>,
    stopped: mpsc::Receiver<io::Result<()>>,
    _thread: JoinHandle<()>,
}

impl Running {
    /// Starts the graceful stop, as a signal would.
    pub(crate) fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }

    /// What `run_until` returned, waiting up to `seconds` for it.
    pub(crate) fn stopped(&self, seconds: u64) -> io::Result<()> {
        self.stopped
            .recv_timeout(std::time::Duration::from_secs(seconds))
            .expect("the server's future resolved")
    }

    pub(crate) fn http(&self) -> Http {
        Http {
            addr: self.addr,
            log: self.log.clone(),
        }
    }
}

/// Runs `server` (without a listener yet) on an ephemeral loopback port.
pub(crate) fn start(server: Server) -> Running {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let server = server.listen(listener);
    let (stop, stop_rx) = oneshot::channel();
    start_with(server, addr, stop, async move {
        let _ = stop_rx.await;
    })
}

fn start_with(
    server: Server,
    addr: SocketAddr,
    stop: oneshot::Sender<()>,
    until: impl Future<Output = ()> + Send + 'static,
) -> Running {
    let log = Capture::new();
    let logging = log.clone();
    let (tx, stopped) = mpsc::channel();
    let thread = std::thread::spawn(move || {
        // The server's own lines come from this thread, the requests' from the workers.
        let _log = logging.on_this_thread();
        let result = logging.runtime().block_on(server.run_until(until));
        let _ = tx.send(result);
    });
    Running {
        addr,
        log,
        stop: Some(stop),
        stopped,
        _thread: thread,
    }
}

fn table_endpoint() -> Endpoint {
    Endpoint::new(http_table::functions())
        .with_body_limit(http_table::LIMIT)
        .with_timeout(http_table::TIMEOUT)
}

#[test]
fn every_conformance_vector_is_answered_over_http_as_by_the_python_sdk() {
    let server = start(Server::new(conformance_functions::functions()));
    conformance_functions::assert_answers_over_http(&format!("http://{}/statefun", server.addr));
}

#[test]
fn every_row_of_the_http_behaviour_table_is_answered_and_logged_as_documented() {
    let server = start(Server::new(table_endpoint()));
    let table = http_table::run(&server.http(), http_table::rows());
    http_table::assert_documented(&table);
}

#[test]
fn early_answers_keep_the_connection_usable() {
    http_table::early_answers_keep_the_connection_usable(start(Server::new(table_endpoint())).addr);
}
