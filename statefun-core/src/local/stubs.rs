//! Functions that live elsewhere: messages to them captured ([`LocalRuntime::with_captured`],
//! [`LocalRuntime::take_sent`]) or answered by a stub the test writes
//! ([`LocalRuntime::with_stub`]).

use super::metadata::Queued;
use bytes::Bytes;

use super::LocalRuntime;
use crate::{
    codec::{CodecError, Type},
    message::OutgoingMessage,
    names::{Address, TypeName},
    proto::reqreply as pb,
    wire::convert::address_proto,
};

/// A message to a function this runtime does not host, as sent.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SentMessage {
    /// Where it went.
    pub target: Address,
    /// Who sent it: `None` from the test or an ingress.
    pub caller: Option<Address>,
    /// Its typename.
    pub type_name: String,
    /// Its value bytes.
    pub value: Bytes,
}

impl SentMessage {
    /// The value as a `T`: an error if the typename is not `T`'s or the bytes do not
    /// decode.
    pub fn value_as<T: Type>(&self) -> Result<T, CodecError> {
        let expected = T::type_name();
        if expected != *self.type_name {
            return Err(CodecError::Custom(
                format!("the message is a `{}`, not a `{expected}`", self.type_name).into(),
            ));
        }
        T::decode(self.value.clone())
    }
}

/// What answers a stubbed function: each message it gets, and the messages it sends back
/// (from the stubbed address; `ctx.reply`'s equivalent is a message to `message.caller`).
pub(super) type Stub = Box<dyn FnMut(&SentMessage) -> Vec<OutgoingMessage> + Send>;

/// Which function types are not hosted here but stand-ins: their messages captured, or
/// answered by a stub.
#[derive(Default)]
pub(super) struct StandIns {
    /// `ns/name` or `ns/*`, and the stub, if any.
    pub(super) entries: Vec<(String, Option<Stub>)>,
    pub(super) sent: Vec<SentMessage>,
}

impl StandIns {
    /// The index of the stand-in for `function`, the exact one first.
    fn find(&self, function: &TypeName) -> Option<usize> {
        let exact = self
            .entries
            .iter()
            .position(|(pattern, _)| pattern == function.as_str());
        exact.or_else(|| {
            self.entries
                .iter()
                .position(|(pattern, _)| pattern.strip_suffix("/*") == Some(function.namespace()))
        })
    }
}

impl LocalRuntime {
    /// Captures the messages to `functions` (`namespace/name`, or `namespace/*` for a whole
    /// namespace) instead of delivering them: functions served by another service, in
    /// another language, that this test does not run. Read them with
    /// [`LocalRuntime::take_sent`]. Messages to any other function this runtime does not
    /// host still fail the run.
    ///
    /// ```
    /// use statefun::{BoxError, Context, Functions, TypeName, local::LocalRuntime};
    ///
    /// const MAILER: TypeName = TypeName::from_static("mail/sender");
    ///
    /// #[statefun::function(typename = "demo/signup")]
    /// fn signup(ctx: &mut Context, email: String) -> Result<(), BoxError> {
    ///     ctx.send(statefun::Address::new(MAILER, "welcome"), &email)?;
    ///     Ok(())
    /// }
    ///
    /// # futures_util::FutureExt::now_or_never(async {
    /// let mut runtime = LocalRuntime::new(Functions::new().with(signup)).with_captured("mail/*");
    /// runtime.send(signup::address("u1"), "ann@example.com")?;
    /// runtime.run_until_quiescent().await?;
    /// let sent = runtime.take_sent(&MAILER);
    /// assert_eq!(sent[0].value_as::<String>()?, "ann@example.com");
    /// assert_eq!(sent[0].caller, Some(signup::address("u1").into()));
    /// # Ok::<(), BoxError>(())
    /// # }).unwrap()?;
    /// # Ok::<(), BoxError>(())
    /// ```
    pub fn with_captured(mut self, functions: impl Into<String>) -> Self {
        self.stand_ins.entries.push((functions.into(), None));
        self
    }

