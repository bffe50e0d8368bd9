//! Checks of the values inside the attributes, done at compile time so that the runtime
//! never sees an invalid typename, state name or expiration: each mistake is reported at
//! its literal. The output is what `expand` needs, resolved (names, milliseconds).

use std::collections::HashMap;

use proc_macro2::Span;
use syn::{Ident, LitStr, Path, Type, ext::IdentExt, parse_quote};

use crate::{
    ast::{Function, MessageVariant, MessagesEnum, StateStruct, TypeInput},
    attr::{Codec, Slot},
    errors::{DurationMistake, Errors, Mistake, TypeNameMistake},
};

/// The default path of the facade crate in generated code.
fn default_crate() -> Path {
    parse_quote!(::statefun)
}

/// The path of the facade crate: the `crate = "..."` key's, or the default; `None` if the
/// key was written with an invalid path (reported), so that nothing can name the crate.
pub(crate) fn crate_path(krate: &Slot<Path>) -> Option<Path> {
    match krate.get() {
        Some(path) => Some(path.clone()),
        None if krate.is_written() => None,
        None => Some(default_crate()),
    }
}

/// Whether `s` is `namespace/name` with both parts non-empty (the rules of
/// `statefun::TypeName`).
pub(crate) fn type_name(s: &str) -> Result<(), TypeNameMistake> {
    if s.is_empty() {
        return Err(TypeNameMistake::Empty);
    }
    let mut parts = s.split('/');
    let namespace = parts.next().unwrap_or_default();
    let Some(name) = parts.next() else {
        return Err(TypeNameMistake::MissingSlash);
    };
    if parts.next().is_some() {
        return Err(TypeNameMistake::TooManySlashes);
    }
    if namespace.is_empty() {
        return Err(TypeNameMistake::EmptyNamespace);
    }
    if name.is_empty() {
        return Err(TypeNameMistake::EmptyName);
    }
    Ok(())
}

fn check_type_name(lit: &LitStr, errors: &mut Errors) -> bool {
    match type_name(&lit.value()) {
        Ok(()) => true,
        Err(mistake) => {
            errors.push(
                lit,
                Mistake::InvalidTypeName {
                    value: lit.value(),
                    mistake,
                },
            );
            false
        }
    }
}

/// Whether `name` matches `^[A-Za-z_][A-Za-z0-9_]*$` (the core's `is_valid_state_name`).
pub(crate) fn state_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A duration such as `"10m"`, `"1h30m"` or `"1500ms"` in milliseconds: one or more
/// `<number><unit>` parts (units ms, s, m, h, d), optionally separated by spaces.
pub(crate) fn duration_millis(s: &str) -> Result<u64, DurationMistake> {
    let mut rest = s.trim_start();
    if rest.is_empty() {
        return Err(DurationMistake::Empty);
    }
    let mut total: u64 = 0;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        if digits == 0 {
            let c = rest.chars().next().unwrap_or(' ');
            return Err(DurationMistake::ExpectedNumber(c));
        }
        let (number, after) = rest.split_at(digits);
        let letters = after
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(after.len());
        if letters == 0 {
            return Err(DurationMistake::MissingUnit(number.to_owned()));
        }
        let (unit, after) = after.split_at(letters);
        let scale: u64 = match unit {
            "ms" => 1,
            "s" => 1_000,
            "m" => 60_000,
            "h" => 3_600_000,
            "d" => 86_400_000,
            other => return Err(DurationMistake::UnknownUnit(other.to_owned())),
        };
        total = number
            .parse::<u64>()
            .ok()
            .and_then(|n| n.checked_mul(scale))
            .and_then(|ms| ms.checked_add(total))
            .filter(|&ms| i64::try_from(ms).is_ok())
            .ok_or(DurationMistake::TooLong)?;
        rest = after.trim_start();
    }
    if total == 0 {
        return Err(DurationMistake::Zero);
    }
    Ok(total)
}

/// A checked `#[statefun::function]`.
pub(crate) struct ValidFunction<'a> {
    pub(crate) function: &'a Function,
    /// The type of the first argument, checked by the compiler to be `&mut Context`.
    pub(crate) context: &'a Type,
    /// The type of the last argument, checked by the compiler to be a message type.
    pub(crate) message: &'a Type,
    pub(crate) type_name: &'a LitStr,
    pub(crate) krate: Path,
}

pub(crate) fn function<'a>(
    args: &'a crate::attr::FunctionArgs,
    function: &'a Function,
    errors: &mut Errors,
) -> Option<ValidFunction<'a>> {
    let Some(lit) = args.type_name.get() else {
        if !args.type_name.is_written() && !args.unknown_key {
            errors.push_at(Span::call_site(), Mistake::MissingTypeName);
        }
        return None;
    };
    if !check_type_name(lit, errors) {
        return None;
    }
    Some(ValidFunction {
        function,
        context: function.context.as_ref()?,
        message: function.message.as_ref()?,
        type_name: lit,
        krate: crate_path(&args.krate)?,
    })
}

/// How a state value expires.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Expiration {
    Never,
    AfterCall(u64),
    AfterWrite(u64),
}

/// A checked state field.
pub(crate) struct ValidField<'a> {
    pub(crate) ident: &'a Ident,
    pub(crate) ty: &'a Type,
    pub(crate) name: String,
    pub(crate) expiration: Expiration,
}

