//! The HTTP behaviour table of `statefun_core::http` as requests and the answers they must
//! get, run against a real server over real HTTP: ONE table for every HTTP integration of
//! the SDK (the actix-web adapter, `statefun::axum`), so that they answer alike and no
//! framework's test retypes a row.
//!
//! A test serves [`functions`] with a body limit of [`LIMIT`] and a time limit of
//! [`TIMEOUT`] at `/statefun` on a loopback port, then calls [`run`] with [`rows`] (and rows
//! of its own for what its HTTP parser answers, see [`Input::Raw`]) and
//! [`early_answers_keep_the_connection_usable`]. `run` returns the table rendered from the
//! answers received: the actix-web test writes it into `docs/robustness.md`
//! ([`check_document`]), the others check that they answered exactly as documented
//! ([`assert_documented`]).

use std::{
    io::{Read as _, Write as _},
    net::{SocketAddr, TcpStream},
    path::PathBuf,
    sync::OnceLock,
    time::{Duration, Instant},
};

use prost::Message as _;
use statefun_core::{
    BoxError, Bytes, Context, Function, Functions, Message, Type, TypeName,
    proto::reqreply::{self as pb, FromFunction, TypedValue, from_function},
};

use crate::{
    greeter::{Greeter, greeting},
    request::{Batch, address, string, typed},
};

// ---------------------------------------------------------------- the service under test

/// The body limit of the server under test.
pub const LIMIT: usize = 1 << 20;
/// Its time limit.
pub const TIMEOUT: Duration = Duration::from_secs(1);
/// The path it answers on.
pub const PATH: &str = "/statefun";

/// `demo/sleeper`: never returns.
pub struct Sleeper;

impl Function for Sleeper {
    type State = ();
    fn type_name(&self) -> TypeName {
        TypeName::from_static("demo/sleeper")
    }
    async fn invoke(&self, _: &mut Context, _: &mut (), _: Message) -> Result<(), BoxError> {
        std::future::pending::<()>().await;
        Ok(())
    }
}

/// What the server under test serves: `demo/greeter` ([`Greeter`]) and `demo/sleeper`
/// ([`Sleeper`]).
pub fn functions() -> Functions {
    Functions::new().with(Greeter).with(Sleeper)
}

// ---------------------------------------------------------------- requests

fn text(s: &str) -> Option<TypedValue> {
    Some(string(s))
}

/// A request for `target` with `state` and one invocation without a caller per argument.
fn batch(
    target: Option<pb::Address>,
    state: Vec<(&str, Option<TypedValue>)>,
    arguments: Vec<Option<TypedValue>>,
) -> Vec<u8> {
    arguments
        .into_iter()
        .fold(
            Batch::with_target(target).states(state),
            |batch, argument| batch.invocation(None, argument),
        )
        .encode()
}

/// Deterministic pseudo-random bytes (xorshift64).
pub fn random_bytes(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

// ---------------------------------------------------------------- the client

/// An answer as received.
pub struct Answer {
    /// `None`: the connection was closed without an answer.
    pub status: Option<u16>,
    /// The `Content-Type` header, if any.
    pub content_type: Option<String>,
    /// The `Allow` header, if any.
    pub allow: Option<String>,
    /// The body.
    pub body: Vec<u8>,
}

/// One client for the whole table: its keep-alive connection is reused after every
/// answer, so a row that leaves a connection unusable fails the request after it.
fn agent() -> &'static ureq::Agent {
    static AGENT: OnceLock<ureq::Agent> = OnceLock::new();
    AGENT.get_or_init(|| {
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(30)))
            .max_idle_connections_per_host(1)
            .build()
            .into()
    })
}

fn header(response: &ureq::http::Response<ureq::Body>, name: &str) -> Option<String> {
    let value = response.headers().get(name)?;
    Some(value.to_str().ok()?.to_owned())
}

fn receive(mut response: ureq::http::Response<ureq::Body>) -> Answer {
    Answer {
        status: Some(response.status().as_u16()),
        content_type: header(&response, "content-type"),
        allow: header(&response, "allow"),
        body: response
            .body_mut()
            .with_config()
            .limit(64 << 20)
            .read_to_vec()
            .expect("the answer's body arrives"),
    }
}

