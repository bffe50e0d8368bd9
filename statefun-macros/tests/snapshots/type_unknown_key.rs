::core::compile_error! {
    "unknown key `typname` in `#[statefun(...)]`: did you mean `typename`? the valid keys are `json`, `protobuf`, `raw`, `typename = \"namespace/Name\"`, `crate = \"path\"`"
}
#[automatically_derived]
impl ::statefun::__private::Type for Ping {
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
#[automatically_derived]
impl ::statefun::__private::InfallibleEncode for Ping {
    fn encode_infallible(&self) -> ::statefun::__private::Bytes {
        ::core::unreachable!()
    }
}
