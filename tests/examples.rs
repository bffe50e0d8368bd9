//! The examples: the built `greeter`, `own_server`, `axum_greeter` and `hyper_greeter`
//! binaries serve real requests over HTTP (the greeters answer the conformance vector
//! `a-greeter` as the Python SDK did), and the shopping cart's functions behave as
//! documented under the in-process local runtime.
//!
//! The binaries are the ones `cargo test` builds next to this test
//! (`target/<profile>/examples/`); run `cargo build --examples` first when running this
//! test alone with `--test examples`.
#![cfg(feature = "actix")]

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

#[path = "../examples/shopping_cart.rs"]
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
        "{} is missing: `cargo test` builds it; with `--test examples` run `cargo build --examples` first",
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

#[test]
fn greeter_example_answers_the_conformance_request() {
    let service = Service::start("greeter");
    let printed = service.printed();
    assert!(
        printed.contains("kind: io.statefun.endpoints.v2/http")
            && printed.contains("functions: demo/*")
            && printed.contains("urlPathTemplate: http://localhost:"),
        "module.yaml on stdout:\n{printed}"
    );

    // demo/greeter/alice with seen = 41, one message "alice".
    let vector = conformance::vector("a-greeter");
    let (status, content_type, body) = service.post(&vector.request);
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    assert_eq!(content_type, "application/octet-stream");

    let result = invocation_result(&body);
    assert!(result.outgoing_messages.is_empty());
    assert!(result.delayed_invocations.is_empty());
    assert!(result.outgoing_egresses.is_empty());
    let [seen] = &result.state_mutations[..] else {
        panic!("expected one mutation: {:?}", result.state_mutations);
    };
    assert_eq!(seen.state_name, "seen");
    assert_eq!(
        seen.mutation_type,
        from_function::persisted_value_mutation::MutationType::Modify as i32
    );
    let value = seen.state_value.clone().unwrap();
    assert_eq!(value.typename, "io.statefun.types/int");
    assert_eq!(<i32 as Type>::decode(value.value).unwrap(), 42);

    // The answer matches the official Python SDK's, byte for byte.
    assert_eq!(body, vector.python_response);

    // Nothing fails silently: the start, a failed batch and a wrong path are on stderr.
    let port = service
        .url
        .split(':')
        .nth(2)
        .unwrap()
        .trim_end_matches("/statefun");
    let started = service.logged("serving 1 function(s): demo/greeter");
    assert!(
        started.contains(&format!("listening on http://127.0.0.1:{port}/statefun")),
        "{started}"
    );
    // The same request with an int argument: the greeter reads a string, so it fails.
    let mut wrong_type = ToFunction::decode(&vector.request[..]).unwrap();
    let Some(to_function::Request::Invocation(batch)) = &mut wrong_type.request else {
        panic!("a-greeter is an invocation batch");
    };
    batch.invocations[0].argument = Some(typed(&7));
    let (status, _, _) = service.post(&wrong_type.encode_to_vec());
    assert_eq!(status, 500);
    let failed = service.logged("request failed");
    assert!(
        failed.contains("ERROR") && failed.contains("function demo/greeter (id `alice`) failed"),
        "{failed}"
    );
    let (status, _, text) = service.post_to(&format!("http://127.0.0.1:{port}/"), b"");
    assert_eq!(status, 404, "{}", String::from_utf8_lossy(&text));
    service.logged("WARN");
    assert!(
        service
            .logged("no StateFun endpoint at `/`")
            .contains("WARN")
    );

    #[cfg(unix)]
    service.stop();
}

/// An example that serves `demo/greeter` some other way than `statefun::serve`: it answers
/// the conformance request `a-greeter` byte for byte as the Python SDK did, and answers
/// another path 404 with the text of `statefun::http`.
fn assert_serves_the_greeter(service: &Service) {
    let vector = conformance::vector("a-greeter");
    let (status, content_type, body) = service.post(&vector.request);
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    assert_eq!(content_type, "application/octet-stream");
    assert_eq!(body, vector.python_response);

    let base = service.url.trim_end_matches("/statefun");
    let (status, content_type, text) = service.post_to(&format!("{base}/nowhere"), b"");
    let text = String::from_utf8(text).unwrap();
    assert_eq!(
        (status, content_type.as_str()),
        (404, "text/plain; charset=utf-8"),
        "{text}"
    );
    assert!(
        text.starts_with(
            "no StateFun endpoint at `/nowhere`: this service answers POST requests at `/statefun`"
        ),
        "{text}"
    );
}

