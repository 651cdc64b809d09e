//! Scripted deploy tests: stacks cfnforge did not write (short-form YAML, `Hooks`, `Transform`,
//! `Fn::ForEach`), and the remedies for create-only properties (see the module above for the
//! stand-in).
use super::*;
use crate::cloud::StackResource;

/// A stack someone wrote by hand: short forms, a transform, a hook, a loop, a policy given
/// through `!If`.
const FOREIGN: &str = "AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::LanguageExtensions
Hooks:
  Check:
    Type: AWS::CodeDeploy::BlueGreen
    Properties: {}
Conditions:
  Always: !Equals [a, a]
Resources:
  Fn::ForEach::Topics:
    - Name
    - [Orders, Invoices]
    - Topic${Name}:
        Type: AWS::SNS::Topic
  Cache:
    Type: AWS::ElastiCache::ReplicationGroup
    DeletionPolicy: Snapshot
    Properties:
      ReplicationGroupDescription: !Sub '${AWS::StackName} cache'
      Port: 6379
  Logs:
    Type: AWS::Logs::LogGroup
    DeletionPolicy: !If [Always, Retain, Delete]
Outputs:
  Address:
    Value: !GetAtt Cache.PrimaryEndPoint.Address
";

fn foreign() -> State {
    let resource = |id: &str, type_name: &str| StackResource {
        logical_id: id.into(),
        physical_id: Some(format!("{id}-physical")),
        resource_type: type_name.into(),
        status: "CREATE_COMPLETE".into(),
    };
    State {
        stack: Some(stack("UPDATE_COMPLETE")),
        template: Some(FOREIGN.to_string()),
        resources: vec![
            resource("TopicOrders", "AWS::SNS::Topic"),
            resource("TopicInvoices", "AWS::SNS::Topic"),
            resource("Cache", "AWS::ElastiCache::ReplicationGroup"),
            resource("Logs", "AWS::Logs::LogGroup"),
        ],
        ..Default::default()
    }
}

/// The hand-written cache with a new port (replaces it) and the rest left out.
fn cfnforge_version(port: i64) -> Template {
    let mut template = cache_template(port);
    template.resources["Cache"]
        .properties
        .insert("ReplicationGroupDescription".into(), "d".into());
    template
}

#[test]
fn diff_reads_a_hand_written_deployed_template_and_names_what_it_does_not_compare() {
    let cloud = Scripted::new(foreign());
    let loose = run(deployed_template(&cloud, "bandup-redis", &options().pacing))
        .unwrap()
        .unwrap();
    assert_eq!(
        loose.unread,
        [
            "Hooks",
            "Resources.Logs.DeletionPolicy",
            "Resources.Fn::ForEach::Topics"
        ]
    );
    let planned = diff::diff(&loose.template, &cfnforge_version(6380));
    let cache = planned
        .resources
        .iter()
        .find(|r| r.logical_id == "Cache")
        .expect("the cache is compared");
    assert!(cache.replacement, "{cache:?}");
    let paths: Vec<&str> = cache.properties.iter().map(|p| p.path.as_str()).collect();
    assert!(paths.contains(&"Port"), "{paths:?}");
    assert!(paths.contains(&"ReplicationGroupDescription"), "{paths:?}");
}

#[test]
fn deploy_over_a_hand_written_stack_goes_through_the_safety_gate() {
    // The port change replaces the cache: refused without --allow-replacement, judged from
    // the short-form template.
    let cloud = Scripted::new(State {
        change_set: ready_change_set(vec![("Modify", None)]),
        ..foreign()
    });
    let mut ui = Recorder::default();
    let err = run(deploy(
        &cloud,
        &request(cfnforge_version(6380)),
        &options(),
        &mut ui,
    ))
    .unwrap_err();
    assert!(
        matches!(&err, DeployError::Refused { reason, .. } if reason.contains("Cache")),
        "{err:?}"
    );
    let named = ui
        .lines
        .iter()
        .find(|l| l.contains("does not compare"))
        .unwrap_or_else(|| panic!("{:?}", ui.lines));
    assert!(
        named.contains(
            "does not compare (Hooks, Resources.Logs.DeletionPolicy, Resources.Fn::ForEach::Topics)"
        ),
        "{named}"
    );
    crate::readme_output::assert_readme_output("diff-unmodelled", &format!("{named}\n"), &[]);
    assert!(!cloud.calls().contains(&"ExecuteChangeSet".to_string()));

    // The same port: deployed.
    let cloud = Scripted::new(State {
        change_set: ready_change_set(vec![("Modify", Some("False"))]),
        timeline: VecDeque::from([step("UPDATE_COMPLETE", vec![])]),
        ..foreign()
    });
    let outcome = run(deploy(
        &cloud,
        &request(cfnforge_version(6379)),
        &options(),
        &mut Recorder::default(),
    ))
    .unwrap();
    assert!(
        matches!(outcome, DeployOutcome::Deployed { .. }),
        "{outcome:?}"
    );
}

