//! Procedural macros of the StateFun Rust SDK: `#[statefun::function]`,
//! `#[derive(StateSpec)]`, `#[derive(statefun::Type)]` and `#[derive(statefun::Messages)]`.
//!
//! Use them through the `statefun-sdk` facade (library `statefun`), which re-exports them
//! and provides the runtime paths the generated code names (`statefun::__private`, not
//! public API).
//!
//! Each macro parses its input (`attr`, `ast`), checks it (`valid`) and generates code
//! (`expand`). Every mistake is a compile error at the offending token, and one mistake
//! gives one error: after a mistake `#[statefun::function]` still generates its items and
//! a derive still implements its trait (with a fallback impl whose bodies never run where
//! the real one cannot be generated), so that uses of the item add no errors of their own. What the macros cannot decide from
//! syntax (the types of a function's context and message, a field's codec) is left to
//! the compiler through trait bounds spanned at the user's tokens, whose
//! `#[diagnostic::on_unimplemented]` messages say what to write.

mod ast;
mod attr;
mod errors;
mod expand;
mod valid;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod ui_errors;

use proc_macro::TokenStream;
use proc_macro2::TokenStream as TokenStream2;
use quote::quote;
use syn::{DeriveInput, ItemFn};

use crate::errors::{Errors, Mistake};

/// Turns a function into a StateFun function type.
///
/// ```
/// use statefun::{Address, BoxError, Context, Message, StateSpec, Value};
///
/// #[derive(StateSpec)]
/// struct Seen {
///     seen: Value<i32>,
/// }
///
/// /// Counts greetings.
/// #[statefun::function(typename = "demo/greeter")]
/// async fn greet(ctx: &mut Context, state: &mut Seen, msg: Message) -> Result<(), BoxError> {
///     let _name = msg.as_str()?;
///     state.seen.update(|n| Some(n.unwrap_or(0) + 1));
///     Ok(())
/// }
///
/// /// Stateless and synchronous.
/// #[statefun::function(typename = "demo/log")]
/// fn log(ctx: &mut Context, msg: Message) {
///     println!("{} got a {}", ctx.self_address(), msg.type_name());
/// }
///
/// let functions = statefun::Functions::new().with(greet).with(log);
/// assert_eq!(greet::TYPE_NAME, "demo/greeter");
///
/// // The body stays callable, e.g. in a unit test:
/// let mut ctx = Context::new(Address::new(greet::TYPE_NAME, "alice"));
/// let mut state = Seen { seen: Value::default() };
/// # futures_lite_block_on(async {
/// greet::call(&mut ctx, &mut state, Message::new("bob")).await?;
/// assert_eq!(state.seen.get(), Some(&1));
/// # Ok::<(), BoxError>(())
/// # })?;
/// # fn futures_lite_block_on<F: std::future::Future>(f: F) -> F::Output {
/// #     let waker = std::task::Waker::noop();
/// #     let mut cx = std::task::Context::from_waker(&waker);
/// #     let mut f = std::pin::pin!(f);
/// #     loop { if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) { return v; } }
/// # }
/// # Ok::<(), BoxError>(())
/// ```
///
/// # Signature
/// `fn` or `async fn`, with arguments `(ctx: &mut Context, state: &mut S, msg: Message)`,
/// where `S` has `#[derive(StateSpec)]`, or `(ctx: &mut Context, msg: Message)` for a
/// stateless function. It returns `()` or `Result<(), E>` for any `E` that converts into
/// `Box<dyn Error + Send + Sync>` (your own error enum, `anyhow::Error`, `Box<dyn Error>`).
///
/// Arguments have their roles by position: the first is the context, the last the message,
/// and a middle one the state. The macro checks what the signature's syntax decides (the
/// number of arguments; the context and the state are `&mut` references, the message is
/// taken by value) and leaves the types to the compiler, so any spelling of them works:
///
/// ```
/// use statefun::{Context as Ctx, Message as Msg};
///
/// type Reply = Result<(), statefun::BoxError>;
///
/// #[statefun::function(typename = "demo/echo")]
/// fn echo(ctx: &mut Ctx, msg: Msg) -> Reply {
///     ctx.reply(msg.as_str()?)?;
///     Ok(())
/// }
/// ```
///
/// A wrong type is one error at that argument, saying what to write there (e.g. "the first
/// argument of a StateFun function is `ctx: &mut statefun::Context`, not `&statefun::Context`").
///
/// # Keys
/// - `typename = "namespace/name"` (required): the function's typename, checked at compile
///   time (exactly one `/`, both parts non-empty).
/// - `crate = "path"`: the path of the facade crate if you renamed it (default `::statefun`).
///
/// # Generated items
/// For `fn greet`, with the function's visibility:
/// - `struct greet;`: a unit struct (`Clone`, `Copy`, `Debug`, `Default`) carrying the
///   function's doc comments; register it with `Functions::new().with(greet)`.
/// - `greet::TYPE_NAME`: the typename as a `const TypeName`.
/// - `greet::call(...)`: the function as written (same arguments, return type and
///   attributes), to call directly, e.g. in unit tests.
/// - `impl Function for greet`, whose `invoke` runs `call` and converts its result.
///
/// After a mistake in the attribute or the signature, these items are still generated
/// (`impl Function` then never runs, since the crate does not compile), so that
/// registering the function reports no second error.
///
/// Because the name now names a unit struct, a local variable of the same name in that
/// module (`let greet = ...`) is a pattern for the struct and fails to compile: name
/// variables differently.
#[proc_macro_attribute]
pub fn function(args: TokenStream, item: TokenStream) -> TokenStream {
    function_impl(args.into(), item.into()).into()
}

