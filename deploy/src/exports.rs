//! The "deadly embrace": an export that another deployed stack still imports cannot be changed
//! or removed, and a stack with such an export cannot be deleted. CloudFormation finds out
//! half-way through the update (`Export X cannot be updated as it is in use by Y`) and rolls
//! back; deploy and destroy find out before anything runs, through ListImports, and say in
//! which order to get out of it.

use cfnforge::template::Template;

use crate::cloud::Cloud;
use crate::{DeployError, Pacing, deployed_template, retry};

/// What a deploy or destroy would do to an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportChange {
    /// The new template no longer exports it, or the stack is being deleted.
    Removed,
    /// The new template exports it with another value.
    Changed,
}

/// An export of `stack` that other deployed stacks import, and what would happen to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportInUse {
    pub stack: String,
    pub export: String,
    pub change: ExportChange,
    /// The stacks that import it (ListImports).
    pub importers: Vec<String>,
    /// Its value now, where the deployed stack's outputs give it: what an importer can use in
    /// place of the import meanwhile.
    pub value: Option<String>,
}

/// The exports of the deployed `stack` that `template` would remove or change while other
/// stacks import them; none for a stack not deployed yet.
pub async fn exports_in_use<C: Cloud>(
    cloud: &C,
    stack: &str,
    template: &Template,
    pacing: &Pacing,
) -> Result<Vec<ExportInUse>, DeployError> {
    let Some(current) = retry(pacing, || cloud.describe_stack(stack)).await? else {
        return Ok(Vec::new());
    };
    let Some(deployed) = deployed_template(cloud, stack, pacing).await? else {
        return Ok(Vec::new());
    };
    in_use(
        cloud,
        stack,
        &deployed.template,
        Some(template),
        &current.outputs,
        pacing,
    )
    .await
}

/// The exports of `deployed` that `new` removes or changes (all of them when `new` is `None`:
/// the stack goes) and that other stacks import. `outputs` are the deployed stack's, for the
/// values.
pub(crate) async fn in_use<C: Cloud>(
    cloud: &C,
    stack: &str,
    deployed: &Template,
    new: Option<&Template>,
    outputs: &[(String, String)],
    pacing: &Pacing,
) -> Result<Vec<ExportInUse>, DeployError> {
    let mut found = Vec::new();
    for (key, output) in &deployed.outputs {
        // Only literal names can be asked about; a computed name is left to CloudFormation.
        let Some(export) = output.export.as_ref().and_then(|e| e.name.as_str()) else {
            continue;
        };
        let replacement = new.and_then(|t| {
            t.outputs
                .values()
                .find(|o| o.export.as_ref().and_then(|e| e.name.as_str()) == Some(export))
        });
        let change = match replacement {
            None => ExportChange::Removed,
            Some(o) if o.value != output.value => ExportChange::Changed,
            Some(_) => continue,
        };
        let importers: Vec<String> = retry(pacing, || cloud.list_imports(export))
            .await?
            .into_iter()
            .filter(|s| s != stack)
            .collect();
        if importers.is_empty() {
            continue;
        }
        found.push(ExportInUse {
            stack: stack.to_string(),
            export: export.to_string(),
            change,
            importers,
            value: outputs
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.clone()),
        });
    }
    Ok(found)
}
