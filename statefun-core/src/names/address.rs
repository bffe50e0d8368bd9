//! [`Address`]: one function instance, a function type and an id.

use std::fmt;

use super::TypeName;

/// The identity of one function instance: its function type and an id within that type.
///
/// Building an address never fails: it can hold whatever the runtime sends, and a caller may
/// arrive with an empty id. Sending is what needs a non-empty id: the constructors of
/// [`OutgoingMessage`](crate::OutgoingMessage) and [`Context::reply`](crate::Context::reply)
/// refuse an address whose id is empty ([`AddressError::EmptyId`]). Its function type is a
/// [`TypeName`], whose parts are never empty.
///
/// ```
/// use statefun::{Address, TypeName};
///
/// let bob = Address::new(TypeName::from_static("demo/greeter"), "bob");
/// assert_eq!(bob.to_string(), "demo/greeter/bob");
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Address {
    type_name: TypeName,
    id: String,
}

/// Why an address cannot be the target of a message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AddressError {
    /// The id is empty.
    #[error(
        "cannot send to `{0}` with an empty id: a message goes to one instance of a function type, named by a non-empty id"
    )]
    EmptyId(TypeName),
}

impl Address {
    /// The instance `id` of the function type `type_name`.
    pub fn new(type_name: TypeName, id: impl Into<String>) -> Self {
        Self {
            type_name,
            id: id.into(),
        }
    }

    /// The function type.
    pub fn type_name(&self) -> &TypeName {
        &self.type_name
    }

    /// The instance id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The function type and the id.
    pub(crate) fn into_parts(self) -> (TypeName, String) {
        (self.type_name, self.id)
    }

    /// This address as the target of a message: refused if the id is empty.
    pub(crate) fn into_target(self) -> Result<Self, AddressError> {
        if self.id.is_empty() {
            return Err(AddressError::EmptyId(self.type_name));
        }
        Ok(self)
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.type_name, self.id)
    }
}

impl fmt::Debug for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Address({self})")
    }
}

/// An address still in the bytes it arrived in: the byte ranges of its three parts in a
/// request body, its typename checked already. Made an [`Address`] only when asked for,
/// as the caller of a message usually is not.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct RawAddress {
    pub(crate) namespace: (usize, usize),
    pub(crate) name: (usize, usize),
    pub(crate) id: (usize, usize),
}

impl RawAddress {
    /// The address in `body`, `None` when all three parts are empty (no caller).
    pub(crate) fn to_address(self, body: &[u8]) -> Option<Address> {
        let part = |(start, end): (usize, usize)| {
            std::str::from_utf8(&body[start..end])
                .expect("address parts are UTF-8, checked when decoded")
        };
        if self.namespace.0 == self.namespace.1
            && self.name.0 == self.name.1
            && self.id.0 == self.id.1
        {
            return None;
        }
        let type_name = TypeName::from_parts(part(self.namespace), part(self.name))
            .expect("the address was checked before the batch ran");
        Some(Address::new(type_name, part(self.id)))
    }
}
