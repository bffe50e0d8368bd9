//! Remote function services over HTTP, for the [local runtime](crate::local): an
//! [`HttpTransport`] speaks the request-reply protocol to any StateFun SDK's function
//! service, exactly as the StateFun runtime does.

use std::{io, thread};

use bytes::Bytes;
use futures_util::future::BoxFuture;

use crate::{
    Address, BoxError, TypeName, TypeNameError,
    local::{LocalRuntime, Transport},
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
        let mut response = self
            .agent
            .post(url)
            .header("Content-Type", "application/octet-stream")
            .send(body)?;
        let status = response.status().as_u16();
        let bytes = response
            .body_mut()
            .with_config()
            .limit(self.max_response)
            .read_to_vec()?;
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

/// Which functions an endpoint of module.yaml serves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FunctionPattern {
    /// `namespace/*`
    Namespace(String),
    /// `namespace/name`
    Exact(TypeName),
}

/// One `io.statefun.endpoints.v2/http` endpoint of a module.yaml.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EndpointSpec {
    /// `spec.functions`.
    pub functions: FunctionPattern,
    /// `spec.urlPathTemplate`.
    pub url_path_template: String,
    /// `spec.maxNumBatchRequests`, if set.
    pub max_num_batch_requests: Option<usize>,
}

/// A module.yaml that cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ModuleError {
    /// Not YAML.
    #[error("module.yaml is not valid YAML: {message} at line {line} column {column}")]
    Yaml {
        /// The line of the error (1-based).
        line: usize,
        /// The column of the error (1-based).
        column: usize,
        /// What the YAML parser said.
        message: String,
    },
    /// A field of an endpoint is missing or invalid.
    #[error("module.yaml document {document}: {problem}")]
    Invalid {
        /// The document's index (0-based).
        document: usize,
        /// What is wrong.
        #[source]
        problem: EndpointProblem,
    },
}

/// What is wrong with an `io.statefun.endpoints.v2/http` document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EndpointProblem {
    /// A required field is absent (or not a string).
    #[error("`spec.{0}` is missing")]
    Missing(&'static str),
    /// `spec.functions` is neither `namespace/*` nor a typename.
    #[error("`spec.functions`: {0}")]
    Functions(#[source] TypeNameError),
    /// `spec.maxNumBatchRequests` is not a count.
    #[error("`spec.maxNumBatchRequests` is not a count")]
    MaxNumBatchRequests,
}

/// The `io.statefun.endpoints.v2/http` endpoints declared in a module.yaml; documents of
/// other kinds (ingresses, egresses) are skipped.
pub fn http_endpoints(module_yaml: &str) -> Result<Vec<EndpointSpec>, ModuleError> {
    let documents =
        yaml_rust2::YamlLoader::load_from_str(module_yaml).map_err(|e| ModuleError::Yaml {
            line: e.marker().line(),
            column: e.marker().col() + 1,
            message: e.info().to_owned(),
        })?;
    let mut endpoints = Vec::new();
    for (document, doc) in documents.iter().enumerate() {
        if doc["kind"].as_str() != Some("io.statefun.endpoints.v2/http") {
            continue;
        }
        let invalid = |problem| ModuleError::Invalid { document, problem };
        let spec = &doc["spec"];
        let functions = spec["functions"]
            .as_str()
            .ok_or_else(|| invalid(EndpointProblem::Missing("functions")))?;
        let functions = match functions.strip_suffix("/*") {
            Some(namespace) if !namespace.is_empty() && !namespace.contains('/') => {
                FunctionPattern::Namespace(namespace.to_owned())
            }
            _ => FunctionPattern::Exact(
                functions
                    .parse()
                    .map_err(|e| invalid(EndpointProblem::Functions(e)))?,
            ),
        };
        let url_path_template = spec["urlPathTemplate"]
            .as_str()
            .ok_or_else(|| invalid(EndpointProblem::Missing("urlPathTemplate")))?
            .to_owned();
        let max_num_batch_requests = match &spec["maxNumBatchRequests"] {
            yaml_rust2::Yaml::BadValue => None,
            value => Some(
                value
                    .as_i64()
                    .and_then(|n| usize::try_from(n).ok())
                    .ok_or_else(|| invalid(EndpointProblem::MaxNumBatchRequests))?,
            ),
        };
        endpoints.push(EndpointSpec {
            functions,
            url_path_template,
            max_num_batch_requests,
        });
    }
    Ok(endpoints)
}

/// A local runtime that drives the HTTP endpoints declared in `module_yaml`.
pub fn runtime_from_module_yaml(module_yaml: &str) -> Result<LocalRuntime, ModuleError> {
    let mut runtime = LocalRuntime::empty();
    for endpoint in http_endpoints(module_yaml)? {
        let http = HttpTransport::new(endpoint.url_path_template);
        runtime = match endpoint.functions {
            FunctionPattern::Namespace(ns) => runtime.with_namespace_transport(&ns, http),
            FunctionPattern::Exact(name) => runtime.with_transport(name, http),
        };
        if let Some(max) = endpoint.max_num_batch_requests {
            runtime = runtime.with_max_batch(max);
        }
    }
    Ok(runtime)
}
