::core::compile_error! {
    "`json` needs a typename: `#[statefun(json, typename = \"namespace/Name\")]`"
}
#[automatically_derived]
impl ::statefun::__private::Type for Profile {
    fn type_name() -> ::statefun::__private::TypeName {
        ::core::unreachable!()
    }
    fn encode(
        &self,
    ) -> ::statefun::__private::Result<
        ::statefun::__private::Bytes,
        ::statefun::__private::CodecError,
    > {
        ::core::unreachable!()
    }
    fn decode(
        _: ::statefun::__private::Bytes,
    ) -> ::statefun::__private::Result<Self, ::statefun::__private::CodecError> {
        ::core::unreachable!()
    }
}
