//! Every diagnostic the macros emit ([`Mistake`]), and the collector ([`Errors`]) that
//! combines them so that one expansion reports all mistakes, each at its own token.

use std::fmt;

use proc_macro2::{Span, TokenStream};
use quote::ToTokens;

/// Collects errors; each is reported at the tokens it was pushed with.
#[derive(Default)]
pub(crate) struct Errors {
    combined: Option<syn::Error>,
}

impl Errors {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// Reports `mistake` at `tokens`.
    pub(crate) fn push(&mut self, tokens: impl ToTokens, mistake: Mistake) {
        self.push_error(syn::Error::new_spanned(tokens, mistake));
    }

    /// Reports `mistake` at `span`.
    pub(crate) fn push_at(&mut self, span: Span, mistake: Mistake) {
        self.push_error(syn::Error::new(span, mistake));
    }

    /// Reports an error from syn (a parse error, already at its token).
    pub(crate) fn push_error(&mut self, error: syn::Error) {
        match &mut self.combined {
            Some(combined) => combined.combine(error),
            None => self.combined = Some(error),
        }
    }

    /// Whether anything was reported.
    pub(crate) fn any(&self) -> bool {
        self.combined.is_some()
    }

    /// `Ok` if nothing was reported, else all errors as `compile_error!` invocations.
    pub(crate) fn finish(self) -> Result<(), TokenStream> {
        match self.combined {
            None => Ok(()),
            Some(error) => Err(error.to_compile_error()),
        }
    }
}

/// Which macro an attribute key belongs to, for the "valid keys" list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Site {
    /// `#[statefun::function(...)]`
    Function,
    /// `#[state(...)]` on a `#[derive(StateSpec)]` struct.
    StateStruct,
    /// `#[state(...)]` on a field of a `#[derive(StateSpec)]` struct.
    StateField,
    /// `#[statefun(...)]` on a `#[derive(statefun::Type)]` type.
    Type,
    /// `#[statefun(...)]` on a `#[derive(statefun::Messages)]` enum.
    Messages,
    /// `#[statefun(...)]` on a variant of a `#[derive(statefun::Messages)]` enum.
    MessageVariant,
}

impl Site {
    fn attribute(self) -> &'static str {
        match self {
            Self::Function => "#[statefun::function(...)]",
            Self::StateStruct | Self::StateField => "#[state(...)]",
            Self::Type | Self::Messages | Self::MessageVariant => "#[statefun(...)]",
        }
    }

    fn key_names(self) -> &'static [&'static str] {
        match self {
            Self::Function => &["typename", "crate"],
            Self::StateStruct => &["crate"],
            Self::StateField => &["name", "expire_after_call", "expire_after_write"],
            Self::Type => &["json", "protobuf", "raw", "typename", "crate"],
            Self::Messages => &["crate"],
            Self::MessageVariant => &["other"],
        }
    }

    /// The valid key `key` was probably meant to be (a small edit away).
    fn closest_key(self, key: &str) -> Option<&'static str> {
        self.key_names()
            .iter()
            .map(|valid| (strsim::levenshtein(key, valid), *valid))
            .filter(|(distance, valid)| *distance <= 2.max(valid.len() / 4))
            .min_by_key(|(distance, _)| *distance)
            .map(|(_, valid)| valid)
    }

    fn keys(self) -> &'static str {
        match self {
            Self::Function => "`typename = \"namespace/name\"`, `crate = \"path\"`",
            Self::StateStruct => {
                "`crate = \"path\"` (on the struct; `name` and the expirations go on fields)"
            }
            Self::StateField => {
                "`name = \"state_name\"`, `expire_after_call = \"10m\"`, `expire_after_write = \"1h30m\"`"
            }
            Self::Type => {
                "`json`, `protobuf`, `raw`, `typename = \"namespace/Name\"`, `crate = \"path\"`"
            }
            Self::Messages => "`crate = \"path\"` (on the enum; `other` goes on a variant)",
            Self::MessageVariant => {
                "`other` (the catch-all variant, holding a `statefun::Message`)"
            }
        }
    }
}

