//! The macro inputs as the macros see them: a function's signature split into its
//! arguments, a state struct's fields, a type's codec arguments. Shape mistakes (a method,
//! a wrong argument, an enum where a struct is needed) are reported here.

use syn::{
    Data, DeriveInput, Fields, FnArg, Ident, ItemFn, PatType, ReturnType, Type, TypeReference,
};

use crate::{
    attr::{FieldArgs, StructArgs, TypeArgs},
    errors::{Argument, Errors, Mistake},
};

/// A function under `#[statefun::function]`.
pub(crate) struct Function {
    pub(crate) item: ItemFn,
    /// `S` of `state: &mut S`; `None` for a stateless function.
    pub(crate) state: Option<Type>,
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
        let mut state = None;
        if typed.len() < 2 && typed.len() == sig.inputs.len() {
            errors.push_at(
                sig.paren_token.span.join(),
                Mistake::ArgumentCount(typed.len()),
            );
        } else if typed.len() >= 2
            && is_named(&typed[0].ty, "Message")
            && reference(&typed[typed.len() - 1].ty).is_some_and(|r| is_named(&r.elem, "Context"))
        {
            errors.push(&sig.inputs, Mistake::ArgumentOrder);
        } else if typed.len() >= 2 {
            check_context(typed[0], errors);
            if typed.len() >= 3 {
                state = check_state(typed[1], errors);
            }
            for extra in typed.iter().skip(3) {
                errors.push(extra, Mistake::ExtraArgument);
            }
            let last = if typed.len() >= 3 { typed[2] } else { typed[1] };
            check_message(last, errors);
        }

        let output = match &sig.output {
            ReturnType::Default => None,
            ReturnType::Type(_, ty) => Some((**ty).clone()),
        };
        Self {
            item,
            state,
            output,
        }
    }
}

/// The last path segment's name, through parentheses and invisible groups.
fn type_ident(ty: &Type) -> Option<&Ident> {
    match ty {
        Type::Path(path) if path.qself.is_none() => path.path.segments.last().map(|s| &s.ident),
        Type::Paren(inner) => type_ident(&inner.elem),
        Type::Group(inner) => type_ident(&inner.elem),
        _ => None,
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

fn is_named(ty: &Type, name: &str) -> bool {
    type_ident(ty).is_some_and(|ident| ident == name)
}

fn check_context(arg: &PatType, errors: &mut Errors) {
    let ok =
        reference(&arg.ty).is_some_and(|r| r.mutability.is_some() && is_named(&r.elem, "Context"));
    if !ok {
        errors.push(&arg.ty, Mistake::WrongArgument(Argument::Context));
    }
}

fn check_state(arg: &PatType, errors: &mut Errors) -> Option<Type> {
    match reference(&arg.ty) {
        Some(r) if is_named(&r.elem, "Context") || is_named(&r.elem, "Message") => {
            errors.push(&arg.ty, Mistake::WrongArgument(Argument::State));
            None
        }
        Some(r) if r.mutability.is_none() => {
            errors.push(&arg.ty, Mistake::StateNotMut(render(&r.elem)));
            None
        }
        Some(r) => Some((*r.elem).clone()),
        None if type_ident(&arg.ty).is_some() => {
            errors.push(&arg.ty, Mistake::StateNotMut(render(&arg.ty)));
            None
        }
        None => {
            errors.push(&arg.ty, Mistake::WrongArgument(Argument::State));
            None
        }
    }
}

fn check_message(arg: &PatType, errors: &mut Errors) {
    match reference(&arg.ty) {
        Some(r) if is_named(&r.elem, "Message") => {
            errors.push(&arg.ty, Mistake::MessageByReference);
        }
        _ if is_named(&arg.ty, "Message") => {}
        _ => errors.push(&arg.ty, Mistake::WrongArgument(Argument::Message)),
    }
}

/// A struct under `#[derive(StateSpec)]`.
pub(crate) struct StateStruct<'a> {
    pub(crate) input: &'a DeriveInput,
    pub(crate) args: StructArgs,
    pub(crate) fields: Vec<StateField<'a>>,
}

/// One field of a state struct.
pub(crate) struct StateField<'a> {
    pub(crate) ident: &'a Ident,
    pub(crate) ty: &'a Type,
    pub(crate) args: FieldArgs,
}

impl<'a> StateStruct<'a> {
    pub(crate) fn from_syn(input: &'a DeriveInput, errors: &mut Errors) -> Option<Self> {
        let args = StructArgs::parse(&input.attrs, errors);
        if !input.generics.params.is_empty() {
            errors.push(&input.generics, Mistake::GenericState);
        }
        let fields = match &input.data {
            Data::Struct(data) => match &data.fields {
                Fields::Named(fields) => fields
                    .named
                    .iter()
                    .map(|field| StateField {
                        ident: field.ident.as_ref().expect("named field"),
                        ty: &field.ty,
                        args: FieldArgs::parse(&field.attrs, errors),
                    })
                    .collect(),
                Fields::Unnamed(fields) => {
                    errors.push(fields, Mistake::StateTupleStruct);
                    return None;
                }
                Fields::Unit => {
                    errors.push(&input.ident, Mistake::StateUnitStruct);
                    return None;
                }
            },
            Data::Enum(data) => {
                errors.push(data.enum_token, Mistake::StateEnum);
                return None;
            }
            Data::Union(data) => {
                errors.push(data.union_token, Mistake::StateUnion);
                return None;
            }
        };
        Some(Self {
            input,
            args,
            fields,
        })
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
