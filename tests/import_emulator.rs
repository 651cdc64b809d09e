//! `cfnforge import` end to end against the emulator: the seed page's resources made as the
//! console makes them (EC2 and ElastiCache calls), then adopted into the stack.

mod common;

use common::{Emulator, cfnforge_on as cfnforge, text, workspace, write_stack};
use serde_json::json;

const SEED: &str = include_str!("../stacks/bandup-redis.yaml");

/// What the console page makes (tests/emulator/console.py, which the README's console section
/// runs too). `at_rest`: encryption at rest (on in the seed page); `cache`: whether step 3 (the
/// cache) was done.
struct Console {
    security_group: String,
}

fn click_through(emulator: &Emulator, at_rest: bool, cache: bool) -> Console {
    let mut flags = Vec::new();
    if !at_rest {
        flags.push("--without-encryption-at-rest");
    }
    if !cache {
        flags.push("--without-cache");
    }
    click_through_with(emulator, &flags)
}

/// [`click_through`] with console.py's flags.
fn click_through_with(emulator: &Emulator, flags: &[&str]) -> Console {
    let made = emulator.script("console.py", flags);
    Console {
        security_group: made["security_group"].as_str().unwrap().to_string(),
    }
}

/// The seed stack file with the console group's description, which CloudFormation cannot
/// change without replacing the group.
fn seed_with_console_description() -> String {
    SEED.replace(
        "    name: redis-sg\n",
        "    name: redis-sg\n    description: redis-sg\n",
    )
}

