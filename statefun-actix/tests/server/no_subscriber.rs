//! A service started without a tracing subscriber says so on stderr, once, since it would
//! otherwise log its failed requests nowhere; with a subscriber it does not. Whether one is
//! installed is the process's, so each case runs in a child process: this test binary
//! again, told which case by an environment variable.

use std::{
    env,
    io::{Read as _, Write as _},
    net::{TcpListener, TcpStream},
    process::Command,
};

use statefun_actix::{Endpoint, Server};
use statefun_core::Functions;

const CASE: &str = "STATEFUN_TEST_SUBSCRIBER_CASE";
const WARNING: &str = "statefun: no tracing subscriber is installed";

/// Serves until the service answers `GET /health` (it has started, and announced itself),
/// then exits.
fn serve_until_started() -> ! {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(
            Server::new(Endpoint::new(Functions::new()))
                .listen(listener)
                .run(),
        )
    });
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .write_all(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    std::process::exit(0)
}

/// The stderr of this test run as a child in `case`.
fn stderr_of(case: &str) -> String {
    let output = Command::new(env::current_exe().unwrap())
        .args([
            "--exact",
            "no_subscriber::a_service_without_a_subscriber_says_so_once",
            "--nocapture",
        ])
        .env(CASE, case)
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(output.status.success(), "{case}: {stderr}");
    stderr
}

#[test]
fn a_service_without_a_subscriber_says_so_once() {
    match env::var(CASE).as_deref() {
        Ok("without") => serve_until_started(),
        Ok("with") => {
            tracing::subscriber::set_global_default(tracing::subscriber::NoSubscriber::default())
                .unwrap();
            serve_until_started()
        }
        _ => {}
    }
    let without = stderr_of("without");
    assert_eq!(without.matches(WARNING).count(), 1, "{without}");
    let with = stderr_of("with");
    assert!(!with.contains(WARNING), "{with}");
}