/// Derives `State` for a struct of `Value<T>` fields: one value spec per field, in
/// declaration order.
///
/// ```
/// use statefun::{Expiration, State, StateSpec, Value};
/// use std::time::Duration;
///
/// #[derive(StateSpec)]
/// struct Cart {
///     #[state(expire_after_call = "1h30m")]
///     items: Value<String>,
///     #[state(name = "last_seen", expire_after_write = "7d")]
///     seen_at: Value<i64>,
///     visits: Value<i32>,
/// }
///
/// let specs = Cart::specs();
/// assert_eq!(specs[0].expiration(), Expiration::AfterCall(Duration::from_secs(5400)));
/// assert_eq!(specs[1].name(), "last_seen");
/// assert_eq!(specs[2].type_name().as_str(), "io.statefun.types/int");
/// ```
///
/// # Field keys (`#[state(...)]`)
/// - `name = "stateName"`: the state name (default: the field name). Names match
///   `^[A-Za-z_][A-Za-z0-9_]*$` (as in the Java and Go SDKs, so a Rust function can take
///   over the state of a function written with them) and are unique within the struct.
/// - `expire_after_call = "10m"` or `expire_after_write = "1h30m"` (at most one): the
///   state expires after that long without an invocation, or without a write. Durations
///   are one or more `<number><unit>` parts with units `ms`, `s`, `m`, `h`, `d` (e.g.
///   `"1500ms"`, `"1h30m"`), at least 1 ms.
///
/// # Struct keys (`#[state(...)]` on the struct)
/// - `crate = "path"`: the path of the facade crate if you renamed it.
///
/// Field types are `Value<T>` for a StateFun type `T` (a primitive, `String`, or a type
/// with `#[derive(statefun::Type)]`); anything else is a trait-bound error at the field.
/// Tuple structs, unit structs, enums, unions and generic structs are rejected.
///
/// A struct with a mistake still gets an `impl State` (never run, since the crate does not
/// compile), so that a function taking it as its state reports no second error.
#[proc_macro_derive(StateSpec, attributes(state))]
pub fn derive_state_spec(input: TokenStream) -> TokenStream {
    state_spec_impl(input.into()).into()
}

