//! The safety steps between a change set and its execution: replacements CloudFormation would
//! refuse, stateful resources at risk, and the approval rules.

use super::{Answer, Approval, DeployError, DeployOptions, Ui, confirm};
use crate::cloud::{ChangeSetDescription, Replacement};
use cfnforge::diff::{self, TemplateDiff, is_stateful};

/// What `deploy` would refuse in `planned` (the deployed template against the new one) before
/// any change set exists, each as its reason and remedy: replacements of fixed-name resources,
/// and stateful resources replaced or removed (refused unless `--allow-replacement`). `diff`
/// shows these; `deploy` stops on them.
pub fn refusals(planned: &TemplateDiff) -> Vec<(String, String)> {
    [
        refuse_blocked_replacements(planned),
        refuse_lower_engine_versions(planned),
        check_safety(planned, None, false),
    ]
    .into_iter()
    .filter_map(|judged| match judged {
        Err(DeployError::Refused { reason, remedy }) => Some((reason, remedy)),
        _ => None,
    })
    .collect()
}

/// A replication group moved to a lower engine version: ElastiCache refuses it
/// (`facts::elasticache::is_downgrade`), so CloudFormation's update would fail and roll back
/// minutes in. Say so before anything runs.
pub(super) fn refuse_lower_engine_versions(planned: &TemplateDiff) -> Result<(), DeployError> {
    let lower = planned.lower_engine_versions();
    if lower.is_empty() {
        return Ok(());
    }
    Err(DeployError::Refused {
        reason: lower
            .iter()
            .map(|(id, old, new)| {
                format!(
                    "{id} (AWS::ElastiCache::ReplicationGroup): EngineVersion {old} -> {new}: {}, so CloudFormation's update would fail",
                    cfnforge::facts::elasticache::DOWNGRADE
                )
            })
            .collect::<Vec<_>>()
            .join("; "),
        remedy: "keep the version (cache.version in a stack file) at the deployed one or higher; an earlier version needs a new cache".to_string(),
    })
}

/// Replacing a resource that keeps a fixed name fails in CloudFormation: say so before
/// anything runs.
pub(super) fn refuse_blocked_replacements(planned: &TemplateDiff) -> Result<(), DeployError> {
    let blocked: Vec<String> = planned
        .blocked_replacements()
        .map(|r| {
            let (property, value) = r.fixed_name.clone().unwrap_or_default();
            let changed: Vec<&str> = r
                .properties
                .iter()
                .filter(|p| p.replaces)
                .map(|p| p.path.as_str())
                .collect();
            format!(
                "{} ({}) must be replaced because {} changed, but its {property} is fixed to {}",
                r.logical_id,
                r.type_name,
                changed.join(", "),
                serde_json::to_string(&value).unwrap_or_default()
            )
        })
        .collect();
    if blocked.is_empty() {
        return Ok(());
    }
    let mut remedy = "give the resource a new name in the same change (or leave the name out so CloudFormation picks one), or revert the change that forces the replacement".to_string();
    // A security group's description is the one create-only property a stack file sets
    // without naming it (it has a default): say how to keep the deployed one.
    let deployed_descriptions = planned.blocked_replacements().flat_map(|r| {
        r.properties
            .iter()
            .filter(move |p| {
                r.type_name == "AWS::EC2::SecurityGroup" && p.path == "GroupDescription"
            })
            .filter_map(|p| p.old.as_ref().and_then(|v| v.as_str()))
    });
    for description in deployed_descriptions {
        remedy.push_str(&format!(
            "; to keep the deployed security group, set its description to what it was deployed with: `security_group.description: \"{description}\"` in the stack file (`security_group_description` in CacheProps)"
        ));
    }
    Err(DeployError::Refused {
        reason: format!(
            "CloudFormation would refuse this deploy (\"cannot update a stack when a custom-named resource requires replacing\"): {}",
            blocked.join("; ")
        ),
        remedy,
    })
}

/// Stateful resources are not replaced or removed without `--allow-replacement`, judged from
/// the change set and, because not every endpoint reports replacement, from the templates.
pub(super) fn check_safety(
    planned: &TemplateDiff,
    change_set: Option<&ChangeSetDescription>,
    allow_replacement: bool,
) -> Result<(), DeployError> {
    let mut at_risk: Vec<String> = planned
        .data_at_risk()
        .map(|r| {
            let what = if r.change == diff::Change::Removed {
                "removed"
            } else {
                "replaced"
            };
            format!("{} ({}) would be {what}", r.logical_id, r.type_name)
        })
        .collect();
    for change in change_set.iter().flat_map(|c| &c.changes) {
        // A conditional replacement may happen: it counts.
        let replaced = matches!(change.replacement(), Replacement::Yes | Replacement::Maybe);
        let removed = change.action == "Remove";
        if is_stateful(&change.resource_type)
            && (replaced || removed)
            && !at_risk
                .iter()
                .any(|r| r.starts_with(&format!("{} (", change.logical_id)))
        {
            let what = if removed { "removed" } else { "replaced" };
            at_risk.push(format!(
                "{} ({}) would be {what}",
                change.logical_id, change.resource_type
            ));
        }
    }
    if at_risk.is_empty() || allow_replacement {
        return Ok(());
    }
    Err(DeployError::Refused {
        reason: format!("stateful resources at risk: {}", at_risk.join("; ")),
        remedy: "its data is lost unless a snapshot is restored; if that is intended, deploy again with --allow-replacement".to_string(),
    })
}

pub(super) fn approve(
    planned: &TemplateDiff,
    options: &DeployOptions,
    ui: &mut dyn Ui,
) -> Result<(), DeployError> {
    let needed = match options.approval {
        Approval::Never => false,
        Approval::AnyChange => true,
        Approval::Broadening => planned.security_changes().next().is_some(),
    };
    if !needed {
        return Ok(());
    }
    let question = match options.approval {
        Approval::AnyChange => "Deploy these changes?".to_string(),
        _ => {
            let ids: Vec<&str> = planned
                .security_changes()
                .map(|r| r.logical_id.as_str())
                .collect();
            format!(
                "These changes widen network access ({}). Deploy them?",
                ids.join(", ")
            )
        }
    };
    match confirm(options, ui, &question) {
        Answer::Yes => Ok(()),
        Answer::No => Err(DeployError::NotApproved(
            "not deployed: the change set was declined".to_string(),
        )),
        Answer::NoTerminal => Err(DeployError::NotApproved(
            "approval needed and no terminal to ask on: pass --yes, or --require-approval never"
                .to_string(),
        )),
        Answer::Interrupted => Err(DeployError::InterruptedAtQuestion(
            "not deployed: the change set was not executed".to_string(),
        )),
    }
}
