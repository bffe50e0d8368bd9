//! [`Module::check`]: a module.yaml against the functions a service hosts.

use std::fmt;

use super::{EndpointSpec, IngressSpec, Location, Module};
use crate::{
    dispatch::{Catalog, DeadLetters},
    message::MessageTypes,
    names::TypeName,
};

/// One way a module.yaml and a service's functions disagree, found before the StateFun
/// runtime finds it (by failing the job). Its text is one line naming the module entry and
/// the function: `line 12: Kafka ingress example.com/add-to-cart, topic add-to-cart: ...`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Mismatch {
    /// An ingress targets a function that no endpoint of the module serves.
    UnservedTarget {
        /// Where the ingress is.
        location: Location,
        /// The ingress, as [`IngressSpec::describe`] words it.
        ingress: String,
        /// `topic add-to-cart` or `stream ...`.
        source: String,
        /// The target.
        target: TypeName,
    },
    /// An ingress targets a function that the module routes to this service, which has no
    /// such function.
    UnknownTarget {
        /// Where the ingress is.
        location: Location,
        /// The ingress.
        ingress: String,
        /// `topic ...` or `stream ...`.
        source: String,
        /// The target.
        target: TypeName,
        /// The endpoint that routes it here.
        endpoint: Location,
        /// The functions the service has.
        hosted: Vec<TypeName>,
    },
    /// An ingress sends its records as a type its target does not take.
    UnacceptedType {
        /// Where the ingress is.
        location: Location,
        /// The ingress.
        ingress: String,
        /// `topic ...` or `stream ...`.
        source: String,
        /// The target.
        target: TypeName,
        /// The route's `valueType`.
        value_type: TypeName,
        /// What the target takes.
        accepted: MessageTypes,
    },
    /// A function of the service that no endpoint of the module serves: the runtime would
    /// never call it.
    UncoveredFunction {
        /// The function.
        function: TypeName,
    },
    /// A function's dead letters go to an egress the module does not declare: the first
    /// dead letter would fail the job.
    UndeclaredDeadLetterEgress {
        /// The function.
        function: TypeName,
        /// The egress its policy names.
        egress: TypeName,
    },
    /// A function's dead letters go to a function no endpoint of the module serves.
    UnservedDeadLetterFunction {
        /// The function.
        function: TypeName,
        /// The function its policy names.
        target: TypeName,
    },
}

impl Mismatch {
    /// The module entry the mismatch is about, if it is about one.
    pub fn location(&self) -> Option<Location> {
        match self {
            Self::UnservedTarget { location, .. }
            | Self::UnknownTarget { location, .. }
            | Self::UnacceptedType { location, .. } => Some(*location),
            Self::UncoveredFunction { .. }
            | Self::UndeclaredDeadLetterEgress { .. }
            | Self::UnservedDeadLetterFunction { .. } => None,
        }
    }
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnservedTarget {
                location,
                ingress,
                source,
                target,
            } => write!(
                f,
                "{location}: {ingress}, {source}: targets {target}, which no endpoint of the module serves"
            ),
            Self::UnknownTarget {
                location,
                ingress,
                source,
                target,
                endpoint,
                hosted,
            } => write!(
                f,
                "{location}: {ingress}, {source}: targets {target}, which the endpoint at {endpoint} routes to this service, but the service has no such function (it has {})",
                list(hosted)
            ),
            Self::UnacceptedType {
                location,
                ingress,
                source,
                target,
                value_type,
                accepted,
            } => write!(
                f,
                "{location}: {ingress}, {source}: sends {value_type} to {target}, which takes {accepted}"
            ),
            Self::UncoveredFunction { function } => write!(
                f,
                "the service's function {function} is served by no endpoint of the module: add one for `{}/*` or `{function}`",
                function.namespace()
            ),
            Self::UndeclaredDeadLetterEgress { function, egress } => write!(
                f,
                "the dead letters of {function} go to egress {egress}, which the module does not declare: declare it, or the first dead letter fails the job"
            ),
            Self::UnservedDeadLetterFunction { function, target } => write!(
                f,
                "the dead letters of {function} go to function {target}, which no endpoint of the module serves"
            ),
        }
    }
}

fn list(names: &[TypeName]) -> String {
    let names: Vec<&str> = names.iter().map(TypeName::as_str).collect();
    names.join(", ")
}

