//! The HTTP behaviour table of the crate docs, row by row, against the real server on an
//! ephemeral loopback port with a real HTTP client.

use std::{
    net::TcpListener,
    sync::OnceLock,
    time::{Duration, Instant},
};

use actix_web::{App, HttpResponse, HttpServer, web};
use bytes::Bytes;
use prost::Message as _;
use statefun_actix::{Endpoint, Server};
use statefun_core::{
    BoxError, Context, Function, Functions, Message, Type, TypeName,
    proto::reqreply::{ToFunction, TypedValue},
};
use statefun_test_support::{
    answer::{missing_states, mutations},
    blob::Blob,
    conformance_functions,
    failing::{Fail, Panic},
    fragile,
    greeter::{Greeter, greeting, seen_in},
    request::{Batch, typed},
};

// ---------------------------------------------------------------- functions under test

/// `demo/sizer`: writes the length of its `blob` state into `size`.
struct Sizer;

statefun_test_support::state! {
    struct SizerState {
        blob: Blob,
        size: i64,
    }
}

impl Function for Sizer {
    type State = SizerState;
    fn type_name(&self) -> TypeName {
        TypeName::from_static("demo/sizer")
    }
    async fn invoke(
        &self,
        _: &mut Context,
        state: &mut SizerState,
        _: Message,
    ) -> Result<(), BoxError> {
        let len = state.blob.get().map_or(0, |b| b.0.len());
        state.size.set(len as i64);
        Ok(())
    }
}

/// `demo/echo`: writes the message's string as its `last` state (for large answers).
struct Echo;

statefun_test_support::state! {
    struct Last {
        last: String,
    }
}

impl Function for Echo {
    type State = Last;
    fn type_name(&self) -> TypeName {
        TypeName::from_static("demo/echo")
    }
    async fn invoke(
        &self,
        _: &mut Context,
        state: &mut Last,
        msg: Message,
    ) -> Result<(), BoxError> {
        state.last.set(msg.as_string()?);
        Ok(())
    }
}

fn functions() -> Functions {
    Functions::new()
        .with(Greeter)
        .with(Fail)
        .with(Panic)
        .with(Sizer)
        .with(Echo)
        .with(fragile::FragileFunction)
}

// ---------------------------------------------------------------- requests and answers

/// A request for `type_name/id` with `state` and one string message.
fn request(type_name: &str, id: &str, state: Vec<(&str, Option<TypedValue>)>) -> Vec<u8> {
    Batch::to(type_name, id).states(state).text("hi").encode()
}

fn greet(id: &str, seen: Option<i32>) -> Vec<u8> {
    greeting(id, seen, &["hi"])
}

// ---------------------------------------------------------------- server and client

/// Serves `endpoint` on an ephemeral loopback port; returns its base URL.
fn start(endpoint: Endpoint) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let path = endpoint.path().to_owned();
    std::thread::spawn(move || {
        actix_web::rt::System::new()
            .block_on(Server::new(endpoint).listen(listener).run())
            .unwrap()
    });
    format!("http://{addr}{path}")
}

/// One server with the default settings, shared by the tests of this file.
fn url() -> &'static str {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| start(Endpoint::new(functions())))
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(60)))
        .build()
        .into()
}

struct Answer {
    status: u16,
    content_type: String,
    headers: ureq::http::HeaderMap,
    body: Vec<u8>,
}

impl Answer {
    fn text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("a text body")
    }
}

fn read(mut response: ureq::http::Response<ureq::Body>) -> Answer {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let content_type = headers
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let body = response
        .body_mut()
        .with_config()
        .limit(64 << 20)
        .read_to_vec()
        .unwrap();
    Answer {
        status,
        content_type,
        headers,
        body,
    }
}

fn post(url: &str, body: &[u8]) -> Answer {
    post_with(url, body, &[("content-type", "application/octet-stream")])
}

