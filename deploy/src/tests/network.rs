//! Scripted deploy tests: network (see the module above for the stand-in): VPC-scoped
//! look-ups, change set details, security judgement.
use super::*;
use crate::cloud::{ChangeDetail, Replacement};

fn group_lookup() -> Vec<Lookup> {
    vec![Lookup {
        parameter: "EcsBackendSgSecurityGroupId".into(),
        kind: LookupKind::SecurityGroup,
        names: vec!["ecs-backend-sg".into()],
    }]
}

fn named(id: &str, name: &str, vpc: &str) -> Named {
    Named {
        id: id.into(),
        name: name.into(),
        vpc_id: vpc.into(),
    }
}

#[test]
fn a_vpc_given_by_id_or_import_scopes_the_group_look_up() {
    let found = vec![Found {
        id: "sg-a".into(),
        label: "sg-a".into(),
    }];
    let state = || State {
        security_groups: found.clone(),
        exports: vec![("network-VpcId".into(), "vpc-from-export".into())],
        ..Default::default()
    };
    let pacing = options().pacing;

    let cloud = Scripted::new(state());
    let by_id = NetworkRef::Id("vpc-0abc".into());
    run(resolve(&cloud, &group_lookup(), Some(&by_id), &[], &pacing)).unwrap();
    assert_eq!(cloud.0.borrow().searched_vpcs, [Some("vpc-0abc".into())]);

    let cloud = Scripted::new(state());
    let import = NetworkRef::Import("network-VpcId".into());
    run(resolve(
        &cloud,
        &group_lookup(),
        Some(&import),
        &[],
        &pacing,
    ))
    .unwrap();
    assert_eq!(
        cloud.0.borrow().searched_vpcs,
        [Some("vpc-from-export".into())]
    );

    // An import nobody exports: said so, and nothing is searched account-wide.
    let cloud = Scripted::new(state());
    let missing = NetworkRef::Import("nobody-VpcId".into());
    let err = run(resolve(
        &cloud,
        &group_lookup(),
        Some(&missing),
        &[],
        &pacing,
    ))
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("no stack exports \"nobody-VpcId\""),
        "{err}"
    );
    assert!(cloud.0.borrow().searched_vpcs.is_empty());
}

#[test]
fn a_name_that_finds_nothing_lists_what_is_nearby_and_the_parameter_to_set() {
    let cloud = Scripted::new(State {
        named: vec![
            named("sg-other", "ecs-backend-sg", "vpc-2"),
            named("sg-close", "ecs-backend-sgs", "vpc-1"),
            named("sg-far", "database", "vpc-1"),
            named("sg-close-elsewhere", "ecs-backend", "vpc-2"),
        ],
        ..Default::default()
    });
    let vpc = NetworkRef::Id("vpc-1".into());
    let err = run(resolve(
        &cloud,
        &group_lookup(),
        Some(&vpc),
        &[],
        &options().pacing,
    ))
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "cannot resolve names: no security group named \"ecs-backend-sg\" in vpc-1 (the stack's VPC); \
         \"ecs-backend-sg\" exists in other VPCs: sg-other in vpc-2; \
         similar names in vpc-1: \"ecs-backend-sgs\" (sg-close); \
         or give its ID with --parameter EcsBackendSgSecurityGroupId=ID"
    );
}

fn detail(name: &str, recreation: &str) -> ChangeDetail {
    ChangeDetail {
        attribute: "Properties".into(),
        name: Some(name.into()),
        requires_recreation: Some(recreation.into()),
        ..Default::default()
    }
}

#[test]
fn replacement_is_judged_from_the_details_too() {
    let change = |replacement: Option<&str>, details: Vec<ChangeDetail>| ResourceChange {
        action: "Modify".into(),
        replacement: replacement.map(str::to_string),
        details,
        ..Default::default()
    };
    assert_eq!(change(None, vec![]).replacement(), Replacement::Unknown);
    assert_eq!(
        change(Some("False"), vec![detail("Port", "Never")]).replacement(),
        Replacement::No
    );
    assert_eq!(
        change(Some("False"), vec![detail("Engine", "Conditionally")]).replacement(),
        Replacement::Maybe
    );
    assert_eq!(
        change(Some("Conditional"), vec![detail("Port", "Always")]).replacement(),
        Replacement::Yes
    );
    assert_eq!(
        change(None, vec![detail("Port", "Always")]).replacement(),
        Replacement::Yes
    );
}

#[test]
fn a_property_that_conditionally_recreates_a_stateful_resource_stops_the_deploy() {
    // The endpoint leaves Replacement out but says the property may recreate the group.
    let mut change_set = ready_change_set(vec![("Modify", None)]);
    change_set.changes[0].details = vec![detail("EngineVersion", "Conditionally")];
    let cloud = Scripted::new(State {
        change_set,
        timeline: VecDeque::from([step("UPDATE_COMPLETE", vec![])]),
        ..deployed(&cache_template(6379))
    });
    let mut new = cache_template(6379);
    new.resources["Cache"]
        .properties
        .insert("EngineVersion".into(), "8.1".into());
    // EngineVersion updates in place by the schema: only the change set's detail tells.
    let err = quiet_deploy(&cloud, new).unwrap_err();
    assert!(
        err.to_string()
            .contains("Cache (AWS::ElastiCache::ReplicationGroup) would be replaced"),
        "{err}"
    );
    assert!(!cloud.calls().contains(&"ExecuteChangeSet".to_string()));
}

