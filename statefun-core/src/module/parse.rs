//! Reading a module.yaml: its YAML documents, one entry each.

use yaml_rust2::{Yaml, YamlLoader};

use super::{
    EgressKind, EgressSpec, EndpointSpec, EntryProblem, FunctionPattern, IngressKind, IngressRoute,
    IngressSpec, Location, Module, ModuleError,
};
use crate::names::TypeName;

/// The id StateFun's playground ingress has, which its module.yaml entry does not name.
const PLAYGROUND_INGRESS: TypeName = TypeName::from_static("io.statefun.playground/ingress");
/// The id of the playground egress.
const PLAYGROUND_EGRESS: TypeName = TypeName::from_static("io.statefun.playground/egress");

pub(super) fn parse(yaml: &str) -> Result<Module, ModuleError> {
    let documents = YamlLoader::load_from_str(yaml).map_err(|e| ModuleError::Yaml {
        line: e.marker().line(),
        column: e.marker().col() + 1,
        message: e.info().to_owned(),
    })?;
    let lines = document_lines(yaml);
    let mut module = Module::default();
    for (document, doc) in documents.iter().enumerate() {
        let location = Location {
            document,
            line: lines.get(document).copied().unwrap_or(0),
        };
        if doc.is_null() || doc.is_badvalue() {
            continue;
        }
        let kind = doc["kind"].as_str().unwrap_or_default();
        let invalid = |problem| ModuleError::Invalid {
            location,
            kind: kind.to_owned(),
            problem,
        };
        if kind.is_empty() {
            let legacy = !doc["version"].is_badvalue() || !doc["module"].is_badvalue();
            return Err(invalid(if legacy {
                EntryProblem::Legacy
            } else {
                EntryProblem::NoKind
            }));
        }
        let spec = &doc["spec"];
        match kind {
            "io.statefun.endpoints.v1/http" | "io.statefun.endpoints.v2/http" => {
                module
                    .endpoints
                    .push(endpoint(spec, location).map_err(invalid)?);
            }
            "io.statefun.kafka.v1/ingress" => module.ingresses.push(
                ingress(spec, IngressKind::Kafka, "topics", "topic", location).map_err(invalid)?,
            ),
            "io.statefun.kinesis.v1/ingress" => module.ingresses.push(
                ingress(spec, IngressKind::Kinesis, "streams", "stream", location)
                    .map_err(invalid)?,
            ),
            "io.statefun.playground.v1/ingress" => module.ingresses.push(IngressSpec {
                id: PLAYGROUND_INGRESS,
                kind: IngressKind::Playground,
                routes: Vec::new(),
                location,
            }),
            "io.statefun.kafka.v1/egress" => module.egresses.push(EgressSpec {
                id: type_name(&spec["id"], "spec.id").map_err(invalid)?,
                kind: EgressKind::Kafka,
                location,
            }),
            "io.statefun.kinesis.v1/egress" => module.egresses.push(EgressSpec {
                id: type_name(&spec["id"], "spec.id").map_err(invalid)?,
                kind: EgressKind::Kinesis,
                location,
            }),
            "io.statefun.playground.v1/egress" => module.egresses.push(EgressSpec {
                id: PLAYGROUND_EGRESS,
                kind: EgressKind::Playground,
                location,
            }),
            other if other.ends_with("/ingress") => module.ingresses.push(IngressSpec {
                id: type_name(&spec["id"], "spec.id").map_err(invalid)?,
                kind: IngressKind::Other(other.to_owned()),
                routes: Vec::new(),
                location,
            }),
            other if other.ends_with("/egress") => module.egresses.push(EgressSpec {
                id: type_name(&spec["id"], "spec.id").map_err(invalid)?,
                kind: EgressKind::Other(other.to_owned()),
                location,
            }),
            // Kinds this SDK has nothing to check against: the runtime reads them.
            _ => {}
        }
    }
    Ok(module)
}