fn post_with(url: &str, body: &[u8], headers: &[(&str, &str)]) -> Answer {
    let mut request = agent().post(url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    read(request.send(body).unwrap())
}

// ---------------------------------------------------------------- the table

#[test]
fn every_conformance_vector_is_answered_over_http_as_by_the_python_sdk() {
    let url = start(Endpoint::new(conformance_functions::functions()));
    conformance_functions::assert_answers_over_http(&url);
}

#[test]
fn valid_post_is_answered_200_octet_stream() {
    let answer = post(url(), &greet("alice", Some(41)));
    assert_eq!(answer.status, 200);
    assert_eq!(answer.content_type, "application/octet-stream");
    assert_eq!(seen_in(&answer.body), 42);
}

#[test]
fn missing_content_type_is_accepted() {
    let answer = post_with(url(), &greet("bob", None), &[]);
    assert_eq!(
        answer.status,
        200,
        "{}",
        String::from_utf8_lossy(&answer.body)
    );
    assert_eq!(seen_in(&answer.body), 1);
}

#[test]
fn content_type_parameters_and_case_are_accepted() {
    let answer = post_with(
        url(),
        &greet("carol", Some(1)),
        &[("content-type", "Application/Octet-Stream; charset=binary")],
    );
    assert_eq!(answer.status, 200);
}

#[test]
fn missing_state_asks_for_it_with_200() {
    let answer = post(url(), &request("demo/greeter", "dave", vec![]));
    assert_eq!(answer.status, 200);
    assert_eq!(missing_states(&answer.body)[0].state_name, "seen");
}

#[test]
fn other_methods_are_405() {
    for method in ["GET", "PUT", "DELETE", "PATCH"] {
        let request = ureq::http::Request::builder()
            .method(method)
            .uri(url())
            .body(())
            .unwrap();
        let answer = read(agent().run(request).unwrap());
        assert_eq!(answer.status, 405, "{method}");
        assert_eq!(answer.headers.get("allow").unwrap(), "POST", "{method}");
        assert!(
            answer.text().contains("POST"),
            "{method}: {}",
            answer.text()
        );
    }
}

#[test]
fn other_content_types_are_415() {
    for content_type in ["application/json", "text/plain", "application/x-protobuf"] {
        let answer = post_with(
            url(),
            &greet("erin", None),
            &[("content-type", content_type)],
        );
        assert_eq!(answer.status, 415, "{content_type}");
        assert!(answer.content_type.starts_with("text/plain"));
        assert!(answer.text().contains(content_type), "{}", answer.text());
        assert!(answer.text().contains("application/octet-stream"));
    }
}

#[test]
fn compressed_request_bodies_are_415() {
    let answer = post_with(url(), &greet("erin", None), &[("content-encoding", "gzip")]);
    assert_eq!(answer.status, 415);
    assert!(answer.text().contains("gzip"), "{}", answer.text());
}

#[test]
fn identity_content_encoding_is_accepted_in_any_case() {
    for encoding in ["identity", "IDENTITY"] {
        let answer = post_with(
            url(),
            &greet("erin", Some(2)),
            &[
                ("content-type", "application/octet-stream"),
                ("content-encoding", encoding),
            ],
        );
        assert_eq!(answer.status, 200, "{encoding}: {}", answer.text());
        assert_eq!(seen_in(&answer.body), 3, "{encoding}");
    }
}

#[test]
fn empty_body_is_400_saying_so() {
    let answer = post(url(), b"");
    assert_eq!(answer.status, 400);
    assert!(answer.content_type.starts_with("text/plain"));
    assert!(answer.text().contains("empty"), "{}", answer.text());
}

#[test]
fn malformed_body_is_400_saying_why() {
    let answer = post(url(), b"\xff\xff\xff\xff not protobuf");
    assert_eq!(answer.status, 400);
    assert!(
        answer.text().contains("not a valid protobuf"),
        "{}",
        answer.text()
    );
}

#[test]
fn protocol_invalid_requests_are_400() {
    let no_invocation = ToFunction { request: None }.encode_to_vec();
    let no_target = Batch::with_target(None).invocation(None, None).encode();
    let no_invocations = Batch::to("demo/greeter", "x").encode();
    for (body, says) in [
        (no_invocation, "invocation"),
        (no_target, "target"),
        (no_invocations, "no invocations"),
    ] {
        // `ToFunction { request: None }` encodes to nothing: still "empty" for the server.
        let answer = post(url(), &body);
        assert_eq!(answer.status, 400, "{says}: {}", answer.text());
        assert!(
            answer.text().contains(says) || answer.text().contains("empty"),
            "{says}: {}",
            answer.text()
        );
    }
    // A non-empty ToFunction without an invocation (unknown field 1 only).
    let answer = post(url(), &[0x08, 0x01]);
    assert_eq!(answer.status, 400);
    assert!(
        answer.text().contains("no `invocation`"),
        "{}",
        answer.text()
    );
}

#[test]
fn unknown_function_is_404_naming_it_and_the_registered_ones() {
    let answer = post(url(), &request("shop/nowhere", "x", vec![]));
    assert_eq!(answer.status, 404);
    let text = answer.text();
    assert!(text.contains("shop/nowhere"), "{text}");
    for registered in ["demo/greeter", "demo/fail", "demo/panic", "demo/sizer"] {
        assert!(text.contains(registered), "{text}");
    }
}

#[test]
fn user_error_is_500_with_typename_id_and_error() {
    let answer = post(url(), &request("demo/fail", "frank", vec![]));
    assert_eq!(answer.status, 500);
    let text = answer.text();
    assert!(text.contains("demo/fail"), "{text}");
    assert!(text.contains("frank"), "{text}");
    assert!(text.contains("the cart is on fire"), "{text}");
}

#[test]
fn undecodable_state_is_500() {
    let bad = TypedValue {
        typename: "io.statefun.types/int".into(),
        has_value: true,
        value: Bytes::from_static(b"\x0d\x01"),
    };
    let answer = post(
        url(),
        &request("demo/greeter", "gina", vec![("seen", Some(bad))]),
    );
    assert_eq!(answer.status, 500);
    assert!(answer.text().contains("gina"), "{}", answer.text());
}

#[test]
fn panic_is_500_and_the_server_keeps_serving() {
    for round in 0..3 {
        let answer = post(url(), &request("demo/panic", "hank", vec![]));
        assert_eq!(answer.status, 500);
        let text = answer.text();
        assert!(text.contains("demo/panic"), "{text}");
        assert!(text.contains("hank"), "{text}");
        assert!(text.contains("boom at the cart"), "{text}");

        let answer = post(url(), &greet("ivan", Some(round)));
        assert_eq!(answer.status, 200);
        assert_eq!(seen_in(&answer.body), round + 1);
    }
}

/// A request for `demo/fragile/x` with `note` holding `note` (absent if `None`) and one
/// string message, `message`.
fn fragile_request(note: Option<&[u8]>, message: &str) -> Vec<u8> {
    let note = note.map(|bytes| TypedValue {
        typename: "demo/fragile-note".into(),
        has_value: true,
        value: Bytes::copy_from_slice(bytes),
    });
    Batch::to("demo/fragile", "x")
        .state("note", note)
        .text(message)
        .encode()
}

#[test]
fn a_panicking_state_codec_is_500_naming_the_function_and_the_server_keeps_serving() {
    for (note, message, panic) in [
        (
            Some(&b"panic-on-decode"[..]),
            "fine",
            "the codec panicked on decode",
        ),
        (None, "panic-on-encode", "the codec panicked on encode"),
    ] {
        let answer = post(url(), &fragile_request(note, message));
        assert_eq!(answer.status, 500, "{}", answer.text());
        let text = answer.text();
        assert!(
            text.starts_with("function demo/fragile (id `x`) panicked: "),
            "the dispatcher, not the adapter's backstop, reports it: {text}"
        );
        assert!(text.contains(panic), "{text}");

        let answer = post(url(), &fragile_request(Some(b"ok"), "fine"));
        assert_eq!(answer.status, 200, "{}", answer.text());
    }
}

#[test]
fn body_over_the_configured_limit_is_413() {
    let url = start(Endpoint::new(functions()).with_body_limit(1024));
    let small = greet("jane", Some(1));
    assert_eq!(post(&url, &small).status, 200);

    let big = request(
        "demo/sizer",
        "jane",
        vec![
            ("blob", Some(typed(&Blob(vec![7; 2000].into())))),
            ("size", None),
        ],
    );
    let answer = post(&url, &big);
    assert_eq!(answer.status, 413);
    assert!(answer.text().contains("1024"), "{}", answer.text());
    // The connection was not left in a bad state for the next request.
    assert_eq!(post(&url, &small).status, 200);
}

#[test]
fn body_over_the_default_limit_of_32_mib_is_413() {
    let blob = Blob(vec![1; 32 << 20].into());
    let body = request(
        "demo/sizer",
        "kate",
        vec![("blob", Some(typed(&blob))), ("size", None)],
    );
    assert!(body.len() > statefun_actix::DEFAULT_BODY_LIMIT);
    let answer = post(url(), &body);
    assert_eq!(answer.status, 413);
    assert!(answer.text().contains("33554432"), "{}", answer.text());
}

#[test]
fn body_of_exactly_the_limit_is_accepted() {
    let small = greet("liam", Some(1));
    let url = start(Endpoint::new(functions()).with_body_limit(small.len()));
    assert_eq!(post(&url, &small).status, 200);
}

#[test]
fn chunked_body_over_the_limit_is_413() {
    // No Content-Length: the limit is enforced while reading.
    let url = start(Endpoint::new(functions()).with_body_limit(1024));
    let big = request(
        "demo/sizer",
        "mia",
        vec![
            ("blob", Some(typed(&Blob(vec![7; 4000].into())))),
            ("size", None),
        ],
    );
    let answer = read(
        agent()
            .post(&url)
            .send(ureq::SendBody::from_owned_reader(std::io::Cursor::new(big)))
            .unwrap(),
    );
    assert_eq!(answer.status, 413);
}

#[test]
fn chunked_body_is_read_whole() {
    let body = request(
        "demo/sizer",
        "noah",
        vec![
            ("blob", Some(typed(&Blob(vec![7; 300_000].into())))),
            ("size", None),
        ],
    );
    let answer = read(
        agent()
            .post(url())
            .send(ureq::SendBody::from_owned_reader(std::io::Cursor::new(
                body,
            )))
            .unwrap(),
    );
    assert_eq!(answer.status, 200);
    let mutations = mutations(&answer.body);
    assert_eq!(mutations[0].0, "size");
    assert_eq!(
        <i64 as Type>::decode(mutations[0].1.clone()).unwrap(),
        300_000
    );
}

// ---------------------------------------------------------------- size and load

#[test]
fn ten_mib_state_value_is_answered_200() {
    let blob = Blob(vec![42; 10 << 20].into());
    let body = request(
        "demo/sizer",
        "olga",
        vec![("blob", Some(typed(&blob))), ("size", None)],
    );
    let started = Instant::now();
    let answer = post(url(), &body);
    eprintln!("10 MiB request answered in {:?}", started.elapsed());
    assert_eq!(answer.status, 200);
    let mutations = mutations(&answer.body);
    assert_eq!(mutations.len(), 1, "only the changed cell comes back");
    assert_eq!(mutations[0].0, "size");
    assert_eq!(
        <i64 as Type>::decode(mutations[0].1.clone()).unwrap(),
        10 << 20
    );
}

#[test]
fn two_hundred_concurrent_requests_for_different_addresses() {
    let url = url();
    let started = Instant::now();
    let threads: Vec<_> = (0..200)
        .map(|i| {
            std::thread::spawn(move || {
                let id = format!("user-{i}");
                let answer = post(url, &greet(&id, Some(i * 10)));
                (i, answer)
            })
        })
        .collect();
    for thread in threads {
        let (i, answer) = thread.join().unwrap();
        assert_eq!(answer.status, 200, "request {i}");
        assert_eq!(seen_in(&answer.body), i * 10 + 1, "request {i}");
    }
    eprintln!(
        "200 concurrent requests answered in {:?}",
        started.elapsed()
    );
}

// ---------------------------------------------------------------- unserved paths

#[test]
fn unserved_path_is_404_naming_the_served_path_and_the_template() {
    let url = url();
    let base = url.strip_suffix("/statefun").unwrap();
    let host = base.strip_prefix("http://").unwrap();
    for path in ["/", "/functions", "/statefun/x", "/healthcheck"] {
        let answer = post(&format!("{base}{path}"), &greet("ann", None));
        assert_eq!(answer.status, 404, "{path}");
        assert_eq!(answer.content_type, "text/plain; charset=utf-8");
        assert_eq!(
            answer.text(),
            format!(
                "no StateFun endpoint at `{path}`: this service answers POST requests at `/statefun`; set `urlPathTemplate: http://{host}/statefun` in module.yaml (with the host name the StateFun cluster reaches this service by)"
            )
        );
    }
    let get = read(agent().get(format!("{base}/stats")).call().unwrap());
    assert_eq!(get.status, 404);
    // The connection stays usable: the served path still answers.
    assert_eq!(post(url, &greet("ann", None)).status, 200);
}

#[test]
fn unserved_path_text_omits_the_template_for_a_path_pattern() {
    let url = start(Endpoint::new(functions()).with_path("/fn/{name}"));
    let base = url.split("/fn/").next().unwrap();
    let answer = post(&format!("{base}/statefun"), &greet("ann", None));
    assert_eq!(answer.status, 404);
    assert_eq!(
        answer.text(),
        "no StateFun endpoint at `/statefun`: this service answers POST requests at `/fn/{name}`"
    );
    assert_eq!(
        post(&format!("{base}/fn/greeter"), &greet("ann", None)).status,
        200
    );
}

// ---------------------------------------------------------------- server settings

#[test]
fn server_listens_on_every_address_it_is_given() {
    let server = Server::new(Endpoint::new(functions()))
        .bind("127.0.0.1:0")
        .unwrap()
        .listen(TcpListener::bind("127.0.0.1:0").unwrap())
        .with_workers(2)
        .with_shutdown_timeout(Duration::from_secs(5));
    assert_eq!(server.workers(), Some(2));
    assert_eq!(server.shutdown_timeout(), Duration::from_secs(5));
    let addrs = server.local_addrs().unwrap();
    assert_eq!(addrs.len(), 2);
    assert_ne!(addrs[0].port(), addrs[1].port());
    std::thread::spawn(move || actix_web::rt::System::new().block_on(server.run()));
    for addr in addrs {
        let answer = post(&format!("http://{addr}/statefun"), &greet("ann", Some(1)));
        assert_eq!(answer.status, 200, "{addr}");
        assert_eq!(seen_in(&answer.body), 2);
    }
}

#[test]
fn server_reports_an_address_in_use_and_refuses_to_run_nowhere() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap();
    let error = Server::new(Endpoint::new(functions()))
        .bind(addr)
        .unwrap_err();
    assert_eq!(error.kind(), std::io::ErrorKind::AddrInUse);
    assert!(
        error
            .to_string()
            .starts_with(&format!("cannot listen on {addr}: ")),
        "{error}"
    );

    let nowhere =
        actix_web::rt::System::new().block_on(Server::new(Endpoint::new(functions())).run());
    let error = nowhere.unwrap_err();
    assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput);
    assert_eq!(
        error.to_string(),
        "the server listens nowhere: add an address with `bind` or `listen`"
    );
}

