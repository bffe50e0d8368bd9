//! The harness shared by the fuzz targets: functions written with the macros that use every
//! feature of the SDK, a structured model of `ToFunction` requests for `arbitrary`, and the
//! invariants every answer must satisfy.
//!
//! Invariants checked on every input (a violation panics, which libFuzzer reports as a
//! crash):
//! - no panic escapes the handler, and no panic other than the functions' deliberate ones
//!   happens anywhere (the panic hook aborts on any other, even one caught later);
//! - an `Ok` answer is a canonical `FromFunction` that the runtime accepts: mutations only
//!   for declared states with the declared typename, no duplicates, every negotiation
//!   lists declared specs, cancellations carry a token, addresses are valid typenames;
//! - an `Err` is a typed [`statefun::Error`] whose kind fits the request (an empty body is
//!   `EmptyBody` and nothing else is; a state sent twice is `DuplicateState` naming it; a
//!   request for a registered function with all its state is never a bad request unless a
//!   state is sent twice or a caller is invalid);
//! - the same input gives the same answer twice;
//! - a fixed valid request gives the same answer before and after the input, from the
//!   shared handler and from a fresh one: no answer depends on an earlier failed one.

#![allow(missing_docs)]

pub mod wrappers;

use std::{
    collections::HashSet,
    panic,
    sync::{
        Once, OnceLock,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};

use arbitrary::Arbitrary;
use bytes::Bytes;
use prost::Message as _;
use statefun::{
    Address, BoxError, CancellationToken, Context, EgressMessage, Error, Expiration, Functions,
    Handler, Message, OutgoingMessage, StateSpec, Type, TypeName, Value,
    proto::reqreply::{
        self as pb, FromFunction, ToFunction,
        from_function::{
            self, expiration_spec::ExpireMode, persisted_value_mutation::MutationType,
        },
        to_function,
    },
};

/// Every deliberate panic of the functions starts with this; any other panic is a bug.
pub const USER_PANIC: &str = "fuzz: deliberate panic";

// ------------------------------------------------------------------ types

/// A JSON value.
#[derive(
    Clone, Debug, PartialEq, Arbitrary, serde::Serialize, serde::Deserialize, statefun::Type,
)]
#[statefun(json, typename = "fuzz/Profile")]
pub struct Profile {
    pub name: String,
    pub visits: u32,
    pub tags: Vec<String>,
}

/// A protobuf value (typename `type.googleapis.com/fuzz.v1.Ping`).
#[derive(Clone, PartialEq, prost::Message, statefun::Type)]
#[statefun(protobuf)]
pub struct Ping {
    #[prost(string, tag = "1")]
    pub from: String,
    #[prost(sint64, tag = "2")]
    pub n: i64,
}

impl prost::Name for Ping {
    const NAME: &'static str = "Ping";
    const PACKAGE: &'static str = "fuzz.v1";
}

/// Raw bytes.
#[derive(Clone, Debug, PartialEq, statefun::Type)]
#[statefun(raw, typename = "fuzz/Blob")]
pub struct Blob(pub Bytes);

/// A state cell of [`Everything`], for [`Command::Clear`].
#[derive(Clone, Copy, Debug, Arbitrary, serde::Serialize, serde::Deserialize)]
pub enum Field {
    Count,
    Total,
    Name,
    Flag,
    Ratio,
    Score,
    Profile,
    Ping,
    Blob,
}

/// What `fuzz/everything` does with a message of type `fuzz/Command` (JSON).
#[derive(Clone, Debug, Arbitrary, serde::Serialize, serde::Deserialize, statefun::Type)]
#[statefun(json, typename = "fuzz/Command")]
pub enum Command {
    Bump,
    SetName(String),
    SetFloats(f32, f64),
    SetFlag(bool),
    SetProfile(Profile),
    SetPing {
        from: String,
        n: i64,
    },
    SetBlob(Vec<u8>),
    Clear(Field),
    /// To `namespace/name` `id`; an invalid typename fails the batch.
    Send {
        namespace: String,
        name: String,
        id: String,
        text: String,
    },
    /// To the caller, if any, else to itself.
    Reply(String),
    SendAfter {
        millis: u32,
        token: Option<String>,
        text: String,
    },
    Cancel(String),
    Kafka {
        topic: String,
        key: Option<String>,
        value: Vec<u8>,
    },
    Kinesis {
        stream: String,
        partition_key: String,
        hash_key: Option<String>,
        value: Vec<u8>,
    },
    /// A generic egress record; the egress typename is `namespace/name`.
    Egress {
        namespace: String,
        name: String,
        text: String,
    },
    Fail(String),
    Panic(String),
}

