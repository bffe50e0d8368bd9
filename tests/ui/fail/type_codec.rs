#[derive(serde::Serialize, serde::Deserialize, statefun::Type)]
struct NoAttribute {
    name: String,
}

#[derive(serde::Serialize, serde::Deserialize, statefun::Type)]
#[statefun(typename = "demo/NoCodec")]
struct NoCodec {
    name: String,
}

#[derive(serde::Serialize, serde::Deserialize, statefun::Type)]
#[statefun(json, protobuf, typename = "demo/TwoCodecs")]
struct TwoCodecs {
    name: String,
}

#[derive(serde::Serialize, serde::Deserialize, statefun::Type)]
#[statefun(json)]
struct JsonWithoutTypeName {
    name: String,
}

#[derive(statefun::Type)]
#[statefun(raw)]
struct RawWithoutTypeName(Vec<u8>);

fn main() {}
