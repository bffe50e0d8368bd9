//! `statefun::logging` with `STATEFUN_LOG_FORMAT=json`: every event of a request is one JSON
//! line carrying the request span's fields (function, id, batch size, then status and
//! latency in microseconds, a number). The subscriber is global and writes to stderr, so the test runs itself again
//! as the service, with that variable set, and reads the child's stderr.

use std::{net::TcpListener, process::Command, time::Duration};

use serde_json::Value as Json;
use statefun::{BoxError, Context, Functions, Message};
use statefun_test_support::request::Batch;

/// Set in the child: serve, send the requests, exit.
const CHILD: &str = "STATEFUN_TEST_JSON_LOG_CHILD";

/// Logs a greeting from inside the batch, and fails on `fail`.
#[statefun::function(typename = "demo/greeter")]
async fn greeter(_ctx: &mut Context, msg: Message) -> Result<(), BoxError> {
    let name = msg.as_str()?;
    tracing::info!("greeting {name}");
    if name == "fail" {
        return Err("asked to fail".into());
    }
    Ok(())
}

fn post(url: &str, body: &[u8]) -> u16 {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into();
    let response = agent
        .post(url)
        .header("content-type", "application/octet-stream")
        .send(body)
        .unwrap();
    response.status().as_u16()
}

/// The child: the JSON logger from the environment, a served greeter, three requests.
fn child() {
    statefun::logging::init();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/statefun", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        let server = statefun::actix::Server::new(statefun::actix::Endpoint::new(
            Functions::new().with(greeter),
        ));
        actix_web::rt::System::new().block_on(server.listen(listener).with_workers(1).run())
    });
    let ann = Batch::to("demo/greeter", "ann").text("ann").encode();
    assert_eq!(post(&url, &ann), 200);
    let two = Batch::to("demo/greeter", "bob").texts_from(None, &["bob", "fail"]);
    assert_eq!(post(&url, &two.encode()), 500);
    let unknown = Batch::to("demo/nobody", "cy").text("cy").encode();
    assert_eq!(post(&url, &unknown), 404);
}

fn field<'a>(event: &'a Json, path: &[&str]) -> &'a Json {
    path.iter().fold(event, |value, key| &value[key])
}

#[test]
fn json_events_carry_the_request_span_fields() {
    if std::env::var_os(CHILD).is_some() {
        return child();
    }
    let output = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "logging_json::json_events_carry_the_request_span_fields",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD, "1")
        .env("STATEFUN_LOG_FORMAT", "json")
        .env("RUST_LOG", "info,statefun::http=debug")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "the child failed:\n{stderr}");

    // Every line of the log is a JSON object.
    let events: Vec<Json> = stderr
        .lines()
        .filter(|line| line.starts_with('{'))
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect();
    assert!(
        stderr.lines().all(|line| line.starts_with('{')),
        "only JSON lines:\n{stderr}"
    );
    let find = |message: &str| -> Vec<&Json> {
        events
            .iter()
            .filter(|e| {
                e["message"]
                    .as_str()
                    .unwrap_or_default()
                    .starts_with(message)
            })
            .collect()
    };

    // The function's own event, inside the batch: function, id and batch size.
    let greeting = find("greeting ann");
    assert_eq!(greeting.len(), 1, "{stderr}");
    let span = &greeting[0]["span"];
    assert_eq!(span["name"], "statefun.request", "{stderr}");
    assert_eq!(span["function"], "demo/greeter");
    assert_eq!(span["id"], "ann");
    assert_eq!(span["batch_size"], 1);
    assert_eq!(greeting[0]["level"], "INFO");
    assert_eq!(greeting[0]["target"], "http::logging_json");

    // The end of each request: the same, with status and latency (µs, a number), also the
    // event's own.
    let answered = find("request answered");
    assert_eq!(answered.len(), 1, "{stderr}");
    let span = &answered[0]["span"];
    assert_eq!(
        (
            &span["function"],
            &span["id"],
            &span["batch_size"],
            &span["status"]
        ),
        (
            &Json::from("demo/greeter"),
            &Json::from("ann"),
            &Json::from(1),
            &Json::from(200)
        )
    );
    assert!(span["latency_us"].is_u64(), "{span}");
    assert_eq!(answered[0]["latency_us"], span["latency_us"]);
    assert_eq!(answered[0]["status"], 200);
    assert!(span.get("latency").is_none(), "{span}");

    let failed = find("request failed");
    assert_eq!(failed.len(), 1, "{stderr}");
    let span = &failed[0]["span"];
    assert_eq!(
        (
            &span["function"],
            &span["id"],
            &span["batch_size"],
            &span["status"]
        ),
        (
            &Json::from("demo/greeter"),
            &Json::from("bob"),
            &Json::from(2),
            &Json::from(500)
        )
    );
    assert!(span["latency_us"].is_u64(), "{span}");
    assert_eq!(failed[0]["latency_us"], span["latency_us"]);
    assert_eq!(failed[0]["status"], 500);
    assert_eq!(failed[0]["level"], "ERROR");
    assert!(
        field(failed[0], &["error"])
            .as_str()
            .unwrap()
            .contains("asked to fail")
    );
    let in_batch = find("greeting fail");
    assert_eq!(in_batch[0]["span"]["batch_size"], 2);
    assert_eq!(in_batch[0]["span"]["id"], "bob");

    // A request for no registered function: status, no function.
    let rejected = find("request rejected");
    assert_eq!(rejected.len(), 1, "{stderr}");
    assert_eq!(rejected[0]["span"]["status"], 404);
    assert!(rejected[0]["span"].get("function").is_none(), "{stderr}");
}
