//! What a served endpoint logs, captured with a test subscriber: where it listens and what it
//! serves, one line per failed batch (5xx) and per request to a path that is not served,
//! nothing for a request answered 200. The subscriber is the process's, so the test runs in a
//! child process.

use std::{
    io::Write,
    sync::{Arc, Mutex},
    time::Duration,
};

use statefun_actix::{Endpoint, Server};
use statefun_core::{BoxError, Context, Function, Functions, Message, TypeName};
use statefun_test_support::{failing::Fail, request::Batch};

/// `demo/echo`: accepts any message.
struct Echo;

impl Function for Echo {
    type State = ();
    fn type_name(&self) -> TypeName {
        TypeName::from_static("demo/echo")
    }
    async fn invoke(&self, _: &mut Context, _: &mut (), _: Message) -> Result<(), BoxError> {
        Ok(())
    }
}

/// The captured log, shared with the subscriber's writer.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
    fn clear(&self) {
        self.0.lock().unwrap().clear();
    }
}

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A request for `function/ann` with one string message.
fn request(function: &str) -> Vec<u8> {
    Batch::to(function, "ann").text("hi").encode()
}

fn post(url: &str, body: &[u8]) -> u16 {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into();
    agent
        .post(url)
        .header("Content-Type", "application/octet-stream")
        .send(body)
        .unwrap()
        .status()
        .as_u16()
}

/// Waits until `log` contains `needle`: events are written by the server's threads.
fn wait_for(log: &Captured, needle: &str) -> String {
    for _ in 0..500 {
        let text = log.text();
        if text.contains(needle) {
            return text;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!("the log never contained {needle:?}:\n{}", log.text());
}

/// Run in a child process by [`the_service_logs_its_start_failed_batches_and_unserved_paths_in_a_process_of_its_own`]: it installs the process-wide subscriber.
#[test]
#[ignore = "run in a child process of its own"]
fn the_service_logs_its_start_failed_batches_and_unserved_paths() {
    let log = Captured::default();
    let writer = log.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::INFO)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .init();

    let server = Server::new(Endpoint::new(Functions::new().with(Echo).with(Fail)))
        .bind("127.0.0.1:0")
        .unwrap()
        .with_workers(1);
    let addr = server.local_addrs().unwrap()[0];
    std::thread::spawn(move || actix_web::rt::System::new().block_on(server.run()));
    let url = format!("http://{addr}/statefun");

    let started = wait_for(&log, "serving 2 function(s)");
    assert!(
        started.contains(&format!(
            " INFO statefun_actix::server: listening on {url}\n"
        )),
        "{started}"
    );
    assert!(
        started.contains(
            " INFO statefun_actix::server: serving 2 function(s): demo/echo, demo/fail\n"
        ),
        "{started}"
    );

    log.clear();
    assert_eq!(post(&url, &request("demo/echo")), 200);
    assert_eq!(post(&url, &request("demo/fail")), 500);
    let failed = wait_for(&log, "request failed");
    let lines: Vec<&str> = failed.lines().collect();
    assert_eq!(
        lines.len(),
        1,
        "one line per failed batch, none for 200: {failed}"
    );
    assert!(lines[0].contains(" ERROR statefun.request{"), "{failed}");
    assert!(lines[0].contains("status=500"), "{failed}");
    assert!(
        lines[0].contains("function demo/fail (id `ann`) failed: the cart is on fire"),
        "{failed}"
    );

    log.clear();
    assert_eq!(post(&format!("http://{addr}/"), &request("demo/echo")), 404);
    let unserved = wait_for(&log, "no StateFun endpoint");
    let lines: Vec<&str> = unserved.lines().collect();
    assert_eq!(lines.len(), 1, "{unserved}");
    assert!(lines[0].contains(" WARN statefun::http:"), "{unserved}");
    assert!(
        lines[0].contains(&format!(
            "no StateFun endpoint at `/`: this service answers POST requests at `/statefun`; set `urlPathTemplate: {url}` in module.yaml"
        )),
        "{unserved}"
    );
    assert!(lines[0].contains("method=POST path=\"/\""), "{unserved}");
}

#[test]
fn the_service_logs_its_start_failed_batches_and_unserved_paths_in_a_process_of_its_own() {
    crate::in_child_process(
        module_path!(),
        "the_service_logs_its_start_failed_batches_and_unserved_paths",
    );
}
