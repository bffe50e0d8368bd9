//! The three-hop chain of the tracing proof (issue 28, item 3), shared by the service the
//! real runtime calls (`service.rs`, the example `trace_chain`) and the local runtime's test
//! (`tests/otel`): an ingress record `<id>` reaches `trace/a`, which sends a message to
//! `trace/b` `<id>`, which sends a delayed message (1 s) to `trace/c` `<id>`, which writes
//! the Kafka record `<id>` = `a>b>c` to the topic `trace-out` through the egress
//! `trace/out`. With the `otel` feature each invocation is a span whose parent is the
//! sender's: one trace per record.

use std::time::Duration;

use statefun::{
    Address, BoxError, Context, EgressMessage, Functions, Message, OutgoingMessage, TypeName,
};

/// The ingress's function.
#[allow(dead_code)] // the local runtime's test sends to it; the service is sent to by Kafka
pub const A: TypeName = TypeName::from_static("trace/a");
/// Reached by a message from `trace/a`.
pub const B: TypeName = TypeName::from_static("trace/b");
/// Reached by a delayed message from `trace/b`.
pub const C: TypeName = TypeName::from_static("trace/c");
/// The Kafka egress.
pub const OUT: TypeName = TypeName::from_static("trace/out");
/// The delay of the message from `trace/b` to `trace/c`.
pub const DELAY: Duration = Duration::from_secs(1);

#[statefun::function(typename = "trace/a")]
async fn a(ctx: &mut Context, _record: Message) -> Result<(), BoxError> {
    let id = ctx.self_address().id().to_owned();
    ctx.send(Address::new(B, &id), "a>b")?;
    Ok(())
}

#[statefun::function(typename = "trace/b")]
async fn b(ctx: &mut Context, path: String) -> Result<(), BoxError> {
    let id = ctx.self_address().id().to_owned();
    let message = OutgoingMessage::new(Address::new(C, &id), &format!("{path}>c"))?;
    ctx.send_after(DELAY, message);
    Ok(())
}

#[statefun::function(typename = "trace/c")]
async fn c(ctx: &mut Context, path: String) -> Result<(), BoxError> {
    let id = ctx.self_address().id().to_owned();
    let record = EgressMessage::kafka(OUT)
        .topic("trace-out")
        .key(&id)
        .value(path)
        .build()?;
    ctx.send_egress(record);
    Ok(())
}

/// The three functions.
pub fn functions() -> Functions {
    Functions::new().with(a).with(b).with(c)
}
