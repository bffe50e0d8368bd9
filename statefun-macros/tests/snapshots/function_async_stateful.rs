/// Greets and counts.
#[allow(non_camel_case_types)]
#[derive(
    ::statefun::__private::Clone,
    ::statefun::__private::Copy,
    ::statefun::__private::Debug,
    ::statefun::__private::Default,
)]
pub struct greet;
impl greet {
    /// The function's typename, checked at compile time.
    pub const TYPE_NAME: ::statefun::__private::TypeName = ::statefun::__private::TypeName::from_static(
        "demo/greeter",
    );
    /// The address of the instance `id` of this function. A message sent to it must
    /// carry a value the function accepts, or the send does not compile.
    pub fn address(
        id: impl ::statefun::__private::Into<::statefun::__private::String>,
    ) -> ::statefun::__private::AddressOf<Self> {
        ::statefun::__private::AddressOf::new(id)
    }
    ///The body of [`greet`] as written: call it directly, e.g. in unit tests, as `greet::call(&mut ctx, &mut state, msg)`.
    #[tracing::instrument(skip_all)]
    pub async fn call(
        ctx: &mut Context,
        state: &mut Seen,
        msg: Message,
    ) -> Result<(), GreetError> {
        state.seen.update(|n| Some(n.unwrap_or(0) + 1));
        Ok(())
    }
}
const _: () = {
    const MESSAGE: ::statefun::__private::MessageParameter<Message> = ::statefun::__private::message_parameter::<
        Message,
    >();
    #[automatically_derived]
    impl ::statefun::__private::Function for greet {
        type State = Seen;
        fn type_name(&self) -> ::statefun::__private::TypeName {
            Self::TYPE_NAME
        }
        fn message_types(&self) -> ::statefun::__private::MessageTypes {
            (MESSAGE.message_types)()
        }
        fn invoke(
            &self,
            ctx: &mut ::statefun::__private::Context,
            state: &mut Self::State,
            message: ::statefun::__private::Message,
        ) -> impl ::statefun::__private::Future<
            Output = ::statefun::__private::Result<(), ::statefun::__private::BoxError>,
        > + ::statefun::__private::Send {
            async move {
                let message = (MESSAGE.from_message)(message)?;
                let result = Self::call(
                        <&mut Context as ::statefun::__private::ContextArgument<
                            '_,
                        >>::from_context(ctx),
                        state,
                        message,
                    )
                    .await;
                <Result<
                    (),
                    GreetError,
                > as ::statefun::__private::IntoFunctionResult>::into_function_result(
                    result,
                )
            }
        }
    }
    #[automatically_derived]
    impl ::statefun::__private::TypedFunction for greet {
        const TYPE_NAME: ::statefun::__private::TypeName = ::statefun::__private::TypeName::from_static(
            "demo/greeter",
        );
        type Message = Message;
    }
};
