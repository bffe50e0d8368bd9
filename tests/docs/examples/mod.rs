//! The examples: the built `greeter`, `own_server`, `axum_greeter` and `hyper_greeter`
//! binaries serve real requests over HTTP (the greeters answer the conformance vector
//! `a-greeter` as the Python SDK did), and the shopping cart's functions behave as
//! documented under the in-process local runtime.
//!
//! The binaries are the ones `cargo test` builds next to this test
//! (`target/<profile>/examples/`); run `cargo build --examples` first when running this
//! test alone with `--test docs examples`.

use std::{
    io::{BufRead, BufReader},
    net::{TcpListener, TcpStream},
    path::PathBuf,
    process::{Child, Command, Stdio},
    sync::{Arc, Mutex, mpsc},
    time::{Duration, Instant},
};

use prost::Message as _;
use statefun::{
    Address, Type, TypeName,
    local::{EgressRecord, LocalRuntime},
    proto::reqreply::{ToFunction, from_function, to_function},
};
use statefun_test_support::{
    answer::{invocation_result, missing_states},
    conformance,
    request::{Batch, address, string, typed},
};

#[path = "../../../examples/shopping_cart.rs"]
#[allow(dead_code)]
mod shopping_cart;

use shopping_cart::{AddToCart, Cart, Checkout, Receipt, RestockItem};

// ------------------------------------------------------------------ running the binaries

/// The path of a built example, next to this test's binary.
fn example(name: &str) -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let profile_dir = exe.parent().unwrap().parent().unwrap();
    let path = profile_dir
        .join("examples")
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(
        path.exists(),
        "{} is missing: `cargo test` builds it; with `--test docs examples` run `cargo build --examples` first",
        path.display()
    );
    path
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into()
}

/// A running example; killed when dropped.
struct Service {
    child: Child,
    url: String,
    stdout: mpsc::Receiver<String>,
    stderr: Arc<Mutex<String>>,
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Service {
    /// Starts example `name` on a free loopback port and waits until it accepts connections.
    fn start(name: &str) -> Service {
        // A free port: bind, read it, release it (the example binds it right after).
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut child = Command::new(example(name))
            .env("HOST", "127.0.0.1")
            .env("PORT", port.to_string())
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = Arc::new(Mutex::new(String::new()));
        let err = child.stderr.take().unwrap();
        let collected = Arc::clone(&stderr);
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines().map_while(Result::ok) {
                let mut text = collected.lock().unwrap();
                text.push_str(&line);
                text.push('\n');
            }
        });
        let (tx, stdout) = mpsc::channel();
        let out = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Some(status) = child.try_wait().unwrap() {
                panic!("{name} exited before serving: {status}");
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "{name} did not listen on port {port}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        Service {
            child,
            url: format!("http://127.0.0.1:{port}/statefun"),
            stdout,
            stderr,
        }
    }

    /// `http://127.0.0.1:<port>`: where the service listens.
    fn origin(&self) -> String {
        self.url.trim_end_matches("/statefun").to_owned()
    }

    /// Waits until the service's stderr contains `needle`; returns all of it.
    fn logged(&self, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let text = self.stderr.lock().unwrap().clone();
            if text.contains(needle) {
                return text;
            }
            assert!(
                Instant::now() < deadline,
                "stderr never contained {needle:?}:\n{text}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// What the service printed on stdout so far.
    fn printed(&self) -> String {
        let mut text = String::new();
        let deadline = Instant::now() + Duration::from_secs(5);
        while let Ok(line) = self
            .stdout
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
        {
            text.push_str(&line);
            text.push('\n');
            if line.starts_with("  transport:") || line.contains("deliverySemantic") {
                // Read on briefly for the rest of the document.
                while let Ok(line) = self.stdout.recv_timeout(Duration::from_millis(200)) {
                    text.push_str(&line);
                    text.push('\n');
                }
                break;
            }
        }
        text
    }

    fn post(&self, body: &[u8]) -> (u16, String, Vec<u8>) {
        self.post_to(&self.url, body)
    }

    fn post_to(&self, url: &str, body: &[u8]) -> (u16, String, Vec<u8>) {
        let mut response = agent()
            .post(url)
            .header("content-type", "application/octet-stream")
            .send(body)
            .unwrap();
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        (
            status,
            content_type,
            response.body_mut().read_to_vec().unwrap(),
        )
    }

    /// Sends SIGTERM and expects a clean exit.
    #[cfg(unix)]
    fn stop(mut self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert!(status.success(), "exit status after SIGTERM: {status}");
                return;
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "no exit after SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

mod cart;
#[cfg(feature = "cli")]
mod playground_cart;
mod servers;
