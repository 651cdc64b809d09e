//! Synthesis: stack file -> typed spec -> constructs -> template -> checks -> rendered text.

use std::collections::HashMap;
use std::path::PathBuf;

use crate::assembly::{Assembly, AssemblyError, Manifest, StackArtifact, VERSION};
use crate::checks;
use crate::constructs::{Stack, ValkeyCache};
use crate::diagnostic::{Diagnostic, Location, Origin, Position};
use crate::render::{self, Format};
use crate::rules::{self, Suppression, SuppressionError};
use crate::stackfile::{self, CacheSpec, NetworkSpec, StackFile};
use crate::template::Value;

/// A synthesized stack and everything found on the way that did not stop it.
#[derive(Debug)]
pub struct Synthesized {
    pub path: PathBuf,
    pub stack: Stack,
    /// Warnings: the stack file's and its constructs' (at the stack file's keys), then the
    /// template checks' (at template paths).
    pub diagnostics: Vec<Diagnostic>,
    /// The best-practice and security rules' findings, suppressed ones included. Errors among
    /// them are not stopped here: `check` must still report them; `synth` and `deploy` refuse.
    pub rules: rules::Report,
    /// Where each resource comes from in the stack file (logical ID to position).
    pub origins: HashMap<String, Position>,
}

/// Why a stack could not be synthesized.
#[derive(Debug, thiserror::Error)]
pub enum SynthError {
    #[error("{path}: invalid stack")]
    Invalid {
        path: PathBuf,
        /// The errors and the warnings beside them: the stack file's first (at its keys), then,
        /// when the stack file has none, the template's (at template paths).
        diagnostics: Vec<Diagnostic>,
    },
    #[error("{path}: {source}")]
    Render {
        path: PathBuf,
        #[source]
        source: render::RenderError,
    },
}

/// Builds the stack a stack file describes and checks its template.
pub fn synthesize(file: &StackFile) -> Result<Synthesized, SynthError> {
    let spec = &file.spec;
    let mut diagnostics = spec.problems();
    let mut stack = Stack::new(spec.stack.value.clone());
    stack.tags = spec.tags();
    stack.region = spec.region.as_ref().map(|r| r.value.clone());
    stack.termination_protection = spec.termination_protection;
    stack.source = Some(file.path.display().to_string());
    stack.template.description = spec.description.as_ref().map(|d| d.value.clone());

    let mut origins = HashMap::new();
    let mut caches = Vec::new();
    for (key, cache) in spec.cache_specs() {
        let found = match ValkeyCache::add(&mut stack, &cache.props(&spec.network)) {
            Ok(mut built) => {
                let at = Position::from(&cache.id);
                for id in [
                    built.security_group.logical_id(),
                    built.subnet_group.logical_id(),
                    built.replication_group.logical_id(),
                ] {
                    origins.insert(id.to_string(), at);
                }
                let warnings = std::mem::take(&mut built.warnings);
                caches.push((key.clone(), cache, built));
                warnings
            }
            Err(errors) => errors.0,
        };
        // The construct names its props' fields: say where they are in the stack file.
        for mut diagnostic in found {
            if let Location::Field(field) = &diagnostic.location {
                let (position, key) = cache.key_of(&key, field, &spec.network);
                diagnostic.location = Location::stack_file(position, key);
            }
            diagnostics.push(diagnostic);
        }
    }

    let suppressions: Vec<Suppression> = spec
        .suppressions
        .iter()
        .map(|s| Suppression {
            rule: s.rule.value.clone(),
            resource: s.resource.as_ref().map(|r| r.value.clone()),
            reason: s.reason.value.clone(),
        })
        .collect();
    stack.suppressions = suppressions.clone();
    if !suppressions.is_empty() {
        // Reviewers see every suppression and its reason in the template itself.
        if let Value::Map(entries) = rules::metadata(&suppressions) {
            stack.template.metadata.extend(entries);
        }
    }
    let rule_report = match rules::check(&stack.template, &suppressions) {
        Ok(mut report) => {
            for finding in &mut report.findings {
                finding.origin = origin(&caches, &spec.network, finding);
            }
            Some(report)
        }
        Err(e) => {
            diagnostics.push(suppression_diagnostic(file, &e));
            None
        }
    };

    let stack_file_failed = diagnostics.iter().any(Diagnostic::is_error);
    // Template problems that follow from stack file errors are noise.
    if !stack_file_failed {
        let mut found = checks::check(&stack.template).diagnostics;
        if let Some(region) = &spec.region {
            found.extend(checks::check_region(&stack.template, &region.value));
        }
        for diagnostic in &mut found {
            diagnostic.origin = origin(&caches, &spec.network, diagnostic);
        }
        diagnostics.extend(found);
    }
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(SynthError::Invalid {
            path: file.path.clone(),
            diagnostics,
        });
    }
    Ok(Synthesized {
        path: file.path.clone(),
        stack,
        diagnostics,
        rules: rule_report.unwrap_or_default(),
        origins,
    })
}

