use serde_json::json;

use super::*;
use crate::assertions::{Capture, Match, Template};
use crate::constructs::{CacheProps, NetworkRef};
use crate::diagnostic::Severity;
use crate::render::{Format, render};
use crate::resources::{ec2, elasticache};
use crate::template::{Intrinsic, ResourceOptions};

/// The shipped stack file's cache, in Rust.
fn seed_props() -> CacheProps {
    let mut props = CacheProps::new(
        "bandup-redis",
        NetworkRef::Name("band-up-vpc".into()),
        vec![
            NetworkRef::Name("private-database-subnet-1".into()),
            NetworkRef::Name("private-database-subnet-2".into()),
        ],
        vec![NetworkRef::Name("ecs-backend-sg".into())],
    );
    props.description = Some("in memory db for bandup".into());
    props.security_group_name = Some("redis-sg".into());
    props.subnet_group_name = Some("bandup-cached-subnet-group".into());
    props
}

fn seed_stack(scope: &str) -> Stack {
    let mut stack = Stack::new("bandup-redis")
        .region("ap-southeast-1")
        .description("In-memory data store (Valkey) for the bandup backend")
        .tag("project", "bandup");
    stack.add_cache(scope, &seed_props()).unwrap();
    let file = crate::stackfile::load(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("stacks/bandup-redis.yaml"),
    )
    .unwrap();
    stack.suppressions = file
        .spec
        .suppressions
        .iter()
        .map(|s| crate::rules::Suppression {
            rule: s.rule.value.clone(),
            resource: s.resource.as_ref().map(|r| r.value.clone()),
            reason: s.reason.value.clone(),
        })
        .collect();
    stack
}

fn stack_file_template() -> String {
    let file = crate::stackfile::load(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("stacks/bandup-redis.yaml"),
    )
    .unwrap();
    let synthesized = crate::synth::synthesize(&file).unwrap();
    render(&synthesized.stack.template, Format::Json).unwrap()
}

#[test]
fn the_cache_at_the_top_of_a_stack_gives_the_stack_files_template() {
    for scope in ["bandup-redis", "BandupRedis"] {
        let mut app = App::new();
        app.add(seed_stack(scope)).unwrap();
        let assembly = app.synth().unwrap();
        let artifact = &assembly.manifest.stacks[0];
        assert_eq!(
            assembly.template(artifact).unwrap(),
            stack_file_template(),
            "scope {scope}"
        );
        let stack = app.stack("bandup-redis").unwrap();
        assert_eq!(
            stack.construct_path("BandupRedisSecurityGroup"),
            format!("bandup-redis/{scope}/SecurityGroup")
        );
        assert_eq!(
            stack.construct_path("BandupRedis"),
            format!("bandup-redis/{scope}/Resource")
        );
    }
}

#[test]
fn the_manifest_says_what_deploy_needs() {
    let mut stack = seed_stack("BandupRedis").termination_protection(true);
    stack.tags.insert("team".into(), "web".into());
    let mut app = App::new();
    app.add(stack).unwrap();
    let synthesis = app.synthesize().unwrap();
    let artifact = &synthesis.assembly.manifest.stacks[0];
    assert_eq!(artifact.name, "bandup-redis");
    assert_eq!(artifact.template_file, "bandup-redis.template.json");
    assert_eq!(artifact.region.as_deref(), Some("ap-southeast-1"));
    assert!(artifact.termination_protection);
    assert_eq!(
        artifact.tags.keys().collect::<Vec<_>>(),
        ["project", "team"]
    );
    let parameters: Vec<&str> = artifact
        .lookups
        .iter()
        .map(|l| l.parameter.as_str())
        .collect();
    assert_eq!(
        parameters,
        ["VpcId", "EcsBackendSgSecurityGroupId", "SubnetIds"]
    );
    assert_eq!(
        artifact.vpc,
        Some(crate::assembly::NetworkRefArtifact::Name(
            "band-up-vpc".into()
        ))
    );
    assert_eq!(artifact.suppressions.len(), 6);
    assert!(artifact.exports.is_empty() && artifact.imports.is_empty());
    assert!(
        artifact
            .source
            .as_deref()
            .is_some_and(|s| s.starts_with("src/app/tests.rs:")),
        "{:?}",
        artifact.source
    );
    // The assembly reads back as the command reads it.
    let read = crate::assembly::Assembly::from_json(&synthesis.assembly.to_json()).unwrap();
    assert_eq!(read, synthesis.assembly);
    // Tags added after the construct reach every resource too.
    let template = Template::from_app(&app, "bandup-redis").unwrap();
    for type_name in [
        "AWS::EC2::SecurityGroup",
        "AWS::ElastiCache::SubnetGroup",
        "AWS::ElastiCache::ReplicationGroup",
    ] {
        template.has_resource_properties(
            type_name,
            json!({"Tags": [{"Key": "project", "Value": "bandup"}, {"Key": "team", "Value": "web"}]}),
        );
    }
}

