//! The compile errors the macros emit themselves for every failure case of the trybuild
//! suite (`statefun-macros/tests/ui/fail/*.rs`), and none for its passing cases
//! (`tests/ui/pass/*.rs`), found in-process: each case is
//! parsed, every use of a macro in it is expanded by the macro's implementation, and the
//! `compile_error!`s of the expansions are listed with their positions and compared with
//! `tests/snapshots/ui_errors.txt`. Each error must also be in the case's `.stderr`, at the
//! same line and column (those spanned at the macro's call site read 1:1 here).
//!
//! The trybuild suite sees these errors through rustc, with the type errors the generated
//! code leads to, and takes minutes; this sees the macros' own in a second, so that a
//! changed message, position or count fails a unit test of this crate (mutation testing
//! relies on it: `scripts/mutants.sh` runs a crate's own tests first). After an intended
//! change, `STATEFUN_BLESS=1 cargo test -p statefun-macros` rewrites the snapshot.

use std::{fmt::Write as _, fs, path::PathBuf};

use proc_macro2::{TokenStream, TokenTree};
use quote::ToTokens;
use syn::{
    Attribute, ImplItemFn, ItemEnum, ItemFn, ItemStruct, Meta, Path, Token, punctuated::Punctuated,
    visit::Visit,
};

use crate::{function_impl, messages_impl, state_spec_impl, type_impl};

/// The `compile_error!` messages in `tokens`, in order, as `line:column: message`.
pub(crate) fn compile_errors(tokens: TokenStream) -> Vec<String> {
    let mut out = Vec::new();
    collect_compile_errors(tokens, &mut out);
    out
}

fn collect_compile_errors(tokens: TokenStream, out: &mut Vec<String>) {
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    for (i, token) in tokens.iter().enumerate() {
        match token {
            TokenTree::Ident(ident) if ident == "compile_error" => {
                let Some(TokenTree::Group(arguments)) = tokens.get(i + 2) else {
                    panic!("`compile_error` without arguments: {ident}");
                };
                let message: syn::LitStr = syn::parse2(arguments.stream())
                    .unwrap_or_else(|e| panic!("compile_error! without a string: {e}"));
                let start = ident.span().start();
                out.push(format!(
                    "{}:{}: {}",
                    start.line,
                    start.column + 1,
                    message.value().replace('\n', "\n    ")
                ));
            }
            TokenTree::Group(group) => collect_compile_errors(group.stream(), out),
            _ => {}
        }
    }
}

fn last_segment_is(path: &Path, name: &str) -> bool {
    path.segments.last().is_some_and(|s| s.ident == name)
}

/// Every use of a macro in a file, expanded; the errors of the expansions.
#[derive(Default)]
struct Expansions {
    errors: Vec<String>,
    uses: usize,
}

impl Expansions {
    /// `#[statefun::function(..)]` on a function or a method, expanded without it.
    fn function(&mut self, attrs: &[Attribute], item: impl Fn(Vec<Attribute>) -> TokenStream) {
        for (index, attr) in attrs.iter().enumerate() {
            if !last_segment_is(attr.path(), "function") {
                continue;
            }
            let args = match &attr.meta {
                Meta::List(list) => list.tokens.clone(),
                Meta::Path(_) => TokenStream::new(),
                Meta::NameValue(value) => value.value.to_token_stream(),
            };
            let mut others = attrs.to_vec();
            others.remove(index);
            self.uses += 1;
            self.errors
                .extend(compile_errors(function_impl(args, item(others))));
        }
    }

    /// The derives of this crate on a struct or an enum.
    fn derives(&mut self, attrs: &[Attribute], item: TokenStream) {
        for attr in attrs.iter().filter(|a| a.path().is_ident("derive")) {
            let paths = attr
                .parse_args_with(Punctuated::<Path, Token![,]>::parse_terminated)
                .expect("a derive lists paths");
            for path in paths {
                let expand: fn(TokenStream) -> TokenStream = if last_segment_is(&path, "StateSpec")
                {
                    state_spec_impl
                } else if last_segment_is(&path, "Type") {
                    type_impl
                } else if last_segment_is(&path, "Messages") {
                    messages_impl
                } else {
                    continue;
                };
                self.uses += 1;
                self.errors.extend(compile_errors(expand(item.clone())));
            }
        }
    }
}

