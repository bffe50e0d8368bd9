// `protobuf` needs a prost 0.14 message (a message derived with another prost version
// reports the same).
#[derive(Clone, PartialEq, Default, statefun::Type)]
#[statefun(protobuf, typename = "type.googleapis.com/demo.Order")]
struct Order {
    id: String,
}

fn main() {}