fn producer() -> (Stack, crate::constructs::ValkeyCache) {
    let mut stack = Stack::new("cache");
    let mut props = seed_props();
    props.access_control = Some(crate::constructs::AccessControl::UserGroup("users".into()));
    let cache = stack.add_cache("Cache", &props).unwrap();
    (stack, cache)
}

#[test]
fn a_value_of_another_stack_becomes_an_export_an_import_and_a_dependency() {
    let (cache_stack, cache) = producer();
    let mut config = Stack::new("config");
    let endpoint = config
        .import_from(
            &cache_stack,
            cache.replication_group.primary_end_point_address(),
        )
        .unwrap();
    assert_eq!(
        endpoint,
        Intrinsic::import_value("cache:CachePrimaryEndPointAddress")
    );
    // Twice the same value: one import, one export.
    let again = config
        .import_from(
            &cache_stack,
            cache.replication_group.primary_end_point_address(),
        )
        .unwrap();
    assert_eq!(again, endpoint);
    let group = config
        .import_from(&cache_stack, cache.security_group.to_ref())
        .unwrap();
    config
        .add(
            "Client",
            ec2::SecurityGroup::new("client").security_group_egress(vec![
                ec2::security_group::Egress::new("tcp")
                    .destination_security_group_id(group)
                    .from_port(6379)
                    .to_port(6379)
                    .description(endpoint),
            ]),
        )
        .unwrap();
    let mut app = App::new();
    // The consumer first: the order of the manifest is the app's, dependencies say the rest.
    app.add(config).unwrap();
    app.add(cache_stack).unwrap();
    let assembly = app.synth().unwrap();
    let [config_artifact, cache_artifact] = &assembly.manifest.stacks[..] else {
        panic!("two stacks")
    };
    assert_eq!(config_artifact.dependencies, ["cache"]);
    assert_eq!(
        config_artifact.imports,
        [
            "cache:CachePrimaryEndPointAddress",
            "cache:CacheSecurityGroupRef"
        ]
    );
    assert_eq!(
        cache_artifact.exports,
        [
            "cache:CachePrimaryEndPointAddress",
            "cache:CacheSecurityGroupRef"
        ]
    );
    let template = Template::from_app(&app, "cache").unwrap();
    template.has_output(
        "ExportCachePrimaryEndPointAddress",
        json!({
            "Value": {"Fn::GetAtt": ["Cache", "PrimaryEndPoint.Address"]},
            "Export": {"Name": "cache:CachePrimaryEndPointAddress"},
        }),
    );
    template.has_output(
        "ExportCacheSecurityGroupRef",
        json!({"Value": {"Ref": "CacheSecurityGroup"}}),
    );
    // The construct's own outputs are still there, unexported.
    template.has_output(
        "CachePrimaryEndpointAddress",
        json!({"Export": Match::absent()}),
    );
}

#[test]
fn an_output_the_producer_already_exports_is_imported_as_it_is() {
    let (mut cache_stack, cache) = producer();
    cache_stack.template.add_output(
        "Endpoint",
        crate::template::Output::new(cache.replication_group.primary_end_point_address())
            .export("bandup-endpoint"),
    );
    let mut config = Stack::new("config");
    let endpoint = config
        .import_from(
            &cache_stack,
            cache.replication_group.primary_end_point_address(),
        )
        .unwrap();
    assert_eq!(endpoint, Intrinsic::import_value("bandup-endpoint"));
    config
        .add("Reader", ec2::SecurityGroup::new("r").group_name(endpoint))
        .unwrap();
    let mut app = App::new();
    app.add(cache_stack).unwrap();
    app.add(config).unwrap();
    let assembly = app.synth().unwrap();
    assert_eq!(assembly.manifest.stacks[0].exports, ["bandup-endpoint"]);
    assert_eq!(assembly.manifest.stacks[1].dependencies, ["cache"]);
}

