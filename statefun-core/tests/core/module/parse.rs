//! Reading a module.yaml: every kind it knows, where each entry is, and each mistake.

use statefun_core::{
    TypeName,
    module::{
        EgressKind, EntryProblem, FunctionPattern, IngressKind, Location, Module, ModuleError,
    },
};

use super::{SHOP, shop};

#[test]
fn endpoints_ingresses_and_egresses_are_read_with_their_lines() {
    let module = shop();
    let [endpoint] = module.endpoints() else {
        panic!("{module:?}")
    };
    assert_eq!(
        endpoint.functions,
        FunctionPattern::Namespace("shop".into())
    );
    assert_eq!(endpoint.url_path_template, "http://shop:8000/statefun");
    assert_eq!(endpoint.max_num_batch_requests, Some(10));
    assert_eq!(
        endpoint.location,
        Location {
            document: 0,
            line: 2
        }
    );

    let [orders] = module.ingresses() else {
        panic!("{module:?}")
    };
    assert_eq!(orders.id, TypeName::from_static("shop/orders"));
    assert_eq!(orders.kind, IngressKind::Kafka);
    assert_eq!(
        orders.location,
        Location {
            document: 1,
            line: 8
        }
    );
    assert_eq!(orders.routes.len(), 2);
    assert_eq!(orders.routes[0].source, "orders");
    assert_eq!(
        orders.routes[0].value_type,
        TypeName::from_static("shop/Order")
    );
    assert_eq!(
        orders.routes[0].targets,
        [
            TypeName::from_static("shop/cart"),
            TypeName::from_static("shop/audit")
        ]
    );
    assert_eq!(orders.routes[1].source, "restocks");

    let [receipts] = module.egresses() else {
        panic!("{module:?}")
    };
    assert_eq!(receipts.id, TypeName::from_static("shop/receipts"));
    assert_eq!(receipts.kind, EgressKind::Kafka);
    assert_eq!(receipts.location.line, 24);
    assert!(module.declares_egress(&TypeName::from_static("shop/receipts")));
    assert!(!module.declares_egress(&TypeName::from_static("shop/receipt")));
}

#[test]
fn kinesis_playground_and_other_kinds_are_read() {
    let module = Module::parse(
        "---
kind: io.statefun.endpoints.v1/http
spec:
  functions: shop/cart
  urlPathTemplate: http://cart/{function.name}
---
kind: io.statefun.kinesis.v1/ingress
spec:
  id: shop/clicks
  awsRegion:
    type: default
  streams:
    - stream: clicks
      valueType: shop/Click
      targets:
        - shop/cart
---
kind: io.statefun.playground.v1/ingress
spec:
  port: 8090
---
kind: io.statefun.playground.v1/egress
spec:
  port: 8091
  topics:
    - receipts
---
kind: io.statefun.kinesis.v1/egress
spec:
  id: shop/stream-out
---
kind: com.example.io/ingress
spec:
  id: shop/custom-in
---
kind: com.example.io/egress
spec:
  id: shop/custom-out
---
kind: io.statefun.transports.v1/async
spec: {}
",
    )
    .unwrap();
    assert_eq!(
        module.endpoints()[0].functions,
        FunctionPattern::Exact(TypeName::from_static("shop/cart"))
    );
    assert_eq!(module.endpoints()[0].location.line, 2);
    let nouns: Vec<_> = module.ingresses().iter().map(|i| i.source_noun()).collect();
    assert_eq!(nouns, ["stream", "topic", "topic"]);
    let kinds: Vec<_> = module
        .ingresses()
        .iter()
        .map(|i| (i.kind.clone(), i.id.as_str().to_owned(), i.routes.len()))
        .collect();
    assert_eq!(
        kinds,
        [
            (IngressKind::Kinesis, "shop/clicks".into(), 1),
            (
                IngressKind::Playground,
                "io.statefun.playground/ingress".into(),
                0
            ),
            (
                IngressKind::Other("com.example.io/ingress".into()),
                "shop/custom-in".into(),
                0
            ),
        ]
    );
    assert_eq!(module.ingresses()[0].routes[0].source, "clicks");
    let egresses: Vec<_> = module
        .egresses()
        .iter()
        .map(|e| (e.kind.clone(), e.id.as_str().to_owned()))
        .collect();
    assert_eq!(
        egresses,
        [
            (
                EgressKind::Playground,
                "io.statefun.playground/egress".into()
            ),
            (EgressKind::Kinesis, "shop/stream-out".into()),
            (
                EgressKind::Other("com.example.io/egress".into()),
                "shop/custom-out".into()
            ),
        ]
    );
}

/// The error of `yaml`, which must be an invalid entry: its location, kind and problem.
fn invalid(yaml: &str) -> (usize, String, EntryProblem) {
    match Module::parse(yaml) {
        Err(ModuleError::Invalid {
            location,
            kind,
            problem,
        }) => (location.line, kind, problem),
        other => panic!("expected an invalid entry, got {other:?}"),
    }
}

fn missing(field: &str, expected: &'static str) -> EntryProblem {
    EntryProblem::Missing {
        field: field.into(),
        expected,
    }
}

