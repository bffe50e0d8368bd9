//! Typed messages: a function takes an enum of the types it accepts (or one type), is
//! called with the variant of each message's typename, and refuses other typenames with an
//! error naming them; typed addresses carry what the target accepts. Through the handler
//! (bytes in, bytes out) and the local runtime.

use bytes::Bytes;
use statefun::{
    Address, Context, Error, Functions, Handler, Message, MessageError, MessageTypes, Messages,
    RegistryError, StateSpec, Type, TypeName, Value,
    local::{LocalError, LocalRuntime},
};
use statefun_test_support::{
    answer::{invocation_result, mutations},
    request::{Batch, string, typed},
};

#[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize, statefun::Type)]
#[statefun(json, typename = "shop/AddItem")]
struct AddItem {
    item: String,
    quantity: u32,
}

#[derive(Clone, PartialEq, prost::Message, statefun::Type)]
#[statefun(protobuf, typename = "shop/Checkout")]
struct Checkout {
    #[prost(string, tag = "1")]
    order: String,
}

#[derive(Debug, PartialEq, statefun::Type)]
#[statefun(raw, typename = "shop/Receipt")]
struct Receipt(Bytes);

/// One variant per kind of StateFun type: JSON, protobuf, raw, primitives.
#[derive(statefun::Messages)]
enum CartMessage {
    Add(AddItem),
    Checkout(Checkout),
    Receipt(Receipt),
    Note(String),
    Discount(i64),
}

#[derive(StateSpec)]
struct CartState {
    /// What the function was called with, one line per message.
    log: Value<String>,
}

fn log(state: &mut CartState, line: String) {
    state.log.update(|log| {
        Some(match log {
            Some(log) => format!("{log}\n{line}"),
            None => line,
        })
    });
}

#[statefun::function(typename = "shop/cart")]
fn cart(ctx: &mut Context, state: &mut CartState, msg: CartMessage) {
    let line = match msg {
        CartMessage::Add(add) => format!("add {} x {}", add.quantity, add.item),
        CartMessage::Checkout(checkout) => format!("checkout {}", checkout.order),
        CartMessage::Receipt(Receipt(bytes)) => format!("receipt of {} bytes", bytes.len()),
        CartMessage::Note(text) => format!("note {text}"),
        CartMessage::Discount(cents) => format!("discount {cents}"),
    };
    let _ = ctx;
    log(state, line);
}

/// A catch-all variant receives every other typename, untyped.
#[derive(statefun::Messages)]
enum AuditMessage {
    Note(String),
    #[statefun(other)]
    Other(Message),
}

#[statefun::function(typename = "shop/audit")]
fn audit(ctx: &mut Context, state: &mut CartState, msg: AuditMessage) {
    let _ = ctx;
    let line = match msg {
        AuditMessage::Note(text) => format!("note {text}"),
        AuditMessage::Other(other) => format!("other {}", other.type_name()),
    };
    log(state, line);
}

/// One type, no enum.
#[statefun::function(typename = "shop/counter")]
fn counter(ctx: &mut Context, state: &mut CartState, msg: i64) {
    let _ = ctx;
    log(state, format!("count {msg}"));
}

/// Sends through typed addresses, to check them end to end: the cart gets a note and a
/// protobuf checkout; the counter a number.
#[statefun::function(typename = "shop/frontend")]
fn frontend(ctx: &mut Context, msg: String) -> Result<(), statefun::BoxError> {
    ctx.send(cart::address(&msg), "from the frontend")?;
    ctx.send(
        cart::address(&msg),
        &Checkout {
            order: "o-1".into(),
        },
    )?;
    ctx.send(
        cart::address(&msg),
        &AddItem {
            item: "tea".into(),
            quantity: 3,
        },
    )?;
    ctx.send(counter::address(&msg), &5_i64)?;
    Ok(())
}

fn functions() -> Functions {
    Functions::new()
        .with(cart)
        .with(audit)
        .with(counter)
        .with(frontend)
}

fn logged(body: &Bytes) -> String {
    let mutations = mutations(body);
    let (_, value) = mutations
        .iter()
        .find(|(name, _)| name == "log")
        .expect("the function wrote its log");
    String::decode(value.clone()).unwrap()
}

#[tokio::test]
async fn a_batch_mixing_variants_calls_the_function_with_each_decoded_variant() {
    let handler = Handler::new(functions());
    let body = Batch::to("shop/cart", "alice")
        .state("log", None)
        .message(typed(&AddItem {
            item: "tea".into(),
            quantity: 2,
        }))
        .message(typed(&Checkout {
            order: "o-7".into(),
        }))
        .message(typed(&Receipt(Bytes::from_static(b"\x00\x01\x02"))))
        .message(string("gift wrap"))
        .message(typed(&-150_i64))
        .bytes();
    let answer = handler.handle(body).await.unwrap();
    assert_eq!(
        logged(&answer),
        "add 2 x tea\ncheckout o-7\nreceipt of 3 bytes\nnote gift wrap\ndiscount -150"
    );
}

