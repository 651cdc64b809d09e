//! Adopting resources that already exist (made in the console) into a new stack: find each
//! resource of the template by its identifier, read it, compare it with the template, then an
//! IMPORT change set for those that exist and a deploy for the rest.
//!
//! Nothing is created twice and nothing is replaced: a difference on a property whose change
//! replaces the resource (a create-only property) stops the import before anything runs, with
//! the stack-file key that makes the template match what exists.

use serde_json::{Map, Value};

use crate::cloud::{Cloud, ResourceToImport};
use crate::{
    DeployError, DeployOptions, DeployOutcome, DeployRequest, Ui, deploy, resolve, retry,
    run_change_set,
};
use cfnforge::render::{Format, render};
use cfnforge::template::{DeletionPolicy, Template};

/// A resource of the template that exists.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    pub logical_id: String,
    pub resource_type: String,
    /// The identifier property and its value (`ResourceIdentifier`).
    pub identifier: (String, String),
    /// What CloudFormation will know it by (`Ref`).
    pub physical_id: String,
    pub arn: Option<String>,
}

/// A property whose live value is not the template's.
#[derive(Debug, Clone, PartialEq)]
pub struct Difference {
    pub logical_id: String,
    pub property: String,
    /// `None`: not set.
    pub live: Option<Value>,
    pub template: Option<Value>,
    /// The stack-file key that sets the property, where cfnforge's stack files have one.
    pub key: Option<&'static str>,
}

/// What `import` would do, worked out before anything runs.
#[derive(Debug, Clone, Default)]
pub struct ImportPlan {
    pub stack: String,
    pub found: Vec<Imported>,
    /// Logical ID and type of the resources that do not exist: the deploy after the import
    /// creates them.
    pub missing: Vec<(String, String)>,
    /// Differences the deploy after the import changes in place.
    pub in_place: Vec<Difference>,
    /// Differences on properties whose change replaces the resource: the import is refused.
    pub replacing: Vec<Difference>,
    /// Differences the deploy after the import could not make (a replication group's engine
    /// version lower in the template than in AWS: ElastiCache only upgrades): refused too.
    pub unreachable: Vec<Difference>,
    /// Properties set in AWS that the template leaves to CloudFormation's default.
    pub console_only: Vec<Difference>,
    /// Resources that get `DeletionPolicy: Retain` for the import (CloudFormation requires a
    /// policy on each imported resource); the deploy after it sets the template's own.
    pub retained_for_import: Vec<String>,
    /// The template of the IMPORT change set: the found resources only.
    pub import_template: Template,
    pub parameters: Vec<(String, String)>,
}

/// The stack-file key behind a property of the resources cfnforge's cache makes.
fn stack_file_key(resource_type: &str, property: &str) -> Option<&'static str> {
    Some(match (resource_type, property) {
        ("AWS::ElastiCache::ReplicationGroup", "AtRestEncryptionEnabled") => {
            "cache.encryption.at_rest"
        }
        ("AWS::ElastiCache::ReplicationGroup", "TransitEncryptionEnabled") => {
            "cache.encryption.in_transit"
        }
        ("AWS::ElastiCache::ReplicationGroup", "Port") => "cache.port",
        ("AWS::ElastiCache::ReplicationGroup", "NetworkType") => "cache.network_type",
        ("AWS::ElastiCache::ReplicationGroup", "Engine") => "cache.engine",
        ("AWS::ElastiCache::ReplicationGroup", "EngineVersion") => "cache.version",
        ("AWS::ElastiCache::ReplicationGroup", "CacheNodeType") => "cache.node_type",
        ("AWS::ElastiCache::ReplicationGroup", "NumCacheClusters") => "cache.replicas",
        ("AWS::ElastiCache::ReplicationGroup", "ReplicationGroupDescription") => {
            "cache.description"
        }
        ("AWS::ElastiCache::ReplicationGroup", "SnapshotRetentionLimit") => {
            "cache.backup_retention_days"
        }
        ("AWS::ElastiCache::ReplicationGroup", "ReplicationGroupId") => "cache.id",
        ("AWS::ElastiCache::ReplicationGroup", "CacheSubnetGroupName")
        | ("AWS::ElastiCache::SubnetGroup", "CacheSubnetGroupName") => "cache.subnet_group.name",
        ("AWS::ElastiCache::SubnetGroup", "SubnetIds") => "network.subnets",
        ("AWS::EC2::SecurityGroup", "GroupName") => "cache.security_group.name",
        ("AWS::EC2::SecurityGroup", "GroupDescription") => "cache.security_group.description",
        ("AWS::EC2::SecurityGroup", "VpcId") => "network.vpc",
        ("AWS::EC2::SecurityGroup", "SecurityGroupIngress") => "cache.security_group.allow_from",
        _ => return None,
    })
}

