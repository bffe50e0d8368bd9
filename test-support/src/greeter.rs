//! `demo/greeter` written by hand against the core API (no macros): its state `Seen` (one
//! `int` cell, `seen`), the function, a request for it and the count read from its answer.
//! The greeter of the conformance vectors `a-greeter`, `b-greeter-batch100`,
//! `c-greeter-missing-state` and `h-greeter-empty-state`.

use statefun_core::{BoxError, Context, Function, Message, Permanent, Type, TypeName};

use crate::{
    answer::mutations,
    request::{Batch, typed},
};

/// The greeter's typename.
pub const GREETER: TypeName = TypeName::from_static("demo/greeter");

crate::state! {
    /// `seen: io.statefun.types/int`, never expiring.
    pub struct Seen {
        /// How many messages the greeter counted.
        seen: i32,
    }
}

/// `demo/greeter`: counts in `seen` the string messages it is sent (any other message fails
/// it); fails on the message `fail` ("asked to fail"), fails for good on `permanent` (a
/// `Permanent` error) and panics on `panic` ("asked to panic"), so that a batch can fail or
/// panic half-way.
pub struct Greeter;

impl Function for Greeter {
    type State = Seen;
    fn type_name(&self) -> TypeName {
        GREETER
    }
    async fn invoke(
        &self,
        _: &mut Context,
        state: &mut Seen,
        msg: Message,
    ) -> Result<(), BoxError> {
        match msg.as_str()? {
            "fail" => return Err("asked to fail".into()),
            "permanent" => return Err(Permanent::new("asked to fail for good").into()),
            "panic" => panic!("asked to panic"),
            _ => {}
        }
        state.seen.update(|seen| Some(seen.unwrap_or(0) + 1));
        Ok(())
    }
}

/// A request for `demo/greeter/id` with `seen` holding `seen` (none: no value yet) and one
/// string message per text of `texts`.
pub fn greeting(id: &str, seen: Option<i32>, texts: &[&str]) -> Vec<u8> {
    Batch::to("demo/greeter", id)
        .state("seen", seen.map(|s| typed(&s)))
        .texts_from(None, texts)
        .encode()
}

/// The count in the greeter's answer `body`: its only mutation, `seen`.
///
/// # Panics
///
/// If `body` is not an invocation result whose only mutation is `seen`.
pub fn seen_in(body: &[u8]) -> i32 {
    let mutations = mutations(body);
    assert_eq!(mutations.len(), 1, "{mutations:?}");
    assert_eq!(mutations[0].0, "seen");
    <i32 as Type>::decode(mutations[0].1.clone()).unwrap()
}