/// Derives `Type` (a typename and a codec) for your own message and state types.
///
/// ```
/// #[derive(serde::Serialize, serde::Deserialize, statefun::Type)]
/// #[statefun(json, typename = "demo/Profile")]
/// struct Profile { name: String, visits: u32 }
///
/// #[derive(Clone, PartialEq, prost::Message, statefun::Type)]
/// #[statefun(protobuf, typename = "demo/Ping")]
/// struct Ping { #[prost(string, tag = "1")] from: String }
///
/// #[derive(statefun::Type)]
/// #[statefun(raw, typename = "demo/bytes")]
/// struct Blob(bytes::Bytes);
///
/// use statefun::Type;
/// assert_eq!(Profile::type_name(), "demo/Profile");
/// assert_eq!(<Ping as Type>::type_name(), "demo/Ping");
/// assert_eq!(Blob::type_name(), "demo/bytes");
/// ```
///
/// # Keys (`#[statefun(...)]`)
/// Exactly one codec:
/// - `json`: serde JSON; needs `typename`; the type implements `Serialize` and
///   `Deserialize`.
/// - `protobuf`: a prost message; `typename` defaults to `type.googleapis.com/<full name>`
///   from `prost::Name` (as the official SDKs write it).
/// - `raw`: a newtype around `Bytes` or `Vec<u8>`, sent unchanged; needs `typename`.
///
/// and optionally `typename = "namespace/Name"` and `crate = "path"`.
///
/// A type with a mistake still gets an `impl Type` (never run, since the crate does not
/// compile), so that its uses (a `Value<T>` field, a message sent or decoded) report no
/// second error.
#[proc_macro_derive(Type, attributes(statefun))]
pub fn derive_type(input: TokenStream) -> TokenStream {
    type_impl(input.into()).into()
}

/// Derives `Messages` for an enum of the message types a function accepts, one variant per
/// type: the function takes the enum as its message and is called with the variant of the
/// message's typename, decoded once.
///
/// ```
/// use statefun::{Context, Functions, Message, MessageTypes, Messages, TypeName};
///
/// #[derive(serde::Serialize, serde::Deserialize, statefun::Type)]
/// #[statefun(json, typename = "demo/AddItem")]
/// struct AddItem { item: String, quantity: u32 }
///
/// #[derive(statefun::Messages)]
/// enum CartMessage {
///     Add(AddItem),
///     Note(String),
/// }
///
/// #[statefun::function(typename = "demo/cart")]
/// fn cart(ctx: &mut Context, msg: CartMessage) {
///     match msg {
///         CartMessage::Add(add) => println!("{} x {}", add.quantity, add.item),
///         CartMessage::Note(text) => println!("note: {text}"),
///     }
/// }
///
/// assert_eq!(
///     CartMessage::message_types(),
///     MessageTypes::Only(vec![
///         TypeName::from_static("demo/AddItem"),
///         TypeName::from_static("io.statefun.types/string"),
///     ]),
/// );
/// let note = CartMessage::from_message(Message::new("gift wrap"))?;
/// assert!(matches!(note, CartMessage::Note(text) if text == "gift wrap"));
/// // Any other typename is an error naming the ones accepted.
/// let error = CartMessage::from_message(Message::new(&7_i64)).err().unwrap();
/// assert_eq!(
///     error.to_string(),
///     "the function does not accept `io.statefun.types/long` messages: it accepts `demo/AddItem`, `io.statefun.types/string`",
/// );
///
/// // Sends through `cart::address(id)` are checked against the variants' types:
/// let add = statefun::OutgoingMessage::new(cart::address("alice"), &AddItem { item: "tea".into(), quantity: 2 })?;
/// let note = statefun::OutgoingMessage::new(cart::address("alice"), "gift wrap")?;
/// // statefun::OutgoingMessage::new(cart::address("alice"), &7_i64)?; // does not compile
/// # let _ = (add, note, Functions::new().with(cart));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Variants
/// Each variant holds one value of a StateFun type (a primitive, `String`, or a type with
/// `#[derive(statefun::Type)]`), and no two variants have the same type. At most one
/// variant may be the catch-all, `#[statefun(other)] Other(statefun::Message)`: it receives
/// every message no other variant takes, and the function then accepts any typename.
/// Without one, a message of another typename fails the batch with an error naming the
/// function, the typename received and the typenames accepted.
///
/// # Keys
/// - `#[statefun(other)]` on a variant: the catch-all.
/// - `#[statefun(crate = "path")]` on the enum: the path of the facade crate if you
///   renamed it.
///
/// An enum with a mistake still gets its impls (never run, since the crate does not
/// compile), so that a function taking it reports no second error.
#[proc_macro_derive(Messages, attributes(statefun))]
pub fn derive_messages(input: TokenStream) -> TokenStream {
    messages_impl(input.into()).into()
}