#[cfg(feature = "axum")]
#[test]
fn axum_greeter_example_serves_its_routes_and_stops_gracefully() {
    let service = Service::start("axum_greeter");
    assert!(
        service
            .printed()
            .contains("urlPathTemplate: http://localhost:")
    );
    assert_serves_the_greeter(&service);
    let base = service.url.trim_end_matches("/statefun").to_owned();
    let mut health = agent().get(format!("{base}/health")).call().unwrap();
    assert_eq!(health.status(), 200);
    assert_eq!(health.body_mut().read_to_string().unwrap(), "ok");
    #[cfg(unix)]
    service.stop();
}

#[test]
fn hyper_greeter_example_serves_the_handler_without_an_integration() {
    let service = Service::start("hyper_greeter");
    assert_serves_the_greeter(&service);
    let answer = agent().get(&service.url).call().unwrap();
    assert_eq!(answer.status(), 405);
    assert_eq!(answer.headers()["allow"], "POST");
}

#[test]
fn own_server_example_serves_its_routes_and_stops_gracefully() {
    let service = Service::start("own_server");
    let base = service.url.trim_end_matches("/statefun").to_owned();
    let mut version = agent().get(format!("{base}/version")).call().unwrap();
    assert_eq!(version.status(), 200);
    assert_eq!(
        version.body_mut().read_to_string().unwrap(),
        env!("CARGO_PKG_VERSION")
    );

    // demo/echo/alice, called by demo/greeter/bob with "hi": the reply goes to bob.
    let request = Batch::to("demo/echo", "alice")
        .invocation(Some(address("demo/greeter", "bob")), Some(string("hi")))
        .encode();
    let (status, _, body) = service.post(&request);
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let result = invocation_result(&body);
    let reply = &result.outgoing_messages[0];
    assert_eq!(reply.target, Some(address("demo/greeter", "bob")));
    assert_eq!(
        <String as Type>::decode(reply.argument.clone().unwrap().value).unwrap(),
        "hi"
    );

    let (status, _, text) = service.post_to(&format!("{base}/other"), &request);
    assert_eq!(status, 404);
    assert!(
        String::from_utf8_lossy(&text).starts_with("no StateFun endpoint at `/other`"),
        "{}",
        String::from_utf8_lossy(&text)
    );

    #[cfg(unix)]
    service.stop();
}

#[test]
fn shopping_cart_example_serves_and_prints_its_egress() {
    let service = Service::start("shopping_cart");
    let printed = service.printed();
    assert!(
        printed.contains("functions: shop/*") && printed.contains("id: shop/receipts"),
        "module.yaml on stdout:\n{printed}"
    );

    // The runtime's first request for shop/stock/socks carries no state: the service asks
    // for it.
    let request = Batch::to("shop/stock", "socks")
        .message(typed(&RestockItem { quantity: 3 }))
        .encode();
    let (status, _, body) = service.post(&request);
    assert_eq!(status, 200);
    assert_eq!(missing_states(&body)[0].state_name, "stock");
}

// ------------------------------------------------------------------ the cart's behaviour

fn user(id: &str) -> Address {
    Address::new(shopping_cart::shopping_cart::TYPE_NAME, id)
}

fn item(id: &str) -> Address {
    Address::new(shopping_cart::inventory::TYPE_NAME, id)
}

const RECEIPTS: TypeName = TypeName::from_static("shop/receipts");
const MINUTE: Duration = Duration::from_secs(60);

fn add(item_id: &str, quantity: u32) -> AddToCart {
    AddToCart {
        item_id: item_id.into(),
        quantity,
    }
}

fn kafka(record: &EgressRecord) -> (&str, &str, &[u8]) {
    let EgressRecord::Kafka(record) = record else {
        panic!("expected a Kafka record: {record:?}");
    };
    (&record.topic, &record.key, &record.value)
}

