//! Apps: stacks defined in Rust, as the CDK defines them in TypeScript. An [`App`] holds
//! [`Stack`]s; a stack holds constructs and resources, each added under a scope with an ID,
//! and its logical IDs come from those construct paths. [`App::synth`] checks every stack as
//! `cfnforge synth` checks a stack file and gives the [`Assembly`] the `cfnforge` command
//! deploys: an app's `main` prints [`Assembly::to_json`] on standard output.
//!
//! ```
//! use cfnforge::app::App;
//! use cfnforge::constructs::Stack;
//! use cfnforge::resources::ec2;
//!
//! let mut network = Stack::new("network").region("ap-southeast-1").tag("project", "bandup");
//! let backend = network.add("Backend", ec2::SecurityGroup::new("bandup backend"))?;
//!
//! // A value of one stack used in another: an export in `network`, an import here, and
//! // `cache` is deployed after `network`.
//! let mut cache = Stack::new("cache").region("ap-southeast-1");
//! let backend_id = cache.import_from(&network, backend.group_id())?;
//! cache.add(
//!     "Redis",
//!     ec2::SecurityGroup::new("redis").security_group_ingress(vec![
//!         ec2::security_group::Ingress::new("tcp")
//!             .from_port(6379)
//!             .to_port(6379)
//!             .source_security_group_id(backend_id)
//!             .description("Redis from the backend"),
//!     ]),
//! )?;
//!
//! let mut app = App::new();
//! app.add(network)?;
//! app.add(cache)?;
//! let assembly = app.synth()?;
//! assert_eq!(assembly.manifest.stacks[1].dependencies, ["network"]);
//! assert_eq!(assembly.manifest.stacks[0].exports, ["network:BackendGroupId"]);
//! // What `main` prints for `cfnforge --app`:
//! let json = assembly.to_json();
//! # assert!(json.contains("network.template.json"));
//! # Ok::<(), cfnforge::app::AppError>(())
//! ```
//!
//! - Constructs: [`Stack::add`] (a typed resource), [`Stack::add_resource`] (any type, its
//!   properties as JSON), [`Stack::add_cache`] (the cache construct), [`Stack::scope`] (a
//!   construct of your own). See the `tree` module's rules for logical IDs.
//! - Cross-stack references: [`Stack::import_from`].
//! - Escape hatches: [`CfnResource`], [`Stack::add_override`].
//! - Tags: a stack's tags go on every resource whose type takes tags, in the property and form
//!   its schema gives ([`crate::resources::tagging`]).

mod cross;
mod error;
mod escape;
mod findings;
mod synth;
mod tags;
mod tree;

pub use error::AppError;
pub use escape::CfnResource;
pub use findings::StackDiagnostic;
pub use synth::Synthesis;
pub(crate) use tree::Tree;

pub(crate) use synth::{artifact, finished};

use crate::assembly::Assembly;
use crate::constructs::Stack;
use crate::template::Value;

/// The stacks of an app, in the order they were added (the order of the assembly's manifest).
#[derive(Debug, Clone, Default)]
pub struct App {
    stacks: Vec<Stack>,
}

impl App {
    pub fn new() -> Self {
        App::default()
    }

    /// Adds a stack. Its name must be a CloudFormation stack name (a letter, then letters,
    /// digits and hyphens, at most 128 characters) that no other stack of the app has.
    pub fn add(&mut self, stack: Stack) -> Result<(), AppError> {
        if let Some(why) = stack_name_problem(&stack.name) {
            return Err(AppError::InvalidStackName {
                name: stack.name,
                why,
            });
        }
        if self.stack(&stack.name).is_some() {
            return Err(AppError::DuplicateStack(stack.name));
        }
        self.stacks.push(stack);
        Ok(())
    }

    pub fn stacks(&self) -> &[Stack] {
        &self.stacks
    }

    pub fn stack(&self, name: &str) -> Option<&Stack> {
        self.stacks.iter().find(|s| s.name == name)
    }

    pub fn stack_mut(&mut self, name: &str) -> Option<&mut Stack> {
        self.stacks.iter_mut().find(|s| s.name == name)
    }

    /// The assembly: every stack's template rendered as JSON, and the manifest. Fails on the
    /// first stack with an error (a template check, or a rule that is not suppressed); see
    /// [`App::synthesize`] for the warnings.
    pub fn synth(&self) -> Result<Assembly, AppError> {
        self.synthesize().map(|synthesis| synthesis.assembly)
    }

    /// [`App::synth`], with the warnings found on the way.
    pub fn synthesize(&self) -> Result<Synthesis, AppError> {
        synth::synthesize(&self.stacks)
    }
}

/// CloudFormation's rule for stack names.
fn stack_name_problem(name: &str) -> Option<&'static str> {
    if name.is_empty() || name.len() > 128 {
        Some("must be 1 to 128 characters long")
    } else if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        Some("must start with a letter")
    } else if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        Some("may contain only letters, digits and hyphens")
    } else {
        None
    }
}

/// A value on one line, for messages.
fn short(value: &Value) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

#[cfg(test)]
mod tests;