/// `#[statefun::function]` from token streams: the generated items, or the errors and the
/// items with a fallback `impl Function` (the original item for a method or an invalid
/// crate path).
pub(crate) fn function_impl(args: TokenStream2, item: TokenStream2) -> TokenStream2 {
    let mut errors = Errors::new();
    let item_fn: ItemFn = match syn::parse2(item.clone()) {
        Ok(item_fn) => item_fn,
        Err(_) => {
            errors.push_at(proc_macro2::Span::call_site(), Mistake::NotAFunction);
            let errors = errors.finish().err();
            return quote!(#errors #item);
        }
    };
    let args = attr::FunctionArgs::parse(args, &mut errors);
    let function = ast::Function::from_syn(item_fn, &mut errors);
    let valid = valid::function(&args, &function, &mut errors);
    match (errors.finish(), valid) {
        (Ok(()), Some(valid)) => expand::function(&valid),
        // A method stays as written: its items could not go inside an `impl` block.
        (Err(errors), _) => match valid::crate_path(&args.krate) {
            Some(krate) if function.item.sig.receiver().is_none() => {
                let type_name = args
                    .type_name
                    .get()
                    .filter(|lit| valid::type_name(&lit.value()).is_ok());
                let fallback = expand::function_fallback(&function, type_name, &krate);
                quote!(#errors #fallback)
            }
            _ => quote!(#errors #item),
        },
        (Ok(()), None) => unreachable!("an invalid function always has an error"),
    }
}

/// `#[derive(StateSpec)]` from a token stream: the errors if any, and the impl.
///
/// With a mistake the struct still gets an `impl State`: the generated one if the struct
/// has named fields and no generics (a mistake in an attribute changes no field type), else
/// a fallback. Uses of the type then add no error of their own, so that each mistake is
/// reported once.
pub(crate) fn state_spec_impl(input: TokenStream2) -> TokenStream2 {
    let input: DeriveInput = match syn::parse2(input) {
        Ok(input) => input,
        Err(error) => return error.to_compile_error(),
    };
    let mut errors = Errors::new();
    let parsed = ast::StateStruct::from_syn(&input, &mut errors);
    let valid = valid::state(&parsed, &mut errors);
    match (errors.finish(), valid) {
        (errors, Some(valid)) => {
            let errors = errors.err();
            let state = expand::state(&valid);
            quote!(#errors #state)
        }
        (Err(errors), None) => {
            let fallback = valid::crate_path(&parsed.args.krate)
                .map(|krate| expand::state_fallback(&input, &krate));
            quote!(#errors #fallback)
        }
        (Ok(()), None) => unreachable!("an invalid state struct always has an error"),
    }
}

/// `#[derive(statefun::Type)]` from a token stream: the impl, or the errors and a fallback
/// impl. Every mistake is in the `#[statefun(...)]` attribute, which decides the whole
/// impl, so any mistake gets the fallback: uses of the type then add no error of their
/// own, and the generated impl none caused by the mistake.
pub(crate) fn type_impl(input: TokenStream2) -> TokenStream2 {
    let input: DeriveInput = match syn::parse2(input) {
        Ok(input) => input,
        Err(error) => return error.to_compile_error(),
    };
    let mut errors = Errors::new();
    let parsed = ast::TypeInput::from_syn(&input, &mut errors);
    let valid = valid::type_(&parsed, &mut errors);
    match (errors.finish(), valid) {
        (Ok(()), Some(valid)) => expand::type_(&valid),
        (Err(errors), _) => {
            let fallback = valid::crate_path(&parsed.args.krate).map(|krate| {
                let codec = parsed.args.codec.as_ref().map(|(codec, _)| *codec);
                expand::type_fallback(&input, codec, &krate)
            });
            quote!(#errors #fallback)
        }
        (Ok(()), None) => unreachable!("an invalid type always has an error"),
    }
}

/// `#[derive(statefun::Messages)]` from a token stream: the impls, or the errors and
/// fallback impls, so that uses of the enum add no error of their own.
pub(crate) fn messages_impl(input: TokenStream2) -> TokenStream2 {
    let input: DeriveInput = match syn::parse2(input) {
        Ok(input) => input,
        Err(error) => return error.to_compile_error(),
    };
    let mut errors = Errors::new();
    let parsed = ast::MessagesEnum::from_syn(&input, &mut errors);
    match valid::messages(&parsed, &errors) {
        Some(valid) => expand::messages(&valid),
        None => {
            let fallback = valid::crate_path(&parsed.args.krate)
                .map(|krate| expand::messages_fallback(&input, &krate));
            let errors = errors.finish().err();
            quote!(#errors #fallback)
        }
    }
}
