//! The functions of the end-to-end suite (`tests/e2e`), served on `127.0.0.1:$PORT` at
//! `/statefun`. `tests/e2e/run.sh` starts this binary and points the real StateFun runtime
//! at it; `tests/e2e/README.md` describes the two scenarios.
//!
//! Scenario 1 (features): `e2e/greeter`, `e2e/mailer` and `e2e/keeper` use state with and
//! without expiration, JSON and protobuf values, messages between functions, delayed
//! messages (one of them cancelled), state deletion and the generic, Kafka and Kinesis
//! egresses. Scenario 2 (exactly-once): `e2e/cmd` interprets command trees and keeps one
//! counter per instance. `Report` and `Discard` name a Kafka topic in the Kafka scenarios:
//! then the record goes to the Kafka egress `e2e/kafka` instead of `e2e/verify` or
//! `e2e/discard`.
//!
//! ```sh
//! PORT=8000 cargo run --example e2e_functions
//! ```
//!
//! `E2E_BROKEN=memory-counter` serves a deliberately broken `e2e/cmd` that keeps its
//! counters in process memory instead of state: the scale-out scenario must fail with it.
//!
//! `E2E_DEAD_LETTERS=kafka` sets the dead-letter policy of the scenario `dead-letters`: a
//! message `e2e/cmd` can never process (bytes that are no `Commands`, a typename it does
//! not take, a `Reject` command) becomes a dead letter on the Kafka topic `dead-letters`
//! through the egress `e2e/dead-letters`. Without it the default policy fails the batch.

use std::{collections::BTreeMap, sync::Mutex, time::Duration};

use serde::{Deserialize, Serialize};
use statefun::{
    BoxError, CancellationToken, Context, DeadLetters, EgressMessage, Functions, OutgoingMessage,
    Permanent, StateSpec, TypeName, Value,
};

// ------------------------------------------------------------------------------------------
// Egresses (declared in the module.yaml / bound by the Java driver)
// ------------------------------------------------------------------------------------------

const OUT: TypeName = TypeName::from_static("e2e/out");
const KAFKA: TypeName = TypeName::from_static("e2e/kafka");
const KINESIS: TypeName = TypeName::from_static("e2e/kinesis");
const DISCARD: TypeName = TypeName::from_static("e2e/discard");
const VERIFY: TypeName = TypeName::from_static("e2e/verify");
/// The dead-letters scenario's exactly-once Kafka egress (`E2E_DEAD_LETTERS=kafka`).
pub const DEAD_LETTERS: TypeName = TypeName::from_static("e2e/dead-letters");
/// The topic of its dead letters.
pub const DEAD_LETTER_TOPIC: &str = "dead-letters";

// ------------------------------------------------------------------------------------------
// Protobuf messages: tests/e2e/proto/commands.proto, package e2e.commands, written out with
// prost's derives (no protoc). Their typenames come from `prost::Name`:
// `type.googleapis.com/e2e.commands.<Name>`, as the Java driver writes them.
// ------------------------------------------------------------------------------------------

/// A list of commands that an `e2e/cmd` instance runs in order.
#[derive(Clone, PartialEq, prost::Message, statefun::Type)]
#[statefun(protobuf)]
struct Commands {
    #[prost(message, repeated, tag = "1")]
    commands: Vec<Command>,
}

/// One command.
#[derive(Clone, PartialEq, prost::Message)]
struct Command {
    #[prost(oneof = "Kind", tags = "1, 2, 3, 4, 5, 6")]
    kind: Option<Kind>,
}

/// What a command does.
#[derive(Clone, PartialEq, prost::Oneof)]
enum Kind {
    /// Add one to this instance's counter.
    #[prost(message, tag = "1")]
    Increment(Increment),
    /// Send commands to another instance.
    #[prost(message, tag = "2")]
    Send(SendNow),
    /// Send commands to another instance after a delay.
    #[prost(message, tag = "3")]
    SendDelayed(SendDelayed),
    /// Emit a record to `e2e/discard`.
    #[prost(message, tag = "4")]
    Discard(Discard),
    /// Emit this instance's counter to `e2e/verify`.
    #[prost(message, tag = "5")]
    Report(Report),
    /// Fail the whole message permanently (the dead-letters scenario's poison).
    #[prost(message, tag = "6")]
    Reject(Reject),
}

/// `e2e.commands.Increment`
#[derive(Clone, PartialEq, prost::Message)]
struct Increment {}

