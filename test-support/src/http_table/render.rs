//! What the documented table shows of an answer.

use prost::Message as _;
use statefun_core::{
    Type,
    proto::reqreply::{FromFunction, from_function},
};

use std::net::SocketAddr;

use super::client::Answer;

/// What the documentation shows of an answer; `addr`, the server's address, is shown as
/// `127.0.0.1:PORT`.
pub(super) fn describe(answer: &Answer, addr: Option<SocketAddr>) -> String {
    if answer.status.is_none() {
        return "(connection closed, no answer)".into();
    }
    if answer.status == Some(200) {
        let Ok(from) = FromFunction::decode(&answer.body[..]) else {
            return "(not a FromFunction)".into();
        };
        return match from.response {
            Some(from_function::Response::InvocationResult(result)) => {
                let mutations: Vec<_> = result
                    .state_mutations
                    .iter()
                    .map(|m| {
                        let value = m.state_value.clone().unwrap_or_default();
                        match <i32 as Type>::decode(value.value) {
                            Ok(n) => format!("{} = {n}", m.state_name),
                            Err(_) => m.state_name.clone(),
                        }
                    })
                    .collect();
                format!(
                    "`FromFunction` invocation result, mutations: {}",
                    mutations.join(", ")
                )
            }
            Some(from_function::Response::IncompleteInvocationContext(missing)) => {
                let names: Vec<_> = missing
                    .missing_values
                    .iter()
                    .map(|s| s.state_name.as_str())
                    .collect();
                format!(
                    "`FromFunction` incomplete invocation context, missing: {}",
                    names.join(", ")
                )
            }
            None => "`FromFunction`, empty".into(),
        };
    }
    let mut text = String::from_utf8_lossy(&answer.body).into_owned();
    if let Some(addr) = addr {
        text = text.replace(&addr.to_string(), &format!("{}:PORT", addr.ip()));
    }
    let text = text.trim();
    let mut shown: String = text.chars().take(200).collect();
    if shown.len() < text.len() {
        shown.push('…');
    }
    if shown.is_empty() {
        "(empty)".into()
    } else {
        shown
    }
}
