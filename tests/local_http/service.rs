//! A function service on a loopback port, for the tests that drive it over HTTP (the
//! local runtime's `HttpTransport` and the `statefun-local` command).

use std::{net::TcpListener, time::Duration};

use statefun::{
    Bytes, Context, EgressMessage, Functions, Message, OutgoingMessage, StateSpec, TypeName, Value,
};

#[derive(StateSpec)]
struct Seen {
    seen: Value<i32>,
}

/// Counts visits, greets through a Kafka egress, and asks for a reminder a second later.
#[statefun::function(typename = "demo/greeter")]
async fn greet(
    ctx: &mut Context,
    state: &mut Seen,
    msg: Message,
) -> Result<(), statefun::BoxError> {
    let name = msg.as_string()?;
    let seen = state.seen.get().copied().unwrap_or(0) + 1;
    state.seen.set(seen);
    ctx.send_egress(
        EgressMessage::kafka(TypeName::from_static("demo/greetings"))
            .topic("greetings")
            .key(name.clone())
            .value(format!("hello {name} #{seen}"))
            .build()?,
    );
    if name != "reminder" {
        let me = ctx.self_address().clone();
        ctx.send_after(
            Duration::from_secs(1),
            OutgoingMessage::new(me, "reminder")?,
        );
    }
    Ok(())
}

/// A JSON type.
#[derive(serde::Serialize, serde::Deserialize, statefun::Type)]
#[statefun(json, typename = "demo/Note")]
struct Note {
    text: String,
    length: usize,
}

/// A raw type: any bytes, UTF-8 or not.
#[derive(statefun::Type)]
#[statefun(raw, typename = "demo/bytes")]
struct Blob(Bytes);

/// A state of each kind the command line decodes differently.
#[derive(StateSpec)]
struct Notes {
    note: Value<Note>,
    label: Value<Blob>,
    checksum: Value<Blob>,
}

/// Keeps the last text it was sent as JSON, as raw text and as non-UTF-8 bytes; sends
/// nothing.
#[statefun::function(typename = "demo/notes")]
async fn notes(_: &mut Context, state: &mut Notes, msg: Message) -> Result<(), statefun::BoxError> {
    let text = msg.as_string()?;
    let length = text.len();
    state.label.set(Blob(Bytes::from(format!("last: {text}"))));
    state
        .checksum
        .set(Blob(Bytes::from(vec![0xff, length as u8])));
    state.note.set(Note { text, length });
    Ok(())
}

/// A state of each primitive type.
#[derive(StateSpec)]
struct Primitives {
    int: Value<i32>,
    long: Value<i64>,
    float: Value<f32>,
    double: Value<f64>,
    flag: Value<bool>,
    text: Value<String>,
}

/// Keeps the last value of each primitive type it was sent in the state of that type.
#[statefun::function(typename = "demo/primitives")]
async fn primitives(
    _: &mut Context,
    state: &mut Primitives,
    msg: Message,
) -> Result<(), statefun::BoxError> {
    if msg.is::<i32>() {
        state.int.set(msg.as_i32()?);
    } else if msg.is::<i64>() {
        state.long.set(msg.as_i64()?);
    } else if msg.is::<f32>() {
        state.float.set(msg.as_f32()?);
    } else if msg.is::<f64>() {
        state.double.set(msg.as_f64()?);
    } else if msg.is::<bool>() {
        state.flag.set(msg.as_bool()?);
    } else {
        state.text.set(msg.as_string()?);
    }
    Ok(())
}

/// Writes the time it runs at (`ctx.now()`, milliseconds since the epoch) to the egress
/// `demo/clock`.
#[statefun::function(typename = "demo/clock")]
async fn clock(ctx: &mut Context, _: Message) -> Result<(), statefun::BoxError> {
    let now = ctx.now().duration_since(std::time::UNIX_EPOCH)?.as_millis() as i64;
    ctx.send_egress(EgressMessage::new(
        TypeName::from_static("demo/clock"),
        &now,
    ));
    Ok(())
}

pub fn functions() -> Functions {
    Functions::new()
        .with(greet)
        .with(notes)
        .with(primitives)
        .with(clock)
}

/// Starts the service on an ephemeral loopback port; returns its base URL.
pub fn start_service() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let endpoint = statefun::actix::Endpoint::new(functions());
            actix_web::HttpServer::new(move || actix_web::App::new().service(endpoint.clone()))
                .workers(1)
                .listen(listener)
                .unwrap()
                .run()
                .await
        })
    });
    format!("http://127.0.0.1:{port}/statefun")
}
