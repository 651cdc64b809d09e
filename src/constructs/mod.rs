//! Constructs: higher-level building blocks that add a set of resources to a stack with secure
//! defaults (the CDK's "L2" layer). Pure: no I/O, no AWS. What a construct finds in its props is
//! a [`Diagnostic`](crate::diagnostic::Diagnostic) at a [`Location::Field`](crate::diagnostic::Location::Field):
//! the field as a dotted path relative to the props (`id`, `port`, `security_group.allow_from`).

mod cache;
mod stack;

pub use cache::{AccessControl, CacheProps, Encryption, Engine, NetworkType, ValkeyCache};
pub use stack::{Lookup, LookupKind, NetworkRef, Stack};
