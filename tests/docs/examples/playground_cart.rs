//! The playground's shopping cart, ported (`examples/playground_cart/`): its module.yaml,
//! unchanged, runs it through the local runtime and through `statefun-local`, both fed the
//! Kafka records of `input.jsonl`, and both produce `expected.jsonl`; `--check` finds each
//! mistake seeded into the module.yaml, one line each. (The real runtime runs it in the
//! end-to-end suite: `tests/e2e/run.sh cart`.)

use std::{path::Path, process::Output};

use serde_json::Value as Json;
use statefun::{
    Bytes,
    local::{EgressRecord, LocalRuntime},
    module::{IngressRecord, Module},
};

use super::Service;

#[path = "../../../examples/playground_cart/main.rs"]
#[allow(dead_code)]
mod cart;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/playground_cart");

fn file(name: &str) -> String {
    std::fs::read_to_string(Path::new(DIR).join(name)).unwrap()
}

fn json_lines(text: &str) -> Vec<Json> {
    text.lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

/// The multiset of `lines` as sorted canonical text.
fn multiset(lines: &[Json]) -> Vec<String> {
    let mut lines: Vec<String> = lines.iter().map(Json::to_string).collect();
    lines.sort();
    lines
}

#[tokio::test]
async fn the_module_and_the_input_run_through_the_local_runtime() {
    let module = Module::read(Path::new(DIR).join("module.yaml")).unwrap();
    assert_eq!(module.check(&cart::functions().catalog()), []);
    let mut runtime = LocalRuntime::new(cart::functions()).with_module(module);
    let mut receipts = Vec::new();
    for line in json_lines(&file("input.jsonl")) {
        if let Some(ms) = line["advance_ms"].as_u64() {
            runtime
                .advance(std::time::Duration::from_millis(ms))
                .await
                .unwrap();
            continue;
        }
        let value = match &line["text"] {
            Json::String(text) => Bytes::from(text.clone()),
            _ => Bytes::from(line["value"].to_string()),
        };
        let record = IngressRecord::kafka(
            line["topic"].as_str().unwrap(),
            line["key"].as_str().unwrap(),
            value,
        );
        assert_eq!(runtime.ingest(&record).unwrap(), 1, "{line}");
        runtime.run_until_quiescent().await.unwrap();
        for (_, record) in runtime.take_all_egress() {
            let EgressRecord::Kafka(kafka) = record else {
                panic!("{record:?}")
            };
            let value: Json = kafka.value_as::<cart::Receipt>().map_or_else(
                |e| panic!("{e}"),
                |receipt| serde_json::to_value(receipt).unwrap(),
            );
            receipts
                .push(serde_json::json!({"topic": kafka.topic, "key": kafka.key, "value": value}));
        }
    }
    assert_eq!(
        multiset(&receipts),
        multiset(&json_lines(&file("expected.jsonl")))
    );
    // The emptied basket was saved (the original's bug, fixed): user 2's basket is empty.
    let basket = runtime
        .state_of(&cart::user_shopping_cart::address("2"))
        .unwrap();
    assert_eq!(basket.basket.get().map(|b| b.basket.len()), Some(0));
}

/// `statefun-local` with `args` and the cart's directory as its working directory.
fn statefun_local(args: &[&str], stdin: &str) -> Output {
    use std::io::Write;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_statefun-local"))
        .args(args)
        .current_dir(DIR)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    child.wait_with_output().unwrap()
}

#[test]
fn the_module_and_the_input_run_through_statefun_local() {
    let service = Service::start("playground_cart");
    let url = service.origin() + "/";
    let output = statefun_local(
        &[
            "--endpoint",
            &url,
            "--expected",
            "expected.jsonl",
            "module.yaml",
        ],
        &file("input.jsonl"),
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(
        stderr
            .ends_with("egress records: 3, failures: 0, differences from the expected egress: 0\n"),
        "{stderr}"
    );
    // Each receipt names the input line that caused it: the checkouts.
    let lines: Vec<u64> = json_lines(&stdout)
        .iter()
        .map(|line| line["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [11, 17, 21]);
}

#[test]
fn check_finds_each_seeded_mistake_in_one_line() {
    let service = Service::start("playground_cart");
    let url = service.origin() + "/";
    let module = file("module.yaml");
    let dir = std::env::temp_dir().join(format!("statefun-cart-check-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let check = |name: &str, yaml: &str| {
        let path = dir.join(name);
        std::fs::write(&path, yaml).unwrap();
        let path = path.to_str().unwrap().to_owned();
        let output = statefun_local(
            &["--check", "--endpoint", &url, &path],
            &file("input.jsonl"),
        );
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        let lines: Vec<String> = stdout
            .lines()
            .map(|line| {
                line.strip_prefix(&format!("{path}: "))
                    .unwrap_or(line)
                    .to_owned()
            })
            .collect();
        (output.status.code(), lines)
    };

    assert_eq!(check("correct.yaml", &module), (Some(0), vec![]));

    let wrong_type = module.replace(
        "valueType: com.example/Checkout",
        "valueType: com.example/CheckOut",
    );
    assert_eq!(
        check("wrong-type.yaml", &wrong_type),
        (
            Some(1),
            vec!["line 34: Kafka ingress example.com/checkout, topic checkout: sends com.example/CheckOut to com.example/user-shopping-cart, which takes `com.example/AddToCart`, `com.example/ItemAvailability`, `com.example/ClearCart`, `com.example/Checkout`".to_owned()]
        )
    );

    // A URL with `=` in it (a query) is a URL, not a `pattern=url` override.
    let path = dir.join("correct.yaml");
    let output = statefun_local(
        &[
            "--check",
            "--endpoint",
            &format!("{url}?a=b"),
            path.to_str().unwrap(),
        ],
        &file("input.jsonl"),
    );
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    // The summary counts the mismatches, and the lines that failed for them.
    let path = dir.join("wrong-type.yaml");
    let output = statefun_local(
        &["--check", "--endpoint", &url, path.to_str().unwrap()],
        &file("input.jsonl"),
    );
    let summary = String::from_utf8_lossy(&output.stderr);
    assert!(
        summary.contains(", failures: 3, mismatches: 1"),
        "{summary}"
    );

    let unserved = module.replace("        - com.example/stock", "        - inventory/stock");
    assert_eq!(
        check("unserved.yaml", &unserved),
        (
            Some(1),
            vec!["line 45: Kafka ingress com.example/restock-items, topic restock-items: targets inventory/stock, which no endpoint of the module serves".to_owned()]
        )
    );

    let typo = module.replace(
        "        - com.example/stock",
        "        - com.example/stocks",
    );
    let (status, lines) = check("typo.yaml", &typo);
    assert_eq!(status, Some(1));
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].starts_with("line 45: Kafka ingress com.example/restock-items, topic restock-items: targets com.example/stocks, which the endpoint at line 5 routes to this service, but the service has no such function (it has com.example/stock, com.example/user-shopping-cart)"),
        "{lines:?}"
    );

    let undeclared = module.replace("id: com.example/receipts", "id: com.example/receipt");
    let (status, lines) = check("undeclared.yaml", &undeclared);
    assert_eq!(status, Some(1));
    assert_eq!(
        lines,
        [
            "input line 11: com.example/user-shopping-cart/1 sent to egress com.example/receipts, which the module does not declare (it declares: com.example/receipt): the StateFun runtime would fail the job"
        ]
    );
}