/// Sends one request with `body` (with its `Content-Length`) and reads the answer.
pub fn send(url: &str, method: &str, headers: &[(&str, &str)], body: Vec<u8>) -> Answer {
    let mut request = ureq::http::Request::builder().method(method).uri(url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = agent()
        .run(request.body(body).unwrap())
        .unwrap_or_else(|e| panic!("{method} {url}: {e}"));
    receive(response)
}

/// POSTs `body` chunked (no `Content-Length`), with `Content-Type: application/octet-stream`.
fn send_chunked(url: &str, body: Vec<u8>) -> Answer {
    let response = agent()
        .post(url)
        .header("content-type", "application/octet-stream")
        .send(ureq::SendBody::from_owned_reader(std::io::Cursor::new(
            body,
        )))
        .unwrap_or_else(|e| panic!("POST {url} (chunked): {e}"));
    receive(response)
}

/// Writes `bytes` on a new connection, half-closes it, reads the answer until EOF or an
/// error.
fn raw(addr: SocketAddr, bytes: &[u8]) -> Answer {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    // The server may answer and close before it has read everything (a header over its
    // limit): then writing fails, and the answer is still there to read.
    let _ = stream
        .write_all(bytes)
        .and_then(|()| stream.shutdown(std::net::Shutdown::Write));
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let head_end = answer.windows(4).position(|w| w == b"\r\n\r\n");
    let status = std::str::from_utf8(&answer)
        .ok()
        .and_then(|s| s.strip_prefix("HTTP/1.1 "))
        .and_then(|s| s.get(..3))
        .and_then(|s| s.parse().ok());
    Answer {
        status,
        content_type: None,
        allow: None,
        body: head_end.map_or(answer.clone(), |end| answer[end + 4..].to_vec()),
    }
}

/// What the documentation shows of an answer; `addr`, the server's address, is shown as
/// `127.0.0.1:PORT`.
fn describe(answer: &Answer, addr: SocketAddr) -> String {
    if answer.status.is_none() {
        return "(connection closed, no answer)".into();
    }
    if answer.status == Some(200) {
        let Ok(from) = FromFunction::decode(&answer.body[..]) else {
            return "(not a FromFunction)".into();
        };
        return match from.response {
            Some(from_function::Response::InvocationResult(result)) => {
                let mutations: Vec<_> = result
                    .state_mutations
                    .iter()
                    .map(|m| {
                        let value = m.state_value.clone().unwrap_or_default();
                        match <i32 as Type>::decode(value.value) {
                            Ok(n) => format!("{} = {n}", m.state_name),
                            Err(_) => m.state_name.clone(),
                        }
                    })
                    .collect();
                format!(
                    "`FromFunction` invocation result, mutations: {}",
                    mutations.join(", ")
                )
            }
            Some(from_function::Response::IncompleteInvocationContext(missing)) => {
                let names: Vec<_> = missing
                    .missing_values
                    .iter()
                    .map(|s| s.state_name.as_str())
                    .collect();
                format!(
                    "`FromFunction` incomplete invocation context, missing: {}",
                    names.join(", ")
                )
            }
            None => "`FromFunction`, empty".into(),
        };
    }
    let text = String::from_utf8_lossy(&answer.body)
        .replace(&addr.to_string(), &format!("{}:PORT", addr.ip()));
    let text = text.trim();
    let mut shown: String = text.chars().take(200).collect();
    if shown.len() < text.len() {
        shown.push('…');
    }
    if shown.is_empty() {
        "(empty)".into()
    } else {
        shown
    }
}

// ---------------------------------------------------------------- the table

/// How a row's request is sent.
pub enum Input {
    /// `POST` to [`PATH`] with `Content-Type: application/octet-stream`.
    Post(Vec<u8>),
    /// `POST` to [`PATH`] chunked (no `Content-Length`), `application/octet-stream`.
    Chunked(Vec<u8>),
    /// Another method, path or other headers.
    Http {
        /// The method.
        method: &'static str,
        /// The path.
        path: &'static str,
        /// The headers.
        headers: &'static [(&'static str, &'static str)],
        /// The body, sent with its `Content-Length`.
        body: Vec<u8>,
    },
    /// Raw bytes on a new connection: what the framework's HTTP parser answers, which
    /// differs between frameworks, so such rows are each framework's own.
    Raw(Vec<u8>),
}

/// One row: a request and the answer it must get.
pub struct Row {
    /// What the request is, for the table.
    pub input: &'static str,
    /// The request.
    pub request: Input,
    /// The status it must get; `None`: the connection closes without an answer.
    pub status: Option<u16>,
    /// A part of the body it must get.
    pub says: &'static str,
}

/// A row whose request must be answered with `status` and a body containing `says`.
pub fn row(input: &'static str, request: Input, status: u16, says: &'static str) -> Row {
    Row {
        input,
        request,
        status: Some(status),
        says,
    }
}

/// Every row of the SDK's own behaviour (`statefun_core::http`): the same answers from any
/// integration.
pub fn rows() -> Vec<Row> {
    use Input::*;
    let valid = greeting("alice", Some(41), &["hi"]);
    let wrong_type = batch(
        Some(address("demo/greeter", "bob")),
        vec![("seen", text("forty-one"))],
        vec![text("hi")],
    );
    let bad_state_bytes = batch(
        Some(address("demo/greeter", "bob")),
        vec![(
            "seen",
            Some(TypedValue {
                typename: "io.statefun.types/int".into(),
                has_value: true,
                value: Bytes::from_static(b"\x0d\x01"),
            }),
        )],
        vec![text("hi")],
    );
    let invalid_utf8 = batch(
        Some(address("demo/greeter", "carl")),
        vec![("seen", None)],
        vec![Some(TypedValue {
            typename: "io.statefun.types/string".into(),
            has_value: true,
            value: Bytes::from_static(b"\x0a\x03\xff\xfe\xfd"),
        })],
    );
    let no_value = batch(
        Some(address("demo/greeter", "dana")),
        vec![("seen", None)],
        vec![Some(TypedValue {
            typename: "io.statefun.types/string".into(),
            has_value: false,
            value: Bytes::new(),
        })],
    );
    let no_argument = batch(
        Some(address("demo/greeter", "dana")),
        vec![("seen", None)],
        vec![None],
    );
    let invalid_caller = Batch::to("demo/greeter", "erin")
        .state("seen", None)
        .invocation(
            Some(pb::Address {
                namespace: "".into(),
                r#type: "x".into(),
                id: "1".into(),
            }),
            text("hi"),
        )
        .encode();
    let state_twice = batch(
        Some(address("demo/greeter", "erin")),
        vec![("seen", Some(typed(&41))), ("seen", Some(typed(&1)))],
        vec![text("hi")],
    );
    let ten_thousand = greeting("fred", Some(0), &["hi"; 10_000]);
    let over_limit = greeting("gina", None, &[&"x".repeat(LIMIT)]);
    let truncated = valid[..valid.len() / 2].to_vec();
    let octet_stream: &'static [(&str, &str)] = &[("content-type", "application/octet-stream")];

    vec![
        row(
            "a valid request (for comparison)",
            Post(valid.clone()),
            200,
            "",
        ),
        row(
            "no `Content-Type`",
            Http {
                method: "POST",
                path: PATH,
                headers: &[],
                body: greeting("abe", Some(1), &["hi"]),
            },
            200,
            "",
        ),
        row(
            "`Content-Type: Application/Octet-Stream; charset=binary`",
            Http {
                method: "POST",
                path: PATH,
                headers: &[("content-type", "Application/Octet-Stream; charset=binary")],
                body: greeting("abe", Some(2), &["hi"]),
            },
            200,
            "",
        ),
        row(
            "`Content-Encoding: IDENTITY`",
            Http {
                method: "POST",
                path: PATH,
                headers: &[
                    ("content-type", "application/octet-stream"),
                    ("content-encoding", "IDENTITY"),
                ],
                body: greeting("abe", Some(3), &["hi"]),
            },
            200,
            "",
        ),
        row(
            "a chunked body (300 KB, no `Content-Length`)",
            Chunked(greeting("abe", Some(4), &[&"y".repeat(300_000)])),
            200,
            "",
        ),
        row("empty body", Post(vec![]), 400, "the request body is empty"),
        row(
            "truncated protobuf (the first half of a valid request)",
            Post(truncated),
            400,
            "not a valid protobuf `ToFunction`",
        ),
        row(
            "random bytes (256, fixed seed)",
            Post(random_bytes(0x5eed, 256)),
            400,
            "ToFunction",
        ),
        row(
            "well-formed protobuf without `invocation` (`08 01`)",
            Post(vec![0x08, 0x01]),
            400,
            "no `invocation`",
        ),
        row(
            "a batch without target",
            Post(batch(None, vec![], vec![text("hi")])),
            400,
            "no target address",
        ),
        row(
            "a target with an empty namespace",
            Post(batch(
                Some(pb::Address {
                    namespace: "".into(),
                    r#type: "greeter".into(),
                    id: "x".into(),
                }),
                vec![],
                vec![text("hi")],
            )),
            400,
            "target's function type is invalid",
        ),
        row(
            "no invocations",
            Post(batch(Some(address("demo/greeter", "x")), vec![], vec![])),
            400,
            "no invocations",
        ),
        row(
            "unknown function",
            Post(batch(
                Some(address("shop/nowhere", "x")),
                vec![],
                vec![text("hi")],
            )),
            404,
            "no function `shop/nowhere` is registered here (registered: demo/greeter, demo/sleeper)",
        ),
        row(
            "declared state missing (normal negotiation)",
            Post(batch(
                Some(address("demo/greeter", "x")),
                vec![],
                vec![text("hi")],
            )),
            200,
            "",
        ),
        row(
            "unknown extra state (ignored)",
            Post(batch(
                Some(address("demo/greeter", "x")),
                vec![("seen", None), ("zzz", text("?"))],
                vec![text("hi")],
            )),
            200,
            "",
        ),
        row(
            "state value with a wrong typename (`seen` as a string)",
            Post(wrong_type),
            500,
            "state `seen` holds a `io.statefun.types/string`",
        ),
        row(
            "state value that does not decode (`seen` = `0d 01`)",
            Post(bad_state_bytes),
            500,
            "state `seen` could not be decoded",
        ),
        row(
            "invalid UTF-8 in a string message",
            Post(invalid_utf8),
            500,
            "not valid UTF-8",
        ),
        row(
            "a message without a value (`has_value` false)",
            Post(no_value),
            500,
            "carries no value",
        ),
        row(
            "an invocation without argument",
            Post(no_argument),
            500,
            "the message is a ``",
        ),
        row(
            "an invalid caller address",
            Post(invalid_caller),
            400,
            "caller is invalid",
        ),
        row(
            "a state sent twice (`seen` = 41, then `seen` = 1)",
            Post(state_twice),
            400,
            "state `seen` appears more than once",
        ),
        row("a batch of 10,000 invocations", Post(ten_thousand), 200, ""),
        row(
            "user error mid-batch (`hi`, `fail`, `hi`)",
            Post(greeting("hank", Some(1), &["hi", "fail", "hi"])),
            500,
            "function demo/greeter (id `hank`) failed: asked to fail",
        ),
        row(
            "user panic mid-batch (`hi`, `panic`, `hi`)",
            Post(greeting("ivan", Some(1), &["hi", "panic", "hi"])),
            500,
            "function demo/greeter (id `ivan`) panicked: asked to panic",
        ),
        row(
            "a function that never returns (time limit 1 s)",
            Post(batch(
                Some(address("demo/sleeper", "zzz")),
                vec![],
                vec![text("hi")],
            )),
            504,
            "function demo/sleeper (id `zzz`) did not finish within 1s",
        ),
        row(
            "body over the limit (1 MiB)",
            Post(over_limit.clone()),
            413,
            "longer than the limit of 1048576 bytes",
        ),
        row(
            "chunked body over the limit (1 MiB, no `Content-Length`)",
            Chunked(over_limit),
            413,
            "longer than the limit of 1048576 bytes",
        ),
        row(
            "`GET`",
            Http {
                method: "GET",
                path: PATH,
                headers: &[],
                body: vec![],
            },
            405,
            "answers POST requests only",
        ),
        row(
            "`PUT` with a valid body",
            Http {
                method: "PUT",
                path: PATH,
                headers: octet_stream,
                body: valid.clone(),
            },
            405,
            "answers POST requests only",
        ),
        row(
            "`Content-Type: application/json`",
            Http {
                method: "POST",
                path: PATH,
                headers: &[("content-type", "application/json")],
                body: valid.clone(),
            },
            415,
            "expected Content-Type application/octet-stream, got `application/json`",
        ),
        row(
            "`Content-Encoding: gzip`",
            Http {
                method: "POST",
                path: PATH,
                headers: &[("content-encoding", "gzip")],
                body: valid.clone(),
            },
            415,
            "Content-Encoding `gzip` are not supported",
        ),
        row(
            "`POST /` (another path)",
            Http {
                method: "POST",
                path: "/",
                headers: octet_stream,
                body: valid.clone(),
            },
            404,
            "no StateFun endpoint at `/`: this service answers POST requests at `/statefun`; set `urlPathTemplate: http://127.0.0.1:",
        ),
        row(
            "`GET /status` (another path)",
            Http {
                method: "GET",
                path: "/status",
                headers: &[],
                body: vec![],
            },
            404,
            "no StateFun endpoint at `/status`",
        ),
    ]
}

/// Runs `rows` against the server at `addr` (serving [`functions`] with [`LIMIT`] and
/// [`TIMEOUT`] at [`PATH`]); returns the table rendered from the answers received.
///
/// Every row must get its status and a body containing its `says`; an error answer is
/// `text/plain; charset=utf-8`, a 200 `application/octet-stream`, a 405 carries
/// `Allow: POST`; a 504 comes after [`TIMEOUT`] (and well before ten times that). After
/// every row, a valid request on the same keep-alive connection must be answered correctly.
///
/// # Panics
///
/// With every failed row and the table, if any row failed.
pub fn run(addr: SocketAddr, rows: Vec<Row>) -> String {
    let base = format!("http://{addr}");
    let url = format!("{base}{PATH}");
    let octet_stream = [("content-type", "application/octet-stream")];

    let mut table = String::from("| # | input | status | answer (body) |\n|---|---|---|---|\n");
    let mut failures = Vec::new();
    for (i, row) in rows.into_iter().enumerate() {
        let number = i + 1;
        let started = Instant::now();
        let checks_headers = !matches!(row.request, Input::Raw(_));
        let answer = match row.request {
            Input::Post(body) => send(&url, "POST", &octet_stream, body),
            Input::Chunked(body) => send_chunked(&url, body),
            Input::Http {
                method,
                path,
                headers,
                body,
            } => send(&format!("{base}{path}"), method, headers, body),
            Input::Raw(bytes) => raw(addr, &bytes),
        };
        let elapsed = started.elapsed();
        let shown = describe(&answer, addr);
        let status = answer
            .status
            .map_or_else(|| "—".to_owned(), |s| s.to_string());
        table.push_str(&format!(
            "| {number} | {} | {status} | {} |\n",
            row.input,
            shown.replace('|', "\\|").replace('\n', " ")
        ));
        let mut fail =
            |what: String| failures.push(format!("row {number} ({}): {what}", row.input));
        if answer.status != row.status {
            fail(format!(
                "status {:?}, expected {:?}: {shown}",
                answer.status, row.status
            ));
        }
        let body = String::from_utf8_lossy(&answer.body);
        if !body.contains(row.says) {
            fail(format!("body does not contain {:?}: {body}", row.says));
        }
        if checks_headers {
            let expected = match answer.status {
                Some(200) => "application/octet-stream",
                _ => "text/plain; charset=utf-8",
            };
            if answer.content_type.as_deref() != Some(expected) {
                fail(format!(
                    "Content-Type {:?}, expected {expected:?}",
                    answer.content_type
                ));
            }
            if answer.status == Some(405) && answer.allow.as_deref() != Some("POST") {
                fail(format!("405 with Allow {:?}, expected POST", answer.allow));
            }
        }
        if row.status == Some(504) && !(elapsed >= TIMEOUT && elapsed < TIMEOUT * 10) {
            fail(format!("504 after {elapsed:?}, expected after {TIMEOUT:?}"));
        }

        // The service is unharmed: a valid request right after is answered correctly.
        let seen = i as i32 * 7;
        let after = send(
            &url,
            "POST",
            &octet_stream,
            greeting(&format!("after-{i}"), Some(seen), &["hi"]),
        );
        assert_eq!(after.status, Some(200), "after row {number}");
        assert_eq!(
            describe(&after, addr),
            format!(
                "`FromFunction` invocation result, mutations: seen = {}",
                seen + 1
            ),
            "after row {number}"
        );
    }
    assert!(failures.is_empty(), "{}\n\n{table}", failures.join("\n"));
    table
}

// ---------------------------------------------------------------- the document

const START: &str =
    "<!-- bad-input-table:start (generated by statefun-actix/tests/bad_input.rs) -->\n";
const END: &str = "<!-- bad-input-table:end -->";

fn document_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/robustness.md")
}

