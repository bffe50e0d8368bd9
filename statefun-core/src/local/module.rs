//! A run driven by the application's module.yaml: records fed through its ingresses
//! ([`LocalRuntime::ingest`]), and egresses checked against the ones it declares.

use super::LocalRuntime;
use crate::module::{IngressRecord, Module, RouteError};

impl LocalRuntime {
    /// Runs as the application's `module` says: [`LocalRuntime::ingest`] routes records
    /// through its ingresses, and, when the module declares egresses, a run that sends to
    /// one it does not declare fails with
    /// [`LocalError::UndeclaredEgress`](super::LocalError::UndeclaredEgress), as the StateFun
    /// runtime fails the job. (A module without egresses, such as the endpoints-only one
    /// `Functions::module_yaml` writes, leaves egresses unchecked: they may be bound
    /// elsewhere, by a Java module say.) The module's endpoints are not used: the
    /// functions are the ones this runtime was built with; `statefun::remote` builds a
    /// runtime that calls the endpoints.)
    ///
    /// ```
    /// use statefun::{BoxError, Context, Functions, local::LocalRuntime};
    /// use statefun::module::{IngressRecord, Module};
    ///
    /// #[statefun::function(typename = "demo/greeter")]
    /// fn greeter(_: &mut Context, state: &mut Seen, name: String) {
    ///     let _ = name;
    ///     state.seen.update(|n| Some(n.unwrap_or(0) + 1));
    /// }
    /// # #[derive(statefun::StateSpec)]
    /// # struct Seen { seen: statefun::Value<i32> }
    ///
    /// let module = Module::parse(
    ///     "kind: io.statefun.kafka.v1/ingress
    /// spec:
    ///   id: demo/names
    ///   address: kafka:9092
    ///   topics:
    ///     - topic: names
    ///       valueType: io.statefun.types/string
    ///       targets:
    ///         - demo/greeter
    /// ",
    /// )?;
    /// # futures_util::FutureExt::now_or_never(async {
    /// let mut runtime = LocalRuntime::new(Functions::new().with(greeter)).with_module(module);
    /// // The record's key names the instance; its value is the bytes a producer writes.
    /// let value = statefun::Type::encode(&"Alice".to_owned())?;
    /// runtime.ingest(&IngressRecord::kafka("names", "alice", value))?;
    /// runtime.run_until_quiescent().await?;
    /// assert_eq!(runtime.state::<i32>(&greeter::address("alice"), "seen")?, Some(1));
    /// # Ok::<(), BoxError>(())
    /// # }).unwrap()?;
    /// # Ok::<(), BoxError>(())
    /// ```
    pub fn with_module(mut self, module: Module) -> Self {
        if !module.egresses().is_empty() {
            self.declared_egresses = Some(module.egresses().iter().map(|e| e.id.clone()).collect());
        }
        self.module = Some(module);
        self
    }

    /// Sends `record` as the module's ingresses would ([`Module::route`]): to every target
    /// of every ingress route that reads its topic or stream, at the instance its key names.
    /// Returns how many messages it sent; run them with
    /// [`LocalRuntime::run_until_quiescent`]. An error, and nothing sent, if no ingress
    /// reads the topic (or no module was given: [`LocalRuntime::with_module`]) or the key
    /// is empty.
    pub fn ingest(&mut self, record: &IngressRecord) -> Result<usize, RouteError> {
        let empty = Module::default();
        let messages = self.module.as_ref().unwrap_or(&empty).route(record)?;
        let sent = messages.len();
        for message in messages {
            self.send_message(message);
        }
        Ok(sent)
    }

    /// The module this runtime runs ([`LocalRuntime::with_module`]).
    pub fn module(&self) -> Option<&Module> {
        self.module.as_ref()
    }
}
