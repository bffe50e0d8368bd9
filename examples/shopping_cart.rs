//! A shopping cart: two functions that talk to each other, JSON state with a TTL, a
//! delayed reminder that is cancelled on checkout, and receipts to Kafka. Each function
//! takes an enum of the messages it accepts, and sends through typed addresses
//! (`inventory::address(id)`), so a message one cannot take does not compile.
//!
//! ```text
//! cargo run --example shopping_cart            # serves http://0.0.0.0:8000/statefun
//! ```
//!
//! - `shop/stock` (id: item id) keeps the stock of one item. `RestockItem` adds to it;
//!   `RequestItem` from a cart takes from it and answers the cart with `ItemAvailability`.
//! - `shop/cart` (id: user id) keeps the user's cart as JSON; its state expires one day
//!   after the user's last interaction. `AddToCart` asks the item's stock function;
//!   the answer puts the item in the cart. Every change (re)schedules a `Reminder` to the
//!   cart itself in 30 minutes, with a cancellation token; `Checkout` cancels it and
//!   writes a receipt to the Kafka egress `shop/receipts` (topic `receipts`); a reminder
//!   that fires writes to topic `reminders`.
//!
//! Environment as in the greeter example: `PORT`, `HOST`, `PUBLIC_URL`, `RUST_LOG`.

use std::{collections::BTreeMap, time::Duration};

use serde::{Deserialize, Serialize};
use statefun::{
    BoxError, CancellationToken, Context, EgressMessage, Functions, OutgoingMessage, StateSpec,
    TokenError, TypeName, Value,
};

/// The Kafka egress both functions write to; its `id` in module.yaml must be the same.
const RECEIPTS: TypeName = TypeName::from_static("shop/receipts");
/// How long a cart may sit untouched before the user is reminded.
const REMINDER_AFTER: Duration = Duration::from_secs(30 * 60);

// ------------------------------------------------------------------ messages and state

/// From the ingress: put `quantity` of `item_id` in the cart of the user (the target id).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, statefun::Type)]
#[statefun(json, typename = "shop/AddToCart")]
pub(crate) struct AddToCart {
    pub(crate) item_id: String,
    pub(crate) quantity: u32,
}

/// From the ingress: buy what is in the cart.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, statefun::Type)]
#[statefun(json, typename = "shop/Checkout")]
pub(crate) struct Checkout {}

/// From the ingress: `quantity` more of the item (the target id) is in stock.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, statefun::Type)]
#[statefun(json, typename = "shop/RestockItem")]
pub(crate) struct RestockItem {
    pub(crate) quantity: u32,
}

/// From a cart to a stock: take `quantity` if there are that many.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, statefun::Type)]
#[statefun(json, typename = "shop/RequestItem")]
pub(crate) struct RequestItem {
    pub(crate) quantity: u32,
}

/// From a stock to the cart that asked.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, statefun::Type)]
#[statefun(json, typename = "shop/ItemAvailability")]
pub(crate) struct ItemAvailability {
    pub(crate) item_id: String,
    pub(crate) quantity: u32,
    pub(crate) in_stock: bool,
}

/// From a cart to itself, delayed: the cart was left alone for a while.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, statefun::Type)]
#[statefun(json, typename = "shop/Reminder")]
pub(crate) struct Reminder {}

/// The cart: item id → quantity. Stored as JSON under the typename `shop/Cart`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, statefun::Type)]
#[statefun(json, typename = "shop/Cart")]
pub(crate) struct Cart {
    pub(crate) items: BTreeMap<String, u32>,
}

/// What goes to Kafka on checkout.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, statefun::Type)]
#[statefun(json, typename = "shop/Receipt")]
pub(crate) struct Receipt {
    pub(crate) user_id: String,
    pub(crate) items: BTreeMap<String, u32>,
}

#[derive(StateSpec)]
pub(crate) struct CartState {
    /// Forgotten a day after the user's last interaction.
    #[state(expire_after_call = "1d")]
    pub(crate) cart: Value<Cart>,
}

#[derive(StateSpec)]
pub(crate) struct StockState {
    pub(crate) stock: Value<i32>,
}

/// What a cart accepts: one variant per message type, decoded by typename before the
/// function runs. Any other typename fails the batch with an error naming these.
#[derive(statefun::Messages)]
pub(crate) enum CartMessage {
    Add(AddToCart),
    Availability(ItemAvailability),
    Checkout(Checkout),
    Reminder(Reminder),
}

/// What a stock accepts.
#[derive(statefun::Messages)]
pub(crate) enum StockMessage {
    Restock(RestockItem),
    Request(RequestItem),
}

// ------------------------------------------------------------------ functions

