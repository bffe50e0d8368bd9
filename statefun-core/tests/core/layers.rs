//! The layers of `statefun-core/src`: each top-level module is one layer, and a module uses
//! only its own layer and the layers before it in [`LAYERS`]. This test reads every
//! `crate::…` path of the sources (`use` lines and paths in code) and fails on one that goes
//! the other way, or that goes through the crate root instead of naming its layer
//! (`crate::TypeName` hides where `TypeName` lives; `crate::names::TypeName` does not).
//! docs/architecture.md explains the layers.

use std::path::{Path, PathBuf};

use syn::visit::Visit;

/// The layers, lowest first. A layer may use the ones before it.
const LAYERS: &[&str] = &[
    // The protobuf types generated from `proto/`: data, no logic.
    "proto",
    // The text of a caught panic.
    "panic",
    // Typenames, addresses, cancellation tokens.
    "names",
    // The `Type` trait and the codecs.
    "codec",
    // What a function receives and accepts, and what it sends.
    "message",
    // State cells, specs, the `State` trait.
    "state",
    // The `Function` trait, the `Context`, typed addresses.
    "function",
    // The request read in place, the answer written, and the conversions to and from them.
    "wire",
    // The registry and the dispatcher.
    "dispatch",
    // The request pipeline of every HTTP integration, and what observes it.
    "http",
    // Prometheus metrics: an observer of the pipeline.
    "metrics",
    // A module.yaml: read, checked against a catalog of functions, its ingresses' routing.
    "module",
    // The local runtime, which plays the StateFun runtime's side.
    "local",
    // What the macros' generated code uses.
    "__private",
];

fn source_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The Rust files of `dir`, recursively.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The layer a source file belongs to: its top-level module.
fn layer_of(file: &Path) -> String {
    let relative = file.strip_prefix(source_dir()).unwrap();
    let first = relative.components().next().unwrap();
    first
        .as_os_str()
        .to_str()
        .unwrap()
        .trim_end_matches(".rs")
        .to_owned()
}

/// Every path starting with `crate` in a file: its first segment after `crate`, and the
/// line it is on.
#[derive(Default)]
struct CratePaths(Vec<(String, usize)>);

impl CratePaths {
    fn add(&mut self, first: &syn::Ident) {
        self.0.push((first.to_string(), first.span().start().line));
    }

    fn use_tree(&mut self, tree: &syn::UseTree, at_crate: bool) {
        match tree {
            syn::UseTree::Path(p) if p.ident == "crate" => self.use_tree(&p.tree, true),
            syn::UseTree::Path(p) if at_crate => self.add(&p.ident),
            syn::UseTree::Name(n) if at_crate => self.add(&n.ident),
            syn::UseTree::Rename(r) if at_crate => self.add(&r.ident),
            syn::UseTree::Group(g) => g.items.iter().for_each(|t| self.use_tree(t, at_crate)),
            _ => {}
        }
    }
}

impl<'ast> Visit<'ast> for CratePaths {
    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        self.use_tree(&item.tree, false);
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        let mut segments = path.segments.iter();
        if let (Some(first), Some(second)) = (segments.next(), segments.next())
            && first.ident == "crate"
        {
            self.add(&second.ident);
        }
        syn::visit::visit_path(self, path);
    }
}

/// What is wrong with the `crate::` paths of `text` (the file `name`, in `layer`).
fn violations(name: &str, layer: &str, text: &str) -> Vec<String> {
    let Some(own) = LAYERS.iter().position(|l| *l == layer) else {
        return vec![format!(
            "{name}: `{layer}` is not a layer; add it to LAYERS (and to docs/architecture.md)"
        )];
    };
    let ast = syn::parse_file(text).unwrap_or_else(|e| panic!("{name}: {e}"));
    let mut paths = CratePaths::default();
    paths.visit_file(&ast);
    let mut found = Vec::new();
    for (target, line) in paths.0 {
        match LAYERS.iter().position(|l| *l == target) {
            None => found.push(format!(
                "{name}:{line}: `crate::{target}` goes through the crate root; name its layer (`crate::<layer>::{target}`)"
            )),
            Some(used) if used > own => found.push(format!(
                "{name}:{line}: `{layer}` uses `crate::{target}`, a layer above it ({})",
                LAYERS.join(" < ")
            )),
            Some(_) => {}
        }
    }
    found
}

#[test]
fn every_module_uses_only_its_layer_and_those_below() {
    let mut files = Vec::new();
    rust_files(&source_dir(), &mut files);
    files.sort();
    let mut problems = Vec::new();
    for file in &files {
        let relative = file.strip_prefix(source_dir()).unwrap();
        if relative == Path::new("lib.rs") || relative.starts_with("proto") {
            // The crate root re-exports; the generated code names nothing of the crate.
            continue;
        }
        let text = std::fs::read_to_string(file).unwrap();
        problems.extend(violations(
            &relative.display().to_string(),
            &layer_of(file),
            &text,
        ));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_layers_are_the_modules_of_the_crate_root() {
    let lib = std::fs::read_to_string(source_dir().join("lib.rs")).unwrap();
    let ast = syn::parse_file(&lib).unwrap();
    let modules: Vec<String> = ast
        .items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Mod(m) => Some(m.ident.to_string()),
            _ => None,
        })
        .collect();
    assert_eq!(modules, LAYERS, "lib.rs declares the layers in their order");
}

#[test]
fn a_use_against_the_direction_is_found() {
    let upward = "use crate::http::Answer;\nfn f() -> crate::dispatch::Handler { todo!() }";
    let found = violations("state/value.rs", "state", upward);
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found[0].starts_with("state/value.rs:1: `state` uses `crate::http`"));
    assert!(found[1].starts_with("state/value.rs:2: `state` uses `crate::dispatch`"));
    let through_root = violations(
        "wire/convert.rs",
        "wire",
        "use crate::{TypeName, names::Address};",
    );
    assert_eq!(through_root.len(), 1, "{through_root:?}");
    assert!(through_root[0].contains("goes through the crate root"));
    let downward = "use crate::{codec::Type, names::TypeName};\nuse super::Value;";
    assert!(violations("state/cells.rs", "state", downward).is_empty());
}
