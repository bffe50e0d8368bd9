#[derive(serde::Serialize, serde::Deserialize, statefun::Type)]
#[statefun(json, name = "demo/Profile")]
struct Unknown {
    name: String,
}

#[derive(serde::Serialize, serde::Deserialize, statefun::Type)]
#[statefun(json, typename = "Profile")]
struct BadTypeName {
    name: String,
}

#[derive(serde::Serialize, serde::Deserialize, statefun::Type)]
#[statefun(json, typename = "demo/Wrapper")]
struct Wrapper<T> {
    inner: T,
}

#[derive(serde::Serialize, serde::Deserialize, statefun::Type)]
#[statefun(jsno, typename = "demo/Typo")]
struct Typo {
    name: String,
}

// Uses of the types add no error: each derive still implements `Type`.
#[derive(statefun::StateSpec)]
struct Uses {
    unknown: statefun::Value<Unknown>,
    bad_type_name: statefun::Value<BadTypeName>,
    wrapper: statefun::Value<Wrapper<i32>>,
    typo: statefun::Value<Typo>,
}

#[statefun::function(typename = "demo/uses")]
fn uses(
    ctx: &mut statefun::Context,
    _state: &mut Uses,
    msg: statefun::Message,
) -> Result<(), statefun::BoxError> {
    let to = ctx.self_address().clone();
    let name = String::new();
    ctx.send(to.clone(), &Unknown { name: name.clone() })?;
    ctx.send(to.clone(), &BadTypeName { name: name.clone() })?;
    ctx.send(to.clone(), &Wrapper { inner: 1 })?;
    ctx.send(to, &Typo { name })?;
    let _: Wrapper<i32> = msg.decode()?;
    Ok(())
}

fn main() {
    let _ = statefun::Functions::new().with(uses);
}
