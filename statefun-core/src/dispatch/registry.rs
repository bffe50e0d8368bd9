//! [`Functions`]: the functions a service hosts, by typename, checked when registered.

use std::{collections::HashMap, fmt, sync::Arc};

use super::{
    DeadLetters,
    batch::{Erased, ErasedFunction},
};
use crate::{
    codec::{BOOL, DOUBLE, FLOAT, INT, LONG, STRING},
    function::Function,
    message::MessageTypes,
    names::TypeName,
    state::{SpecError, State, ValueSpec, validate_specs},
};

/// Why a function cannot be registered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RegistryError {
    /// Another function has the same typename.
    #[error("function `{0}` is registered twice")]
    Duplicate(TypeName),
    /// The function accepts a typename twice (two variants of its message enum whose
    /// types have the same typename).
    #[error(
        "function `{type_name}` accepts `{message_type}` twice: give each variant of its message enum a type with its own typename"
    )]
    DuplicateMessageType {
        /// The function.
        type_name: TypeName,
        /// The typename accepted twice.
        message_type: TypeName,
    },
    /// The function's state specs are invalid.
    #[error("function `{type_name}` has an invalid state spec: {source}")]
    InvalidSpec {
        /// The function.
        type_name: TypeName,
        /// What is wrong.
        source: SpecError,
    },
}

/// The functions a service hosts, by typename.
///
/// ```
/// # use statefun::{BoxError, Context, Function, Functions, Message, TypeName};
/// # struct Echo;
/// # impl Function for Echo {
/// #     type State = ();
/// #     fn type_name(&self) -> TypeName { TypeName::from_static("demo/echo") }
/// #     async fn invoke(&self, _: &mut Context, _: &mut (), _: Message) -> Result<(), BoxError> { Ok(()) }
/// # }
/// let functions = Functions::new().with(Echo);
/// assert!(Functions::new().with(Echo).try_with(Echo).is_err());
/// ```
#[derive(Default)]
pub struct Functions {
    by_name: HashMap<TypeName, Registered>,
    /// The policy of the functions without one of their own.
    dead_letters: DeadLetters,
}

/// A registered function: its specs, and the function behind its batch runner.
pub(crate) struct Registered {
    pub(crate) specs: Vec<ValueSpec>,
    pub(crate) message_types: MessageTypes,
    /// The static typenames among those the function accepts, or the primitive types'
    /// when it accepts any: messages of these typenames need no view into the body.
    pub(crate) known_type_names: Vec<&'static str>,
    pub(crate) function: Arc<dyn ErasedFunction>,
    /// Its own dead-letter policy, if it has one.
    pub(crate) dead_letters: Option<DeadLetters>,
}

impl Functions {
    /// No functions yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `function`.
    ///
    /// # Panics
    /// If its typename is taken or its state specs are invalid; see
    /// [`Functions::try_with`] for the fallible version.
    #[track_caller]
    pub fn with<F: Function>(self, function: F) -> Self {
        match self.try_with(function) {
            Ok(functions) => functions,
            Err(e) => panic!("{e}"),
        }
    }

    /// Adds `function`, or says why it cannot be added.
    pub fn try_with<F: Function>(mut self, function: F) -> Result<Self, RegistryError> {
        let type_name = function.type_name();
        if self.by_name.contains_key(&type_name) {
            return Err(RegistryError::Duplicate(type_name));
        }
        let specs = F::State::specs();
        validate_specs(&specs).map_err(|source| RegistryError::InvalidSpec {
            type_name: type_name.clone(),
            source,
        })?;
        let message_types = function.message_types();
        if let MessageTypes::Only(names) = &message_types
            && let Some(message_type) = names
                .iter()
                .enumerate()
                .find_map(|(i, name)| names[..i].contains(name).then_some(name))
        {
            return Err(RegistryError::DuplicateMessageType {
                type_name,
                message_type: message_type.clone(),
            });
        }
        let known_type_names = match &message_types {
            MessageTypes::Only(names) => names.iter().filter_map(TypeName::static_str).collect(),
            MessageTypes::Any => [STRING, INT, LONG, BOOL, DOUBLE, FLOAT]
                .iter()
                .filter_map(TypeName::static_str)
                .collect(),
        };
        self.by_name.insert(
            type_name,
            Registered {
                specs,
                message_types,
                known_type_names,
                function: Arc::new(Erased::new(function)),
                dead_letters: None,
            },
        );
        Ok(self)
    }