#[test]
fn operational_paths_are_told_and_a_path_given_twice_is_refused() {
    let operations = Endpoint::new(functions()).operations();
    #[cfg(feature = "metrics")]
    assert_eq!(
        operations.metrics_path(),
        Some(statefun_actix::DEFAULT_METRICS_PATH)
    );
    assert_eq!(
        operations.health_path(),
        statefun_actix::DEFAULT_HEALTH_PATH
    );
    assert_eq!(operations.ready_path(), statefun_actix::DEFAULT_READY_PATH);
    let operations = Endpoint::new(functions())
        .with_health_path("/alive")
        .with_ready_path("/go")
        .operations();
    assert_eq!(operations.health_path(), "/alive");
    assert_eq!(operations.ready_path(), "/go");
    #[cfg(feature = "metrics")]
    {
        let operations = Endpoint::new(functions())
            .with_metrics_path("/m")
            .operations();
        assert_eq!(operations.metrics_path(), Some("/m"));
        let operations = Endpoint::new(functions())
            .with_metrics_path("/m")
            .with_metrics(None)
            .operations();
        assert_eq!(operations.metrics_path(), None, "no metrics, no path");
    }

    // A server that starts would serve forever: wait for the refusal a while only.
    let run = |endpoint: Endpoint| {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let (done, refusal) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let outcome =
                actix_web::rt::System::new().block_on(Server::new(endpoint).listen(listener).run());
            let _ = done.send(outcome);
        });
        refusal
            .recv_timeout(Duration::from_secs(30))
            .expect("the server started instead of refusing its paths")
            .unwrap_err()
    };
    for endpoint in [
        Endpoint::new(functions()).with_path("/health"),
        Endpoint::new(functions()).with_path("/ready"),
        Endpoint::new(functions()).with_ready_path("/statefun"),
    ] {
        let error = run(endpoint);
        assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput);
        assert!(
            error.to_string().contains("is also an operational path"),
            "{error}"
        );
    }
    #[cfg(feature = "metrics")]
    {
        let error = run(Endpoint::new(functions()).with_path("/metrics"));
        assert!(
            error
                .to_string()
                .starts_with("the function path `/metrics` is also an operational path"),
            "{error}"
        );
    }
    let error = run(Endpoint::new(functions()).with_ready_path("/health"));
    assert_eq!(
        error.to_string(),
        "`/health` is given to two operational paths (metrics, health or readiness); give each its own"
    );
}

