//! The expansion of `#[derive(statefun::Type)]`, and its fallback.

use super::*;

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