#[test]
fn each_mistake_names_its_line_kind_and_field() {
    let endpoint = "kind: io.statefun.endpoints.v2/http\n";
    let kafka = "kind: io.statefun.kafka.v1/ingress\n";
    let cases: Vec<(String, usize, EntryProblem)> = vec![
        (
            format!("{endpoint}spec: {{}}\n"),
            1,
            missing("spec.functions", "a string"),
        ),
        (
            format!("{SHOP}---\n{endpoint}spec:\n  functions: a/*\n"),
            32,
            missing("spec.urlPathTemplate", "a string"),
        ),
        (
            format!("{endpoint}spec:\n  functions: a/b/c\n  urlPathTemplate: u\n"),
            1,
            EntryProblem::Functions("a/b/c".into()),
        ),
        (
            format!("{endpoint}spec:\n  functions: /*\n  urlPathTemplate: u\n"),
            1,
            EntryProblem::Functions("/*".into()),
        ),
        (
            format!(
                "{endpoint}spec:\n  functions: a/*\n  urlPathTemplate: u\n  maxNumBatchRequests: -1\n"
            ),
            1,
            missing("spec.maxNumBatchRequests", "a count"),
        ),
        (
            format!("{kafka}spec:\n  topics: []\n"),
            1,
            missing("spec.id", "a string"),
        ),
        (
            format!("{kafka}spec:\n  id: a/b\n"),
            1,
            missing("spec.topics", "a list"),
        ),
        (
            format!("{kafka}spec:\n  id: a/b\n  topics:\n    - topic: t\n      valueType: a/T\n"),
            1,
            missing("spec.topics[0].targets", "a list of function typenames"),
        ),
        (
            format!(
                "{kafka}spec:\n  id: a/b\n  topics:\n    - topic: t\n      valueType: a/T\n      targets: []\n"
            ),
            1,
            missing("spec.topics[0].targets", "a list of function typenames"),
        ),
        (
            format!(
                "{kafka}spec:\n  id: a/b\n  topics:\n    - valueType: a/T\n      targets: [a/f]\n"
            ),
            1,
            missing("spec.topics[0].topic", "a string"),
        ),
        (
            "kind: io.statefun.kafka.v1/egress\nspec:\n  address: k\n".into(),
            1,
            missing("spec.id", "a string"),
        ),
        ("spec: {}\n".into(), 1, EntryProblem::NoKind),
        (
            "version: \"3.0\"\nmodule:\n  meta: {}\n".into(),
            1,
            EntryProblem::Legacy,
        ),
        // Either key of the old format says which format it is.
        ("version: \"2.0\"\n".into(), 1, EntryProblem::Legacy),
        ("module:\n  meta: {}\n".into(), 1, EntryProblem::Legacy),
    ];
    for (yaml, line, problem) in cases {
        let (got_line, _, got) = invalid(&yaml);
        assert_eq!((got_line, got), (line, problem), "{yaml}");
    }
    // A field that must be a typename says why it is not one.
    let (_, kind, problem) = invalid(&format!(
        "{kafka}spec:\n  id: a/b\n  topics:\n    - topic: t\n      valueType: a/T\n      targets: [nobody]\n"
    ));
    assert_eq!(kind, "io.statefun.kafka.v1/ingress");
    assert!(
        matches!(&problem, EntryProblem::TypeName { field, .. } if field == "spec.topics[0].targets[0]"),
        "{problem:?}"
    );
    let error = Module::parse(&format!("{kafka}spec:\n  topics: []\n")).unwrap_err();
    assert_eq!(
        error.to_string(),
        "line 1 (io.statefun.kafka.v1/ingress): `spec.id` is missing or not a string"
    );
}

#[test]
fn yaml_that_is_not_yaml_and_a_missing_file_are_errors_saying_so() {
    let error = Module::parse("kind: x\nspec: [1,\n").unwrap_err();
    assert!(
        matches!(
            &error,
            ModuleError::Yaml {
                line: 3,
                column: 1,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(error.to_string().starts_with("not valid YAML: "), "{error}");
    let error = Module::read("/nonexistent/module.yaml").unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("/nonexistent/module.yaml: No such file"),
        "{error}"
    );
}

#[test]
fn endpoint_urls_are_replaced_for_all_or_for_one_pattern() {
    let two = format!(
        "{SHOP}---\nkind: io.statefun.endpoints.v2/http\nspec:\n  functions: shop/stock\n  urlPathTemplate: http://stock/\n"
    );
    let module = Module::parse(&two).unwrap();
    let urls = |module: &Module| -> Vec<String> {
        module
            .endpoints()
            .iter()
            .map(|e| e.url_path_template.clone())
            .collect()
    };
    assert_eq!(
        urls(&module.clone().with_endpoint_url("http://127.0.0.1:1/")),
        ["http://127.0.0.1:1/", "http://127.0.0.1:1/"]
    );
    let one = module
        .clone()
        .with_endpoint_url_for("shop/stock", "http://127.0.0.1:2/")
        .unwrap();
    assert_eq!(
        urls(&one),
        ["http://shop:8000/statefun", "http://127.0.0.1:2/"]
    );
    assert!(
        module
            .clone()
            .with_endpoint_url_for("shop/cart", "x")
            .is_none()
    );
    // The runtime's choice: the exact endpoint wins over the namespace one.
    let stock = TypeName::from_static("shop/stock");
    assert_eq!(
        module.endpoint_for(&stock).unwrap().url_path_template,
        "http://stock/"
    );
    let cart = TypeName::from_static("shop/cart");
    assert_eq!(
        module.endpoint_for(&cart).unwrap().url_path_template,
        "http://shop:8000/statefun"
    );
    assert!(
        module
            .endpoint_for(&TypeName::from_static("other/cart"))
            .is_none()
    );
}

#[test]
fn empty_documents_are_skipped() {
    let module = Module::parse(
        "---\n---\nkind: io.statefun.endpoints.v2/http\nspec:\n  functions: shop/cart\n  urlPathTemplate: http://cart/\n---\n",
    )
    .unwrap();
    assert_eq!(module.endpoints().len(), 1);
}
