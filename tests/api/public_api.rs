//! The public API, listed: every public item of the four crates (re-exports, types,
//! traits, functions, methods, fields, variants), read from the sources, compared with the
//! checked-in `tests/public-api.txt`. A change to the surface fails this test until the
//! list is regenerated with `STATEFUN_BLESS=1 cargo test --all-features --test api public_api` and the diff is
//! reviewed: the surface changes only on purpose.
//!
//! Items marked `#[doc(hidden)]` are not listed: they are not part of the promise.

use std::{
    fmt::Write as _,
    path::{Path, PathBuf},
};

use quote::ToTokens;
use syn::{Attribute, Fields, ImplItem, Item, TraitItem, UseTree, Visibility};

fn is_pub(vis: &Visibility) -> bool {
    matches!(vis, Visibility::Public(_))
}

/// Whether `#[doc(hidden)]` is among `attrs` (a doc comment that says "hidden" is not).
fn hidden(attrs: &[Attribute]) -> bool {
    attrs.iter().any(|a| match &a.meta {
        syn::Meta::List(list) => list.path.is_ident("doc") && list.tokens.to_string() == "hidden",
        _ => false,
    })
}

/// `[cfg(...)]` of an item, for the listing.
fn cfg(attrs: &[Attribute]) -> String {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("cfg"))
        .map(|a| {
            format!(
                " #[{}]",
                a.meta.to_token_stream().to_string().replace(" (", "(")
            )
        })
        .collect()
}

fn squash(tokens: impl ToTokens) -> String {
    tokens
        .to_token_stream()
        .to_string()
        .replace(" :: ", "::")
        .replace(" ,", ",")
        .replace("< ", "<")
        .replace(" >", ">")
        .replace(" <", "<")
        .replace("& ", "&")
        .replace("( ", "(")
        .replace(" )", ")")
        .replace("' ", "'")
        .replace(" : ", ": ")
}

/// `name(args) -> output`, generics included.
fn signature(sig: &syn::Signature) -> String {
    let inputs: Vec<String> = sig.inputs.iter().map(squash).collect();
    let output = match &sig.output {
        syn::ReturnType::Default => String::new(),
        syn::ReturnType::Type(_, ty) => format!(" -> {}", squash(ty)),
    };
    format!(
        "{}{}({}){output}",
        sig.ident,
        squash(&sig.generics),
        inputs.join(", ")
    )
}

