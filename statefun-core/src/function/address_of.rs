//! Typed addresses: [`AddressOf`] names an instance of a [`TypedFunction`], and
//! [`SendableTo`] lets only the values that function accepts be sent through it.

use std::{fmt, hash, marker::PhantomData, ops::Deref};

use super::Function;
use crate::{
    message::{Accepts, SendableTo},
    names::{Address, TypeName},
};

/// A function whose typename and message type are known at compile time.
/// `#[statefun::function]` implements it; its `address(id)` gives an [`AddressOf`] it.
pub trait TypedFunction: Function {
    /// The function's typename.
    const TYPE_NAME: TypeName;

    /// The function's message parameter: [`Message`](crate::Message), one
    /// [`Type`](crate::Type), or a `#[derive(statefun::Messages)]` enum (a
    /// [`Messages`](crate::Messages) type; not a bound here, so that a wrong parameter type
    /// is reported once, at the parameter).
    type Message;
}

/// The address of one instance of the function `F`, which knows what `F` accepts: a
/// message sent to it ([`Context::send`](crate::Context::send),
/// [`OutgoingMessage::new`](crate::OutgoingMessage::new)) must carry a value of a
/// type `F` takes, or the send does not compile.
///
/// Made by the `address(id)` function that `#[statefun::function]` generates (e.g.
/// `greeter::address("bob")`), or [`AddressOf::new`]. It converts into the untyped
/// [`Address`].
pub struct AddressOf<F> {
    address: Address,
    function: PhantomData<fn() -> F>,
}

impl<F: TypedFunction> AddressOf<F> {
    /// The instance `id` of `F`.
    pub fn new(id: impl Into<String>) -> Self {
        Self {
            address: Address::new(F::TYPE_NAME, id),
            function: PhantomData,
        }
    }
}

impl<F> AddressOf<F> {
    /// The untyped address.
    pub fn address(&self) -> &Address {
        &self.address
    }

    /// The instance id.
    pub fn id(&self) -> &str {
        self.address.id()
    }
}

/// Reads as the untyped [`Address`], e.g. `runtime.state::<i32>(&alice, "seen")`.
impl<F> Deref for AddressOf<F> {
    type Target = Address;

    fn deref(&self) -> &Address {
        &self.address
    }
}

impl<F> From<AddressOf<F>> for Address {
    fn from(typed: AddressOf<F>) -> Self {
        typed.address
    }
}

// By hand, so that they need nothing of `F` (a unit struct without these traits, say).
impl<F> Clone for AddressOf<F> {
    fn clone(&self) -> Self {
        Self {
            address: self.address.clone(),
            function: PhantomData,
        }
    }
}

impl<F> PartialEq for AddressOf<F> {
    fn eq(&self, other: &Self) -> bool {
        self.address == other.address
    }
}

impl<F> Eq for AddressOf<F> {}

impl<F> hash::Hash for AddressOf<F> {
    fn hash<H: hash::Hasher>(&self, state: &mut H) {
        self.address.hash(state);
    }
}

impl<F> fmt::Debug for AddressOf<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("AddressOf").field(&self.address).finish()
    }
}

impl<F> fmt::Display for AddressOf<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.address, f)
    }
}

impl<V: ?Sized, F: TypedFunction> SendableTo<AddressOf<F>> for V where F::Message: Accepts<V> {}