#[tokio::test]
async fn a_typename_no_variant_takes_fails_the_batch_naming_the_function_and_the_accepted_ones() {
    let handler = Handler::new(functions());
    let body = Batch::to("shop/cart", "alice")
        .state("log", None)
        .message(string("fine"))
        .message(typed(&true))
        .bytes();
    let error = handler.handle(body).await.unwrap_err();
    assert!(matches!(error, Error::FunctionFailed { .. }), "{error:?}");
    assert_eq!(
        error.to_string(),
        "function shop/cart (id `alice`) failed: the function does not accept `io.statefun.types/bool` messages: it accepts `shop/AddItem`, `shop/Checkout`, `shop/Receipt`, `io.statefun.types/string`, `io.statefun.types/long`"
    );
}

#[tokio::test]
async fn a_message_of_an_accepted_typename_that_does_not_decode_is_a_decode_error() {
    let handler = Handler::new(functions());
    let body = Batch::to("shop/cart", "alice")
        .state("log", None)
        .message(
            statefun::__private::statefun_core::proto::reqreply::TypedValue {
                typename: "shop/AddItem".into(),
                has_value: true,
                value: Bytes::from_static(b"{not json"),
            },
        )
        .bytes();
    let error = handler.handle(body).await.unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("function shop/cart (id `alice`) failed: the `shop/AddItem` message could not be decoded: JSON codec:"),
        "{error}"
    );
}

#[tokio::test]
async fn the_catch_all_variant_receives_every_other_typename() {
    let handler = Handler::new(functions());
    let body = Batch::to("shop/audit", "a")
        .state("log", None)
        .message(string("hello"))
        .message(typed(&7_i32))
        .message(typed(&Checkout { order: "x".into() }))
        .bytes();
    let answer = handler.handle(body).await.unwrap();
    assert_eq!(
        logged(&answer),
        "note hello\nother io.statefun.types/int\nother shop/Checkout"
    );
}

#[tokio::test]
async fn a_single_type_parameter_takes_that_type_and_refuses_others() {
    let handler = Handler::new(functions());
    let body = Batch::to("shop/counter", "c")
        .state("log", None)
        .message(typed(&41_i64))
        .bytes();
    assert_eq!(logged(&handler.handle(body).await.unwrap()), "count 41");

    let body = Batch::to("shop/counter", "c")
        .state("log", None)
        .message(typed(&41_i32))
        .bytes();
    assert_eq!(
        handler.handle(body).await.unwrap_err().to_string(),
        "function shop/counter (id `c`) failed: the function does not accept `io.statefun.types/int` messages: it accepts `io.statefun.types/long`"
    );
}

