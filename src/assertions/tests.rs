use std::panic::{AssertUnwindSafe, catch_unwind};

use serde_json::json;

use super::*;

fn template() -> Template {
    Template::from_json(
        r#"{
          "Resources": {
            "Small": {"Type": "AWS::ElastiCache::ReplicationGroup",
                      "Properties": {"Engine": "valkey", "NumCacheClusters": 1, "Port": 6379}},
            "Big": {"Type": "AWS::ElastiCache::ReplicationGroup",
                    "Properties": {"Engine": "valkey", "NumCacheClusters": 3, "Port": 6380},
                    "DeletionPolicy": "Snapshot"},
            "Group": {"Type": "AWS::EC2::SecurityGroup", "Properties": {"GroupDescription": "g"}}
          },
          "Outputs": {
            "Endpoint": {"Value": {"Fn::GetAtt": ["Big", "PrimaryEndPoint.Address"]},
                         "Export": {"Name": "cache:Endpoint"}}
          }
        }"#,
    )
    .unwrap()
}

/// The panic message of an assertion that must fail.
fn failure(assertion: impl FnOnce()) -> String {
    let payload = catch_unwind(AssertUnwindSafe(assertion)).expect_err("the assertion fails");
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

#[test]
fn counts_and_matches_pass_on_what_the_template_has() {
    let t = template();
    t.resource_count_is("AWS::ElastiCache::ReplicationGroup", 2);
    t.resource_count_is("AWS::SSM::Parameter", 0);
    t.has_resource_properties(
        "AWS::ElastiCache::ReplicationGroup",
        json!({"NumCacheClusters": 3, "Port": Match::any_value()}),
    );
    t.has_resource(
        "AWS::ElastiCache::ReplicationGroup",
        json!({"DeletionPolicy": "Snapshot", "Properties": {"Port": 6380}}),
    );
    t.has_output(
        "*",
        json!({"Export": {"Name": Match::string_like_regexp("^cache:")}}),
    );
    assert_eq!(
        t.find_resources("AWS::ElastiCache::ReplicationGroup", json!({}))
            .keys()
            .collect::<Vec<_>>(),
        ["Small", "Big"]
    );
    assert_eq!(
        t.find_resources(
            "AWS::ElastiCache::ReplicationGroup",
            json!({"DeletionPolicy": Match::absent()})
        )
        .keys()
        .collect::<Vec<_>>(),
        ["Small"]
    );
    assert_eq!(t.find_outputs("Endpoint", json!({})).len(), 1);
    assert!(t.find_outputs("Other", json!({})).is_empty());
}

#[test]
fn a_failure_shows_the_closest_resource_and_its_first_difference() {
    let t = template();
    let message = failure(|| {
        t.has_resource_properties(
            "AWS::ElastiCache::ReplicationGroup",
            json!({"Engine": "redis", "NumCacheClusters": 3}),
        )
    });
    assert!(
        message.starts_with(
            "expected a resource of type AWS::ElastiCache::ReplicationGroup matching \
             {\"Engine\": \"redis\", \"NumCacheClusters\": 3}; 2 have the type but none matches; \
             the closest is Big, at /Engine: expected \"redis\", found \"valkey\"\nBig:\n{"
        ),
        "{message}"
    );
    assert!(message.contains("\"Port\": 6380"), "{message}");
    crate::readme_output::assert_readme_output("assertion-failed", &message, &[]);

    let message = failure(|| t.resource_count_is("AWS::ElastiCache::ReplicationGroup", 1));
    assert_eq!(
        message,
        "expected 1 resource of type AWS::ElastiCache::ReplicationGroup, found 2: Small, Big"
    );
    let message = failure(|| t.resource_count_is("AWS::SSM::Parameter", 1));
    assert!(
        message.ends_with(
            "found 0: it has AWS::ElastiCache::ReplicationGroup (2), AWS::EC2::SecurityGroup (1)"
        ),
        "{message}"
    );
    let message = failure(|| t.has_resource_properties("AWS::SSM::Parameter", json!({})));
    assert!(message.contains("but the template has none"), "{message}");
    let message = failure(|| t.has_output("Endpoint", json!({"Export": Match::absent()})));
    assert!(
        message.contains("the closest is Endpoint, at /Export: expected absent"),
        "{message}"
    );
    let message = failure(|| t.template_matches(json!({"Parameters": {}})));
    assert!(message.contains("at /Parameters: missing"), "{message}");
}

#[test]
fn captures_take_from_the_resources_that_match() {
    let t = template();
    let port = Capture::new();
    t.has_resource_properties(
        "AWS::ElastiCache::ReplicationGroup",
        json!({"Engine": "valkey", "Port": port}),
    );
    assert_eq!(port.values(), [json!(6379), json!(6380)]);
    assert_eq!(port.as_number(), 6379.0);

    let big = Capture::new();
    t.has_resource_properties(
        "AWS::ElastiCache::ReplicationGroup",
        json!({"NumCacheClusters": 3, "Port": big}),
    );
    assert_eq!(big.values(), [json!(6380)]);

    let unused = Capture::new();
    let message = failure(|| {
        unused.as_string();
    });
    assert!(message.contains("took no value"), "{message}");
}

#[test]
fn a_stack_gives_its_template_with_tags() {
    let mut stack = Stack::new("s").tag("project", "bandup");
    stack
        .add(
            "Subnets",
            crate::resources::elasticache::SubnetGroup::new("d", vec!["subnet-1"]),
        )
        .unwrap();
    let t = Template::from_stack(&stack);
    t.has_resource_properties(
        "AWS::ElastiCache::SubnetGroup",
        json!({"Tags": [{"Key": "project", "Value": "bandup"}], "SubnetIds": ["subnet-1"]}),
    );
    let mut app = App::new();
    assert_eq!(
        Template::from_app(&app, "s").unwrap_err().to_string(),
        "the app has no stack named \"s\""
    );
    app.add(stack).unwrap();
    assert_eq!(Template::from_app(&app, "s").unwrap(), t);
}
