#[automatically_derived]
impl ::statefun::__private::Type for Ping {
    fn type_name() -> ::statefun::__private::TypeName {
        ::statefun::__private::protobuf::type_name::<Self>()
    }
    fn encode(
        &self,
    ) -> ::statefun::__private::Result<
        ::statefun::__private::Bytes,
        ::statefun::__private::CodecError,
    > {
        ::statefun::__private::protobuf::encode(self)
    }
    fn decode(
        bytes: ::statefun::__private::Bytes,
    ) -> ::statefun::__private::Result<Self, ::statefun::__private::CodecError> {
        ::statefun::__private::protobuf::decode(bytes)
    }
}