// ------------------------------------------------------------------ functions

/// Every type of state, with and without expiration.
#[derive(StateSpec)]
pub struct Everything {
    count: Value<i32>,
    #[state(expire_after_call = "10m")]
    total: Value<i64>,
    #[state(expire_after_write = "1h")]
    name: Value<String>,
    flag: Value<bool>,
    ratio: Value<f32>,
    #[state(expire_after_call = "1500ms")]
    score: Value<f64>,
    #[state(name = "profile_v2", expire_after_write = "1d")]
    profile: Value<Profile>,
    ping: Value<Ping>,
    blob: Value<Blob>,
}

const KAFKA: TypeName = TypeName::from_static("fuzz/kafka");
const KINESIS: TypeName = TypeName::from_static("fuzz/kinesis");
const SELF: TypeName = TypeName::from_static("fuzz/everything");

/// Executes `fuzz/Command`s; stores primitives, JSON, protobuf and raw values it receives.
#[statefun::function(typename = "fuzz/everything")]
pub async fn everything(
    ctx: &mut Context,
    state: &mut Everything,
    msg: Message,
) -> Result<(), BoxError> {
    state.total.update(|t| Some(t.unwrap_or(0).wrapping_add(1)));
    if msg.is::<Command>() {
        let command: Command = msg.decode()?;
        return run(ctx, state, command);
    }
    match msg.type_name() {
        "io.statefun.types/int" => state.count.set(msg.as_i32()?),
        "io.statefun.types/long" => state.total.set(msg.as_i64()?),
        "io.statefun.types/string" => state.name.set(msg.as_str()?.to_owned()),
        "io.statefun.types/bool" => state.flag.set(msg.as_bool()?),
        "io.statefun.types/float" => state.ratio.set(msg.as_f32()?),
        "io.statefun.types/double" => state.score.set(msg.as_f64()?),
        _ if msg.is::<Profile>() => state.profile.set(msg.decode()?),
        _ if msg.is::<Ping>() => state.ping.set(msg.decode()?),
        _ if msg.is::<Blob>() => state.blob.set(msg.decode()?),
        other => return Err(format!("unexpected message type `{other}`").into()),
    }
    Ok(())
}

fn run(ctx: &mut Context, state: &mut Everything, command: Command) -> Result<(), BoxError> {
    match command {
        Command::Bump => state.count.update(|c| Some(c.unwrap_or(0).wrapping_add(1))),
        Command::SetName(name) => state.name.set(name),
        Command::SetFloats(f, d) => {
            state.ratio.set(f);
            state.score.set(d);
        }
        Command::SetFlag(flag) => state.flag.set(flag),
        Command::SetProfile(profile) => state.profile.set(profile),
        Command::SetPing { from, n } => state.ping.set(Ping { from, n }),
        Command::SetBlob(bytes) => state.blob.set(Blob(bytes.into())),
        Command::Clear(field) => match field {
            Field::Count => state.count.clear(),
            Field::Total => state.total.clear(),
            Field::Name => state.name.clear(),
            Field::Flag => state.flag.clear(),
            Field::Ratio => state.ratio.clear(),
            Field::Score => state.score.clear(),
            Field::Profile => state.profile.clear(),
            Field::Ping => state.ping.clear(),
            Field::Blob => state.blob.clear(),
        },
        Command::Send {
            namespace,
            name,
            id,
            text,
        } => {
            let target = Address::new(TypeName::from_parts(&namespace, &name)?, id);
            ctx.send(target, text.as_str())?;
        }
        Command::Reply(text) => {
            let to = ctx
                .caller()
                .cloned()
                .unwrap_or_else(|| ctx.self_address().clone());
            ctx.send(to, &Profile {
                    name: text,
                    visits: 1,
                    tags: vec![],
                })?;
        }
        Command::SendAfter {
            millis,
            token,
            text,
        } => {
            let me = Address::new(SELF, ctx.self_address().id());
            let message = OutgoingMessage::new(me, text.as_str())?;
            let delay = Duration::from_millis(millis.into());
            match token {
                Some(token) => {
                    ctx.send_after_with_token(delay, CancellationToken::new(token)?, message)
                }
                None => ctx.send_after(delay, message),
            }
        }
        Command::Cancel(token) => ctx.cancel_delayed(CancellationToken::new(token)?),
        Command::Kafka { topic, key, value } => {
            let mut record = EgressMessage::kafka(KAFKA).topic(topic).value(value);
            if let Some(key) = key {
                record = record.key(key);
            }
            ctx.send_egress(record.build()?);
        }
        Command::Kinesis {
            stream,
            partition_key,
            hash_key,
            value,
        } => {
            let mut record = EgressMessage::kinesis(KINESIS)
                .stream(stream)
                .partition_key(partition_key)
                .typed_value(&Blob(value.into()));
            if let Some(key) = hash_key {
                record = record.explicit_hash_key(key);
            }
            ctx.send_egress(record.build()?);
        }
        Command::Egress {
            namespace,
            name,
            text,
        } => {
            let egress = TypeName::from_parts(&namespace, &name)?;
            ctx.send_egress(EgressMessage::new(egress, text.as_str()));
        }
        Command::Fail(why) => return Err(why.into()),
        Command::Panic(why) => panic!("{USER_PANIC}: {why}"),
    }
    Ok(())
}

