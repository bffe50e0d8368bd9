//! The functions under test, written with the macros, using every feature of the SDK.

use std::{panic, sync::OnceLock, time::Duration};

use statefun::{
    Address, BoxError, CancellationToken, Context, EgressMessage, Functions, Handler, Message,
    OutgoingMessage, StateSpec, TypeName, Value,
};

use crate::*;

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

pub(crate) const KAFKA: TypeName = TypeName::from_static("fuzz/kafka");
pub(crate) const KINESIS: TypeName = TypeName::from_static("fuzz/kinesis");
pub(crate) const SELF: TypeName = TypeName::from_static("fuzz/everything");

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
            ctx.send(
                to,
                &Profile {
                    name: text,
                    visits: 1,
                    tags: vec![],
                },
            )?;
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
