//! The macro inputs as the macros see them: a function's signature split into its
//! arguments, a state struct's fields, a type's codec arguments, a message enum's variants. Shape mistakes (a method,
//! a wrong argument, an enum where a struct is needed) are reported here.

use syn::{
    Data, DeriveInput, Fields, FnArg, Ident, ItemFn, PatType, ReturnType, Type, TypeReference,
};

use crate::{
    attr::{CrateArgs, FieldArgs, TypeArgs, variant_args},
    errors::{Errors, Mistake, Site},
};

/// A function under `#[statefun::function]`.
///
/// Arguments have roles by position: `(ctx, msg)` or `(ctx, state, msg)`. Only what syntax
/// alone decides is checked here (the count, which arguments are references); whether the
/// context and the message have the right types is left to the compiler, through the
/// spanned bounds `expand` generates, so that aliases and renamed imports are accepted.
pub(crate) struct Function {
    pub(crate) item: ItemFn,
    /// The type of the first argument (`&mut Context`).
    pub(crate) context: Option<Type>,
    /// `S` of `state: &mut S`; `None` for a stateless function.
    pub(crate) state: Option<Type>,
    /// The type of the last argument (`Message`).
    pub(crate) message: Option<Type>,
    /// The declared return type; `None` for `()`.
    pub(crate) output: Option<Type>,
}

impl Function {
    pub(crate) fn from_syn(item: ItemFn, errors: &mut Errors) -> Self {
        let sig = &item.sig;
        if let Some(token) = &sig.unsafety {
            errors.push(token, Mistake::Unsafe);
        }
        if let Some(abi) = &sig.abi {
            errors.push(abi, Mistake::Extern);
        }
        if let Some(variadic) = &sig.variadic {
            errors.push(variadic, Mistake::Variadic);
        }
        if !sig.generics.params.is_empty() {
            errors.push(&sig.generics, Mistake::GenericFunction);
        } else if let Some(where_clause) = &sig.generics.where_clause {
            errors.push(where_clause, Mistake::GenericFunction);
        }

        let mut typed = Vec::new();
        for arg in &sig.inputs {
            match arg {
                FnArg::Receiver(receiver) => errors.push(receiver, Mistake::Receiver),
                FnArg::Typed(arg) => typed.push(arg),
            }
        }
        for arg in &typed {
            if let Some(impl_trait) = impl_trait(&arg.ty) {
                errors.push(impl_trait, Mistake::ImplTraitArgument);
            }
        }
        let (mut context, mut state, mut message) = (None, None, None);
        if typed.len() < 2 {
            if typed.len() == sig.inputs.len() {
                errors.push_at(
                    sig.paren_token.span.join(),
                    Mistake::ArgumentCount(typed.len()),
                );
            }
        } else if is_out_of_order(&typed) {
            errors.push(&sig.inputs, Mistake::ArgumentOrder);
        } else {
            context = Some((*typed[0].ty).clone());
            if typed.len() >= 3 {
                state = state_type(typed[1], errors);
            }
            for extra in typed.iter().skip(3) {
                errors.push(extra, Mistake::ExtraArgument);
            }
            let last = if typed.len() >= 3 { typed[2] } else { typed[1] };
            message = message_type(last, errors);
        }

        let output = match &sig.output {
            ReturnType::Default => None,
            ReturnType::Type(_, ty) => Some((**ty).clone()),
        };
        Self {
            item,
            context,
            state,
            message,
            output,
        }
    }
}

/// Whether the type is a path (`Seen`, `my::Seen`), through parentheses and invisible
/// groups.
fn is_path(ty: &Type) -> bool {
    match ty {
        Type::Path(_) => true,
        Type::Paren(inner) => is_path(&inner.elem),
        Type::Group(inner) => is_path(&inner.elem),
        _ => false,
    }
}

fn reference(ty: &Type) -> Option<&TypeReference> {
    match ty {
        Type::Reference(r) => Some(r),
        Type::Paren(inner) => reference(&inner.elem),
        Type::Group(inner) => reference(&inner.elem),
        _ => None,
    }
}

