//! `statefun::lambda` on the events Lambda hands over: every conformance vector as a
//! function URL event with its body base64-encoded (as Lambda encodes binary bodies), the
//! same through an API Gateway REST event, the shared HTTP behaviour table (its statuses,
//! texts and log lines, but for the rows a platform's front end answers itself), the
//! invocation's deadline; and `run` serving an invocation of a stand-in Lambda Runtime API
//! on a loopback port. The whole way through the real Lambda emulator and a function URL is
//! the E2E suite's `lambda` scenario (`E2E_LAMBDA=1 tests/e2e/run.sh lambda`).

use std::{
    process::{Command, Stdio},
    sync::{Arc, Mutex},
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use base64::{Engine as _, engine::general_purpose::STANDARD};
use lambda_http::{Body, IntoResponse as _, Request, RequestExt as _, tower::Service as _};
use serde_json::json;
use statefun::http::Endpoint;
use statefun_test_support::{
    conformance, conformance_functions,
    greeter::{greeting, seen_in},
    http_table::{self, Answer},
    trace::Capture,
};

/// A function URL event (API Gateway HTTP API payload 2.0) for `method` with `body`,
/// base64-encoded, and `content_type`, if any.
fn function_url_event(method: &str, content_type: Option<&str>, body: &[u8]) -> Request {
    let event = function_url_event_json(method, content_type, body);
    lambda_http::request::from_str(&event.to_string()).expect("a function URL event")
}

/// The JSON of [`function_url_event`], as the Lambda Runtime API hands it over.
fn function_url_event_json(
    method: &str,
    content_type: Option<&str>,
    body: &[u8],
) -> serde_json::Value {
    let mut headers = json!({ "host": "abc.lambda-url.eu-west-1.on.aws" });
    if let Some(content_type) = content_type {
        headers["content-type"] = json!(content_type);
    }
    json!({
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": "/statefun",
        "rawQueryString": "",
        "headers": headers,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "abc",
            "domainName": "abc.lambda-url.eu-west-1.on.aws",
            "domainPrefix": "abc",
            "http": {
                "method": method,
                "path": "/statefun",
                "protocol": "HTTP/1.1",
                "sourceIp": "10.0.0.1",
                "userAgent": "statefun-runtime"
            },
            "requestId": "id",
            "routeKey": "$default",
            "stage": "$default",
            "time": "11/Jan/2026:11:45:34 +0000",
            "timeEpoch": 1_768_131_934_837_u64
        },
        "body": STANDARD.encode(body),
        "isBase64Encoded": true
    })
}

/// An API Gateway REST API (payload 1.0) event POSTing `body`, base64-encoded.
fn rest_api_event(body: &[u8]) -> Request {
    let event = json!({
        "resource": "/{proxy+}",
        "path": "/statefun",
        "httpMethod": "POST",
        "headers": {
            "Host": "abc.execute-api.eu-west-1.amazonaws.com",
            "Content-Type": "application/octet-stream"
        },
        "multiValueHeaders": {},
        "queryStringParameters": null,
        "pathParameters": { "proxy": "statefun" },
        "stageVariables": null,
        "requestContext": {
            "accountId": "123456789012",
            "resourceId": "r1",
            "stage": "prod",
            "requestId": "id",
            "identity": { "sourceIp": "10.0.0.1" },
            "resourcePath": "/{proxy+}",
            "httpMethod": "POST",
            "apiId": "abc"
        },
        "body": STANDARD.encode(body),
        "isBase64Encoded": true
    });
    lambda_http::request::from_str(&event.to_string()).expect("a REST API event")
}

/// The status, `Content-Type` and body of an answer; a 200 must be a binary body (which
/// `lambda_http` sends base64-encoded), an error a text.
fn parts(response: lambda_http::Response<Body>) -> (u16, String, Vec<u8>) {
    let status = response.status().as_u16();
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    let body = match (status, response.into_body()) {
        (200, Body::Binary(bytes)) => bytes,
        (200, other) => panic!("a 200 answer must be binary, got {other:?}"),
        (_, Body::Text(text)) => text.into_bytes(),
        (status, other) => panic!("a {status} answer must be a text, got {other:?}"),
    };
    (status, content_type, body)
}

