//! The local runtime driving a real function service over HTTP (our own actix service on
//! a loopback port), as a module.yaml says; `cli.rs` covers the `statefun-local` command.

use std::time::Duration;

use statefun::{
    Address, TypeName,
    local::{EgressRecord, LocalRuntime},
    module::{FunctionPattern, IngressRecord, Module},
    remote::{self, HttpTransport},
};

use crate::service::{functions, start_service};

fn kafka_values(records: Vec<EgressRecord>) -> Vec<String> {
    records
        .into_iter()
        .map(|r| match r {
            EgressRecord::Kafka(k) => String::from_utf8(k.value.to_vec()).unwrap(),
            other => panic!("expected Kafka, got {other:?}"),
        })
        .collect()
}

#[tokio::test]
async fn the_local_runtime_drives_our_actix_service_over_http() {
    let url = start_service();
    let mut rt = LocalRuntime::empty().with_namespace_transport("demo", HttpTransport::new(url));
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
async fn an_answer_of_megabytes_is_read_whole() {
    let url = start_service();
    let mut rt = LocalRuntime::empty().with_namespace_transport("demo", HttpTransport::new(url));
    let keeper = Address::new(TypeName::from_static("demo/primitives"), "big");
    // The answer carries the text back as state: 2 MiB, under the runtime's 32 MiB cap.
    let text = "x".repeat(2 * 1024 * 1024);
    rt.send(keeper.clone(), text.as_str()).unwrap();
    rt.run_until_quiescent().await.unwrap();
    let kept = rt.state::<String>(&keeper, "text").unwrap();
    assert_eq!(kept.map(|t| t.len()), Some(text.len()));
}

#[tokio::test]
async fn an_http_error_is_reported_with_its_status_and_body() {
    let url = start_service();
    let mut rt = LocalRuntime::empty().with_namespace_transport("demo", HttpTransport::new(url));
    rt.send(
        Address::new(TypeName::from_static("demo/unknown"), "x"),
        "hi",
    )
    .unwrap();
    let err = rt.run_until_quiescent().await.unwrap_err().to_string();
    assert!(err.contains("404") && err.contains("demo/unknown"), "{err}");
}

#[tokio::test]
async fn a_runtime_for_a_module_calls_its_endpoints_and_routes_its_ingresses() {
    let url = start_service();
    let yaml = "\
kind: io.statefun.endpoints.v2/http
spec:
  functions: demo/*
  urlPathTemplate: http://functions.invalid:8000/statefun
  maxNumBatchRequests: 10
---
kind: io.statefun.kafka.v1/ingress
spec:
  id: demo/names
  address: kafka:9092
  topics:
    - topic: names
      valueType: io.statefun.types/string
      targets:
        - demo/greeter
---
kind: io.statefun.kafka.v1/egress
spec:
  id: demo/greetings
";
    let module = Module::parse(yaml).unwrap();
    // The cluster's module.yaml names a host this machine does not know: the call fails,
    // naming the URL it tried.
    let mut rt = remote::runtime_for(module.clone());
    let name = <String as statefun::Type>::encode(&"bob".to_owned()).unwrap();
    rt.ingest(&IngressRecord::kafka("names", "bob", name.clone()))
        .unwrap();
    let error = rt.run_until_quiescent().await.unwrap_err().to_string();
    assert!(
        error.contains("POST http://functions.invalid:8000/statefun: "),
        "{error}"
    );

    let mut rt = remote::runtime_for(module.with_endpoint_url(&url));
    rt.ingest(&IngressRecord::kafka("names", "bob", name))
        .unwrap();
    rt.run_until_quiescent().await.unwrap();
    let bob = Address::new(TypeName::from_static("demo/greeter"), "bob");
    assert_eq!(rt.state::<i32>(&bob, "seen").unwrap(), Some(1));
    assert_eq!(
        kafka_values(rt.take_egress(&TypeName::from_static("demo/greetings"))),
        ["hello bob #1"]
    );
}

#[test]
fn the_generated_module_yaml_is_understood_by_the_runtime_reader() {
    let yaml = functions().module_yaml("http://127.0.0.1:1/statefun");
    let module = Module::parse(&yaml).unwrap();
    assert_eq!(module.endpoints().len(), 1);
    assert_eq!(
        module.endpoints()[0].functions,
        FunctionPattern::Namespace("demo".into())
    );
    // It covers every function of the service.
    assert_eq!(module.check(&functions().catalog()), []);
}
