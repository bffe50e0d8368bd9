#[derive(statefun::Type)]
#[statefun(raw, typename = "demo/bytes")]
struct Named {
    bytes: Vec<u8>,
}

#[derive(statefun::Type)]
#[statefun(raw, typename = "demo/text")]
struct Text(String);

#[derive(statefun::Type)]
#[statefun(raw, typename = "demo/pair")]
struct Pair(Vec<u8>, u8);

// Uses of the types add no error: each derive still implements `Type` and
// `InfallibleEncode`.
#[derive(statefun::StateSpec)]
struct Uses {
    named: statefun::Value<Named>,
    text: statefun::Value<Text>,
    pair: statefun::Value<Pair>,
}

#[statefun::function(typename = "demo/uses")]
fn uses(
    ctx: &mut statefun::Context,
    _state: &mut Uses,
    msg: statefun::Message,
) -> Result<(), statefun::BoxError> {
    let to = ctx.self_address().clone();
    ctx.send(to.clone(), &Named { bytes: vec![] })?;
    ctx.send(to.clone(), &Text(String::new()))?;
    ctx.send(to, &Pair(vec![], 0))?;
    let _: Named = msg.decode()?;
    let _: Text = msg.decode()?;
    let _: Pair = msg.decode()?;
    Ok(())
}

fn main() {
    let _ = statefun::Functions::new().with(uses);
}