/// Why a typename literal is invalid (the rules of `statefun::TypeName`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum TypeNameMistake {
    Empty,
    MissingSlash,
    TooManySlashes,
    EmptyNamespace,
    EmptyName,
}

/// Why a duration literal is invalid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum DurationMistake {
    Empty,
    ExpectedNumber(char),
    MissingUnit(String),
    UnknownUnit(String),
    TooLong,
    Zero,
}

/// One mistake in a macro input; its `Display` is the compiler message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Mistake {
    // Attribute syntax.
    UnknownKey {
        site: Site,
        key: String,
    },
    DuplicateKey(String),
    ExpectedString(&'static str),
    FlagWithValue(&'static str),
    InvalidCratePath,

    // Typenames.
    MissingTypeName,
    PositionalTypeName(String),
    InvalidTypeName {
        value: String,
        mistake: TypeNameMistake,
    },

    // `#[statefun::function]`.
    NotAFunction,
    Receiver,
    Unsafe,
    Extern,
    Variadic,
    GenericFunction,
    ArgumentCount(usize),
    ExtraArgument,
    ImplTraitArgument,
    WrongState,
    ArgumentOrder,
    StateNotMut(String),
    MessageByReference,

    // `#[derive(StateSpec)]`.
    StateEnum,
    StateUnion,
    StateTupleStruct,
    StateUnitStruct,
    GenericState,
    InvalidStateName {
        name: String,
        renamed: bool,
    },
    DuplicateStateName {
        name: String,
        first: String,
    },
    BothExpirations,
    InvalidDuration {
        value: String,
        mistake: DurationMistake,
    },

    // `#[derive(Type)]`.
    MissingCodec,
    TwoCodecs {
        first: &'static str,
    },
    CodecNeedsTypeName(&'static str),
    RawNotNewtype,
    GenericType,

    // `#[derive(Messages)]`.
    MessagesNotEnum,
    NoMessageVariants,
    VariantNotNewtype(String),
    DuplicateVariantType {
        ty: String,
        first: String,
    },
    TwoCatchAlls {
        first: String,
    },
    GenericMessages,
}

impl fmt::Display for Mistake {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnknownKey { site, key } => {
                write!(f, "unknown key `{key}` in `{}`: ", site.attribute())?;
                if let Some(closest) = site.closest_key(key) {
                    write!(f, "did you mean `{closest}`? ")?;
                }
                write!(f, "the valid keys are {}", site.keys())
            }
            Self::DuplicateKey(key) => {
                write!(f, "duplicate key `{key}`: it is set already; remove one")
            }
            Self::ExpectedString(key) => {
                write!(f, "expected a string literal: `{key} = \"...\"`")
            }
            Self::FlagWithValue(key) => {
                write!(f, "`{key}` takes no value: write just `{key}`")
            }
            Self::InvalidCratePath => write!(
                f,
                "`crate` must be a path to the `statefun` facade crate, e.g. `crate = \"my_statefun\"`"
            ),

            Self::MissingTypeName => write!(
                f,
                "missing typename: write `#[statefun::function(typename = \"namespace/name\")]`"
            ),
            Self::PositionalTypeName(value) => write!(
                f,
                "name the key: `#[statefun::function(typename = \"{value}\")]`"
            ),
            Self::InvalidTypeName { value, mistake } => match mistake {
                TypeNameMistake::Empty => {
                    write!(f, "the typename is empty: write `\"namespace/name\"`")
                }
                TypeNameMistake::MissingSlash => write!(
                    f,
                    "typename `{value}` has no `/`: write `\"namespace/name\"`, e.g. `\"demo/{value}\"`"
                ),
                TypeNameMistake::TooManySlashes => write!(
                    f,
                    "typename `{value}` has more than one `/`: write `\"namespace/name\"` with exactly one `/` (use `.` inside the namespace, e.g. `\"com.example/greeter\"`)"
                ),
                TypeNameMistake::EmptyNamespace => write!(
                    f,
                    "typename `{value}` has an empty namespace: write `\"namespace/name\"`"
                ),
                TypeNameMistake::EmptyName => write!(
                    f,
                    "typename `{value}` has an empty name: write `\"namespace/name\"`"
                ),
            },

            Self::NotAFunction => write!(
                f,
                "`#[statefun::function]` goes on a free `fn` or `async fn`"
            ),
            Self::Receiver => write!(
                f,
                "a StateFun function is a free function, not a method: remove `self`"
            ),
            Self::Unsafe => write!(f, "a StateFun function cannot be `unsafe`"),
            Self::Extern => write!(f, "a StateFun function cannot be `extern`"),
            Self::Variadic => write!(f, "a StateFun function cannot be variadic"),
            Self::GenericFunction => write!(
                f,
                "a StateFun function cannot be generic: the runtime calls it with one concrete state type"
            ),
            Self::ArgumentCount(n) => write!(
                f,
                "a StateFun function takes 2 or 3 arguments, not {n}: `(ctx: &mut Context, msg: Message)` or `(ctx: &mut Context, state: &mut MyState, msg: Message)`"
            ),
            Self::ExtraArgument => write!(
                f,
                "unexpected argument: a StateFun function takes `(ctx: &mut Context, state: &mut MyState, msg: Message)`; put further state in the state struct"
            ),
            Self::ImplTraitArgument => write!(
                f,
                "a StateFun function cannot be generic: write the concrete type, `ctx: &mut Context`, `state: &mut MyState` or `msg: Message`"
            ),
            Self::WrongState => write!(
                f,
                "the middle argument is the state: `state: &mut MyState`, where `MyState` has `#[derive(StateSpec)]`"
            ),
            Self::ArgumentOrder => write!(
                f,
                "the arguments are out of order: the context comes first and the message last, `(ctx: &mut Context, msg: Message)` or `(ctx: &mut Context, state: &mut MyState, msg: Message)`"
            ),
            Self::StateNotMut(ty) => {
                write!(f, "take the state by mutable reference: `state: &mut {ty}`")
            }
            Self::MessageByReference => write!(
                f,
                "the last argument is the message, taken by value: `msg: Message`, not a reference"
            ),

            Self::StateEnum => write!(
                f,
                "`#[derive(StateSpec)]` needs a struct with named fields, not an enum: `struct MyState {{ seen: Value<i32> }}`"
            ),
            Self::StateUnion => write!(
                f,
                "`#[derive(StateSpec)]` needs a struct with named fields, not a union: `struct MyState {{ seen: Value<i32> }}`"
            ),
            Self::StateTupleStruct => write!(
                f,
                "`#[derive(StateSpec)]` needs named fields (each field name is a state name): `struct MyState {{ seen: Value<i32> }}`"
            ),
            Self::StateUnitStruct => write!(
                f,
                "`#[derive(StateSpec)]` needs named fields, one per state value: `struct MyState {{ seen: Value<i32> }}`; a stateless function takes no state argument"
            ),
            Self::GenericState => write!(
                f,
                "generic state structs are not supported: each state value has one concrete type, e.g. `Value<i32>`"
            ),
            Self::InvalidStateName { name, .. } if name.is_empty() => write!(
                f,
                "the state name is empty: use ASCII letters, digits and `_`, not starting with a digit"
            ),
            Self::InvalidStateName { name, renamed } => {
                let suggestion = suggest_state_name(name);
                if *renamed {
                    write!(
                        f,
                        "invalid state name `{name}`: use ASCII letters, digits and `_`, not starting with a digit, e.g. `name = \"{suggestion}\"`"
                    )
                } else {
                    write!(
                        f,
                        "field `{name}` is not a valid state name (ASCII letters, digits and `_`, not starting with a digit): rename the field or add `#[state(name = \"{suggestion}\")]`"
                    )
                }
            }
            Self::DuplicateStateName { name, first } => write!(
                f,
                "state name `{name}` is already used by field `{first}`: give one of them another `#[state(name = \"...\")]`"
            ),
            Self::BothExpirations => write!(
                f,
                "a state expires either after call or after write, not both: keep `expire_after_call` or `expire_after_write`"
            ),
            Self::InvalidDuration { value, mistake } => match mistake {
                DurationMistake::Empty => write!(
                    f,
                    "empty duration: write e.g. `\"10m\"`, `\"1h30m\"` or `\"1500ms\"` (units: ms, s, m, h, d)"
                ),
                DurationMistake::ExpectedNumber(c) => write!(
                    f,
                    "invalid duration `{value}`: expected a number before `{c}`; write e.g. `\"10m\"`, `\"1h30m\"` or `\"1500ms\"` (units: ms, s, m, h, d)"
                ),
                DurationMistake::MissingUnit(n) => write!(
                    f,
                    "invalid duration `{value}`: `{n}` has no unit; write e.g. `\"{n}s\"` (units: ms, s, m, h, d)"
                ),
                DurationMistake::UnknownUnit(unit) => write!(
                    f,
                    "invalid duration `{value}`: unknown unit `{unit}`; use ms, s, m, h or d, e.g. `\"1h30m\"`"
                ),
                DurationMistake::TooLong => {
                    write!(f, "duration `{value}` is too long: use at most a few years")
                }
                DurationMistake::Zero => write!(
                    f,
                    "duration `{value}` is zero: a state cannot expire after 0 ms; use at least `\"1ms\"`, or remove the expiration to keep the state until deleted"
                ),
            },

            Self::MissingCodec => write!(
                f,
                "choose a codec: `#[statefun(json, typename = \"namespace/Name\")]` (serde), `#[statefun(protobuf)]` (prost) or `#[statefun(raw, typename = \"namespace/name\")]` (a newtype around bytes)"
            ),
            Self::TwoCodecs { first } => write!(
                f,
                "a type has exactly one codec, and `{first}` is chosen already: remove one"
            ),
            Self::CodecNeedsTypeName(codec) => write!(
                f,
                "`{codec}` needs a typename: `#[statefun({codec}, typename = \"namespace/Name\")]`"
            ),
            Self::RawNotNewtype => write!(
                f,
                "`raw` types are newtypes around bytes: `struct Blob(Bytes);` or `struct Blob(Vec<u8>);`"
            ),
            Self::GenericType => write!(
                f,
                "`#[derive(statefun::Type)]` does not support generic types: a StateFun type has one typename; derive it for a concrete type"
            ),

            Self::MessagesNotEnum => write!(
                f,
                "`#[derive(statefun::Messages)]` needs an enum with one variant per message type, e.g. `enum CartMessage {{ Add(AddItem), Clear(Clear) }}`; a function taking one type takes it directly, `msg: AddItem`"
            ),
            Self::NoMessageVariants => write!(
                f,
                "an enum of messages needs at least one variant, e.g. `Add(AddItem)`"
            ),
            Self::VariantNotNewtype(variant) => write!(
                f,
                "variant `{variant}` holds its message, one value of a StateFun type: write `{variant}(MyType)`"
            ),
            Self::DuplicateVariantType { ty, first } => write!(
                f,
                "`{ty}` is the type of variant `{first}` already: a message's typename decides its variant, so each type goes in one variant"
            ),
            Self::TwoCatchAlls { first } => write!(
                f,
                "variant `{first}` is the catch-all already: an enum has at most one `#[statefun(other)]` variant"
            ),
            Self::GenericMessages => write!(
                f,
                "`#[derive(statefun::Messages)]` does not support generic enums: a function accepts concrete types; derive it for an enum without type parameters"
            ),
        }
    }
}

/// A valid state name close to `name`: each run of other characters becomes one `_`, and
/// a leading digit gets a `_` before it.
pub(crate) fn suggest_state_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 1);
    for c in name.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            out.push(c);
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    out
}
