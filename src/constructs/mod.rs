//! Constructs: higher-level building blocks that add a set of resources to a stack with secure
//! defaults (the CDK's "L2" layer). Pure: no I/O, no AWS.

mod cache;
mod stack;

pub use cache::{AccessControl, CacheProps, Encryption, Engine, NetworkType, ValkeyCache};
pub use stack::{Lookup, LookupKind, NetworkRef, Stack};

use crate::checks::Severity;

/// Something a construct found in its input: an error stops synthesis, a warning is reported.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub severity: Severity,
    /// The input field, as a dotted path relative to the construct's props (`id`, `port`,
    /// `security_group.allow_from`).
    pub field: String,
    pub message: String,
}

impl Finding {
    pub fn error(field: impl Into<String>, message: impl Into<String>) -> Self {
        Finding {
            severity: Severity::Error,
            field: field.into(),
            message: message.into(),
        }
    }

    pub fn warning(field: impl Into<String>, message: impl Into<String>) -> Self {
        Finding {
            severity: Severity::Warning,
            field: field.into(),
            message: message.into(),
        }
    }
}
