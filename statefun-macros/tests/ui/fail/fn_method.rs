use statefun::{Context, Message};

struct Greeter;

// A method stays as written, so that it still compiles inside its `impl` block.
impl Greeter {
    #[statefun::function(typename = "demo/method")]
    fn greet(&self, _msg: Message) {}

    #[statefun::function(typename = "demo/method-with-arguments")]
    fn greet_all(&mut self, _ctx: &mut Context, _msg: Message) {}
}

fn main() {
    Greeter.greet(Message::new("hi"));
}
