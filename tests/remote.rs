//! The local runtime driving a real function service over HTTP (our own actix service on
//! a loopback port), module.yaml parsing, and the `statefun-local` command line.

#![cfg(all(feature = "cli", feature = "actix"))]

use std::{
    io::Write,
    net::TcpListener,
    process::{Command, Stdio},
    time::Duration,
};

use statefun::{
    Address, Context, EgressMessage, Functions, Message, OutgoingMessage, StateSpec, TypeName,
    Value,
    local::{EgressRecord, LocalRuntime},
    remote::{self, FunctionPattern, HttpEndpoint},
};

#[derive(StateSpec)]
struct Seen {
    seen: Value<i32>,
}

/// Counts visits, greets through a Kafka egress, and asks for a reminder a second later.
#[statefun::function(typename = "demo/greeter")]
async fn greet(
    ctx: &mut Context,
    state: &mut Seen,
    msg: Message,
) -> Result<(), statefun::BoxError> {
    let name = msg.as_string()?;
    let seen = state.seen.get().copied().unwrap_or(0) + 1;
    state.seen.set(seen);
    ctx.send_egress(
        EgressMessage::kafka(TypeName::from_static("demo/greetings"))
            .topic("greetings")
            .key(name.clone())
            .value(format!("hello {name} #{seen}"))
            .build()?,
    );
    if name != "reminder" {
        let me = ctx.self_address().clone();
        ctx.send_after(Duration::from_secs(1), OutgoingMessage::new(me, "reminder"));
    }
    Ok(())
}

fn functions() -> Functions {
    Functions::new().with(greet)
}

/// Starts our actix service on an ephemeral loopback port; returns its base URL.
fn start_service() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let endpoint = statefun::actix::Endpoint::new(functions());
            actix_web::HttpServer::new(move || actix_web::App::new().service(endpoint.clone()))
                .workers(1)
                .listen(listener)
                .unwrap()
                .run()
                .await
        })
    });
    format!("http://127.0.0.1:{port}/statefun")
}

fn kafka_values(records: Vec<EgressRecord>) -> Vec<String> {
    records
        .into_iter()
        .map(|r| match r {
            EgressRecord::Kafka(k) => String::from_utf8(k.value_bytes.to_vec()).unwrap(),
            other => panic!("expected Kafka, got {other:?}"),
        })
        .collect()
}

#[tokio::test]
async fn the_local_runtime_drives_our_actix_service_over_http() {
    let url = start_service();
    let mut rt = LocalRuntime::empty().with_namespace_endpoint("demo", HttpEndpoint::new(url));
    let alice = Address::new(TypeName::from_static("demo/greeter"), "alice");
    rt.send(alice.clone(), "alice").unwrap();
    rt.send(alice.clone(), "alice").unwrap();
    let report = rt.run_until_quiescent().await.unwrap();
    assert_eq!(
        report.requests, 3,
        "negotiation, then a batch of 1, then a batch of 1"
    );
    assert!(rt.batches()[0].incomplete);
    assert_eq!(rt.state::<i32>(&alice, "seen").unwrap(), Some(2));
    let greetings = TypeName::from_static("demo/greetings");
    assert_eq!(
        kafka_values(rt.take_egress(&greetings)),
        ["hello alice #1", "hello alice #2"]
    );

    rt.advance(Duration::from_secs(1)).await.unwrap();
    assert_eq!(
        kafka_values(rt.take_egress(&greetings)),
        ["hello reminder #3", "hello reminder #4"]
    );
}

#[tokio::test]
async fn an_http_error_is_reported_with_its_status_and_body() {
    let url = start_service();
    let mut rt = LocalRuntime::empty().with_namespace_endpoint("demo", HttpEndpoint::new(url));
    rt.send(
        Address::new(TypeName::from_static("demo/unknown"), "x"),
        "hi",
    )
    .unwrap();
    let err = rt.run_until_quiescent().await.unwrap_err().to_string();
    assert!(err.contains("404") && err.contains("demo/unknown"), "{err}");
}

#[test]
fn module_yaml_endpoints_are_parsed() {
    let yaml = "\
kind: io.statefun.endpoints.v2/http
spec:
  functions: demo/*
  urlPathTemplate: http://localhost:8000/statefun
  maxNumBatchRequests: 10
---
kind: io.statefun.kafka.v1/egress
spec:
  id: demo/greetings
---
kind: io.statefun.endpoints.v2/http
spec:
  functions: other/fn
  urlPathTemplate: http://localhost:9000/{function.name}
";
    let endpoints = remote::http_endpoints(yaml).unwrap();
    assert_eq!(endpoints.len(), 2);
    assert_eq!(
        endpoints[0].functions,
        FunctionPattern::Namespace("demo".into())
    );
    assert_eq!(endpoints[0].max_num_batch_requests, Some(10));
    assert_eq!(
        endpoints[1].functions,
        FunctionPattern::Exact(TypeName::from_static("other/fn"))
    );
    assert_eq!(
        HttpEndpoint::new(&endpoints[1].url_path_template).url_for("fn"),
        "http://localhost:9000/fn"
    );
    let err =
        remote::http_endpoints("kind: io.statefun.endpoints.v2/http\nspec: {}\n").unwrap_err();
    assert!(err.to_string().contains("spec.functions"), "{err}");
}

#[test]
fn the_generated_module_yaml_is_understood_by_the_runtime_reader() {
    let yaml = functions().module_yaml("http://127.0.0.1:1/statefun");
    let endpoints = remote::http_endpoints(&yaml).unwrap();
    assert_eq!(endpoints.len(), 1);
    assert_eq!(
        endpoints[0].functions,
        FunctionPattern::Namespace("demo".into())
    );
}

#[test]
fn the_command_line_prints_egress_and_failures_as_json_lines() {
    let url = start_service();
    let dir = std::env::temp_dir().join(format!("statefun-local-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let module = dir.join("module.yaml");
    std::fs::write(&module, functions().module_yaml(&url)).unwrap();

    let mut child = Command::new(env!("CARGO_BIN_EXE_statefun-local"))
        .arg(&module)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(
            br#"{"target": "demo/greeter/bob", "typename": "io.statefun.types/string", "value": "bob"}
{"target": "demo/greeter/bob", "typename": "io.statefun.types/int", "value": 7}
{"advance_ms": 1000}
"#,
        )
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success());
    let lines: Vec<serde_json::Value> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert_eq!(lines[0]["egress"], "demo/greetings");
    assert_eq!(lines[0]["kafka"]["value"], "hello bob #1");
    assert_eq!(lines[0]["kafka"]["key"], "bob");
    assert_eq!(lines[1]["line"], 2);
    let error = lines[1]["error"].as_str().unwrap();
    assert!(
        error.contains("500") && error.contains("io.statefun.types/int"),
        "{error}"
    );
    assert_eq!(lines[2]["kafka"]["value"], "hello reminder #2");
    std::fs::remove_dir_all(dir).unwrap();
}
