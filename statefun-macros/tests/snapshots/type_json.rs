const _: () = {
    #[automatically_derived]
    impl ::statefun::__private::Type for Profile {
        fn type_name() -> ::statefun::__private::TypeName {
            const TYPE_NAME: ::statefun::__private::TypeName = ::statefun::__private::TypeName::from_static(
                "demo/Profile",
            );
            TYPE_NAME
        }
        fn encode(
            &self,
        ) -> ::statefun::__private::Result<
            ::statefun::__private::Bytes,
            ::statefun::__private::CodecError,
        > {
            ::statefun::__private::json::encode(self)
        }
        fn decode(
            bytes: ::statefun::__private::Bytes,
        ) -> ::statefun::__private::Result<Self, ::statefun::__private::CodecError> {
            ::statefun::__private::json::decode(&bytes)
        }
    }
};
