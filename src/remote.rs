//! Remote function services over HTTP, for the [local runtime](crate::local): an
//! [`HttpTransport`] speaks the request-reply protocol to any StateFun SDK's function
//! service, exactly as the StateFun runtime does.

use std::{io, thread};

use bytes::Bytes;
use futures_util::future::BoxFuture;

use crate::{
    Address, BoxError,
    local::{LocalRuntime, Transport},
    module::{FunctionPattern, Module},
};

/// The runtime's default cap on response bodies (`payload_max_bytes`).
const DEFAULT_MAX_RESPONSE: u64 = 32 * 1024 * 1024;

/// A function service reached over HTTP at a URL template, as module.yaml's
/// `urlPathTemplate` (`{function.name}` is replaced by the target function's name).
///
/// Each call runs on a thread of its own, so the future never blocks an executor.
///
/// ```no_run
/// use statefun::{local::LocalRuntime, remote::HttpTransport};
///
/// let runtime = LocalRuntime::empty()
///     .with_namespace_transport("demo", HttpTransport::new("http://127.0.0.1:8000/statefun"));
/// ```
#[derive(Clone, Debug)]
pub struct HttpTransport {
    url_template: String,
    agent: ureq::Agent,
    max_response: u64,
}

/// A non-2xx answer from a function service.
#[derive(Debug, thiserror::Error)]
#[error("HTTP {status} from {url}: {body}")]
pub struct HttpStatusError {
    /// The status code.
    pub status: u16,
    /// The URL called.
    pub url: String,
    /// The response body, as text.
    pub body: String,
}

/// A call to a function service that got no answer: the URL could not be resolved or
/// reached, the connection broke, or the answer was too large.
#[derive(Debug, thiserror::Error)]
#[error("POST {url}: {source}")]
pub struct HttpCallError {
    /// The URL called.
    pub url: String,
    /// What went wrong (the HTTP client's error, reachable through `Error::source`).
    #[source]
    source: ureq::Error,
}

impl HttpTransport {
    /// An endpoint at `url_template`.
    pub fn new(url_template: impl Into<String>) -> Self {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        Self {
            url_template: url_template.into(),
            agent,
            max_response: DEFAULT_MAX_RESPONSE,
        }
    }

    /// The URL a request for `function_name` goes to.
    pub fn url_for(&self, function_name: &str) -> String {
        self.url_template.replace("{function.name}", function_name)
    }

    fn post(&self, url: &str, body: &[u8]) -> Result<Bytes, BoxError> {
        let failed = |source: ureq::Error| HttpCallError {
            url: url.to_owned(),
            source,
        };
        let mut response = self
            .agent
            .post(url)
            .header("Content-Type", "application/octet-stream")
            .send(body)
            .map_err(failed)?;
        let status = response.status().as_u16();
        let bytes = response
            .body_mut()
            .with_config()
            .limit(self.max_response)
            .read_to_vec()
            .map_err(failed)?;
        if !(200..300).contains(&status) {
            return Err(HttpStatusError {
                status,
                url: url.to_owned(),
                body: String::from_utf8_lossy(&bytes).into_owned(),
            }
            .into());
        }
        Ok(bytes.into())
    }
}

impl Transport for HttpTransport {
    fn call(&self, target: &Address, request: Bytes) -> BoxFuture<'_, Result<Bytes, BoxError>> {
        let url = self.url_for(target.type_name().name());
        let endpoint = self.clone();
        let (tx, rx) = futures_channel::oneshot::channel();
        let spawned = thread::Builder::new()
            .name("statefun-http-endpoint".into())
            .spawn(move || {
                let _ = tx.send(endpoint.post(&url, &request));
            });
        Box::pin(async move {
            spawned?;
            rx.await
                .map_err(|_| io::Error::other("the HTTP call's thread ended without an answer"))?
        })
    }
}

/// A local runtime that calls the HTTP endpoints of `module`, as the StateFun runtime
/// would, and runs as the module says ([`LocalRuntime::with_module`]): records go through
/// its ingresses, egresses it does not declare fail the run.
///
/// ```no_run
/// use statefun::{module::{IngressRecord, Module}, remote};
///
/// # futures_executor::block_on(async {
/// // The cluster's module.yaml, pointed at the service on this machine.
/// let module = Module::read("module.yaml")?.with_endpoint_url("http://127.0.0.1:1108/");
/// let mut runtime = remote::runtime_for(module);
/// runtime.ingest(&IngressRecord::kafka("add-to-cart", "1", r#"{"userId":"1","itemId":"socks","quantity":3}"#))?;
/// runtime.run_until_quiescent().await?;
/// # Ok::<(), statefun::BoxError>(())
/// # })?;
/// # Ok::<(), statefun::BoxError>(())
/// ```
pub fn runtime_for(module: Module) -> LocalRuntime {
    let mut runtime = LocalRuntime::empty();
    for endpoint in module.endpoints() {
        let http = HttpTransport::new(&endpoint.url_path_template);
        runtime = match &endpoint.functions {
            FunctionPattern::Namespace(ns) => runtime.with_namespace_transport(ns, http),
            FunctionPattern::Exact(name) => runtime.with_transport(name.clone(), http),
        };
        if let Some(max) = endpoint.max_num_batch_requests {
            runtime = runtime.with_max_batch(max);
        }
    }
    runtime.with_module(module)
}
