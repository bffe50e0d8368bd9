//! The runner: every row against a server under test, its answer and its log line checked,
//! the table rendered from what was received.

use std::{net::SocketAddr, time::Instant};

use super::{
    Input, PATH, Row, TIMEOUT,
    client::{Answer, raw, send, send_chunked},
    render::describe,
};
use crate::{greeter::greeting, trace::Capture};

/// A server under test, as the runner reaches it.
pub trait Server {
    /// Sends one request: `method` to `path` with `headers` and `body`, chunked (without a
    /// `Content-Length`) if `chunked`.
    fn send(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Vec<u8>,
        chunked: bool,
    ) -> Answer;

    /// Writes `bytes` on a new connection and reads the answer; `None` for a server
    /// without connections of its own (a platform's front end parses HTTP for it), whose
    /// table leaves these rows out.
    fn raw(&self, bytes: &[u8]) -> Option<Answer>;

    /// Whether the server answers every path as the StateFun path (a Lambda function has one
    /// entry point): its table leaves out the rows of other paths.
    fn answers_every_path(&self) -> bool {
        false
    }

    /// The address the answers name (shown as `127.0.0.1:PORT`), if any.
    fn addr(&self) -> Option<SocketAddr>;

    /// What the server's threads log.
    fn log(&self) -> &Capture;
}

/// A server on a loopback port, reached over real HTTP with one keep-alive connection for
/// the whole table (so a row that leaves it unusable fails the request after it). Its
/// threads must log into `log` ([`Capture::attach_this_thread`]).
pub struct Http {
    /// Where it listens.
    pub addr: SocketAddr,
    /// What its threads log.
    pub log: Capture,
}

impl Server for Http {
    fn send(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Vec<u8>,
        chunked: bool,
    ) -> Answer {
        let url = format!("http://{}{path}", self.addr);
        if chunked {
            send_chunked(&url, body)
        } else {
            send(&url, method, headers, body)
        }
    }

    fn raw(&self, bytes: &[u8]) -> Option<Answer> {
        Some(raw(self.addr, bytes))
    }

    fn addr(&self) -> Option<SocketAddr> {
        Some(self.addr)
    }

    fn log(&self) -> &Capture {
        &self.log
    }
}

/// The events the request pipeline wrote for one request (target `statefun::http`), as the
/// table shows them: level, message and the request span's `function`, `id` and
/// `batch_size`; `—` for none.
fn logged(text: &str) -> String {
    let mut events = Vec::new();
    for line in text.lines() {
        let line = line.trim_start();
        let Some((level, rest)) = line.split_once(' ') else {
            continue;
        };
        let (spans, event) = match rest.strip_prefix("statefun::http: ") {
            Some(event) => ("", event),
            None => match rest.split_once(": statefun::http: ") {
                Some(parts) => parts,
                None => continue,
            },
        };
        if matches!(event, "new" | "enter" | "exit" | "close") {
            continue;
        }
        let message = [" status=", " method="]
            .iter()
            .filter_map(|field| event.find(field))
            .min()
            .map_or(event, |end| &event[..end]);
        // An unserved path's text names the path; the rest of it is the answer's.
        let message = message.split_once(": ").map_or(message, |(head, _)| head);
        let fields: Vec<&str> = spans
            .split(['{', '}', ' '])
            .filter(|field| {
                ["function=", "id=", "batch_size="]
                    .iter()
                    .any(|name| field.starts_with(name))
            })
            .collect();
        let mut shown = format!("`{level}` {message}");
        if !fields.is_empty() {
            shown.push_str(&format!(" ({})", fields.join(" ")));
        }
        events.push(shown);
    }
    if events.is_empty() {
        "—".to_owned()
    } else {
        events.join("; ")
    }
}

/// The log line each outcome must have: `DEBUG` for 200, `WARN` for 4xx, `ERROR` for 5xx, none
/// for a 405 (a method the endpoint does not answer is not a request of the runtime's).
fn expected_level(status: u16) -> Option<&'static str> {
    match status {
        405 => None,
        200 => Some("`DEBUG`"),
        400..=499 => Some("`WARN`"),
        _ => Some("`ERROR`"),
    }
}

/// Runs `rows` against `server` (serving [`functions`](super::functions) with
/// [`LIMIT`](super::LIMIT) and [`TIMEOUT`] at [`PATH`]); returns the table rendered from the
/// answers and log lines received, a row a server leaves out ([`Server::raw`],
/// [`Server::answers_every_path`]) left out of it.
///
/// Every row must get its status and a body containing its `says`; an error answer is
/// `text/plain; charset=utf-8`, a 200 `application/octet-stream`, a 405 carries
/// `Allow: POST`; a 504 comes after [`TIMEOUT`] (and well before ten times that). Every
/// request of the runtime's is logged once at the level of its outcome, inside the request
/// span, which names the function, the id and the batch size once the request is read.
/// After every row, a valid request must be answered correctly.
///
/// # Panics
///
/// With every failed row and the table, if any row failed.
pub fn run(server: &dyn Server, rows: Vec<Row>) -> String {
    let octet_stream = [("content-type", "application/octet-stream")];
    let mut table =
        String::from("| # | input | status | answer (body) | log |\n|---|---|---|---|---|\n");
    let mut failures = Vec::new();
    for (i, row) in rows.into_iter().enumerate() {
        let number = i + 1;
        server.log().clear();
        let started = Instant::now();
        let checks_headers = !matches!(row.request, Input::Raw(_));
        let answer = match row.request {
            Input::Post(body) => server.send("POST", PATH, &octet_stream, body, false),
            Input::Chunked(body) => server.send("POST", PATH, &octet_stream, body, true),
            Input::Http { path, .. } if path != PATH && server.answers_every_path() => continue,
            Input::Http {
                method,
                path,
                headers,
                body,
            } => server.send(method, path, headers, body, false),
            Input::Raw(bytes) => match server.raw(&bytes) {
                Some(answer) => answer,
                None => continue,
            },
        };
        let elapsed = started.elapsed();
        let log = logged(&server.log().text());
        let shown = describe(&answer, server.addr());
        let status = answer
            .status
            .map_or_else(|| "—".to_owned(), |s| s.to_string());
        let cell = |text: &str| text.replace('|', "\\|").replace('\n', " ");
        table.push_str(&format!(
            "| {number} | {} | {status} | {} | {} |\n",
            row.input,
            cell(&shown),
            cell(&log)
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
            match answer.status.map(expected_level) {
                Some(None) if log != "—" => fail(format!("logged {log}, expected nothing")),
                Some(Some(level)) if !log.starts_with(level) || log.contains("; ") => {
                    fail(format!("logged {log}, expected one {level} line"))
                }
                _ => {}
            }
        }
        if row.status == Some(504) && !(elapsed >= TIMEOUT && elapsed < TIMEOUT * 10) {
            fail(format!("504 after {elapsed:?}, expected after {TIMEOUT:?}"));
        }

        // The service is unharmed: a valid request right after is answered correctly.
        let seen = i as i32 * 7;
        let after = server.send(
            "POST",
            PATH,
            &octet_stream,
            greeting(&format!("after-{i}"), Some(seen), &["hi"]),
            false,
        );
        assert_eq!(after.status, Some(200), "after row {number}");
        assert_eq!(
            describe(&after, server.addr()),
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
