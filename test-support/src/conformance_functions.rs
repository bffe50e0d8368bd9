//! The functions behind the conformance vectors (`tests/conformance/README.md`, "The
//! functions behind the vectors"), written by hand against the core API (no macros), and
//! the check that a server answers every vector over HTTP as the official Python SDK did.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use statefun_core::{
    Address, BoxError, Bytes, CancellationToken, CodecError, Context, EgressMessage, Function,
    Functions, Message, OutgoingMessage, Type, TypeName, codec,
};

use crate::{
    blob::{Blob, BlobState},
    conformance,
    greeter::Greeter,
};

crate::state! {
    struct EffectsState {
        seen: i32,
        scratch: String,
    }
}

struct Effects;

impl Function for Effects {
    type State = EffectsState;
    fn type_name(&self) -> TypeName {
        TypeName::from_static("demo/effects")
    }
    async fn invoke(
        &self,
        ctx: &mut Context,
        state: &mut EffectsState,
        _: Message,
    ) -> Result<(), BoxError> {
        state.seen.update(|seen| Some(seen.unwrap_or(0) + 1));
        let caller = ctx.caller().ok_or("expected a caller")?;
        let greeting = format!("hello {}", caller.id());
        ctx.reply(&greeting)?;
        let carol = Address::new(TypeName::from_static("demo/greeter"), "carol");
        ctx.send_after_with_token(
            Duration::from_millis(5000),
            CancellationToken::from_static("tok-1"),
            OutgoingMessage::new(carol, "later")?,
        );
        ctx.cancel_delayed(CancellationToken::from_static("tok-0"));
        let me = ctx.self_address().id().to_owned();
        ctx.send_egress(
            EgressMessage::kafka(TypeName::from_static("demo/kafka-egress"))
                .topic("greetings")
                .key(me.clone())
                .value(format!("hello {me}"))
                .build()?,
        );
        state.scratch.clear();
        Ok(())
    }
}

/// `demo/blob`: appends the message's string to `blob`.
struct BlobAppender;

impl Function for BlobAppender {
    type State = BlobState;
    fn type_name(&self) -> TypeName {
        TypeName::from_static("demo/blob")
    }
    async fn invoke(
        &self,
        _: &mut Context,
        state: &mut BlobState,
        msg: Message,
    ) -> Result<(), BoxError> {
        let tail = msg.as_str()?;
        let mut blob = Vec::new();
        if let Some(Blob(head)) = state.blob.get() {
            blob.extend_from_slice(head);
        }
        blob.extend_from_slice(tail.as_bytes());
        state.blob.set(Blob(Bytes::from(blob)));
        Ok(())
    }
}

macro_rules! json_type {
    ($ty:ty, $name:literal) => {
        impl Type for $ty {
            fn type_name() -> TypeName {
                TypeName::from_static($name)
            }
            fn encode(&self) -> Result<Bytes, CodecError> {
                codec::json::encode(self)
            }
            fn decode(bytes: Bytes) -> Result<Self, CodecError> {
                codec::json::decode(&bytes)
            }
        }
    };
}

#[derive(Serialize, Deserialize)]
struct Profile {
    name: String,
    visits: u32,
    pages: Vec<String>,
    tags: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_ms: Option<u64>,
}
json_type!(Profile, "demo/Profile");

#[derive(Serialize, Deserialize)]
struct Visit {
    page: String,
    ms: u64,
}
json_type!(Visit, "demo/Visit");

#[derive(Serialize, Deserialize)]
struct VisitAck {
    name: String,
    visits: u32,
}
json_type!(VisitAck, "demo/VisitAck");

crate::state! {
    struct ProfileState {
        profile: Profile,
    }
}

struct JsonFunction;

impl Function for JsonFunction {
    type State = ProfileState;
    fn type_name(&self) -> TypeName {
        TypeName::from_static("demo/json")
    }
    async fn invoke(
        &self,
        ctx: &mut Context,
        state: &mut ProfileState,
        msg: Message,
    ) -> Result<(), BoxError> {
        let visit: Visit = msg.decode()?;
        let me = ctx.self_address().id().to_owned();
        let profile = state.profile.get_or_insert_with(|| Profile {
            name: me.clone(),
            visits: 0,
            pages: vec![],
            tags: vec![],
            last_ms: None,
        });
        profile.visits += 1;
        profile.pages.push(visit.page);
        profile.last_ms = Some(visit.ms);
        let ack = VisitAck {
            name: profile.name.clone(),
            visits: profile.visits,
        };
        let sink = Address::new(TypeName::from_static("demo/json-sink"), me);
        ctx.send(sink, &ack)?;
        Ok(())
    }
}

crate::state! {
    struct TtlState {
        a: i32 => statefun_core::Expiration::AfterCall(Duration::from_secs(60)),
        b: String => statefun_core::Expiration::AfterWrite(Duration::from_secs(5)),
        c: bool,
    }
}

struct Ttl;

impl Function for Ttl {
    type State = TtlState;
    fn type_name(&self) -> TypeName {
        TypeName::from_static("demo/ttl")
    }
    async fn invoke(
        &self,
        _: &mut Context,
        state: &mut TtlState,
        _: Message,
    ) -> Result<(), BoxError> {
        state.c.set(true);
        Ok(())
    }
}

/// Every function of the vectors: `demo/greeter`, `demo/effects`, `demo/blob`, `demo/json`
/// and `demo/ttl` (the table of `tests/conformance/README.md`).
pub fn functions() -> Functions {
    Functions::new()
        .with(Greeter)
        .with(Effects)
        .with(BlobAppender)
        .with(JsonFunction)
        .with(Ttl)
}

/// POSTs every vector's request to `url`, a server of [`functions`], and checks each answer:
/// 200 with `application/octet-stream` and the same `FromFunction` as the Python SDK
/// ([`conformance::assert_same_answer`]), or, for `x-unknown-function` (which the Python SDK
/// answers 500), 404 with a text naming the function.
///
/// # Panics
///
/// At the first vector answered otherwise.
pub fn assert_answers_over_http(url: &str) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let names = conformance::all_vector_names();
    assert!(
        names.len() >= 9,
        "expected the nine vectors, found {names:?}"
    );
    for name in names {
        let vector = conformance::vector(&name);
        let mut response = agent
            .post(url)
            .header("content-type", "application/octet-stream")
            .send(&vector.request[..])
            .unwrap_or_else(|e| panic!("vector {name}: POST {url}: {e}"));
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let body = response
            .body_mut()
            .with_config()
            .limit(64 << 20)
            .read_to_vec()
            .unwrap();
        if vector.python_status == 200 {
            assert_eq!(
                (status, content_type.as_str()),
                (200, "application/octet-stream"),
                "vector {name}: {}",
                String::from_utf8_lossy(&body)
            );
            conformance::assert_same_answer(&name, &body, &vector.python_response);
        } else {
            assert_eq!(name, "x-unknown-function");
            let text = String::from_utf8_lossy(&body);
            assert_eq!(status, 404, "vector {name}: {text}");
            assert!(
                text.starts_with("no function `demo/nope` is registered here"),
                "vector {name}: {text}"
            );
        }
    }
}
