//! A StateFun application's `module.yaml`, read ([`Module::parse`]) and checked against
//! the functions a service hosts ([`Module::check`]); its ingresses route records as the
//! runtime does ([`Module::route`]), which is how the local runtime and `statefun-local`
//! run an application from its module.yaml.
//!
//! ```no_run
//! use statefun::{Functions, module::Module};
//!
//! # fn functions() -> Functions { Functions::new() }
//! // In a test of your service: the module.yaml you deploy matches the code.
//! let module = Module::read("module.yaml")?;
//! let mismatches = module.check(&functions().catalog());
//! assert!(mismatches.is_empty(), "{}", mismatches.iter().map(|m| m.to_string()).collect::<Vec<_>>().join("\n"));
//! # Ok::<(), statefun::module::ModuleError>(())
//! ```
//!
//! The kinds read: `io.statefun.endpoints.v1/http` and `v2/http`, `io.statefun.kafka.v1`
//! and `io.statefun.kinesis.v1` ingresses (with their topics or streams, `valueType` and
//! `targets`) and egresses, the playground's `io.statefun.playground.v1` ingress and egress,
//! and any other `.../ingress` or `.../egress` kind by its `spec.id`. Other documents are
//! skipped.

mod check;
mod error;
mod parse;
mod record;
mod spec;

use std::path::Path;

pub use check::Mismatch;
pub use error::{EntryProblem, ModuleError};
pub use record::{IngressRecord, RouteError};
pub use spec::{
    EgressKind, EgressSpec, EndpointSpec, FunctionPattern, IngressKind, IngressRoute, IngressSpec,
    Location,
};

use crate::names::TypeName;

/// The endpoints, ingresses and egresses of a module.yaml, in file order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Module {
    endpoints: Vec<EndpointSpec>,
    ingresses: Vec<IngressSpec>,
    egresses: Vec<EgressSpec>,
}

impl Module {
    /// The module of the YAML text `yaml` (one or more documents separated by `---`).
    pub fn parse(yaml: &str) -> Result<Self, ModuleError> {
        parse::parse(yaml)
    }

    /// The module of the file at `path`.
    pub fn read(path: impl AsRef<Path>) -> Result<Self, ModuleError> {
        let path = path.as_ref();
        let yaml = std::fs::read_to_string(path).map_err(|source| ModuleError::Io {
            path: path.to_owned(),
            source,
        })?;
        Self::parse(&yaml)
    }

    /// The HTTP endpoints.
    pub fn endpoints(&self) -> &[EndpointSpec] {
        &self.endpoints
    }

    /// The ingresses.
    pub fn ingresses(&self) -> &[IngressSpec] {
        &self.ingresses
    }

    /// The egresses.
    pub fn egresses(&self) -> &[EgressSpec] {
        &self.egresses
    }

    /// The endpoint that serves `function`, as the runtime picks it: one naming the
    /// function exactly wins over one for its namespace.
    pub fn endpoint_for(&self, function: &TypeName) -> Option<&EndpointSpec> {
        let exact = self
            .endpoints
            .iter()
            .find(|e| matches!(&e.functions, FunctionPattern::Exact(name) if name == function));
        exact.or_else(|| {
            self.endpoints
                .iter()
                .find(|e| e.functions.matches(function))
        })
    }

    /// Whether the module declares an egress of id `id`.
    pub fn declares_egress(&self, id: &TypeName) -> bool {
        self.egresses.iter().any(|egress| egress.id == *id)
    }

    /// The module with every endpoint's URL replaced by `url` (which may hold
    /// `{function.name}`): the module.yaml of a cluster, pointed at a service running
    /// elsewhere, e.g. on this machine.
    pub fn with_endpoint_url(mut self, url: &str) -> Self {
        for endpoint in &mut self.endpoints {
            endpoint.url_path_template = url.to_owned();
        }
        self
    }

    /// The module with the URL of the endpoints whose `functions` is `pattern` (`ns/*` or
    /// `ns/name`, as written in the module) replaced by `url`; `None` if no endpoint has
    /// that pattern.
    pub fn with_endpoint_url_for(mut self, pattern: &str, url: &str) -> Option<Self> {
        let mut found = false;
        for endpoint in &mut self.endpoints {
            if endpoint.functions.to_string() == pattern {
                endpoint.url_path_template = url.to_owned();
                found = true;
            }
        }
        found.then_some(self)
    }
}