/// Stateless: echoes strings to the caller, fails on anything else.
#[statefun::function(typename = "fuzz/stateless")]
pub async fn stateless(ctx: &mut Context, msg: Message) -> Result<(), BoxError> {
    let text = msg.as_string()?;
    if ctx.caller().is_some() {
        ctx.reply(text.as_str())?;
    }
    Ok(())
}

#[derive(StateSpec)]
pub struct Seen {
    #[state(expire_after_call = "1d")]
    seen: Value<i32>,
}

/// Synchronous, with state; panics on the string "panic".
#[statefun::function(typename = "fuzz/sync")]
pub fn sync(_ctx: &mut Context, state: &mut Seen, msg: Message) -> Result<(), BoxError> {
    if msg.as_str().ok() == Some("panic") {
        panic!("{USER_PANIC}: sync");
    }
    state.seen.update(|n| Some(n.unwrap_or(0).wrapping_add(1)));
    Ok(())
}

/// The functions under test.
pub fn functions() -> Functions {
    Functions::new().with(everything).with(stateless).with(sync)
}

/// The handler shared across inputs.
pub fn shared() -> &'static Handler {
    static HANDLER: OnceLock<Handler> = OnceLock::new();
    HANDLER.get_or_init(|| Handler::new(functions()))
}

// ------------------------------------------------------------------ the structured model

/// A `ToFunction` made of pieces that are mostly meaningful (registered functions, declared
/// states, well-typed values, commands) and sometimes arbitrary.
#[derive(Debug, Arbitrary)]
pub struct Request {
    pub target: Target,
    pub id: String,
    pub state: Vec<Cell>,
    /// Send every declared state first (with no value), so that most inputs get past
    /// negotiation.
    pub complete_state: bool,
    pub invocations: Vec<Invocation>,
}

#[derive(Debug, Arbitrary)]
pub enum Target {
    Everything,
    Stateless,
    Sync,
    Other { namespace: String, name: String },
    Missing,
}

#[derive(Debug, Arbitrary)]
pub struct Cell {
    pub name: CellName,
    pub value: Option<Val>,
}

#[derive(Debug, Arbitrary)]
pub enum CellName {
    /// The n-th declared state of the target (modulo their count).
    Declared(u8),
    Other(String),
}

#[derive(Debug, Arbitrary)]
pub enum Val {
    Good(Good),
    /// The well-typed value of a declared state (n-th, modulo their count).
    ForState(u8, Good),
    Raw {
        typename: String,
        has_value: bool,
        value: Vec<u8>,
    },
    /// A known typename with arbitrary bytes.
    Garbled {
        typename: Good,
        has_value: bool,
        value: Vec<u8>,
    },
}

#[derive(Debug, Arbitrary)]
pub enum Good {
    Int(i32),
    Long(i64),
    Str(String),
    Bool(bool),
    Float(f32),
    Double(f64),
    Profile(Profile),
    Ping(String, i64),
    Blob(Vec<u8>),
    Command(Command),
}

impl Good {
    fn typed(&self) -> pb::TypedValue {
        fn typed<T: Type>(value: &T) -> pb::TypedValue {
            pb::TypedValue {
                typename: T::type_name().to_string(),
                has_value: true,
                value: value.encode().expect("encodes"),
            }
        }
        match self {
            Good::Int(v) => typed(v),
            Good::Long(v) => typed(v),
            Good::Str(v) => typed(v),
            Good::Bool(v) => typed(v),
            Good::Float(v) => typed(v),
            Good::Double(v) => typed(v),
            Good::Profile(v) => typed(v),
            Good::Ping(from, n) => typed(&Ping {
                from: from.clone(),
                n: *n,
            }),
            Good::Blob(v) => typed(&Blob(Bytes::copy_from_slice(v))),
            Good::Command(c) => match serde_json::to_vec(c) {
                Ok(json) => pb::TypedValue {
                    typename: Command::type_name().to_string(),
                    has_value: true,
                    value: json.into(),
                },
                // Non-finite floats are not JSON: send what a peer would, a string.
                Err(_) => typed(&format!("{c:?}")),
            },
        }
    }