#[test]
fn serve_and_endpoint_serve_report_an_address_in_use() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap();
    let system = actix_web::rt::System::new();
    for error in [
        system
            .block_on(statefun_actix::serve(functions(), addr))
            .unwrap_err(),
        system
            .block_on(Endpoint::new(functions()).serve(addr))
            .unwrap_err(),
    ] {
        assert_eq!(error.kind(), std::io::ErrorKind::AddrInUse, "{error}");
    }
}

// ---------------------------------------------------------------- composition

#[test]
fn endpoint_composes_with_other_routes_at_a_custom_path() {
    let endpoint = Endpoint::new(functions()).with_path("/fn/{name}");
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            HttpServer::new(move || {
                App::new().service(endpoint.clone()).route(
                    "/health",
                    web::get().to(|| async { HttpResponse::Ok().body("ok") }),
                )
            })
            .workers(1)
            .listen(listener)
            .unwrap()
            .run()
            .await
            .unwrap()
        })
    });
    let health = read(agent().get(format!("http://{addr}/health")).call().unwrap());
    assert_eq!((health.status, health.text().as_str()), (200, "ok"));

    let answer = post(&format!("http://{addr}/fn/greeter"), &greet("pia", Some(6)));
    assert_eq!(answer.status, 200);
    assert_eq!(seen_in(&answer.body), 7);

    let elsewhere = post(&format!("http://{addr}/statefun"), &greet("pia", Some(6)));
    assert_eq!(elsewhere.status, 404);
}

