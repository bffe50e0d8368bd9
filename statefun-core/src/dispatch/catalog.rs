//! [`Catalog`]: what a service hosts, as data: each function's typename, the message
//! typenames it takes and its states. A module.yaml is checked against it
//! (`statefun::module::Module::check`), in-process or, as JSON, across processes.

use std::time::Duration;

use serde_json::{Value as Json, json};

use super::{DeadLetters, Functions};
use crate::{message::MessageTypes, names::TypeName, state::Expiration};

/// What a service hosts: one [`CatalogFunction`] per function, sorted by typename.
///
/// ```
/// use statefun::{Context, Functions, MessageTypes, TypeName};
///
/// #[statefun::function(typename = "demo/greeter")]
/// fn greeter(_: &mut Context, name: String) {
///     let _ = name;
/// }
///
/// let catalog = Functions::new().with(greeter).catalog();
/// let entry = catalog.function(&TypeName::from_static("demo/greeter")).unwrap();
/// assert!(entry.messages.accepts("io.statefun.types/string"));
/// // Across processes, as JSON (the actix-web endpoint serves it at `GET /functions`).
/// assert_eq!(statefun::Catalog::from_json(&catalog.to_json())?, catalog);
/// # Ok::<(), statefun::CatalogError>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Catalog {
    /// The functions, sorted by typename.
    pub functions: Vec<CatalogFunction>,
}

/// One function of a [`Catalog`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CatalogFunction {
    /// Its typename.
    pub type_name: TypeName,
    /// The typenames of the messages it takes.
    pub messages: MessageTypes,
    /// Its states, in declaration order.
    pub states: Vec<CatalogState>,
    /// What becomes of a message it can never process.
    pub dead_letters: DeadLetters,
}

/// One state of a [`CatalogFunction`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CatalogState {
    /// The state's name.
    pub name: String,
    /// The typename of its values.
    pub type_name: TypeName,
    /// When the runtime may drop it.
    pub expiration: Expiration,
}

/// A catalog's JSON that cannot be read.
#[derive(Debug, thiserror::Error)]
#[error("not a function catalog: {0}")]
pub struct CatalogError(String);

impl Functions {
    /// What these functions are, as data ([`Catalog`]).
    pub fn catalog(&self) -> Catalog {
        let functions = self
            .type_names()
            .into_iter()
            .map(|type_name| CatalogFunction {
                type_name: type_name.clone(),
                messages: self
                    .message_types(type_name)
                    .cloned()
                    .unwrap_or(MessageTypes::Any),
                states: self
                    .specs(type_name)
                    .unwrap_or_default()
                    .iter()
                    .map(|spec| CatalogState {
                        name: spec.name().to_owned(),
                        type_name: spec.type_name().clone(),
                        expiration: spec.expiration(),
                    })
                    .collect(),
                dead_letters: self.dead_letters(type_name).cloned().unwrap_or_default(),
            })
            .collect();
        Catalog { functions }
    }
}

impl Catalog {
    /// The function of typename `type_name`, if hosted.
    pub fn function(&self, type_name: &TypeName) -> Option<&CatalogFunction> {
        self.functions.iter().find(|f| f.type_name == *type_name)
    }

    /// The catalog as JSON: `{"functions": [{"typename": ..., "messages": [...] or "any",
    /// "states": [{"name": ..., "typename": ..., "expire_after_call_ms" or
    /// "expire_after_write_ms": ...}], "dead_letters": "fail" or {"kafka": {"egress",
    /// "topic"}}, {"kinesis": {"egress", "stream"}}, {"egress": ...}, {"function": ...}}]}`.
    pub fn to_json(&self) -> String {
        let functions: Vec<Json> = self
            .functions
            .iter()
            .map(|function| {
                let messages = match &function.messages {
                    MessageTypes::Only(names) => {
                        json!(names.iter().map(TypeName::as_str).collect::<Vec<_>>())
                    }
                    _ => json!("any"),
                };
                let states: Vec<Json> = function
                    .states
                    .iter()
                    .map(|state| {
                        let mut entry =
                            json!({ "name": state.name, "typename": state.type_name.as_str() });
                        match state.expiration {
                            Expiration::Never => {}
                            Expiration::AfterCall(ttl) => {
                                entry["expire_after_call_ms"] = json!(ttl.as_millis() as u64);
                            }
                            Expiration::AfterWrite(ttl) => {
                                entry["expire_after_write_ms"] = json!(ttl.as_millis() as u64);
                            }
                        }
                        entry
                    })
                    .collect();
                json!({
                    "typename": function.type_name.as_str(),
                    "messages": messages,
                    "states": states,
                    "dead_letters": dead_letters_json(&function.dead_letters),
                })
            })
            .collect();
        json!({ "functions": functions }).to_string()
    }

