//! Typed messages: an enum of accepted types, a catch-all, a single type, and sends
//! through typed addresses (a `&str` to a `String` variant, JSON with `try_new`).

use std::time::Duration;

use statefun::{
    Context, Functions, Message, MessageTypes, Messages, OutgoingMessage, local::LocalRuntime,
};

#[derive(serde::Serialize, serde::Deserialize, statefun::Type)]
#[statefun(json, typename = "demo/Add")]
struct Add {
    n: i32,
}

#[derive(statefun::Messages)]
enum CounterMessage {
    Add(Add),
    Reset(bool),
    Label(std::string::String),
}

#[derive(statefun::Messages)]
enum Anything {
    Text(String),
    #[statefun(other)]
    Other(statefun::Message),
}

#[statefun::function(typename = "demo/counter")]
fn counter(ctx: &mut Context, msg: CounterMessage) -> Result<(), statefun::BoxError> {
    match msg {
        CounterMessage::Add(add) => {
            ctx.send(log::address("all"), &add.n)?;
        }
        CounterMessage::Reset(_) => {
            ctx.send_after(
                Duration::from_secs(1),
                OutgoingMessage::new(counter::address("again"), "a label")?,
            );
        }
        CounterMessage::Label(_) => {
            ctx.send(counter::address("other"), &Add { n: 1 })?;
            ctx.send(anything::address("x"), &1.5_f64)?;
        }
    }
    Ok(())
}

#[statefun::function(typename = "demo/log")]
async fn log(_ctx: &mut Context, msg: i32) {
    let _: i32 = msg;
}

#[statefun::function(typename = "demo/anything")]
fn anything(_ctx: &mut Context, msg: Anything) {
    if let Anything::Other(other) = msg {
        let _: Message = other;
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let functions = Functions::new().with(counter).with(log).with(anything);
    assert_eq!(
        functions.message_types(&anything::TYPE_NAME),
        Some(&MessageTypes::Any)
    );
    assert!(matches!(
        CounterMessage::message_types(),
        MessageTypes::Only(names) if names.len() == 3
    ));
    let mut runtime = LocalRuntime::new(functions);
    runtime.send(counter::address("a"), &Add { n: 2 }).unwrap();
    runtime.send(counter::address("a"), "label").unwrap();
    runtime.send(counter::address("a"), &true).unwrap();
    runtime.run_until_quiescent().await.unwrap();
}