/// `endpoint`'s answer to `request` through `statefun::lambda::service`, as `lambda_http`
/// hands it back to Lambda.
async fn lambda_answer(endpoint: &Endpoint, request: Request) -> lambda_http::Response<Body> {
    let mut service = statefun::lambda::service(endpoint.clone());
    let response = service.call(request).await.unwrap();
    response.into_response().await
}

fn octet_stream(body: &[u8]) -> Request {
    function_url_event("POST", Some("application/octet-stream"), body)
}

#[tokio::test]
async fn every_conformance_vector_is_answered_from_a_base64_function_url_event() {
    let endpoint = Endpoint::new(conformance_functions::functions());
    for name in conformance::all_vector_names() {
        let vector = conformance::vector(&name);
        let (status, content_type, body) =
            parts(lambda_answer(&endpoint, octet_stream(&vector.request)).await);
        if vector.python_status == 200 {
            assert_eq!(
                (status, content_type.as_str()),
                (200, "application/octet-stream"),
                "vector {name}: {}",
                String::from_utf8_lossy(&body)
            );
            conformance::assert_same_answer(&name, &body, &vector.python_response);
        } else {
            let text = String::from_utf8(body).unwrap();
            assert_eq!(status, 404, "vector {name}: {text}");
            assert!(text.starts_with("no function `demo/nope`"), "{text}");
        }
    }
}

#[tokio::test]
async fn an_api_gateway_rest_event_is_answered_alike() {
    let endpoint = Endpoint::new(conformance_functions::functions());
    let vector = conformance::vector("d-effects");
    let (status, _, body) = parts(lambda_answer(&endpoint, rest_api_event(&vector.request)).await);
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    conformance::assert_same_answer("d-effects", &body, &vector.python_response);
}

/// The table's server as Lambda runs it: each request an event handed to
/// `statefun::lambda::service` on this thread, the answer as `lambda_http` hands it back.
struct InLambda {
    endpoint: Endpoint,
    runtime: tokio::runtime::Runtime,
    log: Capture,
}

impl http_table::Server for InLambda {
    fn send(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Vec<u8>,
        _chunked: bool,
    ) -> Answer {
        let mut request = lambda_http::http::Request::builder()
            .method(method)
            .uri(path);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let request: Request = request.body(Body::Binary(body)).unwrap();
        let response = self
            .runtime
            .block_on(lambda_answer(&self.endpoint, request));
        let header = |name: &str| {
            let value = response.headers().get(name)?;
            Some(value.to_str().ok()?.to_owned())
        };
        let (content_type, allow) = (header("content-type"), header("allow"));
        let status = Some(response.status().as_u16());
        let body = match response.into_body() {
            Body::Empty => Vec::new(),
            Body::Text(text) => text.into_bytes(),
            Body::Binary(bytes) => bytes,
            other => panic!("an unexpected body: {other:?}"),
        };
        Answer {
            status,
            content_type,
            allow,
            body,
        }
    }

    /// Lambda's front end (a function URL, API Gateway, an ALB) parses HTTP.
    fn raw(&self, _: &[u8]) -> Option<Answer> {
        None
    }

    /// A Lambda function has one entry point.
    fn answers_every_path(&self) -> bool {
        true
    }

    fn addr(&self) -> Option<std::net::SocketAddr> {
        None
    }

    fn log(&self) -> &Capture {
        &self.log
    }
}

#[test]
fn every_row_of_the_http_behaviour_table_is_answered_and_logged_as_documented() {
    let server = InLambda {
        endpoint: Endpoint::new(http_table::functions())
            .with_body_limit(http_table::LIMIT)
            .with_timeout(http_table::TIMEOUT),
        runtime: tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap(),
        log: Capture::new(),
    };
    let _capturing = server.log.on_this_thread();
    let table = http_table::run(&server, http_table::rows());
    http_table::assert_documented(&table);
}

