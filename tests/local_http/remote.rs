//! The local runtime driving a real function service over HTTP (our own actix service on
//! a loopback port) and module.yaml parsing; `cli.rs` covers the `statefun-local` command.

use std::time::Duration;

use statefun::{
    Address, TypeName,
    local::{EgressRecord, LocalRuntime},
    remote::{self, FunctionPattern, HttpTransport},
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
        HttpTransport::new(&endpoints[1].url_path_template).url_for("fn"),
        "http://localhost:9000/fn"
    );
    use remote::{EndpointProblem, ModuleError};
    let problem = |yaml: &str| match remote::http_endpoints(yaml) {
        Err(ModuleError::Invalid { document, problem }) => (document, problem),
        other => panic!("expected an invalid endpoint, got {other:?}"),
    };
    let kind = "kind: io.statefun.endpoints.v2/http\n";
    assert_eq!(
        problem(&format!("{kind}spec: {{}}\n")),
        (0, EndpointProblem::Missing("functions"))
    );
    let (_, missing_url) = problem(&format!("kind: x\n---\n{kind}spec:\n  functions: a/*\n"));
    assert_eq!(missing_url, EndpointProblem::Missing("urlPathTemplate"));
    assert!(matches!(
        problem(&format!(
            "{kind}spec:\n  functions: a/b/c\n  urlPathTemplate: u\n"
        ))
        .1,
        EndpointProblem::Functions(_)
    ));
    // A namespace pattern needs a namespace of one part; anything else must be a typename.
    for functions in ["/*", "a/b/*"] {
        let yaml = format!("{kind}spec:\n  functions: {functions}\n  urlPathTemplate: u\n");
        assert!(
            matches!(problem(&yaml).1, EndpointProblem::Functions(_)),
            "{functions}"
        );
    }
    assert_eq!(
        problem(&format!(
            "{kind}spec:\n  functions: a/*\n  urlPathTemplate: u\n  maxNumBatchRequests: -1\n"
        ))
        .1,
        EndpointProblem::MaxNumBatchRequests
    );
    let yaml = remote::http_endpoints("kind: x\nspec: [1,\n").unwrap_err();
    assert!(
        matches!(
            &yaml,
            ModuleError::Yaml {
                line: 3,
                column: 1,
                ..
            }
        ),
        "{yaml:?}"
    );
    assert!(
        yaml.to_string()
            .starts_with("module.yaml is not valid YAML: "),
        "{yaml}"
    );
    let err = remote::http_endpoints(&format!("kind: x\n---\n{kind}spec: {{}}\n")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "module.yaml document 1: `spec.functions` is missing"
    );
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