    /// The same value as the type of `spec` (a default of that type when the kinds differ).
    fn as_type_of(&self, type_name: &str) -> pb::TypedValue {
        let mut value = self.typed();
        if value.typename != type_name {
            let default = match type_name {
                "io.statefun.types/int" => Good::Int(0),
                "io.statefun.types/long" => Good::Long(0),
                "io.statefun.types/string" => Good::Str(String::new()),
                "io.statefun.types/bool" => Good::Bool(false),
                "io.statefun.types/float" => Good::Float(0.0),
                "io.statefun.types/double" => Good::Double(0.0),
                "fuzz/Profile" => Good::Profile(Profile {
                    name: String::new(),
                    visits: 0,
                    tags: vec![],
                }),
                "type.googleapis.com/fuzz.v1.Ping" => Good::Ping(String::new(), 0),
                _ => Good::Blob(Vec::new()),
            };
            value = default.typed();
        }
        value
    }
}

#[derive(Debug, Arbitrary)]
pub struct Invocation {
    pub caller: Option<Caller>,
    pub argument: Option<Val>,
}

#[derive(Debug, Arbitrary)]
pub enum Caller {
    Function(String),
    Raw {
        namespace: String,
        name: String,
        id: String,
    },
}

/// Everything the model knows about the outcome of a [`Request`].
#[derive(Debug, Default)]
pub struct Expected {
    /// The target function is registered, the batch has invocations.
    pub registered: bool,
    /// The declared states the request does not carry (in declaration order).
    pub missing: Vec<String>,
    /// The first state name the request carries twice: a bad request, before anything else.
    pub duplicate: Option<String>,
}

impl Request {
    /// The request's bytes and what the model expects of its answer.
    pub fn encode(&self) -> (Vec<u8>, Expected) {
        let functions = shared().functions();
        let (type_name, target) = match &self.target {
            Target::Everything => (Some(SELF), Some(("fuzz", "everything"))),
            Target::Stateless => (
                Some(TypeName::from_static("fuzz/stateless")),
                Some(("fuzz", "stateless")),
            ),
            Target::Sync => (
                Some(TypeName::from_static("fuzz/sync")),
                Some(("fuzz", "sync")),
            ),
            Target::Other { namespace, name } => (None, Some((namespace.as_str(), name.as_str()))),
            Target::Missing => (None, None),
        };
        let specs = type_name
            .as_ref()
            .and_then(|t| functions.specs(t))
            .unwrap_or(&[]);
        let spec = |n: u8| specs.get(usize::from(n) % specs.len().max(1));
        let value = |val: &Val| match val {
            Val::Good(good) => good.typed(),
            Val::ForState(n, good) => match spec(*n) {
                Some(spec) => good.as_type_of(spec.type_name().as_str()),
                None => good.typed(),
            },
            Val::Raw {
                typename,
                has_value,
                value,
            } => pb::TypedValue {
                typename: typename.clone(),
                has_value: *has_value,
                value: Bytes::copy_from_slice(value),
            },
            Val::Garbled {
                typename,
                has_value,
                value,
            } => pb::TypedValue {
                typename: typename.typed().typename,
                has_value: *has_value,
                value: Bytes::copy_from_slice(value),
            },
        };

        let mut state = Vec::new();
        for cell in &self.state {
            let name = match &cell.name {
                CellName::Declared(n) => match spec(*n) {
                    Some(spec) => spec.name().to_owned(),
                    None => continue,
                },
                CellName::Other(name) => name.clone(),
            };
            let state_value = cell.value.as_ref().map(value);
            state.push(to_function::PersistedValue {
                state_name: name,
                state_value,
            });
        }
        if self.complete_state {
            // Every declared state the cells do not carry, without a value. Cells of one
            // name (`arbitrary` makes them) are a request the handler refuses.
            for spec in specs {
                if !state.iter().any(|c| c.state_name == spec.name()) {
                    state.push(to_function::PersistedValue {
                        state_name: spec.name().to_owned(),
                        state_value: None,
                    });
                }
            }
        }
        // The first state whose name came before: what the handler names.
        let duplicate = state
            .iter()
            .enumerate()
            .find(|(i, c)| state[..*i].iter().any(|e| e.state_name == c.state_name))
            .map(|(_, c)| c.state_name.clone());
        let missing = specs
            .iter()
            .filter(|s| !state.iter().any(|c| c.state_name == s.name()))
            .map(|s| s.name().to_owned())
            .collect();

        let invocations: Vec<_> = self
            .invocations
            .iter()
            .map(|inv| to_function::Invocation {
                caller: inv.caller.as_ref().map(|c| match c {
                    Caller::Function(id) => pb::Address {
                        namespace: "fuzz".into(),
                        r#type: "stateless".into(),
                        id: id.clone(),
                    },
                    Caller::Raw {
                        namespace,
                        name,
                        id,
                    } => pb::Address {
                        namespace: namespace.clone(),
                        r#type: name.clone(),
                        id: id.clone(),
                    },
                }),
                argument: inv.argument.as_ref().map(value),
            })
            .collect();
        let expected = Expected {
            registered: type_name.is_some() && !invocations.is_empty(),
            missing,
            duplicate,
        };
        let request = ToFunction {
            request: Some(to_function::Request::Invocation(
                to_function::InvocationBatchRequest {
                    target: target.map(|(namespace, name)| pb::Address {
                        namespace: namespace.to_owned(),
                        r#type: name.to_owned(),
                        id: self.id.clone(),
                    }),
                    state,
                    invocations,
                },
            )),
        };
        (request.encode_to_vec(), expected)
    }
}