/// The type inside any parentheses: `Seen` of `(Seen)`.
fn unparenthesized(ty: &Type) -> &Type {
    match ty {
        Type::Paren(inner) => unparenthesized(&inner.elem),
        _ => ty,
    }
}

/// An `impl Trait` argument type, directly or behind a reference: a hidden generic.
fn impl_trait(ty: &Type) -> Option<&Type> {
    match ty {
        Type::ImplTrait(_) => Some(ty),
        Type::Reference(r) => impl_trait(&r.elem),
        Type::Paren(inner) => impl_trait(&inner.elem),
        Type::Group(inner) => impl_trait(&inner.elem),
        _ => None,
    }
}

/// Whether the arguments look swapped: the last of the (at most three) role arguments is a
/// `&mut` reference, the shape of the context and the state, and one before it is taken by
/// value, the shape of the message. The message is never a reference and the context and
/// the state always are, so no valid function has this shape, and one error says so
/// instead of one per misplaced argument.
fn is_out_of_order(typed: &[&PatType]) -> bool {
    let roles = &typed[..typed.len().min(3)];
    let (last, earlier) = roles.split_last().expect("at least two arguments");
    reference(&last.ty).is_some_and(|r| r.mutability.is_some())
        && earlier.iter().any(|arg| reference(&arg.ty).is_none())
}

/// `S` of the middle argument `state: &mut S`.
fn state_type(arg: &PatType, errors: &mut Errors) -> Option<Type> {
    match reference(&arg.ty) {
        Some(r) if r.mutability.is_none() => {
            errors.push(&arg.ty, Mistake::StateNotMut(render(&r.elem)));
            None
        }
        Some(r) => Some((*r.elem).clone()),
        None if is_path(&arg.ty) => {
            errors.push(
                &arg.ty,
                Mistake::StateNotMut(render(unparenthesized(&arg.ty))),
            );
            None
        }
        None => {
            errors.push(&arg.ty, Mistake::WrongState);
            None
        }
    }
}

/// The type of the last argument, the message: taken by value, never a reference.
fn message_type(arg: &PatType, errors: &mut Errors) -> Option<Type> {
    if reference(&arg.ty).is_some() {
        errors.push(&arg.ty, Mistake::MessageByReference);
        return None;
    }
    Some((*arg.ty).clone())
}

/// A struct under `#[derive(StateSpec)]`.
pub(crate) struct StateStruct<'a> {
    pub(crate) input: &'a DeriveInput,
    pub(crate) args: CrateArgs,
    /// The named fields; `None` for any other shape (reported).
    pub(crate) fields: Option<Vec<StateField<'a>>>,
}

/// One field of a state struct.
pub(crate) struct StateField<'a> {
    pub(crate) ident: &'a Ident,
    pub(crate) ty: &'a Type,
    pub(crate) args: FieldArgs,
}

impl<'a> StateStruct<'a> {
    pub(crate) fn from_syn(input: &'a DeriveInput, errors: &mut Errors) -> Self {
        let args = CrateArgs::parse(&input.attrs, "state", Site::StateStruct, errors);
        if !input.generics.params.is_empty() {
            errors.push(&input.generics, Mistake::GenericState);
        }
        let fields = match &input.data {
            Data::Struct(data) => match &data.fields {
                Fields::Named(fields) => Some(
                    fields
                        .named
                        .iter()
                        .map(|field| StateField {
                            ident: field.ident.as_ref().expect("named field"),
                            ty: &field.ty,
                            args: FieldArgs::parse(&field.attrs, errors),
                        })
                        .collect(),
                ),
                Fields::Unnamed(fields) => {
                    errors.push(fields, Mistake::StateTupleStruct);
                    None
                }
                Fields::Unit => {
                    errors.push(&input.ident, Mistake::StateUnitStruct);
                    None
                }
            },
            Data::Enum(data) => {
                errors.push(data.enum_token, Mistake::StateEnum);
                None
            }
            Data::Union(data) => {
                errors.push(data.union_token, Mistake::StateUnion);
                None
            }
        };
        Self {
            input,
            args,
            fields,
        }
    }
}