#[tokio::test]
async fn cart_asks_the_stock_and_checks_out_to_kafka_cancelling_the_reminder()
-> Result<(), Box<dyn std::error::Error>> {
    let mut runtime = LocalRuntime::new(shopping_cart::functions());
    runtime.send(item("socks"), &RestockItem { quantity: 5 })?;
    runtime.send(user("alice"), &add("socks", 2))?;
    runtime.run_until_quiescent().await?;

    let cart: Option<Cart> = runtime.state(&user("alice"), "cart")?;
    assert_eq!(cart.unwrap().items["socks"], 2);
    assert_eq!(runtime.state::<i32>(&item("socks"), "stock")?, Some(3));
    assert_eq!(runtime.pending_delayed(), 1, "a reminder is scheduled");

    // More than in stock: nothing changes.
    runtime.send(user("alice"), &add("socks", 10))?;
    runtime.run_until_quiescent().await?;
    assert_eq!(
        runtime
            .state::<Cart>(&user("alice"), "cart")?
            .unwrap()
            .items["socks"],
        2
    );
    assert_eq!(runtime.state::<i32>(&item("socks"), "stock")?, Some(3));

    // Another add replaces the reminder.
    runtime.advance(20 * MINUTE).await?;
    runtime.send(user("alice"), &add("socks", 1))?;
    runtime.run_until_quiescent().await?;
    assert_eq!(
        runtime.pending_delayed(),
        1,
        "the reminder was rescheduled, not added"
    );
    runtime.advance(20 * MINUTE).await?;
    assert!(runtime.take_egress(&RECEIPTS).is_empty(), "no reminder yet");

    runtime.send(user("alice"), &Checkout {})?;
    runtime.run_until_quiescent().await?;
    let records = runtime.take_egress(&RECEIPTS);
    let [receipt] = &records[..] else {
        panic!("expected one receipt: {records:?}");
    };
    let (topic, key, value) = kafka(receipt);
    assert_eq!((topic, key), ("receipts", "alice"));
    let receipt: Receipt = serde_json::from_slice(value)?;
    assert_eq!(receipt.user_id, "alice");
    assert_eq!(receipt.items["socks"], 3);
    assert_eq!(
        runtime.state::<Cart>(&user("alice"), "cart")?,
        None,
        "the cart is emptied"
    );
    assert_eq!(
        runtime.pending_delayed(),
        0,
        "checkout cancelled the reminder"
    );

    runtime.advance(24 * 60 * MINUTE).await?;
    assert!(
        runtime.take_egress(&RECEIPTS).is_empty(),
        "no reminder after checkout"
    );
    Ok(())
}

#[tokio::test]
async fn abandoned_cart_gets_a_reminder_and_expires_a_day_later()
-> Result<(), Box<dyn std::error::Error>> {
    let mut runtime = LocalRuntime::new(shopping_cart::functions());
    runtime.send(item("hat"), &RestockItem { quantity: 1 })?;
    runtime.send(user("bob"), &add("hat", 1))?;
    runtime.run_until_quiescent().await?;

    runtime.advance(31 * MINUTE).await?;
    let records = runtime.take_egress(&RECEIPTS);
    let [reminder] = &records[..] else {
        panic!("expected one reminder: {records:?}");
    };
    let (topic, key, value) = kafka(reminder);
    assert_eq!((topic, key), ("reminders", "bob"));
    assert_eq!(
        std::str::from_utf8(value)?,
        "bob has 1 items waiting in the cart"
    );

    // The reminder was the last call: the cart expires a day after it.
    runtime.advance(23 * 60 * MINUTE).await?;
    assert!(runtime.state::<Cart>(&user("bob"), "cart")?.is_some());
    runtime.advance(61 * MINUTE).await?;
    assert_eq!(
        runtime.state::<Cart>(&user("bob"), "cart")?,
        None,
        "expired"
    );
    Ok(())
}

#[tokio::test]
async fn unknown_messages_fail_the_batch() {
    let mut runtime = LocalRuntime::new(shopping_cart::functions());
    runtime.send(user("carol"), "hello").unwrap();
    let error = runtime.run_until_quiescent().await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "shop/cart/carol: the endpoint failed: function shop/cart (id `carol`) failed: the function does not accept `io.statefun.types/string` messages: it accepts `shop/AddToCart`, `shop/ItemAvailability`, `shop/Checkout`, `shop/Reminder`"
    );
}