/// A checked `#[derive(StateSpec)]` struct: a non-generic struct with named fields, whose
/// impl can be generated even if an attribute has a mistake (its expansion then uses a
/// stand-in value, never run since the crate does not compile).
pub(crate) struct ValidState<'a> {
    pub(crate) ident: &'a Ident,
    pub(crate) fields: Vec<ValidField<'a>>,
    pub(crate) krate: Path,
}

/// The checked struct; `None` for a generic struct or one without named fields.
pub(crate) fn state<'a>(input: &'a StateStruct<'a>, errors: &mut Errors) -> Option<ValidState<'a>> {
    let Some(input_fields) = &input.fields else {
        return None;
    };
    let mut fields = Vec::with_capacity(input_fields.len());
    let mut seen: HashMap<String, &Ident> = HashMap::new();
    for field in input_fields {
        let name = match field.args.name.get() {
            Some(lit) => {
                let name = lit.value();
                if !state_name(&name) {
                    errors.push(
                        lit,
                        Mistake::InvalidStateName {
                            name: name.clone(),
                            renamed: true,
                        },
                    );
                }
                name
            }
            None => {
                let name = field.ident.unraw().to_string();
                if !state_name(&name) {
                    errors.push(
                        field.ident,
                        Mistake::InvalidStateName {
                            name: name.clone(),
                            renamed: false,
                        },
                    );
                }
                name
            }
        };
        if let Some(first) = seen.get(&name) {
            let at: &dyn quote::ToTokens = match field.args.name.get() {
                Some(lit) => lit,
                None => field.ident,
            };
            errors.push(
                at,
                Mistake::DuplicateStateName {
                    name: name.clone(),
                    first: first.unraw().to_string(),
                },
            );
        } else {
            seen.insert(name.clone(), field.ident);
        }

        let expiration = match &field.args.expiration {
            None => Expiration::Never,
            Some((key, lit)) => {
                let millis = duration_millis(&lit.value()).unwrap_or_else(|mistake| {
                    errors.push(
                        lit,
                        Mistake::InvalidDuration {
                            value: lit.value(),
                            mistake,
                        },
                    );
                    1
                });
                if key == "expire_after_call" {
                    Expiration::AfterCall(millis)
                } else {
                    Expiration::AfterWrite(millis)
                }
            }
        };
        fields.push(ValidField {
            ident: field.ident,
            ty: field.ty,
            name,
            expiration,
        });
    }
    if !input.input.generics.params.is_empty() {
        return None;
    }
    Some(ValidState {
        ident: &input.input.ident,
        fields,
        krate: crate_path(&input.args.krate)?,
    })
}

/// The codec of a checked `#[derive(statefun::Type)]`, with what it needs.
pub(crate) enum ValidCodec<'a> {
    Json(&'a LitStr),
    Protobuf(Option<&'a LitStr>),
    Raw(&'a LitStr, &'a Type),
}

/// A checked `#[derive(statefun::Type)]`.
/// A `#[derive(statefun::Messages)]` enum without mistakes.
pub(crate) struct ValidMessages<'a> {
    pub(crate) ident: &'a Ident,
    pub(crate) variants: &'a [MessageVariant<'a>],
    pub(crate) catch_all: Option<&'a MessageVariant<'a>>,
    pub(crate) krate: Path,
}

/// Checks a message enum; its shape was checked when parsed, so only the crate path is
/// left (and the enum is valid only if nothing was reported).
pub(crate) fn messages<'a>(
    input: &'a MessagesEnum<'a>,
    errors: &Errors,
) -> Option<ValidMessages<'a>> {
    if errors.any() {
        return None;
    }
    Some(ValidMessages {
        ident: &input.input.ident,
        variants: &input.variants,
        catch_all: input.catch_all.as_ref(),
        krate: crate_path(&input.args.krate)?,
    })
}

pub(crate) struct ValidType<'a> {
    pub(crate) ident: &'a Ident,
    pub(crate) codec: ValidCodec<'a>,
    pub(crate) krate: Path,
}

pub(crate) fn type_<'a>(input: &'a TypeInput<'a>, errors: &mut Errors) -> Option<ValidType<'a>> {
    let args = &input.args;
    let type_name = args
        .type_name
        .get()
        .filter(|lit| check_type_name(lit, errors));
    let Some((codec, keyword)) = &args.codec else {
        if !args.unknown_key {
            errors.push(&input.input.ident, Mistake::MissingCodec);
        }
        return None;
    };
    let needs_type_name = |errors: &mut Errors| {
        if !args.type_name.is_written() && !args.unknown_key {
            errors.push(keyword, Mistake::CodecNeedsTypeName(codec.keyword()));
        }
    };
    let codec = match codec {
        Codec::Json => {
            needs_type_name(errors);
            ValidCodec::Json(type_name?)
        }
        Codec::Protobuf => ValidCodec::Protobuf(type_name),
        Codec::Raw => {
            needs_type_name(errors);
            let Some(field) = input.newtype_field else {
                errors.push(&input.input.ident, Mistake::RawNotNewtype);
                return None;
            };
            ValidCodec::Raw(type_name?, field)
        }
    };
    if args.type_name.get().is_some() && type_name.is_none() {
        return None;
    }
    Some(ValidType {
        ident: &input.input.ident,
        codec,
        krate: crate_path(&args.krate)?,
    })
}
