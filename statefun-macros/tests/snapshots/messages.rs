const _: () = {
    const VARIANT_0: ::statefun::__private::Variant<AddItem> = ::statefun::__private::variant::<
        AddItem,
    >();
    const VARIANT_1: ::statefun::__private::Variant<String> = ::statefun::__private::variant::<
        String,
    >();
    #[automatically_derived]
    impl ::statefun::__private::Messages for CartMessage {
        fn message_types() -> ::statefun::__private::MessageTypes {
            ::statefun::__private::MessageTypes::Only(
                ::statefun::__private::Vec::from([
                    (VARIANT_0.type_name)(),
                    (VARIANT_1.type_name)(),
                ]),
            )
        }
        fn from_message(
            message: ::statefun::__private::Message,
        ) -> ::statefun::__private::Result<Self, ::statefun::__private::MessageError> {
            let message = match (VARIANT_0.decode_if)(message) {
                ::statefun::__private::Result::Ok(decoded) => {
                    return decoded.map(Self::Add);
                }
                ::statefun::__private::Result::Err(message) => message,
            };
            let message = match (VARIANT_1.decode_if)(message) {
                ::statefun::__private::Result::Ok(decoded) => {
                    return decoded.map(Self::Note);
                }
                ::statefun::__private::Result::Err(message) => message,
            };
            ::statefun::__private::Result::Err(
                ::statefun::__private::unexpected::<Self>(&message),
            )
        }
    }
    #[automatically_derived]
    impl ::statefun::__private::Accepts<AddItem> for CartMessage {}
    #[automatically_derived]
    impl ::statefun::__private::Accepts<String> for CartMessage {}
    #[automatically_derived]
    impl ::statefun::__private::Accepts<::statefun::__private::str> for CartMessage {}
};