/// The stack-file key a diagnostic at a template resource's property comes from, with the
/// rule's fix in the stack file's terms: the construct recorded which of its fields wrote the
/// property, and the stack file knows where each field is.
fn origin(
    caches: &[(String, &CacheSpec, ValkeyCache)],
    network: &NetworkSpec,
    diagnostic: &Diagnostic,
) -> Option<Origin> {
    let resource = diagnostic.location.resource()?;
    caches.iter().find_map(|(cache_key, spec, built)| {
        let field = built.field_of(resource, diagnostic.location.property())?;
        let (position, key) = spec.key_of(cache_key, field, network);
        Some(Origin {
            position,
            fix: diagnostic
                .rule
                .map(|rule| stackfile::fix(rule, &key, Some(resource))),
            key,
        })
    })
}

/// A refused suppression, at the key that is wrong.
fn suppression_diagnostic(file: &StackFile, error: &SuppressionError) -> Diagnostic {
    let index = error.index();
    let spec = file.spec.suppressions.get(index);
    let (position, key) = match (error, spec) {
        (SuppressionError::NoReason { .. }, Some(s)) => (Position::from(&s.reason), "reason"),
        (SuppressionError::UnknownResource { .. }, Some(s)) => (
            s.resource
                .as_ref()
                .map(Position::from)
                .unwrap_or(Position::from(&s.rule)),
            "resource",
        ),
        (_, Some(s)) => (Position::from(&s.rule), "rule"),
        (_, None) => (Position::default(), "rule"),
    };
    Diagnostic::error(
        Location::stack_file(position, format!("suppressions[{index}].{key}")),
        error.to_string(),
    )
}

impl Synthesized {
    /// The template as text, with the body size checked against CloudFormation's limits.
    pub fn render(&self, format: Format) -> Result<(String, Option<Diagnostic>), SynthError> {
        let text =
            render::render(&self.stack.template, format).map_err(|source| SynthError::Render {
                path: self.path.clone(),
                source,
            })?;
        let size = checks::check_body_size(text.len());
        if let Some(diagnostic) = size.as_ref().filter(|d| d.is_error()) {
            return Err(SynthError::Invalid {
                path: self.path.clone(),
                diagnostics: vec![diagnostic.clone()],
            });
        }
        Ok((text, size))
    }

    /// Where a resource comes from in the stack file, if it is known.
    pub fn origin(&self, logical_id: &str) -> Option<Position> {
        self.origins.get(logical_id).copied()
    }

    /// Where in the stack file a diagnostic comes from, if it is known: its own position (a
    /// stack-file key), the key that produced its template property, or its resource's origin.
    pub fn origin_of(&self, diagnostic: &Diagnostic) -> Option<Position> {
        diagnostic
            .position()
            .or_else(|| self.origin(diagnostic.location.resource()?))
    }
}

/// A stack file synthesized and rendered: what its stack adds to the assembly.
#[derive(Debug)]
pub struct Rendered {
    pub synthesized: Synthesized,
    /// The manifest's entry: the template file is `<stack>.template.<format>`.
    pub artifact: StackArtifact,
    /// The template's text.
    pub text: String,
    /// The body size warning, when the template nears CloudFormation's limit.
    pub size_warning: Option<Diagnostic>,
}

impl Synthesized {
    /// Renders the template and describes the stack for the assembly's manifest.
    pub fn into_rendered(self, format: Format) -> Result<Rendered, SynthError> {
        let (text, size_warning) = self.render(format)?;
        let template_file = format!("{}.template.{}", self.stack.name, format.extension());
        let artifact = crate::app::artifact(&self.stack, template_file, Vec::new());
        Ok(Rendered {
            synthesized: self,
            artifact,
            text,
            size_warning,
        })
    }
}

/// Synthesizes and renders stack files, several at a time (the work is all CPU: one thread per
/// core), and gives the results in the files' order whatever order they finished in.
pub fn render_all(files: &[StackFile], format: Format) -> Vec<Result<Rendered, SynthError>> {
    in_parallel(files, |file| {
        synthesize(file).and_then(|s| s.into_rendered(format))
    })
}

/// `work` on every item, one thread per core, the results in the items' order whatever order
/// they finished in. A panic (a bug) is carried to the caller's thread.
pub fn in_parallel<T: Sync, R: Send>(items: &[T], work: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(items.len());
    if threads <= 1 {
        return items.iter().map(work).collect();
    }
    let chunk = items.len().div_ceil(threads);
    let work = &work;
    std::thread::scope(|scope| {
        let workers: Vec<_> = items
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(work).collect::<Vec<_>>()))
            .collect();
        workers
            .into_iter()
            .flat_map(|worker| match worker.join() {
                Ok(results) => results,
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    })
}

/// The assembly of stacks synthesized from stack files (or any stacks with their templates), in
/// the order given. Stack files declare no dependencies between each other.
pub fn assembly(
    stacks: impl IntoIterator<Item = (StackArtifact, String)>,
) -> Result<Assembly, AssemblyError> {
    let mut artifacts = Vec::new();
    let mut templates = indexmap::IndexMap::new();
    for (artifact, text) in stacks {
        templates.insert(artifact.template_file.clone(), text);
        artifacts.push(artifact);
    }
    Assembly::new(
        Manifest {
            version: VERSION,
            stacks: artifacts,
        },
        templates,
    )
}
