//! `cfnforge deploy`, `diff` and `destroy` end to end against the moto emulator
//! (tests/emulator), through the real SDK and HTTP: each test starts its own emulator on a free
//! port with fresh state.

mod common;

use common::{Emulator, cfnforge_on as cfnforge, outputs_file, text, workspace, write_stack};
use serde_json::{Value, json};

const SEED: &str = include_str!("../stacks/bandup-redis.yaml");

#[test]
fn deploy_creates_the_seed_cache_updates_it_and_destroy_removes_it() {
    let emulator = Emulator::start();
    let backend_sg = emulator.create_network();
    let dir = workspace(SEED);
    let d = dir.path();

    // diff before anything exists: everything is added.
    let before = cfnforge(&emulator, d, &["diff", "bandup-redis", "--fail"]);
    let shown = text(&before);
    assert_eq!(before.status.code(), Some(1), "{shown}");
    assert!(
        shown.contains("does not exist yet")
            && shown.contains("+ AWS::ElastiCache::ReplicationGroup BandupRedis"),
        "{shown}"
    );
    // Piped: no colour; --color always: green additions, red marks.
    assert!(!shown.contains('\x1b'), "{shown}");
    let coloured = text(&cfnforge(
        &emulator,
        d,
        &["diff", "bandup-redis", "--color", "always"],
    ));
    assert!(
        coloured.contains("\x1b[32m+ AWS::ElastiCache::ReplicationGroup BandupRedis\x1b[0m"),
        "{coloured}"
    );
    let never = text(&cfnforge(
        &emulator,
        d,
        &["diff", "bandup-redis", "--color", "never"],
    ));
    assert!(!never.contains('\x1b'), "{never}");

    // create: names resolved, outputs printed and written.
    let outputs = outputs_file(d);
    let deployed = cfnforge(
        &emulator,
        d,
        &[
            "deploy",
            "bandup-redis",
            "--yes",
            "--outputs-file",
            outputs.to_str().unwrap(),
        ],
    );
    let shown = text(&deployed);
    assert_eq!(deployed.status.code(), Some(0), "{shown}");
    assert!(
        shown.contains("Add") && shown.contains("BandupRedis"),
        "change table: {shown}"
    );
    let written: Value = serde_json::from_str(&std::fs::read_to_string(&outputs).unwrap()).unwrap();
    let address = written["bandup-redis"]["BandupRedisPrimaryEndpointAddress"]
        .as_str()
        .unwrap();
    assert!(
        address.contains("bandup-redis") && address.ends_with("cache.amazonaws.com"),
        "{address}"
    );
    assert_eq!(
        written["bandup-redis"]["BandupRedisPrimaryEndpointPort"],
        "6379"
    );
    assert!(
        shown.contains(&format!("BandupRedisPrimaryEndpointAddress = {address}")),
        "{shown}"
    );

    // The cache exists with the seed's settings, in the seed's network.
    let group = emulator.replication_group().expect("bandup-redis exists");
    assert_eq!(group["Description"], "in memory db for bandup");
    assert_eq!(group["CacheNodeType"], "cache.t3.micro");
    assert_eq!(group["Engine"], "valkey");
    assert_eq!(group["AtRestEncryptionEnabled"], true);
    assert_eq!(group["TransitEncryptionEnabled"], true);
    assert_eq!(group["SnapshotRetentionLimit"], 1);
    assert_eq!(group["NetworkType"], "ipv4");
    assert_eq!(
        group["MemberClusters"].as_array().unwrap().len(),
        1,
        "no replicas"
    );
    let subnets = emulator.call(
        "elasticache",
        "describe_cache_subnet_groups",
        json!({"CacheSubnetGroupName": "bandup-cached-subnet-group"}),
    );
    assert_eq!(
        subnets["CacheSubnetGroups"][0]["Subnets"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let sg = emulator.call(
        "ec2",
        "describe_security_groups",
        json!({"Filters": [{"Name": "group-name", "Values": ["redis-sg"]}]}),
    );
    let rule = &sg["SecurityGroups"][0]["IpPermissions"][0];
    assert_eq!(
        (rule["FromPort"].as_i64(), rule["ToPort"].as_i64()),
        (Some(6379), Some(6379))
    );
    assert_eq!(rule["UserIdGroupPairs"][0]["GroupId"], backend_sg.as_str());

    // Deploying the same again: no changes, success.
    let again = cfnforge(&emulator, d, &["deploy", "bandup-redis", "--yes"]);
    assert_eq!(again.status.code(), Some(0), "{}", text(&again));
    assert!(text(&again).contains("no changes"), "{}", text(&again));
    let after = cfnforge(&emulator, d, &["diff", "bandup-redis", "--fail"]);
    assert_eq!(after.status.code(), Some(0), "{}", text(&after));
    assert!(text(&after).contains("no differences"), "{}", text(&after));

    // An in-place update.
    write_stack(
        d,
        &SEED.replace("backup_retention_days: 1", "backup_retention_days: 2"),
    );
    let diff = cfnforge(&emulator, d, &["diff", "bandup-redis"]);
    assert!(
        text(&diff).contains("~ SnapshotRetentionLimit: 1 -> 2"),
        "{}",
        text(&diff)
    );
    let updated = cfnforge(&emulator, d, &["deploy", "bandup-redis", "--yes"]);
    assert_eq!(updated.status.code(), Some(0), "{}", text(&updated));
    assert_eq!(
        emulator.replication_group().unwrap()["SnapshotRetentionLimit"],
        2
    );

    // A new source in the ingress list shows as the one added rule, marked as security.
    write_stack(
        d,
        &SEED
            .replace("backup_retention_days: 1", "backup_retention_days: 2")
            .replace(
                "allow_from: [ecs-backend-sg]",
                "allow_from: [ecs-backend-sg, sg-0123456789abcdef0]",
            ),
    );
    let widened = text(&cfnforge(&emulator, d, &["diff", "bandup-redis"]));
    assert!(
        widened.contains("~ AWS::EC2::SecurityGroup BandupRedisSecurityGroup [security]"),
        "{widened}"
    );
    assert!(widened.contains("    ~ SecurityGroupIngress:\n        + {\"Description\":\"Valkey from sg-0123456789abcdef0\""), "{widened}");
    assert!(
        !widened.contains("        - "),
        "nothing removed: {widened}"
    );

    // A change that replaces the named replication group is refused before anything runs.
    write_stack(
        d,
        &SEED
            .replace("backup_retention_days: 1", "backup_retention_days: 2")
            .replace("port: 6379", "port: 6380"),
    );
    // diff says so first, with the same words.
    let diffed = text(&cfnforge(&emulator, d, &["diff", "bandup-redis"]));
    assert!(
        diffed.contains("~ AWS::ElastiCache::ReplicationGroup BandupRedis [replacement, data at risk]")
            && diffed.contains("! deploy would refuse this: CloudFormation would refuse this deploy (\"cannot update a stack when a custom-named resource requires replacing\"): BandupRedis (AWS::ElastiCache::ReplicationGroup) must be replaced because Port changed, but its ReplicationGroupId is fixed to \"bandup-redis\"")
            && diffed.contains("! deploy would refuse this: stateful resources at risk: BandupRedis (AWS::ElastiCache::ReplicationGroup) would be replaced\n    its data is lost unless a snapshot is restored; if that is intended, deploy again with --allow-replacement"),
        "{diffed}"
    );
    let json = cfnforge(&emulator, d, &["diff", "bandup-redis", "--format", "json"]);
    let document: Value = serde_json::from_slice(&json.stdout).unwrap();
    let refusals = document["stacks"][0]["refusals"].as_array().unwrap();
    assert_eq!(refusals.len(), 2, "{document}");
    assert!(
        refusals[0]["remedy"]
            .as_str()
            .unwrap()
            .starts_with("give the resource a new name"),
        "{document}"
    );
    let refused = cfnforge(
        &emulator,
        d,
        &["deploy", "bandup-redis", "--yes", "--allow-replacement"],
    );
    let shown = text(&refused);
    assert_eq!(refused.status.code(), Some(1), "{shown}");
    assert!(
        shown.contains("CloudFormation would refuse")
            && shown.contains("ReplicationGroupId is fixed"),
        "{shown}"
    );
    assert_eq!(
        emulator.replication_group().unwrap()["SnapshotRetentionLimit"],
        2
    );

    // --no-execute leaves the change set for review.
    write_stack(
        d,
        &SEED.replace("backup_retention_days: 1", "backup_retention_days: 3"),
    );
    let review = cfnforge(&emulator, d, &["deploy", "bandup-redis", "--no-execute"]);
    let shown = text(&review);
    assert_eq!(review.status.code(), Some(0), "{shown}");
    assert!(
        shown.contains("is ready for review and was not executed"),
        "{shown}"
    );
    assert_eq!(
        emulator.replication_group().unwrap()["SnapshotRetentionLimit"],
        2
    );

    // destroy: says what is snapshotted, deletes, and the cache is gone.
    let destroyed = cfnforge(&emulator, d, &["destroy", "bandup-redis", "--yes"]);
    let shown = text(&destroyed);
    assert_eq!(destroyed.status.code(), Some(0), "{shown}");
    assert!(
        shown.contains("BandupRedis: DeletionPolicy Snapshot"),
        "{shown}"
    );
    assert!(emulator.replication_group().is_none(), "deleted");
}

#[test]
fn a_failing_deploy_reports_the_reason_and_exits_1() {
    let emulator = Emulator::start();
    emulator.create_network();
    // A subnet group of the same name already exists: CloudFormation cannot create ours.
    emulator.call(
        "elasticache",
        "create_cache_subnet_group",
        json!({
            "CacheSubnetGroupName": "bandup-cached-subnet-group",
            "CacheSubnetGroupDescription": "made by hand",
            "SubnetIds": ["subnet-00000000"]
        }),
    );
    let dir = workspace(SEED);
    // A stack of other names deploys before it: only its outputs are written.
    std::fs::write(
        dir.path().join("stacks/a-first.yaml"),
        SEED.replace("stack: bandup-redis", "stack: bandup-first")
            .replace("id: bandup-redis", "id: bandup-first")
            .replace("name: redis-sg", "name: first-sg")
            .replace(
                "name: bandup-cached-subnet-group",
                "name: first-subnet-group",
            )
            .replace("resource: BandupRedis", "resource: BandupFirst"),
    )
    .unwrap();
    let outputs = outputs_file(dir.path());
    let failed = cfnforge(
        &emulator,
        dir.path(),
        &[
            "deploy",
            "--all",
            "--yes",
            "--outputs-file",
            outputs.to_str().unwrap(),
        ],
    );
    let shown = text(&failed);
    assert_eq!(failed.status.code(), Some(1), "{shown}");
    assert!(
        shown.contains("error:") && shown.contains("bandup-cached-subnet-group"),
        "{shown}"
    );
    assert!(
        shown.contains("outputs.json: written with the outputs of bandup-first only; not deployed: bandup-redis"),
        "{shown}"
    );
    let written: Value = serde_json::from_str(&std::fs::read_to_string(&outputs).unwrap()).unwrap();
    assert_eq!(
        written.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["bandup-first"],
        "{written}"
    );
}

#[test]
fn names_that_do_not_exist_stop_the_deploy_with_what_was_looked_for() {
    let emulator = Emulator::start();
    let dir = workspace(SEED);
    let failed = cfnforge(&emulator, dir.path(), &["deploy", "--yes"]);
    let shown = text(&failed);
    assert_eq!(failed.status.code(), Some(1), "{shown}");
    assert!(shown.contains("no VPC named \"band-up-vpc\""), "{shown}");
}

#[test]
fn a_new_security_group_needs_approval_without_a_terminal() {
    let emulator = Emulator::start();
    emulator.create_network();
    let dir = workspace(SEED);
    let stopped = cfnforge(&emulator, dir.path(), &["deploy"]);
    let shown = text(&stopped);
    assert_eq!(stopped.status.code(), Some(1), "{shown}");
    assert!(shown.contains("--require-approval never"), "{shown}");
    assert!(emulator.replication_group().is_none());
}

#[test]
fn a_change_set_left_for_review_on_a_new_stack_does_not_block_the_next_deploy() {
    let emulator = Emulator::start();
    emulator.create_network();
    let dir = workspace(SEED);
    let review = cfnforge(&emulator, dir.path(), &["deploy", "--no-execute"]);
    assert_eq!(review.status.code(), Some(0), "{}", text(&review));
    assert!(emulator.replication_group().is_none());
    let deployed = cfnforge(&emulator, dir.path(), &["deploy", "--yes"]);
    let shown = text(&deployed);
    assert_eq!(deployed.status.code(), Some(0), "{shown}");
    assert!(
        shown.contains("REVIEW_IN_PROGRESS with no resources"),
        "{shown}"
    );
    assert!(emulator.replication_group().is_some());
}

#[test]
fn a_missing_auth_token_secret_stops_the_deploy_before_the_change_set() {
    let emulator = Emulator::start();
    emulator.create_network();
    let (from, to) = (
        SEED.find("  - rule: CF-EC-006").unwrap(),
        SEED.find("  - rule: CF-EC-014").unwrap(),
    );
    let stack = format!("{}{}", &SEED[..from], &SEED[to..]).replacen(
        "  port: 6379",
        "  port: 6379\n  access_control: {auth_token_secret: {secret: orders-token}}",
        1,
    );
    let dir = workspace(&stack);
    let stopped = cfnforge(&emulator, dir.path(), &["deploy", "--yes"]);
    let shown = text(&stopped);
    assert_eq!(stopped.status.code(), Some(1), "{shown}");
    let err = String::from_utf8_lossy(&stopped.stderr).into_owned();
    let from = err
        .find("bandup-redis: checking secret")
        .expect("the secret is checked");
    common::assert_readme_output("secret-missing", &err[from..], &[]);
    assert!(
        shown.contains("bandup-redis: checking secret orders-token in Secrets Manager\nerror: stack bandup-redis: the template reads secret \"orders-token\" from Secrets Manager, which does not exist in this account and region (access_control.auth_token_secret in the stack file)"),
        "{shown}"
    );
    assert!(
        shown.contains("aws secretsmanager create-secret --name orders-token"),
        "{shown}"
    );
    assert!(!shown.contains("creating change set"), "{shown}");
    let stacks = emulator.call("cloudformation", "list_stacks", json!({}));
    assert_eq!(stacks["StackSummaries"], json!([]), "no stack was made");

    emulator.call(
        "secretsmanager",
        "create_secret",
        json!({"Name": "orders-token", "SecretString": "{\"token\":\"a-token-of-20-chars!\"}"}),
    );
    let deployed = cfnforge(&emulator, dir.path(), &["deploy", "--yes"]);
    let shown = text(&deployed);
    assert_eq!(deployed.status.code(), Some(0), "{shown}");
    assert!(
        shown.contains("checking secret orders-token in Secrets Manager\nbandup-redis: reading the stack's state"),
        "{shown}"
    );
}

#[test]
fn two_environments_of_one_file_deploy_side_by_side() {
    let emulator = Emulator::start();
    emulator.create_network();
    let dir = workspace(&format!(
        "{SEED}environments:
  dev:
    stack: bandup-redis-dev
    cache: {{ id: bandup-redis-dev, security_group: {{ name: redis-sg-dev }}, subnet_group: {{ name: subnets-dev }} }}
  prod:
    stack: bandup-redis-prod
    cache: {{ id: bandup-redis-prod, node_type: cache.r7g.large, security_group: {{ name: redis-sg-prod }}, subnet_group: {{ name: subnets-prod }} }}
"
    ));
    for env in ["dev", "prod"] {
        let deployed = cfnforge(&emulator, dir.path(), &["deploy", "--env", env, "--yes"]);
        assert_eq!(deployed.status.code(), Some(0), "{}", text(&deployed));
    }
    let groups = emulator.call("elasticache", "describe_replication_groups", json!({}));
    let mut found: Vec<(String, String)> = groups["ReplicationGroups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["ReplicationGroupId"].as_str().unwrap().to_string(),
                g["CacheNodeType"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    found.sort();
    assert_eq!(
        found,
        [
            ("bandup-redis-dev".to_string(), "cache.t3.micro".to_string()),
            (
                "bandup-redis-prod".to_string(),
                "cache.r7g.large".to_string()
            )
        ]
    );
}