// ------------------------------------------------------------------ invariants

/// Makes every panic but the functions' deliberate ones abort (libFuzzer's hook, which
/// this wraps, aborts on all of them; the deliberate ones are caught by the handler).
pub fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            let payload = info.payload();
            let message = payload
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| payload.downcast_ref::<&str>().copied());
            if message.is_some_and(|m| m.starts_with(USER_PANIC)) {
                return;
            }
            previous(info);
        }));
    });
}

/// Answers `body` with `handler`, with no executor but a simple one: no function here
/// waits on I/O.
pub fn answer(handler: &Handler, body: &[u8]) -> Result<Bytes, Error> {
    futures_executor::block_on(handler.handle(Bytes::copy_from_slice(body)))
}

/// A comparable form of an answer.
fn fingerprint(answer: &Result<Bytes, Error>) -> Result<Bytes, String> {
    match answer {
        Ok(bytes) => Ok(bytes.clone()),
        Err(e) => Err(e.to_string()),
    }
}

/// The fixed valid request of the independence check: a complete batch that touches every
/// state and every kind of side effect.
pub fn probe() -> &'static (Vec<u8>, Bytes) {
    static PROBE: OnceLock<(Vec<u8>, Bytes)> = OnceLock::new();
    PROBE.get_or_init(|| {
        let commands = [
            Command::Bump,
            Command::SetName("probe".into()),
            Command::SetFloats(-0.0, 1.5),
            Command::SetFlag(true),
            Command::SetProfile(Profile {
                name: "p".into(),
                visits: 3,
                tags: vec!["a".into()],
            }),
            Command::SetPing {
                from: "q".into(),
                n: -7,
            },
            Command::SetBlob(vec![0, 1, 2]),
            Command::Clear(Field::Total),
            Command::Send {
                namespace: "fuzz".into(),
                name: "sync".into(),
                id: "x".into(),
                text: "hi".into(),
            },
            Command::Reply("back".into()),
            Command::SendAfter {
                millis: 1000,
                token: Some("t".into()),
                text: "later".into(),
            },
            Command::SendAfter {
                millis: 5,
                token: None,
                text: "soon".into(),
            },
            Command::Cancel("t".into()),
            Command::Kafka {
                topic: "k".into(),
                key: Some("key".into()),
                value: vec![1],
            },
            Command::Kinesis {
                stream: "s".into(),
                partition_key: "p".into(),
                hash_key: Some("h".into()),
                value: vec![2],
            },
            Command::Egress {
                namespace: "fuzz".into(),
                name: "out".into(),
                text: "e".into(),
            },
        ];
        let request = Request {
            target: Target::Everything,
            id: "probe".into(),
            state: vec![Cell {
                name: CellName::Declared(0),
                value: Some(Val::Good(Good::Int(41))),
            }],
            complete_state: true,
            invocations: commands
                .into_iter()
                .map(|c| Invocation {
                    caller: Some(Caller::Function("caller".into())),
                    argument: Some(Val::Good(Good::Command(c))),
                })
                .collect(),
        };
        let (body, _) = request.encode();
        let fresh = Handler::new(functions());
        let golden = answer(&fresh, &body).expect("the probe is a valid request");
        check_ok(fresh.functions(), &body, &golden);
        (body, golden)
    })
}

