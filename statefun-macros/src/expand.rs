//! Code generation from checked inputs, and the fallback items of inputs with a mistake
//! (so that their uses add no error of their own). Generated code names the runtime only
//! through `<crate>::__private` (`::statefun::__private` unless `crate = "..."` says
//! otherwise), and trait bounds are spanned at the user's tokens so that unmet bounds are
//! reported at the argument, field or return type that causes them.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::{DeriveInput, ItemFn, LitStr, Path, parse_quote, spanned::Spanned};

use crate::{
    ast::Function,
    attr::Codec,
    valid::{Expiration, ValidCodec, ValidFunction, ValidMessages, ValidState, ValidType},
};

/// `#[statefun::function]`: a unit struct named after the function, carrying its
/// typename, the body as `call`, and `impl Function`.
pub(crate) fn function(valid: &ValidFunction<'_>) -> TokenStream {
    let krate = &valid.krate;
    let p = quote!(#krate::__private);
    let function = valid.function;
    let name = &function.item.sig.ident;
    let items = function_items(function, valid.type_name, &p);

    // The compiler checks the context's and the message's types through these bounds,
    // spanned at the user's argument types.
    let context_ty = valid.context;
    let context = quote_spanned! {context_ty.span()=>
        <#context_ty as #p::ContextArgument<'_>>::from_context(ctx)
    };
    // One call takes both functions of the message argument, so a type that is not a
    // message type is one error.
    let message_ty = valid.message;
    let message_parameter = quote_spanned! {message_ty.span()=>
        const MESSAGE: #p::MessageParameter<#message_ty> =
            #p::message_parameter::<#message_ty>();
    };
    let type_name = valid.type_name;
    let (state_ty, state_param, call_args) = match &function.state {
        Some(ty) => (
            quote_spanned!(ty.span()=> #ty),
            quote!(state),
            quote!(#context, state, message),
        ),
        None => (quote!(()), quote!(_state), quote!(#context, message)),
    };
    let await_call = match function.item.sig.asyncness {
        Some(_) => quote!(Self::call(#call_args).await),
        None => quote!(Self::call(#call_args)),
    };
    let into_result = match &function.output {
        Some(ty) => quote_spanned! {ty.span()=>
            <#ty as #p::IntoFunctionResult>::into_function_result(result)
        },
        None => quote!(#p::IntoFunctionResult::into_function_result(result)),
    };

    quote! {
        #items

        const _: () = {
            #message_parameter

            #[automatically_derived]
            impl #p::Function for #name {
                type State = #state_ty;

                fn type_name(&self) -> #p::TypeName {
                    Self::TYPE_NAME
                }

                fn message_types(&self) -> #p::MessageTypes {
                    (MESSAGE.message_types)()
                }

                fn invoke(
                    &self,
                    ctx: &mut #p::Context,
                    #state_param: &mut Self::State,
                    message: #p::Message,
                ) -> impl #p::Future<Output = #p::Result<(), #p::BoxError>> + #p::Send {
                    async move {
                        let message = (MESSAGE.from_message)(message)?;
                        let result = #await_call;
                        #into_result
                    }
                }
            }

            #[automatically_derived]
            impl #p::TypedFunction for #name {
                const TYPE_NAME: #p::TypeName = #p::TypeName::from_static(#type_name);
                type Message = #message_ty;
            }
        };
    }
}

/// The items of `#[statefun::function]` for a function with a mistake: the unit struct,
/// `TYPE_NAME` and `call` as for a valid one, and an `impl Function` whose bodies never
/// run (the crate does not compile). Registering the function or naming its items then
/// adds no error of its own, so that the mistake is reported once.
pub(crate) fn function_fallback(
    function: &Function,
    type_name: Option<&LitStr>,
    krate: &Path,
) -> TokenStream {
    let p = quote!(#krate::__private);
    let name = &function.item.sig.ident;
    // Stands in for a missing or invalid typename, which is reported.
    let stand_in = LitStr::new("statefun.invalid/typename", name.span());
    let type_name = type_name.unwrap_or(&stand_in);
    let items = function_items(function, type_name, &p);
    quote! {
        #items

        #[automatically_derived]
        impl #p::Function for #name {
            type State = ();

            fn type_name(&self) -> #p::TypeName {
                ::core::unreachable!()
            }

            fn invoke(
                &self,
                _: &mut #p::Context,
                _: &mut Self::State,
                _: #p::Message,
            ) -> impl #p::Future<Output = #p::Result<(), #p::BoxError>> + #p::Send {
                async { ::core::unreachable!() }
            }
        }

        // Takes any message, so that no send to the function adds an error.
        #[automatically_derived]
        impl #p::TypedFunction for #name {
            const TYPE_NAME: #p::TypeName = #p::TypeName::from_static(#type_name);
            type Message = #p::Message;
        }
    }
}

/// The unit struct named after the function (with its doc comments), its `TYPE_NAME`, its
/// `address(id)` and the function as written, renamed `call` (with its other attributes).
fn function_items(function: &Function, type_name: &LitStr, p: &TokenStream) -> TokenStream {
    let ItemFn {
        attrs,
        vis,
        sig,
        block,
    } = &function.item;
    let name = &sig.ident;
    let docs = attrs.iter().filter(|a| a.path().is_ident("doc"));
    let other_attrs = attrs.iter().filter(|a| !a.path().is_ident("doc"));
    let mut call_sig = sig.clone();
    call_sig.ident = format_ident!("call", span = sig.ident.span());
    let call_doc = format!(
        "The body of [`{name}`] as written: call it directly, e.g. in unit tests, as `{name}::call({})`.",
        if function.state.is_some() {
            "&mut ctx, &mut state, msg"
        } else {
            "&mut ctx, msg"
        }
    );
    quote! {
        #(#docs)*
        #[allow(non_camel_case_types)]
        #[derive(
            #p::Clone,
            #p::Copy,
            #p::Debug,
            #p::Default,
        )]
        #vis struct #name;

        impl #name {
            /// The function's typename, checked at compile time.
            pub const TYPE_NAME: #p::TypeName = #p::TypeName::from_static(#type_name);

            /// The address of the instance `id` of this function. A message sent to it must
            /// carry a value the function accepts, or the send does not compile.
            pub fn address(id: impl #p::Into<#p::String>) -> #p::AddressOf<Self> {
                #p::AddressOf::new(id)
            }

            #[doc = #call_doc]
            #(#other_attrs)*
            #vis #call_sig #block
        }
    }
}

