//! The shopping cart of the Apache Flink StateFun playground (its Java `shopping-cart`,
//! release 3.1, the Kafka variant), ported function for function: the same typenames, JSON
//! field names, state, Kafka topics and behaviour, so that this service drops into the
//! playground's deployment in place of the Java one, with the playground's `module.yaml`
//! (next to this file) unchanged.
//!
//! ```text
//! cargo run --example playground_cart     # serves POST / on 0.0.0.0:1108, as the original
//! ```
//!
//! - `com.example/stock` (id: item id) keeps the stock of one item (`stock`, an int).
//!   `RestockItem` adds to it; `RequestItem` from a cart takes from it when there are that
//!   many, and answers the cart with `ItemAvailability` either way.
//! - `com.example/user-shopping-cart` (id: user id) keeps the user's `basket`.
//!   `AddToCart` asks the item's stock; an `INSTOCK` answer puts the item in the basket
//!   (an `OUTOFSTOCK` one is dropped, as in the original). `ClearCart` puts every item back
//!   in stock and empties the basket. `Checkout` writes a `Receipt` to the Kafka egress
//!   `com.example/receipts` (topic `receipts`, key: the user id) and, as in the original,
//!   keeps the basket.
//!
//! Where this port differs from the original, on purpose:
//! - The original's `ClearCart` restocks the items but never saves the emptied basket (it
//!   clears a copy), so the items stay in the cart and a second `ClearCart` restocks them
//!   again. This port saves the emptied basket, which is what the code means to do.
//! - A receipt lists the items sorted by item id; the original lists them in `HashMap`
//!   order.
//! - A message of a type a function does not take fails its batch, with an error naming
//!   the types it takes; the original drops it without a word. So a module.yaml that routes
//!   the wrong type is found by `statefun-local --check`, not by a lost message.
//! - A message missing a field is an error here; Jackson reads a missing number as 0.
//!
//! Tested three ways (`tests/docs/playground_cart.rs`): through the local runtime, through
//! `statefun-local` from `module.yaml` and `input.jsonl` (Kafka records, as the ingresses
//! read them), and on the real StateFun runtime with Kafka (`runtime/run.sh`, in the
//! end-to-end suite); each must produce `expected.jsonl`.
//!
//! Environment: `PORT` (default 1108), `HOST` (default `0.0.0.0`), `RUST_LOG`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use statefun::{BoxError, Context, EgressMessage, StateSpec, TypeName, Value};

/// The Kafka egress of the receipts: its `id` in module.yaml.
const RECEIPTS: TypeName = TypeName::from_static("com.example/receipts");

// ------------------------------------------------------------------ messages

/// From the ingress (topic `add-to-cart`, key: the user id).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, statefun::Type)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[statefun(json, typename = "com.example/AddToCart")]
pub(crate) struct AddToCart {
    pub(crate) user_id: String,
    pub(crate) item_id: String,
    pub(crate) quantity: i32,
}

/// From the ingress (topic `clear-cart`, key: the user id).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, statefun::Type)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[statefun(json, typename = "com.example/ClearCart")]
pub(crate) struct ClearCart {
    pub(crate) user_id: String,
}

/// From the ingress (topic `checkout`, key: the user id).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, statefun::Type)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[statefun(json, typename = "com.example/Checkout")]
pub(crate) struct Checkout {
    pub(crate) user_id: String,
}

/// From the ingress (topic `restock-items`, key: the item id), and from a cart that is
/// cleared. The target id names the item; `item_id` is not read, as in the original.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, statefun::Type)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[statefun(json, typename = "com.example/RestockItem")]
pub(crate) struct RestockItem {
    pub(crate) item_id: String,
    pub(crate) quantity: i32,
}

/// From a cart to a stock.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, statefun::Type)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[statefun(json, typename = "com.example/RequestItem")]
pub(crate) struct RequestItem {
    pub(crate) quantity: i32,
}

/// Whether a stock had what a cart asked for: `"INSTOCK"` or `"OUTOFSTOCK"` in JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub(crate) enum Status {
    InStock,
    OutOfStock,
}

/// From a stock to the cart that asked (the caller); the stock's id names the item.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, statefun::Type)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[statefun(json, typename = "com.example/ItemAvailability")]
pub(crate) struct ItemAvailability {
    pub(crate) status: Status,
    pub(crate) quantity: i32,
}

/// To the Kafka egress on checkout: `details` has one `item: quantity` line per item.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, statefun::Type)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[statefun(json, typename = "com.example/Receipt")]
pub(crate) struct Receipt {
    pub(crate) user_id: String,
    pub(crate) details: String,
}

// ------------------------------------------------------------------ state

