// A prost message without `prost::Name` needs an explicit typename.
#[derive(Clone, PartialEq, prost::Message, statefun::Type)]
#[statefun(protobuf)]
struct Order {
    #[prost(string, tag = "1")]
    id: String,
}

fn main() {}
