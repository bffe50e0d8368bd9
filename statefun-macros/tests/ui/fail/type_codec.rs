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

// Uses of the types add no error: each derive still implements `Type` (and
// `InfallibleEncode` unless the codec is `json`).
#[derive(statefun::StateSpec)]
struct Uses {
    no_attribute: statefun::Value<NoAttribute>,
    no_codec: statefun::Value<NoCodec>,
    two_codecs: statefun::Value<TwoCodecs>,
    json_without_type_name: statefun::Value<JsonWithoutTypeName>,
    raw_without_type_name: statefun::Value<RawWithoutTypeName>,
}

#[statefun::function(typename = "demo/uses")]
fn uses(
    ctx: &mut statefun::Context,
    _state: &mut Uses,
    msg: statefun::Message,
) -> Result<(), statefun::BoxError> {
    let to = ctx.self_address().clone();
    let name = String::new();
    ctx.send(to.clone(), &NoAttribute { name: name.clone() })?;
    ctx.send(to.clone(), &NoCodec { name: name.clone() })?;
    ctx.send(to.clone(), &TwoCodecs { name: name.clone() })?;
    ctx.send(to.clone(), &JsonWithoutTypeName { name })?;
    ctx.send(to, &RawWithoutTypeName(vec![]))?;
    let _: RawWithoutTypeName = msg.decode()?;
    Ok(())
}

fn main() {
    let _ = statefun::Functions::new().with(uses);
}