/// `e2e.commands.Send`
#[derive(Clone, PartialEq, prost::Message)]
struct SendNow {
    #[prost(string, tag = "1")]
    target: String,
    #[prost(message, optional, tag = "2")]
    commands: Option<Commands>,
}

/// `e2e.commands.SendDelayed`
#[derive(Clone, PartialEq, prost::Message)]
struct SendDelayed {
    #[prost(string, tag = "1")]
    target: String,
    #[prost(int64, tag = "2")]
    delay_ms: i64,
    #[prost(message, optional, tag = "3")]
    commands: Option<Commands>,
}

/// `e2e.commands.Discard`
#[derive(Clone, PartialEq, prost::Message)]
struct Discard {
    #[prost(string, tag = "1")]
    topic: String,
}

/// `e2e.commands.Report`
#[derive(Clone, PartialEq, prost::Message)]
struct Report {
    #[prost(int64, tag = "1")]
    expected: i64,
    #[prost(int32, tag = "2")]
    round: i32,
    #[prost(string, tag = "3")]
    topic: String,
}

/// `e2e.commands.Reject`
#[derive(Clone, PartialEq, prost::Message)]
struct Reject {
    #[prost(string, tag = "1")]
    reason: String,
}

/// What an instance emits to `e2e/verify` on [`Report`].
#[derive(Clone, PartialEq, prost::Message, statefun::Type)]
#[statefun(protobuf)]
struct Reported {
    #[prost(string, tag = "1")]
    id: String,
    #[prost(int64, tag = "2")]
    expected: i64,
    #[prost(int64, tag = "3")]
    actual: i64,
    #[prost(int32, tag = "4")]
    round: i32,
}

/// Scenario 1's protobuf value: sent from greeter to mailer and kept in mailer's state.
#[derive(Clone, PartialEq, prost::Message, statefun::Type)]
#[statefun(protobuf)]
struct Greeting {
    #[prost(string, tag = "1")]
    name: String,
    #[prost(string, tag = "2")]
    text: String,
    #[prost(int32, tag = "3")]
    visits: i32,
}

macro_rules! proto_names {
    ($($ty:ident),*) => {$(
        impl prost::Name for $ty {
            const NAME: &'static str = stringify!($ty);
            const PACKAGE: &'static str = "e2e.commands";
        }
    )*};
}
proto_names!(Commands, Reported, Greeting);

// ------------------------------------------------------------------------------------------
// JSON values
// ------------------------------------------------------------------------------------------

/// Ingress message of `e2e/greeter`.
#[derive(Serialize, Deserialize, statefun::Type)]
#[statefun(json, typename = "e2e/Greet")]
struct Greet {
    name: String,
}

/// State of `e2e/greeter`.
#[derive(Serialize, Deserialize, statefun::Type)]
#[statefun(json, typename = "e2e/Profile")]
struct Profile {
    name: String,
    greetings: u32,
}

/// What `e2e/mailer` emits to `e2e/out` for every greeting.
#[derive(Serialize, Deserialize, statefun::Type)]
#[statefun(json, typename = "e2e/Receipt")]
struct Receipt {
    to: String,
    from: String,
    visits: i32,
    previous: i32,
}

// ------------------------------------------------------------------------------------------
// Scenario 1: features
// ------------------------------------------------------------------------------------------

#[derive(StateSpec)]
struct GreeterState {
    visits: Value<i32>,
    #[state(expire_after_call = "1h")]
    profile: Value<Profile>,
}

/// Counts visits per id, keeps a JSON profile, greets through Kafka and tells the mailer.
#[statefun::function(typename = "e2e/greeter")]
async fn greeter(
    ctx: &mut Context,
    state: &mut GreeterState,
    greet: Greet,
) -> Result<(), BoxError> {
    let id = ctx.self_address().id().to_owned();

    let visits = state.visits.get_or_default() + 1;
    state.visits.set(visits);
    let profile = state.profile.get_or_insert_with(|| Profile {
        name: greet.name.clone(),
        greetings: 0,
    });
    profile.greetings += 1;
    let line = format!(
        "Hello {} #{visits} (profile: {}, {} greetings)",
        greet.name, profile.name, profile.greetings
    );

    let greeting = Greeting {
        name: greet.name.clone(),
        text: format!("Hello {}", greet.name),
        visits,
    };
    ctx.send(mailer::address(id.clone()), &greeting)?;
    ctx.send_egress(
        EgressMessage::kafka(KAFKA)
            .topic("greetings")
            .key(id)
            .value(line)
            .build()?,
    );
    Ok(())
}