/// A type under `#[derive(statefun::Type)]`.
pub(crate) struct TypeInput<'a> {
    pub(crate) input: &'a DeriveInput,
    pub(crate) args: TypeArgs,
    /// The field type of a one-field tuple struct (what a `raw` type wraps).
    pub(crate) newtype_field: Option<&'a Type>,
}

impl<'a> TypeInput<'a> {
    pub(crate) fn from_syn(input: &'a DeriveInput, errors: &mut Errors) -> Self {
        let args = TypeArgs::parse(&input.attrs, errors);
        if !input.generics.params.is_empty() {
            errors.push(&input.generics, Mistake::GenericType);
        }
        let newtype_field = match &input.data {
            Data::Struct(data) => match &data.fields {
                Fields::Unnamed(fields) if fields.unnamed.len() == 1 => Some(&fields.unnamed[0].ty),
                _ => None,
            },
            _ => None,
        };
        Self {
            input,
            args,
            newtype_field,
        }
    }
}

/// An enum under `#[derive(statefun::Messages)]`: its variants, each holding one message
/// type, and the catch-all variant if one is marked `#[statefun(other)]`. Malformed
/// variants are reported and left out.
pub(crate) struct MessagesEnum<'a> {
    pub(crate) input: &'a DeriveInput,
    pub(crate) args: CrateArgs,
    pub(crate) variants: Vec<MessageVariant<'a>>,
    pub(crate) catch_all: Option<MessageVariant<'a>>,
}

/// A variant `Name(Type)` of a message enum.
pub(crate) struct MessageVariant<'a> {
    pub(crate) ident: &'a Ident,
    pub(crate) ty: &'a Type,
}

impl<'a> MessagesEnum<'a> {
    pub(crate) fn from_syn(input: &'a DeriveInput, errors: &mut Errors) -> Self {
        let args = CrateArgs::parse(&input.attrs, "statefun", Site::Messages, errors);
        let mut out = Self {
            input,
            args,
            variants: Vec::new(),
            catch_all: None,
        };
        let Data::Enum(data) = &input.data else {
            errors.push(&input.ident, Mistake::MessagesNotEnum);
            return out;
        };
        if !input.generics.params.is_empty() {
            errors.push(&input.generics, Mistake::GenericMessages);
        }
        if data.variants.is_empty() {
            errors.push(&input.ident, Mistake::NoMessageVariants);
        }
        for variant in &data.variants {
            let other = variant_args(&variant.attrs, errors);
            let ty = match &variant.fields {
                Fields::Unnamed(fields) if fields.unnamed.len() == 1 => &fields.unnamed[0].ty,
                _ => {
                    errors.push(
                        variant,
                        Mistake::VariantNotNewtype(variant.ident.to_string()),
                    );
                    continue;
                }
            };
            let parsed = MessageVariant {
                ident: &variant.ident,
                ty,
            };
            match (other, &out.catch_all) {
                (Some(other), Some(first)) => errors.push(
                    other,
                    Mistake::TwoCatchAlls {
                        first: first.ident.to_string(),
                    },
                ),
                (Some(_), None) => out.catch_all = Some(parsed),
                (None, _) => {
                    let rendered = render(ty);
                    match out.variants.iter().find(|v| render(v.ty) == rendered) {
                        Some(first) => errors.push(
                            ty,
                            Mistake::DuplicateVariantType {
                                ty: rendered,
                                first: first.ident.to_string(),
                            },
                        ),
                        None => out.variants.push(parsed),
                    }
                }
            }
        }
        out
    }
}

/// A type as the user would write it (`quote` puts spaces between all tokens).
fn render(ty: &Type) -> String {
    quote::ToTokens::to_token_stream(ty)
        .to_string()
        .replace(" :: ", "::")
        .replace(" < ", "<")
        .replace("< ", "<")
        .replace(" >", ">")
        .replace(" ,", ",")
}
