//! Attribute arguments: `#[statefun::function(...)]`, `#[state(...)]` on state fields,
//! `#[statefun(...)]` on types, message enums and their variants, parsed into typed values. Unknown keys, duplicate keys and
//! values of the wrong shape are reported here, each at its token; the parse goes on so
//! that every mistake is reported once.

use proc_macro2::{Group, TokenStream, TokenTree};
use quote::ToTokens;
use syn::{
    Attribute, Expr, ExprLit, Ident, Lit, LitStr, Path, Token,
    meta::{ParseNestedMeta, parser},
    parse::Parser,
};

use crate::errors::{Errors, Mistake, Site};

/// One key's value, set at most once.
pub(crate) struct Slot<T> {
    key: &'static str,
    value: Option<T>,
    written: bool,
}

impl<T> Slot<T> {
    fn new(key: &'static str) -> Self {
        Self {
            key,
            value: None,
            written: false,
        }
    }

    /// Notes that the key was written, even if its value is invalid (reported already),
    /// so that no "missing key" error follows.
    fn mark_written(&mut self) {
        self.written = true;
    }

    /// Sets the value, or reports a duplicate at `at`.
    fn set(&mut self, errors: &mut Errors, at: impl ToTokens, value: T) {
        if self.value.is_some() {
            errors.push(at, Mistake::DuplicateKey(self.key.to_owned()));
        } else {
            self.value = Some(value);
        }
    }

    pub(crate) fn get(&self) -> Option<&T> {
        self.value.as_ref()
    }

    /// Whether the key was written at all, valid or not.
    pub(crate) fn is_written(&self) -> bool {
        self.written
    }
}

/// The arguments of `#[statefun::function(typename = "...", crate = "...")]`.
pub(crate) struct FunctionArgs {
    pub(crate) type_name: Slot<LitStr>,
    pub(crate) krate: Slot<Path>,
    /// Whether an unknown key or a syntax error was reported (likely a misspelt key,
    /// so no "missing" error follows).
    pub(crate) unknown_key: bool,
}

impl FunctionArgs {
    pub(crate) fn parse(args: TokenStream, errors: &mut Errors) -> Self {
        let mut out = Self {
            type_name: Slot::new("typename"),
            krate: Slot::new("crate"),
            unknown_key: false,
        };
        let args = out.positional_type_name(args, errors);
        let result = parser(|meta| {
            if meta.path.is_ident("typename") {
                out.type_name.mark_written();
                if let Some(lit) = string_value(&meta, "typename", errors)? {
                    out.type_name.set(errors, &meta.path, lit);
                }
            } else if meta.path.is_ident("crate") {
                out.krate.mark_written();
                if let Some(path) = crate_value(&meta, errors)? {
                    out.krate.set(errors, &meta.path, path);
                }
            } else {
                out.unknown_key = true;
                unknown_key(&meta, Site::Function, errors)?;
            }
            Ok(())
        })
        .parse2(args);
        if let Err(error) = result {
            out.unknown_key = true;
            errors.push_error(error);
        }
        out
    }

    /// Reports `#[statefun::function("ns/name")]` (a typename without its key) and
    /// returns the remaining arguments.
    fn positional_type_name(&mut self, args: TokenStream, errors: &mut Errors) -> TokenStream {
        let mut tokens = args.clone().into_iter();
        let Some(TokenTree::Literal(literal)) = tokens.next() else {
            return args;
        };
        let Ok(lit) = syn::parse2::<LitStr>(TokenTree::Literal(literal).into()) else {
            return args;
        };
        errors.push(&lit, Mistake::PositionalTypeName(lit.value()));
        self.type_name.mark_written();
        let mut rest = tokens.peekable();
        if matches!(rest.peek(), Some(TokenTree::Punct(p)) if p.as_char() == ',') {
            rest.next();
        }
        rest.collect()
    }
}

