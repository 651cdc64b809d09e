//! # cfnforge
//!
//! Infrastructure as code in Rust, in the style of the AWS CDK: typed Rust values model AWS
//! resources, and cfnforge turns them into a CloudFormation template a person can review.
//!
//! Data flows one way, one module per step:
//! stack file ([`stackfile`]) -> typed spec -> constructs ([`constructs`]) -> template ([`template`],
//! with resource types generated from AWS's schemas in [`resources`]) -> checks ([`checks`]) ->
//! rendered YAML or JSON ([`render`]; read back, short forms included, with [`parse`]).
//!
//! ## Example: the bandup cache
//!
//! The three resources of the seed page (security group, cache subnet group, Valkey replication
//! group) with the primary endpoint as an output, rendered as YAML. The same code is
//! `examples/bandup_cache.rs`; a test runs cfn-lint on its output.
//!
//! ```rust
#![doc = include_str!("../examples/bandup_cache.rs")]
//! ```
//!
//! A property that CloudFormation types as an integer takes an integer or an intrinsic function
//! (a `Ref` to a Number parameter), never a string; an attribute the type does not have cannot be
//! asked for, because only the schema's attributes have accessors:
//!
//! ```compile_fail
//! use cfnforge::resources::elasticache::ReplicationGroup;
//! ReplicationGroup::new("cache").port("6379");
//! ```
//!
//! ```compile_fail
//! use cfnforge::resources::ec2::SecurityGroup;
//! let mut template = cfnforge::template::Template::new();
//! let group = template.add("Group", SecurityGroup::new("group"));
//! group.primary_end_point_address();
//! ```
//!
//! Required properties are the constructor's arguments, so they cannot be left out:
//!
//! ```compile_fail
//! use cfnforge::resources::elasticache::SubnetGroup;
//! SubnetGroup::new("only the description");
//! ```

// The library never prints: it talks to people through its return values and deploy::Ui.
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod app;
pub mod assembly;
pub mod assertions;
pub mod checks;
pub mod constructs;
pub mod diagnostic;
pub mod diff;
pub mod facts;
pub mod parse;
pub mod render;
pub mod resources;
pub mod rules;
pub mod stackfile;
pub mod synth;
pub mod template;

/// The README's output blocks, for the tests that compare them (shared with tests/).
#[cfg(test)]
#[path = "../tests/common/readme.rs"]
mod readme_output;
