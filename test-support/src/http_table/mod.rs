//! The HTTP behaviour table of `statefun::http` as requests and the answers and log lines
//! they must get, run against every HTTP integration of the SDK (the actix-web service,
//! axum, AWS Lambda, plain hyper), so that they answer and log alike and no framework's test
//! retypes a row.
//!
//! A test serves [`functions`] with a body limit of [`LIMIT`] and a time limit of
//! [`TIMEOUT`] at [`PATH`], its threads logging into a [`Capture`](crate::trace::Capture);
//! then calls [`run`] with a [`Server`] (over HTTP: [`Http`]) and [`rows`] (and rows of its
//! own for what its HTTP parser answers, see [`Input::Raw`]), and over HTTP
//! [`early_answers_keep_the_connection_usable`]. `run` returns the table rendered from the
//! answers and log lines received: the actix-web test writes it into `docs/robustness.md`
//! ([`check_document`]), the others check that they answered exactly as documented
//! ([`assert_documented`]).

mod client;
mod document;
mod keep_alive;
mod render;
mod rows;
mod runner;
mod service;

pub use client::{Answer, send};
pub use document::{assert_documented, check_document};
pub use keep_alive::early_answers_keep_the_connection_usable;
pub use rows::{Input, Row, random_bytes, row, rows};
pub use runner::{Http, Server, run};
pub use service::{LIMIT, PATH, Sleeper, TIMEOUT, functions};
