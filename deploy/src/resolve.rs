//! Turning the names in a stack file into the IDs the template's parameters need, through EC2.

use crate::cloud::{Cloud, Found};
use cfnforge::constructs::{Lookup, LookupKind};

use super::Pacing;
use super::{DeployError, retry};

/// Parameter values for every lookup, with `--parameter` overrides taking precedence. Every
/// name that matches nothing, or more than one thing, is reported at once.
pub async fn resolve<C: Cloud>(
    cloud: &C,
    lookups: &[Lookup],
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
    let mut vpc_id = None;
    for lookup in lookups.iter().filter(|l| l.kind == LookupKind::Vpc) {
        let value = match overridden(&lookup.parameter) {
            Some(value) => Some(value),
            None => {
                let name = lookup.names.first().map(String::as_str).unwrap_or_default();
                let found = retry(pacing, || cloud.vpcs_named(name)).await?;
                one(&mut problems, &lookup.parameter, "VPC", name, None, found)
            }
        };
        if let Some(value) = value {
            vpc_id = Some(value.clone());
            values.push((lookup.parameter.clone(), value));
        }
    }

    for lookup in lookups.iter().filter(|l| l.kind != LookupKind::Vpc) {
        if let Some(value) = overridden(&lookup.parameter) {
            values.push((lookup.parameter.clone(), value));
            continue;
        }
        let mut ids = Vec::new();
        for name in &lookup.names {
            let (noun, found) = match lookup.kind {
                LookupKind::Subnet => (
                    "subnet",
                    retry(pacing, || cloud.subnets_named(vpc_id.as_deref(), name)).await?,
                ),
                _ => (
                    "security group",
                    retry(pacing, || {
                        cloud.security_groups_named(vpc_id.as_deref(), name)
                    })
                    .await?,
                ),
            };
            ids.extend(one(
                &mut problems,
                &lookup.parameter,
                noun,
                name,
                vpc_id.as_deref(),
                found,
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

fn one(
    problems: &mut Vec<String>,
    parameter: &str,
    noun: &str,
    name: &str,
    vpc: Option<&str>,
    found: Vec<Found>,
) -> Option<String> {
    let place = vpc.map(|v| format!(" in {v}")).unwrap_or_default();
    match found.as_slice() {
        [only] => Some(only.id.clone()),
        [] => {
            problems.push(format!("no {noun} named \"{name}\"{place}"));
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
