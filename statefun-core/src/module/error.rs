//! [`ModuleError`]: a module.yaml that cannot be read.

use std::{io, path::PathBuf};

use super::Location;
use crate::names::TypeNameError;

/// Why a module.yaml cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ModuleError {
    /// The file cannot be read.
    #[error("{}: {source}", .path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What the system said.
        #[source]
        source: io::Error,
    },
    /// Not YAML.
    #[error("not valid YAML: {message} at line {line} column {column}")]
    Yaml {
        /// The line of the error (1-based).
        line: usize,
        /// The column of the error (1-based).
        column: usize,
        /// What the YAML parser said.
        message: String,
    },
    /// A document is not a valid entry of its kind.
    #[error("{location} ({kind}): {problem}")]
    Invalid {
        /// Where the document is.
        location: Location,
        /// Its `kind` (empty when it has none).
        kind: String,
        /// What is wrong.
        #[source]
        problem: EntryProblem,
    },
}

/// What is wrong with one document of a module.yaml.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EntryProblem {
    /// The document has no `kind`.
    #[error("no `kind`: each document is `kind: ...` and `spec: ...`")]
    NoKind,
    /// The document is in the format of StateFun 3.0 (`version: "3.0"`, `module:`).
    #[error(
        "the StateFun 3.0 format (`version`, `module`) is not read: write one document per endpoint, ingress and egress (`kind:`, `spec:`), as StateFun 3.1 and later do"
    )]
    Legacy,
    /// A required field is absent, or not of the type it must be.
    #[error("`{field}` is missing or not {expected}")]
    Missing {
        /// The field's path, e.g. `spec.topics[0].valueType`.
        field: String,
        /// What it must be: `a string`, `a list`, ...
        expected: &'static str,
    },
    /// A field that must be a typename is not one.
    #[error("`{field}`: {source}")]
    TypeName {
        /// The field's path.
        field: String,
        /// Why it is not a typename.
        #[source]
        source: TypeNameError,
    },
    /// `spec.functions` is neither `namespace/*` nor a typename.
    #[error("`spec.functions` is `{0}`: write `namespace/*` or `namespace/name`")]
    Functions(String),
}