/// How a resource of the template is found.
enum Locate {
    /// By the value of its identifier property.
    Id(String),
    /// A security group (identified by its ID, which a template cannot set) by its name,
    /// within the stack's VPC where the template names one.
    GroupNamed { name: String, vpc: Option<String> },
}

/// The logical IDs a value refers to (`Ref`, `Fn::GetAtt`, and `${Name}` in `Fn::Sub`).
fn references(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) if map.len() == 1 => {
            if let Some(Value::String(name)) = map.get("Ref") {
                out.push(name.clone());
            } else if let Some(target) = map.get("Fn::GetAtt") {
                let name = match target {
                    Value::Array(parts) => parts.first().and_then(|p| p.as_str()),
                    Value::String(text) => text.split('.').next(),
                    _ => None,
                };
                out.extend(name.map(str::to_string));
            } else if let Some(sub) = map.get("Fn::Sub") {
                let text = match sub {
                    Value::Array(parts) => parts.first().and_then(|p| p.as_str()),
                    Value::String(text) => Some(text.as_str()),
                    _ => None,
                };
                for piece in text.unwrap_or_default().split("${").skip(1) {
                    let name = piece.split('}').next().unwrap_or_default();
                    out.push(name.split('.').next().unwrap_or_default().to_string());
                }
                if let Value::Array(parts) = sub {
                    parts.iter().skip(1).for_each(|p| references(p, out));
                }
            } else {
                map.values().for_each(|v| references(v, out));
            }
        }
        Value::Object(map) => map.values().for_each(|v| references(v, out)),
        Value::Array(items) => items.iter().for_each(|v| references(v, out)),
        _ => {}
    }
}

/// Values the comparison can put in place of `Ref` and `Fn::GetAtt`.
struct Known<'a> {
    parameters: &'a [(String, String)],
    list_parameters: Vec<String>,
    /// Logical ID -> physical ID of the resources found.
    physical: Vec<(String, String, String)>,
}

impl Known<'_> {
    /// The value with references put in, or `None` where one cannot be known.
    fn resolve(&self, value: &Value) -> Option<Value> {
        match value {
            Value::Object(map) if map.len() == 1 && map.contains_key("Ref") => {
                let name = map.get("Ref")?.as_str()?;
                if let Some((_, v)) = self.parameters.iter().find(|(k, _)| k == name) {
                    if self.list_parameters.iter().any(|p| p == name) {
                        return Some(Value::Array(
                            v.split(',')
                                .map(|s| Value::String(s.trim().to_string()))
                                .collect(),
                        ));
                    }
                    return Some(Value::String(v.clone()));
                }
                self.physical
                    .iter()
                    .find(|(l, _, _)| l == name)
                    .map(|(_, _, p)| Value::String(p.clone()))
            }
            Value::Object(map) if map.len() == 1 && map.contains_key("Fn::GetAtt") => {
                let target = map.get("Fn::GetAtt")?.as_array()?;
                let (logical, attribute) = (target.first()?.as_str()?, target.get(1)?.as_str()?);
                self.physical
                    .iter()
                    .find(|(l, t, _)| {
                        l == logical && t == "AWS::EC2::SecurityGroup" && attribute == "GroupId"
                    })
                    .map(|(_, _, p)| Value::String(p.clone()))
            }
            Value::Object(map) => {
                let mut out = Map::new();
                for (k, v) in map {
                    out.insert(k.clone(), self.resolve(v)?);
                }
                Some(Value::Object(out))
            }
            Value::Array(items) => items
                .iter()
                .map(|v| self.resolve(v))
                .collect::<Option<Vec<_>>>()
                .map(Value::Array),
            other => Some(other.clone()),
        }
    }
}