fn stack_resources(emulator: &Emulator) -> Vec<(String, String)> {
    let listed = emulator.call(
        "cloudformation",
        "list_stack_resources",
        json!({"StackName": "bandup-redis"}),
    );
    listed["StackResourceSummaries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["LogicalResourceId"].as_str().unwrap().to_string(),
                r["PhysicalResourceId"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn stack_status(emulator: &Emulator) -> String {
    let stacks = emulator.call(
        "cloudformation",
        "describe_stacks",
        json!({"StackName": "bandup-redis"}),
    );
    stacks["Stacks"][0]["StackStatus"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn import_adopts_the_console_cache_without_creating_anything() {
    let emulator = Emulator::start();
    emulator.create_network();
    let console = click_through(&emulator, true, true);
    let before = emulator.replication_group().unwrap();
    let dir = workspace(SEED);
    let d = dir.path();

    // The seed stack file as it is: the group's description differs, and that would replace
    // the group. Refused before anything runs, naming the stack-file key.
    let refused = cfnforge(&emulator, d, &["import", "bandup-redis", "--dry-run"]);
    let shown = text(&refused);
    assert_eq!(refused.status.code(), Some(1), "{shown}");
    assert!(
        shown.contains("BandupRedisSecurityGroup.GroupDescription: redis-sg in AWS")
            && shown.contains(
                "make the stack file match what exists: `cache.security_group.description: redis-sg`"
            ),
        "{shown}"
    );

    write_stack(d, &seed_with_console_description());
    let dry = cfnforge(&emulator, d, &["import", "bandup-redis", "--dry-run"]);
    let shown = text(&dry);
    assert_eq!(dry.status.code(), Some(0), "{shown}");
    assert!(
        shown.contains(&format!(
            "= AWS::EC2::SecurityGroup BandupRedisSecurityGroup (Id {})",
            console.security_group
        )) && shown.contains("= AWS::ElastiCache::ReplicationGroup BandupRedis (ReplicationGroupId bandup-redis)")
            && shown.contains("~ BandupRedisSubnetGroup.Description: bandup private database subnets -> Subnets of Valkey cache bandup-redis")
            && shown.contains("dry run: nothing was changed"),
        "{shown}"
    );
    let none = emulator.call("cloudformation", "list_stacks", json!({}));
    assert_eq!(
        none["StackSummaries"],
        json!([]),
        "the dry run made no stack"
    );

    let imported = cfnforge(&emulator, d, &["import", "bandup-redis", "--yes"]);
    let shown = text(&imported);
    assert_eq!(imported.status.code(), Some(0), "{shown}");
    assert!(shown.contains("IMPORT_COMPLETE"), "{shown}");
    assert_eq!(stack_status(&emulator), "UPDATE_COMPLETE", "{shown}");
    let resources = stack_resources(&emulator);
    assert_eq!(
        resources,
        [
            (
                "BandupRedisSecurityGroup".to_string(),
                console.security_group.clone()
            ),
            (
                "BandupRedisSubnetGroup".to_string(),
                "bandup-cached-subnet-group".to_string()
            ),
            ("BandupRedis".to_string(), "bandup-redis".to_string()),
        ]
    );
    // The same replication group, still one.
    let groups = emulator.call("elasticache", "describe_replication_groups", json!({}));
    assert_eq!(groups["ReplicationGroups"].as_array().unwrap().len(), 1);
    let after = emulator.replication_group().unwrap();
    assert_eq!(after["ARN"], before["ARN"]);
    assert_eq!(
        after["ReplicationGroupCreateTime"],
        before["ReplicationGroupCreateTime"]
    );
    let security_groups = emulator.call(
        "ec2",
        "describe_security_groups",
        json!({"Filters": [{"Name": "group-name", "Values": ["redis-sg"]}]}),
    );
    assert_eq!(
        security_groups["SecurityGroups"].as_array().unwrap().len(),
        1
    );
    assert_eq!(
        security_groups["SecurityGroups"][0]["GroupId"],
        console.security_group.as_str()
    );

    // The deploy after the import changed in place what differed.
    assert_eq!(
        security_groups["SecurityGroups"][0]["Tags"],
        json!([{"Key": "project", "Value": "bandup"}])
    );
    let subnet_group = emulator.call(
        "elasticache",
        "describe_cache_subnet_groups",
        json!({"CacheSubnetGroupName": "bandup-cached-subnet-group"}),
    );
    assert_eq!(
        subnet_group["CacheSubnetGroups"][0]["CacheSubnetGroupDescription"],
        "Subnets of Valkey cache bandup-redis"
    );

    let again = cfnforge(&emulator, d, &["deploy", "bandup-redis", "--yes"]);
    assert_eq!(again.status.code(), Some(0), "{}", text(&again));
    assert!(text(&again).contains("no changes"), "{}", text(&again));
}

#[test]
fn a_console_cache_without_encryption_at_rest_is_refused_with_the_key_to_change() {
    let emulator = Emulator::start();
    emulator.create_network();
    click_through(&emulator, false, true);
    let dir = workspace(&seed_with_console_description());
    let d = dir.path();

    let refused = cfnforge(&emulator, d, &["import", "bandup-redis", "--yes"]);
    let shown = text(&refused);
    assert_eq!(refused.status.code(), Some(1), "{shown}");
    assert!(
        shown.contains("! BandupRedis.AtRestEncryptionEnabled: false in AWS, true in the stack file (stack-file key cache.encryption.at_rest)")
            && shown.contains("`cache.encryption.at_rest: false`")
            && shown.contains("nothing was changed"),
        "{shown}"
    );
    let none = emulator.call("cloudformation", "list_stacks", json!({}));
    assert_eq!(none["StackSummaries"], json!([]), "no stack: {shown}");

    // With the stack file saying what exists (and why the rule against it stands), the
    // import goes through.
    write_stack(
        d,
        &(seed_with_console_description().replace("at_rest: true", "at_rest: false")
            + "  - rule: CF-EC-001\n    resource: BandupRedis\n    reason: made in the console without encryption at rest; turning it on replaces the cache\n"),
    );
    let imported = cfnforge(&emulator, d, &["import", "bandup-redis", "--yes"]);
    assert_eq!(imported.status.code(), Some(0), "{}", text(&imported));
    assert_eq!(stack_resources(&emulator).len(), 3);
}

#[test]
fn import_takes_the_two_that_exist_and_deploy_creates_the_third() {
    let emulator = Emulator::start();
    emulator.create_network();
    // The console page done up to step 2: no cache yet.
    let console = click_through(&emulator, true, false);
    let dir = workspace(&seed_with_console_description());
    let d = dir.path();

    let dry = cfnforge(&emulator, d, &["import", "bandup-redis", "--dry-run"]);
    let shown = text(&dry);
    assert_eq!(dry.status.code(), Some(0), "{shown}");
    assert!(
        shown.contains("not found, created by the deploy after the import:\n  + AWS::ElastiCache::ReplicationGroup BandupRedis"),
        "{shown}"
    );

    let imported = cfnforge(&emulator, d, &["import", "bandup-redis", "--yes"]);
    let shown = text(&imported);
    assert_eq!(imported.status.code(), Some(0), "{shown}");
    assert!(
        shown.contains("imported BandupRedisSecurityGroup, BandupRedisSubnetGroup\n"),
        "{shown}"
    );
    assert_eq!(
        stack_resources(&emulator),
        [
            (
                "BandupRedisSecurityGroup".to_string(),
                console.security_group.clone()
            ),
            (
                "BandupRedisSubnetGroup".to_string(),
                "bandup-cached-subnet-group".to_string()
            ),
            ("BandupRedis".to_string(), "bandup-redis".to_string()),
        ]
    );
    let group = emulator
        .replication_group()
        .expect("the deploy created the cache");
    assert_eq!(group["AtRestEncryptionEnabled"], true);
    assert!(
        shown.contains("BandupRedisPrimaryEndpointAddress = "),
        "{shown}"
    );
    let again = cfnforge(&emulator, d, &["deploy", "bandup-redis", "--yes"]);
    assert!(text(&again).contains("no changes"), "{}", text(&again));
}

#[test]
fn drift_shows_a_rule_added_by_hand_and_revert_drift_puts_it_back() {
    let emulator = Emulator::start();
    emulator.create_network();
    let dir = workspace(SEED);
    let d = dir.path();
    let deployed = cfnforge(&emulator, d, &["deploy", "bandup-redis", "--yes"]);
    assert_eq!(deployed.status.code(), Some(0), "{}", text(&deployed));

    let clean = cfnforge(&emulator, d, &["drift", "bandup-redis", "--fail"]);
    assert_eq!(clean.status.code(), Some(0), "{}", text(&clean));
    assert!(
        text(&clean).contains("bandup-redis: no drift (3 resources in sync)"),
        "{}",
        text(&clean)
    );

    // Someone opens the cache's port to the world in the console.
    let (_, group) = stack_resources(&emulator)
        .into_iter()
        .find(|(logical_id, _)| logical_id == "BandupRedisSecurityGroup")
        .unwrap();
    emulator.call(
        "ec2",
        "authorize_security_group_ingress",
        json!({"GroupId": group, "IpPermissions": [{
            "IpProtocol": "tcp", "FromPort": 6379, "ToPort": 6379,
            "IpRanges": [{"CidrIp": "0.0.0.0/0"}]
        }]}),
    );
    let drifted = cfnforge(&emulator, d, &["drift", "bandup-redis", "--fail"]);
    let shown = text(&drifted);
    assert_eq!(drifted.status.code(), Some(1), "{shown}");
    assert!(
        shown.contains("bandup-redis: drifted (1 of 3 resources)")
            && shown.contains(&format!("~ AWS::EC2::SecurityGroup BandupRedisSecurityGroup ({group})"))
            && shown.contains(r#"+ /SecurityGroupIngress/1: {"IpProtocol": "tcp", "FromPort": 6379, "ToPort": 6379, "CidrIp": "0.0.0.0/0"} (not in the template) [security]"#),
        "{shown}"
    );
    // Without --fail, drift is reported and the command succeeds.
    let reported = cfnforge(&emulator, d, &["drift", "bandup-redis"]);
    assert_eq!(reported.status.code(), Some(0), "{}", text(&reported));

    // diff --drift shows it beside the template's changes (none) and fails with --fail.
    let diffed = cfnforge(&emulator, d, &["diff", "bandup-redis", "--drift", "--fail"]);
    let shown = text(&diffed);
    assert_eq!(diffed.status.code(), Some(1), "{shown}");
    assert!(
        shown.contains("Stack bandup-redis: no differences\nDrift (changes made outside CloudFormation):\nbandup-redis: drifted (1 of 3 resources)")
            && shown.contains("[security]"),
        "{shown}"
    );

    // A deploy compares templates: the same template is no change, and the rule stays.
    let plain = cfnforge(&emulator, d, &["deploy", "bandup-redis", "--yes"]);
    assert!(text(&plain).contains("no changes"), "{}", text(&plain));
    let still = cfnforge(&emulator, d, &["drift", "bandup-redis", "--fail"]);
    assert_eq!(still.status.code(), Some(1), "{}", text(&still));

    // --revert-drift puts the group back to the template, and drift is then clean.
    let reverted = cfnforge(
        &emulator,
        d,
        &["deploy", "bandup-redis", "--revert-drift", "--yes"],
    );
    let shown = text(&reverted);
    assert_eq!(reverted.status.code(), Some(0), "{shown}");
    assert!(
        shown.contains("Modify  BandupRedisSecurityGroup") && shown.contains("UPDATE_COMPLETE"),
        "{shown}"
    );
    let rules = emulator.call(
        "ec2",
        "describe_security_groups",
        json!({"GroupIds": [group]}),
    );
    assert_eq!(
        rules["SecurityGroups"][0]["IpPermissions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["IpRanges"].as_array().unwrap().len())
            .sum::<usize>(),
        0,
        "the open rule is gone: {rules}"
    );
    let clean = cfnforge(&emulator, d, &["drift", "bandup-redis", "--fail"]);
    assert_eq!(clean.status.code(), Some(0), "{}", text(&clean));
    assert!(text(&clean).contains("no drift"), "{}", text(&clean));
}

#[test]
fn deploy_says_when_a_resource_it_updates_has_drifted() {
    let emulator = Emulator::start();
    emulator.create_network();
    let dir = workspace(SEED);
    let d = dir.path();
    let deployed = cfnforge(&emulator, d, &["deploy", "bandup-redis", "--yes"]);
    assert_eq!(deployed.status.code(), Some(0), "{}", text(&deployed));
    let (_, group) = stack_resources(&emulator)
        .into_iter()
        .find(|(logical_id, _)| logical_id == "BandupRedisSecurityGroup")
        .unwrap();
    emulator.call(
        "ec2",
        "authorize_security_group_ingress",
        json!({"GroupId": group, "IpPermissions": [{
            "IpProtocol": "tcp", "FromPort": 6379, "ToPort": 6379,
            "IpRanges": [{"CidrIp": "10.9.0.0/16"}]
        }]}),
    );
    let drift = cfnforge(&emulator, d, &["drift", "bandup-redis"]);
    assert!(text(&drift).contains("drifted"), "{}", text(&drift));

    // A new tag updates every resource, the drifted group too.
    write_stack(
        d,
        &SEED.replace(
            "tags: { project: bandup }",
            "tags: { project: bandup, team: backend }",
        ),
    );
    let updated = cfnforge(&emulator, d, &["deploy", "bandup-redis", "--yes"]);
    let shown = text(&updated);
    assert_eq!(updated.status.code(), Some(0), "{shown}");
    assert!(
        shown.contains(
            "bandup-redis: BandupRedisSecurityGroup had drifted when drift was last detected"
        ),
        "{shown}"
    );
}

#[test]
fn a_console_cache_on_a_later_version_is_not_moved_down() {
    let emulator = Emulator::start();
    emulator.create_network();
    click_through_with(&emulator, &["--engine-version=8.1"]);
    let dir = workspace(&seed_with_console_description());
    let d = dir.path();

    // The stack file's 8.0 under the console's 8.1: ElastiCache only upgrades. Refused before
    // anything runs, with the line that keeps what exists.
    let refused = cfnforge(&emulator, d, &["import", "bandup-redis", "--dry-run"]);
    let shown = text(&refused);
    assert_eq!(refused.status.code(), Some(1), "{shown}");
    assert!(
        shown.contains("! BandupRedis.EngineVersion: 8.1 in AWS, 8.0 in the stack file: ElastiCache moves a cache only to a higher engine version (stack-file key cache.version)")
            && shown.contains("make the stack file match what exists: `cache.version: 8.1`"),
        "{shown}"
    );
    let stacks = emulator.call("cloudformation", "describe_stacks", json!({}));
    assert_eq!(stacks["Stacks"], json!([]), "nothing ran");

    // Following the console, it imports; moving it down later is refused by diff and deploy
    // before a change set exists.
    let at_8_1 = seed_with_console_description().replace("version: \"8.0\"", "version: \"8.1\"");
    write_stack(d, &at_8_1);
    let imported = cfnforge(&emulator, d, &["import", "bandup-redis", "--yes"]);
    assert_eq!(imported.status.code(), Some(0), "{}", text(&imported));
    write_stack(d, &seed_with_console_description());
    let diff = cfnforge(&emulator, d, &["diff", "bandup-redis"]);
    assert!(
        text(&diff).contains("! deploy would refuse this: BandupRedis (AWS::ElastiCache::ReplicationGroup): EngineVersion 8.1 -> 8.0: ElastiCache moves a cache only to a higher engine version"),
        "{}",
        text(&diff)
    );
    let deploy = cfnforge(&emulator, d, &["deploy", "bandup-redis", "--yes"]);
    let shown = text(&deploy);
    assert_eq!(deploy.status.code(), Some(1), "{shown}");
    assert!(
        shown.contains("EngineVersion 8.1 -> 8.0") && !shown.contains("creating change set"),
        "{shown}"
    );
    assert_eq!(
        emulator.replication_group().unwrap()["MemberClusters"],
        json!(["bandup-redis-001"])
    );
}

#[test]
fn a_patch_version_is_the_version_the_stack_file_names() {
    let emulator = Emulator::start();
    emulator.create_network();
    click_through_with(&emulator, &["--engine-version=8.0.1"]);
    let dir = workspace(&seed_with_console_description());
    let dry = cfnforge(
        &emulator,
        dir.path(),
        &["import", "bandup-redis", "--dry-run"],
    );
    let shown = text(&dry);
    assert_eq!(dry.status.code(), Some(0), "{shown}");
    assert!(!shown.contains("EngineVersion"), "{shown}");
}
