//! [`Address`]: one function instance, a function type and an id.

use std::fmt;

use crate::{TypeName, TypeNameError, proto::reqreply as pb, request::AddressSpans};

/// The identity of one function instance: its function type and an id within that type.
///
/// Building an address never fails: it can hold whatever the runtime sends, and a caller may
/// arrive with an empty id. Sending is what needs a non-empty id: the constructors of
/// [`OutgoingMessage`](crate::OutgoingMessage) and [`Context::reply`](crate::Context::reply)
/// refuse an address whose id is empty ([`AddressError::EmptyId`]). Its function type is a
/// [`TypeName`], whose parts are never empty.
///
/// ```
/// use statefun_core::{Address, TypeName};
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

    /// Checks an address of the request `body` without building it: absent or all-empty
    /// (a message from an ingress) is no address; a partial or invalid typename is an
    /// error.
    pub(crate) fn check_request(
        body: &[u8],
        address: Option<&AddressSpans>,
    ) -> Result<(), TypeNameError> {
        match address {
            Some(a) if !a.is_absent() => {
                let (namespace, name) = (a.namespace.bytes(body), a.r#type.bytes(body));
                let valid = |part: &[u8]| !part.is_empty() && !part.contains(&b'/');
                if valid(namespace) && valid(name) {
                    Ok(())
                } else {
                    TypeName::from_parts(a.namespace.str(body), a.r#type.str(body)).map(drop)
                }
            }
            _ => Ok(()),
        }
    }

    /// The address of an address of the request `body` that [`Address::check_request`]
    /// accepted.
    pub(crate) fn from_checked_request(body: &[u8], address: &AddressSpans) -> Option<Self> {
        if address.is_absent() {
            return None;
        }
        let type_name = TypeName::from_parts(address.namespace.str(body), address.r#type.str(body))
            .expect("the address was checked before the batch ran");
        Some(Self::new(type_name, address.id.str(body)))
    }

    /// An address of the request `body`: `None` when absent or all-empty (a message from
    /// an ingress), an error when only part of the typename is present.
    pub(crate) fn from_request(
        body: &[u8],
        address: Option<&AddressSpans>,
    ) -> Result<Option<Self>, TypeNameError> {
        match address {
            None => Ok(None),
            Some(a) if a.is_absent() => Ok(None),
            Some(a) => Ok(Some(Self {
                type_name: TypeName::from_parts(a.namespace.str(body), a.r#type.str(body))?,
                id: a.id.str(body).to_owned(),
            })),
        }
    }

    /// This address as the target of a message: refused if the id is empty.
    pub(crate) fn into_target(self) -> Result<Self, AddressError> {
        if self.id.is_empty() {
            return Err(AddressError::EmptyId(self.type_name));
        }
        Ok(self)
    }

    pub(crate) fn into_proto(self) -> pb::Address {
        pb::Address {
            namespace: self.type_name.namespace().to_owned(),
            r#type: self.type_name.name().to_owned(),
            id: self.id,
        }
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
