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

mod answers;
#[cfg(feature = "gzip")]
mod gzip;
mod load;
mod paths;
mod settings;
