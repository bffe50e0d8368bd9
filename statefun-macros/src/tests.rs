//! Expansion snapshots: each macro's output for a typical input, formatted with
//! `prettyplease` and compared with `tests/snapshots/<name>.rs`. After an intended change,
//! regenerate with `STATEFUN_BLESS=1 cargo test -p statefun-macros` and review the diff.
//! Also unit tests of the compile-time checks.

use std::{env, fs, path::PathBuf};

use proc_macro2::{Delimiter, Group, TokenStream};
use quote::quote;

// The table's reader, shared with test-support by path: depending on test-support would
// build the facade with its features for the trybuild suite too. `accepted` serves only
// the tests that use test-support.
#[path = "../../test-support/src/state_names.rs"]
#[allow(dead_code)]
mod state_names;

use crate::{
    errors::{DurationMistake, TypeNameMistake, suggest_state_name},
    function_impl, messages_impl, state_spec_impl, type_impl,
    ui_errors::compile_errors,
    valid::{duration_millis, state_name, type_name},
};

fn snapshot(name: &str, tokens: TokenStream) {
    let file: syn::File = syn::parse2(tokens.clone())
        .unwrap_or_else(|e| panic!("{name}: the expansion does not parse: {e}\n{tokens}"));
    assert_snapshot(
        &format!("{name}.rs"),
        &format!("{name}: the expansion"),
        &prettyplease::unparse(&file),
    );
}

/// Compares `actual` with `tests/snapshots/<file>`, or writes it there when
/// `STATEFUN_BLESS` is set. `what` names the snapshot in the failure.
pub(crate) fn assert_snapshot(file: &str, what: &str, actual: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(file);
    if env::var_os("STATEFUN_BLESS").is_some() {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, actual).unwrap();
        return;
    }
    let expected = fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "no snapshot {}: run `STATEFUN_BLESS=1 cargo test -p statefun-macros`",
            path.display()
        )
    });
    if expected != actual {
        let diff: Vec<String> = expected
            .lines()
            .zip(actual.lines())
            .filter(|(e, a)| e != a)
            .take(10)
            .map(|(e, a)| format!("- {e}\n+ {a}"))
            .collect();
        panic!(
            "{what} changed; if intended, run `STATEFUN_BLESS=1 cargo test -p statefun-macros` and review the diff.\n{}\n(lines: {} expected, {} actual)\n--- actual\n{actual}",
            diff.join("\n"),
            expected.lines().count(),
            actual.lines().count()
        );
    }
}

#[test]
fn expand_async_stateful_function() {
    snapshot(
        "function_async_stateful",
        function_impl(
            quote!(typename = "demo/greeter"),
            quote! {
                /// Greets and counts.
                #[tracing::instrument(skip_all)]
                pub async fn greet(
                    ctx: &mut Context,
                    state: &mut Seen,
                    msg: Message,
                ) -> Result<(), GreetError> {
                    state.seen.update(|n| Some(n.unwrap_or(0) + 1));
                    Ok(())
                }
            },
        ),
    );
}

#[test]
fn expand_sync_stateless_function_with_crate_override() {
    snapshot(
        "function_sync_stateless",
        function_impl(
            quote!(typename = "demo/echo", crate = "my_statefun"),
            quote! {
                fn echo(_ctx: &mut Context, _msg: Message) {}
            },
        ),
    );
}

#[test]
fn expand_invalid_function_keeps_the_item() {
    snapshot(
        "function_invalid",
        function_impl(
            quote!(typename = "greeter"),
            quote! {
                fn greet(ctx: &mut Context, msg: &Message) {}
            },
        ),
    );
}

#[test]
fn expand_state_spec() {
    snapshot(
        "state_spec",
        state_spec_impl(quote! {
            struct Account {
                seen: Value<i32>,
                #[state(name = "profile_v2", expire_after_write = "1h30m")]
                profile: Value<Profile>,
                #[state(expire_after_call = "1500ms")]
                r#type: Value<String>,
            }
        }),
    );
}

#[test]
fn expand_state_spec_with_a_mistake_keeps_the_impl() {
    snapshot(
        "state_spec_invalid_name",
        state_spec_impl(quote! {
            struct Account {
                #[state(name = "last-seen")]
                seen: Value<i32>,
            }
        }),
    );
}