    /// Answers the messages to `function` with `stub`, which gets each message (also kept
    /// for [`LocalRuntime::take_sent`]) and returns the messages the function would send,
    /// delivered with the stubbed address as their caller.
    ///
    /// ```
    /// use statefun::{Address, BoxError, Context, Functions, OutgoingMessage, TypeName, local::LocalRuntime};
    ///
    /// const PRICES: TypeName = TypeName::from_static("pricing/quote");
    ///
    /// /// Asks the pricing service, and keeps the price it answers.
    /// #[statefun::function(typename = "shop/item")]
    /// fn item(ctx: &mut Context, state: &mut Priced, msg: statefun::Message) -> Result<(), BoxError> {
    ///     if msg.is::<String>() {
    ///         ctx.send(Address::new(PRICES, ctx.self_address().id()), "quote")?;
    ///     } else {
    ///         state.price.set(msg.decode::<i64>()?);
    ///     }
    ///     Ok(())
    /// }
    /// # #[derive(statefun::StateSpec)]
    /// # struct Priced { price: statefun::Value<i64> }
    ///
    /// # futures_util::FutureExt::now_or_never(async {
    /// let mut runtime = LocalRuntime::new(Functions::new().with(item)).with_stub(PRICES, |message| {
    ///     // The pricing service answers its caller with 250.
    ///     vec![OutgoingMessage::new(message.caller.clone().unwrap(), &250i64).unwrap()]
    /// });
    /// runtime.send(item::address("socks"), "price?")?;
    /// runtime.run_until_quiescent().await?;
    /// assert_eq!(runtime.state::<i64>(&item::address("socks"), "price")?, Some(250));
    /// # Ok::<(), BoxError>(())
    /// # }).unwrap()?;
    /// # Ok::<(), BoxError>(())
    /// ```
    pub fn with_stub(
        mut self,
        function: TypeName,
        stub: impl FnMut(&SentMessage) -> Vec<OutgoingMessage> + Send + 'static,
    ) -> Self {
        self.stand_ins
            .entries
            .push((function.as_str().to_owned(), Some(Box::new(stub))));
        self
    }

    /// Removes and returns the messages captured for `function` (a function
    /// [`with_captured`](LocalRuntime::with_captured) or
    /// [`with_stub`](LocalRuntime::with_stub) names), in send order.
    pub fn take_sent(&mut self, function: &TypeName) -> Vec<SentMessage> {
        let (taken, kept) = std::mem::take(&mut self.stand_ins.sent)
            .into_iter()
            .partition(|message| message.target.type_name() == function);
        self.stand_ins.sent = kept;
        taken
    }

    /// Whether `function` is a stand-in here.
    pub(super) fn is_stand_in(&self, function: &TypeName) -> bool {
        self.stand_ins.find(function).is_some()
    }

    /// Records the batch for the stand-in of `target`, and delivers what its stub answers.
    pub(super) fn stand_in(&mut self, target: &Address, invocations: Vec<Queued>) {
        let Some(index) = self.stand_ins.find(target.type_name()) else {
            return;
        };
        for Queued { invocation, .. } in invocations {
            let argument = invocation.argument.unwrap_or_default();
            let message = SentMessage {
                target: target.clone(),
                caller: invocation.caller.and_then(|caller| {
                    let type_name = TypeName::from_parts(&caller.namespace, &caller.r#type).ok()?;
                    Some(Address::new(type_name, caller.id))
                }),
                type_name: argument.typename,
                value: argument.value,
            };
            let answers = match &mut self.stand_ins.entries[index].1 {
                Some(stub) => stub(&message),
                None => Vec::new(),
            };
            self.stand_ins.sent.push(message);
            for answer in answers {
                let (to, type_name, value) = answer.into_parts();
                let argument = pb::TypedValue {
                    typename: type_name.as_str().to_owned(),
                    has_value: true,
                    value,
                };
                self.deliver(
                    to,
                    Some(address_proto(target.clone())),
                    argument,
                    Bytes::new(),
                );
            }
        }
    }
}