#[test]
fn endpoint_reports_its_settings() {
    let endpoint = Endpoint::new(functions());
    assert_eq!(endpoint.path(), statefun_actix::DEFAULT_PATH);
    assert_eq!(endpoint.body_limit(), 32 * 1024 * 1024);
    assert_eq!(endpoint.functions().type_names().len(), 6);
    let debug = format!("{endpoint:?}");
    assert!(
        debug.contains("/statefun") && debug.contains("demo/greeter"),
        "{debug}"
    );
}

// ---------------------------------------------------------------- gzip

#[cfg(feature = "gzip")]
mod gzip {
    use std::io::Read as _;

    use super::*;

    fn large_answer_request(id: &str) -> Vec<u8> {
        let text = "all work and no play makes a cart a dull cart. ".repeat(200);
        Batch::to("demo/echo", id)
            .state("last", None)
            .text(&text)
            .encode()
    }

    fn gunzip(bytes: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(bytes)
            .read_to_end(&mut out)
            .unwrap();
        out
    }

    #[test]
    fn gzip_is_off_by_default() {
        let answer = post_with(
            url(),
            &large_answer_request("a"),
            &[("accept-encoding", "gzip")],
        );
        assert_eq!(answer.status, 200);
        assert!(answer.headers.get("content-encoding").is_none());
        assert_eq!(mutations(&answer.body)[0].0, "last");
    }

