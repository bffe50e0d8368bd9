//! One request of a local run: the batch sent to the function's transport, with the state
//! the runtime holds and its virtual time, and the answer read as the runtime reads it.

use super::metadata::{AnswerMetadata, Queued, encode_request};
use std::{sync::Arc, time::UNIX_EPOCH};

use prost::Message as _;

use super::{
    BatchRecord, InvalidResponse, LocalError, LocalRuntime, RunReport, Transport, runtime::Route,
};
use crate::{
    names::{Address, TypeName},
    proto::reqreply::{FromFunction, from_function},
    wire::{convert::address_proto, request::LOCAL_TIME_FIELD},
};

impl LocalRuntime {
    fn endpoint(&self, function: &TypeName) -> Option<Arc<dyn Transport>> {
        let exact = self
            .routes
            .iter()
            .find(|(route, _)| matches!(route, Route::Exact(t) if t == function));
        let by_namespace = || {
            self.routes.iter().find(
                |(route, _)| matches!(route, Route::Namespace(ns) if ns == function.namespace()),
            )
        };
        exact.or_else(by_namespace).map(|(_, e)| e.clone())
    }

    pub(super) async fn execute(
        &mut self,
        target: &Address,
        invocations: Vec<Queued>,
        report: &mut RunReport,
    ) -> Result<(), LocalError> {
        let function = target.type_name().clone();
        if self.is_stand_in(&function) {
            // A stand-in's batch counts as a request, so that a loop through stubs is
            // caught as any other.
            report.requests += 1;
            self.stand_in(target, invocations);
            return Ok(());
        }
        let endpoint = self
            .endpoint(&function)
            .ok_or_else(|| LocalError::NoEndpoint(target.clone()))?;
        loop {
            self.store.drop_expired(target, self.now);
            let states = self.store.states_for(target);
            let names = states.iter().map(|s| s.state_name.clone()).collect();
            // The arguments with their field-4 entries, as the runtime sends them.
            let request = encode_request(&address_proto(target.clone()), &states, &invocations);
            report.requests += 1;
            if self.faults_redeliver() {
                // Its answer lost on the way, as after a timeout: the runtime sends the same
                // batch again, and applies only the answer it gets.
                let request = self.with_local_time(request.clone());
                let _ = endpoint.call(target, request.into()).await;
                report.requests += 1;
                report.redeliveries += 1;
            }
            let body = endpoint
                .call(target, self.with_local_time(request).into())
                .await
                .map_err(|source| LocalError::Endpoint {
                    address: target.clone(),
                    source,
                })?;
            let metadata = AnswerMetadata::read(&body);
            let response = FromFunction::decode(body).map_err(|e| LocalError::InvalidResponse {
                address: target.clone(),
                error: InvalidResponse::Undecodable(e),
            })?;
            let incomplete = matches!(
                response.response,
                Some(from_function::Response::IncompleteInvocationContext(_))
            );
            self.batches.push(BatchRecord {
                address: target.clone(),
                invocations: invocations.len(),
                states: names,
                incomplete,
            });
            match response.response {
                Some(from_function::Response::IncompleteInvocationContext(ctx)) => {
                    if ctx.missing_values.is_empty() {
                        return Err(LocalError::InvalidResponse {
                            address: target.clone(),
                            error: InvalidResponse::NoMissingValues,
                        });
                    }
                    // Sending it again would be answered the same, forever.
                    let sent = &self.batches.last().expect("pushed above").states;
                    if let Some(again) = ctx
                        .missing_values
                        .iter()
                        .find(|s| sent.contains(&s.state_name))
                    {
                        return Err(LocalError::InvalidResponse {
                            address: target.clone(),
                            error: InvalidResponse::StateAskedAgain(again.state_name.clone()),
                        });
                    }
                    self.store.register(&function, ctx.missing_values)?;
                }
                Some(from_function::Response::InvocationResult(result)) => {
                    return self.apply(target, result, metadata);
                }
                None => return self.apply(target, Default::default(), metadata),
            }
        }
    }

    /// `request` with the virtual time in this SDK's local-time field, which
    /// `Context::now` returns to the function.
    fn with_local_time(&self, mut request: Vec<u8>) -> Vec<u8> {
        let now = self.start_time + self.now;
        let millis = now
            .duration_since(UNIX_EPOCH)
            .map_or(0, |since| since.as_millis() as u64);
        prost::encoding::encode_key(
            LOCAL_TIME_FIELD,
            prost::encoding::WireType::Varint,
            &mut request,
        );
        prost::encoding::encode_varint(millis, &mut request);
        request
    }
}