/// The document and its table's bounds.
fn document() -> (String, Option<(usize, usize)>) {
    let document = std::fs::read_to_string(document_path()).unwrap_or_default();
    let bounds = match (document.find(START), document.find(END)) {
        (Some(start), Some(end)) if start < end => Some((start + START.len(), end)),
        _ => None,
    };
    (document, bounds)
}

/// Checks that the table in `docs/robustness.md` is `table`; with `STATEFUN_BLESS` set,
/// writes it there instead.
///
/// # Panics
///
/// If the document's table differs, or the document has no table markers.
pub fn check_document(table: &str) {
    let path = document_path();
    let (document, bounds) = document();
    let (start, end) =
        bounds.unwrap_or_else(|| panic!("{} has no bad-input-table markers", path.display()));
    let current = format!("{}{table}{}", &document[..start], &document[end..]);
    if std::env::var_os("STATEFUN_BLESS").is_some() {
        std::fs::write(&path, current).unwrap();
        return;
    }
    assert!(
        current == document,
        "the bad-input table in {} is out of date; regenerate it with \
         `STATEFUN_BLESS=1 cargo test -p statefun-actix --test bad_input`:\n\n{table}",
        path.display()
    );
}

/// Checks that `table` (the answers to [`rows`], and possibly to rows of a framework's
/// own after them) begins with the rows of the table in `docs/robustness.md`, rendered
/// from the actix-web service's answers: the same statuses and the same texts.
///
/// # Panics
///
/// At the first line that differs.
pub fn assert_documented(table: &str) {
    let (document, bounds) = document();
    let (start, end) = bounds.expect("docs/robustness.md has its bad-input table");
    let documented: Vec<&str> = document[start..end].lines().collect();
    let shared = 2 + rows().len(); // the header, then one line per row
    for (i, line) in table.lines().take(shared).enumerate() {
        assert_eq!(
            Some(&line),
            documented.get(i),
            "line {i} of the table differs from docs/robustness.md:\n\n{table}"
        );
    }
}

