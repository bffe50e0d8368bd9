#[allow(non_camel_case_types)]
#[derive(
    my_statefun::__private::Clone,
    my_statefun::__private::Copy,
    my_statefun::__private::Debug,
    my_statefun::__private::Default,
)]
struct echo;
impl echo {
    /// The function's typename, checked at compile time.
    pub const TYPE_NAME: my_statefun::__private::TypeName = my_statefun::__private::TypeName::from_static(
        "demo/echo",
    );
    /// The address of the instance `id` of this function. A message sent to it must
    /// carry a value the function accepts, or the send does not compile.
    pub fn address(
        id: impl my_statefun::__private::Into<my_statefun::__private::String>,
    ) -> my_statefun::__private::AddressOf<Self> {
        my_statefun::__private::AddressOf::new(id)
    }
    ///The body of [`echo`] as written: call it directly, e.g. in unit tests, as `echo::call(&mut ctx, msg)`.
    fn call(_ctx: &mut Context, _msg: Message) {}
}
const _: () = {
    const MESSAGE: my_statefun::__private::MessageParameter<Message> = my_statefun::__private::message_parameter::<
        Message,
    >();
    #[automatically_derived]
    impl my_statefun::__private::Function for echo {
        type State = ();
        fn type_name(&self) -> my_statefun::__private::TypeName {
            Self::TYPE_NAME
        }
        fn message_types(&self) -> my_statefun::__private::MessageTypes {
            (MESSAGE.message_types)()
        }
        fn invoke(
            &self,
            ctx: &mut my_statefun::__private::Context,
            _state: &mut Self::State,
            message: my_statefun::__private::Message,
        ) -> impl my_statefun::__private::Future<
            Output = my_statefun::__private::Result<(), my_statefun::__private::BoxError>,
        > + my_statefun::__private::Send {
            async move {
                let message = (MESSAGE.from_message)(message)?;
                let result = Self::call(
                    <&mut Context as my_statefun::__private::ContextArgument<
                        '_,
                    >>::from_context(ctx),
                    message,
                );
                my_statefun::__private::IntoFunctionResult::into_function_result(result)
            }
        }
    }
    #[automatically_derived]
    impl my_statefun::__private::TypedFunction for echo {
        const TYPE_NAME: my_statefun::__private::TypeName = my_statefun::__private::TypeName::from_static(
            "demo/echo",
        );
        type Message = Message;
    }
};
