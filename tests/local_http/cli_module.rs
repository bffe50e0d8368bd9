//! `statefun-local` running an application from its module.yaml: records routed by the
//! ingresses, endpoint overrides, undeclared egresses, `--expected`. (The playground cart
//! runs through all of it in `tests/docs`, with `--check`.)

use serde_json::json;

use crate::{
    cli::{json_lines, scratch, statefun_local, text},
    service,
};

/// A module.yaml whose endpoint names `url`, with a Kafka ingress `names` to the greeter
/// and a Kinesis ingress `notes` to the notes, declaring `egresses`.
fn module(test: &str, url: &str, egresses: &[&str]) -> std::path::PathBuf {
    let mut yaml = format!(
        "kind: io.statefun.endpoints.v2/http
spec:
  functions: demo/*
  urlPathTemplate: {url}
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
kind: io.statefun.kinesis.v1/ingress
spec:
  id: demo/notes
  streams:
    - stream: notes
      valueType: io.statefun.types/string
      targets:
        - demo/notes
"
    );
    for egress in egresses {
        yaml.push_str(&format!(
            "---\nkind: io.statefun.kafka.v1/egress\nspec:\n  id: {egress}\n  address: kafka:9092\n"
        ));
    }
    let path = scratch(test).join("module.yaml");
    std::fs::write(&path, yaml).unwrap();
    path
}

/// The protobuf bytes of a StateFun string, base64: what a producer writes to a topic
/// whose valueType is `io.statefun.types/string`.
fn string_base64(text: &str) -> String {
    use base64::Engine as _;
    let bytes = <String as statefun::Type>::encode(&text.to_owned()).unwrap();
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[test]
fn records_go_through_the_ingresses_to_the_endpoint_the_option_names() {
    let url = service::start_service();
    // The cluster's URL, pointed at the service with --endpoint.
    let module = module(
        "records",
        "http://functions.invalid/statefun",
        &["demo/greetings"],
    );
    let input = format!(
        r#"{{"topic": "names", "key": "bob", "base64": "{}"}}
{{"stream": "notes", "partition_key": "n1", "base64": "{}"}}
"#,
        string_base64("bob"),
        string_base64("hi")
    );
    for endpoint in [url.clone(), format!("demo/*={url}")] {
        let output = statefun_local(
            &[
                module.as_os_str(),
                "--endpoint".as_ref(),
                endpoint.as_ref(),
                "--dump-state".as_ref(),
            ],
            &input,
        );
        assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
        let lines = json_lines(&output.stdout);
        assert_eq!(
            lines[0],
            json!({"egress": "demo/greetings", "topic": "greetings", "key": "bob", "text": "hello bob #1", "line": 1})
        );
        assert!(
            lines.contains(&json!({"address": "demo/notes/n1", "state": "note", "typename": "demo/Note", "value": {"length": 2, "text": "hi"}})),
            "{lines:?}"
        );
    }
    // An override for a pattern no endpoint has is a usage error.
    let output = statefun_local(
        &[
            module.as_os_str(),
            "--endpoint".as_ref(),
            format!("shop/*={url}").as_ref(),
        ],
        "",
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output.stderr).contains("--endpoint shop/*=http://127.0.0.1:"),
        "{}",
        text(&output.stderr)
    );
    std::fs::remove_dir_all(module.parent().unwrap()).unwrap();
}

#[test]
fn a_record_line_that_cannot_be_routed_fails_alone() {
    let url = service::start_service();
    let module = module("unroutable", &url, &["demo/greetings"]);
    let input = r#"{"topic": "nobody-reads", "key": "k", "text": "x"}
{"topic": "names", "text": "no key"}
{"topic": "names", "key": "", "text": "empty key"}
{"topic": "names", "key": "k", "text": "x", "value": "both"}
{"topic": "names", "key": "k", "base64": "not base64!"}
{"stream": "names", "partition_key": "k", "text": "a Kafka topic is no Kinesis stream"}
"#;
    let output = statefun_local(&[&module], input);
    assert_eq!(output.status.code(), Some(1));
    let errors: Vec<String> = json_lines(&output.stdout)
        .iter()
        .map(|line| line["error"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        errors[..4],
        [
            "no Kafka ingress of the module reads topic `nobody-reads` (they read: names)",
            "a Kafka record needs a `key` (a string): the key is the id of the instance it goes to",
            "the record of topic `names` has an empty key: the key is the id of the instance it goes to",
            "a record has its value as exactly one of `value` (JSON), `text` (UTF-8) or `base64`",
        ]
    );
    assert!(errors[4].starts_with("`base64`: "), "{}", errors[4]);
    assert_eq!(
        errors[5],
        "no Kinesis ingress of the module reads stream `names` (they read: notes)"
    );
    std::fs::remove_dir_all(module.parent().unwrap()).unwrap();
}

#[test]
fn an_egress_the_module_does_not_declare_fails_the_line() {
    let url = service::start_service();
    let module = module("undeclared", &url, &["demo/other"]);
    let input = format!(
        r#"{{"topic": "names", "key": "bob", "base64": "{}"}}"#,
        string_base64("bob")
    );
    let output = statefun_local(&[&module], &input);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        json_lines(&output.stdout),
        [
            json!({"line": 1, "error": "demo/greeter/bob sent to egress demo/greetings, which the module does not declare (it declares: demo/other): the StateFun runtime would fail the job"})
        ]
    );
    std::fs::remove_dir_all(module.parent().unwrap()).unwrap();
}

#[test]
fn expected_compares_the_egress_as_a_multiset_on_the_fields_it_uses() {
    let url = service::start_service();
    let module = module("expected", &url, &["demo/greetings"]);
    let input = [("bob", 1), ("amy", 1)]
        .iter()
        .map(|(name, _)| {
            format!(
                r#"{{"topic": "names", "key": "{name}", "base64": "{}"}}"#,
                string_base64(name)
            )
        })
        .collect::<Vec<_>>()
        .join("\n");
    let expected = module.with_file_name("expected.jsonl");
    let run = |lines: &str| {
        std::fs::write(&expected, lines).unwrap();
        statefun_local(
            &[
                module.as_os_str(),
                "--expected".as_ref(),
                expected.as_os_str(),
            ],
            &input,
        )
    };
    // In another order, without `egress` and `line`.
    let output = run(
        r#"{"topic": "greetings", "key": "amy", "text": "hello amy #1"}
{"topic": "greetings", "key": "bob", "text": "hello bob #1"}
"#,
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let output = run(
        r#"{"topic": "greetings", "key": "bob", "text": "hello bob #1"}
{"topic": "greetings", "key": "bob", "text": "hello bob #1"}
{"topic": "greetings", "key": "cy", "text": "hello cy #1"}
"#,
    );
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        text(&output.stderr),
        r#"expected: unexpected: {"key":"amy","text":"hello amy #1","topic":"greetings"} (got 1, expected none)
expected: count: {"key":"bob","text":"hello bob #1","topic":"greetings"} (expected 2, got 1)
expected: missing: {"key":"cy","text":"hello cy #1","topic":"greetings"} (expected 1, got none)
lines read: 2, messages delivered: 2, batches: 3, egress records: 2, failures: 0, differences from the expected egress: 3
"#
    );
    std::fs::remove_dir_all(module.parent().unwrap()).unwrap();
}

#[test]
fn the_functions_read_the_virtual_clock_over_http() {
    let url = service::start_service();
    let module = module("clock", &url, &[]);
    let message =
        r#"{"target": "demo/clock/c", "typename": "io.statefun.types/string", "value": "now?"}"#;
    let input = format!("{message}\n{{\"advance_ms\": 1500}}\n{message}\n");
    let output = statefun_local(&[&module], &input);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let times: Vec<i64> = json_lines(&output.stdout)
        .iter()
        .map(|line| line["value"].as_i64().unwrap())
        .collect();
    assert_eq!(times.len(), 2, "{times:?}");
    assert_eq!(times[1] - times[0], 1500, "exactly the time advanced");
}
