//! `demo/fragile`: a function whose state codec panics, to test that one panic boundary
//! covers the state's decoding and encoding as well as the function. Its state `note` is a
//! `Fragile` (typename `demo/fragile-note`) whose decoding panics on the bytes
//! `panic-on-decode` and whose encoding panics on the text `panic-on-encode`; the function
//! stores each string message it gets.

use statefun_core::{BoxError, Bytes, CodecError, Context, Function, Message, Type, TypeName};

/// The function's typename.
pub const FRAGILE: TypeName = TypeName::from_static("demo/fragile");

/// The note: text whose codec panics on `panic-on-decode` and `panic-on-encode`.
pub struct Fragile(pub String);

impl Type for Fragile {
    fn type_name() -> TypeName {
        TypeName::from_static("demo/fragile-note")
    }
    fn encode(&self) -> Result<Bytes, CodecError> {
        assert_ne!(self.0, "panic-on-encode", "the codec panicked on encode");
        Ok(Bytes::from(self.0.clone()))
    }
    fn decode(bytes: Bytes) -> Result<Self, CodecError> {
        assert_ne!(
            &bytes[..],
            b"panic-on-decode",
            "the codec panicked on decode"
        );
        Ok(Fragile(String::from_utf8_lossy(&bytes).into_owned()))
    }
}

crate::state! {
    /// `note: demo/fragile-note`, never expiring.
    pub struct FragileState {
        /// The last string message.
        note: Fragile,
    }
}

/// `demo/fragile`: stores each string message it gets in `note`.
pub struct FragileFunction;

impl Function for FragileFunction {
    type State = FragileState;
    fn type_name(&self) -> TypeName {
        FRAGILE
    }
    async fn invoke(
        &self,
        _: &mut Context,
        state: &mut FragileState,
        msg: Message,
    ) -> Result<(), BoxError> {
        state.note.set(Fragile(msg.as_string()?));
        Ok(())
    }
}
