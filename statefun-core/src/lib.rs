//! The core of the StateFun Rust SDK: the request-reply protocol, typenames and
//! addresses, value codecs, messages, egress records, the invocation context, persisted
//! state and the transport-free dispatcher.
//!
//! Most users depend on the `statefun-sdk` facade (library `statefun`), which re-exports
//! this crate together with the macros and the HTTP adapter. This crate has no HTTP server
//! and no macros: a function written by hand against it answers real StateFun requests.
//! Its [`http`] module says, free of any HTTP framework, what a server answers for every
//! request and outcome, so that every integration answers alike.
//!
//! ```
//! use bytes::Bytes;
//! use statefun_core::{
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
//!         tracing::info!("hello {name}, seen {} times", state.seen.get_or_default());
//!         Ok(())
//!     }
//! }
//!
//! let handler = Handler::new(Functions::new().with(Greeter));
//! # let body = Bytes::new();
//! // In a service: `let response: Bytes = handler.handle(body).await?;`
//! # let _ = handler;
//! ```

mod address;
mod address_of;
mod argument;
mod batch;
mod cancellation;
mod cells;
pub mod codec;
mod context;
mod dispatch;
mod egress;
mod error;
mod function;
pub mod http;
pub mod local;
mod message;
mod messages;
#[cfg(feature = "metrics")]
pub mod metrics;
mod outgoing;
#[doc(hidden)]
pub mod proto;
mod registry;
mod request;
mod response;
mod spec;
mod state;
mod type_name;
mod value;

pub use address::{Address, AddressError};
pub use address_of::{AddressOf, SendableTo, TypedFunction};
pub use cancellation::{CancellationToken, TokenError};
pub use cells::{Cells, Mutations};
pub use codec::{CodecError, Encode, InfallibleEncode, Type};
pub use context::{Context, ContextError, Delayed};
pub use dispatch::Handler;
pub use egress::{EgressError, EgressMessage, KafkaRecordBuilder, KinesisRecordBuilder};
pub use error::{Error, RequestError};
pub use function::{BoxError, Function, IntoFunctionResult};
pub use message::{Message, MessageError};
pub use messages::{Accepts, MessageTypes, Messages};
pub use outgoing::{OutgoingMessage, OutgoingMessageError};
pub use registry::{Functions, RegistryError};
pub use spec::{Expiration, SpecError, ValueSpec, is_valid_state_name};
pub use state::{State, StateError, StateField};
pub use type_name::{TypeName, TypeNameError};
pub use value::Value;

pub use bytes::Bytes;

#[doc(hidden)]
pub use batch::panic_message;
#[doc(hidden)]
pub use messages::unexpected;

/// The argument roles of `#[statefun::function]` and the variants of
/// `#[derive(statefun::Messages)]`, for their generated code.
#[doc(hidden)]
pub use argument::{
    CatchAll, ContextArgument, MessageArgument, MessageParameter, Variant, message_parameter,
    variant,
};