#[derive(StateSpec)]
struct MailerState {
    last: Value<Greeting>,
}

/// Receives greetings from the greeter of the same id: a Kinesis record, a JSON receipt
/// naming the caller, and the previous greeting (read back from protobuf state).
#[statefun::function(typename = "e2e/mailer")]
async fn mailer(
    ctx: &mut Context,
    state: &mut MailerState,
    greeting: Greeting,
) -> Result<(), BoxError> {
    let id = ctx.self_address().id().to_owned();
    let caller = ctx
        .caller()
        .ok_or("e2e/mailer expects messages from e2e/greeter")?;
    let from = format!("{}/{}", caller.type_name(), caller.id());

    let previous = state.last.get().cloned();
    state.last.set(greeting.clone());

    ctx.send_egress(
        EgressMessage::kinesis(KINESIS)
            .stream("mail")
            .partition_key(id.clone())
            .explicit_hash_key(greeting.visits.to_string())
            .value(greeting.text.clone())
            .build()?,
    );
    let receipt = Receipt {
        to: id,
        from,
        visits: greeting.visits,
        previous: previous.as_ref().map_or(0, |p| p.visits),
    };
    ctx.send_egress(EgressMessage::try_new(OUT, &receipt)?);
    if let Some(previous) = previous {
        ctx.send_egress(EgressMessage::new(OUT, &previous));
    }
    Ok(())
}

#[derive(StateSpec)]
struct KeeperState {
    #[state(expire_after_write = "1s")]
    short: Value<String>,
    #[state(expire_after_call = "1h")]
    long: Value<String>,
    plain: Value<i64>,
}

/// State expiration, deletion, delayed messages and their cancellation, driven by string
/// commands: `put`, `cancel`, `delete`, then `check` (delayed, from `put`).
#[statefun::function(typename = "e2e/keeper")]
async fn keeper(
    ctx: &mut Context,
    state: &mut KeeperState,
    command: String,
) -> Result<(), BoxError> {
    let me = ctx.self_address().clone();
    let id = me.id().to_owned();
    let boom_token = CancellationToken::new(format!("{id}-boom"))?;
    match command.as_str() {
        "put" => {
            state.short.set("s".to_owned());
            state.long.set("l".to_owned());
            state.plain.set(42);
            ctx.send_after(
                Duration::from_millis(3500),
                OutgoingMessage::new(me.clone(), "check")?,
            );
            ctx.send_after_with_token(
                Duration::from_millis(2000),
                boom_token,
                OutgoingMessage::new(me, "boom")?,
            );
            ctx.send_egress(EgressMessage::new(OUT, &format!("{id} put")));
            ctx.send_egress(EgressMessage::new(OUT, &42i64));
        }
        "cancel" => {
            ctx.cancel_delayed(boom_token);
            ctx.send_egress(EgressMessage::new(OUT, &format!("{id} cancel")));
        }
        "delete" => {
            state.plain.clear();
            ctx.send_egress(EgressMessage::new(OUT, &format!("{id} delete")));
        }
        "check" => {
            fn shown<T: ToString>(v: Option<&T>) -> String {
                v.map_or_else(|| "<absent>".to_owned(), T::to_string)
            }
            let line = format!(
                "{id} check short={} long={} plain={}",
                shown(state.short.get()),
                shown(state.long.get()),
                shown(state.plain.get()),
            );
            ctx.send_egress(EgressMessage::new(OUT, &line));
            ctx.send_egress(EgressMessage::new(OUT, &state.long.get().is_some()));
        }
        other => {
            let line = format!("{id} {other} (unexpected: a cancelled message was delivered?)");
            ctx.send_egress(EgressMessage::new(OUT, &line));
        }
    }
    Ok(())
}

// ------------------------------------------------------------------------------------------
// Scenario 2: exactly-once under failure
// ------------------------------------------------------------------------------------------

#[derive(StateSpec)]
struct Counter {
    counter: Value<i64>,
}

/// Interprets a command tree; the counter must end exactly at what the driver expects.
#[statefun::function(typename = "e2e/cmd")]
async fn cmd(ctx: &mut Context, state: &mut Counter, commands: Commands) -> Result<(), BoxError> {
    let mut counter = state.counter.get_or_default();
    if interpret(ctx, commands, &mut counter)? {
        state.counter.set(counter);
    }
    Ok(())
}

