const _: () = {
    const VARIANT_0: my_statefun::__private::Variant<String> = my_statefun::__private::variant::<
        String,
    >();
    #[automatically_derived]
    impl my_statefun::__private::Messages for Audit {
        fn message_types() -> my_statefun::__private::MessageTypes {
            my_statefun::__private::MessageTypes::Any
        }
        fn from_message(
            message: my_statefun::__private::Message,
        ) -> my_statefun::__private::Result<Self, my_statefun::__private::MessageError> {
            let message = match (VARIANT_0.decode_if)(message) {
                my_statefun::__private::Result::Ok(decoded) => {
                    return decoded.map(Self::Note);
                }
                my_statefun::__private::Result::Err(message) => message,
            };
            my_statefun::__private::Result::Ok(
                Self::Other(
                    <Message as my_statefun::__private::CatchAll>::from_message(message),
                ),
            )
        }
    }
    #[automatically_derived]
    impl<
        V: ?my_statefun::__private::Sized + my_statefun::__private::Encode,
    > my_statefun::__private::Accepts<V> for Audit {}
};