impl Module {
    /// Where this module and the functions of `catalog` (one service's:
    /// [`Functions::catalog`](crate::Functions::catalog)) disagree, in module order; empty
    /// when they agree.
    ///
    /// - Every ingress target is served by an endpoint of the module; when that endpoint
    ///   routes to this service (it serves one of the catalog's functions), the service has
    ///   the target, and the target takes the route's `valueType`. (Targets the module
    ///   routes to another service are not checked further: their catalog is not this one.)
    /// - Every function of the catalog is served by an endpoint of the module.
    /// - Where a function's dead letters go ([`DeadLetters`]) exists: the egress is
    ///   declared, the function served by an endpoint.
    ///
    /// Egresses are checked where the code names them, at run time: the local runtime
    /// built with [`LocalRuntime::with_module`](crate::local::LocalRuntime::with_module)
    /// fails a run that sends to an egress the module does not declare.
    ///
    /// ```
    /// use statefun::{Context, Functions, module::Module};
    ///
    /// #[statefun::function(typename = "demo/greeter")]
    /// fn greeter(_: &mut Context, name: String) {
    ///     let _ = name;
    /// }
    ///
    /// let module = Module::parse(
    ///     "kind: io.statefun.endpoints.v2/http
    /// spec:
    ///   functions: demo/*
    ///   urlPathTemplate: http://functions:8000/statefun
    /// ---
    /// kind: io.statefun.kafka.v1/ingress
    /// spec:
    ///   id: demo/names
    ///   address: kafka:9092
    ///   topics:
    ///     - topic: names
    ///       valueType: io.statefun.types/int
    ///       targets:
    ///         - demo/greeter
    /// ",
    /// )?;
    /// let mismatches = module.check(&Functions::new().with(greeter).catalog());
    /// assert_eq!(
    ///     mismatches[0].to_string(),
    ///     "line 6: Kafka ingress demo/names, topic names: sends io.statefun.types/int to demo/greeter, which takes `io.statefun.types/string`"
    /// );
    /// # Ok::<(), statefun::module::ModuleError>(())
    /// ```
    pub fn check(&self, catalog: &Catalog) -> Vec<Mismatch> {
        let hosted: Vec<TypeName> = catalog
            .functions
            .iter()
            .map(|f| f.type_name.clone())
            .collect();
        let mut mismatches = Vec::new();
        for ingress in &self.ingresses {
            for route in &ingress.routes {
                for target in &route.targets {
                    if let Some(mismatch) = self.check_target(
                        ingress,
                        &route.source,
                        target,
                        &route.value_type,
                        catalog,
                        &hosted,
                    ) {
                        mismatches.push(mismatch);
                    }
                }
            }
        }
        for function in &hosted {
            if self.endpoint_for(function).is_none() {
                mismatches.push(Mismatch::UncoveredFunction {
                    function: function.clone(),
                });
            }
        }
        for function in &catalog.functions {
            let name = function.type_name.clone();
            if let Some(egress) = function.dead_letters.egress_id() {
                if !self.declares_egress(egress) {
                    mismatches.push(Mismatch::UndeclaredDeadLetterEgress {
                        function: name,
                        egress: egress.clone(),
                    });
                }
            } else if let DeadLetters::Function(target) = &function.dead_letters
                && self.endpoint_for(target).is_none()
            {
                mismatches.push(Mismatch::UnservedDeadLetterFunction {
                    function: name,
                    target: target.clone(),
                });
            }
        }
        mismatches
    }

    fn check_target(
        &self,
        ingress: &IngressSpec,
        source: &str,
        target: &TypeName,
        value_type: &TypeName,
        catalog: &Catalog,
        hosted: &[TypeName],
    ) -> Option<Mismatch> {
        let location = ingress.location;
        let describe = || {
            (
                ingress.describe(),
                format!("{} {source}", ingress.source_noun()),
            )
        };
        let Some(endpoint) = self.endpoint_for(target) else {
            let (ingress, source) = describe();
            return Some(Mismatch::UnservedTarget {
                location,
                ingress,
                source,
                target: target.clone(),
            });
        };
        if !routes_here(endpoint, hosted) {
            return None;
        }
        let Some(function) = catalog.function(target) else {
            let (ingress, source) = describe();
            return Some(Mismatch::UnknownTarget {
                location,
                ingress,
                source,
                target: target.clone(),
                endpoint: endpoint.location,
                hosted: hosted.to_vec(),
            });
        };
        if function.messages.accepts(value_type.as_str()) {
            return None;
        }
        let (ingress, source) = describe();
        Some(Mismatch::UnacceptedType {
            location,
            ingress,
            source,
            target: target.clone(),
            value_type: value_type.clone(),
            accepted: function.messages.clone(),
        })
    }
}

/// Whether `endpoint` routes to the service hosting `hosted`: it serves one of them.
fn routes_here(endpoint: &EndpointSpec, hosted: &[TypeName]) -> bool {
    hosted
        .iter()
        .any(|function| endpoint.functions.matches(function))
}
