//! The expansion of `#[statefun::function]`, and its fallback for an input with a mistake.

use super::*;

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
