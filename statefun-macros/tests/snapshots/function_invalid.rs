::core::compile_error! {
    "the last argument is the message, taken by value: `msg: Message`, not a reference"
}
::core::compile_error! {
    "typename `greeter` has no `/`: write `\"namespace/name\"`, e.g. `\"demo/greeter\"`"
}
#[allow(non_camel_case_types)]
#[derive(
    ::statefun::__private::Clone,
    ::statefun::__private::Copy,
    ::statefun::__private::Debug,
    ::statefun::__private::Default,
)]
struct greet;
impl greet {
    /// The function's typename, checked at compile time.
    pub const TYPE_NAME: ::statefun::__private::TypeName = ::statefun::__private::TypeName::from_static(
        "statefun.invalid/typename",
    );
    /// The address of the instance `id` of this function. A message sent to it must
    /// carry a value the function accepts, or the send does not compile.
    pub fn address(
        id: impl ::statefun::__private::Into<::statefun::__private::String>,
    ) -> ::statefun::__private::AddressOf<Self> {
        ::statefun::__private::AddressOf::new(id)
    }
    ///The body of [`greet`] as written: call it directly, e.g. in unit tests, as `greet::call(&mut ctx, msg)`.
    fn call(ctx: &mut Context, msg: &Message) {}
}
#[automatically_derived]
impl ::statefun::__private::Function for greet {
    type State = ();
    fn type_name(&self) -> ::statefun::__private::TypeName {
        ::core::unreachable!()
    }
    fn invoke(
        &self,
        _: &mut ::statefun::__private::Context,
        _: &mut Self::State,
        _: ::statefun::__private::Message,
    ) -> impl ::statefun::__private::Future<
        Output = ::statefun::__private::Result<(), ::statefun::__private::BoxError>,
    > + ::statefun::__private::Send {
        async { ::core::unreachable!() }
    }
}
#[automatically_derived]
impl ::statefun::__private::TypedFunction for greet {
    const TYPE_NAME: ::statefun::__private::TypeName = ::statefun::__private::TypeName::from_static(
        "statefun.invalid/typename",
    );
    type Message = ::statefun::__private::Message;
}