    #[test]
    fn gzip_compresses_large_answers_when_accepted() {
        let url = start(Endpoint::new(functions()).with_gzip(true));
        let plain = post(&url, &large_answer_request("b"));
        assert_eq!(plain.status, 200);
        assert!(plain.headers.get("content-encoding").is_none());

        let answer = post_with(
            &url,
            &large_answer_request("b"),
            &[("accept-encoding", "deflate, gzip;q=0.8")],
        );
        assert_eq!(answer.status, 200);
        assert_eq!(answer.content_type, "application/octet-stream");
        assert_eq!(answer.headers.get("content-encoding").unwrap(), "gzip");
        assert!(
            answer.body.len() < plain.body.len() / 5,
            "{} vs {}",
            answer.body.len(),
            plain.body.len()
        );
        assert_eq!(gunzip(&answer.body), plain.body);

        let refused = post_with(
            &url,
            &large_answer_request("b"),
            &[("accept-encoding", "gzip;q=0")],
        );
        assert!(refused.headers.get("content-encoding").is_none());
        assert_eq!(refused.body, plain.body);

        // The other names of gzip, and any coding; not a coding that is not gzip.
        for (accepted, compressed) in [("x-gzip", true), ("*", true), ("identity, br", false)] {
            let answer = post_with(
                &url,
                &large_answer_request("b"),
                &[("accept-encoding", accepted)],
            );
            let gzipped = answer
                .headers
                .get("content-encoding")
                .is_some_and(|v| v == "gzip");
            assert_eq!(gzipped, compressed, "{accepted}");
        }

        // Small answers are not worth compressing.
        let small = post_with(&url, &greet("c", Some(1)), &[("accept-encoding", "gzip")]);
        assert!(small.headers.get("content-encoding").is_none());
        assert_eq!(seen_in(&small.body), 2);
    }
}

#[test]
fn the_endpoint_reports_its_settings() {
    let endpoint = Endpoint::new(Functions::new());
    assert!(endpoint.operations_mounted());
    assert!(
        !endpoint
            .clone()
            .with_operations_mounted(false)
            .operations_mounted()
    );
    let paths = endpoint
        .clone()
        .with_metrics_path("/m")
        .with_health_path("/h")
        .with_ready_path("/r");
    assert_eq!(
        (
            paths.metrics_path(),
            paths.health_path(),
            paths.ready_path()
        ),
        ("/m", "/h", "/r")
    );
    assert_eq!(
        (
            endpoint.metrics_path(),
            endpoint.health_path(),
            endpoint.ready_path()
        ),
        ("/metrics", "/health", "/ready")
    );
    #[cfg(feature = "gzip")]
    {
        assert!(!endpoint.gzip());
        assert!(endpoint.clone().with_gzip(true).gzip());
    }
}
