//! The operational paths of `statefun::hyper::Server`: answered exactly as the actix-web
//! service answers them (status, headers, text), at the paths set, with the metrics
//! counting the StateFun requests only; a path given twice is refused at start.

use statefun::{Functions, http::Endpoint, hyper::Server};
use statefun_test_support::greeter::{Greeter, greeting};

use super::{
    client::{Answer, Connection, once},
    start,
};

fn functions() -> Functions {
    Functions::new().with(Greeter)
}

/// The requests of the comparison: each operational path with `GET` and `POST`, and a path
/// that is none of them.
const REQUESTS: [(&str, &str); 8] = [
    ("GET", "/health"),
    ("POST", "/health"),
    ("GET", "/ready"),
    ("DELETE", "/ready"),
    ("GET", "/catalog"),
    ("POST", "/catalog"),
    ("GET", "/nowhere"),
    ("PUT", "/metrics"),
];

/// Status, content type, `Allow` and body: what must not differ between the servers.
fn essence(answer: &Answer) -> (u16, Option<&str>, Option<&str>, &str) {
    (
        answer.status,
        answer.header("content-type"),
        answer.header("allow"),
        &answer.body,
    )
}

#[cfg(feature = "actix")]
#[test]
fn the_operational_paths_answer_as_the_actix_service_answers_them() {
    let hyper = start(Server::new(functions()));
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let actix = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let server = statefun::actix::Server::new(statefun::actix::Endpoint::new(functions()))
            .listen(listener);
        actix_web::rt::System::new().block_on(server.run())
    });
    let (mut ours, mut theirs) = (
        Connection::open(hyper.addr).unwrap(),
        Connection::open(actix).unwrap(),
    );
    for (method, path) in REQUESTS {
        let a = ours.send(method, path, b"").unwrap();
        let b = theirs.send(method, path, b"").unwrap();
        if path == "/nowhere" {
            // The 404 names the host the request came to, which differs.
            assert_eq!((a.status, b.status), (404, 404));
            continue;
        }
        assert_eq!(essence(&a), essence(&b), "{method} {path}");
    }
}

#[test]
fn the_operational_paths_answer_get_only() {
    let server = start(Server::new(functions()));
    let mut connection = Connection::open(server.addr).unwrap();
    let health = connection.send("GET", "/health", b"").unwrap();
    assert_eq!((health.status, health.body.as_str()), (200, "ok"));
    assert_eq!(
        health.header("content-type"),
        Some(statefun::http::TEXT_PLAIN)
    );
    let ready = connection.send("GET", "/ready", b"").unwrap();
    assert_eq!((ready.status, ready.body.as_str()), (200, "ready"));
    let catalog = connection.send("GET", "/catalog", b"").unwrap();
    assert_eq!(catalog.status, 200);
    assert_eq!(catalog.header("content-type"), Some("application/json"));
    assert_eq!(catalog.body, functions().catalog().to_json());
    let post = connection
        .send("POST", "/ready", &greeting("a", None, &["hi"]))
        .unwrap();
    assert_eq!(post.status, 405);
    assert_eq!(post.header("allow"), Some("GET"));
    assert_eq!(
        post.body,
        "`/ready` answers GET with the readiness; StateFun requests go to POST `/statefun`"
    );
}

#[test]
fn the_operational_paths_are_where_they_are_set_or_nowhere() {
    let server = start(
        Server::new(Endpoint::new(functions()).with_path("/fn"))
            .with_health_path("/healthz")
            .with_ready_path("/readyz")
            .with_catalog_path("/functions"),
    );
    let answer = |path| once(server.addr, "GET", path, b"").unwrap();
    assert_eq!(answer("/healthz").body, "ok");
    assert_eq!(answer("/readyz").body, "ready");
    assert_eq!(answer("/functions").body, functions().catalog().to_json());
    for moved in ["/health", "/ready", "/catalog"] {
        assert_eq!(answer(moved).status, 404, "{moved}");
    }

    let server = start(Server::new(functions()).with_operations_mounted(false));
    for path in ["/health", "/ready", "/catalog", "/metrics"] {
        assert_eq!(
            once(server.addr, "GET", path, b"").unwrap().status,
            404,
            "{path}"
        );
    }
    let answer = once(
        server.addr,
        "POST",
        "/statefun",
        &greeting("a", Some(1), &["hi"]),
    )
    .unwrap();
    assert_eq!(answer.status, 200);
}