/// Runs every invariant for one input; `expected` is the model's knowledge, if any.
pub fn check(body: &[u8], expected: Option<&Expected>) {
    install_panic_hook();
    let (probe, golden) = probe();
    let handler = shared();
    assert_eq!(
        answer(handler, probe).as_ref().ok(),
        Some(golden),
        "probe before"
    );

    let first = answer(handler, body);
    record(&first);
    match &first {
        Ok(bytes) => check_ok(handler.functions(), body, bytes),
        Err(error) => check_err(handler.functions(), body, error),
    }
    if let Some(expected) = expected {
        check_model(expected, &first);
    }
    let again = answer(handler, body);
    assert_eq!(
        fingerprint(&first),
        fingerprint(&again),
        "the same input answered differently"
    );

    assert_eq!(
        answer(handler, probe).as_ref().ok(),
        Some(golden),
        "probe after (shared)"
    );
    let fresh = Handler::new(functions());
    assert_eq!(
        answer(&fresh, probe).as_ref().ok(),
        Some(golden),
        "probe after (fresh)"
    );
}

fn check_model(expected: &Expected, answer: &Result<Bytes, Error>) {
    if !expected.registered {
        return;
    }
    if let Some(name) = &expected.duplicate {
        assert!(
            matches!(answer, Err(Error::InvalidRequest(statefun::RequestError::DuplicateState(n))) if n == name),
            "state `{name}` is sent twice: {answer:?}"
        );
        return;
    }
    match answer {
        Ok(bytes) => {
            let answer = FromFunction::decode(&bytes[..]).unwrap();
            match answer.response {
                Some(from_function::Response::IncompleteInvocationContext(incomplete)) => {
                    let names: Vec<_> = incomplete
                        .missing_values
                        .iter()
                        .map(|s| s.state_name.clone())
                        .collect();
                    assert_eq!(
                        names, expected.missing,
                        "negotiation lists exactly the missing states"
                    );
                }
                _ => assert!(
                    expected.missing.is_empty(),
                    "missing {:?} but invoked",
                    expected.missing
                ),
            }
        }
        Err(Error::InvalidRequest(statefun::RequestError::InvalidCaller { .. })) => {
            assert!(
                expected.missing.is_empty(),
                "missing state is negotiated before callers are read"
            )
        }
        Err(e) => {
            assert!(
                !e.is_bad_request(),
                "a registered target with invocations is not a bad request: {e}"
            );
            assert!(
                !matches!(e, Error::UnknownFunction { .. }),
                "the target is registered: {e}"
            );
            assert!(
                expected.missing.is_empty(),
                "missing {:?} must be negotiated, got {e}",
                expected.missing
            );
        }
    }
}

fn valid_type_name(namespace: &str, name: &str) -> bool {
    TypeName::from_parts(namespace, name).is_ok()
}

