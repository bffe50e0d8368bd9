//! One type in two variants: its typename could not decide the variant.

#[derive(statefun::Messages)]
enum Twice {
    Name(String),
    Label(String),
    Count(i64),
    Total(i64),
}

#[statefun::function(typename = "demo/twice")]
fn twice(_ctx: &mut statefun::Context, _msg: Twice) {}

fn main() {
    let _ = statefun::Functions::new().with(twice);
}