fn group_with(key: &str, cidr: &str) -> Template {
    let mut template = cache_template(6379);
    let mut sg = Resource::new("AWS::EC2::SecurityGroup");
    sg.properties.insert("GroupDescription".into(), "g".into());
    sg.properties.insert(
        key.into(),
        Value::from_json(serde_json::json!([
            {"IpProtocol": "tcp", "FromPort": 6379, "ToPort": 6379, "CidrIp": cidr}
        ])),
    );
    template.add_resource("Group", sg);
    template
}

#[test]
fn narrowing_ingress_deploys_without_asking_but_widening_egress_asks() {
    let state = |old: &Template| State {
        change_set: ready_change_set(vec![("Modify", Some("False"))]),
        timeline: VecDeque::from([step("UPDATE_COMPLETE", vec![])]),
        ..deployed(old)
    };
    let old = group_with("SecurityGroupIngress", "10.0.0.0/8");
    let cloud = Scripted::new(state(&old));
    let mut ui = Recorder::default();
    run(deploy(
        &cloud,
        &request(group_with("SecurityGroupIngress", "10.1.0.0/16")),
        &options(),
        &mut ui,
    ))
    .unwrap();
    assert!(ui.questions.is_empty(), "{:?}", ui.questions);

    let old = group_with("SecurityGroupEgress", "10.0.0.0/8");
    let cloud = Scripted::new(state(&old));
    let err = quiet_deploy(&cloud, group_with("SecurityGroupEgress", "0.0.0.0/0")).unwrap_err();
    assert!(
        err.to_string().contains("--require-approval never"),
        "{err}"
    );
    assert!(!cloud.calls().contains(&"ExecuteChangeSet".to_string()));
}

/// A template over 51,200 bytes: the cache with a long description in Metadata.
fn big_template() -> Template {
    let mut template = cache_template(6379);
    template.resources["Cache"].options.metadata = Some(Value::from("x".repeat(60_000)));
    template
}

#[test]
fn a_template_over_51200_bytes_goes_through_cfnforges_bucket_created_once() {
    let state = || State {
        change_set: ready_change_set(vec![("Add", None)]),
        timeline: VecDeque::from([step("CREATE_COMPLETE", vec![])]),
        ..Default::default()
    };
    let template = big_template();
    let key = crate::template_key(&request(template.clone()).template_body);
    let cloud = Scripted::new(state());
    let mut ui = Recorder::default();
    run(deploy(
        &cloud,
        &request(template.clone()),
        &options(),
        &mut ui,
    ))
    .unwrap();
    let bucket = "cfnforge-assets-123456789012-ap-southeast-1";
    let calls = cloud.calls();
    assert!(
        calls.contains(&format!("CreateBucket:{bucket}")),
        "{calls:?}"
    );
    assert!(
        calls.contains(&format!("PutObject:{bucket}/{key}")),
        "{calls:?}"
    );
    let sent = &cloud.0.borrow().change_set_requests[0];
    assert_eq!(
        sent.template_url.as_deref(),
        Some(format!("https://{bucket}.s3.amazonaws.com/{key}").as_str())
    );
    assert!(
        ui.lines
            .iter()
            .any(|l| l.contains(&format!("uploaded to s3://{bucket}/{key}"))),
        "{:?}",
        ui.lines
    );

    // The bucket exists: not created again.
    let cloud = Scripted::new(State {
        buckets: vec![bucket.to_string()],
        ..state()
    });
    run(deploy(
        &cloud,
        &request(template),
        &options(),
        &mut Recorder::default(),
    ))
    .unwrap();
    assert!(!cloud.calls().iter().any(|c| c.starts_with("CreateBucket")));
}

#[test]
fn a_bucket_named_with_bucket_must_exist_and_small_templates_stay_inline() {
    let cloud = Scripted::new(State::default());
    let with_bucket = DeployOptions {
        bucket: Some("my-templates".into()),
        ..options()
    };
    let err = run(deploy(
        &cloud,
        &request(big_template()),
        &with_bucket,
        &mut Recorder::default(),
    ))
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("bucket my-templates (--bucket) does not exist"),
        "{err}"
    );
    assert!(
        !cloud
            .calls()
            .iter()
            .any(|c| c.starts_with("CreateChangeSet"))
    );

    let cloud = Scripted::new(State {
        change_set: ready_change_set(vec![("Add", None)]),
        timeline: VecDeque::from([step("CREATE_COMPLETE", vec![])]),
        ..Default::default()
    });
    quiet_deploy(&cloud, cache_template(6379)).unwrap();
    assert!(
        !cloud
            .calls()
            .iter()
            .any(|c| c.contains("Bucket") || c.starts_with("PutObject"))
    );
    assert_eq!(cloud.0.borrow().change_set_requests[0].template_url, None);
}