#[tokio::test]
async fn errors_are_answered_with_the_status_and_text_of_the_http_table() {
    let endpoint = Endpoint::new(http_table::functions());
    let valid = greeting("ann", Some(1), &["hi"]);

    let answer = lambda_answer(&endpoint, octet_stream(&valid)).await;
    assert_eq!(seen_in(&parts(answer).2), 2);

    let answer = lambda_answer(&endpoint, function_url_event("POST", None, &valid)).await;
    assert_eq!(parts(answer).0, 200, "no Content-Type is fine");

    let answer = lambda_answer(&endpoint, function_url_event("GET", None, b"")).await;
    assert_eq!(answer.headers()["allow"], "POST");
    let (status, content_type, body) = parts(answer);
    assert_eq!(
        (status, content_type.as_str()),
        (405, "text/plain; charset=utf-8")
    );
    assert_eq!(body, b"a StateFun endpoint answers POST requests only");

    let answer = lambda_answer(
        &endpoint,
        function_url_event("POST", Some("application/json"), &valid),
    )
    .await;
    let (status, _, body) = parts(answer);
    assert_eq!(status, 415);
    assert_eq!(
        String::from_utf8(body).unwrap(),
        "expected Content-Type application/octet-stream, got `application/json`"
    );

    let (status, _, body) = parts(lambda_answer(&endpoint, octet_stream(b"")).await);
    assert_eq!(status, 400);
    assert!(
        String::from_utf8(body)
            .unwrap()
            .contains("the request body is empty")
    );

    let panicking = greeting("ivan", Some(1), &["hi", "panic"]);
    let (status, _, body) = parts(lambda_answer(&endpoint, octet_stream(&panicking)).await);
    assert_eq!(status, 500);
    assert_eq!(
        String::from_utf8(body).unwrap(),
        "function demo/greeter (id `ivan`) panicked: asked to panic"
    );
}

#[tokio::test]
async fn a_batch_over_the_time_limit_is_answered_504() {
    let endpoint = Endpoint::new(http_table::functions()).with_timeout(Duration::from_millis(200));
    let sleeper = statefun_test_support::request::Batch::to("demo/sleeper", "zzz")
        .text("hi")
        .encode();
    let (status, _, body) = parts(lambda_answer(&endpoint, octet_stream(&sleeper)).await);
    assert_eq!(status, 504);
    assert!(
        String::from_utf8(body)
            .unwrap()
            .starts_with("function demo/sleeper (id `zzz`) did not finish within 200ms"),
    );
}

fn sleeper() -> Vec<u8> {
    statefun_test_support::request::Batch::to("demo/sleeper", "zzz")
        .text("hi")
        .encode()
}

/// `request` as Lambda hands it over with its context: the invocation's deadline in
/// milliseconds since the epoch, 0 when the runtime gives none.
fn with_deadline(request: Request, deadline_ms: u64) -> Request {
    let mut context = lambda_http::Context::default();
    context.deadline = deadline_ms;
    request.with_lambda_context(context)
}

fn now_ms() -> u64 {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    u64::try_from(now.as_millis()).unwrap()
}

#[tokio::test]
async fn the_invocation_deadline_less_the_margin_bounds_a_batch() {
    let endpoint = Endpoint::new(http_table::functions()).with_timeout(Duration::from_secs(30));
    let request = with_deadline(octet_stream(&sleeper()), now_ms() + 700);
    let (status, _, body) = parts(lambda_answer(&endpoint, request).await);
    assert_eq!(status, 504);
    let text = String::from_utf8(body).unwrap();
    let limit = text
        .strip_prefix("function demo/sleeper (id `zzz`) did not finish within ")
        .and_then(|rest| rest.split_once("ms"))
        .and_then(|(ms, _)| ms.parse::<f64>().ok())
        .unwrap_or_else(|| panic!("a limit in milliseconds: {text}"));
    // 700 ms to the deadline, less the margin of 200 ms, less the time taken to get here.
    assert!(limit > 0.0 && limit <= 500.0, "{text}");
}

#[tokio::test]
async fn a_deadline_of_zero_is_no_deadline() {
    let endpoint = Endpoint::new(http_table::functions()).with_timeout(Duration::from_millis(300));
    let (status, _, body) =
        parts(lambda_answer(&endpoint, with_deadline(octet_stream(&sleeper()), 0)).await);
    assert_eq!(status, 504);
    let text = String::from_utf8(body).unwrap();
    assert!(
        text.starts_with("function demo/sleeper (id `zzz`) did not finish within 300ms;"),
        "{text}"
    );
}

