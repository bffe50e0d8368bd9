//! Typenames (`namespace/name`) and addresses (typename + id).

use std::{borrow::Cow, fmt, str::FromStr};

use crate::proto::reqreply as pb;

/// The name of a StateFun type: a function type, a value type or an egress, written
/// `namespace/name`.
///
/// Both parts are non-empty and there is exactly one `/`: the runtime fails the job on any
/// other shape, so this type makes other shapes unrepresentable.
///
/// ```
/// use statefun_core::TypeName;
///
/// const GREETER: TypeName = TypeName::from_static("demo/greeter");
/// assert_eq!(GREETER.namespace(), "demo");
/// assert_eq!(GREETER.name(), "greeter");
///
/// let parsed: TypeName = "io.statefun.types/int".parse()?;
/// assert_eq!(parsed.as_str(), "io.statefun.types/int");
/// assert!("no-slash".parse::<TypeName>().is_err());
/// # Ok::<(), statefun_core::TypeNameError>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TypeName {
    full: Cow<'static, str>,
    slash: usize,
}

/// Why a string is not a valid [`TypeName`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TypeNameError {
    /// The string is empty.
    #[error("a typename must not be empty: write `namespace/name`")]
    Empty,
    /// There is no `/`.
    #[error("typename `{0}` has no `/`: write `namespace/name`")]
    MissingSlash(String),
    /// There is more than one `/`.
    #[error(
        "typename `{0}` has more than one `/`: write `namespace/name`, with no `/` in either part"
    )]
    TooManySlashes(String),
    /// Nothing before the `/`.
    #[error("typename `{0}` has an empty namespace: write `namespace/name`")]
    EmptyNamespace(String),
    /// Nothing after the `/`.
    #[error("typename `{0}` has an empty name: write `namespace/name`")]
    EmptyName(String),
}

/// Where the `/` is, or why the string is not a typename; `const` so that
/// [`TypeName::from_static`] checks literals at compile time.
const fn find_slash(s: &str) -> Result<usize, TypeNameErrorKind> {
    let bytes = s.as_bytes();
    if bytes.is_empty() {
        return Err(TypeNameErrorKind::Empty);
    }
    let mut slash = None;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'/' {
            if slash.is_some() {
                return Err(TypeNameErrorKind::TooManySlashes);
            }
            slash = Some(i);
        }
        i += 1;
    }
    match slash {
        None => Err(TypeNameErrorKind::MissingSlash),
        Some(0) => Err(TypeNameErrorKind::EmptyNamespace),
        Some(i) if i + 1 == bytes.len() => Err(TypeNameErrorKind::EmptyName),
        Some(i) => Ok(i),
    }
}

#[derive(Clone, Copy)]
enum TypeNameErrorKind {
    Empty,
    MissingSlash,
    TooManySlashes,
    EmptyNamespace,
    EmptyName,
}

impl TypeNameErrorKind {
    fn into_error(self, input: &str) -> TypeNameError {
        let input = input.to_owned();
        match self {
            Self::Empty => TypeNameError::Empty,
            Self::MissingSlash => TypeNameError::MissingSlash(input),
            Self::TooManySlashes => TypeNameError::TooManySlashes(input),
            Self::EmptyNamespace => TypeNameError::EmptyNamespace(input),
            Self::EmptyName => TypeNameError::EmptyName(input),
        }
    }
}

impl TypeName {
    /// A typename from a string literal, checked at compile time when used in a `const`.
    ///
    /// # Panics
    /// If `s` is not `namespace/name`; in a `const` item that is a compile error.
    ///
    /// ```compile_fail
    /// const BAD: statefun_core::TypeName = statefun_core::TypeName::from_static("no-slash");
    /// ```
    pub const fn from_static(s: &'static str) -> Self {
        match find_slash(s) {
            Ok(slash) => Self {
                full: Cow::Borrowed(s),
                slash,
            },
            Err(TypeNameErrorKind::Empty) => panic!("a typename must not be empty"),
            Err(TypeNameErrorKind::MissingSlash) => panic!("a typename needs one `/`"),
            Err(TypeNameErrorKind::TooManySlashes) => panic!("a typename has exactly one `/`"),
            Err(TypeNameErrorKind::EmptyNamespace) => panic!("a typename's namespace is empty"),
            Err(TypeNameErrorKind::EmptyName) => panic!("a typename's name is empty"),
        }
    }

    /// Parses `namespace/name`.
    pub fn new(s: impl Into<Cow<'static, str>>) -> Result<Self, TypeNameError> {
        let full = s.into();
        match find_slash(&full) {
            Ok(slash) => Ok(Self { full, slash }),
            Err(kind) => Err(kind.into_error(&full)),
        }
    }

    /// A typename from its two parts.
    pub fn from_parts(namespace: &str, name: &str) -> Result<Self, TypeNameError> {
        Self::new(format!("{namespace}/{name}"))
    }

    /// The part before the `/`.
    pub fn namespace(&self) -> &str {
        &self.full[..self.slash]
    }

    /// The part after the `/`.
    pub fn name(&self) -> &str {
        &self.full[self.slash + 1..]
    }

    pub(crate) const fn static_str(&self) -> Option<&'static str> {
        match self.full {
            Cow::Borrowed(s) => Some(s),
            Cow::Owned(_) => None,
        }
    }

    /// The whole typename, `namespace/name`.
    pub fn as_str(&self) -> &str {
        &self.full
    }
}

impl FromStr for TypeName {
    type Err = TypeNameError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s.to_owned())
    }
}

impl TryFrom<&str> for TypeName {
    type Error = TypeNameError;

    fn try_from(s: &str) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl TryFrom<String> for TypeName {
    type Error = TypeNameError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::new(s)
    }
}

impl AsRef<str> for TypeName {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq<str> for TypeName {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for TypeName {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl fmt::Display for TypeName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.full)
    }
}

impl fmt::Debug for TypeName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.full, f)
    }
}

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

    /// Checks an address from the wire without building it: absent or all-empty (a
    /// message from an ingress) is no address; a partial or invalid typename is an error.
    pub(crate) fn check_proto(address: Option<&pb::Address>) -> Result<(), TypeNameError> {
        match address {
            Some(a) if !is_absent(a) => {
                let valid = |part: &str| !part.is_empty() && !part.contains('/');
                if valid(&a.namespace) && valid(&a.r#type) {
                    Ok(())
                } else {
                    TypeName::from_parts(&a.namespace, &a.r#type).map(drop)
                }
            }
            _ => Ok(()),
        }
    }

    /// The address of a wire address that [`Address::check_proto`] accepted.
    pub(crate) fn from_checked_proto(address: &pb::Address) -> Option<Self> {
        if is_absent(address) {
            return None;
        }
        let type_name = TypeName::from_parts(&address.namespace, &address.r#type)
            .expect("the address was checked before the batch ran");
        Some(Self::new(type_name, address.id.clone()))
    }

    /// An address from the wire: `None` when absent or all-empty (a message from an
    /// ingress), an error when only part of the typename is present.
    pub(crate) fn from_proto(address: Option<pb::Address>) -> Result<Option<Self>, TypeNameError> {
        match address {
            None => Ok(None),
            Some(a) if is_absent(&a) => Ok(None),
            Some(a) => Ok(Some(Self {
                type_name: TypeName::from_parts(&a.namespace, &a.r#type)?,
                id: a.id,
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

/// Whether a wire address is all-empty: how the runtime sends "no caller".
fn is_absent(address: &pb::Address) -> bool {
    address.namespace.is_empty() && address.r#type.is_empty() && address.id.is_empty()
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
