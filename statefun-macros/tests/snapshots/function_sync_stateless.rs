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
    ///The body of [`echo`] as written: call it directly, e.g. in unit tests, as `echo::call(&mut ctx, msg)`.
    fn call(_ctx: &mut Context, _msg: Message) {}
}
#[automatically_derived]
impl my_statefun::__private::Function for echo {
    type State = ();
    fn type_name(&self) -> my_statefun::__private::TypeName {
        Self::TYPE_NAME
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
            let message = <Message as my_statefun::__private::MessageArgument>::from_message(
                message,
            )?;
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
