const _: () = {
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
                ::statefun::__private::InfallibleEncode::encode_infallible(self),
            )
        }
        fn decode(
            bytes: ::statefun::__private::Bytes,
        ) -> ::statefun::__private::Result<Self, ::statefun::__private::CodecError> {
            ::statefun::__private::Result::Ok(
                Self(<Bytes as ::statefun::__private::raw::RawBytes>::from_bytes(bytes)),
            )
        }
    }
    #[automatically_derived]
    impl ::statefun::__private::InfallibleEncode for Blob {
        fn encode_infallible(&self) -> ::statefun::__private::Bytes {
            <Bytes as ::statefun::__private::raw::RawBytes>::to_bytes(&self.0)
        }
    }
};