/// The arguments of an attribute whose only key is `crate = "..."`: `#[state(...)]` on a
/// `#[derive(StateSpec)]` struct and `#[statefun(...)]` on a `#[derive(statefun::Messages)]`
/// enum.
pub(crate) struct CrateArgs {
    pub(crate) krate: Slot<Path>,
}

impl CrateArgs {
    /// The `crate` key of the `attribute` attributes in `attrs`; any other key is reported
    /// with the keys valid at `site`.
    pub(crate) fn parse(
        attrs: &[Attribute],
        attribute: &str,
        site: Site,
        errors: &mut Errors,
    ) -> Self {
        let mut out = Self {
            krate: Slot::new("crate"),
        };
        for attr in attrs.iter().filter(|a| a.path().is_ident(attribute)) {
            let result = attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("crate") {
                    out.krate.mark_written();
                    if let Some(path) = crate_value(&meta, errors)? {
                        out.krate.set(errors, &meta.path, path);
                    }
                } else {
                    unknown_key(&meta, site, errors)?;
                }
                Ok(())
            });
            if let Err(error) = result {
                errors.push_error(error);
            }
        }
        out
    }
}

/// The arguments of `#[state(...)]` on one field (several `#[state]` attributes merge).
pub(crate) struct FieldArgs {
    pub(crate) name: Slot<LitStr>,
    /// `expire_after_call` or `expire_after_write` (the key) and its duration literal.
    pub(crate) expiration: Option<(Ident, LitStr)>,
}

impl FieldArgs {
    pub(crate) fn parse(attrs: &[Attribute], errors: &mut Errors) -> Self {
        let mut out = Self {
            name: Slot::new("name"),
            expiration: None,
        };
        for attr in attrs.iter().filter(|a| a.path().is_ident("state")) {
            let result = attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("name") {
                    if let Some(lit) = string_value(&meta, "name", errors)? {
                        out.name.set(errors, &meta.path, lit);
                    }
                } else if let Some(key) = ["expire_after_call", "expire_after_write"]
                    .into_iter()
                    .find(|key| meta.path.is_ident(key))
                {
                    if let Some(lit) = string_value(&meta, key, errors)? {
                        match &out.expiration {
                            Some((first, _)) if first == key => {
                                errors.push(&meta.path, Mistake::DuplicateKey(key.to_owned()));
                            }
                            Some(_) => errors.push(&meta.path, Mistake::BothExpirations),
                            None => {
                                let ident = meta.path.require_ident()?.clone();
                                out.expiration = Some((ident, lit));
                            }
                        }
                    }
                } else {
                    unknown_key(&meta, Site::StateField, errors)?;
                }
                Ok(())
            });
            if let Err(error) = result {
                errors.push_error(error);
            }
        }
        out
    }
}

/// The codec a `#[derive(statefun::Type)]` picks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Codec {
    Json,
    Protobuf,
    Raw,
}

impl Codec {
    pub(crate) fn keyword(self) -> &'static str {
        match self {
            Self::Json => "json",
            Self::Protobuf => "protobuf",
            Self::Raw => "raw",
        }
    }
}

/// The arguments of `#[statefun(...)]` on a `#[derive(statefun::Type)]` type.
pub(crate) struct TypeArgs {
    pub(crate) codec: Option<(Codec, Path)>,
    pub(crate) type_name: Slot<LitStr>,
    pub(crate) krate: Slot<Path>,
    /// Whether an unknown key or a syntax error was reported (likely a misspelt key,
    /// so no "missing" error follows).
    pub(crate) unknown_key: bool,
}

