//! Network end to end against the moto emulator: name look-ups stay in the stack's VPC
//! whatever form names it, `diff --format json`, and templates over 51,200 bytes through S3.

mod common;

use common::{Emulator, cfnforge_on as cfnforge, text, workspace, write_stack};
use serde_json::{Value, json};

const SEED: &str = include_str!("../stacks/bandup-redis.yaml");

/// A second VPC holding a group and subnets with the same names as the seed's network, plus a
/// group whose name exists only there. Returns the VPC's ID.
fn create_decoy_vpc(emulator: &Emulator) -> String {
    let vpc = emulator.call(
        "ec2",
        "create_vpc",
        json!({"CidrBlock": "10.1.0.0/16", "TagSpecifications": [
            {"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": "other-vpc"}]}
        ]}),
    );
    let vpc_id = vpc["Vpc"]["VpcId"].as_str().unwrap().to_string();
    for (i, az) in ["ap-southeast-1a", "ap-southeast-1b"].iter().enumerate() {
        emulator.call(
            "ec2",
            "create_subnet",
            json!({
                "VpcId": vpc_id, "CidrBlock": format!("10.1.{i}.0/24"), "AvailabilityZone": az,
                "TagSpecifications": [{"ResourceType": "subnet", "Tags": [
                    {"Key": "Name", "Value": format!("private-database-subnet-{}", i + 1)}
                ]}]
            }),
        );
    }
    for name in ["ecs-backend-sg", "only-in-other-vpc"] {
        emulator.call(
            "ec2",
            "create_security_group",
            json!({"GroupName": name, "Description": "decoy", "VpcId": vpc_id}),
        );
    }
    vpc_id
}

fn vpc_named(emulator: &Emulator, name: &str) -> String {
    let vpcs = emulator.call(
        "ec2",
        "describe_vpcs",
        json!({"Filters": [{"Name": "tag:Name", "Values": [name]}]}),
    );
    vpcs["Vpcs"][0]["VpcId"].as_str().unwrap().to_string()
}

