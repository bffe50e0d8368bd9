use statefun::{Context, Message};

#[statefun::function(typename = "")]
fn empty(_ctx: &mut Context, _msg: Message) {}

#[statefun::function(typename = "greeter")]
fn no_slash(_ctx: &mut Context, _msg: Message) {}

#[statefun::function(typename = "demo/greeter/v2")]
fn two_slashes(_ctx: &mut Context, _msg: Message) {}

#[statefun::function(typename = "/greeter")]
fn empty_namespace(_ctx: &mut Context, _msg: Message) {}

#[statefun::function(typename = "demo/")]
fn empty_name(_ctx: &mut Context, _msg: Message) {}

fn main() {}