#[test]
fn destroy_lists_the_stacks_resources_and_the_policies_it_can_read() {
    let cloud = Scripted::new(State {
        timeline: VecDeque::from([
            step("DELETE_IN_PROGRESS", vec![]),
            step("DELETE_COMPLETE", vec![]),
        ]),
        ..foreign()
    });
    let mut ui = Recorder {
        answer: Some(Answer::Yes),
        ..Default::default()
    };
    let outcome = run(destroy(&cloud, "bandup-redis", &options(), &mut ui)).unwrap();
    assert_eq!(
        outcome,
        DestroyOutcome::Deleted {
            kept: vec![("Cache".into(), "Snapshot".into())],
            unknown: vec!["TopicOrders".into(), "TopicInvoices".into(), "Logs".into()],
        }
    );
    assert_eq!(
        ui.questions,
        ["Delete stack bandup-redis and its 4 resources?"]
    );
    assert!(
        ui.lines
            .iter()
            .any(|l| l.starts_with("deletion policy unknown for TopicOrders, TopicInvoices, Logs")),
        "{:?}",
        ui.lines
    );
}

#[test]
fn destroy_does_not_need_a_readable_template() {
    let cloud = Scripted::new(State {
        template: Some("Resources: [unclosed\n".into()),
        timeline: VecDeque::from([step("DELETE_COMPLETE", vec![])]),
        ..foreign()
    });
    let mut ui = Recorder {
        answer: Some(Answer::Yes),
        ..Default::default()
    };
    let outcome = run(destroy(&cloud, "bandup-redis", &options(), &mut ui)).unwrap();
    let DestroyOutcome::Deleted { kept, unknown } = outcome else {
        panic!("deleted");
    };
    assert!(kept.is_empty());
    assert_eq!(unknown.len(), 4);
    assert!(
        ui.lines
            .iter()
            .any(|l| l.contains("the template cannot be read")),
        "{:?}",
        ui.lines
    );
    assert!(cloud.calls().contains(&"DeleteStack".to_string()));
}

#[test]
fn a_blocked_security_group_replacement_says_how_to_keep_the_deployed_description() {
    let group = |description: &str| {
        let mut t = Template::new();
        let mut group = Resource::new("AWS::EC2::SecurityGroup");
        group
            .properties
            .insert("GroupDescription".into(), description.into());
        group
            .properties
            .insert("GroupName".into(), "redis-sg".into());
        t.add_resource("Group", group);
        t
    };
    let cloud = Scripted::new(deployed(&group("Redis OSS cache bandup-redis")));
    let err = quiet_deploy(&cloud, group("Valkey cache bandup-redis")).unwrap_err();
    let DeployError::Refused { reason, remedy } = err else {
        panic!("refused: {err:?}");
    };
    assert!(reason.contains("GroupName is fixed"), "{reason}");
    assert!(
        remedy.contains("`security_group.description: \"Redis OSS cache bandup-redis\"`"),
        "{remedy}"
    );

    // A blocked replacement that is not about the description does not mention it.
    let cloud = Scripted::new(deployed(&cache_template(6379)));
    let mut named = cache_template(6380);
    named.resources["Cache"]
        .properties
        .insert("ReplicationGroupId".into(), "bandup-redis".into());
    let mut old = cache_template(6379);
    old.resources["Cache"]
        .properties
        .insert("ReplicationGroupId".into(), "bandup-redis".into());
    let cloud2 = Scripted::new(deployed(&old));
    drop(cloud);
    let err = quiet_deploy(&cloud2, named).unwrap_err();
    assert!(
        matches!(&err, DeployError::Refused { remedy, .. } if !remedy.contains("security_group.description")),
        "{err:?}"
    );
}
