//! Mistakes around the catch-all variant and the attribute keys.

#[derive(statefun::Messages)]
enum TwoCatchAlls {
    Text(String),
    #[statefun(other)]
    First(statefun::Message),
    #[statefun(other)]
    Second(statefun::Message),
}

#[derive(statefun::Messages)]
#[statefun(crate = "statefun", typename = "demo/x")]
enum Keys {
    #[statefun(other = true)]
    Other(statefun::Message),
    #[statefun(othr)]
    Text(String),
}

#[derive(statefun::Messages)]
enum WrongCatchAll {
    Count(i64),
    #[statefun(other)]
    Other(String),
}

#[statefun::function(typename = "demo/a")]
fn a(_ctx: &mut statefun::Context, _msg: TwoCatchAlls) {}

#[statefun::function(typename = "demo/b")]
fn b(_ctx: &mut statefun::Context, _msg: Keys) {}

#[statefun::function(typename = "demo/c")]
fn c(_ctx: &mut statefun::Context, _msg: WrongCatchAll) {}

fn main() {}
