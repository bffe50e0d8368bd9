//! The units of the HTTP layer: answers, header checks and body reading. The pipeline as a
//! whole is tested over real HTTP by the shared table (`statefun-test-support`'s
//! `http_table`), against every integration.

mod answer;
mod body;
mod endpoint;
mod fields;
mod operations;
mod rejection;