#[test]
fn an_output_in_the_way_of_an_export_is_an_error() {
    let (mut cache_stack, cache) = producer();
    cache_stack.template.add_output(
        "ExportCacheSecurityGroupRef",
        crate::template::Output::new("something else"),
    );
    let mut config = Stack::new("config");
    let group = config
        .import_from(&cache_stack, cache.security_group.to_ref())
        .unwrap();
    config
        .add("Uses", ec2::SecurityGroup::new("u").group_name(group))
        .unwrap();
    let mut app = App::new();
    app.add(cache_stack).unwrap();
    app.add(config).unwrap();
    assert_eq!(
        app.synth().unwrap_err().to_string(),
        "cache: export name \"cache:CacheSecurityGroupRef\" is wanted for a cross-stack \
         reference, but output \"ExportCacheSecurityGroupRef\" already has it, for \"something else\""
    );
}

#[test]
fn references_that_cannot_be_imported_are_errors() {
    let (cache_stack, cache) = producer();
    let mut config = Stack::new("config");
    let error = config
        .import_from(
            &cache_stack,
            Intrinsic::get_att("Cache", "PrimaryEndPoint.Adress"),
        )
        .unwrap_err()
        .to_string();
    assert_eq!(
        error,
        "cache: AWS::ElastiCache::ReplicationGroup \"Cache\" has no attribute \
         \"PrimaryEndPoint.Adress\" for Fn::GetAtt (did you mean \"PrimaryEndPoint.Address\"?)"
    );
    let error = config
        .import_from(&cache_stack, Intrinsic::ref_("Cashe"))
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("no resource \"Cashe\" (did you mean \"Cache\"?)"),
        "{error}"
    );
    let error = config
        .import_from(&cache_stack, Intrinsic::sub("${Cache}"))
        .unwrap_err()
        .to_string();
    assert!(error.contains("only a Ref or an Fn::GetAtt"), "{error}");
    let mut same = cache_stack.clone();
    let error = same
        .import_from(&cache_stack, cache.security_group.group_id())
        .unwrap_err()
        .to_string();
    assert!(error.contains("needs no import"), "{error}");
}

#[test]
fn stacks_that_need_each_other_are_a_cycle_naming_them() {
    let mut a = Stack::new("a");
    let group_a = a.add("Group", ec2::SecurityGroup::new("a")).unwrap();
    let mut b = Stack::new("b");
    let group_b = b.add("Group", ec2::SecurityGroup::new("b")).unwrap();
    let c = Stack::new("c");
    let from_b = a.import_from(&b, group_b.group_id()).unwrap();
    a.add("Uses", ec2::SecurityGroup::new("u").group_name(from_b))
        .unwrap();
    let from_a = b.import_from(&a, group_a.group_id()).unwrap();
    b.add("Uses", ec2::SecurityGroup::new("u").group_name(from_a))
        .unwrap();
    let mut app = App::new();
    app.add(c).unwrap();
    app.add(a).unwrap();
    app.add(b).unwrap();
    let error = app.synth().unwrap_err();
    assert_eq!(
        error.to_string(),
        "the stacks depend on each other in a cycle: a -> b -> a"
    );

    // A dependency on a stack the app does not have.
    let mut lonely = Stack::new("lonely");
    lonely.add("G", ec2::SecurityGroup::new("g")).unwrap();
    lonely.dependencies.push("ghost".into());
    let mut app = App::new();
    app.add(lonely).unwrap();
    assert_eq!(
        app.synth().unwrap_err().to_string(),
        "lonely depends on stack \"ghost\", which is not in the app"
    );
}

