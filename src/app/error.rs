//! What can go wrong while building or synthesizing an app, with the stack and construct path
//! it happened at.

use std::fmt;

use super::StackDiagnostic;
use crate::checks::did_you_mean;
use crate::diagnostic::Diagnostics;
use crate::render::RenderError;
use crate::resources;
use crate::rules::SuppressionError;

/// An app that cannot be built or synthesized. Every variant names the stack, and the
/// construct path or logical ID where there is one.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("stack name \"{name}\" {why}")]
    InvalidStackName { name: String, why: &'static str },
    #[error("the app already has a stack named \"{0}\"")]
    DuplicateStack(String),
    #[error("the app has no stack named \"{0}\"")]
    NoSuchStack(String),
    #[error("{stack}: construct ID \"{id}\" at {path} {why}")]
    InvalidId {
        stack: String,
        path: String,
        id: String,
        why: &'static str,
    },
    #[error("{stack}: {second} gives logical ID \"{logical_id}\", which {first} already has")]
    DuplicateLogicalId {
        stack: String,
        logical_id: String,
        /// The construct path that had the logical ID first.
        first: String,
        /// The construct path that asked for it again.
        second: String,
    },
    #[error("{stack}: the construct at {path} has errors:\n{}", Lines(.diagnostics.0.as_slice()))]
    Construct {
        stack: String,
        path: String,
        /// Every diagnostic of the props (errors and the warnings beside them), each at the
        /// props' field.
        diagnostics: Diagnostics,
    },
    #[error("{stack}: {what}: the stack has no resource \"{logical_id}\"{hint}")]
    UnknownResource {
        stack: String,
        logical_id: String,
        /// What was asked of it: `override Properties.A`, `reference`.
        what: String,
        hint: String,
    },
    #[error(
        "{stack}: {type_name} \"{logical_id}\" has no attribute \"{attribute}\" for Fn::GetAtt{}",
        AttributeHint(type_name, attribute)
    )]
    UnknownAttribute {
        stack: String,
        logical_id: String,
        type_name: String,
        attribute: String,
    },
    #[error(
        "{stack}: only a Ref or an Fn::GetAtt of a resource can be imported from stack {producer}; got {got}"
    )]
    NotAReference {
        stack: String,
        producer: String,
        got: String,
    },
    #[error("{stack}: a value of the stack itself needs no import: use {reference} directly")]
    SelfImport { stack: String, reference: String },
    #[error(
        "{stack}: {path}: resource type \"{type_name}\" is not in the vendored schemas (cfn-lint 1.58.0){hint}"
    )]
    UnknownType {
        stack: String,
        path: String,
        type_name: String,
        hint: String,
    },
    #[error("{stack}: {path}: the properties must be a JSON object, not {got}")]
    PropertiesNotAnObject {
        stack: String,
        path: String,
        got: &'static str,
    },
    #[error("{stack}: override {path} on \"{logical_id}\": {why}")]
    Override {
        stack: String,
        logical_id: String,
        path: String,
        why: String,
    },
    #[error("{stack} {what} stack \"{other}\", which is not in the app")]
    UnknownStack {
        stack: String,
        /// `imports from`, `depends on`.
        what: &'static str,
        other: String,
    },
    #[error("the stacks depend on each other in a cycle: {}", .0.join(" -> "))]
    StackCycle(Vec<String>),
    #[error(
        "{stack}: export name \"{export}\" is wanted for a cross-stack reference, but output \"{output}\" already has it, for {has}"
    )]
    ExportTaken {
        stack: String,
        export: String,
        output: String,
        /// What the output holds.
        has: String,
    },
    #[error("{stack}: {source}")]
    Suppression {
        stack: String,
        #[source]
        source: SuppressionError,
    },
    #[error("{stack}: the template has errors:\n{}", Lines(.diagnostics.as_slice()))]
    Invalid {
        stack: String,
        /// The errors, and the warnings found beside them.
        diagnostics: Vec<StackDiagnostic>,
    },
    #[error("{stack}: {source}")]
    Render {
        stack: String,
        #[source]
        source: RenderError,
    },
}

/// The attributes closest to a misspelt one.
struct AttributeHint<'a>(&'a str, &'a str);

impl fmt::Display for AttributeHint<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let AttributeHint(type_name, attribute) = *self;
        let attributes = resources::type_info(type_name)
            .map(|info| info.attributes)
            .unwrap_or_default();
        f.write_str(&did_you_mean(attribute, attributes.iter().copied()))
    }
}

/// One per line, indented.
struct Lines<'a, T>(&'a [T]);

impl<T: fmt::Display> fmt::Display for Lines<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, problem) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "  {problem}")?;
        }
        Ok(())
    }
}