/// `#[derive(StateSpec)]`: `impl State`, one spec per field in declaration order.
pub(crate) fn state(valid: &ValidState<'_>) -> TokenStream {
    let krate = &valid.krate;
    let p = quote!(#krate::__private);
    let ident = valid.ident;
    let specs = valid.fields.iter().map(|field| {
        let ty = field.ty;
        let name = &field.name;
        let expiration = match field.expiration {
            Expiration::Never => quote!(#p::Expiration::Never),
            Expiration::AfterCall(ms) => {
                quote!(#p::Expiration::AfterCall(#p::Duration::from_millis(#ms)))
            }
            Expiration::AfterWrite(ms) => {
                quote!(#p::Expiration::AfterWrite(#p::Duration::from_millis(#ms)))
            }
        };
        quote_spanned!(ty.span()=> <#ty as #p::StateField>::spec(#name, #expiration))
    });
    let reads = valid.fields.iter().map(|field| {
        let (ty, member) = (field.ty, field.ident);
        quote_spanned!(ty.span()=> #member: <#ty as #p::StateField>::from_cells(cells)?)
    });
    let writes = valid.fields.iter().map(|field| {
        let (ty, member) = (field.ty, field.ident);
        quote_spanned!(ty.span()=> <#ty as #p::StateField>::write(&self.#member, mutations)?)
    });
    let (cells, mutations) = if valid.fields.is_empty() {
        (quote!(_cells), quote!(_mutations))
    } else {
        (quote!(cells), quote!(mutations))
    };
    quote! {
        #[automatically_derived]
        impl #p::State for #ident {
            fn specs() -> #p::Vec<#p::ValueSpec> {
                #p::Vec::from([#(#specs),*])
            }

            fn from_cells(
                #cells: &mut #p::Cells<'_>,
            ) -> #p::Result<Self, #p::StateError> {
                #p::Result::Ok(Self { #(#reads,)* })
            }

            fn write_mutations(
                &self,
                #mutations: &mut #p::Mutations<'_>,
            ) -> #p::Result<(), #p::StateError> {
                #(#writes;)*
                #p::Result::Ok(())
            }
        }
    }
}

/// The `impl State` of a type whose derive reported a mistake and that cannot have the
/// generated one (not a struct with named fields, or generic): every use of the type then
/// compiles, so that the mistake is reported once, at the derive. Never run: the crate does
/// not compile.
pub(crate) fn state_fallback(input: &DeriveInput, krate: &Path) -> TokenStream {
    let p = quote!(#krate::__private);
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let mut where_clause = where_clause.cloned().unwrap_or_else(|| parse_quote!(where));
    // `State` requires `Send`. Assumed here rather than proven, so that a type that is not
    // `Send` gets no error at this impl; the higher-ranked bound is not a trivial bound
    // (unstable) for a type without generics.
    where_clause
        .predicates
        .push(parse_quote!(for<'__statefun> #ident #ty_generics: #p::Send));
    quote! {
        #[automatically_derived]
        impl #impl_generics #p::State for #ident #ty_generics #where_clause {
            fn specs() -> #p::Vec<#p::ValueSpec> {
                ::core::unreachable!()
            }

            fn from_cells(
                _: &mut #p::Cells<'_>,
            ) -> #p::Result<Self, #p::StateError> {
                ::core::unreachable!()
            }

            fn write_mutations(
                &self,
                _: &mut #p::Mutations<'_>,
            ) -> #p::Result<(), #p::StateError> {
                ::core::unreachable!()
            }
        }
    }
}

/// `#[derive(statefun::Type)]`: `impl Type` with the chosen codec, and
/// `impl InfallibleEncode` for the codecs whose encoding cannot fail (protobuf, raw).
pub(crate) fn type_(valid: &ValidType<'_>) -> TokenStream {
    let krate = &valid.krate;
    let p = quote!(#krate::__private);
    let ident = valid.ident;
    let static_type_name = |lit| {
        quote! {
            const TYPE_NAME: #p::TypeName = #p::TypeName::from_static(#lit);
            TYPE_NAME
        }
    };
    // `infallible` is the body of `encode_infallible`, for codecs that cannot fail.
    let (type_name, encode, infallible, decode) = match valid.codec {
        ValidCodec::Json(lit) => (
            static_type_name(lit),
            quote!(#p::json::encode(self)),
            None,
            quote!(#p::json::decode(&bytes)),
        ),
        ValidCodec::Protobuf(lit) => (
            match lit {
                Some(lit) => static_type_name(lit),
                None => quote_spanned! {ident.span()=>
                    static TYPE_NAME: #p::OnceLock<#p::TypeName> = #p::OnceLock::new();
                    #p::protobuf::cached_default_type_name::<Self>(&TYPE_NAME)
                },
            },
            quote!(#p::Result::Ok(#p::InfallibleEncode::encode_infallible(self))),
            Some(quote!((PROTOBUF.encode)(self))),
            quote!((PROTOBUF.decode)(bytes)),
        ),
        ValidCodec::Raw(lit, field) => (
            static_type_name(lit),
            quote!(#p::Result::Ok(#p::InfallibleEncode::encode_infallible(self))),
            Some(quote_spanned!(field.span()=> <#field as #p::raw::RawBytes>::to_bytes(&self.0))),
            quote_spanned!(field.span()=> #p::Result::Ok(Self(<#field as #p::raw::RawBytes>::from_bytes(bytes)))),
        ),
    };
    // One call requires the prost bound, so a type that is not a prost message gets one
    // error, not one per method.
    let protobuf = matches!(valid.codec, ValidCodec::Protobuf(_)).then(|| {
        quote_spanned! {ident.span()=>
            const PROTOBUF: #p::protobuf::Codec<#ident> = #p::protobuf::codec::<#ident>();
        }
    });
    let infallible = infallible.map(|body| {
        quote! {
            #[automatically_derived]
            impl #p::InfallibleEncode for #ident {
                fn encode_infallible(&self) -> #p::Bytes {
                    #body
                }
            }
        }
    });
    quote! {
        const _: () = {
            #protobuf

            #[automatically_derived]
            impl #p::Type for #ident {
                fn type_name() -> #p::TypeName {
                    #type_name
                }

                fn encode(&self) -> #p::Result<#p::Bytes, #p::CodecError> {
                    #encode
                }

                fn decode(bytes: #p::Bytes) -> #p::Result<Self, #p::CodecError> {
                    #decode
                }
            }

            #infallible
        };
    }
}

/// The `impl Type` of a type whose derive reported a mistake, and `impl InfallibleEncode`
/// unless the codec is `json`: every use of the type then compiles (as a state value, a
/// message, an infallible send), so that the mistake is reported once, at the derive.
/// Never run: the crate does not compile.
pub(crate) fn type_fallback(
    input: &DeriveInput,
    codec: Option<Codec>,
    krate: &Path,
) -> TokenStream {
    let p = quote!(#krate::__private);
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let infallible = (codec != Some(Codec::Json)).then(|| {
        quote! {
            #[automatically_derived]
            impl #impl_generics #p::InfallibleEncode for #ident #ty_generics #where_clause {
                fn encode_infallible(&self) -> #p::Bytes {
                    ::core::unreachable!()
                }
            }
        }
    });
    quote! {
        #[automatically_derived]
        impl #impl_generics #p::Type for #ident #ty_generics #where_clause {
            fn type_name() -> #p::TypeName {
                ::core::unreachable!()
            }

            fn encode(&self) -> #p::Result<#p::Bytes, #p::CodecError> {
                ::core::unreachable!()
            }

            fn decode(_: #p::Bytes) -> #p::Result<Self, #p::CodecError> {
                ::core::unreachable!()
            }
        }

        #infallible
    }
}

/// `#[derive(statefun::Messages)]`: `impl Messages` (decoding by typename, one variant per
/// type, the catch-all last) and `impl Accepts` for each variant's type (for every type if
/// there is a catch-all; `str` too for a `String` variant).
pub(crate) fn messages(valid: &ValidMessages<'_>) -> TokenStream {
    let krate = &valid.krate;
    let p = quote!(#krate::__private);
    let ident = valid.ident;
    // One call per variant type requires `Type`, so a variant type that is not a StateFun
    // type gets one error, at the type.
    let consts: Vec<_> = (0..valid.variants.len())
        .map(|i| format_ident!("VARIANT_{}", i))
        .collect();
    let variant_consts = valid.variants.iter().zip(&consts).map(|(variant, name)| {
        let ty = variant.ty;
        quote_spanned! {ty.span()=>
            const #name: #p::Variant<#ty> = #p::variant::<#ty>();
        }
    });
    let decodes = valid.variants.iter().zip(&consts).map(|(variant, name)| {
        let variant = variant.ident;
        quote! {
            let message = match (#name.decode_if)(message) {
                #p::Result::Ok(decoded) => return decoded.map(Self::#variant),
                #p::Result::Err(message) => message,
            };
        }
    });
    let (message_types, rest, accepts) = match valid.catch_all {
        Some(catch_all) => {
            let (variant, ty) = (catch_all.ident, catch_all.ty);
            let rest = quote_spanned! {ty.span()=>
                #p::Result::Ok(Self::#variant(<#ty as #p::CatchAll>::from_message(message)))
            };
            let accepts = quote! {
                #[automatically_derived]
                impl<V: ?#p::Sized + #p::Encode> #p::Accepts<V> for #ident {}
            };
            (quote!(#p::MessageTypes::Any), rest, accepts)
        }
        None => {
            let accepts = valid.variants.iter().map(|variant| {
                let ty = variant.ty;
                let str_too = is_string(ty).then(|| {
                    quote! {
                        #[automatically_derived]
                        impl #p::Accepts<#p::str> for #ident {}
                    }
                });
                quote! {
                    #[automatically_derived]
                    impl #p::Accepts<#ty> for #ident {}
                    #str_too
                }
            });
            (
                quote!(#p::MessageTypes::Only(#p::Vec::from([#((#consts.type_name)()),*]))),
                quote!(#p::Result::Err(#p::unexpected::<Self>(&message))),
                quote!(#(#accepts)*),
            )
        }
    };
    quote! {
        const _: () = {
            #(#variant_consts)*

            #[automatically_derived]
            impl #p::Messages for #ident {
                fn message_types() -> #p::MessageTypes {
                    #message_types
                }

                fn from_message(
                    message: #p::Message,
                ) -> #p::Result<Self, #p::MessageError> {
                    #(#decodes)*
                    #rest
                }
            }

            #accepts
        };
    }
}

/// Whether `ty` is written `String` (any path ending in it), which `&str` values convert
/// to when sent.
fn is_string(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(path)
        if path.qself.is_none()
            && path.path.segments.last().is_some_and(|s| s.ident == "String" && s.arguments.is_none()))
}

/// The impls of a message enum whose derive reported a mistake: `impl Messages` (never
/// run: the crate does not compile) and `Accepts` for every value, so that a function
/// taking the enum, and sends to it, add no error of their own.
pub(crate) fn messages_fallback(input: &DeriveInput, krate: &Path) -> TokenStream {
    let p = quote!(#krate::__private);
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let mut with_value = input.generics.clone();
    with_value
        .params
        .push(parse_quote!(__StatefunValue: ?#p::Sized));
    let (accepts_generics, _, _) = with_value.split_for_impl();
    quote! {
        #[automatically_derived]
        impl #impl_generics #p::Messages for #ident #ty_generics #where_clause {
            fn message_types() -> #p::MessageTypes {
                ::core::unreachable!()
            }

            fn from_message(
                _: #p::Message,
            ) -> #p::Result<Self, #p::MessageError> {
                ::core::unreachable!()
            }
        }

        #[automatically_derived]
        impl #accepts_generics #p::Accepts<__StatefunValue> for #ident #ty_generics #where_clause {}
    }
}
