//! The metrics after a scripted series of requests, scraped from `GET /metrics` of a real
//! server: exact counter values and histogram counts. Then the operational paths beside the
//! function path: health, readiness, and what a StateFun `POST` to them is answered.

use std::{collections::BTreeSet, net::TcpListener, time::Duration};

use statefun_actix::{Endpoint, Server};
use statefun_core::{
    Functions,
    metrics::{CONTENT_TYPE, Metrics},
};
use statefun_test_support::{
    failing::{Fail, Panic},
    greeter::{Greeter, greeting},
    request::{Batch, typed},
    slow::Slow,
};

fn functions() -> Functions {
    Functions::new()
        .with(Greeter)
        .with(Fail)
        .with(Panic)
        .with(Slow::default())
}

/// Serves `endpoint` on an ephemeral loopback port; returns its base URL (no path).
fn start(endpoint: Endpoint) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        actix_web::rt::System::new()
            .block_on(Server::new(endpoint).listen(listener).run())
            .unwrap()
    });
    format!("http://{addr}")
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into()
}

/// Status, `Content-Type`, `Allow` and body text of an answer.
fn read(mut response: ureq::http::Response<ureq::Body>) -> (u16, String, String, String) {
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    };
    let (content_type, allow) = (header("content-type"), header("allow"));
    let status = response.status().as_u16();
    let body = response.body_mut().read_to_string().unwrap_or_default();
    (status, content_type, allow, body)
}

fn post(url: &str, body: &[u8], content_type: &str) -> u16 {
    let response = agent()
        .post(url)
        .header("content-type", content_type)
        .send(body)
        .unwrap();
    read(response).0
}

fn get(url: &str) -> (u16, String, String, String) {
    read(agent().get(url).call().unwrap())
}

/// The value of the sample `name{labels}` in the Prometheus text `scrape`, labels in any
/// order.
fn sample(scrape: &str, name: &str, labels: &[(&str, &str)]) -> f64 {
    let wanted: BTreeSet<String> = labels.iter().map(|(k, v)| format!("{k}=\"{v}\"")).collect();
    for line in scrape.lines().filter(|l| !l.starts_with('#')) {
        let (series, value) = line.rsplit_once(' ').unwrap();
        let (metric, set) = match series.split_once('{') {
            Some((metric, rest)) => (metric, rest.trim_end_matches('}')),
            None => (series, ""),
        };
        let set: BTreeSet<String> = set
            .split(',')
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect();
        if metric == name && set == wanted {
            return value.parse().unwrap();
        }
    }
    panic!("no sample {name}{labels:?} in:\n{scrape}");
}

fn requests(scrape: &str, function: &str, outcome: &str) -> f64 {
    sample(
        scrape,
        "statefun_requests_total",
        &[("function", function), ("outcome", outcome)],
    )
}

