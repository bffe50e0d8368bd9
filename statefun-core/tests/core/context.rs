//! The `Context` as a unit test of a function sees it: the effects asked for so far, in
//! call order, without a dispatcher.

use std::time::Duration;

use statefun_core::{
    Address, CancellationToken, Context, Delayed, EgressMessage, OutgoingMessage, TypeName,
};

const GREETER: TypeName = TypeName::from_static("demo/greeter");
const GREETINGS: TypeName = TypeName::from_static("demo/greetings");

#[test]
fn delayed_messages_and_cancellations_are_listed_in_call_order() {
    let mut ctx = Context::new(Address::new(GREETER, "alice"));
    assert!(ctx.delayed().is_empty());
    let bob = OutgoingMessage::new(Address::new(GREETER, "bob"), "later").unwrap();
    const REMINDER: CancellationToken = CancellationToken::from_static("reminder");

    ctx.send_after(Duration::from_secs(5), bob.clone());
    ctx.cancel_delayed(REMINDER);
    ctx.send_after_with_token(Duration::from_millis(1500), REMINDER, bob.clone());

    assert_eq!(
        ctx.delayed(),
        [
            Delayed::Send {
                delay: Duration::from_secs(5),
                token: None,
                message: bob.clone(),
            },
            Delayed::Cancel { token: REMINDER },
            Delayed::Send {
                delay: Duration::from_millis(1500),
                token: Some(REMINDER),
                message: bob,
            },
        ]
    );
}

#[test]
fn egress_records_are_listed_in_call_order() {
    let mut ctx = Context::new(Address::new(GREETER, "alice"));
    assert!(ctx.egress().is_empty());
    ctx.send_egress(EgressMessage::new(GREETINGS, "hello alice"));
    ctx.send_egress(EgressMessage::new(GREETINGS, &7));

    let records = ctx.egress();
    assert_eq!(records.len(), 2);
    assert_eq!(records[0], EgressMessage::new(GREETINGS, "hello alice"));
    assert_eq!(records[1].egress(), &GREETINGS);
    assert_eq!(records[1].type_name(), "io.statefun.types/int");
}
