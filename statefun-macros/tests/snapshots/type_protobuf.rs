const _: () = {
    const PROTOBUF: ::statefun::__private::protobuf::Codec<Ping> = ::statefun::__private::protobuf::codec::<
        Ping,
    >();
    #[automatically_derived]
    impl ::statefun::__private::Type for Ping {
        fn type_name() -> ::statefun::__private::TypeName {
            static TYPE_NAME: ::statefun::__private::OnceLock<
                ::statefun::__private::TypeName,
            > = ::statefun::__private::OnceLock::new();
            ::statefun::__private::protobuf::cached_default_type_name::<Self>(&TYPE_NAME)
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
            (PROTOBUF.decode)(bytes)
        }
    }
    #[automatically_derived]
    impl ::statefun::__private::InfallibleEncode for Ping {
        fn encode_infallible(&self) -> ::statefun::__private::Bytes {
            (PROTOBUF.encode)(self)
        }
    }
};
