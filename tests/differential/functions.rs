//! Our side of the differential suite: the functions behind the conformance vectors
//! (tests/conformance/README.md), written with the macros as a user would. `driver.py` holds
//! the same functions written with the official Python SDK.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use statefun::{
    Address, BoxError, Bytes, CancellationToken, Context, EgressMessage, Functions, Message,
    OutgoingMessage, StateSpec, TypeName, Value,
};

#[derive(StateSpec)]
struct Seen {
    seen: Value<i32>,
}

/// One more than `seen` for each message, which is read as a string.
#[statefun::function(typename = "demo/greeter")]
async fn greeter(_: &mut Context, state: &mut Seen, msg: Message) -> Result<(), BoxError> {
    msg.as_str()?;
    state.seen.set(increment(state.seen.get().copied())?);
    Ok(())
}

/// `seen + 1`, refusing what an `int` cannot hold, as Python's `IntWrapper` does.
fn increment(seen: Option<i32>) -> Result<i32, BoxError> {
    Ok(seen
        .unwrap_or(0)
        .checked_add(1)
        .ok_or("seen is at the largest int")?)
}

#[derive(StateSpec)]
struct EffectsState {
    seen: Value<i32>,
    scratch: Value<String>,
}

/// Every kind of side effect, in the vector's order.
#[statefun::function(typename = "demo/effects")]
async fn effects(ctx: &mut Context, state: &mut EffectsState, _: Message) -> Result<(), BoxError> {
    state.seen.set(increment(state.seen.get().copied())?);
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

/// Raw bytes.
#[derive(statefun::Type)]
#[statefun(raw, typename = "demo/bytes")]
struct Blob(Bytes);

#[derive(StateSpec)]
struct BlobState {
    blob: Value<Blob>,
}

/// Appends the message's string to `blob`.
#[statefun::function(typename = "demo/blob")]
async fn blob(_: &mut Context, state: &mut BlobState, msg: Message) -> Result<(), BoxError> {
    let tail = msg.as_str()?;
    let mut bytes = state.blob.get().map(|b| b.0.to_vec()).unwrap_or_default();
    bytes.extend_from_slice(tail.as_bytes());
    state.blob.set(Blob(bytes.into()));
    Ok(())
}

#[derive(Serialize, Deserialize, statefun::Type)]
#[statefun(json, typename = "demo/Profile")]
struct Profile {
    name: String,
    visits: u32,
    pages: Vec<String>,
    tags: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_ms: Option<u64>,
}

#[derive(Serialize, Deserialize, statefun::Type)]
#[statefun(json, typename = "demo/Visit")]
struct Visit {
    page: String,
    ms: u64,
}

#[derive(Serialize, Deserialize, statefun::Type)]
#[statefun(json, typename = "demo/VisitAck")]
struct VisitAck {
    name: String,
    visits: u32,
}

#[derive(StateSpec)]
struct ProfileState {
    profile: Value<Profile>,
}

/// Counts a visit in the JSON profile and acknowledges it to `demo/json-sink`.
#[statefun::function(typename = "demo/json")]
async fn json(ctx: &mut Context, state: &mut ProfileState, msg: Message) -> Result<(), BoxError> {
    let visit: Visit = msg.decode()?;
    let me = ctx.self_address().id().to_owned();
    let profile = state.profile.get_or_insert_with(|| Profile {
        name: me.clone(),
        visits: 0,
        pages: vec![],
        tags: vec![],
        last_ms: None,
    });
    profile.visits = profile.visits.checked_add(1).ok_or("too many visits")?;
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

#[derive(StateSpec)]
struct TtlState {
    #[state(expire_after_call = "60s")]
    a: Value<i32>,
    #[state(expire_after_write = "5s")]
    b: Value<String>,
    c: Value<bool>,
}

/// Sets `c`; reads nothing.
#[statefun::function(typename = "demo/ttl")]
async fn ttl(_: &mut Context, state: &mut TtlState, _: Message) -> Result<(), BoxError> {
    state.c.set(true);
    Ok(())
}

pub fn functions() -> Functions {
    Functions::new()
        .with(greeter)
        .with(effects)
        .with(blob)
        .with(json)
        .with(ttl)
}
