//! The service under test: what it serves, with which limits, at which path.

use std::time::Duration;

use statefun_core::{BoxError, Context, Function, Functions, Message, TypeName};

use crate::greeter::Greeter;

/// The body limit of the server under test.
pub const LIMIT: usize = 1 << 20;
/// Its time limit.
pub const TIMEOUT: Duration = Duration::from_secs(1);
/// The path it answers on.
pub const PATH: &str = "/statefun";

/// `demo/sleeper`: never returns.
pub struct Sleeper;

impl Function for Sleeper {
    type State = ();
    fn type_name(&self) -> TypeName {
        TypeName::from_static("demo/sleeper")
    }
    async fn invoke(&self, _: &mut Context, _: &mut (), _: Message) -> Result<(), BoxError> {
        std::future::pending::<()>().await;
        Ok(())
    }
}

/// What the server under test serves: `demo/greeter` ([`Greeter`]) and `demo/sleeper`
/// ([`Sleeper`]).
pub fn functions() -> Functions {
    Functions::new().with(Greeter).with(Sleeper)
}
