//! The shopping cart's functions under the local runtime.

use super::*;

fn user(id: &str) -> Address {
    Address::new(shopping_cart::shopping_cart::TYPE_NAME, id)
}

fn item(id: &str) -> Address {
    Address::new(shopping_cart::inventory::TYPE_NAME, id)
}

const RECEIPTS: TypeName = TypeName::from_static("shop/receipts");

const MINUTE: Duration = Duration::from_secs(60);

fn add(item_id: &str, quantity: u32) -> AddToCart {
    AddToCart {
        item_id: item_id.into(),
        quantity,
    }
}

fn kafka(record: &EgressRecord) -> (&str, &str, &[u8]) {
    let EgressRecord::Kafka(record) = record else {
        panic!("expected a Kafka record: {record:?}");
    };
    (&record.topic, &record.key, &record.value)
}

#[tokio::test]
async fn cart_asks_the_stock_and_checks_out_to_kafka_cancelling_the_reminder()
-> Result<(), Box<dyn std::error::Error>> {
    let mut runtime = LocalRuntime::new(shopping_cart::functions());
    runtime.send(item("socks"), &RestockItem { quantity: 5 })?;
    runtime.send(user("alice"), &add("socks", 2))?;
    runtime.run_until_quiescent().await?;

    let cart: Option<Cart> = runtime.state(&user("alice"), "cart")?;
    assert_eq!(cart.unwrap().items["socks"], 2);
    assert_eq!(runtime.state::<i32>(&item("socks"), "stock")?, Some(3));
    assert_eq!(runtime.pending_delayed(), 1, "a reminder is scheduled");

    // More than in stock: nothing changes.
    runtime.send(user("alice"), &add("socks", 10))?;
    runtime.run_until_quiescent().await?;
    assert_eq!(
        runtime
            .state::<Cart>(&user("alice"), "cart")?
            .unwrap()
            .items["socks"],
        2
    );
    assert_eq!(runtime.state::<i32>(&item("socks"), "stock")?, Some(3));

    // Another add replaces the reminder.
    runtime.advance(20 * MINUTE).await?;
    runtime.send(user("alice"), &add("socks", 1))?;
    runtime.run_until_quiescent().await?;
    assert_eq!(
        runtime.pending_delayed(),
        1,
        "the reminder was rescheduled, not added"
    );
    runtime.advance(20 * MINUTE).await?;
    assert!(runtime.take_egress(&RECEIPTS).is_empty(), "no reminder yet");

    runtime.send(user("alice"), &Checkout {})?;
    runtime.run_until_quiescent().await?;
    let records = runtime.take_egress(&RECEIPTS);
    let [receipt] = &records[..] else {
        panic!("expected one receipt: {records:?}");
    };
    let (topic, key, value) = kafka(receipt);
    assert_eq!((topic, key), ("receipts", "alice"));
    let receipt: Receipt = serde_json::from_slice(value)?;
    assert_eq!(receipt.user_id, "alice");
    assert_eq!(receipt.items["socks"], 3);
    assert_eq!(
        runtime.state::<Cart>(&user("alice"), "cart")?,
        None,
        "the cart is emptied"
    );
    assert_eq!(
        runtime.pending_delayed(),
        0,
        "checkout cancelled the reminder"
    );

    runtime.advance(24 * 60 * MINUTE).await?;
    assert!(
        runtime.take_egress(&RECEIPTS).is_empty(),
        "no reminder after checkout"
    );
    Ok(())
}

#[tokio::test]
async fn abandoned_cart_gets_a_reminder_and_expires_a_day_later()
-> Result<(), Box<dyn std::error::Error>> {
    let mut runtime = LocalRuntime::new(shopping_cart::functions());
    runtime.send(item("hat"), &RestockItem { quantity: 1 })?;
    runtime.send(user("bob"), &add("hat", 1))?;
    runtime.run_until_quiescent().await?;

    runtime.advance(31 * MINUTE).await?;
    let records = runtime.take_egress(&RECEIPTS);
    let [reminder] = &records[..] else {
        panic!("expected one reminder: {records:?}");
    };
    let (topic, key, value) = kafka(reminder);
    assert_eq!((topic, key), ("reminders", "bob"));
    assert_eq!(
        std::str::from_utf8(value)?,
        "bob has 1 items waiting in the cart"
    );

    // The reminder was the last call: the cart expires a day after it.
    runtime.advance(23 * 60 * MINUTE).await?;
    assert!(runtime.state::<Cart>(&user("bob"), "cart")?.is_some());
    runtime.advance(61 * MINUTE).await?;
    assert_eq!(
        runtime.state::<Cart>(&user("bob"), "cart")?,
        None,
        "expired"
    );
    Ok(())
}

#[tokio::test]
async fn unknown_messages_fail_the_batch() {
    let mut runtime = LocalRuntime::new(shopping_cart::functions());
    runtime.send(user("carol"), "hello").unwrap();
    let error = runtime.run_until_quiescent().await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "shop/cart/carol: the endpoint failed: function shop/cart (id `carol`) failed: the function does not accept `io.statefun.types/string` messages: it accepts `shop/AddToCart`, `shop/ItemAvailability`, `shop/Checkout`, `shop/Reminder`"
    );
}
