//! Turning the names in a stack file into the IDs the template's parameters need, through EC2.
//!
//! Subnets and security groups are looked up inside the stack's VPC, however the stack file
//! names it: an ID, a Name tag, or an export of another stack (read through ListExports). A
//! same-named group in another VPC is never taken; a look-up that finds nothing says what it
//! found nearby and which `--parameter` sets the value instead.

use crate::cloud::{Cloud, Found, Named};
use cfnforge::constructs::{Lookup, LookupKind, NetworkRef};

use super::Pacing;
use super::{DeployError, retry};

/// Parameter values for every lookup, with `--parameter` overrides taking precedence. Every
/// name that matches nothing, or more than one thing, is reported at once.
pub async fn resolve<C: Cloud>(
    cloud: &C,
    lookups: &[Lookup],
    vpc: Option<&NetworkRef>,
    overrides: &[(String, String)],
    pacing: &Pacing,
) -> Result<Vec<(String, String)>, DeployError> {
    let mut values: Vec<(String, String)> = Vec::new();
    let mut problems = Vec::new();
    let overridden = |parameter: &str| {
        overrides
            .iter()
            .find(|(k, _)| k == parameter)
            .map(|(_, v)| v.clone())
    };

    // The VPC first: subnets and security groups are looked up inside it.
    let mut vpc_id = match vpc {
        Some(NetworkRef::Id(id)) => Some(id.clone()),
        Some(NetworkRef::Import(export)) => {
            let value = retry(pacing, || cloud.export_value(export)).await?;
            if value.is_none() {
                problems.push(format!(
                    "no stack exports \"{export}\" (the stack's VPC): names cannot be looked up \
                     without it; deploy the stack that exports it first"
                ));
            }
            value
        }
        _ => None,
    };
    let mut vpc_unresolved = false;
    for lookup in lookups.iter().filter(|l| l.kind == LookupKind::Vpc) {
        let value = match overridden(&lookup.parameter) {
            Some(value) => Some(value),
            None => {
                let name = lookup.names.first().map(String::as_str).unwrap_or_default();
                let found = retry(pacing, || cloud.vpcs_named(name)).await?;
                let nearby = if found.is_empty() {
                    nearby(cloud, LookupKind::Vpc, name, None, pacing).await?
                } else {
                    String::new()
                };
                one(
                    &mut problems,
                    &lookup.parameter,
                    "VPC",
                    name,
                    None,
                    found,
                    &nearby,
                )
            }
        };
        match value {
            Some(value) => {
                vpc_id = Some(value.clone());
                values.push((lookup.parameter.clone(), value));
            }
            None => vpc_unresolved = true,
        }
    }
    let vpc_unresolved =
        vpc_unresolved || matches!(vpc, Some(NetworkRef::Import(_)) if vpc_id.is_none());

    for lookup in lookups.iter().filter(|l| l.kind != LookupKind::Vpc) {
        if let Some(value) = overridden(&lookup.parameter) {
            values.push((lookup.parameter.clone(), value));
            continue;
        }
        // Without the VPC, a look-up would search every VPC: the VPC's problem is reported.
        if vpc_unresolved {
            continue;
        }
        let mut ids = Vec::new();
        for name in &lookup.names {
            let found = match lookup.kind {
                LookupKind::Subnet => {
                    retry(pacing, || cloud.subnets_named(vpc_id.as_deref(), name)).await?
                }
                _ => {
                    retry(pacing, || {
                        cloud.security_groups_named(vpc_id.as_deref(), name)
                    })
                    .await?
                }
            };
            let nearby = if found.is_empty() {
                nearby(cloud, lookup.kind, name, vpc_id.as_deref(), pacing).await?
            } else {
                String::new()
            };
            ids.extend(one(
                &mut problems,
                &lookup.parameter,
                noun(lookup.kind),
                name,
                vpc_id.as_deref(),
                found,
                &nearby,
            ));
        }
        if ids.len() == lookup.names.len() {
            values.push((lookup.parameter.clone(), ids.join(",")));
        }
    }

    // Overrides for parameters that are not looked up (or not in the template) pass through;
    // CloudFormation rejects unknown ones with its own message.
    for (key, value) in overrides {
        if !values.iter().any(|(k, _)| k == key) {
            values.push((key.clone(), value.clone()));
        }
    }
    if problems.is_empty() {
        Ok(values)
    } else {
        Err(DeployError::Lookup(problems))
    }
}

fn noun(kind: LookupKind) -> &'static str {
    match kind {
        LookupKind::Vpc => "VPC",
        LookupKind::Subnet => "subnet",
        LookupKind::SecurityGroup => "security group",
    }
}

/// At most this many similar names are suggested.
const SUGGESTIONS: usize = 3;

/// What a look-up that found nothing found nearby: the same name in other VPCs, and similar
/// names in the stack's VPC (or anywhere, for a VPC).
async fn nearby<C: Cloud>(
    cloud: &C,
    kind: LookupKind,
    name: &str,
    vpc_id: Option<&str>,
    pacing: &Pacing,
) -> Result<String, DeployError> {
    let everything: Vec<Named> = retry(pacing, || cloud.network_names(kind, None)).await?;
    let mut notes = Vec::new();
    let elsewhere: Vec<String> = everything
        .iter()
        .filter(|n| n.name == name && Some(n.vpc_id.as_str()) != vpc_id)
        .map(|n| format!("{} in {}", n.id, n.vpc_id))
        .collect();
    if !elsewhere.is_empty() {
        notes.push(format!(
            "\"{name}\" exists in other VPCs: {}",
            elsewhere.join(", ")
        ));
    }
    let mut similar: Vec<(f64, &Named)> = everything
        .iter()
        .filter(|n| n.name != name && vpc_id.is_none_or(|v| n.vpc_id == v))
        .map(|n| {
            let score = strsim::normalized_damerau_levenshtein(
                &n.name.to_lowercase(),
                &name.to_lowercase(),
            );
            (score, n)
        })
        .filter(|(score, _)| *score >= 0.6)
        .collect();
    similar.sort_by(|a, b| b.0.total_cmp(&a.0));
    let similar: Vec<String> = similar
        .iter()
        .take(SUGGESTIONS)
        .map(|(_, n)| format!("\"{}\" ({})", n.name, n.id))
        .collect();
    if !similar.is_empty() {
        let place = vpc_id.map(|v| format!(" in {v}")).unwrap_or_default();
        notes.push(format!("similar names{place}: {}", similar.join(", ")));
    }
    Ok(notes.join("; "))
}

fn one(
    problems: &mut Vec<String>,
    parameter: &str,
    noun: &str,
    name: &str,
    vpc: Option<&str>,
    found: Vec<Found>,
    nearby: &str,
) -> Option<String> {
    let place = vpc
        .map(|v| format!(" in {v} (the stack's VPC)"))
        .unwrap_or_default();
    match found.as_slice() {
        [only] => Some(only.id.clone()),
        [] => {
            let nearby = if nearby.is_empty() {
                String::new()
            } else {
                format!("; {nearby}")
            };
            problems.push(format!(
                "no {noun} named \"{name}\"{place}{nearby}; or give its ID with --parameter {parameter}=ID"
            ));
            None
        }
        many => {
            let labels: Vec<&str> = many.iter().map(|f| f.label.as_str()).collect();
            problems.push(format!(
                "{} {noun}s named \"{name}\"{place}: {}; choose one with --parameter {parameter}=ID",
                many.len(),
                labels.join(", ")
            ));
            None
        }
    }
}
