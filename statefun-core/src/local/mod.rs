//! A local runtime: plays the StateFun runtime's part in-process, through the real
//! protocol, so functions can be run and tested without a Flink cluster.
//!
//! It keeps state per address, learns value specs through `IncompleteInvocationContext`
//! (register, then resend the same invocations), applies mutations with the runtime's
//! rules, routes messages with per-address order, batches the messages that arrive while
//! a request for an address is in flight, fires delayed messages and expires state on a
//! virtual clock, and captures egress records.
//!
//! ```
//! # use statefun::{BoxError, Context, Function, Functions, Message, TypeName, Address};
//! # use statefun::local::LocalRuntime;
//! # struct Echo;
//! # impl Function for Echo {
//! #     type State = ();
//! #     fn type_name(&self) -> TypeName { TypeName::from_static("demo/echo") }
//! #     async fn invoke(&self, _: &mut Context, _: &mut (), _: Message) -> Result<(), BoxError> { Ok(()) }
//! # }
//! # tokio_test_block_on(async {
//! let mut runtime = LocalRuntime::new(Functions::new().with(Echo));
//! runtime.send(Address::new(TypeName::from_static("demo/echo"), "a"), "hi")?;
//! let report = runtime.run_until_quiescent().await?;
//! assert_eq!(report.requests, 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # }).unwrap();
//! # fn tokio_test_block_on<F: std::future::Future>(f: F) -> F::Output {
//! #     futures_util::FutureExt::now_or_never(f).expect("the in-process runtime never waits")
//! # }
//! ```

// `LocalError` is large, but it ends a run; it is never on a hot path.
#![allow(clippy::result_large_err)]

mod apply;
mod error;
mod faults;
mod metadata;
#[cfg(feature = "module")]
mod module;
mod read_error;
mod records;
mod request;
mod runtime;
mod snapshot;
mod state;
mod store;
mod stubs;
mod transport;

pub use error::{InvalidResponse, InvalidSpec, LocalError};
pub use faults::Faults;
pub use read_error::StateReadError;
pub use records::{BatchRecord, EgressRecord, KafkaRecord, KinesisRecord, RunReport, StateEntry};
pub use runtime::LocalRuntime;
pub use snapshot::Snapshot;
pub use stubs::SentMessage;
pub use transport::Transport;
