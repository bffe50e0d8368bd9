//! Applying a function's response as the StateFun runtime does: every rule checked before
//! anything is applied.

use std::time::Duration;

use super::{
    InvalidResponse, LocalError, LocalRuntime, metadata::AnswerMetadata, records::decode_egress,
    runtime::Timer, store::Cell,
};
use crate::{
    names::{Address, TypeName},
    proto::reqreply::{self as pb, from_function},
    wire::convert::address_proto,
};

use from_function::persisted_value_mutation::MutationType;

impl LocalRuntime {
    /// Checks a response as the runtime does (any violation fails it whole), then applies
    /// it: mutations, messages, delayed messages and cancellations, egress.
    pub(super) fn apply(
        &mut self,
        target: &Address,
        result: from_function::InvocationResponse,
        metadata: AnswerMetadata,
    ) -> Result<(), LocalError> {
        let function = target.type_name().clone();
        let now = self.now;
        // Validate every mutation before applying any: the runtime fails the job as a whole.
        for mutation in &result.state_mutations {
            let spec = self
                .store
                .spec(&function, &mutation.state_name)
                .ok_or_else(|| LocalError::UndeclaredState {
                    function: function.clone(),
                    state: mutation.state_name.clone(),
                })?;
            if mutation.mutation_type() == MutationType::Modify {
                let actual = mutation
                    .state_value
                    .as_ref()
                    .map(|v| v.typename.clone())
                    .unwrap_or_default();
                if actual != spec.type_name {
                    return Err(LocalError::StateTypeMismatch {
                        function: function.clone(),
                        state: mutation.state_name.clone(),
                        declared: spec.type_name.clone(),
                        actual,
                    });
                }
            }
        }
        let mut messages = Vec::with_capacity(result.outgoing_messages.len());
        for (index, message) in result.outgoing_messages.into_iter().enumerate() {
            messages.push((
                address(target, message.target)?,
                message.argument.unwrap_or_default(),
                metadata.message(index),
            ));
        }
        let mut delayed_targets = Vec::new();
        // The tokens of this sender's pending delayed messages, as they will be after each
        // send and cancellation of the response, in order.
        let mut pending_tokens: Vec<&str> = self
            .timers
            .iter()
            .filter(|t| t.sender == *target)
            .filter_map(|t| t.token.as_deref())
            .collect();
        for delayed in &result.delayed_invocations {
            let token = delayed.cancellation_token.as_str();
            if delayed.is_cancellation_request {
                if token.is_empty() {
                    return Err(LocalError::CancellationWithoutToken(target.clone()));
                }
                pending_tokens.retain(|t| *t != token);
                continue;
            }
            if !token.is_empty() {
                if pending_tokens.contains(&token) {
                    return Err(LocalError::DuplicateToken {
                        address: target.clone(),
                        token: token.to_owned(),
                    });
                }
                pending_tokens.push(token);
            }
            delayed_targets.push(address(target, delayed.target.clone())?);
        }
        let mut delayed_targets = delayed_targets.into_iter();
        let mut egress = Vec::with_capacity(result.outgoing_egresses.len());
        for message in result.outgoing_egresses {
            let name = TypeName::from_parts(&message.egress_namespace, &message.egress_type)
                .map_err(|e| LocalError::InvalidResponse {
                    address: target.clone(),
                    error: InvalidResponse::InvalidEgress(e),
                })?;
            if let Some(declared) = &self.declared_egresses
                && !declared.contains(&name)
            {
                return Err(LocalError::UndeclaredEgress {
                    address: target.clone(),
                    egress: name,
                    declared: declared.clone(),
                });
            }
            egress.push((name, decode_egress(message.argument.unwrap_or_default())));
        }

        let instance = self.store.instances.entry(target.clone()).or_default();
        for cell in instance.cells.values_mut() {
            cell.accessed_at = now;
        }
        for mutation in result.state_mutations {
            match mutation.mutation_type() {
                MutationType::Delete => {
                    instance.cells.remove(&mutation.state_name);
                }
                MutationType::Modify => {
                    instance.cells.insert(
                        mutation.state_name,
                        Cell {
                            value: mutation.state_value.unwrap_or_default(),
                            written_at: now,
                            accessed_at: now,
                        },
                    );
                }
            }
        }

        let caller = address_proto(target.clone());
        for (to, argument, metadata) in messages {
            self.deliver(to, Some(caller.clone()), argument, metadata);
        }
        for (index, delayed) in result.delayed_invocations.into_iter().enumerate() {
            let token =
                (!delayed.cancellation_token.is_empty()).then_some(delayed.cancellation_token);
            if delayed.is_cancellation_request {
                let token = token.expect("checked above");
                self.timers.retain(|t| {
                    !(t.sender == *target && t.token.as_deref() == Some(token.as_str()))
                });
                continue;
            }
            self.timers.push(Timer {
                due: now + Duration::from_millis(u64::try_from(delayed.delay_in_ms).unwrap_or(0)),
                sender: target.clone(),
                token,
                target: delayed_targets
                    .next()
                    .expect("one target per delayed message"),
                argument: delayed.argument.unwrap_or_default(),
                metadata: metadata.delayed(index),
            });
        }
        for egress in egress {
            self.egress.push(egress);
        }
        Ok(())
    }
}

/// A target address from the wire: the runtime fails the job on an invalid one.
fn address(from: &Address, a: Option<pb::Address>) -> Result<Address, LocalError> {
    let a = a.unwrap_or_default();
    TypeName::from_parts(&a.namespace, &a.r#type)
        .map(|type_name| Address::new(type_name, a.id))
        .map_err(|e| LocalError::InvalidResponse {
            address: from.clone(),
            error: InvalidResponse::InvalidTarget(e),
        })
}
