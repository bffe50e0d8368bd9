::core::compile_error! {
    "`#[derive(statefun::Type)]` does not support generic types: a StateFun type has one typename; derive it for a concrete type"
}
::core::compile_error! {
    "`raw` types are newtypes around bytes: `struct Blob(Bytes);` or `struct Blob(Vec<u8>);`"
}
#[automatically_derived]
impl<T> my_statefun::__private::Type for Blob<T> {
    fn type_name() -> my_statefun::__private::TypeName {
        ::core::unreachable!()
    }
    fn encode(
        &self,
    ) -> my_statefun::__private::Result<
        my_statefun::__private::Bytes,
        my_statefun::__private::CodecError,
    > {
        ::core::unreachable!()
    }
    fn decode(
        _: my_statefun::__private::Bytes,
    ) -> my_statefun::__private::Result<Self, my_statefun::__private::CodecError> {
        ::core::unreachable!()
    }
}
#[automatically_derived]
impl<T> my_statefun::__private::InfallibleEncode for Blob<T> {
    fn encode_infallible(&self) -> my_statefun::__private::Bytes {
        ::core::unreachable!()
    }
}