/// A value in a form where equal means the same to CloudFormation: scalars as strings
/// (`6379` and `"6379"`), lists in a fixed order (subnets, security groups and rules are sets).
fn normalized(value: &Value) -> Value {
    match value {
        Value::Bool(b) => Value::String(b.to_string()),
        Value::Number(n) => Value::String(n.to_string()),
        Value::Array(items) => {
            let mut items: Vec<Value> = items.iter().map(normalized).collect();
            items.sort_by_key(|v| v.to_string());
            Value::Array(items)
        }
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), normalized(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// A template's resource as JSON (its `Properties`).
fn properties_of(template: &Template, logical_id: &str) -> Map<String, Value> {
    template
        .resources
        .get(logical_id)
        .and_then(|r| serde_json::to_value(&r.properties).ok())
        .and_then(|v| match v {
            Value::Object(map) => Some(map),
            _ => None,
        })
        .unwrap_or_default()
}

fn refused(reason: String, remedy: &str) -> DeployError {
    DeployError::Refused {
        reason,
        remedy: remedy.to_string(),
    }
}

/// Works out the import: which resources exist, how they differ from the template, and the
/// IMPORT change set's template. Changes nothing.
pub async fn plan_import<C: Cloud>(
    cloud: &C,
    request: &DeployRequest,
    options: &DeployOptions,
) -> Result<ImportPlan, DeployError> {
    let pacing = &options.pacing;
    let stack = request.stack_name.as_str();
    if let Some(existing) = retry(pacing, || cloud.describe_stack(stack)).await?
        && existing.status != "REVIEW_IN_PROGRESS"
    {
        return Err(refused(
            format!("stack {stack} already exists ({})", existing.status),
            "import adopts existing resources into a new stack; a stack that exists is updated with deploy",
        ));
    }
    let parameters = resolve(
        cloud,
        &request.lookups,
        request.vpc.as_ref(),
        &options.parameters,
        pacing,
    )
    .await?;
    let template = &request.template;
    let list_parameters = template
        .parameters
        .iter()
        .filter(|(_, p)| {
            serde_json::to_value(p)
                .ok()
                .and_then(|v| v.get("Type").and_then(|t| t.as_str()).map(str::to_string))
                .is_some_and(|t| t.starts_with("List<") || t == "CommaDelimitedList")
        })
        .map(|(k, _)| k.clone())
        .collect();
    let mut known = Known {
        parameters: &parameters,
        list_parameters,
        physical: Vec::new(),
    };

    // Which types CloudFormation imports, and by what: before any resource is looked for.
    let summaries = retry(pacing, || cloud.import_identifiers(&request.template_body)).await?;
    let mut unsupported = Vec::new();
    let mut identified: Vec<(String, String, Locate)> = Vec::new();
    for (logical_id, resource) in &template.resources {
        let type_name = resource.type_name.as_str();
        let Some(summary) = summaries.iter().find(|s| s.resource_type == type_name) else {
            unsupported.push(format!(
                "{logical_id} ({type_name}): CloudFormation cannot import this type"
            ));
            continue;
        };
        let [property] = summary.identifiers.as_slice() else {
            unsupported.push(format!(
                "{logical_id} ({type_name}): identified by {}; cfnforge finds resources by one identifier",
                summary.identifiers.join(" + ")
            ));
            continue;
        };
        if !crate::cloud::live::READABLE.contains(&type_name) {
            unsupported.push(format!(
                "{logical_id} ({type_name}): cfnforge cannot read this type to compare it (it reads {})",
                crate::cloud::live::READABLE.join(", ")
            ));
            continue;
        }
        let properties = properties_of(template, logical_id);
        let value = properties
            .get(property.as_str())
            .and_then(|v| known.resolve(v))
            .and_then(|v| v.as_str().map(str::to_string));
        match (value, type_name, property.as_str()) {
            (Some(value), _, _) => {
                identified.push((logical_id.clone(), property.clone(), Locate::Id(value)));
            }
            // A security group's identifier is its ID, which the template cannot set: found
            // by its name within the stack's VPC.
            (None, "AWS::EC2::SecurityGroup", "Id") => {
                let name = properties
                    .get("GroupName")
                    .and_then(|v| known.resolve(v))
                    .and_then(|v| v.as_str().map(str::to_string));
                let vpc = properties
                    .get("VpcId")
                    .and_then(|v| known.resolve(v))
                    .and_then(|v| v.as_str().map(str::to_string));
                match name {
                    Some(name) => identified.push((
                        logical_id.clone(),
                        property.clone(),
                        Locate::GroupNamed { name, vpc },
                    )),
                    None => unsupported.push(format!(
                        "{logical_id} ({type_name}): the template gives it no GroupName to find it by"
                    )),
                }
            }
            (None, _, _) => unsupported.push(format!(
                "{logical_id} ({type_name}): the template does not set its identifier {property}"
            )),
        }
    }
    if !unsupported.is_empty() {
        return Err(refused(
            format!("cannot import stack {stack}: {}", unsupported.join("; ")),
            "nothing was changed; create those resources with deploy instead, or remove them from the stack",
        ));
    }

    // Find and read what exists.
    let mut plan = ImportPlan {
        stack: stack.to_string(),
        ..Default::default()
    };
    let mut live_of = Vec::new();
    for (logical_id, property, locate) in identified {
        let type_name = template.resources[&logical_id].type_name.clone();
        let id = match locate {
            Locate::Id(value) => Some(value),
            Locate::GroupNamed { name, vpc } => {
                let groups = retry(pacing, || {
                    cloud.security_groups_named(vpc.as_deref(), &name)
                })
                .await?;
                match groups.as_slice() {
                    [] => None,
                    [one] => Some(one.id.clone()),
                    several => {
                        return Err(refused(
                            format!(
                                "{logical_id}: several security groups are named {name}: {}",
                                several
                                    .iter()
                                    .map(|g| g.label.as_str())
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                            "nothing was changed; give the stack's VPC in the stack file (network.vpc) so the name is unique within it",
                        ));
                    }
                }
            }
        };
        let live = match &id {
            Some(id) => retry(pacing, || cloud.live_resource(&type_name, id)).await?,
            None => None,
        };
        match live {
            Some(live) => {
                known.physical.push((
                    logical_id.clone(),
                    type_name.clone(),
                    live.physical_id.clone(),
                ));
                plan.found.push(Imported {
                    logical_id: logical_id.clone(),
                    resource_type: type_name.clone(),
                    identifier: (property, id.unwrap_or_default()),
                    physical_id: live.physical_id.clone(),
                    arn: live.arn.clone(),
                });
                live_of.push((logical_id, type_name, live));
            }
            None => plan.missing.push((logical_id, type_name)),
        }
    }

    // Compare, property by property.
    for (logical_id, type_name, live) in &live_of {
        let info = cfnforge::resources::type_info(type_name);
        let create_only = |p: &str| info.is_some_and(|i| i.create_only.contains(&p));
        let properties = properties_of(template, logical_id);
        for (property, value) in &properties {
            let Some(wanted) = known.resolve(value) else {
                continue; // refers to something that does not exist yet
            };
            let Some(actual) = live.properties.get(property) else {
                continue; // not read back
            };
            if normalized(&wanted) == normalized(actual) {
                continue;
            }
            // `8.0` in the template is the `8.0.1` ElastiCache reports; `8.0` under `8.1` is a
            // downgrade, which ElastiCache refuses.
            let versions = (type_name == "AWS::ElastiCache::ReplicationGroup"
                && property == "EngineVersion")
                .then(|| Some((shown(Some(actual)), shown(Some(&wanted)))))
                .flatten();
            if let Some((live, template)) = &versions
                && cfnforge::facts::elasticache::compare_versions(template, live)
                    == Some(std::cmp::Ordering::Equal)
            {
                continue;
            }
            let downgrade = versions.is_some_and(|(live, template)| {
                cfnforge::facts::elasticache::is_downgrade(&live, &template)
            });
            let difference = Difference {
                logical_id: logical_id.clone(),
                property: property.clone(),
                live: Some(actual.clone()),
                template: Some(wanted),
                key: stack_file_key(type_name, property),
            };
            if create_only(property) {
                plan.replacing.push(difference);
            } else if downgrade {
                plan.unreachable.push(difference);
            } else {
                plan.in_place.push(difference);
            }
        }
        for (property, actual) in &live.properties {
            if !properties.contains_key(property) {
                plan.console_only.push(Difference {
                    logical_id: logical_id.clone(),
                    property: property.clone(),
                    live: Some(actual.clone()),
                    template: None,
                    key: stack_file_key(type_name, property),
                });
            }
        }
    }
    // A resource that exists while one it refers to does not cannot be imported alone.
    for found in &plan.found {
        let resource = &template.resources[&found.logical_id];
        let mut refers_to = resource.options.depends_on.clone();
        references(
            &serde_json::to_value(&resource.properties).unwrap_or_default(),
            &mut refers_to,
        );
        for (missing, _) in &plan.missing {
            if refers_to.contains(missing) {
                return Err(refused(
                    format!(
                        "{} exists but {missing}, which it refers to, does not",
                        found.logical_id
                    ),
                    "nothing was changed; create the missing resource in AWS or import without it",
                ));
            }
        }
    }

    // The IMPORT change set's template: the found resources, each with a DeletionPolicy, and
    // the outputs that refer to nothing else.
    let mut import_template = template.clone();
    let found_ids: Vec<&str> = plan.found.iter().map(|f| f.logical_id.as_str()).collect();
    import_template
        .resources
        .retain(|id, _| found_ids.contains(&id.as_str()));
    // CloudFormation compares templates, not resources: for the deploy after the import to
    // change what differs, the import's template holds what exists.
    for d in &plan.in_place {
        if let Some(resource) = import_template.resources.get_mut(&d.logical_id) {
            match &d.live {
                Some(Value::Array(items)) if items.is_empty() && d.property == "Tags" => {
                    resource.properties.shift_remove(&d.property);
                }
                Some(live) => {
                    resource.properties.insert(
                        d.property.clone(),
                        cfnforge::template::Value::from_json(live.clone()),
                    );
                }
                None => {
                    resource.properties.shift_remove(&d.property);
                }
            }
        }
    }
    for (id, resource) in import_template.resources.iter_mut() {
        if resource.options.deletion_policy.is_none() {
            resource.options.deletion_policy = Some(DeletionPolicy::Retain);
            plan.retained_for_import.push(id.clone());
        }
    }
    import_template.outputs.retain(|_, output| {
        let mut refers_to = Vec::new();
        references(
            &serde_json::to_value(output).unwrap_or_default(),
            &mut refers_to,
        );
        !plan.missing.iter().any(|(m, _)| refers_to.contains(m))
    });
    plan.import_template = import_template;
    plan.parameters = parameters;
    Ok(plan)
}

/// How an import ended.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportOutcome {
    pub imported: DeployOutcome,
    /// The deploy after the import, where one was needed.
    pub deployed: Option<DeployOutcome>,
}

/// Why the plan cannot run, when a difference would replace a resource or could not be made
/// (a lower engine version): each difference, and the stack-file value that makes the template
/// keep what exists.
pub fn refusal(plan: &ImportPlan) -> Option<DeployError> {
    if plan.replacing.is_empty() && plan.unreachable.is_empty() {
        return None;
    }
    let reason = |d: &Difference, why: &str| {
        format!(
            "{}: {} is {} in AWS but {} in the template, {why}",
            d.logical_id,
            d.property,
            shown(d.live.as_ref()),
            shown(d.template.as_ref())
        )
    };
    let reasons: Vec<String> = plan
        .replacing
        .iter()
        .map(|d| reason(d, "and changing it replaces the resource"))
        .chain(plan.unreachable.iter().map(|d| {
            reason(
                d,
                &format!("and {}", cfnforge::facts::elasticache::DOWNGRADE),
            )
        }))
        .collect();
    let keys: Vec<String> = plan
        .replacing
        .iter()
        .chain(&plan.unreachable)
        .map(|d| match d.key {
            Some(key) => format!("`{key}: {}`", shown(d.live.as_ref())),
            None => format!("{} of {}", d.property, d.logical_id),
        })
        .collect();
    Some(refused(
        reasons.join("; "),
        &format!(
            "nothing was changed; make the stack file match what exists: {}",
            keys.join(", ")
        ),
    ))
}

/// Runs a plan: refuses replacing differences, runs the IMPORT change set, follows it, then
/// deploys the template to create what was missing and change what differs in place.
pub async fn import<C: Cloud>(
    cloud: &C,
    request: &DeployRequest,
    plan: &ImportPlan,
    options: &DeployOptions,
    ui: &mut dyn Ui,
) -> Result<ImportOutcome, DeployError> {
    if let Some(refusal) = refusal(plan) {
        return Err(refusal);
    }
    let mut outcome = ImportOutcome {
        imported: DeployOutcome::NoChanges {
            outputs: Vec::new(),
        },
        deployed: None,
    };
    if !plan.found.is_empty() {
        let body = render(&plan.import_template, Format::Yaml)
            .map_err(|e| DeployError::DeployedTemplate(e.to_string()))?;
        let import_request = DeployRequest {
            template: plan.import_template.clone(),
            template_body: body,
            ..request.clone()
        };
        let to_import: Vec<ResourceToImport> = plan
            .found
            .iter()
            .map(|f| ResourceToImport {
                resource_type: f.resource_type.clone(),
                logical_id: f.logical_id.clone(),
                identifier: vec![f.identifier.clone()],
            })
            .collect();
        // The import itself changes nothing: no question; the template's parameters as found.
        let import_options = DeployOptions {
            parameters: plan.parameters.clone(),
            given_parameters: Some(options.parameters.iter().map(|(k, _)| k.clone()).collect()),
            approval: crate::Approval::Never,
            ..options.clone()
        };
        outcome.imported =
            run_change_set(cloud, &import_request, &import_options, ui, &to_import).await?;
    }
    if !options.no_execute {
        outcome.deployed = Some(deploy(cloud, request, options, ui).await?);
    }
    Ok(outcome)
}

/// A value for messages: strings bare, the rest as JSON; "not set" for none.
pub fn shown(value: Option<&Value>) -> String {
    match value {
        None => "not set".to_string(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}