    /// A catalog from its JSON ([`Catalog::to_json`]).
    pub fn from_json(text: &str) -> Result<Self, CatalogError> {
        let json: Json = serde_json::from_str(text).map_err(|e| CatalogError(e.to_string()))?;
        let functions = json["functions"]
            .as_array()
            .ok_or_else(|| CatalogError("no `functions` list".into()))?
            .iter()
            .map(read_function)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self { functions })
    }
}

fn read_function(json: &Json) -> Result<CatalogFunction, CatalogError> {
    let type_name = type_name_of(&json["typename"], "a function's `typename`")?;
    let messages = match &json["messages"] {
        Json::String(any) if any == "any" => MessageTypes::Any,
        Json::Array(names) => MessageTypes::Only(
            names
                .iter()
                .map(|name| type_name_of(name, "`messages`"))
                .collect::<Result<_, _>>()?,
        ),
        _ => {
            return Err(CatalogError(format!(
                "{type_name}: `messages` is neither \"any\" nor a list of typenames"
            )));
        }
    };
    let states = json["states"]
        .as_array()
        .ok_or_else(|| CatalogError(format!("{type_name}: no `states` list")))?
        .iter()
        .map(|state| {
            let name = state["name"]
                .as_str()
                .ok_or_else(|| CatalogError(format!("{type_name}: a state without a `name`")))?
                .to_owned();
            let millis = |key: &str| state[key].as_u64().map(Duration::from_millis);
            let expiration = match (
                millis("expire_after_call_ms"),
                millis("expire_after_write_ms"),
            ) {
                (Some(ttl), None) => Expiration::AfterCall(ttl),
                (None, Some(ttl)) => Expiration::AfterWrite(ttl),
                _ => Expiration::Never,
            };
            Ok(CatalogState {
                type_name: type_name_of(&state["typename"], "a state's `typename`")?,
                name,
                expiration,
            })
        })
        .collect::<Result<_, CatalogError>>()?;
    let dead_letters = read_dead_letters(&json["dead_letters"])
        .ok_or_else(|| CatalogError(format!("{type_name}: `dead_letters` is not a policy")))?;
    Ok(CatalogFunction {
        type_name,
        messages,
        states,
        dead_letters,
    })
}

/// `"fail"`, `{"kafka": {"egress", "topic"}}`, `{"kinesis": {"egress", "stream"}}`,
/// `{"egress": id}` or `{"function": typename}`.
fn dead_letters_json(policy: &DeadLetters) -> Json {
    match policy {
        DeadLetters::Kafka { egress, topic } => {
            json!({ "kafka": { "egress": egress.as_str(), "topic": topic } })
        }
        DeadLetters::Kinesis { egress, stream } => {
            json!({ "kinesis": { "egress": egress.as_str(), "stream": stream } })
        }
        DeadLetters::Egress(egress) => json!({ "egress": egress.as_str() }),
        DeadLetters::Function(function) => json!({ "function": function.as_str() }),
        _ => json!("fail"),
    }
}

/// The policy of [`dead_letters_json`]; a missing one is `fail`, as from a catalog written
/// before policies existed.
fn read_dead_letters(json: &Json) -> Option<DeadLetters> {
    let name = |value: &Json| TypeName::new(value.as_str()?).ok();
    Some(match json {
        Json::Null => DeadLetters::Fail,
        Json::String(fail) if fail == "fail" => DeadLetters::Fail,
        _ if json.get("kafka").is_some() => DeadLetters::kafka(
            name(&json["kafka"]["egress"])?,
            json["kafka"]["topic"].as_str()?,
        ),
        _ if json.get("kinesis").is_some() => DeadLetters::kinesis(
            name(&json["kinesis"]["egress"])?,
            json["kinesis"]["stream"].as_str()?,
        ),
        _ if json.get("egress").is_some() => DeadLetters::Egress(name(&json["egress"])?),
        _ if json.get("function").is_some() => DeadLetters::Function(name(&json["function"])?),
        _ => return None,
    })
}

fn type_name_of(json: &Json, what: &str) -> Result<TypeName, CatalogError> {
    let text = json
        .as_str()
        .ok_or_else(|| CatalogError(format!("{what} is not a string")))?;
    TypeName::new(text).map_err(|e| CatalogError(format!("{what}: {e}")))
}
