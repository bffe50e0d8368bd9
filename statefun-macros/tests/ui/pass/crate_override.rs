// A user who renamed the facade points the macros at it with `crate = "..."`.
use statefun as sf;

#[derive(sf::StateSpec)]
#[state(crate = "sf")]
struct Counter {
    count: sf::Value<i64>,
}

#[derive(serde::Serialize, serde::Deserialize, sf::Type)]
#[statefun(json, typename = "demo/Note", crate = "sf")]
struct Note {
    text: String,
}

#[sf::function(typename = "demo/counter", crate = "sf")]
fn count(_ctx: &mut sf::Context, state: &mut Counter, _msg: sf::Message) {
    state.count.update(|n| Some(n.unwrap_or(0) + 1));
}

fn main() {
    let _ = sf::Functions::new().with(count);
    assert_eq!(<Note as sf::Type>::type_name().as_str(), "demo/Note");
}
