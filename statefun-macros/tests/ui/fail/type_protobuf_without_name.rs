// A prost message without `prost::Name` needs an explicit typename.
#[derive(Clone, PartialEq, prost::Message, statefun::Type)]
#[statefun(protobuf)]
struct Order {
    #[prost(string, tag = "1")]
    id: String,
}

// Uses of the type add no error: the derive implements `Type`, only its codec fails.
#[derive(statefun::StateSpec)]
struct Uses {
    order: statefun::Value<Order>,
}

#[statefun::function(typename = "demo/uses")]
fn uses(
    ctx: &mut statefun::Context,
    _state: &mut Uses,
    msg: statefun::Message,
) -> Result<(), statefun::BoxError> {
    let to = ctx.self_address().clone();
    ctx.send(to, &Order { id: String::new() })?;
    let _: Order = msg.decode()?;
    Ok(())
}

fn main() {
    let _ = statefun::Functions::new().with(uses);
}
