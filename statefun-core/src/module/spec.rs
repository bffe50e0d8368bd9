//! The entries of a module.yaml: endpoints, ingresses and egresses, each with where it is.

use std::fmt;

use crate::names::TypeName;

/// Where an entry is in its module.yaml: the YAML document (0-based) and the line its
/// content starts on (1-based).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Location {
    /// The document's index, 0 for the first.
    pub document: usize,
    /// The line (1-based) of the document's first content line.
    pub line: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}", self.line)
    }
}

/// Which functions an endpoint serves: its `spec.functions`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FunctionPattern {
    /// `namespace/*`
    Namespace(String),
    /// `namespace/name`
    Exact(TypeName),
}

impl FunctionPattern {
    /// Whether `function` is one the pattern names.
    pub fn matches(&self, function: &TypeName) -> bool {
        match self {
            Self::Namespace(namespace) => function.namespace() == namespace,
            Self::Exact(name) => name == function,
        }
    }
}

impl fmt::Display for FunctionPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Namespace(namespace) => write!(f, "{namespace}/*"),
            Self::Exact(name) => write!(f, "{name}"),
        }
    }
}

/// An `io.statefun.endpoints.v2/http` (or `v1`) endpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct EndpointSpec {
    /// `spec.functions`.
    pub functions: FunctionPattern,
    /// `spec.urlPathTemplate` (`{function.name}` stands for the target function's name).
    pub url_path_template: String,
    /// `spec.maxNumBatchRequests`, if set.
    pub max_num_batch_requests: Option<usize>,
    /// Where it is.
    pub location: Location,
}

/// The kind of an ingress.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum IngressKind {
    /// `io.statefun.kafka.v1/ingress`: records of topics, routed by key.
    Kafka,
    /// `io.statefun.kinesis.v1/ingress`: records of streams, routed by partition key.
    Kinesis,
    /// `io.statefun.playground.v1/ingress`: messages addressed directly, by HTTP.
    Playground,
    /// Any other kind (an ingress bound by a Java module, say): known by kind and id only.
    Other(String),
}

/// One topic (Kafka) or stream (Kinesis) of an ingress: what its records become.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct IngressRoute {
    /// The topic or stream.
    pub source: String,
    /// `valueType`: the typename each record's value is sent as.
    pub value_type: TypeName,
    /// `targets`: the functions that receive each record, at the id of its key.
    pub targets: Vec<TypeName>,
}

/// An ingress.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct IngressSpec {
    /// `spec.id`; for the playground ingress, which has none, `io.statefun.playground/ingress`.
    pub id: TypeName,
    /// Its kind.
    pub kind: IngressKind,
    /// Its topics or streams (none for the playground ingress and other kinds).
    pub routes: Vec<IngressRoute>,
    /// Where it is.
    pub location: Location,
}

impl IngressSpec {
    /// How the entry reads in a message: `Kafka ingress example.com/add-to-cart`.
    pub fn describe(&self) -> String {
        match &self.kind {
            IngressKind::Kafka => format!("Kafka ingress {}", self.id),
            IngressKind::Kinesis => format!("Kinesis ingress {}", self.id),
            IngressKind::Playground => format!("playground ingress {}", self.id),
            IngressKind::Other(kind) => format!("ingress {} ({kind})", self.id),
        }
    }

    /// What a route's source is called for this kind: `topic` or `stream`.
    pub fn source_noun(&self) -> &'static str {
        match self.kind {
            IngressKind::Kinesis => "stream",
            _ => "topic",
        }
    }
}

/// The kind of an egress.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum EgressKind {
    /// `io.statefun.kafka.v1/egress`.
    Kafka,
    /// `io.statefun.kinesis.v1/egress`.
    Kinesis,
    /// `io.statefun.playground.v1/egress`.
    Playground,
    /// Any other kind, known by kind and id only.
    Other(String),
}

/// An egress: functions send to it by its id (`EgressMessage::kafka(id)`, ...).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct EgressSpec {
    /// `spec.id`; for the playground egress, which has none, `io.statefun.playground/egress`.
    pub id: TypeName,
    /// Its kind.
    pub kind: EgressKind,
    /// Where it is.
    pub location: Location,
}
