//! The expansion of `#[derive(StateSpec)]`, and its fallback.

use super::*;

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