// ---------------------------------------------------------------- keep-alive

/// Reads one HTTP/1.1 response (with a `Content-Length`) from `stream`: its status and
/// whether the server announced `Connection: close`.
fn read_response(stream: &mut TcpStream) -> Option<(u16, bool)> {
    let mut buffer = Vec::new();
    let mut byte = [0u8; 1];
    while !buffer.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => buffer.push(byte[0]),
            _ => return None,
        }
    }
    let head = String::from_utf8_lossy(&buffer).to_ascii_lowercase();
    let status = head.get(9..12)?.parse().ok()?;
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; length];
    stream.read_exact(&mut body).ok()?;
    Some((status, head.contains("connection: close")))
}

fn head_of_valid(length: usize) -> String {
    format!(
        "POST /statefun HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nContent-Length: {length}\r\n\r\n"
    )
}

/// A request whose body arrives after the headers (as from a client that writes them
/// separately) and is answered before it is read (415, 405, 413, 404) must not break the
/// connection: the next request on it is answered, and nothing forced it closed.
///
/// # Panics
///
/// At the first case whose answer or next request fails.
pub fn early_answers_keep_the_connection_usable(addr: SocketAddr) {
    let valid = greeting("kim", Some(1), &["hi"]);
    let head = |method: &str, path: &str, headers: &str, length: usize| {
        format!("{method} {path} HTTP/1.1\r\nHost: x\r\n{headers}Content-Length: {length}\r\n\r\n")
    };
    let big = greeting("kim", None, &[&"x".repeat(LIMIT)]);
    let json = "Content-Type: application/json\r\n";
    let cases: [(&str, String, &[u8], u16); 5] = [
        (
            "wrong content type",
            head("POST", PATH, json, valid.len()),
            &valid,
            415,
        ),
        (
            "compressed body",
            head("POST", PATH, "Content-Encoding: gzip\r\n", valid.len()),
            &valid,
            415,
        ),
        ("PUT", head("PUT", PATH, "", valid.len()), &valid, 405),
        (
            "over the limit",
            head("POST", PATH, "", big.len()),
            &big,
            413,
        ),
        (
            "another path",
            head("POST", "/x", "", valid.len()),
            &valid,
            404,
        ),
    ];
    for (case, head, body, status) in cases {
        let mut stream = TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        stream.write_all(head.as_bytes()).unwrap();
        std::thread::sleep(Duration::from_millis(100));
        // The server may have answered and closed already: then writing fails, or the
        // answer says `Connection: close`.
        let _ = stream.write_all(body);
        let (got, close) = read_response(&mut stream).expect(case);
        assert_eq!(got, status, "{case}");
        // The whole body was read before the answer: nothing forces the connection closed.
        assert!(!close, "{case}: answered with `Connection: close`");
        let sent = stream
            .write_all(head_of_valid(valid.len()).as_bytes())
            .and_then(|()| stream.write_all(&valid));
        let answer = sent.ok().and_then(|()| read_response(&mut stream));
        assert_eq!(
            answer.map(|a| a.0),
            Some(200),
            "{case}: the next request on the connection was not answered"
        );
    }
}
