//! The dispatcher: negotiation, mutation rules, batches, side-effect order and every
//! error case, through `Handler::handle` on real protobuf bytes.

use std::{sync::Arc, sync::Mutex, time::Duration};

use bytes::Bytes;
use from_function::{expiration_spec::ExpireMode, persisted_value_mutation::MutationType};
use statefun_core::{
    Address, BoxError, CancellationToken, Context, ContextError, Error, Function, Functions,
    Handler, Message, OutgoingMessage, RegistryError, RequestError, StateError, TokenError,
    TypeName,
    proto::reqreply::{self as pb, from_function},
};
use statefun_test_support::{
    answer::{invocation_result, response},
    request::{Batch, string, typed},
};

const COUNTER: TypeName = TypeName::from_static("test/counter");

statefun_test_support::state! {
    /// Two cells: `count` (int, expires 1 s after call) and `note` (string).
    #[derive(Debug)]
    struct Counter {
        count: i32 => statefun_core::Expiration::AfterCall(Duration::from_secs(1)),
        note: String,
    }
}

/// Interprets string commands: `inc`, `set-note:<x>`, `clear-note`, `read`, `fail`,
/// `panic`, `send`, `delay:<token>`, `cancel:<token>`, `caller`.
struct Commands {
    seen_callers: Arc<Mutex<Vec<Option<String>>>>,
    invocations: Arc<Mutex<usize>>,
}

impl Function for Commands {
    type State = Counter;
    fn type_name(&self) -> TypeName {
        COUNTER
    }
    async fn invoke(
        &self,
        ctx: &mut Context,
        state: &mut Counter,
        msg: Message,
    ) -> Result<(), BoxError> {
        *self.invocations.lock().unwrap() += 1;
        let command = msg.as_string()?;
        let target = || Address::new(TypeName::from_static("test/other"), "x");
        match command.split_once(':').unwrap_or((&command, "")) {
            ("inc", _) => state.count.update(|n| Some(n.unwrap_or(0) + 1)),
            ("set-note", note) => state.note.set(note.to_owned()),
            ("clear-note", _) => state.note.clear(),
            ("read", _) => {
                let _ = state.count.get();
                let _ = state.note.get();
            }
            ("fail", _) => return Err("asked to fail".into()),
            ("panic", _) => panic!("asked to panic"),
            ("send", _) => ctx.send(target(), "m")?,
            ("delay", token) => ctx.send_after_with_token(
                Duration::from_millis(1500),
                CancellationToken::new(token)?,
                OutgoingMessage::new(target(), token)?,
            ),
            ("delay-untokened", _) => {
                ctx.send_after(Duration::from_secs(2), OutgoingMessage::new(target(), "d")?)
            }
            ("cancel", token) => ctx.cancel_delayed(CancellationToken::new(token)?),
            ("caller", _) => self
                .seen_callers
                .lock()
                .unwrap()
                .push(ctx.caller().map(ToString::to_string)),
            (other, _) => return Err(format!("unknown command {other}").into()),
        }
        Ok(())
    }
}

struct Fixture {
    handler: Handler,
    callers: Arc<Mutex<Vec<Option<String>>>>,
    invocations: Arc<Mutex<usize>>,
}

fn fixture() -> Fixture {
    let callers = Arc::new(Mutex::new(Vec::new()));
    let invocations = Arc::new(Mutex::new(0));
    let handler = Handler::new(Functions::new().with(Commands {
        seen_callers: callers.clone(),
        invocations: invocations.clone(),
    }));
    Fixture {
        handler,
        callers,
        invocations,
    }
}

/// The states of a request: name and value.
type States<'a> = Vec<(&'a str, Option<pb::TypedValue>)>;

/// A request for `test/counter/me` with `states` and one string message from `caller` per
/// command.
fn request(states: States<'_>, commands: &[&str], caller: Option<pb::Address>) -> Bytes {
    Batch::to("test/counter", "me")
        .states(states)
        .texts_from(caller, commands)
        .bytes()
}

fn full_state(count: Option<i32>, note: Option<&str>) -> States<'static> {
    vec![
        ("count", count.map(|c| typed(&c))),
        ("note", note.map(string)),
    ]
}

async fn answer(f: &Fixture, body: Bytes) -> from_function::Response {
    response(&f.handler.handle(body).await.expect("a FromFunction"))
}

async fn result(f: &Fixture, body: Bytes) -> from_function::InvocationResponse {
    invocation_result(&f.handler.handle(body).await.expect("a FromFunction"))
}

async fn error(f: &Fixture, body: Bytes) -> Error {
    f.handler.handle(body).await.unwrap_err()
}

fn mutations(r: &from_function::InvocationResponse) -> Vec<(String, MutationType, Option<i32>)> {
    r.state_mutations
        .iter()
        .map(|m| {
            let value = m.state_value.as_ref().and_then(|v| {
                (v.typename == "io.statefun.types/int")
                    .then(|| <i32 as statefun_core::Type>::decode(v.value.clone()).unwrap())
            });
            (m.state_name.clone(), m.mutation_type(), value)
        })
        .collect()
}

// ---- negotiation ----

mod dead_letters;
mod effects;
mod mutations;
mod negotiation;
mod requests;