#[test]
fn the_endpoint_tells_its_functions() {
    let endpoint = Endpoint::new(http_table::functions());
    let names: Vec<String> = endpoint
        .functions()
        .type_names()
        .iter()
        .map(|name| name.to_string())
        .collect();
    assert_eq!(names, ["demo/greeter", "demo/sleeper"]);
}

/// This test binary running only the ignored test `name`, its output not captured.
fn child_process(name: &str) -> Command {
    statefun_test_support::child::child_test(module_path!(), name)
}

/// The stand-in Lambda Runtime API: the first `GET .../invocation/next` hands over `event`
/// as invocation `invocation-1`, later ones never answer; every other request (the answer
/// `POST .../invocation/invocation-1/response`, or an error report) is sent on the channel
/// as its path and body.
async fn runtime_api(
    event: serde_json::Value,
) -> (
    String,
    tokio::sync::mpsc::UnboundedReceiver<(String, String)>,
) {
    use axum::{
        Router,
        http::{HeaderMap, StatusCode, Uri},
        routing::get,
    };
    let event = Arc::new(Mutex::new(Some(event.to_string())));
    let (sender, received) = tokio::sync::mpsc::unbounded_channel();
    let next = move || {
        let event = event.lock().unwrap().take();
        async move {
            let Some(event) = event else {
                return std::future::pending().await;
            };
            let mut headers = HeaderMap::new();
            let deadline = (now_ms() + 60_000).to_string();
            headers.insert(
                "lambda-runtime-aws-request-id",
                "invocation-1".parse().unwrap(),
            );
            headers.insert("lambda-runtime-deadline-ms", deadline.parse().unwrap());
            headers.insert(
                "lambda-runtime-invoked-function-arn",
                "arn:aws:lambda:eu-west-1:123456789012:function:statefun"
                    .parse()
                    .unwrap(),
            );
            headers.insert("content-type", "application/json".parse().unwrap());
            (headers, event)
        }
    };
    let app = Router::new()
        .route("/2018-06-01/runtime/invocation/next", get(next))
        .fallback(move |uri: Uri, body: String| {
            let _ = sender.send((uri.path().to_owned(), body));
            async { StatusCode::ACCEPTED }
        });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap().to_string();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (address, received)
}

/// Run by [`run_serves_an_invocation_of_the_lambda_runtime_api`] in a child process, with
/// the variables Lambda sets: `lambda_http` reads them from the environment.
#[tokio::test]
#[ignore = "the child process of run_serves_an_invocation_of_the_lambda_runtime_api"]
async fn run_in_a_child_process() {
    statefun::lambda::run(http_table::functions())
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_serves_an_invocation_of_the_lambda_runtime_api() {
    let valid = greeting("ann", Some(1), &["hi"]);
    let event = function_url_event_json("POST", Some("application/octet-stream"), &valid);
    let (address, mut received) = runtime_api(event).await;
    let mut child = child_process("run_in_a_child_process")
        .env("AWS_LAMBDA_RUNTIME_API", &address)
        .env("AWS_LAMBDA_FUNCTION_NAME", "statefun")
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
        .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut answer = None;
    for _ in 0..600 {
        match tokio::time::timeout(Duration::from_millis(100), received.recv()).await {
            Ok(request) => {
                answer = request;
                break;
            }
            // `run` serves until Lambda stops the function: it must not end by itself.
            Err(_) if child.try_wait().unwrap().is_some() => break,
            Err(_) => {}
        }
    }
    let still_serving = child.try_wait().unwrap().is_none();
    let _ = child.kill();
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    let (path, body) = answer.unwrap_or_else(|| panic!("no answer; the child wrote: {stderr}"));
    assert_eq!(
        path, "/2018-06-01/runtime/invocation/invocation-1/response",
        "{body}"
    );
    assert!(still_serving, "run returned after one invocation: {stderr}");
    let response: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(response["statusCode"], 200, "{body}");
    assert_eq!(response["isBase64Encoded"], true, "{body}");
    let answer = STANDARD.decode(response["body"].as_str().unwrap()).unwrap();
    assert_eq!(seen_in(&answer), 2);
}