impl<'ast> Visit<'ast> for Expansions {
    fn visit_item_fn(&mut self, node: &'ast ItemFn) {
        self.function(&node.attrs, |attrs| {
            ItemFn {
                attrs,
                ..node.clone()
            }
            .into_token_stream()
        });
        syn::visit::visit_item_fn(self, node);
    }

    fn visit_impl_item_fn(&mut self, node: &'ast ImplItemFn) {
        self.function(&node.attrs, |attrs| {
            ImplItemFn {
                attrs,
                ..node.clone()
            }
            .into_token_stream()
        });
        syn::visit::visit_impl_item_fn(self, node);
    }

    fn visit_item_struct(&mut self, node: &'ast ItemStruct) {
        self.derives(&node.attrs, node.to_token_stream());
        syn::visit::visit_item_struct(self, node);
    }

    fn visit_item_enum(&mut self, node: &'ast ItemEnum) {
        self.derives(&node.attrs, node.to_token_stream());
        syn::visit::visit_item_enum(self, node);
    }
}

#[test]
fn the_macros_own_errors_for_every_trybuild_failure_case() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let cases = |dir: &str| {
        let mut cases: Vec<PathBuf> = fs::read_dir(root.join("tests/ui").join(dir))
            .expect("the trybuild cases of the workspace")
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.extension().is_some_and(|e| e == "rs"))
            .collect();
        cases.sort();
        cases
    };
    let (passing, failing) = (cases("pass"), cases("fail"));
    assert!(
        failing.len() > 30,
        "found only {} failure cases",
        failing.len()
    );

    // The passing cases expand without an error.
    let mut uses = 0;
    for case in &passing {
        let source = fs::read_to_string(case).unwrap();
        let file = syn::parse_file(&source).unwrap();
        let mut expansions = Expansions::default();
        expansions.visit_file(&file);
        uses += expansions.uses;
        assert!(
            expansions.errors.is_empty(),
            "{}: {:#?}",
            case.display(),
            expansions.errors
        );
    }
    assert!(
        uses > 20,
        "only {uses} uses of the macros in the passing cases"
    );

    let mut actual = String::new();
    for case in &failing {
        let source = fs::read_to_string(case).unwrap();
        let file = syn::parse_file(&source)
            .unwrap_or_else(|e| panic!("{}: does not parse: {e}", case.display()));
        let mut expansions = Expansions::default();
        expansions.visit_file(&file);
        let name = case.file_name().unwrap().to_string_lossy();
        writeln!(
            actual,
            "== {name}: {} uses, {} errors",
            expansions.uses,
            expansions.errors.len()
        )
        .unwrap();
        let stderr = fs::read_to_string(case.with_extension("stderr")).unwrap_or_default();
        for error in &expansions.errors {
            writeln!(actual, "{error}").unwrap();
            // What rustc printed for the case has the same error at the same place, unless
            // it is spanned at the macro's call site (1:1 here, the attribute there).
            let (position, message) = error.split_once(": ").unwrap();
            if position != "1:1" {
                // rustc prints a tab as four spaces.
                let message = message.replace('\t', "    ");
                let at = format!("error: {message}\n --> tests/ui/fail/{name}:{position}\n");
                let at_wide = at.replace("\n -->", "\n  -->");
                assert!(
                    stderr.contains(&at) || stderr.contains(&at_wide),
                    "{name}: this error is not in its .stderr: {error}"
                );
            }
        }
    }

    crate::tests::assert_snapshot(
        "ui_errors.txt",
        "the macros' errors for the trybuild cases",
        &actual,
    );
}
