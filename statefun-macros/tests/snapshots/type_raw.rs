#[automatically_derived]
impl ::statefun::__private::Type for Blob {
    fn type_name() -> ::statefun::__private::TypeName {
        const TYPE_NAME: ::statefun::__private::TypeName = ::statefun::__private::TypeName::from_static(
            "demo/bytes",
        );
        TYPE_NAME
    }
    fn encode(
        &self,
    ) -> ::statefun::__private::Result<
        ::statefun::__private::Bytes,
        ::statefun::__private::CodecError,
    > {
        ::statefun::__private::Result::Ok(
            <Bytes as ::statefun::__private::RawBytes>::to_bytes(&self.0),
        )
    }
    fn decode(
        bytes: ::statefun::__private::Bytes,
    ) -> ::statefun::__private::Result<Self, ::statefun::__private::CodecError> {
        ::statefun::__private::Result::Ok(
            Self(<Bytes as ::statefun::__private::RawBytes>::from_bytes(bytes)),
        )
    }
}