#[test]
fn expand_state_spec_fallback() {
    snapshot(
        "state_spec_fallback",
        state_spec_impl(quote! {
            #[state(crate = "my_statefun")]
            enum Account<T: Clone> where T: Send {
                Open { seen: Value<T> },
            }
        }),
    );
}

#[test]
fn expand_state_spec_with_an_invalid_crate_path_has_no_impl() {
    snapshot(
        "state_spec_invalid_crate",
        state_spec_impl(quote! {
            #[state(crate = "not a path")]
            struct Account;
        }),
    );
}

#[test]
fn expand_type_fallback_json() {
    snapshot(
        "type_fallback_json",
        type_impl(quote! {
            #[statefun(json)]
            struct Profile { name: String }
        }),
    );
}

#[test]
fn expand_type_fallback_raw() {
    snapshot(
        "type_fallback_raw",
        type_impl(quote! {
            #[statefun(raw, typename = "demo/bytes", crate = "my_statefun")]
            struct Blob<T> { bytes: T }
        }),
    );
}

#[test]
fn expand_type_with_an_unknown_key_gets_the_fallback() {
    snapshot(
        "type_unknown_key",
        type_impl(quote! {
            #[statefun(protobuf, typname = "demo/Ping")]
            struct Ping { from: String }
        }),
    );
}

#[test]
fn expand_type_json() {
    snapshot(
        "type_json",
        type_impl(quote! {
            #[statefun(json, typename = "demo/Profile")]
            struct Profile { name: String }
        }),
    );
}

#[test]
fn expand_type_protobuf() {
    snapshot(
        "type_protobuf",
        type_impl(quote! {
            #[statefun(protobuf)]
            struct Ping { from: String }
        }),
    );
}

#[test]
fn expand_type_raw() {
    snapshot(
        "type_raw",
        type_impl(quote! {
            #[statefun(raw, typename = "demo/bytes")]
            struct Blob(Bytes);
        }),
    );
}

#[test]
fn expand_messages() {
    snapshot(
        "messages",
        messages_impl(quote! {
            enum CartMessage {
                Add(AddItem),
                Note(String),
            }
        }),
    );
}

#[test]
fn expand_messages_with_a_catch_all() {
    snapshot(
        "messages_catch_all",
        messages_impl(quote! {
            #[statefun(crate = "my_statefun")]
            enum Audit {
                Note(String),
                #[statefun(other)]
                Other(Message),
            }
        }),
    );
}

#[test]
fn expand_messages_fallback() {
    snapshot(
        "messages_fallback",
        messages_impl(quote! {
            enum Generic<T> {
                Value(T),
                Unit,
            }
        }),
    );
}

/// `tokens` inside an invisible group, as a `macro_rules!` `$t:ty` hands them on.
fn invisible(tokens: TokenStream) -> Group {
    Group::new(Delimiter::None, tokens)
}

