//! StateFun for Rust: remote functions for [Apache Flink Stateful Functions].
//!
//! Annotate a function and a state struct; the compiler checks what the official SDKs check
//! at run time (or never): the typename, state names, expirations, codecs and the
//! function's signature.
//!
//! ```
//! use statefun::{Context, Functions, Handler, Message, StateSpec, Value};
//!
//! /// The greeter's persisted state: one value spec per field.
//! #[derive(StateSpec)]
//! struct Greeter {
//!     #[state(expire_after_call = "1d")]
//!     seen: Value<i32>,
//! }
//!
//! /// Greets a person and counts how often it did.
//! #[statefun::function(typename = "demo/greeter")]
//! async fn greet(ctx: &mut Context, state: &mut Greeter, msg: Message) -> Result<(), statefun::BoxError> {
//!     let name = msg.as_str()?;
//!     let seen = state.seen.get().copied().unwrap_or(0) + 1;
//!     state.seen.set(seen);
//!     println!("hello {name} from {}: seen {seen} times", ctx.self_address());
//!     Ok(())
//! }
//!
//! let handler = Handler::new(Functions::new().with(greet));
//! // With the `actix` feature: `statefun::serve(handler, ("0.0.0.0", 8000)).await?`.
//!
//! // One real request, as the StateFun runtime sends it: `seen` is 41, the message "bob".
//! # use prost::Message as _;
//! # use statefun::{Type, proto::reqreply::{self as pb, to_function as to, from_function as from}};
//! # let body: statefun::Bytes = pb::ToFunction {
//! #     request: Some(to::Request::Invocation(to::InvocationBatchRequest {
//! #         target: Some(pb::Address { namespace: "demo".into(), r#type: "greeter".into(), id: "alice".into() }),
//! #         state: vec![to::PersistedValue {
//! #             state_name: "seen".into(),
//! #             state_value: Some(pb::TypedValue { typename: "io.statefun.types/int".into(), has_value: true, value: Type::encode(&41)? }),
//! #         }],
//! #         invocations: vec![to::Invocation {
//! #             caller: None,
//! #             argument: Some(pb::TypedValue { typename: "io.statefun.types/string".into(), has_value: true, value: Type::encode(&"bob".to_owned())? }),
//! #         }],
//! #     })),
//! # }.encode_to_vec().into();
//! # tokio::runtime::Builder::new_current_thread().build()?.block_on(async {
//! let response = handler.handle(body).await?;
//! # let Some(from::Response::InvocationResult(result)) = pb::FromFunction::decode(response)?.response else { panic!() };
//! # let seen = &result.state_mutations[0];
//! # assert_eq!(seen.state_name, "seen");
//! # assert_eq!(<i32 as Type>::decode(seen.state_value.clone().unwrap().value)?, 42);
//! // `response` is the `FromFunction` bytes: one mutation, `seen` = 42.
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # })?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The attribute turns `greet` into a unit struct implementing [`Function`] with the
//! typename in `greet::TYPE_NAME`; the body stays callable as `greet::call(...)` for unit
//! tests. See [`function`](macro@function), [`StateSpec`](derive@StateSpec) and [`Type`](derive@Type) for every option.
//!
//! # Typed messages
//!
//! A function may take, instead of the untyped [`Message`], the one type it accepts
//! (`msg: String`, `msg: MyJsonType`) or an enum of them with
//! [`#[derive(statefun::Messages)]`](derive@Messages). The message is decoded once, by its
//! typename, before the body runs; any other typename fails the batch with an error naming
//! the function, the typename received and the ones accepted. The attribute also generates
//! `greet::address(id)`, an [`AddressOf`] the function, through which only values the
//! function accepts can be sent:
//!
//! ```
//! use statefun::Context;
//!
//! #[derive(serde::Serialize, serde::Deserialize, statefun::Type)]
//! #[statefun(json, typename = "demo/Order")]
//! struct Order { item: String }
//!
//! #[derive(statefun::Messages)]
//! enum CartMessage {
//!     Order(Order),
//!     Command(String),
//! }
//!
//! #[statefun::function(typename = "demo/cart")]
//! fn cart(ctx: &mut Context, msg: CartMessage) -> Result<(), statefun::BoxError> {
//!     match msg {
//!         CartMessage::Order(order) => println!("{} ordered {}", ctx.self_address().id(), order.item),
//!         CartMessage::Command(command) => println!("command {command}"),
//!     }
//!     Ok(())
//! }
//!
//! #[statefun::function(typename = "demo/shop")]
//! fn shop(ctx: &mut Context, user: String) -> Result<(), statefun::BoxError> {
//!     ctx.send(cart::address(&user), &Order { item: "tea".into() })?;
//!     ctx.send(cart::address(&user), "checkout")?;
//!     Ok(())
//! }
//! # let _ = statefun::Functions::new().with(cart).with(shop);
//! ```
//!
//! A value the target does not accept is a compile error at the value (with `counter`
//! taking an `i64`, `ctx.send(counter::address("a"), "ten")?` does not compile; the cases
//! of `statefun-macros/tests/ui/fail/` show every such error).
//!
//! Sends to an untyped [`Address`] (e.g. a function written in another language) take any
//! value, as before.
//!
//! # What is where
//!
//! | item | what |
//! |---|---|
//! | [`#[statefun::function]`](macro@function) | a function type: typename, state type, body |
//! | [`#[derive(StateSpec)]`](derive@StateSpec) | a state struct of [`Value<T>`] cells, with names and expirations |
//! | [`#[derive(statefun::Type)]`](derive@Type) | your own message and state types: JSON (serde), protobuf (prost) or raw bytes |
//! | [`#[derive(statefun::Messages)]`](derive@Messages) | an enum of the message types a function accepts |
//! | [`Functions`], [`Handler`] | the registry and the transport-free dispatcher: `ToFunction` bytes in, `FromFunction` bytes out |
//! | [`Context`], [`Message`], [`OutgoingMessage`], [`AddressOf`], [`EgressMessage`] | what a function reads and sends |
//! | `actix` | the HTTP service (feature `actix`) |
//! | [`http`] | the one request pipeline every integration runs ([`http::Endpoint`]), for your own framework too |
//! | `axum`, `lambda` | your functions in an axum application, or as an AWS Lambda function (features `axum`, `lambda`) |
//! | `hyper` | your functions served by hyper directly, with probes and graceful shutdown: the choice when CPU matters (feature `hyper`) |
//! | `metrics` | Prometheus metrics of every request (feature `metrics`) |
//! | `module` | your module.yaml: read, checked against your functions, run by the local runtime (feature `module`) |
//! | [`local`] | the local runtime: your application in a test, without a cluster |
//!
//! # Features
//!
//! (The same list is the README's table; both come from the comments of `Cargo.toml`.)
//!
#![doc = document_features::document_features!()]
//!
//! # Mistakes are compile errors
//!
//! Each at the offending token, with what to write instead: a typename without a `/`, the
//! message taken by reference, an argument or return type that is not a function's, an
//! invalid state name, a zero or unparsable expiration, both expirations, a field whose type
//! is not a StateFun type, a JSON type without a typename. `statefun-macros/tests/ui/fail/` holds one case
//! of each, with the compiler's message.
//!
//! [Apache Flink Stateful Functions]: https://nightlies.apache.org/flink/flink-statefun-docs-stable/