#[test]
fn a_scripted_series_of_requests_is_counted_exactly() {
    let metrics = Metrics::new();
    let endpoint = Endpoint::new(functions())
        .with_metrics(metrics.clone())
        .with_timeout(Duration::from_millis(300));
    let base = start(endpoint);
    let url = format!("{base}/statefun");
    let octets = "application/octet-stream";

    // Before any request: every series of every function exists, at zero.
    let (status, content_type, _, scrape) = get(&format!("{base}/metrics"));
    assert_eq!(status, 200);
    assert_eq!(content_type, CONTENT_TYPE);
    for function in [
        "demo/greeter",
        "demo/fail",
        "demo/panic",
        "demo/slow",
        "none",
    ] {
        for outcome in ["answered", "negotiation", "4xx", "5xx", "timeout"] {
            assert_eq!(
                requests(&scrape, function, outcome),
                0.0,
                "{function} {outcome}"
            );
        }
    }

    // Answered: two batches, of 1 and 3 invocations.
    assert_eq!(post(&url, &greeting("a", Some(1), &["hi"]), octets), 200);
    assert_eq!(
        post(&url, &greeting("b", None, &["x", "y", "z"]), octets),
        200
    );
    // State negotiation: the greeter's `seen` is not sent.
    let negotiation = Batch::to("demo/greeter", "c").text("hi").encode();
    assert_eq!(post(&url, &negotiation, octets), 200);
    // Unknown function: 404, not counted under its (unregistered) typename.
    let unknown = Batch::to("demo/nobody", "d").text("hi").encode();
    assert_eq!(post(&url, &unknown, octets), 404);
    // Rejected before the dispatcher: a wrong content type, a GET, an unserved path.
    assert_eq!(post(&url, &unknown, "application/json"), 415);
    assert_eq!(get(&url).0, 405);
    assert_eq!(post(&format!("{base}/elsewhere"), &unknown, octets), 404);
    // A user error and a panic: 500 each.
    assert_eq!(
        post(
            &url,
            &Batch::to("demo/fail", "e").text("x").encode(),
            octets
        ),
        500
    );
    assert_eq!(
        post(
            &url,
            &Batch::to("demo/panic", "f").text("x").encode(),
            octets
        ),
        500
    );
    // A timeout: 504 after 300 ms.
    let slow = Batch::to("demo/slow", "g")
        .message(typed(&5_000i64))
        .encode();
    assert_eq!(post(&url, &slow, octets), 504);

    let scrape = metrics.encode();
    assert_eq!(
        get(&format!("{base}/metrics")).3,
        scrape,
        "the path serves the same text"
    );

    // Requests by function and outcome.
    assert_eq!(requests(&scrape, "demo/greeter", "answered"), 2.0);
    assert_eq!(requests(&scrape, "demo/greeter", "negotiation"), 1.0);
    assert_eq!(requests(&scrape, "demo/greeter", "5xx"), 0.0);
    assert_eq!(
        requests(&scrape, "none", "4xx"),
        4.0,
        "404, 415, 405, unserved path"
    );
    assert_eq!(requests(&scrape, "demo/fail", "5xx"), 1.0);
    assert_eq!(requests(&scrape, "demo/panic", "5xx"), 1.0);
    assert_eq!(requests(&scrape, "demo/slow", "timeout"), 1.0);
    assert_eq!(requests(&scrape, "demo/slow", "5xx"), 0.0);
    assert!(!scrape.contains("demo/nobody"), "no label from a request");

    // Panics caught.
    let panics = |function| sample(&scrape, "statefun_panics_total", &[("function", function)]);
    assert_eq!(panics("demo/panic"), 1.0);
    assert_eq!(panics("demo/fail"), 0.0);

    // Invocations per batch: the greeter's batches of 1, 3 and 1 (the negotiation).
    let greeter = [("function", "demo/greeter")];
    assert_eq!(
        sample(&scrape, "statefun_batch_invocations_count", &greeter),
        3.0
    );
    assert_eq!(
        sample(&scrape, "statefun_batch_invocations_sum", &greeter),
        5.0
    );
    let bucket = |le| {
        sample(
            &scrape,
            "statefun_batch_invocations_bucket",
            &[("function", "demo/greeter"), ("le", le)],
        )
    };
    assert_eq!((bucket("1"), bucket("2"), bucket("5")), (2.0, 2.0, 3.0));

    // Batch latency: one batch each for fail, panic and slow; slow's took the limit.
    let duration = |function, part: &str| {
        let name = format!("statefun_batch_duration_seconds_{part}");
        sample(&scrape, &name, &[("function", function)])
    };
    assert_eq!(duration("demo/greeter", "count"), 3.0);
    assert_eq!(duration("demo/fail", "count"), 1.0);
    assert_eq!(duration("demo/panic", "count"), 1.0);
    assert_eq!(duration("demo/slow", "count"), 1.0);
    assert!(
        duration("demo/slow", "sum") >= 0.3,
        "{}",
        duration("demo/slow", "sum")
    );
    assert!(duration("demo/slow", "sum") < 5.0);

    // Request body bytes: every body dispatched, the unknown function's under `none`.
    let bytes = |function, part: &str| {
        let name = format!("statefun_request_body_bytes_{part}");
        sample(&scrape, &name, &[("function", function)])
    };
    assert_eq!(bytes("demo/greeter", "count"), 3.0);
    let greeter_bytes = greeting("a", Some(1), &["hi"]).len()
        + greeting("b", None, &["x", "y", "z"]).len()
        + negotiation.len();
    assert_eq!(bytes("demo/greeter", "sum"), greeter_bytes as f64);
    assert_eq!(bytes("none", "count"), 1.0);
    assert_eq!(bytes("none", "sum"), unknown.len() as f64);

    // Nothing in flight once answered.
    assert_eq!(sample(&scrape, "statefun_requests_in_flight", &[]), 0.0);
}

