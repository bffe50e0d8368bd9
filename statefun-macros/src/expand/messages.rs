//! The expansion of `#[derive(statefun::Messages)]`, and its fallback.

use super::*;

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