#![cfg_attr(docsrs, feature(doc_cfg))]

pub use statefun_core::{
    Accepts, Address, AddressError, AddressOf, BoxError, Bytes, CancellationToken, Catalog,
    CatalogError, CatalogFunction, CatalogState, Cells, CodecError, Context, ContextError,
    DEAD_LETTER, DEAD_LETTER_JSON, DeadLetter, DeadLetterError, DeadLetterJson, DeadLetterReason,
    DeadLetters, Delayed, Dispatch, Dispatched, EgressError, EgressMessage, Encode, Error,
    Expiration, Function, Functions, Handler, InfallibleEncode, IntoFunctionResult,
    KafkaRecordBuilder, KinesisRecordBuilder, Message, MessageError, MessageTypes, Messages,
    Mutations, OutgoingMessage, OutgoingMessageError, Permanent, PermanentExt, RegistryError,
    RequestError, SendableTo, SpecError, State, StateError, StateField, TokenError, Type, TypeName,
    TypeNameError, TypedFunction, Value, ValueSpec, codec, is_valid_state_name, local,
};

/// The protocol's protobuf messages (prost), for tests and tools that build requests by
/// hand. Not part of the stable API: they follow the protocol's `.proto` files and prost.
#[doc(hidden)]
pub use statefun_core::proto;

#[doc(inline)]
pub use statefun_macros::{Messages, StateSpec, Type, function};

#[cfg(feature = "actix")]
#[doc(inline)]
pub use statefun_actix as actix;

pub use statefun_core::http;

#[cfg(feature = "metrics")]
pub use statefun_core::metrics;

#[cfg(feature = "axum")]
pub mod axum;

#[cfg(feature = "lambda")]
pub mod lambda;

#[cfg(feature = "hyper")]
pub mod hyper;

/// Serves functions over HTTP until SIGINT or SIGTERM: [`actix::serve`].
#[cfg(feature = "actix")]
pub use statefun_actix::serve;

#[cfg(feature = "logging")]
pub mod logging;

#[cfg(feature = "otel")]
pub mod otel;

#[cfg(feature = "module")]
pub use statefun_core::module;

#[cfg(feature = "http-client")]
pub mod remote;

/// Not public API: the paths the macros' generated code uses. May change in any release.
#[doc(hidden)]
pub mod __private {
    pub use statefun_core;
    pub use statefun_core::__private::{
        CatchAll, ContextArgument, MessageArgument, MessageParameter, Variant, message_parameter,
        unexpected, variant,
    };
    pub use statefun_core::codec::{json, raw};
    /// The protobuf codec: its public functions and what the derive uses beside them.
    pub mod protobuf {
        pub use statefun_core::__private::protobuf::*;
        pub use statefun_core::codec::protobuf::*;
    }
    pub use statefun_core::{
        Accepts, AddressOf, BoxError, Bytes, Cells, CodecError, Context, Encode, Expiration,
        Function, InfallibleEncode, IntoFunctionResult, Message, MessageError, MessageTypes,
        Messages, Mutations, State, StateError, StateField, Type, TypeName, TypedFunction,
        ValueSpec,
    };
    pub use std::{
        clone::Clone,
        convert::Into,
        default::Default,
        fmt::Debug,
        future::Future,
        marker::{Copy, Send, Sized},
        primitive::str,
        result::Result,
        string::String,
        sync::OnceLock,
        time::Duration,
        vec::Vec,
    };
}
