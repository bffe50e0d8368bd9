//! Stateless functions that never succeed: `demo/fail` returns an error, `demo/panic` panics,
//! each with a fixed text that the tests look for in the answer or the log.

use statefun_core::{BoxError, Context, Function, Message, TypeName};

/// `demo/fail`: fails every invocation with the error "the cart is on fire".
pub struct Fail;

impl Function for Fail {
    type State = ();
    fn type_name(&self) -> TypeName {
        TypeName::from_static("demo/fail")
    }
    async fn invoke(&self, _: &mut Context, _: &mut (), _: Message) -> Result<(), BoxError> {
        Err("the cart is on fire".into())
    }
}

/// `demo/panic`: panics in every invocation with the message "boom at the cart".
pub struct Panic;

impl Function for Panic {
    type State = ();
    fn type_name(&self) -> TypeName {
        TypeName::from_static("demo/panic")
    }
    async fn invoke(&self, _: &mut Context, _: &mut (), _: Message) -> Result<(), BoxError> {
        panic!("boom at the cart")
    }
}
