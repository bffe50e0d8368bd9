//! What each side answered to one request: the HTTP status its server would send, the
//! `FromFunction` in the canonical form of the conformance tests, or what went wrong.

use std::{
    io::{BufReader, BufWriter, Read, Write},
    path::Path,
    process::{Child, ChildStdin, ChildStdout, Command, Stdio},
};

use bytes::Bytes;
use prost::Message as _;
use serde_json::Value as Json;
use statefun::{ContextError, Error, Handler, MessageError, proto::reqreply::FromFunction};
use statefun_test_support::conformance;

#[derive(Clone, Debug)]
pub struct Outcome {
    pub status: u16,
    /// The canonical `FromFunction` of a 200.
    pub answer: Option<Json>,
    /// What went wrong: our error's kind (`InvalidRequest/DuplicateState`), or the Python
    /// exception's class (`KeyError`).
    pub kind: String,
    /// The error's text.
    pub detail: String,
}

impl Outcome {
    fn answer(bytes: &[u8]) -> Self {
        let answer = FromFunction::decode(bytes).expect("a FromFunction");
        Outcome {
            status: 200,
            answer: Some(conformance::canonical(&answer)),
            kind: String::new(),
            detail: String::new(),
        }
    }

    pub fn same_as(&self, other: &Outcome) -> bool {
        self.status == other.status && self.answer == other.answer
    }

    pub fn describe(&self) -> String {
        match &self.answer {
            Some(answer) => format!("200 {answer}"),
            None => format!("{} {}: {}", self.status, self.kind, self.detail),
        }
    }
}

/// Our handler's answer, with the status of the HTTP adapter (statefun-actix): 404 for an
/// unknown function, 400 when the request is at fault (`Error::is_bad_request`), else 500.
pub fn ours(runtime: &tokio::runtime::Runtime, handler: &Handler, request: &[u8]) -> Outcome {
    match runtime.block_on(handler.handle(Bytes::copy_from_slice(request))) {
        Ok(bytes) => Outcome::answer(&bytes),
        Err(error) => Outcome {
            status: match &error {
                Error::UnknownFunction { .. } => 404,
                e if e.is_bad_request() => 400,
                _ => 500,
            },
            kind: kind(&error),
            detail: describe(&error),
            answer: None,
        },
    }
}

/// `InvalidRequest/DuplicateState`, `State/TypeMismatch`, `FunctionFailed/MessageError::Decode`...
pub fn kind(error: &Error) -> String {
    match error {
        Error::InvalidRequest(e) => format!("InvalidRequest/{}", variant(e)),
        Error::State { source, .. } => format!("State/{}", variant(source)),
        Error::FunctionFailed { source, .. } => {
            if let Some(e) = source.downcast_ref::<MessageError>() {
                format!("FunctionFailed/MessageError::{}", variant(e))
            } else if let Some(e) = source.downcast_ref::<ContextError>() {
                format!("FunctionFailed/ContextError::{}", variant(e))
            } else {
                "FunctionFailed/other".into()
            }
        }
        other => variant(other),
    }
}

/// The name of an enum value's variant, from its `Debug` form.
fn variant(value: &impl std::fmt::Debug) -> String {
    let debug = format!("{value:?}");
    debug
        .split(|c: char| !c.is_alphanumeric() && c != '_')
        .next()
        .unwrap_or_default()
        .to_owned()
}

fn describe(error: &Error) -> String {
    use std::error::Error as _;
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(c) = cause {
        let more = c.to_string();
        if !text.contains(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        cause = c.source();
    }
    text
}

/// The Python SDK's `RequestReplyHandler` in one long-lived `driver.py` process.
pub struct Python {
    child: Child,
    requests: BufWriter<ChildStdin>,
    answers: BufReader<ChildStdout>,
}

impl Python {
    pub fn start(python: &Path, driver: &Path) -> Self {
        let mut child = Command::new(python)
            .arg(driver)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot start {} {}: {e}",
                    python.display(),
                    driver.display()
                )
            });
        let requests = BufWriter::new(child.stdin.take().unwrap());
        let answers = BufReader::new(child.stdout.take().unwrap());
        Python {
            child,
            requests,
            answers,
        }
    }

    /// The Python SDK's answer: 200 with its `FromFunction`, or 500 with the exception (what
    /// the SDK's HTTP examples answer).
    pub fn answer(&mut self, request: &[u8]) -> Outcome {
        let length = u32::try_from(request.len()).unwrap().to_be_bytes();
        self.requests.write_all(&length).unwrap();
        self.requests.write_all(request).unwrap();
        self.requests.flush().unwrap();
        let mut header = [0u8; 5];
        self.answers
            .read_exact(&mut header)
            .expect("driver.py answers (see its stderr above)");
        let length = u32::from_be_bytes(header[1..].try_into().unwrap()) as usize;
        let mut payload = vec![0; length];
        self.answers.read_exact(&mut payload).unwrap();
        if header[0] == 0 {
            return Outcome::answer(&payload);
        }
        let text = String::from_utf8_lossy(&payload).into_owned();
        let (kind, detail) = text.split_once(": ").unwrap_or((&text, ""));
        Outcome {
            status: 500,
            answer: None,
            kind: kind.to_owned(),
            detail: detail.to_owned(),
        }
    }
}

impl Drop for Python {
    fn drop(&mut self) {
        // Closing stdin ends the driver's loop.
        let _ = self.requests.flush();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
