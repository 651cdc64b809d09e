//! Synthesis of an app: cross-stack references linked, tags and suppressions written in, the
//! template checks and rules run on every stack as `cfnforge synth` runs them on a stack file,
//! and the assembly built from the rendered templates.

use indexmap::IndexMap;

use super::{AppError, StackDiagnostic, cross, escape, findings, tags};
use crate::assembly::{self, Assembly, Manifest, StackArtifact};
use crate::constructs::Stack;
use crate::render::{self, Format};
use crate::rules;
use crate::template::{Intrinsic, Template, Value};

/// What synthesis produced: the assembly, and the warnings found on the way (none of them
/// stopped it).
#[derive(Debug, Clone)]
pub struct Synthesis {
    pub assembly: Assembly,
    pub warnings: Vec<StackDiagnostic>,
}

/// The stack's template as it is deployed, as far as the stack alone decides it: its tags on
/// every taggable resource, its suppressions in the `Metadata`.
pub(crate) fn finished(stack: &Stack) -> Template {
    let mut template = stack.template.clone();
    tags::apply(&mut template, &stack.tags);
    if !stack.suppressions.is_empty()
        && let Value::Map(entries) = rules::metadata(&stack.suppressions)
    {
        // Reviewers see every suppression and its reason in the template itself.
        template.metadata.extend(entries);
    }
    template
}

pub(crate) fn synthesize(stacks: &[Stack]) -> Result<Synthesis, AppError> {
    let mut stacks = stacks.to_vec();
    let dependencies = cross::link(&mut stacks)?;
    let mut warnings = Vec::new();
    let mut artifacts = Vec::with_capacity(stacks.len());
    let mut templates = IndexMap::new();
    for (stack, needs) in stacks.iter_mut().zip(dependencies) {
        stack.template = finished(stack);
        let mut problems = stack.tree.warnings.clone();
        let mut checked = findings::check_template(stack);
        escape::allow_overridden(stack, &mut checked);
        problems.extend(checked);
        problems.extend(findings::check_rules(stack)?);
        let text =
            render::render(&stack.template, Format::Json).map_err(|source| AppError::Render {
                stack: stack.name.clone(),
                source,
            })?;
        problems.extend(findings::check_body(stack, text.len()));
        if problems.iter().any(StackDiagnostic::is_error) {
            return Err(AppError::Invalid {
                stack: stack.name.clone(),
                diagnostics: problems,
            });
        }
        warnings.extend(problems);
        let artifact = artifact(stack, assembly::template_file_name(&stack.name), needs);
        templates.insert(artifact.template_file.clone(), text);
        artifacts.push(artifact);
    }
    Ok(Synthesis {
        assembly: Assembly {
            manifest: Manifest {
                version: assembly::VERSION,
                stacks: artifacts,
            },
            templates,
        },
        warnings,
    })
}

/// What the manifest says of a stack whose template is final (tags and suppressions in).
pub(crate) fn artifact(
    stack: &Stack,
    template_file: String,
    dependencies: Vec<String>,
) -> StackArtifact {
    let template = &stack.template;
    let exports = template
        .outputs
        .values()
        .filter_map(|o| o.export.as_ref()?.name.as_str().map(str::to_string))
        .collect();
    StackArtifact {
        name: stack.name.clone(),
        template_file,
        region: stack.region.clone(),
        tags: stack.tags.clone(),
        termination_protection: stack.termination_protection,
        dependencies,
        lookups: stack.lookups.iter().map(Into::into).collect(),
        vpc: stack.vpc.as_ref().map(Into::into),
        suppressions: stack.suppressions.clone(),
        exports,
        imports: imports(template),
        source: stack.source.clone(),
    }
}

/// The literal export names the template reads with `Fn::ImportValue`, in order, once each.
fn imports(template: &Template) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let mut visit = |_: &str, value: &Value| {
        if let Value::Fn(function) = value
            && let Intrinsic::ImportValue(Value::String(name)) = function.as_ref()
            && !names.contains(name)
        {
            names.push(name.clone());
        }
    };
    for resource in template.resources.values() {
        for value in resource.properties.values() {
            value.walk("", &mut visit);
        }
        if let Some(metadata) = &resource.options.metadata {
            metadata.walk("", &mut visit);
        }
    }
    for output in template.outputs.values() {
        output.value.walk("", &mut visit);
    }
    for condition in template.conditions.values() {
        condition.walk("", &mut visit);
    }
    names
}