/// A variant's or struct's fields, without their attributes.
fn fields(fields: &Fields) -> String {
    let ty = |f: &syn::Field| squash(&f.ty);
    match fields {
        Fields::Unit => String::new(),
        Fields::Unnamed(f) => format!(
            "({})",
            f.unnamed.iter().map(ty).collect::<Vec<_>>().join(", ")
        ),
        Fields::Named(f) => format!(
            " {{ {} }}",
            f.named
                .iter()
                .map(|f| format!("{}: {}", f.ident.as_ref().unwrap(), ty(f)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// `async fn` or `fn`.
fn fn_kind(sig: &syn::Signature) -> &'static str {
    if sig.asyncness.is_some() {
        "async fn"
    } else {
        "fn"
    }
}

/// The names a `pub use` makes public; the source is shown when it is another crate (a
/// source inside this crate is where the item happens to be defined).
fn uses(tree: &UseTree, path: &str, out: &mut Vec<String>) {
    let source = |path: &str, name: &syn::Ident| {
        if path.starts_with("statefun_") || path.starts_with("bytes::") {
            format!(" = {path}{name}")
        } else {
            String::new()
        }
    };
    match tree {
        UseTree::Path(p) => uses(&p.tree, &format!("{path}{}::", p.ident), out),
        UseTree::Name(n) => out.push(format!("{}{}", n.ident, source(path, &n.ident))),
        UseTree::Rename(r) => out.push(format!("{}{}", r.rename, source(path, &r.ident))),
        UseTree::Glob(_) => out.push(format!("* = {path}*")),
        UseTree::Group(g) => g.items.iter().for_each(|t| uses(t, path, out)),
    }
}

/// The module file of `mod name;` declared in `file`.
fn module_file(file: &Path, name: &str) -> PathBuf {
    let dir = if file.ends_with("lib.rs") || file.ends_with("mod.rs") {
        file.parent().unwrap().to_owned()
    } else {
        file.with_extension("")
    };
    let flat = dir.join(format!("{name}.rs"));
    if flat.exists() {
        flat
    } else {
        dir.join(name).join("mod.rs")
    }
}

/// Lists the public items of the module in `file`: at `path` if it is public, else at
/// `shown`, its nearest public ancestor.
fn module(file: &Path, path: &str, shown: &str, public: bool, out: &mut Vec<String>) {
    let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let ast = syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    items(&ast.items, file, path, shown, public, out);
}

fn items(
    list: &[Item],
    file: &Path,
    module_path: &str,
    shown: &str,
    public: bool,
    out: &mut Vec<String>,
) {
    // An item of a private module is reached through a re-export of its nearest public
    // ancestor: shown there, so that moving it between private files changes nothing.
    let path = if public { module_path } else { shown };
    for item in list {
        match item {
            Item::Mod(m) => {
                if hidden(&m.attrs) || (m.ident == "tests" && cfg(&m.attrs).contains("test")) {
                    continue;
                }
                let inner = format!("{module_path}::{}", m.ident);
                let visible = public && is_pub(&m.vis);
                if visible {
                    out.push(format!("mod {inner}{}", cfg(&m.attrs)));
                }
                let shown = if visible { inner.as_str() } else { path };
                match &m.content {
                    Some((_, content)) => items(content, file, &inner, shown, visible, out),
                    None => module(
                        &module_file(file, &m.ident.to_string()),
                        &inner,
                        shown,
                        visible,
                        out,
                    ),
                }
            }
            Item::Use(u) if public && is_pub(&u.vis) && !hidden(&u.attrs) => {
                let mut found = Vec::new();
                uses(&u.tree, "", &mut found);
                for line in found {
                    out.push(format!("use {path}::{line}{}", cfg(&u.attrs)));
                }
            }
            // Types and traits are listed wherever they are defined with `pub`: a private
            // module's public type is reachable through a re-export, listed above.
            Item::Struct(s) if is_pub(&s.vis) && !hidden(&s.attrs) => {
                let name = format!("{path}::{}", s.ident);
                out.push(format!(
                    "struct {name}{}{}",
                    squash(&s.generics),
                    cfg(&s.attrs)
                ));
                if let Fields::Named(fields) = &s.fields {
                    for f in fields.named.iter().filter(|f| is_pub(&f.vis)) {
                        out.push(format!(
                            "field {name}.{}: {}",
                            f.ident.as_ref().unwrap(),
                            squash(&f.ty)
                        ));
                    }
                }
            }
            Item::Enum(e) if is_pub(&e.vis) && !hidden(&e.attrs) => {
                let name = format!("{path}::{}", e.ident);
                out.push(format!(
                    "enum {name}{}{}",
                    squash(&e.generics),
                    cfg(&e.attrs)
                ));
                for v in &e.variants {
                    out.push(format!("variant {name}::{}{}", v.ident, fields(&v.fields)));
                }
            }
            Item::Trait(t) if is_pub(&t.vis) && !hidden(&t.attrs) => {
                let name = format!("{path}::{}", t.ident);
                out.push(format!(
                    "trait {name}{}{}",
                    squash(&t.generics),
                    cfg(&t.attrs)
                ));
                for i in &t.items {
                    match i {
                        TraitItem::Fn(f) => {
                            out.push(format!("trait-fn {name}::{}", signature(&f.sig)))
                        }
                        TraitItem::Type(ty) => out.push(format!("trait-type {name}::{}", ty.ident)),
                        TraitItem::Const(c) => out.push(format!("trait-const {name}::{}", c.ident)),
                        _ => {}
                    }
                }
            }
            Item::Fn(f) if is_pub(&f.vis) && !hidden(&f.attrs) => {
                out.push(format!(
                    "{} {path}::{}{}",
                    fn_kind(&f.sig),
                    signature(&f.sig),
                    cfg(&f.attrs)
                ));
            }
            Item::Const(c) if is_pub(&c.vis) && !hidden(&c.attrs) => {
                out.push(format!("const {path}::{}: {}", c.ident, squash(&c.ty)));
            }
            Item::Type(t) if is_pub(&t.vis) && !hidden(&t.attrs) => {
                out.push(format!("type {path}::{} = {}", t.ident, squash(&t.ty)));
            }
            Item::Impl(i) if i.trait_.is_none() && !hidden(&i.attrs) => {
                let self_ty = squash(&i.self_ty);
                for item in &i.items {
                    if let ImplItem::Fn(f) = item
                        && is_pub(&f.vis)
                        && !hidden(&f.attrs)
                    {
                        out.push(format!(
                            "{} {path}::{self_ty}::{}{}",
                            fn_kind(&f.sig).replace("fn", "method"),
                            signature(&f.sig),
                            cfg(&f.attrs)
                        ));
                    }
                    if let ImplItem::Const(c) = item
                        && is_pub(&c.vis)
                        && !hidden(&c.attrs)
                    {
                        out.push(format!("assoc-const {path}::{self_ty}::{}", c.ident));
                    }
                }
            }
            Item::Macro(_) => {}
            _ => {}
        }
    }
}

fn listing() -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut text = String::from(
        "# The public API, generated by tests/api/public_api.rs: regenerate with\n# `STATEFUN_BLESS=1 cargo test --all-features --test api public_api` and review the diff.\n",
    );
    for (krate, lib) in [
        ("statefun", "src/lib.rs"),
        ("statefun_core", "statefun-core/src/lib.rs"),
        ("statefun_actix", "statefun-actix/src/lib.rs"),
        ("statefun_macros", "statefun-macros/src/lib.rs"),
    ] {
        let mut out = Vec::new();
        module(&root.join(lib), krate, krate, true, &mut out);
        out.sort();
        out.dedup();
        writeln!(text, "\n# {krate}").unwrap();
        for line in out {
            writeln!(text, "{line}").unwrap();
        }
    }
    text
}

/// Every `#[doc(hidden)]` item of a crate's sources, as `path: item`.
fn hidden_items(file: &Path, path: &str, out: &mut Vec<String>) {
    let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let ast = syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    hidden_in(&ast.items, file, path, out);
}

fn hidden_in(list: &[Item], file: &Path, path: &str, out: &mut Vec<String>) {
    for item in list {
        let (attrs, name): (&[Attribute], String) = match item {
            Item::Mod(m) => (&m.attrs, format!("mod {}", m.ident)),
            Item::Use(u) => (&u.attrs, format!("use {}", squash(&u.tree))),
            Item::Struct(s) => (&s.attrs, format!("struct {}", s.ident)),
            Item::Enum(e) => (&e.attrs, format!("enum {}", e.ident)),
            Item::Trait(t) => (&t.attrs, format!("trait {}", t.ident)),
            Item::Fn(f) => (&f.attrs, format!("fn {}", f.sig.ident)),
            Item::Impl(i) => {
                for inner in &i.items {
                    if let ImplItem::Fn(f) = inner
                        && hidden(&f.attrs)
                    {
                        out.push(format!("{path}: method {}", f.sig.ident));
                    }
                }
                continue;
            }
            _ => continue,
        };
        if hidden(attrs) {
            out.push(format!("{path}: {name}"));
            continue;
        }
        if let Item::Mod(m) = item {
            if cfg(&m.attrs).contains("test") {
                continue;
            }
            let inner = format!("{path}::{}", m.ident);
            match &m.content {
                Some((_, content)) => hidden_in(content, file, &inner, out),
                None => hidden_items(&module_file(file, &m.ident.to_string()), &inner, out),
            }
        }
    }
}

/// What is hidden from the docs is not public API, and the listing skips it: so the hidden
/// items are exactly the modules the macros' generated code goes through (`__private`) and
/// the protocol's generated types (`proto`), for tests and tools. Anything else hidden would
/// be public in all but name.
#[test]
fn only_the_macro_support_and_the_protocol_types_are_hidden() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut found = Vec::new();
    for (krate, lib) in [
        ("statefun", "src/lib.rs"),
        ("statefun_core", "statefun-core/src/lib.rs"),
        ("statefun_actix", "statefun-actix/src/lib.rs"),
        ("statefun_macros", "statefun-macros/src/lib.rs"),
    ] {
        hidden_items(&root.join(lib), krate, &mut found);
    }
    assert_eq!(
        found,
        [
            "statefun: use statefun_core::proto",
            "statefun: mod __private",
            "statefun_core: mod proto",
            "statefun_core: mod __private",
        ],
        "move macro support into `__private`, or make the item public API"
    );
}

#[test]
fn the_public_api_changes_only_on_purpose() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/public-api.txt");
    let actual = listing();
    if std::env::var_os("STATEFUN_BLESS").is_some() {
        std::fs::write(&path, &actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    if actual != expected {
        let old: std::collections::BTreeSet<&str> = expected.lines().collect();
        let new: std::collections::BTreeSet<&str> = actual.lines().collect();
        let mut diff = String::new();
        for line in old.difference(&new) {
            writeln!(diff, "- {line}").unwrap();
        }
        for line in new.difference(&old) {
            writeln!(diff, "+ {line}").unwrap();
        }
        panic!(
            "the public API changed; if that is meant, run `STATEFUN_BLESS=1 cargo test --all-features --test api public_api` and review tests/public-api.txt:\n{diff}"
        );
    }
}