#[test]
fn stack_names_follow_cloudformation_and_are_unique() {
    let mut app = App::new();
    for (name, why) in [
        ("", "1 to 128"),
        ("1stack", "start with a letter"),
        ("my_stack", "letters, digits and hyphens"),
    ] {
        let error = app.add(Stack::new(name)).unwrap_err().to_string();
        assert!(error.contains(why), "{name:?}: {error}");
    }
    app.add(Stack::new("one")).unwrap();
    assert_eq!(
        app.add(Stack::new("one")).unwrap_err().to_string(),
        "the app already has a stack named \"one\""
    );
}

#[test]
fn typed_resources_added_directly_get_the_stacks_tags_too() {
    let mut stack = Stack::new("s").tag("project", "bandup");
    stack.template.add(
        "Direct",
        elasticache::SubnetGroup::new("d", vec!["subnet-1"]),
    );
    stack
        .add(
            "Group",
            ec2::SecurityGroup::new("g")
                .tags(vec![ec2::security_group::Tag::new("project", "own")]),
        )
        .unwrap();
    let template = Template::from_stack(&stack);
    template.has_resource_properties(
        "AWS::ElastiCache::SubnetGroup",
        json!({"Tags": [{"Key": "project", "Value": "bandup"}]}),
    );
    // A resource's own tag keeps its value.
    template.has_resource_properties(
        "AWS::EC2::SecurityGroup",
        json!({"Tags": [{"Key": "project", "Value": "own"}]}),
    );
}

#[test]
fn a_resource_of_any_type_is_checked_against_its_schema() {
    let mut stack = Stack::new("queues");
    let queue = stack
        .add_resource(
            "Jobs",
            CfnResource::new(
                "AWS::SQS::Queue",
                json!({"VisibilityTimeout": 120, "QueueName": {"Fn::Sub": "${AWS::StackName}-jobs"}}),
            ),
        )
        .unwrap();
    stack
        .add(
            "Reader",
            ec2::SecurityGroup::new("reader").group_name(queue.get_att("QueueName")),
        )
        .unwrap();
    let mut app = App::new();
    app.add(stack.clone()).unwrap();
    let template = Template::from_app(&app, "queues").unwrap();
    template.has_resource_properties(
        "AWS::SQS::Queue",
        json!({"QueueName": {"Fn::Sub": "${AWS::StackName}-jobs"}}),
    );

    // An unknown property, and a misspelt type.
    stack
        .add_resource(
            "Bad",
            CfnResource::new("AWS::SQS::Queue", json!({"VisibilityTimeut": 1})),
        )
        .unwrap();
    let mut app = App::new();
    app.add(stack.clone()).unwrap();
    let AppError::Invalid {
        stack: name,
        diagnostics: problems,
    } = app.synth().unwrap_err()
    else {
        panic!("invalid")
    };
    assert_eq!(name, "queues");
    let errors: Vec<String> = problems
        .iter()
        .filter(|p| p.is_error())
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        errors,
        [
            "queues/Bad: error: template Resources.Bad.Properties.VisibilityTimeut: \
             AWS::SQS::Queue \"Bad\" has no property \"VisibilityTimeut\" (did you mean \
             \"VisibilityTimeout\"?)"
        ]
    );
    let error = stack
        .add_resource("Typo", CfnResource::new("AWS::SQS::Queues", json!({})))
        .unwrap_err()
        .to_string();
    assert_eq!(
        error,
        "queues: queues/Typo: resource type \"AWS::SQS::Queues\" is not in the vendored schemas \
         (cfn-lint 1.58.0) (did you mean one of \"AWS::SQS::Queue\", \"AWS::PCS::Queue\"?)"
    );
    assert!(
        stack
            .add_resource(
                "Custom",
                CfnResource::new("Custom::Anything", json!({"A": 1}))
            )
            .is_ok()
    );
    let error = stack
        .add_resource("List", CfnResource::new("AWS::SQS::Queue", json!([1])))
        .unwrap_err()
        .to_string();
    assert!(
        error.ends_with("must be a JSON object, not a list"),
        "{error}"
    );
}