/// One user's cart.
#[statefun::function(typename = "shop/cart")]
pub(crate) async fn shopping_cart(
    ctx: &mut Context,
    state: &mut CartState,
    msg: CartMessage,
) -> Result<(), BoxError> {
    let user_id = ctx.self_address().id().to_owned();
    match msg {
        CartMessage::Add(add) => {
            // Ask the item's stock; the answer comes back as ItemAvailability. The typed
            // address only takes what `inventory` accepts.
            let request = RequestItem {
                quantity: add.quantity,
            };
            ctx.send(inventory::address(add.item_id), &request)?;
        }
        CartMessage::Availability(availability) => {
            if availability.in_stock {
                let cart = state.cart.get_or_insert_with(Cart::default);
                *cart.items.entry(availability.item_id).or_default() += availability.quantity;
                remind_later(ctx, &user_id)?;
            } else {
                tracing::info!(user_id, item = availability.item_id, "out of stock");
            }
        }
        CartMessage::Checkout(Checkout {}) => {
            ctx.cancel_delayed(reminder_token(&user_id)?);
            let Some(cart) = state.cart.take() else {
                tracing::info!(user_id, "checkout of an empty cart");
                return Ok(());
            };
            let receipt = Receipt {
                user_id: user_id.clone(),
                items: cart.items,
            };
            ctx.send_egress(
                EgressMessage::kafka(RECEIPTS)
                    .topic("receipts")
                    .key(user_id)
                    .typed_value(&receipt)
                    .build()?,
            );
        }
        CartMessage::Reminder(Reminder {}) => {
            if let Some(cart) = state.cart.get() {
                let items: u32 = cart.items.values().sum();
                ctx.send_egress(
                    EgressMessage::kafka(RECEIPTS)
                        .topic("reminders")
                        .key(user_id.as_str())
                        .value(format!("{user_id} has {items} items waiting in the cart"))
                        .build()?,
                );
            }
        }
    }
    Ok(())
}

/// The reminder's cancellation token: one per user, so a new one replaces the old.
fn reminder_token(user_id: &str) -> Result<CancellationToken, TokenError> {
    CancellationToken::new(format!("cart-reminder-{user_id}"))
}

/// Cancels the pending reminder (if any) and schedules a new one.
fn remind_later(ctx: &mut Context, user_id: &str) -> Result<(), BoxError> {
    let token = reminder_token(user_id)?;
    ctx.cancel_delayed(token.clone());
    ctx.send_after_with_token(
        REMINDER_AFTER,
        token,
        OutgoingMessage::new(shopping_cart::address(user_id), &Reminder {})?,
    );
    Ok(())
}

/// The stock of one item.
#[statefun::function(typename = "shop/stock")]
pub(crate) async fn inventory(
    ctx: &mut Context,
    state: &mut StockState,
    msg: StockMessage,
) -> Result<(), BoxError> {
    match msg {
        StockMessage::Restock(restock) => {
            state
                .stock
                .update(|n| Some(n.unwrap_or(0) + restock.quantity as i32));
        }
        StockMessage::Request(request) => {
            let available = state.stock.get().copied().unwrap_or(0);
            let in_stock = available >= request.quantity as i32;
            if in_stock {
                state.stock.set(available - request.quantity as i32);
            }
            let answer = ItemAvailability {
                item_id: ctx.self_address().id().to_owned(),
                quantity: request.quantity,
                in_stock,
            };
            ctx.reply(&answer)?;
        }
    }
    Ok(())
}

/// The functions of this service.
pub(crate) fn functions() -> Functions {
    Functions::new().with(shopping_cart).with(inventory)
}

/// The Kafka egress the functions write to, to append to module.yaml.
pub(crate) const EGRESS_YAML: &str = "\
kind: io.statefun.kafka.v1/egress
spec:
  id: shop/receipts
  address: kafka:9092
  deliverySemantic:
    type: at-least-once
";

#[allow(dead_code)] // unused when the tests include this file
#[tokio::main]
async fn main() -> Result<(), BoxError> {
    // Logs go to stderr, so that stdout is just the module.yaml.
    statefun::logging::init();

    let host = std::env::var("HOST").unwrap_or_else(|_| "0.0.0.0".into());
    let port: u16 = match std::env::var("PORT") {
        Ok(port) => port.parse().map_err(|e| format!("PORT={port}: {e}"))?,
        Err(_) => 8000,
    };
    let public_url =
        std::env::var("PUBLIC_URL").unwrap_or_else(|_| format!("http://localhost:{port}/statefun"));

    let functions = functions();
    println!("# module.yaml for a StateFun cluster that reaches this service at {public_url}");
    println!("{}---\n{EGRESS_YAML}", functions.module_yaml(&public_url));

    statefun::serve(functions, (host.as_str(), port)).await?;
    Ok(())
}