fn endpoint(spec: &Yaml, location: Location) -> Result<EndpointSpec, EntryProblem> {
    let functions = string(&spec["functions"], "spec.functions")?;
    let functions = match functions.strip_suffix("/*") {
        Some(namespace) if !namespace.is_empty() && !namespace.contains('/') => {
            FunctionPattern::Namespace(namespace.to_owned())
        }
        _ => FunctionPattern::Exact(
            TypeName::new(functions).map_err(|_| EntryProblem::Functions(functions.to_owned()))?,
        ),
    };
    let url_path_template = string(&spec["urlPathTemplate"], "spec.urlPathTemplate")?.to_owned();
    let max_num_batch_requests = match &spec["maxNumBatchRequests"] {
        Yaml::BadValue => None,
        value => Some(
            value
                .as_i64()
                .and_then(|n| usize::try_from(n).ok())
                .ok_or_else(|| EntryProblem::Missing {
                    field: "spec.maxNumBatchRequests".into(),
                    expected: "a count",
                })?,
        ),
    };
    Ok(EndpointSpec {
        functions,
        url_path_template,
        max_num_batch_requests,
        location,
    })
}

fn ingress(
    spec: &Yaml,
    kind: IngressKind,
    list: &str,
    source: &str,
    location: Location,
) -> Result<IngressSpec, EntryProblem> {
    let id = type_name(&spec["id"], "spec.id")?;
    let entries = spec[list].as_vec().ok_or_else(|| EntryProblem::Missing {
        field: format!("spec.{list}"),
        expected: "a list",
    })?;
    let mut routes = Vec::with_capacity(entries.len());
    for (i, entry) in entries.iter().enumerate() {
        let field = |name: &str| format!("spec.{list}[{i}].{name}");
        let targets = entry["targets"]
            .as_vec()
            .filter(|targets| !targets.is_empty())
            .ok_or_else(|| EntryProblem::Missing {
                field: field("targets"),
                expected: "a list of function typenames",
            })?
            .iter()
            .enumerate()
            .map(|(t, target)| type_name(target, &format!("{}[{t}]", field("targets"))))
            .collect::<Result<_, _>>()?;
        routes.push(IngressRoute {
            source: string(&entry[source], &field(source))?.to_owned(),
            value_type: type_name(&entry["valueType"], &field("valueType"))?,
            targets,
        });
    }
    Ok(IngressSpec {
        id,
        kind,
        routes,
        location,
    })
}

fn string<'a>(value: &'a Yaml, field: &str) -> Result<&'a str, EntryProblem> {
    value.as_str().ok_or_else(|| EntryProblem::Missing {
        field: field.to_owned(),
        expected: "a string",
    })
}

fn type_name(value: &Yaml, field: &str) -> Result<TypeName, EntryProblem> {
    TypeName::new(string(value, field)?).map_err(|source| EntryProblem::TypeName {
        field: field.to_owned(),
        source,
    })
}

/// The first content line (1-based) of each YAML document of `yaml`, in order: documents
/// are separated by lines starting with `---`, and a document's content is its first line
/// that is neither blank nor a comment. A document without content gets the line of its
/// separator.
fn document_lines(yaml: &str) -> Vec<usize> {
    let mut starts = Vec::new();
    let mut current: Option<usize> = None;
    let mut separator = 1;
    let mut seen_separator = false;
    for (index, line) in yaml.lines().enumerate() {
        let number = index + 1;
        if line.starts_with("---") {
            // A leading `---` opens the first document rather than closing an empty one.
            if current.is_some() || seen_separator {
                starts.push(current.unwrap_or(separator));
            }
            seen_separator = true;
            separator = number;
            current = None;
            continue;
        }
        let content = line.trim();
        if current.is_none() && !content.is_empty() && !content.starts_with('#') {
            current = Some(number);
        }
    }
    if let Some(line) = current {
        starts.push(line);
    }
    starts
}

#[cfg(test)]
mod tests {
    use super::document_lines;

    #[test]
    fn documents_start_at_their_first_content_line() {
        assert_eq!(document_lines("# c\nkind: a\n---\n\nkind: b\n"), [2, 5]);
        assert_eq!(document_lines("---\nkind: a\n---\nkind: b\n"), [2, 4]);
        assert_eq!(document_lines("kind: a\n"), [1]);
    }
}
