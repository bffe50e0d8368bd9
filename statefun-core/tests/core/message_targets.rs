//! Every way of building a message refuses a target whose id is empty, at the call that
//! builds it; typename parts are never empty (`TypeName` refuses them).

use bytes::Bytes;
use statefun_core::{
    Address, AddressError, Context, ContextError, Functions, OutgoingMessage, OutgoingMessageError,
    TypeName, TypeNameError, local::LocalRuntime,
};

const GREETER: TypeName = TypeName::from_static("demo/greeter");
const REFUSAL: &str = "cannot send to `demo/greeter` with an empty id: a message goes to one instance of a function type, named by a non-empty id";

#[derive(serde::Serialize)]
struct Json {
    n: u32,
}

impl statefun_core::Type for Json {
    fn type_name() -> TypeName {
        TypeName::from_static("demo/Json")
    }
    fn encode(&self) -> Result<Bytes, statefun_core::CodecError> {
        statefun_core::codec::json::encode(self)
    }
    fn decode(_: Bytes) -> Result<Self, statefun_core::CodecError> {
        unreachable!()
    }
}

#[test]
fn message_constructors_refuse_an_empty_id() {
    let nobody = Address::new(GREETER, "");
    assert_eq!(
        nobody.to_string(),
        "demo/greeter/",
        "an address may hold it"
    );

    let error = OutgoingMessage::new(nobody.clone(), "hi").unwrap_err();
    assert!(
        matches!(&error, OutgoingMessageError::Target(AddressError::EmptyId(t)) if *t == GREETER),
        "{error:?}"
    );
    assert_eq!(error.to_string(), REFUSAL);

    let error = OutgoingMessage::raw(nobody.clone(), &GREETER, Bytes::new()).unwrap_err();
    assert_eq!(error, AddressError::EmptyId(GREETER));

    let error = OutgoingMessage::new(nobody, &Json { n: 1 }).unwrap_err();
    assert!(
        matches!(&error, OutgoingMessageError::Target(AddressError::EmptyId(t)) if *t == GREETER),
        "{error:?}"
    );
    assert_eq!(error.to_string(), REFUSAL);

    // Any non-empty id is fine, whitespace and unicode included.
    for id in [" ", "ünïcödé ☃", "a/b"] {
        let message = OutgoingMessage::new(Address::new(GREETER, id), "hi").unwrap();
        assert_eq!(message.target().id(), id);
        OutgoingMessage::new(Address::new(GREETER, id), &Json { n: 1 }).unwrap();
    }
}

#[test]
fn typename_parts_are_never_empty() {
    assert!(matches!(
        TypeName::from_parts("", "greeter"),
        Err(TypeNameError::EmptyNamespace(_))
    ));
    assert!(matches!(
        TypeName::from_parts("demo", ""),
        Err(TypeNameError::EmptyName(_))
    ));
}

#[test]
fn replying_to_a_caller_with_an_empty_id_is_refused() {
    let mut ctx = Context::new(Address::new(GREETER, "alice"))
        .with_caller(Some(Address::new(TypeName::from_static("demo/caller"), "")));
    let error = ctx.reply("hi").unwrap_err();
    assert!(
        matches!(&error, ContextError::Caller(AddressError::EmptyId(t)) if t.as_str() == "demo/caller"),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "cannot reply to the caller: cannot send to `demo/caller` with an empty id: a message goes to one instance of a function type, named by a non-empty id"
    );
    assert!(ctx.sent().is_empty(), "nothing is sent");
}

#[test]
fn the_local_runtime_refuses_an_empty_id_too() {
    let mut runtime = LocalRuntime::new(Functions::new());
    let error = runtime.send(Address::new(GREETER, ""), "hi").unwrap_err();
    assert!(
        matches!(
            error,
            OutgoingMessageError::Target(AddressError::EmptyId(_))
        ),
        "{error:?}"
    );
}

#[test]
fn an_outgoing_message_tells_its_typename_and_bytes() {
    let bob = Address::new(GREETER, "bob");
    let message = OutgoingMessage::new(bob.clone(), "hi").unwrap();
    assert_eq!(message.target(), &bob);
    assert_eq!(message.type_name(), "io.statefun.types/string");
    assert_eq!(message.raw_value(), &Bytes::from_static(b"\n\x02hi"));

    let raw = OutgoingMessage::raw(bob, &GREETER, Bytes::from_static(b"\x01\x02")).unwrap();
    assert_eq!(raw.type_name(), "demo/greeter");
    assert_eq!(raw.raw_value(), &Bytes::from_static(b"\x01\x02"));
}