/// A user's basket, item id → quantity: `{"basket":{"socks":3}}`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, statefun::Type)]
#[statefun(json, typename = "com.example/Basket")]
pub(crate) struct Basket {
    pub(crate) basket: BTreeMap<String, i32>,
}

#[derive(StateSpec)]
pub(crate) struct CartState {
    pub(crate) basket: Value<Basket>,
}

#[derive(StateSpec)]
pub(crate) struct StockState {
    pub(crate) stock: Value<i32>,
}

/// What a cart takes.
#[derive(statefun::Messages)]
pub(crate) enum CartMessage {
    AddToCart(AddToCart),
    Availability(ItemAvailability),
    ClearCart(ClearCart),
    Checkout(Checkout),
}

/// What a stock takes.
#[derive(statefun::Messages)]
pub(crate) enum StockMessage {
    Restock(RestockItem),
    Request(RequestItem),
}

// ------------------------------------------------------------------ functions

/// One user's cart.
#[statefun::function(typename = "com.example/user-shopping-cart")]
pub(crate) async fn user_shopping_cart(
    ctx: &mut Context,
    state: &mut CartState,
    msg: CartMessage,
) -> Result<(), BoxError> {
    match msg {
        CartMessage::AddToCart(add) => {
            let request = RequestItem {
                quantity: add.quantity,
            };
            ctx.send(stock::address(add.item_id), &request)?;
        }
        CartMessage::Availability(availability) => {
            if availability.status == Status::InStock {
                let item = ctx
                    .caller()
                    .ok_or("an ItemAvailability comes from a stock, which is its caller")?
                    .id()
                    .to_owned();
                let basket = state.basket.get_or_insert_with(Basket::default);
                *basket.basket.entry(item).or_default() += availability.quantity;
            }
        }
        CartMessage::ClearCart(clear) => {
            // The payload's user id is only logged: the target id names the cart.
            tracing::info!(user_id = clear.user_id, "clearing the cart");
            if let Some(basket) = state.basket.get_mut() {
                for (item, quantity) in std::mem::take(&mut basket.basket) {
                    let restock = RestockItem {
                        item_id: item.clone(),
                        quantity,
                    };
                    ctx.send(stock::address(item), &restock)?;
                }
                // The emptied basket is saved (`get_mut` marks it changed): the original
                // clears its copy and never writes it back.
            }
        }
        CartMessage::Checkout(checkout) => {
            tracing::info!(user_id = checkout.user_id, "checkout");
            if let Some(basket) = state.basket.get() {
                let details = basket
                    .basket
                    .iter()
                    .map(|(item, quantity)| format!("{item}: {quantity}"))
                    .collect::<Vec<_>>()
                    .join("\n");
                let user_id = ctx.self_address().id().to_owned();
                let receipt = Receipt {
                    user_id: user_id.clone(),
                    details,
                };
                ctx.send_egress(
                    EgressMessage::kafka(RECEIPTS)
                        .topic("receipts")
                        .key(user_id)
                        .typed_value(&receipt)
                        .build()?,
                );
            }
        }
    }
    Ok(())
}

/// The stock of one item.
#[statefun::function(typename = "com.example/stock")]
pub(crate) async fn stock(
    ctx: &mut Context,
    state: &mut StockState,
    msg: StockMessage,
) -> Result<(), BoxError> {
    let available = state.stock.get().copied().unwrap_or(0);
    match msg {
        StockMessage::Restock(restock) => state.stock.set(available + restock.quantity),
        StockMessage::Request(request) => {
            let status = if available >= request.quantity {
                state.stock.set(available - request.quantity);
                Status::InStock
            } else {
                Status::OutOfStock
            };
            let availability = ItemAvailability {
                status,
                quantity: request.quantity,
            };
            ctx.reply(&availability)?;
        }
    }
    Ok(())
}

/// The functions of this service.
pub(crate) fn functions() -> statefun::Functions {
    statefun::Functions::new()
        .with(user_shopping_cart)
        .with(stock)
}

#[allow(dead_code)] // unused when a test includes this file
#[tokio::main]
async fn main() -> Result<(), BoxError> {
    statefun::logging::init();
    let host = std::env::var("HOST").unwrap_or_else(|_| "0.0.0.0".into());
    let port: u16 = match std::env::var("PORT") {
        Ok(port) => port.parse().map_err(|e| format!("PORT={port}: {e}"))?,
        Err(_) => 1108,
    };
    // The playground's module.yaml sends every request to `http://...:1108/`.
    statefun::actix::Endpoint::new(functions())
        .with_path("/")
        .serve((host.as_str(), port))
        .await?;
    Ok(())
}