#[test]
fn argument_types_read_through_parentheses_and_invisible_groups() {
    let args = quote!(typename = "demo/f");
    let (ctx, state, state_ref, msg) = (
        invisible(quote!(&mut Context)),
        invisible(quote!(Seen)),
        invisible(quote!(&mut Seen)),
        invisible(quote!(Message)),
    );
    for item in [
        quote!(
            fn f(ctx: (&mut Context), state: &mut (Seen), msg: Message) {}
        ),
        quote!(fn f(ctx: #ctx, state: &mut #state, msg: #msg) {}),
        quote!(fn f(ctx: (#ctx), state: (&mut #state), msg: Message) {}),
        quote!(fn f(ctx: &mut Context, state: #state_ref, msg: Message) {}),
    ] {
        assert_eq!(
            compile_errors(function_impl(args.clone(), item.clone())),
            Vec::<String>::new(),
            "{item}"
        );
    }
    // A state taken by value is told to take it by `&mut`, however it is wrapped.
    for item in [
        quote!(
            fn f(ctx: &mut Context, state: Seen, msg: Message) {}
        ),
        quote!(
            fn f(ctx: &mut Context, state: (Seen), msg: Message) {}
        ),
        quote!(fn f(ctx: &mut Context, state: #state, msg: Message) {}),
    ] {
        let errors = compile_errors(function_impl(args.clone(), item.clone()));
        assert_eq!(errors.len(), 1, "{item}: {errors:?}");
        assert!(
            errors[0].ends_with("take the state by mutable reference: `state: &mut Seen`"),
            "{item}: {errors:?}"
        );
    }
}

#[test]
fn an_impl_trait_argument_is_generic_through_invisible_groups_too() {
    let hidden = invisible(quote!(impl Sized));
    for item in [
        quote!(
            fn f(ctx: &mut Context, msg: impl Sized) {}
        ),
        quote!(fn f(ctx: &mut Context, msg: #hidden) {}),
        quote!(fn f(ctx: &mut Context, state: &mut (#hidden), msg: Message) {}),
    ] {
        let errors = compile_errors(function_impl(quote!(typename = "demo/f"), item.clone()));
        assert_eq!(errors.len(), 1, "{item}: {errors:?}");
        assert!(
            errors[0].contains("cannot be generic"),
            "{item}: {errors:?}"
        );
    }
}

#[test]
fn a_method_with_a_mistake_stays_as_written() {
    let method = quote!(
        fn greet(&self, msg: Message) {}
    );
    let expansion = function_impl(quote!(typename = "demo/m"), method.clone()).to_string();
    assert_eq!(compile_errors(expansion.parse().unwrap()).len(), 1);
    assert!(expansion.ends_with(&method.to_string()), "{expansion}");
    // A free function with a mistake gets the fallback items instead.
    let free = quote!(
        fn greet(msg: Message) {}
    );
    let expansion = function_impl(quote!(typename = "demo/m"), free.clone()).to_string();
    assert!(!expansion.ends_with(&free.to_string()), "{expansion}");
}

#[test]
fn durations() {
    assert_eq!(duration_millis("1500ms"), Ok(1_500));
    assert_eq!(duration_millis("10m"), Ok(600_000));
    assert_eq!(duration_millis("1h30m"), Ok(5_400_000));
    assert_eq!(duration_millis("1d 2h"), Ok(93_600_000));
    assert_eq!(duration_millis("1m30s500ms"), Ok(90_500));
    assert_eq!(duration_millis(""), Err(DurationMistake::Empty));
    assert_eq!(duration_millis("  "), Err(DurationMistake::Empty));
    assert_eq!(duration_millis("0s"), Err(DurationMistake::Zero));
    assert_eq!(duration_millis("0h0m"), Err(DurationMistake::Zero));
    assert_eq!(
        duration_millis("10"),
        Err(DurationMistake::MissingUnit("10".into()))
    );
    assert_eq!(
        duration_millis("10x"),
        Err(DurationMistake::UnknownUnit("x".into()))
    );
    assert_eq!(
        duration_millis("1hour"),
        Err(DurationMistake::UnknownUnit("hour".into()))
    );
    assert_eq!(
        duration_millis("h"),
        Err(DurationMistake::ExpectedNumber('h'))
    );
    assert_eq!(
        duration_millis("-1s"),
        Err(DurationMistake::ExpectedNumber('-'))
    );
    assert_eq!(
        duration_millis("99999999999999999999d"),
        Err(DurationMistake::TooLong)
    );
}

#[test]
fn type_names() {
    assert_eq!(type_name("demo/greeter"), Ok(()));
    assert_eq!(type_name("com.example.fns/greeter-v2"), Ok(()));
    assert_eq!(type_name(""), Err(TypeNameMistake::Empty));
    assert_eq!(type_name("greeter"), Err(TypeNameMistake::MissingSlash));
    assert_eq!(type_name("a/b/c"), Err(TypeNameMistake::TooManySlashes));
    assert_eq!(type_name("/b"), Err(TypeNameMistake::EmptyNamespace));
    assert_eq!(type_name("a/"), Err(TypeNameMistake::EmptyName));
}

#[test]
fn state_names_follow_the_shared_table() {
    for (accepted, name) in state_names::table() {
        assert_eq!(state_name(&name), accepted, "{name:?}");
    }
    assert_eq!(suggest_state_name("Seen-Count"), "Seen_Count");
    assert_eq!(suggest_state_name("last.seen"), "last_seen");
    assert_eq!(suggest_state_name("1st"), "_1st");
    assert_eq!(suggest_state_name("a  b"), "a_b");
    for name in state_names::rejected() {
        assert!(state_name(&suggest_state_name(&name)), "{name:?}");
    }
}