#[test]
fn overrides_change_typed_resources_and_unknown_properties_only_warn() {
    let mut stack = Stack::new("s");
    let group = stack
        .add(
            "Group",
            ec2::SecurityGroup::new("g").security_group_ingress(vec![
                ec2::security_group::Ingress::new("tcp")
                    .from_port(1)
                    .to_port(1)
                    .cidr_ip("10.0.0.0/8")
                    .description("one"),
            ]),
        )
        .unwrap();
    let id = group.logical_id();
    stack
        .add_override(id, "Properties.SecurityGroupIngress.0.ToPort", 2)
        .unwrap();
    stack
        .add_property_override(id, "GroupName", "named")
        .unwrap();
    stack.add_override(id, "DeletionPolicy", "Retain").unwrap();
    stack
        .add_override(id, r"Metadata.cfn\.note", json!({"why": "x"}))
        .unwrap();
    // AWS launched it last week: not in the vendored schema.
    stack
        .add_property_override(id, "BrandNewSetting.Mode", "strict")
        .unwrap();
    stack
        .add_deletion_override(id, "Properties.SecurityGroupIngress.0.Description")
        .unwrap();

    let template = Template::from_stack(&stack);
    template.has_resource(
        "AWS::EC2::SecurityGroup",
        json!({
            "Properties": {
                "GroupName": "named",
                "SecurityGroupIngress": [{"FromPort": 1, "ToPort": 2, "Description": Match::absent()}],
                "BrandNewSetting": {"Mode": "strict"},
            },
            "DeletionPolicy": "Retain",
            "Metadata": {"cfn.note": {"why": "x"}},
        }),
    );
    let mut app = App::new();
    app.add(stack.clone()).unwrap();
    let synthesis = app.synthesize().unwrap();
    let warnings: Vec<String> = synthesis
        .warnings
        .iter()
        .filter(|p| p.diagnostic.rule.is_none())
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        warnings,
        [
            "s/Group: warning: template Resources.Group.Properties.BrandNewSetting: \
             AWS::EC2::SecurityGroup has no such property in the vendored schemas (cfn-lint \
             1.58.0); it was set through an override and goes to CloudFormation unchecked: \
             {\"Mode\":\"strict\"}"
        ]
    );
    crate::readme_output::assert_readme_output(
        "override-warning",
        &format!("{}\n", warnings[0]),
        &[],
    );
    // Nested: a key the schema's closed object does not have.
    stack
        .add_property_override(id, "SecurityGroupIngress.0.NewKey", true)
        .unwrap();
    let mut app = App::new();
    app.add(stack.clone()).unwrap();
    let warned: Vec<String> = app
        .synthesize()
        .unwrap()
        .warnings
        .into_iter()
        .filter(|p| p.diagnostic.severity == Severity::Warning && p.diagnostic.rule.is_none())
        .filter_map(|p| p.template_path().map(str::to_string))
        .collect();
    assert_eq!(
        warned,
        [
            "Resources.Group.Properties.BrandNewSetting",
            "Resources.Group.Properties.SecurityGroupIngress[0].NewKey"
        ]
    );

    for (path, words) in [
        ("Propertes.GroupName", "unknown field `Propertes`"),
        ("Type", "cannot be overridden"),
        (
            "Properties.GroupName.Inner",
            "Properties.GroupName is a string, not an object",
        ),
        ("Properties.SecurityGroupIngress.x", "is not an index"),
        (
            "Properties.SecurityGroupIngress.5.ToPort",
            "there is no item 5",
        ),
        ("Properties..A", "empty part"),
    ] {
        let error = stack.add_override(id, path, 1).unwrap_err().to_string();
        assert!(error.contains(words), "{path}: {error}");
    }
    let error = stack
        .add_override("Grup", "Properties.A", 1)
        .unwrap_err()
        .to_string();
    assert_eq!(
        error,
        "s: override Properties.A: the stack has no resource \"Grup\" (did you mean \"Group\"?)"
    );
}

#[test]
fn an_unknown_property_without_an_override_stays_an_error() {
    let mut stack = Stack::new("s");
    stack
        .add_resource(
            "Group",
            CfnResource::new(
                "AWS::EC2::SecurityGroup",
                json!({"GroupDescription": "g", "BrandNewSetting": {"Mode": "strict"}}),
            ),
        )
        .unwrap();
    // An override elsewhere on the resource does not make it acceptable.
    stack
        .add_property_override("Group", "GroupName", "named")
        .unwrap();
    let mut app = App::new();
    app.add(stack).unwrap();
    let AppError::Invalid {
        diagnostics: problems,
        ..
    } = app.synth().unwrap_err()
    else {
        panic!("invalid")
    };
    assert!(
        problems.iter().any(|p| p.is_error()
            && p.template_path() == Some("Resources.Group.Properties.BrandNewSetting")),
        "{problems:?}"
    );
}

