//! Hostile and broken input through the real HTTP server, as a table: for every row the
//! expected status and a part of the body, and a valid request right after it must still
//! be answered correctly (no row leaves the service or a connection in a bad state).
//!
//! The table, with the answers actually received, is rendered into `docs/robustness.md`
//! between the `bad-input-table` markers, and this test fails if the document differs:
//! run `STATEFUN_BLESS=1 cargo test -p statefun-actix --test bad_input` to regenerate it.

use std::{
    io::{Read as _, Write as _},
    net::{SocketAddr, TcpListener, TcpStream},
    path::PathBuf,
    time::{Duration, Instant},
};

use bytes::Bytes;
use prost::Message as _;
use statefun_actix::Endpoint;
use statefun_core::{
    BoxError, Context, Function, Functions, Message, Type, TypeName,
    proto::reqreply::{self as pb, FromFunction, TypedValue, from_function},
};
use statefun_test_support::{
    greeter::{Greeter, greeting},
    request::{Batch, address, string, typed},
};

// ---------------------------------------------------------------- functions under test

/// `demo/sleeper`: never returns.
struct Sleeper;

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

/// The body limit of the server under test.
const LIMIT: usize = 1 << 20;
/// Its time limit.
const TIMEOUT: Duration = Duration::from_secs(1);

fn endpoint() -> Endpoint {
    Endpoint::new(Functions::new().with(Greeter).with(Sleeper))
        .with_body_limit(LIMIT)
        .with_timeout(TIMEOUT)
}

/// Serves [`endpoint`] on an ephemeral loopback port; returns its address.
fn serve() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        actix_web::rt::System::new()
            .block_on(
                statefun_actix::Server::new(endpoint())
                    .listen(listener)
                    .run(),
            )
            .unwrap()
    });
    addr
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
fn random_bytes(seed: u64, len: usize) -> Vec<u8> {
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

struct Answer {
    /// `None`: the connection was closed without an answer.
    status: Option<u16>,
    body: Vec<u8>,
}

/// One client for the whole table: its keep-alive connection is reused after every
/// answer, so a row that leaves a connection unusable fails the request after it.
fn agent() -> &'static ureq::Agent {
    static AGENT: std::sync::OnceLock<ureq::Agent> = std::sync::OnceLock::new();
    AGENT.get_or_init(|| {
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(30)))
            .max_idle_connections_per_host(1)
            .build()
            .into()
    })
}

fn send(url: &str, method: &str, headers: &[(&str, &str)], body: Vec<u8>) -> Answer {
    let mut request = ureq::http::Request::builder().method(method).uri(url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let mut response = agent()
        .run(request.body(body).unwrap())
        .unwrap_or_else(|e| panic!("{method} {url}: {e}"));
    Answer {
        status: Some(response.status().as_u16()),
        body: response
            .body_mut()
            .with_config()
            .limit(64 << 20)
            .read_to_vec()
            .unwrap(),
    }
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
        body: head_end.map_or(answer.clone(), |end| answer[end + 4..].to_vec()),
    }
}