#[test]
fn operational_paths_answer_get_and_refuse_a_statefun_post() {
    let base = start(Endpoint::new(functions()));
    let (status, _, _, body) = get(&format!("{base}/health"));
    assert_eq!((status, body.as_str()), (200, "ok"));
    let (status, _, _, body) = get(&format!("{base}/ready"));
    assert_eq!((status, body.as_str()), (200, "ready"));
    assert_eq!(get(&format!("{base}/metrics")).0, 200);
    // The catalog of the functions, which `statefun-local --check` reads.
    let (status, content_type, _, body) = get(&format!("{base}/catalog"));
    assert_eq!((status, content_type.as_str()), (200, "application/json"));
    assert_eq!(
        statefun_core::Catalog::from_json(&body).unwrap(),
        functions().catalog()
    );

    let request = greeting("a", Some(1), &["hi"]);
    for path in ["/metrics", "/health", "/ready", "/catalog"] {
        let response = agent()
            .post(&format!("{base}{path}"))
            .header("content-type", "application/octet-stream")
            .send(&request[..])
            .unwrap();
        let (status, content_type, allow, text) = read(response);
        assert_eq!(status, 405, "{path}");
        assert_eq!(allow, "GET", "{path}");
        assert!(content_type.starts_with("text/plain"), "{path}");
        assert!(
            text.contains(&format!("`{path}` answers GET"))
                && text.contains("StateFun requests go to POST `/statefun`"),
            "{path}: {text}"
        );
    }
}

#[test]
fn operational_paths_win_over_a_function_path_pattern() {
    let endpoint = Endpoint::new(functions()).with_path("/{name}");
    let base = start(endpoint);
    assert_eq!(get(&format!("{base}/health")).0, 200);
    let request = greeting("a", Some(1), &["hi"]);
    let octets = "application/octet-stream";
    assert_eq!(post(&format!("{base}/greeter"), &request, octets), 200);
    assert_eq!(post(&format!("{base}/ready"), &request, octets), 405);
}

#[test]
fn paths_are_configurable() {
    let endpoint = Endpoint::new(functions())
        .with_metrics_path("/internal/metrics")
        .with_health_path("/healthz")
        .with_ready_path("/readyz")
        .with_catalog_path("/internal/catalog");
    assert_eq!(endpoint.catalog_path(), "/internal/catalog");
    assert_eq!(Endpoint::new(functions()).catalog_path(), "/catalog");
    let base = start(endpoint);
    assert_eq!(get(&format!("{base}/internal/catalog")).0, 200);
    assert_eq!(get(&format!("{base}/internal/metrics")).0, 200);
    assert_eq!(get(&format!("{base}/healthz")).0, 200);
    assert_eq!(get(&format!("{base}/readyz")).0, 200);
    assert_eq!(get(&format!("{base}/health")).0, 404);
    // A collision is refused: tests/http.rs, `operational_paths_are_told_and_a_path_given_twice_is_refused`.
}

#[test]
fn without_metrics_nothing_is_recorded_or_served() {
    let endpoint = Endpoint::new(functions()).with_metrics(None);
    assert!(endpoint.metrics().is_none());
    let base = start(endpoint);
    assert_eq!(get(&format!("{base}/metrics")).0, 404);
    assert_eq!(get(&format!("{base}/health")).0, 200);
}

#[test]
fn operations_can_be_served_on_another_server() {
    let endpoint = Endpoint::new(functions()).with_operations_mounted(false);
    let operations = endpoint.operations();
    let functions_base = start(endpoint);
    assert_eq!(get(&format!("{functions_base}/health")).0, 404);

    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let server =
            actix_web::HttpServer::new(move || actix_web::App::new().service(operations.clone()))
                .workers(1)
                .listen(listener)
                .unwrap()
                .run();
        actix_web::rt::System::new().block_on(server)
    });
    let octets = "application/octet-stream";
    let request = greeting("a", Some(1), &["hi"]);
    assert_eq!(
        post(&format!("{functions_base}/statefun"), &request, octets),
        200
    );
    let (status, _, _, scrape) = get(&format!("http://{addr}/metrics"));
    assert_eq!(status, 200);
    assert_eq!(requests(&scrape, "demo/greeter", "answered"), 1.0);
    assert_eq!(get(&format!("http://{addr}/ready")).0, 200);
}
