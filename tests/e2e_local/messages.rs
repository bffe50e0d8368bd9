//! The messages of `tests/e2e/proto/commands.proto`, written out with prost's derives as the
//! driver's side sees them (the functions under test have their own copy in
//! `examples/e2e_functions.rs`; the bytes on the wire are what must agree).

/// `e2e.commands.Commands`
#[derive(Clone, PartialEq, prost::Message)]
pub struct Commands {
    #[prost(message, repeated, tag = "1")]
    pub commands: Vec<Command>,
}

/// `e2e.commands.Command`
#[derive(Clone, PartialEq, prost::Message)]
pub struct Command {
    #[prost(oneof = "Kind", tags = "1, 2, 3, 4, 5, 6")]
    pub kind: Option<Kind>,
}

/// The oneof of `e2e.commands.Command`.
#[derive(Clone, PartialEq, prost::Oneof)]
pub enum Kind {
    #[prost(message, tag = "1")]
    Increment(Increment),
    #[prost(message, tag = "2")]
    Send(SendNow),
    #[prost(message, tag = "3")]
    SendDelayed(SendDelayed),
    #[prost(message, tag = "4")]
    Discard(Discard),
    #[prost(message, tag = "5")]
    Report(Report),
    #[prost(message, tag = "6")]
    Reject(Reject),
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct Increment {}

/// `e2e.commands.Send`
#[derive(Clone, PartialEq, prost::Message)]
pub struct SendNow {
    #[prost(string, tag = "1")]
    pub target: String,
    #[prost(message, optional, tag = "2")]
    pub commands: Option<Commands>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct SendDelayed {
    #[prost(string, tag = "1")]
    pub target: String,
    #[prost(int64, tag = "2")]
    pub delay_ms: i64,
    #[prost(message, optional, tag = "3")]
    pub commands: Option<Commands>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct Discard {
    #[prost(string, tag = "1")]
    pub topic: String,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct Report {
    #[prost(int64, tag = "1")]
    pub expected: i64,
    #[prost(int32, tag = "2")]
    pub round: i32,
    #[prost(string, tag = "3")]
    pub topic: String,
}

/// `e2e.commands.Reject`: the dead-letters scenario's poison (`Poison.java` writes it).
#[derive(Clone, PartialEq, prost::Message)]
pub struct Reject {
    #[prost(string, tag = "1")]
    pub reason: String,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct Reported {
    #[prost(string, tag = "1")]
    pub id: String,
    #[prost(int64, tag = "2")]
    pub expected: i64,
    #[prost(int64, tag = "3")]
    pub actual: i64,
    #[prost(int32, tag = "4")]
    pub round: i32,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct Greeting {
    #[prost(string, tag = "1")]
    pub name: String,
    #[prost(string, tag = "2")]
    pub text: String,
    #[prost(int32, tag = "3")]
    pub visits: i32,
}

/// Typenames as the driver writes them.
pub const COMMANDS: &str = "type.googleapis.com/e2e.commands.Commands";
pub const REPORTED: &str = "type.googleapis.com/e2e.commands.Reported";
pub const GREETING: &str = "type.googleapis.com/e2e.commands.Greeting";
