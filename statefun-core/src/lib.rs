//! The core of the StateFun Rust SDK: the request-reply protocol, typenames and
//! addresses, value codecs, messages, egress records, the invocation context, persisted
//! state, the transport-free dispatcher, its HTTP behaviour and the local runtime.
//!
//! Users depend on the `statefun-sdk` facade (library `statefun`), which re-exports this
//! crate together with the macros and the HTTP servers; the examples here are written as a
//! user writes them, with `use statefun::…`. This crate has no macros and no HTTP server: a
//! function written by hand against it answers real StateFun requests.
//!
//! ```
//! use statefun::{
//!     BoxError, Cells, Context, Function, Functions, Handler, Message, Mutations, State,
//!     StateError, TypeName, Value, ValueSpec,
//! };
//!
//! struct Seen {
//!     seen: Value<i32>,
//! }
//!
//! impl State for Seen {
//!     fn specs() -> Vec<ValueSpec> {
//!         vec![ValueSpec::new::<i32>("seen").unwrap()]
//!     }
//!     fn from_cells(cells: &mut Cells<'_>) -> Result<Self, StateError> {
//!         Ok(Seen { seen: cells.next_value()? })
//!     }
//!     fn write_mutations(&self, out: &mut Mutations<'_>) -> Result<(), StateError> {
//!         out.write(&self.seen)
//!     }
//! }
//!
//! struct Greeter;
//!
//! impl Function for Greeter {
//!     type State = Seen;
//!
//!     fn type_name(&self) -> TypeName {
//!         TypeName::from_static("demo/greeter")
//!     }
//!
//!     async fn invoke(&self, ctx: &mut Context, state: &mut Seen, msg: Message) -> Result<(), BoxError> {
//!         let name = msg.as_str()?;
//!         state.seen.update(|seen| Some(seen.unwrap_or(0) + 1));
//!         println!("hello {name}, seen {} times", state.seen.get_or_default());
//!         Ok(())
//!     }
//! }
//!
//! let handler = Handler::new(Functions::new().with(Greeter));
//! // In a service: `let response: Bytes = handler.handle(body).await?;`
//! # let _ = handler;
//! ```
//!
//! # Layers
//!
//! Each top-level module is one layer and uses only the layers before it in this list
//! (`tests/core/layers.rs` fails when a `use` goes the other way; see docs/architecture.md):
//! `proto` (the generated protobuf types), `panic`, `names` (typenames, addresses, tokens), `codec`,
//! `message` (what arrives and what is sent), `state`, `function` (the trait, the context,
//! typed addresses), `wire` (the request read in place, the answer written), `dispatch`
//! (the registry and the dispatcher), `http`, `metrics`, `module` (a module.yaml), `local`; `__private` (for the
//! macros) comes last.

#[doc(hidden)]
pub mod proto;

mod panic;

mod names;

pub mod codec;

mod message;

mod state;

mod function;

mod wire;

mod dispatch;

pub mod http;

#[cfg(feature = "metrics")]
pub mod metrics;

#[cfg(feature = "module")]
pub mod module;

pub mod local;

#[doc(hidden)]
pub mod __private;

pub use codec::{CodecError, Encode, InfallibleEncode, Type};
pub use dispatch::{
    Catalog, CatalogError, CatalogFunction, CatalogState, DeadLetters, Dispatch, Dispatched, Error,
    Functions, Handler, RegistryError, RequestError,
};
pub use function::{
    AddressOf, BoxError, Context, ContextError, Delayed, Function, IntoFunctionResult, Permanent,
    PermanentExt, TypedFunction,
};
pub use message::{
    Accepts, DEAD_LETTER, DEAD_LETTER_JSON, DeadLetter, DeadLetterError, DeadLetterJson,
    DeadLetterReason, EgressError, EgressMessage, KafkaRecordBuilder, KinesisRecordBuilder,
    Message, MessageError, MessageTypes, Messages, OutgoingMessage, OutgoingMessageError,
    SendableTo,
};
pub use names::{Address, AddressError, CancellationToken, TokenError, TypeName, TypeNameError};
pub use state::{
    Cells, Expiration, Mutations, SpecError, State, StateError, StateField, Value, ValueSpec,
    is_valid_state_name,
};

pub use bytes::Bytes;