    /// What becomes of a message a function can never process, for every function without
    /// a policy of its own ([`Functions::with_dead_letters_for`]): by default
    /// [`DeadLetters::fail`].
    pub fn with_dead_letters(mut self, policy: DeadLetters) -> Self {
        self.dead_letters = policy;
        self
    }

    /// What becomes of a message `function` (registered already) can never process,
    /// whatever the service's policy ([`Functions::with_dead_letters`]).
    ///
    /// # Panics
    ///
    /// If `function` is not registered: register it first, with [`Functions::with`].
    pub fn with_dead_letters_for<F: Function>(mut self, function: &F, policy: DeadLetters) -> Self {
        let type_name = function.type_name();
        match self.by_name.get_mut(&type_name) {
            Some(registered) => registered.dead_letters = Some(policy),
            None => {
                panic!("{type_name} is not registered: call `with` before `with_dead_letters_for`")
            }
        }
        self
    }

    /// The dead-letter policy of a registered function: its own, or the service's.
    pub fn dead_letters(&self, type_name: &TypeName) -> Option<&DeadLetters> {
        self.by_name.get(type_name).map(|r| self.policy_of(r))
    }

    /// The policy of `registered`: its own, or the service's.
    pub(crate) fn policy_of<'a>(&'a self, registered: &'a Registered) -> &'a DeadLetters {
        registered
            .dead_letters
            .as_ref()
            .unwrap_or(&self.dead_letters)
    }

    /// The function registered as `namespace/name`, found without building the typename:
    /// a scan of a few typenames is faster than hashing a newly allocated one.
    pub(crate) fn find(&self, namespace: &[u8], name: &[u8]) -> Option<(&TypeName, &Registered)> {
        if self.by_name.len() <= 16 {
            self.by_name
                .iter()
                .find(|(t, _)| t.name().as_bytes() == name && t.namespace().as_bytes() == namespace)
        } else {
            let (namespace, name) = (
                std::str::from_utf8(namespace).ok()?,
                std::str::from_utf8(name).ok()?,
            );
            let type_name = TypeName::from_parts(namespace, name).ok()?;
            self.by_name.get_key_value(&type_name)
        }
    }

    /// The registered typenames, sorted.
    pub fn type_names(&self) -> Vec<&TypeName> {
        let mut names: Vec<_> = self.by_name.keys().collect();
        names.sort();
        names
    }

    /// The state specs of a registered function.
    pub fn specs(&self, type_name: &TypeName) -> Option<&[ValueSpec]> {
        self.by_name.get(type_name).map(|r| r.specs.as_slice())
    }

    /// The typenames of the messages a registered function accepts.
    pub fn message_types(&self, type_name: &TypeName) -> Option<&MessageTypes> {
        self.by_name.get(type_name).map(|r| &r.message_types)
    }

    /// The `io.statefun.endpoints.v2/http` module.yaml for these functions served at
    /// `base_url` (e.g. `http://functions:8000/statefun`): one endpoint per namespace.
    pub fn module_yaml(&self, base_url: &str) -> String {
        let mut namespaces: Vec<&str> = self.by_name.keys().map(|t| t.namespace()).collect();
        namespaces.sort_unstable();
        namespaces.dedup();
        let mut yaml = String::new();
        for (i, namespace) in namespaces.iter().enumerate() {
            if i > 0 {
                yaml.push_str("---\n");
            }
            yaml.push_str(&format!(
                "kind: io.statefun.endpoints.v2/http\nspec:\n  functions: {namespace}/*\n  urlPathTemplate: {base_url}\n  transport:\n    type: io.statefun.transports.v1/async\n"
            ));
        }
        yaml
    }
}

impl fmt::Debug for Functions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.type_names()).finish()
    }
}
