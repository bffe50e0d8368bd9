//! The request pipeline (`statefun::http::Endpoint`) under each way of serving it besides
//! actix-web (whose tests are in `statefun-actix/tests`): axum, AWS Lambda and `statefun::hyper`,
//! each against the shared HTTP behaviour table and every conformance vector; and the JSON
//! log lines of `statefun::logging`. One binary; a module per integration.

#[cfg(feature = "axum")]
mod axum;
#[cfg(feature = "hyper")]
mod hyper;
#[cfg(feature = "lambda")]
mod lambda;
#[cfg(all(feature = "actix", feature = "logging"))]
mod logging_json;
