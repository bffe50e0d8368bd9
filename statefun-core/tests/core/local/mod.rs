//! The local runtime: routing, state, negotiation, batching, the virtual clock, egress
//! capture and the errors where the real runtime would fail the job.

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use bytes::Bytes;
use futures_util::future::BoxFuture;
use prost::Message as _;
use statefun_core::{
    Address, BoxError, CancellationToken, Context, EgressMessage, Function, Functions, Handler,
    Message, OutgoingMessage, TypeName,
    local::{EgressRecord, LocalError, LocalRuntime, RunReport, Transport},
    proto::reqreply::{self as pb, FromFunction, from_function},
};

const COUNTER: TypeName = TypeName::from_static("test/counter");
const PINGER: TypeName = TypeName::from_static("test/pinger");
const EGRESS: TypeName = TypeName::from_static("test/out");

fn at(type_name: TypeName, id: &str) -> Address {
    Address::new(type_name, id)
}

statefun_test_support::state! {
    /// `count` (never expires), `recent` (1 s after write), `touched` (1 s after call).
    struct CounterState {
        count: i32,
        recent: i32 => statefun_core::Expiration::AfterWrite(Duration::from_secs(1)),
        touched: bool => statefun_core::Expiration::AfterCall(Duration::from_secs(1)),
    }
}

/// Commands as strings: `inc`, `recent`, `touch`, `noop`, `fail`, `later:<token>`,
/// `cancel:<token>`, `egress`, `ping`.
struct Counter;

impl Function for Counter {
    type State = CounterState;
    fn type_name(&self) -> TypeName {
        COUNTER
    }
    async fn invoke(
        &self,
        ctx: &mut Context,
        state: &mut CounterState,
        msg: Message,
    ) -> Result<(), BoxError> {
        let command = msg.as_string()?;
        match command.split_once(':').unwrap_or((&command, "")) {
            ("inc", _) => state.count.update(|n| Some(n.unwrap_or(0) + 1)),
            ("recent", _) => state.recent.set(1),
            ("touch", _) => {
                if state.touched.get().is_none() {
                    state.touched.set(true);
                }
            }
            ("noop", _) => {}
            ("fail", _) => return Err("the counter refuses".into()),
            ("later", token) => ctx.send_after_with_token(
                Duration::from_secs(2),
                CancellationToken::new(token)?,
                OutgoingMessage::new(ctx.self_address().clone(), "inc")?,
            ),
            ("cancel", token) => ctx.cancel_delayed(CancellationToken::new(token)?),
            ("egress", _) => {
                let id = ctx.self_address().id().to_owned();
                ctx.send_egress(
                    EgressMessage::kafka(EGRESS)
                        .topic("counts")
                        .key(id)
                        .value(format!("{}", state.count.get_or_default()))
                        .build()?,
                );
                ctx.send_egress(EgressMessage::new(EGRESS, &state.count.get_or_default()));
            }
            ("ping", _) => ctx.send(at(PINGER, "p"), "ping")?,
            (other, _) => return Err(format!("unknown command {other}").into()),
        }
        Ok(())
    }
}

/// Stateless; answers every `ping` by pinging the counter back, forever.
struct Pinger;

impl Function for Pinger {
    type State = ();
    fn type_name(&self) -> TypeName {
        PINGER
    }
    async fn invoke(&self, ctx: &mut Context, _: &mut (), _: Message) -> Result<(), BoxError> {
        ctx.send(at(COUNTER, "loop"), "ping")?;
        Ok(())
    }
}

fn runtime() -> LocalRuntime {
    LocalRuntime::new(Functions::new().with(Counter).with(Pinger))
}

fn count(rt: &LocalRuntime, id: &str) -> Option<i32> {
    rt.state::<i32>(&at(COUNTER, id), "count").unwrap()
}

/// An endpoint answering a fixed `FromFunction`, to provoke the runtime's own checks.
struct Fixed(FromFunction);

impl Transport for Fixed {
    fn call(&self, _: &Address, _: Bytes) -> BoxFuture<'_, Result<Bytes, BoxError>> {
        let body = Bytes::from(self.0.encode_to_vec());
        Box::pin(async move { Ok(body) })
    }
}

fn result(result: from_function::InvocationResponse) -> FromFunction {
    FromFunction {
        response: Some(from_function::Response::InvocationResult(result)),
    }
}

/// An endpoint that can be replaced between runs, as a redeployed service would be.
#[derive(Clone)]
struct Swappable(Arc<Mutex<Arc<dyn Transport>>>);

impl Transport for Swappable {
    fn call(&self, target: &Address, request: Bytes) -> BoxFuture<'_, Result<Bytes, BoxError>> {
        let current = self.0.lock().unwrap().clone();
        let target = target.clone();
        Box::pin(async move { current.call(&target, request).await })
    }
}

statefun_test_support::state! {
    struct V1State {
        count: i32,
    }
}

struct CounterV1;

impl Function for CounterV1 {
    type State = V1State;
    fn type_name(&self) -> TypeName {
        COUNTER
    }
    async fn invoke(
        &self,
        _: &mut Context,
        state: &mut V1State,
        _: Message,
    ) -> Result<(), BoxError> {
        state.count.update(|n| Some(n.unwrap_or(0) + 1));
        Ok(())
    }
}

mod clock;
mod errors;
mod faults;
mod messaging;
#[cfg(feature = "module")]
mod module;
mod reading;
mod reports;
mod test_kit;
mod upgrades;