#[test]
fn rules_and_checks_fail_synthesis_unless_suppressed() {
    let mut stack = Stack::new("bandup-redis");
    stack.add_cache("BandupRedis", &seed_props()).unwrap();
    let mut app = App::new();
    app.add(stack.clone()).unwrap();
    let error = app.synth().unwrap_err();
    crate::readme_output::assert_readme_output("app-synth-error", &format!("{error}\n"), &[]);
    let AppError::Invalid {
        diagnostics: problems,
        ..
    } = error
    else {
        panic!("invalid")
    };
    let errors: Vec<String> = problems
        .iter()
        .filter(|p| p.is_error())
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        errors,
        [
            "bandup-redis/BandupRedis/Resource: error: CF-EC-006 BandupRedis: no AuthToken and \
             no UserGroupIds: any client that reaches port 6379 can read and write every key"
        ]
    );
    stack.suppress("CF-EC-006", Some("BandupRedis"), "the seed page's choice");
    let mut app = App::new();
    app.add(stack.clone()).unwrap();
    let synthesis = app.synthesize().unwrap();
    let rules: Vec<&str> = synthesis
        .warnings
        .iter()
        .filter_map(|p| p.diagnostic.rule_id())
        .collect();
    // In template order: the security group, the subnet group, the replication group.
    assert_eq!(
        rules,
        ["CF-DATA-002", "CF-DATA-002", "CF-EC-005", "CF-DATA-002"]
    );
    let template = Template::from_app(&app, "bandup-redis").unwrap();
    let reason = Capture::new();
    template.template_matches(json!({
        "Metadata": {"cfnforge": {"suppressions": [{"rule": "CF-EC-006", "reason": reason}]}}
    }));
    assert_eq!(reason.as_string(), "the seed page's choice");

    // A suppression of a rule that does not exist.
    stack.suppress("CF-EC-999", None, "typo");
    let mut app = App::new();
    app.add(stack).unwrap();
    let error = app.synth().unwrap_err().to_string();
    assert!(
        error.starts_with("bandup-redis: suppression of unknown rule CF-EC-999"),
        "{error}"
    );
}

#[test]
fn construct_errors_name_the_construct_path_and_the_field() {
    let mut props = seed_props();
    props.port = 0;
    let mut stack = Stack::new("s");
    let error = stack.add_cache("Cache", &props).unwrap_err().to_string();
    assert_eq!(
        error,
        "s: the construct at s/Cache has errors:\n  error: port: the port must be between 1 and \
         65535"
    );
    assert!(stack.template.resources.is_empty());
    // Warnings wait for synthesis.
    let mut props = seed_props();
    props.id = "Bandup-Redis".into();
    stack.add_cache("Cache", &props).unwrap();
    stack.suppressions = ["CF-EC-005", "CF-EC-006", "CF-EC-014", "CF-DATA-002"]
        .iter()
        .map(|rule| crate::rules::Suppression {
            rule: rule.to_string(),
            resource: None,
            reason: "test".into(),
        })
        .collect();
    let mut app = App::new();
    app.add(stack).unwrap();
    let warnings: Vec<String> = app
        .synthesize()
        .unwrap()
        .warnings
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        warnings,
        [
            "s/Cache: warning: id: ElastiCache stores the replication group ID in lower case: \
             write \"bandup-redis\""
        ]
    );
}

#[test]
fn resource_attributes_go_with_typed_resources() {
    let mut stack = Stack::new("s");
    let first = stack.add("First", ec2::SecurityGroup::new("a")).unwrap();
    stack
        .add_with(
            "Second",
            ec2::SecurityGroup::new("b"),
            ResourceOptions::default().depends_on(first.logical_id()),
        )
        .unwrap();
    Template::from_stack(&stack).has_resource(
        "AWS::EC2::SecurityGroup",
        json!({"DependsOn": "First", "Properties": {"GroupDescription": "b"}}),
    );
}
