//! [`TypeName`]: the name of a StateFun type, `namespace/name`.

use std::{borrow::Cow, fmt, str::FromStr};

/// The name of a StateFun type: a function type, a value type or an egress, written
/// `namespace/name`.
///
/// Both parts are non-empty and there is exactly one `/`: the runtime fails the job on any
/// other shape, so this type makes other shapes unrepresentable.
///
/// ```
/// use statefun::TypeName;
///
/// const GREETER: TypeName = TypeName::from_static("demo/greeter");
/// assert_eq!(GREETER.namespace(), "demo");
/// assert_eq!(GREETER.name(), "greeter");
///
/// let parsed: TypeName = "io.statefun.types/int".parse()?;
/// assert_eq!(parsed.as_str(), "io.statefun.types/int");
/// assert!("no-slash".parse::<TypeName>().is_err());
/// # Ok::<(), statefun::TypeNameError>(())
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
    /// const BAD: statefun::TypeName = statefun::TypeName::from_static("no-slash");
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

    /// Parses `namespace/name`, from any string: a `&str` (copied), a `String` (kept).
    /// For a literal in a `const`, [`TypeName::from_static`] copies nothing and checks it
    /// at compile time.
    ///
    /// ```
    /// use statefun::TypeName;
    ///
    /// fn egress_of(namespace: &str) -> Result<TypeName, statefun::TypeNameError> {
    ///     TypeName::new(format!("{namespace}/notices"))
    /// }
    /// let read = String::from("demo/greeter"); // e.g. from a configuration file
    /// assert_eq!(TypeName::new(read.as_str())?.name(), "greeter");
    /// assert_eq!(egress_of("demo")?.as_str(), "demo/notices");
    /// # Ok::<(), statefun::TypeNameError>(())
    /// ```
    pub fn new(s: impl Into<String>) -> Result<Self, TypeNameError> {
        let full = s.into();
        match find_slash(&full) {
            Ok(slash) => Ok(Self {
                full: Cow::Owned(full),
                slash,
            }),
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

    /// The same typename with a `'static` string, leaked if it was owned, so that clones
    /// copy no bytes. For typenames made once per process (a type's default typename).
    pub(crate) fn leak(self) -> Self {
        let full = match self.full {
            Cow::Borrowed(s) => s,
            Cow::Owned(s) => Box::leak(s.into_boxed_str()),
        };
        Self {
            full: Cow::Borrowed(full),
            slash: self.slash,
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
        Self::new(s)
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