/// What the documentation shows of an answer.
fn describe(answer: &Answer) -> String {
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
    let text = String::from_utf8_lossy(&answer.body);
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

enum Input {
    /// `POST` with `Content-Type: application/octet-stream`.
    Post(Vec<u8>),
    /// Another method or other headers.
    Http {
        method: &'static str,
        headers: &'static [(&'static str, &'static str)],
        body: Vec<u8>,
    },
    /// Raw bytes on a new connection.
    Raw(Vec<u8>),
}

struct Row {
    input: &'static str,
    request: Input,
    status: Option<u16>,
    says: &'static str,
}

fn row(input: &'static str, request: Input, status: u16, says: &'static str) -> Row {
    Row {
        input,
        request,
        status: Some(status),
        says,
    }
}

fn rows() -> Vec<Row> {
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
    let chunked_garbage =
        b"POST /statefun HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n".to_vec();
    let mut short_body = b"POST /statefun HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nContent-Length: 1000\r\n\r\n".to_vec();
    short_body.extend_from_slice(&valid);
    let mut huge_header = b"POST /statefun HTTP/1.1\r\nHost: x\r\nX-Big: ".to_vec();
    huge_header.extend(std::iter::repeat_n(b'a', 128 * 1024));
    huge_header.extend_from_slice(b"\r\n\r\n");

    vec![
        row(
            "a valid request (for comparison)",
            Post(valid.clone()),
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
            Post(over_limit),
            413,
            "longer than the limit of 1048576 bytes",
        ),
        row(
            "`GET`",
            Http {
                method: "GET",
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
                headers: &[("content-type", "application/octet-stream")],
                body: valid.clone(),
            },
            405,
            "answers POST requests only",
        ),
        row(
            "`Content-Type: application/json`",
            Http {
                method: "POST",
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
                headers: &[("content-encoding", "gzip")],
                body: valid.clone(),
            },
            415,
            "Content-Encoding `gzip` are not supported",
        ),
        row(
            "not HTTP at all (raw bytes on the socket)",
            Raw(random_bytes(7, 64)),
            400,
            "",
        ),
        row("invalid chunked encoding", Raw(chunked_garbage), 400, ""),
        Row {
            input: "body shorter than its `Content-Length`, then the client half-closes",
            request: Raw(short_body),
            status: None,
            says: "",
        },
        row("a 128 KiB header", Raw(huge_header), 431, ""),
    ]
}

#[test]
fn every_bad_input_is_answered_and_the_next_request_succeeds() {
    let addr = serve();
    let url = format!("http://{addr}/statefun");

    let mut table = String::from("| # | input | status | answer (body) |\n|---|---|---|---|\n");
    let mut failures = Vec::new();
    for (i, row) in rows().into_iter().enumerate() {
        let started = Instant::now();
        let answer = match row.request {
            Input::Post(body) => send(
                &url,
                "POST",
                &[("content-type", "application/octet-stream")],
                body,
            ),
            Input::Http {
                method,
                headers,
                body,
            } => send(&url, method, headers, body),
            Input::Raw(bytes) => raw(addr, &bytes),
        };
        let elapsed = started.elapsed();
        let shown = describe(&answer);
        let status = answer
            .status
            .map_or_else(|| "—".to_owned(), |s| s.to_string());
        table.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            i + 1,
            row.input,
            status,
            shown.replace('|', "\\|").replace('\n', " ")
        ));
        if answer.status != row.status {
            failures.push(format!(
                "row {} ({}): status {:?}, expected {:?}: {shown}",
                i + 1,
                row.input,
                answer.status,
                row.status
            ));
        }
        let body = String::from_utf8_lossy(&answer.body);
        if !body.contains(row.says) {
            failures.push(format!(
                "row {} ({}): body does not contain {:?}: {body}",
                i + 1,
                row.input,
                row.says
            ));
        }
        if row.status == Some(504) {
            assert!(
                elapsed >= TIMEOUT && elapsed < TIMEOUT * 10,
                "timed out after {elapsed:?}"
            );
        }

        // The service is unharmed: a valid request right after is answered correctly.
        let seen = i as i32 * 7;
        let after = send(
            &url,
            "POST",
            &[("content-type", "application/octet-stream")],
            greeting(&format!("after-{i}"), Some(seen), &["hi"]),
        );
        assert_eq!(after.status, Some(200), "after row {}", i + 1);
        assert_eq!(
            describe(&after),
            format!(
                "`FromFunction` invocation result, mutations: seen = {}",
                seen + 1
            ),
            "after row {}",
            i + 1
        );
    }
    assert!(failures.is_empty(), "{}\n\n{table}", failures.join("\n"));
    check_document(&table);
}

/// The table in `docs/robustness.md` is the one this test produced.
fn check_document(table: &str) {
    const START: &str =
        "<!-- bad-input-table:start (generated by statefun-actix/tests/bad_input.rs) -->\n";
    const END: &str = "<!-- bad-input-table:end -->";
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/robustness.md");
    let document = std::fs::read_to_string(&path).unwrap_or_default();
    let (before, after) = match (document.find(START), document.find(END)) {
        (Some(start), Some(end)) if start < end => {
            (&document[..start + START.len()], &document[end..])
        }
        _ => ("", ""),
    };
    let current = format!("{before}{table}{after}");
    if std::env::var_os("STATEFUN_BLESS").is_some() {
        assert!(
            !before.is_empty(),
            "{} has no bad-input-table markers",
            path.display()
        );
        std::fs::write(&path, current).unwrap();
        return;
    }
    assert!(
        !before.is_empty() && current == document,
        "the bad-input table in {} is out of date; regenerate it with \
         `STATEFUN_BLESS=1 cargo test -p statefun-actix --test bad_input`:\n\n{table}",
        path.display()
    );
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

/// A request whose body arrives after the headers (as from a client that writes them
/// separately) and is answered before it is read must not break the connection: the
/// next request on it is answered.
#[test]
fn early_answers_keep_the_connection_usable() {
    let addr = serve();
    let valid = greeting("kim", Some(1), &["hi"]);
    let head = |method: &str, headers: &str, length: usize| {
        format!(
            "{method} /statefun HTTP/1.1\r\nHost: x\r\n{headers}Content-Length: {length}\r\n\r\n"
        )
    };
    let big = greeting("kim", None, &[&"x".repeat(LIMIT)]);
    let cases: [(&str, String, &[u8], u16); 4] = [
        (
            "wrong content type",
            head("POST", "Content-Type: application/json\r\n", valid.len()),
            &valid,
            415,
        ),
        (
            "compressed body",
            head("POST", "Content-Encoding: gzip\r\n", valid.len()),
            &valid,
            415,
        ),
        ("PUT", head("PUT", "", valid.len()), &valid, 405),
        ("over the limit", head("POST", "", big.len()), &big, 413),
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

fn head_of_valid(length: usize) -> String {
    format!(
        "POST /statefun HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nContent-Length: {length}\r\n\r\n"
    )
}
