#[derive(statefun::Type)]
#[statefun(raw, typename = "demo/bytes")]
struct Named {
    bytes: Vec<u8>,
}

#[derive(statefun::Type)]
#[statefun(raw, typename = "demo/text")]
struct Text(String);

// Uses of the types add no error: each derive still implements `Type` and
// `InfallibleEncode`.
#[derive(statefun::StateSpec)]
struct Uses {
    named: statefun::Value<Named>,
    text: statefun::Value<Text>,
}

#[statefun::function(typename = "demo/uses")]
fn uses(
    ctx: &mut statefun::Context,
    _state: &mut Uses,
    msg: statefun::Message,
) -> Result<(), statefun::BoxError> {
    let to = ctx.self_address().clone();
    ctx.send(statefun::OutgoingMessage::new(to.clone(), &Named { bytes: vec![] })?);
    ctx.send(statefun::OutgoingMessage::new(to, &Text(String::new()))?);
    let _: Named = msg.decode()?;
    let _: Text = msg.decode()?;
    Ok(())
}

fn main() {
    let _ = statefun::Functions::new().with(uses);
}
