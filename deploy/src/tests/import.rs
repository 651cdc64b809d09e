//! `import` against the scripted stand-in: what the emulator cannot show (a type CloudFormation
//! does not import, an import that fails half-way).

use super::*;
use crate::cloud::{IdentifierSummary, LiveResource};

fn cache_and_parameter() -> Template {
    let mut t = Template::new();
    let mut group = Resource::new("AWS::ElastiCache::ReplicationGroup");
    group
        .properties
        .insert("ReplicationGroupId".into(), "bandup-redis".into());
    group
        .properties
        .insert("ReplicationGroupDescription".into(), "d".into());
    group.options.deletion_policy = Some(cfnforge::template::DeletionPolicy::Snapshot);
    t.add_resource("Cache", group);
    let mut parameter = Resource::new("AWS::SSM::Parameter");
    parameter
        .properties
        .insert("Name".into(), "/bandup/redis".into());
    parameter.properties.insert("Type".into(), "String".into());
    parameter.properties.insert("Value".into(), "x".into());
    t.add_resource("Endpoint", parameter);
    t
}

fn cache_identifiers() -> Vec<IdentifierSummary> {
    vec![IdentifierSummary {
        resource_type: "AWS::ElastiCache::ReplicationGroup".into(),
        logical_ids: vec!["Cache".into()],
        identifiers: vec!["ReplicationGroupId".into()],
    }]
}

fn live_cache() -> LiveResource {
    let mut properties = serde_json::Map::new();
    properties.insert("ReplicationGroupId".into(), "bandup-redis".into());
    properties.insert("ReplicationGroupDescription".into(), "d".into());
    LiveResource {
        physical_id: "bandup-redis".into(),
        properties,
        arn: Some("arn:rg".into()),
    }
}

#[test]
fn a_type_cloudformation_cannot_import_stops_the_import_before_anything_is_read() {
    let cloud = Scripted::new(State {
        identifiers: cache_identifiers(),
        live: vec![("bandup-redis".into(), live_cache())],
        ..Default::default()
    });
    let request = request(cache_and_parameter());
    let refused = run(plan_import(&cloud, &request, &options())).unwrap_err();
    let DeployError::Refused { reason, .. } = &refused else {
        panic!("{refused:?}");
    };
    assert!(
        reason.contains("Endpoint (AWS::SSM::Parameter): CloudFormation cannot import this type"),
        "{reason}"
    );
    let calls = cloud.calls();
    assert!(
        !calls
            .iter()
            .any(|c| c.starts_with("Read") || c.starts_with("CreateChangeSet")),
        "{calls:?}"
    );
}

#[test]
fn an_import_that_fails_half_way_is_reported_and_nothing_is_deployed_after_it() {
    let mut template = cache_and_parameter();
    template.resources.shift_remove("Endpoint");
    let cloud = Scripted::new(State {
        identifiers: cache_identifiers(),
        live: vec![("bandup-redis".into(), live_cache())],
        change_set: ChangeSetDescription {
            id: "cs-1".into(),
            status: "CREATE_COMPLETE".into(),
            ..Default::default()
        },
        timeline: VecDeque::from([
            step(
                "IMPORT_IN_PROGRESS",
                vec![("Cache", "IMPORT_IN_PROGRESS", None)],
            ),
            step(
                "IMPORT_ROLLBACK_IN_PROGRESS",
                vec![(
                    "Cache",
                    "IMPORT_FAILED",
                    Some("Resource handler returned message: access denied"),
                )],
            ),
            step("IMPORT_ROLLBACK_COMPLETE", vec![]),
        ]),
        ..Default::default()
    });
    let request = request(template);
    let options = options();
    let plan = run(plan_import(&cloud, &request, &options)).unwrap();
    assert_eq!(plan.found.len(), 1);
    let mut ui = Recorder::default();
    let failed = run(import(&cloud, &request, &plan, &options, &mut ui)).unwrap_err();
    let DeployError::Failed {
        status, root_cause, ..
    } = &failed
    else {
        panic!("{failed:?}");
    };
    assert_eq!(status, "IMPORT_ROLLBACK_COMPLETE");
    assert_eq!(
        root_cause
            .as_ref()
            .and_then(|e| e.reason.clone())
            .as_deref(),
        Some("Resource handler returned message: access denied")
    );
    let calls = cloud.calls();
    assert_eq!(
        calls
            .iter()
            .filter(|c| c.starts_with("CreateChangeSet"))
            .collect::<Vec<_>>(),
        ["CreateChangeSet:Import"],
        "no deploy after a failed import: {calls:?}"
    );
    let requests = &cloud.0.borrow().change_set_requests;
    assert_eq!(
        requests[0].resources_to_import,
        [crate::cloud::ResourceToImport {
            resource_type: "AWS::ElastiCache::ReplicationGroup".into(),
            logical_id: "Cache".into(),
            identifier: vec![("ReplicationGroupId".into(), "bandup-redis".into())],
        }]
    );
}

#[test]
fn a_resource_that_exists_while_one_it_refers_to_does_not_is_refused() {
    let mut template = cache_and_parameter();
    template.resources.shift_remove("Endpoint");
    let mut subnets = Resource::new("AWS::ElastiCache::SubnetGroup");
    subnets
        .properties
        .insert("CacheSubnetGroupName".into(), "bandup-subnets".into());
    template.add_resource("Subnets", subnets);
    template.resources["Cache"].properties.insert(
        "CacheSubnetGroupName".into(),
        Value::from_json(serde_json::json!({"Ref": "Subnets"})),
    );
    let mut identifiers = cache_identifiers();
    identifiers.push(IdentifierSummary {
        resource_type: "AWS::ElastiCache::SubnetGroup".into(),
        logical_ids: vec!["Subnets".into()],
        identifiers: vec!["CacheSubnetGroupName".into()],
    });
    let cloud = Scripted::new(State {
        identifiers,
        live: vec![("bandup-redis".into(), live_cache())],
        ..Default::default()
    });
    let refused = run(plan_import(&cloud, &request(template), &options())).unwrap_err();
    assert!(
        refused
            .to_string()
            .contains("Cache exists but Subnets, which it refers to, does not"),
        "{refused}"
    );
    assert!(
        !cloud
            .calls()
            .iter()
            .any(|c| c.starts_with("CreateChangeSet"))
    );
}