/// Deliberately broken `e2e/cmd` (`E2E_BROKEN=memory-counter`): the counters live in this
/// process, so another replica, a restarted one or a restored job sees other counts.
#[statefun::function(typename = "e2e/cmd")]
async fn cmd_in_memory(ctx: &mut Context, commands: Commands) -> Result<(), BoxError> {
    static COUNTERS: Mutex<BTreeMap<String, i64>> = Mutex::new(BTreeMap::new());
    let id = ctx.self_address().id().to_owned();
    let counters = || {
        COUNTERS
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    };
    let mut counter = counters().get(&id).copied().unwrap_or(0);
    interpret(ctx, commands, &mut counter)?;
    counters().insert(id, counter);
    Ok(())
}

/// Runs `commands` against `counter`; true if it changed.
fn interpret(ctx: &mut Context, commands: Commands, counter: &mut i64) -> Result<bool, BoxError> {
    let before = *counter;
    for command in commands.commands {
        match command.kind.ok_or("a command without a kind")? {
            Kind::Increment(_) => *counter += 1,
            Kind::Send(send) => {
                ctx.send(
                    cmd::address(send.target),
                    &send.commands.unwrap_or_default(),
                )?;
            }
            Kind::SendDelayed(send) => {
                let delay = Duration::from_millis(u64::try_from(send.delay_ms)?);
                let message = OutgoingMessage::new(
                    cmd::address(send.target),
                    &send.commands.unwrap_or_default(),
                )?;
                ctx.send_after(delay, message);
            }
            Kind::Discard(discard) => {
                let id = ctx.self_address().id().to_owned();
                let record = match discard.topic.as_str() {
                    "" => EgressMessage::new(DISCARD, id.as_str()),
                    topic => kafka_record(topic, &id, &id)?,
                };
                ctx.send_egress(record);
            }
            Kind::Report(report) => {
                let id = ctx.self_address().id().to_owned();
                let reported = Reported {
                    id: id.clone(),
                    expected: report.expected,
                    actual: *counter,
                    round: report.round,
                };
                let record = match report.topic.as_str() {
                    "" => EgressMessage::new(VERIFY, &reported),
                    topic => kafka_record(topic, &id, prost::Message::encode_to_vec(&reported))?,
                };
                ctx.send_egress(record);
            }
            // Whatever the commands before it did is dropped with the message: under a
            // dead-letter policy by the SDK, under the default one with the failed batch.
            Kind::Reject(reject) => {
                return Err(Permanent::new(format!("rejected: {}", reject.reason)).into());
            }
        }
    }
    Ok(*counter != before)
}

/// A record for the Kafka egress `e2e/kafka`, keyed by the instance id.
fn kafka_record(topic: &str, id: &str, value: impl AsRef<[u8]>) -> Result<EgressMessage, BoxError> {
    Ok(EgressMessage::kafka(KAFKA)
        .topic(topic)
        .key(id)
        .value(value)
        .build()?)
}

/// Every function of the suite; `E2E_BROKEN=memory-counter` swaps in [`cmd_in_memory`],
/// and `E2E_DEAD_LETTERS=kafka` sets the dead-letter policy ([`dead_letter_policy`]).
/// `tests/e2e_local` runs the same set through the local runtime.
pub fn functions() -> Functions {
    let functions = Functions::new().with(greeter).with(mailer).with(keeper);
    let functions = match std::env::var("E2E_BROKEN").as_deref() {
        Ok("memory-counter") => functions.with(cmd_in_memory),
        _ => functions.with(cmd),
    };
    match std::env::var("E2E_DEAD_LETTERS").as_deref() {
        Ok("kafka") => functions.with_dead_letters(dead_letter_policy()),
        Ok(other) => panic!("E2E_DEAD_LETTERS={other}: the one policy known here is `kafka`"),
        Err(_) => functions,
    }
}

/// The dead-letters scenario's policy: each dead letter a Kafka record (key the target
/// address, value its JSON) of the exactly-once egress `e2e/dead-letters`, topic
/// `dead-letters`.
pub fn dead_letter_policy() -> DeadLetters {
    DeadLetters::kafka(DEAD_LETTERS, DEAD_LETTER_TOPIC)
}

// Not compiled where `examples/e2e_lambda.rs` includes this file for its functions: the
// Lambda build leaves actix-web out.
#[cfg(feature = "actix")]
#[tokio::main]
async fn main() -> std::io::Result<()> {
    let port: u16 = std::env::var("PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(8000);
    let functions = functions();
    statefun::logging::init();
    statefun::serve(functions, ("127.0.0.1", port)).await
}
