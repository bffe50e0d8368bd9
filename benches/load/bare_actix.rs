//! The load test's limit: a bare actix-web handler that reads the body and answers the
//! greeter's `FromFunction` as fixed bytes, on `127.0.0.1:$PORT` at `/statefun`. Same
//! actix-web version, features and worker count as the statefun service; no decoding, no
//! function, no encoding.
//!
//! ```sh
//! PORT=8001 cargo run --release --example load-bare-actix
//! ```
//!
//! Two variants split the gap between this limit and the statefun service:
//! - `HANDLER=prost`: the route runs the greeter written with prost alone (decode the
//!   `ToFunction` and the wrappers, encode the `FromFunction`): the limit of any service
//!   that speaks the protocol with prost;
//! - `HANDLER=statefun`: the route calls the statefun dispatcher (`Handler::handle`): the
//!   SDK's core without its HTTP adapter.

use actix_web::{App, HttpResponse, HttpServer, web};
use prost::Message as _;
use statefun::{
    Bytes,
    proto::reqreply::{self as pb, from_function},
};

/// What the greeter answers to the load test's request (`seen` 41 → 42), built once.
fn answer() -> Bytes {
    use from_function::{
        InvocationResponse, PersistedValueMutation, Response,
        persisted_value_mutation::MutationType,
    };
    let mut seen = vec![0x0d];
    seen.extend_from_slice(&42i32.to_le_bytes());
    pb::FromFunction {
        response: Some(Response::InvocationResult(InvocationResponse {
            state_mutations: vec![PersistedValueMutation {
                mutation_type: MutationType::Modify as i32,
                state_name: "seen".to_owned(),
                state_value: Some(pb::TypedValue {
                    typename: "io.statefun.types/int".to_owned(),
                    has_value: true,
                    value: seen.into(),
                }),
            }],
            ..Default::default()
        })),
    }
    .encode_to_vec()
    .into()
}

#[allow(dead_code)]
#[path = "../common/functions.rs"]
mod functions;
#[allow(dead_code)]
#[path = "../common/requests.rs"]
mod requests;

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::io::Result<()> {
    let port: u16 = std::env::var("PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(8001);
    match std::env::var("HANDLER").as_deref() {
        Ok("statefun") => return with_handler(port, false).await,
        Ok("prost") => return with_handler(port, true).await,
        _ => {}
    }
    let answer = answer();
    eprintln!("bare actix-web on http://127.0.0.1:{port}/statefun");
    HttpServer::new(move || {
        let answer = answer.clone();
        App::new().route(
            "/statefun",
            web::post().to(move |body: Bytes| {
                let answer = answer.clone();
                async move {
                    std::hint::black_box(body);
                    HttpResponse::Ok()
                        .content_type("application/octet-stream")
                        .body(answer)
                }
            }),
        )
    })
    .bind(("127.0.0.1", port))?
    .run()
    .await
}

/// The route calls the dispatcher (or the prost-only greeter); nothing of the adapter (no
/// header checks, no spans, actix's default body limit of 256 KiB).
async fn with_handler(port: u16, prost_alone: bool) -> std::io::Result<()> {
    let handler = statefun::Handler::new(statefun::Functions::new().with(functions::greeter));
    let what = if prost_alone {
        "prost alone"
    } else {
        "the statefun Handler"
    };
    eprintln!("actix-web + {what} on http://127.0.0.1:{port}/statefun");
    HttpServer::new(move || {
        let handler = handler.clone();
        App::new().route(
            "/statefun",
            web::post().to(move |body: Bytes| {
                let handler = handler.clone();
                async move {
                    if prost_alone {
                        return HttpResponse::Ok()
                            .content_type("application/octet-stream")
                            .body(requests::prost_alone(&body));
                    }
                    match handler.handle(body).await {
                        Ok(answer) => HttpResponse::Ok()
                            .content_type("application/octet-stream")
                            .body(answer),
                        Err(e) => HttpResponse::InternalServerError().body(e.to_string()),
                    }
                }
            }),
        )
    })
    .bind(("127.0.0.1", port))?
    .run()
    .await
}