/// The deployed redis-sg's ingress source and the subnet group's VPC.
fn deployed_network(emulator: &Emulator) -> (String, String) {
    let sg = emulator.call(
        "ec2",
        "describe_security_groups",
        json!({"Filters": [{"Name": "group-name", "Values": ["redis-sg"]}]}),
    );
    let source = sg["SecurityGroups"][0]["IpPermissions"][0]["UserIdGroupPairs"][0]["GroupId"]
        .as_str()
        .unwrap()
        .to_string();
    let subnets = emulator.call(
        "elasticache",
        "describe_cache_subnet_groups",
        json!({"CacheSubnetGroupName": "bandup-cached-subnet-group"}),
    );
    let vpc = subnets["CacheSubnetGroups"][0]["VpcId"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    (source, vpc)
}

#[test]
fn look_ups_stay_in_the_stacks_vpc_whether_it_is_named_by_name_id_or_import() {
    let emulator = Emulator::start();
    let backend_sg = emulator.create_network();
    create_decoy_vpc(&emulator);
    let vpc_id = vpc_named(&emulator, "band-up-vpc");
    // A network stack exporting the VPC's ID, as teams share it.
    emulator.call(
        "cloudformation",
        "create_stack",
        json!({"StackName": "network", "TemplateBody": json!({
            "Resources": {"Handle": {"Type": "AWS::CloudFormation::WaitConditionHandle"}},
            "Outputs": {"VpcId": {"Value": vpc_id, "Export": {"Name": "network-VpcId"}}}
        }).to_string()}),
    );

    let dir = workspace(SEED);
    let d = dir.path();
    for form in [
        "band-up-vpc".to_string(),
        vpc_id.clone(),
        "{import: network-VpcId}".to_string(),
    ] {
        write_stack(
            d,
            &SEED.replace("vpc: band-up-vpc ", &format!("vpc: {form} ")),
        );
        let deployed = cfnforge(&emulator, d, &["deploy", "--yes"]);
        let shown = text(&deployed);
        assert_eq!(deployed.status.code(), Some(0), "vpc: {form}\n{shown}");
        let (source, _) = deployed_network(&emulator);
        assert_eq!(
            source, backend_sg,
            "vpc: {form}: the group in the stack's VPC"
        );
        let destroyed = cfnforge(&emulator, d, &["destroy", "bandup-redis", "--yes"]);
        assert_eq!(destroyed.status.code(), Some(0), "{}", text(&destroyed));
    }
}

#[test]
fn a_name_that_finds_nothing_says_what_is_nearby_and_which_parameter_sets_it() {
    let emulator = Emulator::start();
    let backend_sg = emulator.create_network();
    create_decoy_vpc(&emulator);
    let vpc_id = vpc_named(&emulator, "band-up-vpc");
    let dir = workspace(
        &SEED
            .replace("vpc: band-up-vpc ", &format!("vpc: {vpc_id} "))
            .replace(
                "allow_from: [ecs-backend-sg]",
                "allow_from: [ecs-backend, only-in-other-vpc]",
            ),
    );
    let failed = cfnforge(&emulator, dir.path(), &["deploy", "--yes"]);
    let shown = text(&failed);
    assert_eq!(failed.status.code(), Some(1), "{shown}");
    assert!(
        shown.contains(&format!(
            "no security group named \"ecs-backend\" in {vpc_id} (the stack's VPC); similar names in {vpc_id}: \"ecs-backend-sg\" ({backend_sg})"
        )),
        "{shown}"
    );
    assert!(
        shown.contains("--parameter EcsBackendSecurityGroupId=ID"),
        "{shown}"
    );
    assert!(
        shown.contains("\"only-in-other-vpc\" exists in other VPCs: sg-"),
        "{shown}"
    );
    assert!(
        shown.contains("--parameter OnlyInOtherVpcSecurityGroupId=ID"),
        "{shown}"
    );
}

#[test]
fn diff_as_json_has_the_documented_shape() {
    let emulator = Emulator::start();
    emulator.create_network();
    let dir = workspace(SEED);
    let d = dir.path();
    let before = cfnforge(&emulator, d, &["diff", "--format", "json"]);
    assert_eq!(before.status.code(), Some(0), "{}", text(&before));
    let document: Value = serde_json::from_slice(&before.stdout).expect("one JSON document");
    assert_eq!(document["version"], 1);
    let stack = &document["stacks"][0];
    assert_eq!(
        (&stack["stack"], &stack["exists"], &stack["differences"]),
        (&json!("bandup-redis"), &json!(false), &json!(true))
    );
    let group = stack["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["logicalId"] == "BandupRedisSecurityGroup")
        .expect("the security group");
    assert_eq!(group["change"], "add");
    assert_eq!(group["type"], "AWS::EC2::SecurityGroup");
    assert_eq!(group["security"], true);
    let rule = group["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["direction"] == "ingress")
        .expect("the ingress rule");
    assert_eq!(
        (&rule["change"], &rule["widens"]),
        (&json!("add"), &json!(true))
    );

    let deployed = cfnforge(&emulator, d, &["deploy", "--yes"]);
    assert_eq!(deployed.status.code(), Some(0), "{}", text(&deployed));
    // The port narrows to nothing new; the retention changes in place.
    write_stack(
        d,
        &SEED.replace("backup_retention_days: 1", "backup_retention_days: 2"),
    );
    let after = cfnforge(&emulator, d, &["diff", "--format", "json"]);
    let document: Value = serde_json::from_slice(&after.stdout).expect("one JSON document");
    let resources = document["stacks"][0]["resources"].as_array().unwrap();
    assert_eq!(resources.len(), 1, "{document}");
    assert_eq!(resources[0]["change"], "modify");
    assert_eq!(resources[0]["replacement"], false);
    assert_eq!(
        resources[0]["properties"][0],
        json!({"path": "SnapshotRetentionLimit", "old": 1, "new": 2, "replaces": false})
    );
}

/// A stack file whose template is over 51,200 bytes: 32 caches in the seed's network.
fn big_stack() -> String {
    let mut text = String::from(
        "stack: bandup-redis\nregion: ap-southeast-1\nnetwork:\n  vpc: band-up-vpc\n  \
         subnets: [private-database-subnet-1, private-database-subnet-2]\ncaches:\n",
    );
    for i in 0..32 {
        text.push_str(&format!(
            "  - id: cache-{i}\n    description: cache number {i} of the big stack\n    \
             version: \"8.0\"\n    node_type: cache.t3.micro\n    \
             encryption: {{ at_rest: true, in_transit: true }}\n    backup_retention_days: 1\n    \
             security_group:\n      allow_from: [ecs-backend-sg]\n"
        ));
    }
    text.push_str("suppressions:\n  - rule: CF-EC-006\n    reason: a test stack in the emulator\n");
    text
}

#[test]
fn a_template_over_51200_bytes_deploys_through_an_encrypted_private_expiring_bucket() {
    let emulator = Emulator::start();
    emulator.create_network();
    let dir = workspace(&big_stack());
    let deployed = cfnforge(&emulator, dir.path(), &["deploy", "--yes"]);
    let shown = text(&deployed);
    assert_eq!(deployed.status.code(), Some(0), "{shown}");
    // moto's account.
    let bucket = "cfnforge-assets-123456789012-ap-southeast-1";
    let size: usize = shown
        .split("the template is ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("the size is reported: {shown}"));
    assert!(size > 51_200, "{shown}");
    assert!(
        shown.contains(&format!("created bucket {bucket}"))
            && shown.contains(&format!("uploaded to s3://{bucket}/templates/")),
        "{shown}"
    );
    let groups = emulator.call("elasticache", "describe_replication_groups", json!({}));
    assert_eq!(groups["ReplicationGroups"].as_array().unwrap().len(), 32);

    let encryption = emulator.call("s3", "get_bucket_encryption", json!({"Bucket": bucket}));
    assert_eq!(
        encryption["ServerSideEncryptionConfiguration"]["Rules"][0]["ApplyServerSideEncryptionByDefault"]
            ["SSEAlgorithm"],
        "AES256"
    );
    let block = emulator.call("s3", "get_public_access_block", json!({"Bucket": bucket}));
    assert_eq!(
        block["PublicAccessBlockConfiguration"],
        json!({"BlockPublicAcls": true, "IgnorePublicAcls": true,
               "BlockPublicPolicy": true, "RestrictPublicBuckets": true})
    );
    let lifecycle = emulator.call(
        "s3",
        "get_bucket_lifecycle_configuration",
        json!({"Bucket": bucket}),
    );
    assert_eq!(lifecycle["Rules"][0]["Expiration"]["Days"], 7);
    assert_eq!(lifecycle["Rules"][0]["Status"], "Enabled");
    // The key is the body's SHA-256: one object for one template.
    let objects = emulator.call("s3", "list_objects_v2", json!({"Bucket": bucket}));
    let keys: Vec<&str> = objects["Contents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["Key"].as_str().unwrap())
        .collect();
    assert_eq!(keys.len(), 1, "{keys:?}");
    assert!(
        keys[0].starts_with("templates/") && keys[0].len() == "templates/".len() + 64 + 5,
        "{keys:?}"
    );
}

#[test]
fn the_bucket_named_in_cfnforge_toml_takes_a_large_template_and_none_is_created() {
    let emulator = Emulator::start();
    emulator.create_network();
    let dir = workspace(&big_stack());
    let bucket = "team-templates";
    emulator.call(
        "s3",
        "create_bucket",
        json!({"Bucket": bucket,
        "CreateBucketConfiguration": {"LocationConstraint": "ap-southeast-1"}}),
    );
    std::fs::write(
        dir.path().join("cfnforge.toml"),
        format!("bucket = \"{bucket}\"\n"),
    )
    .unwrap();
    let deployed = cfnforge(&emulator, dir.path(), &["deploy", "--yes"]);
    let shown = text(&deployed);
    assert_eq!(deployed.status.code(), Some(0), "{shown}");
    assert!(
        shown.contains(&format!("uploaded to s3://{bucket}/templates/"))
            && !shown.contains("created bucket"),
        "{shown}"
    );
    let buckets = emulator.call("s3", "list_buckets", json!({}));
    let names: Vec<&str> = buckets["Buckets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["Name"].as_str().unwrap())
        .collect();
    assert_eq!(names, [bucket]);
    let objects = emulator.call("s3", "list_objects_v2", json!({"Bucket": bucket}));
    assert_eq!(objects["KeyCount"], 1, "{objects}");
}

#[test]
fn a_misspelt_setting_in_cfnforge_toml_stops_deploy_before_any_call() {
    let emulator = Emulator::start();
    let dir = workspace(&big_stack());
    std::fs::write(dir.path().join("cfnforge.toml"), "buckte = \"x\"\n").unwrap();
    let deployed = cfnforge(&emulator, dir.path(), &["deploy", "--yes"]);
    let shown = text(&deployed);
    assert_eq!(deployed.status.code(), Some(2), "{shown}");
    assert!(
        shown.contains("cfnforge.toml:1:1:") && shown.contains("buckte"),
        "{shown}"
    );
    let stacks = emulator.call("cloudformation", "describe_stacks", json!({}));
    assert_eq!(
        stacks["Stacks"].as_array().map(Vec::len),
        Some(0),
        "{stacks}"
    );
}