impl TypeArgs {
    pub(crate) fn parse(attrs: &[Attribute], errors: &mut Errors) -> Self {
        let mut out = Self {
            codec: None,
            type_name: Slot::new("typename"),
            krate: Slot::new("crate"),
            unknown_key: false,
        };
        for attr in attrs.iter().filter(|a| a.path().is_ident("statefun")) {
            let result = attr.parse_nested_meta(|meta| {
                let codec = [Codec::Json, Codec::Protobuf, Codec::Raw]
                    .into_iter()
                    .find(|c| meta.path.is_ident(c.keyword()));
                if let Some(codec) = codec {
                    if meta.input.peek(Token![=]) {
                        errors.push(&meta.path, Mistake::FlagWithValue(codec.keyword()));
                        skip_value(&meta)?;
                    } else {
                        match &out.codec {
                            Some((first, _)) => errors.push(
                                &meta.path,
                                Mistake::TwoCodecs {
                                    first: first.keyword(),
                                },
                            ),
                            None => out.codec = Some((codec, meta.path.clone())),
                        }
                    }
                } else if meta.path.is_ident("typename") {
                    out.type_name.mark_written();
                    if let Some(lit) = string_value(&meta, "typename", errors)? {
                        out.type_name.set(errors, &meta.path, lit);
                    }
                } else if meta.path.is_ident("crate") {
                    out.krate.mark_written();
                    if let Some(path) = crate_value(&meta, errors)? {
                        out.krate.set(errors, &meta.path, path);
                    }
                } else {
                    out.unknown_key = true;
                    unknown_key(&meta, Site::Type, errors)?;
                }
                Ok(())
            });
            if let Err(error) = result {
                out.unknown_key = true;
                errors.push_error(error);
            }
        }
        out
    }
}

/// `#[statefun(other)]` on a variant of a `#[derive(statefun::Messages)]` enum: the
/// `other` path if written.
pub(crate) fn variant_args(attrs: &[Attribute], errors: &mut Errors) -> Option<Path> {
    let mut other: Option<Path> = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("statefun")) {
        let result = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("other") {
                if meta.input.peek(Token![=]) {
                    errors.push(&meta.path, Mistake::FlagWithValue("other"));
                    skip_value(&meta)?;
                } else if other.is_some() {
                    errors.push(&meta.path, Mistake::DuplicateKey("other".to_owned()));
                } else {
                    other = Some(meta.path.clone());
                }
            } else {
                unknown_key(&meta, Site::MessageVariant, errors)?;
            }
            Ok(())
        });
        if let Err(error) = result {
            errors.push_error(error);
        }
    }
    other
}

/// The string literal after `key =`; anything else is reported and skipped.
fn string_value(
    meta: &ParseNestedMeta<'_>,
    key: &'static str,
    errors: &mut Errors,
) -> syn::Result<Option<LitStr>> {
    let expr: Expr = meta.value()?.parse()?;
    match expr {
        Expr::Lit(ExprLit {
            lit: Lit::Str(lit), ..
        }) => Ok(Some(lit)),
        other => {
            errors.push(other, Mistake::ExpectedString(key));
            Ok(None)
        }
    }
}

/// The path inside `crate = "..."`.
fn crate_value(meta: &ParseNestedMeta<'_>, errors: &mut Errors) -> syn::Result<Option<Path>> {
    let Some(lit) = string_value(meta, "crate", errors)? else {
        return Ok(None);
    };
    match lit.parse_with(Path::parse_mod_style) {
        Ok(path) => Ok(Some(path)),
        Err(_) => {
            errors.push(&lit, Mistake::InvalidCratePath);
            Ok(None)
        }
    }
}

/// Reports an unknown key and skips its value, so parsing goes on.
fn unknown_key(meta: &ParseNestedMeta<'_>, site: Site, errors: &mut Errors) -> syn::Result<()> {
    let key = meta.path.to_token_stream().to_string().replace(' ', "");
    errors.push(&meta.path, Mistake::UnknownKey { site, key });
    skip_value(meta)
}

fn skip_value(meta: &ParseNestedMeta<'_>) -> syn::Result<()> {
    if meta.input.peek(Token![=]) {
        let _: Expr = meta.value()?.parse()?;
    } else if meta.input.peek(syn::token::Paren) {
        let _: Group = meta.input.parse()?;
    }
    Ok(())
}