fn valid_address(address: &Option<pb::Address>) -> bool {
    address
        .as_ref()
        .is_some_and(|a| valid_type_name(&a.namespace, &a.r#type))
}

/// One `/`, non-empty namespace and name: what the runtime requires of a state's type.
fn valid_state_type(typename: &str) -> bool {
    let mut parts = typename.split('/');
    matches!((parts.next(), parts.next(), parts.next()), (Some(a), Some(b), None) if !a.is_empty() && !b.is_empty())
}

/// An `Ok` answer: a canonical `FromFunction` the runtime accepts.
pub fn check_ok(functions: &Functions, body: &[u8], bytes: &Bytes) {
    let answer = FromFunction::decode(&bytes[..]).expect("an Ok answer is a FromFunction");
    assert_eq!(
        answer.encode_to_vec(),
        &bytes[..],
        "the answer is canonical protobuf"
    );
    let request = ToFunction::decode(body).expect("an answered request is a ToFunction");
    let Some(to_function::Request::Invocation(batch)) = request.request else {
        panic!("answered a request without an invocation");
    };
    assert!(
        !batch.invocations.is_empty(),
        "answered a batch without invocations"
    );
    let target = batch.target.expect("answered a batch without a target");
    let type_name = TypeName::from_parts(&target.namespace, &target.r#type)
        .expect("answered a batch with an invalid target");
    let specs = functions
        .specs(&type_name)
        .expect("answered an unregistered function");
    match answer.response.expect("an answer says something") {
        from_function::Response::IncompleteInvocationContext(incomplete) => {
            assert!(
                !incomplete.missing_values.is_empty(),
                "negotiation without missing values"
            );
            let mut seen = HashSet::new();
            for missing in &incomplete.missing_values {
                assert!(
                    seen.insert(&missing.state_name),
                    "{} listed twice",
                    missing.state_name
                );
                let spec = specs
                    .iter()
                    .find(|s| s.name() == missing.state_name)
                    .unwrap_or_else(|| {
                        panic!("negotiated undeclared state {}", missing.state_name)
                    });
                assert!(
                    !batch
                        .state
                        .iter()
                        .any(|c| c.state_name == missing.state_name),
                    "asked for state {} that was sent",
                    missing.state_name
                );
                assert_eq!(missing.type_typename, spec.type_name().as_str());
                assert!(
                    valid_state_type(&missing.type_typename),
                    "{}",
                    missing.type_typename
                );
                let expiration = missing.expiration_spec.unwrap_or_default();
                let (mode, ms) = match spec.expiration() {
                    Expiration::Never => (ExpireMode::None, 0),
                    Expiration::AfterCall(d) => (ExpireMode::AfterInvoke, d.as_millis() as i64),
                    Expiration::AfterWrite(d) => (ExpireMode::AfterWrite, d.as_millis() as i64),
                };
                assert_eq!(expiration.mode, mode as i32, "{}", missing.state_name);
                if mode != ExpireMode::None {
                    assert!(
                        expiration.expire_after_millis > 0,
                        "a zero TTL fails the job"
                    );
                    assert_eq!(expiration.expire_after_millis, ms);
                }
            }
        }
        from_function::Response::InvocationResult(result) => {
            let mut seen = HashSet::new();
            for mutation in &result.state_mutations {
                assert!(
                    seen.insert(&mutation.state_name),
                    "{} mutated twice",
                    mutation.state_name
                );
                let spec = specs
                    .iter()
                    .find(|s| s.name() == mutation.state_name)
                    .unwrap_or_else(|| {
                        panic!("mutation of undeclared state {}", mutation.state_name)
                    });
                match MutationType::try_from(mutation.mutation_type) {
                    Ok(MutationType::Modify) => {
                        let value = mutation.state_value.as_ref().expect("MODIFY without value");
                        assert!(value.has_value);
                        assert_eq!(
                            value.typename,
                            spec.type_name().as_str(),
                            "mutation typename"
                        );
                    }
                    Ok(MutationType::Delete) => assert!(mutation.state_value.is_none()),
                    Err(_) => panic!("unknown mutation type {}", mutation.mutation_type),
                }
            }
            for message in &result.outgoing_messages {
                assert!(
                    valid_address(&message.target),
                    "message to {:?}",
                    message.target
                );
                let argument = message.argument.as_ref().expect("message without argument");
                assert!(!argument.typename.is_empty());
            }
            for delayed in &result.delayed_invocations {
                assert!(delayed.delay_in_ms >= 0);
                if delayed.is_cancellation_request {
                    assert!(
                        !delayed.cancellation_token.is_empty(),
                        "cancellation without token"
                    );
                } else {
                    assert!(
                        valid_address(&delayed.target),
                        "delayed to {:?}",
                        delayed.target
                    );
                    assert!(delayed.argument.is_some(), "delayed without argument");
                }
            }
            for egress in &result.outgoing_egresses {
                assert!(valid_type_name(
                    &egress.egress_namespace,
                    &egress.egress_type
                ));
                assert!(egress.argument.is_some(), "egress without argument");
            }
        }
    }
}

/// An `Err` answer: a typed error that fits the request.
pub fn check_err(functions: &Functions, body: &[u8], error: &Error) {
    use std::error::Error as _;
    let text = error.to_string();
    assert!(!text.is_empty());
    let mut depth = 0;
    let mut cause = error.source();
    while let Some(c) = cause {
        let _ = c.to_string();
        depth += 1;
        assert!(depth < 16, "an error's causes loop");
        cause = c.source();
    }
    assert_eq!(
        body.is_empty(),
        matches!(error, Error::EmptyBody),
        "{error}"
    );
    let request = ToFunction::decode(body);
    if let Error::MalformedRequest(_) = error {
        assert!(request.is_err(), "a decodable body reported as malformed");
        return;
    }
    if body.is_empty() {
        return;
    }
    let request = request.unwrap_or_else(|e| panic!("undecodable body answered {error}: {e}"));
    let Some(to_function::Request::Invocation(batch)) = request.request else {
        assert!(
            matches!(
                error,
                Error::InvalidRequest(statefun::RequestError::MissingInvocation)
            ),
            "{error}"
        );
        return;
    };
    let registered = batch.target.as_ref().and_then(|t| {
        let type_name = TypeName::from_parts(&t.namespace, &t.r#type).ok()?;
        functions.specs(&type_name).map(|s| s.len())
    });
    match error {
        Error::UnknownFunction { .. } => {
            assert!(
                registered.is_none(),
                "a registered function reported unknown"
            );
        }
        Error::InvalidRequest(statefun::RequestError::DuplicateState(name)) => {
            let times = batch.state.iter().filter(|s| s.state_name == *name).count();
            assert!(
                times > 1,
                "state `{name}` reported twice, sent {times} times"
            );
        }
        Error::State { .. } | Error::FunctionFailed { .. } | Error::FunctionPanicked { .. } => {
            assert!(registered.is_some(), "{error} for an unregistered function");
            assert!(!batch.invocations.is_empty());
        }
        _ => {}
    }
}

/// How many seeds [`write_seed`] has written.
static SEEDS: AtomicUsize = AtomicUsize::new(0);

/// With `STATEFUN_FUZZ_SEEDS=dir`, writes the first 1000 encoded structured requests to
/// `dir`: a seed corpus for the bytes target.
pub fn write_seed(body: &[u8]) {
    static DIR: OnceLock<Option<std::path::PathBuf>> = OnceLock::new();
    let Some(dir) = DIR.get_or_init(|| std::env::var_os("STATEFUN_FUZZ_SEEDS").map(Into::into))
    else {
        return;
    };
    let n = SEEDS.fetch_add(1, Ordering::Relaxed);
    if n < 1000 {
        let _ = std::fs::write(dir.join(format!("seed-{n:04}")), body);
    }
}

// ------------------------------------------------------------------ outcome statistics

/// With `STATEFUN_FUZZ_STATS` set, counts the outcomes by kind and prints them to stderr
/// when the process exits (run a target over its corpus with `-runs=0` to see what the
/// corpus reaches).
fn record(answer: &Result<Bytes, Error>) {
    if !stats_enabled() {
        return;
    }
    let kind = match answer {
        Ok(bytes) => match FromFunction::decode(&bytes[..])
            .ok()
            .and_then(|a| a.response)
        {
            Some(from_function::Response::InvocationResult(r)) => {
                let effects = [
                    (!r.state_mutations.is_empty(), "mutations"),
                    (!r.outgoing_messages.is_empty(), "messages"),
                    (!r.delayed_invocations.is_empty(), "delayed"),
                    (!r.outgoing_egresses.is_empty(), "egress"),
                ];
                let effects: Vec<_> = effects.iter().filter(|e| e.0).map(|e| e.1).collect();
                format!("ok: invocation result [{}]", effects.join(" "))
            }
            Some(from_function::Response::IncompleteInvocationContext(_)) => {
                "ok: incomplete invocation context".to_owned()
            }
            None => "ok: empty".to_owned(),
        },
        Err(e) => {
            let debug = format!("{e:?}");
            let end = debug.find(['(', ' ', '{']).unwrap_or(debug.len());
            let mut kind = format!("error: {}", &debug[..end]);
            if let Error::InvalidRequest(r) = e {
                let debug = format!("{r:?}");
                let end = debug.find(['(', ' ', '{']).unwrap_or(debug.len());
                kind.push_str(&format!(" {}", &debug[..end]));
            }
            kind
        }
    };
    count(kind);
}

/// Whether `STATEFUN_FUZZ_STATS` asks for outcome statistics.
pub fn stats_enabled() -> bool {
    stats().is_some()
}

/// Counts one outcome of the kind `kind`, printed at exit with `STATEFUN_FUZZ_STATS` set.
pub fn count(kind: String) {
    if let Some(stats) = stats() {
        *stats
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(kind)
            .or_default() += 1;
    }
}

fn stats() -> Option<&'static std::sync::Mutex<std::collections::BTreeMap<String, u64>>> {
    use std::{collections::BTreeMap, sync::Mutex};
    static STATS: OnceLock<Option<Mutex<BTreeMap<String, u64>>>> = OnceLock::new();
    STATS
        .get_or_init(|| {
            std::env::var_os("STATEFUN_FUZZ_STATS").map(|_| {
                unsafe extern "C" {
                    fn atexit(callback: extern "C" fn()) -> std::ffi::c_int;
                }
                extern "C" fn print() {
                    if let Some(Some(stats)) = STATS.get() {
                        let stats = stats.lock().unwrap_or_else(|e| e.into_inner());
                        let total: u64 = stats.values().sum();
                        eprintln!("statefun-fuzz outcomes of {total} inputs:");
                        for (kind, n) in stats.iter() {
                            eprintln!("  {n:>8}  {kind}");
                        }
                    }
                }
                // SAFETY: registers a function without arguments that only reads a static.
                unsafe { atexit(print) };
                Mutex::new(BTreeMap::new())
            })
        })
        .as_ref()
}