#[tokio::test]
async fn typed_addresses_send_what_the_targets_accept() {
    let handler = Handler::new(functions());
    let body = Batch::to("shop/frontend", "bob").text("bob").bytes();
    let result = invocation_result(&handler.handle(body).await.unwrap());
    let sent: Vec<(String, String)> = result
        .outgoing_messages
        .iter()
        .map(|m| {
            let target = m.target.as_ref().unwrap();
            let argument = m.argument.as_ref().unwrap();
            (
                format!("{}/{}/{}", target.namespace, target.r#type, target.id),
                argument.typename.clone(),
            )
        })
        .collect();
    assert_eq!(
        sent,
        [
            ("shop/cart/bob".into(), "io.statefun.types/string".into()),
            ("shop/cart/bob".into(), "shop/Checkout".into()),
            ("shop/cart/bob".into(), "shop/AddItem".into()),
            ("shop/counter/bob".into(), "io.statefun.types/long".into()),
        ]
    );
}

#[tokio::test]
async fn the_local_runtime_delivers_typed_sends_to_each_variant() {
    let mut runtime = LocalRuntime::new(functions());
    runtime.send(frontend::address("carol"), "carol").unwrap();
    runtime.send(cart::address("carol"), &17_i64).unwrap();
    runtime.run_until_quiescent().await.unwrap();
    assert_eq!(
        runtime
            .state::<String>(&Address::new(cart::TYPE_NAME, "carol"), "log")
            .unwrap()
            .unwrap(),
        "discount 17\nnote from the frontend\ncheckout o-1\nadd 3 x tea"
    );
    assert_eq!(
        runtime
            .state::<String>(counter::address("carol").address(), "log")
            .unwrap()
            .unwrap(),
        "count 5"
    );
}

#[tokio::test]
async fn the_local_runtime_reports_a_message_no_variant_takes() {
    let mut runtime = LocalRuntime::new(functions());
    // Untyped: the compiler cannot check it, the function refuses it.
    runtime
        .send(Address::new(counter::TYPE_NAME, "d"), "not a number")
        .unwrap();
    let error = runtime.run_until_quiescent().await.unwrap_err();
    assert!(matches!(error, LocalError::Endpoint { .. }), "{error:?}");
    assert_eq!(
        error.to_string(),
        "shop/counter/d: the endpoint failed: function shop/counter (id `d`) failed: the function does not accept `io.statefun.types/string` messages: it accepts `io.statefun.types/long`"
    );
}

#[test]
fn the_registry_lists_what_each_function_accepts() {
    let functions = functions();
    let names = |names: &[&'static str]| {
        MessageTypes::Only(names.iter().map(|n| TypeName::from_static(n)).collect())
    };
    assert_eq!(
        functions.message_types(&cart::TYPE_NAME),
        Some(&names(&[
            "shop/AddItem",
            "shop/Checkout",
            "shop/Receipt",
            "io.statefun.types/string",
            "io.statefun.types/long",
        ]))
    );
    assert_eq!(
        functions.message_types(&counter::TYPE_NAME),
        Some(&names(&["io.statefun.types/long"]))
    );
    assert_eq!(
        functions.message_types(&audit::TYPE_NAME),
        Some(&MessageTypes::Any)
    );
    assert_eq!(
        functions.message_types(&TypeName::from_static("shop/nothing")),
        None
    );
    assert!(MessageTypes::Any.accepts("any/thing"));
    let only = names(&["a/b", "c/d"]);
    assert!(only.accepts("c/d") && !only.accepts("a/c"));
    assert_eq!(only.to_string(), "`a/b`, `c/d`");
    assert_eq!(MessageTypes::Any.to_string(), "any type");
}

#[derive(serde::Serialize, serde::Deserialize, statefun::Type)]
#[statefun(json, typename = "shop/Same")]
struct SameA {}

#[derive(serde::Serialize, serde::Deserialize, statefun::Type)]
#[statefun(json, typename = "shop/Same")]
struct SameB {}

/// Two types with one typename: the compiler cannot see it, the registry refuses it.
#[derive(statefun::Messages)]
enum Ambiguous {
    A(SameA),
    B(SameB),
}

#[statefun::function(typename = "shop/ambiguous")]
fn ambiguous(ctx: &mut Context, msg: Ambiguous) {
    let _ = (ctx, msg);
}

#[test]
fn the_registry_refuses_two_variants_with_one_typename() {
    let error = Functions::new().try_with(ambiguous).unwrap_err();
    assert_eq!(
        error,
        RegistryError::DuplicateMessageType {
            type_name: ambiguous::TYPE_NAME,
            message_type: TypeName::from_static("shop/Same"),
        }
    );
    assert_eq!(
        error.to_string(),
        "function `shop/ambiguous` accepts `shop/Same` twice: give each variant of its message enum a type with its own typename"
    );
}

#[test]
fn messages_decode_outside_a_function_too() {
    let decoded = CartMessage::from_message(Message::new(&Checkout { order: "z".into() }));
    assert!(matches!(decoded, Ok(CartMessage::Checkout(c)) if c.order == "z"));
    let error = CartMessage::from_message(Message::new(&1.5_f64))
        .err()
        .unwrap();
    assert!(matches!(
        &error,
        MessageError::Unexpected { type_name, accepted: MessageTypes::Only(accepted) }
            if type_name == "io.statefun.types/double" && accepted.len() == 5
    ));
    let no_value = Message::from_raw(&TypeName::from_static("shop/Checkout"), Bytes::new());
    assert!(
        CartMessage::from_message(no_value).is_ok(),
        "an empty protobuf is a default message"
    );
}

#[test]
fn a_typed_address_reads_compares_hashes_and_prints_as_its_address() {
    use std::hash::BuildHasher;

    let alice = cart::address("alice");
    let untyped = Address::new(cart::TYPE_NAME, "alice");
    assert_eq!(alice.id(), "alice");
    assert_eq!(alice.address(), &untyped);
    let derefed: &Address = &alice;
    assert_eq!(derefed, &untyped);
    assert_eq!(alice, cart::address("alice"));
    assert_ne!(alice, cart::address("bob"));
    let hasher = std::collections::hash_map::RandomState::new();
    assert_eq!(hasher.hash_one(&alice), hasher.hash_one(&untyped));
    assert_eq!(alice.to_string(), "shop/cart/alice");
    assert_eq!(format!("{alice:?}"), format!("AddressOf({untyped:?})"));
    assert_eq!(Address::from(alice.clone()), untyped);
}

#[statefun::function(typename = "shop/any")]
fn any_message(_ctx: &mut Context, _msg: Message) {}

#[test]
fn a_function_taking_the_untyped_message_accepts_any_typename() {
    let functions = Functions::new().with(any_message);
    assert_eq!(
        functions.message_types(&any_message::TYPE_NAME),
        Some(&MessageTypes::Any)
    );
}

#[tokio::test]
async fn a_message_of_an_accepted_typename_without_a_value_is_an_error() {
    let handler = Handler::new(functions());
    let body = Batch::to("shop/cart", "alice")
        .state("log", None)
        .message(
            statefun::__private::statefun_core::proto::reqreply::TypedValue {
                typename: "shop/AddItem".into(),
                has_value: false,
                value: Bytes::new(),
            },
        )
        .bytes();
    assert_eq!(
        handler.handle(body).await.unwrap_err().to_string(),
        "function shop/cart (id `alice`) failed: the `shop/AddItem` message carries no value"
    );
}
