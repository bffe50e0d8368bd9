::core::compile_error! {
    "`#[derive(statefun::Messages)]` does not support generic enums: a function accepts concrete types; derive it for an enum without type parameters"
}
::core::compile_error! {
    "variant `Unit` holds its message, one value of a StateFun type: write `Unit(MyType)`"
}
#[automatically_derived]
impl<T> ::statefun::__private::Messages for Generic<T> {
    fn message_types() -> ::statefun::__private::MessageTypes {
        ::core::unreachable!()
    }
    fn from_message(
        _: ::statefun::__private::Message,
    ) -> ::statefun::__private::Result<Self, ::statefun::__private::MessageError> {
        ::core::unreachable!()
    }
}
#[automatically_derived]
impl<
    T,
    __StatefunValue: ?::statefun::__private::Sized,
> ::statefun::__private::Accepts<__StatefunValue> for Generic<T> {}
