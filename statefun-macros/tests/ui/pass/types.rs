use statefun::{Bytes, StateSpec, Type, Value};

#[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize, statefun::Type)]
#[statefun(json, typename = "demo/Profile")]
struct Profile {
    name: String,
}

#[derive(Clone, PartialEq, prost::Message, statefun::Type)]
#[statefun(protobuf, typename = "demo/Ping")]
struct Ping {
    #[prost(string, tag = "1")]
    from: String,
}

#[derive(Debug, PartialEq, statefun::Type)]
#[statefun(raw, typename = "demo/bytes")]
struct Blob(Bytes);

#[derive(Debug, PartialEq, statefun::Type)]
#[statefun(raw, typename = "demo/vec")]
struct VecBlob(Vec<u8>);

#[derive(StateSpec)]
struct All {
    profile: Value<Profile>,
    ping: Value<Ping>,
    blob: Value<Blob>,
    vec: Value<VecBlob>,
    r#type: Value<f64>,
}

fn main() {
    assert_eq!(Profile::type_name().as_str(), "demo/Profile");
    assert_eq!(Ping::type_name().as_str(), "demo/Ping");
    let blob = Blob::decode(Bytes::from_static(b"abc")).unwrap();
    assert_eq!(blob.encode().unwrap(), Bytes::from_static(b"abc"));
    let specs = <All as statefun::State>::specs();
    assert_eq!(specs.len(), 5);
    assert_eq!(specs[4].name(), "type");
}
