//! The rows: each a request and the answer it must get.

use statefun_core::{
    Bytes,
    proto::reqreply::{self as pb, TypedValue},
};

use super::{LIMIT, PATH};
use crate::{
    greeter::greeting,
    request::{Batch, address, string, typed},
};

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