#[test]
fn a_path_given_twice_is_refused_before_serving() {
    let same = Server::new(Endpoint::new(functions()).with_path("/health"));
    let error = start(same).stopped(10).unwrap_err();
    assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput);
    assert!(error.to_string().contains("`/health`"), "{error}");

    let twice = Server::new(functions()).with_ready_path("/catalog");
    let error = start(twice).stopped(10).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("`/catalog` is given to two operational paths"),
        "{error}"
    );

    let nowhere = Server::new(functions());
    let error = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(nowhere.run_until(std::future::pending()))
        .unwrap_err();
    assert!(error.to_string().contains("listens nowhere"), "{error}");
}

#[cfg(feature = "metrics")]
#[test]
fn the_metrics_count_the_statefun_requests_and_not_the_probes() {
    use statefun::metrics::{CONTENT_TYPE, Metrics};

    let metrics = Metrics::new();
    let server = start(
        Server::new(functions())
            .with_metrics(metrics.clone())
            .with_metrics_path("/prometheus"),
    );
    let mut connection = Connection::open(server.addr).unwrap();
    for _ in 0..3 {
        let answer = connection
            .send("POST", "/statefun", &greeting("m", Some(1), &["hi"]))
            .unwrap();
        assert_eq!(answer.status, 200);
        assert_eq!(connection.send("GET", "/health", b"").unwrap().status, 200);
    }
    let scrape = connection.send("GET", "/prometheus", b"").unwrap();
    assert_eq!(scrape.status, 200);
    assert_eq!(scrape.header("content-type"), Some(CONTENT_TYPE));
    assert!(
        scrape.body.contains(
            "statefun_requests_total{function=\"demo/greeter\",outcome=\"answered\"} 3\n"
        ),
        "{}",
        scrape.body
    );
    assert!(
        scrape.body.contains("outcome=\"4xx\"} 0\n"),
        "{}",
        scrape.body
    );
    assert_eq!(metrics.encode(), scrape.body);
    assert_eq!(connection.send("GET", "/metrics", b"").unwrap().status, 404);

    // Without metrics, no metrics path.
    let server = start(Server::new(functions()).with_metrics(None));
    assert_eq!(
        once(server.addr, "GET", "/metrics", b"").unwrap().status,
        404
    );

    // The metrics path counts among the paths that must differ, only while it is served.
    let clash = || {
        Server::new(Endpoint::new(functions()).with_path("/prometheus"))
            .with_metrics_path("/prometheus")
    };
    let error = start(clash().with_metrics(Metrics::new()))
        .stopped(10)
        .unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("the function path `/prometheus` is also an operational path"),
        "{error}"
    );
    let server = start(clash().with_metrics(None));
    let answer = once(
        server.addr,
        "POST",
        "/prometheus",
        &greeting("m", Some(1), &["hi"]),
    );
    assert_eq!(answer.unwrap().status, 200);
}

#[test]
fn serve_says_why_it_cannot_listen() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let error = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(statefun::hyper::serve(
            functions(),
            taken.local_addr().unwrap(),
        ))
        .unwrap_err();
    assert_eq!(error.kind(), std::io::ErrorKind::AddrInUse);
}

#[test]
fn the_start_up_lines_say_where_it_listens_what_it_serves_and_its_paths() {
    let server = start(Server::new(functions()).with_health_path("/healthz"));
    // Written before the first request is answered.
    assert_eq!(
        once(server.addr, "GET", "/healthz", b"").unwrap().status,
        200
    );
    let log = server.log.text();
    for line in [
        format!("listening on http://{}/statefun (hyper)", server.addr),
        "serving 1 function(s): demo/greeter".to_owned(),
        "GET /healthz (liveness), GET /ready (readiness), GET /catalog (catalog)".to_owned(),
    ] {
        assert!(log.contains(&line), "{line}\n{log}");
    }
}
