//! Each rule on a template that trips it and one that passes. The base template below passes
//! every rule; each case edits it (JSON pointers; `null` removes) and lists exactly the rules
//! the edit trips, so a rule that fires too often fails a case too.

use std::collections::BTreeSet;

use serde_json::{Value as Json, json};

use super::*;
use crate::template::Template;

/// A Valkey replication group that does everything right, its security group (admitting the
/// application's group on the cache port) and its subnet group.
fn base() -> Json {
    json!({
        "Parameters": {
            "Nodes": {"Type": "Number"},
            "Flag": {"Type": "String"},
            "Token": {"Type": "String", "NoEcho": true},
            "Range": {"Type": "String"}
        },
        "Conditions": {"Big": {"Fn::Equals": [{"Ref": "Flag"}, "big"]}},
        "Resources": {
            "AppSecurityGroup": {
                "Type": "AWS::EC2::SecurityGroup",
                "Properties": {"GroupDescription": "app", "VpcId": "vpc-0abc"}
            },
            "CacheSecurityGroup": {
                "Type": "AWS::EC2::SecurityGroup",
                "Properties": {
                    "GroupDescription": "cache",
                    "VpcId": "vpc-0abc",
                    "SecurityGroupIngress": [{
                        "IpProtocol": "tcp", "FromPort": 6380, "ToPort": 6380,
                        "SourceSecurityGroupId": {"Fn::GetAtt": ["AppSecurityGroup", "GroupId"]},
                        "Description": "Valkey from the app"
                    }]
                }
            },
            "CacheSubnetGroup": {
                "Type": "AWS::ElastiCache::SubnetGroup",
                "Properties": {"Description": "cache subnets", "SubnetIds": ["subnet-1", "subnet-2"]}
            },
            "Cache": {
                "Type": "AWS::ElastiCache::ReplicationGroup",
                "DeletionPolicy": "Snapshot",
                "UpdateReplacePolicy": "Snapshot",
                "Properties": {
                    "ReplicationGroupDescription": "cache",
                    "Engine": "valkey",
                    "EngineVersion": "8.0",
                    "CacheNodeType": "cache.t4g.small",
                    "NumCacheClusters": 2,
                    "AutomaticFailoverEnabled": true,
                    "MultiAZEnabled": true,
                    "Port": 6380,
                    "NetworkType": "ipv4",
                    "CacheSubnetGroupName": {"Ref": "CacheSubnetGroup"},
                    "SecurityGroupIds": [{"Fn::GetAtt": ["CacheSecurityGroup", "GroupId"]}],
                    "AtRestEncryptionEnabled": true,
                    "TransitEncryptionEnabled": true,
                    "TransitEncryptionMode": "required",
                    "AuthToken": "{{resolve:secretsmanager:cache-auth:SecretString:token}}",
                    "SnapshotRetentionLimit": 7
                }
            }
        }
    })
}

const RG: &str = "/Resources/Cache/Properties";
const CACHE_SG: &str = "/Resources/CacheSecurityGroup/Properties";

fn edited(mut json: Json, edits: &[(&str, Json)]) -> Template {
    for (pointer, value) in edits {
        set(&mut json, pointer, value.clone());
    }
    serde_json::from_value(json).expect("a valid template")
}

/// Sets (or with `null` removes) the value at a JSON pointer, creating objects on the way.
fn set(json: &mut Json, pointer: &str, value: Json) {
    let (parent, last) = pointer.rsplit_once('/').expect("a pointer");
    let mut node = json;
    for key in parent.split('/').skip(1) {
        node = match node {
            Json::Array(items) => &mut items[key.parse::<usize>().unwrap()],
            _ => node
                .as_object_mut()
                .unwrap()
                .entry(key)
                .or_insert_with(|| json!({})),
        };
    }
    match (node, value) {
        (Json::Array(items), Json::Null) => {
            items.remove(last.parse().unwrap());
        }
        (Json::Array(items), value) => items[last.parse::<usize>().unwrap()] = value,
        (node, Json::Null) => {
            node.as_object_mut().unwrap().shift_remove(last);
        }
        (node, value) => {
            node.as_object_mut()
                .unwrap()
                .insert(last.to_string(), value);
        }
    }
}

fn report(template: &Template) -> Report {
    check(template, &[]).expect("no suppressions to refuse")
}

fn rule_ids(template: &Template) -> BTreeSet<&'static str> {
    report(template)
        .active()
        .map(|f| f.rule_id().unwrap())
        .collect()
}

/// (what, edits to the base, exactly the rules it trips)
type Case = (
    &'static str,
    Vec<(&'static str, Json)>,
    &'static [&'static str],
);

fn p(path: &str) -> &'static str {
    // Pointers in the table are built once per test run; leaking them keeps the table short.
    Box::leak(path.to_string().into_boxed_str())
}

fn cases() -> Vec<Case> {
    let rg = |key: &str| p(&format!("{RG}/{key}"));
    let ingress = |key: &str| p(&format!("{CACHE_SG}/SecurityGroupIngress/0/{key}"));
    vec![
        // CF-EC-001
        (
            "at rest off",
            vec![(rg("AtRestEncryptionEnabled"), json!(false))],
            &["CF-EC-001"],
        ),
        (
            "at rest absent on Redis OSS",
            vec![
                (rg("Engine"), json!("redis")),
                (rg("EngineVersion"), json!("7.1")),
                (rg("AtRestEncryptionEnabled"), Json::Null),
            ],
            &["CF-EC-001"],
        ),
        (
            "at rest absent on Valkey: on by default",
            vec![(rg("AtRestEncryptionEnabled"), Json::Null)],
            &[],
        ),
        (
            "at rest as a string",
            vec![(rg("AtRestEncryptionEnabled"), json!("false"))],
            &["CF-EC-001"],
        ),
        (
            "at rest from a parameter",
            vec![(rg("AtRestEncryptionEnabled"), json!({"Ref": "Flag"}))],
            &[],
        ),
        // CF-EC-002 (an AUTH token and a mode also need transit encryption)
        (
            "transit off",
            vec![
                (rg("TransitEncryptionEnabled"), json!(false)),
                (rg("TransitEncryptionMode"), Json::Null),
                (rg("AuthToken"), Json::Null),
                (rg("UserGroupIds"), json!(["app-users"])),
            ],
            &["CF-EC-002"],
        ),
        (
            "transit absent with a token and a mode",
            vec![(rg("TransitEncryptionEnabled"), Json::Null)],
            &["CF-EC-002", "CF-EC-103", "CF-EC-107"],
        ),
        (
            "transit from a condition",
            vec![(
                rg("TransitEncryptionEnabled"),
                json!({"Fn::If": ["Big", true, false]}),
            )],
            &[],
        ),
        // CF-EC-003
        (
            "transit preferred",
            vec![(rg("TransitEncryptionMode"), json!("preferred"))],
            &["CF-EC-003"],
        ),
        (
            "transit mode absent means required",
            vec![(rg("TransitEncryptionMode"), Json::Null)],
            &[],
        ),
        // CF-EC-004
        (
            "no backups",
            vec![(rg("SnapshotRetentionLimit"), json!(0))],
            &["CF-EC-004"],
        ),
        (
            "backups absent",
            vec![(rg("SnapshotRetentionLimit"), Json::Null)],
            &["CF-EC-004"],
        ),
        (
            "backups from a parameter",
            vec![(rg("SnapshotRetentionLimit"), json!({"Ref": "Nodes"}))],
            &[],
        ),
        // CF-EC-005
        (
            "a single node",
            vec![
                (rg("NumCacheClusters"), json!(1)),
                (rg("AutomaticFailoverEnabled"), json!(false)),
                (rg("MultiAZEnabled"), json!(false)),
            ],
            &["CF-EC-005"],
        ),
        (
            "replicas in one zone",
            vec![(rg("MultiAZEnabled"), json!(false))],
            &["CF-EC-005"],
        ),
        (
            "multi-az absent",
            vec![(rg("MultiAZEnabled"), Json::Null)],
            &["CF-EC-005"],
        ),
        (
            "node count from a parameter",
            vec![(rg("NumCacheClusters"), json!({"Ref": "Nodes"}))],
            &[],
        ),
        // CF-EC-006
        (
            "no access control",
            vec![(rg("AuthToken"), Json::Null)],
            &["CF-EC-006"],
        ),
        (
            "empty user groups",
            vec![
                (rg("AuthToken"), Json::Null),
                (rg("UserGroupIds"), json!([])),
            ],
            &["CF-EC-006"],
        ),
        (
            "RBAC user groups",
            vec![
                (rg("AuthToken"), Json::Null),
                (rg("UserGroupIds"), json!(["app-users"])),
            ],
            &[],
        ),
        // CF-EC-007
        (
            "a token in plain text",
            vec![(rg("AuthToken"), json!("correct-horse-battery-staple"))],
            &["CF-EC-007"],
        ),
        (
            "a token from a NoEcho parameter",
            vec![(rg("AuthToken"), json!({"Ref": "Token"}))],
            &[],
        ),
        (
            "a token from ssm-secure",
            vec![(
                rg("AuthToken"),
                json!("{{resolve:ssm-secure:/cache/token:1}}"),
            )],
            &[],
        ),
        // CF-EC-008
        (
            "minor upgrades off",
            vec![(rg("AutoMinorVersionUpgrade"), json!(false))],
            &["CF-EC-008"],
        ),
        (
            "minor upgrades on",
            vec![(rg("AutoMinorVersionUpgrade"), json!(true))],
            &[],
        ),
        // CF-EC-009
        (
            "no subnet group",
            vec![(rg("CacheSubnetGroupName"), Json::Null)],
            &["CF-EC-009"],
        ),
        (
            "the default subnet group",
            vec![(rg("CacheSubnetGroupName"), json!("default"))],
            &["CF-EC-009"],
        ),
        (
            "a named subnet group",
            vec![(rg("CacheSubnetGroupName"), json!("cache-subnets"))],
            &[],
        ),
        // CF-EC-010 (an unknown engine has no versions to judge)
        (
            "a mistyped engine",
            vec![(rg("Engine"), json!("valkyrie"))],
            &["CF-EC-010"],
        ),
        (
            "memcached in a replication group",
            vec![(rg("Engine"), json!("memcached"))],
            &["CF-EC-010"],
        ),
        (
            "engine from a parameter",
            vec![(rg("Engine"), json!({"Ref": "Flag"}))],
            &[],
        ),
        // A replication group runs Valkey or Redis OSS whatever an intrinsic picks.
        (
            "engine from a parameter, at rest off",
            vec![
                (rg("Engine"), json!({"Ref": "Flag"})),
                (rg("AtRestEncryptionEnabled"), json!(false)),
            ],
            &["CF-EC-001"],
        ),
        (
            "engine from a parameter, nothing kept",
            vec![
                (rg("Engine"), json!({"Ref": "Flag"})),
                ("/Resources/Cache/DeletionPolicy", Json::Null),
                (rg("AuthToken"), Json::Null),
                (rg("TransitEncryptionEnabled"), json!(false)),
                (rg("TransitEncryptionMode"), Json::Null),
                (rg("SnapshotRetentionLimit"), json!(0)),
            ],
            &["CF-EC-002", "CF-EC-004", "CF-EC-006", "CF-DATA-001"],
        ),
        // CF-EC-011
        (
            "a Valkey version that does not exist",
            vec![(rg("EngineVersion"), json!("9.9"))],
            &["CF-EC-011"],
        ),
        (
            "Valkey without a version",
            vec![(rg("EngineVersion"), Json::Null)],
            &["CF-EC-011"],
        ),
        (
            "a Redis OSS version that does not exist",
            vec![
                (rg("Engine"), json!("redis")),
                (rg("EngineVersion"), json!("6.3")),
            ],
            &["CF-EC-011"],
        ),
        (
            "Redis OSS 7.1",
            vec![
                (rg("Engine"), json!("redis")),
                (rg("EngineVersion"), json!("7.1")),
            ],
            &[],
        ),
        (
            "Redis OSS without a version",
            vec![
                (rg("Engine"), Json::Null),
                (rg("EngineVersion"), Json::Null),
            ],
            &[],
        ),
        ("Valkey 8.2", vec![(rg("EngineVersion"), json!("8.2"))], &[]),
        (
            "version from SSM",
            vec![(rg("EngineVersion"), json!("{{resolve:ssm:/cache/version}}"))],
            &[],
        ),
        // CF-EC-012
        (
            "Redis OSS 5.0.6",
            vec![
                (rg("Engine"), json!("redis")),
                (rg("EngineVersion"), json!("5.0.6")),
            ],
            &["CF-EC-012"],
        ),
        (
            "Redis OSS 6.x",
            vec![
                (rg("Engine"), json!("redis")),
                (rg("EngineVersion"), json!("6.x")),
            ],
            &["CF-EC-012"],
        ),
        (
            "Redis OSS 6.2",
            vec![
                (rg("Engine"), json!("redis")),
                (rg("EngineVersion"), json!("6.2")),
            ],
            &[],
        ),
        // CF-EC-013
        (
            "a size t3 does not have",
            vec![(rg("CacheNodeType"), json!("cache.t3.mega"))],
            &["CF-EC-013"],
        ),
        (
            "a family that does not exist",
            vec![(rg("CacheNodeType"), json!("cache.z9.large"))],
            &["CF-EC-013"],
        ),
        (
            "no cache. prefix",
            vec![(rg("CacheNodeType"), json!("t3.micro"))],
            &["CF-EC-013"],
        ),
        (
            "previous generation",
            vec![(rg("CacheNodeType"), json!("cache.m3.large"))],
            &["CF-EC-013"],
        ),
        (
            "r6gd has no large",
            vec![(rg("CacheNodeType"), json!("cache.r6gd.large"))],
            &["CF-EC-013"],
        ),
        (
            "cache.t3.micro",
            vec![(rg("CacheNodeType"), json!("cache.t3.micro"))],
            &[],
        ),
        (
            "cache.c7gn.16xlarge",
            vec![(rg("CacheNodeType"), json!("cache.c7gn.16xlarge"))],
            &[],
        ),
        (
            "node type from a parameter",
            vec![(rg("CacheNodeType"), json!({"Ref": "Flag"}))],
            &[],
        ),
        // CF-EC-014
        (
            "the default port",
            vec![(rg("Port"), json!(6379))],
            &["CF-EC-014"],
        ),
        (
            "no port: the default",
            vec![(rg("Port"), Json::Null)],
            &["CF-EC-014"],
        ),
        (
            "port from a parameter",
            vec![(rg("Port"), json!({"Ref": "Nodes"}))],
            &[],
        ),
        // CF-EC-101
        (
            "failover with one node",
            vec![(rg("NumCacheClusters"), json!(1))],
            &["CF-EC-005", "CF-EC-101"],
        ),
        (
            "failover with no replicas per shard",
            vec![
                (rg("NumCacheClusters"), Json::Null),
                (rg("ReplicasPerNodeGroup"), json!(0)),
            ],
            &["CF-EC-005", "CF-EC-101"],
        ),
        (
            "failover with the default node count",
            vec![(rg("NumCacheClusters"), Json::Null)],
            &["CF-EC-005", "CF-EC-101"],
        ),
        (
            "failover with replicas per shard",
            vec![
                (rg("NumCacheClusters"), Json::Null),
                (rg("ReplicasPerNodeGroup"), json!(1)),
            ],
            &[],
        ),
        // CF-EC-102
        (
            "multi-az without failover",
            vec![(rg("AutomaticFailoverEnabled"), json!(false))],
            &["CF-EC-005", "CF-EC-102"],
        ),
        // CF-EC-104
        (
            "a token too short",
            vec![(rg("AuthToken"), json!("short"))],
            &["CF-EC-007", "CF-EC-104"],
        ),
        (
            "a token with @",
            vec![(rg("AuthToken"), json!("0123456789abcdef@"))],
            &["CF-EC-007", "CF-EC-104"],
        ),
        (
            "a token of 129 characters",
            vec![(rg("AuthToken"), json!("a".repeat(129)))],
            &["CF-EC-007", "CF-EC-104"],
        ),
        // CF-EC-105
        (
            "one zone for two nodes",
            vec![(rg("PreferredCacheClusterAZs"), json!(["ap-southeast-1a"]))],
            &["CF-EC-105"],
        ),
        (
            "two zones for two nodes",
            vec![(
                rg("PreferredCacheClusterAZs"),
                json!(["ap-southeast-1a", "ap-southeast-1b"]),
            )],
            &[],
        ),
        (
            "zones from GetAZs",
            vec![(rg("PreferredCacheClusterAZs"), json!({"Fn::GetAZs": ""}))],
            &[],
        ),
        // CF-EC-106
        (
            "dual stack on Redis OSS 6.0",
            vec![
                (rg("Engine"), json!("redis")),
                (rg("EngineVersion"), json!("6.0")),
                (rg("NetworkType"), json!("dual_stack")),
            ],
            &["CF-EC-012", "CF-EC-106"],
        ),
        (
            "IPv6 discovery on an IPv4 network",
            vec![(rg("IpDiscovery"), json!("ipv6"))],
            &["CF-EC-106"],
        ),
        (
            "IPv4 discovery on an IPv6 network",
            vec![
                (rg("NetworkType"), json!("ipv6")),
                (rg("IpDiscovery"), json!("ipv4")),
            ],
            &["CF-EC-106"],
        ),
        (
            "dual stack on Valkey",
            vec![
                (rg("NetworkType"), json!("dual_stack")),
                (rg("IpDiscovery"), json!("ipv6")),
            ],
            &[],
        ),
        // CF-EC-107
        (
            "a mode with transit off",
            vec![
                (rg("TransitEncryptionEnabled"), json!(false)),
                (rg("AuthToken"), Json::Null),
                (rg("UserGroupIds"), json!(["u"])),
            ],
            &["CF-EC-002", "CF-EC-107"],
        ),
        // CF-EC-108
        (
            "36 days of backups",
            vec![(rg("SnapshotRetentionLimit"), json!(36))],
            &["CF-EC-108"],
        ),
        (
            "35 days of backups",
            vec![(rg("SnapshotRetentionLimit"), json!(35))],
            &[],
        ),
        // CF-EC-109
        (
            "seven nodes",
            vec![(rg("NumCacheClusters"), json!(7))],
            &["CF-EC-109"],
        ),
        (
            "six replicas per shard",
            vec![
                (rg("NumCacheClusters"), Json::Null),
                (rg("ReplicasPerNodeGroup"), json!(6)),
            ],
            &["CF-EC-109"],
        ),
        ("six nodes", vec![(rg("NumCacheClusters"), json!(6))], &[]),
        // CF-EC-110
        (
            "cluster mode without failover",
            vec![
                (rg("NumCacheClusters"), Json::Null),
                (rg("ClusterMode"), json!("enabled")),
                (rg("NumNodeGroups"), json!(2)),
                (rg("ReplicasPerNodeGroup"), json!(1)),
                (rg("AutomaticFailoverEnabled"), Json::Null),
                (rg("MultiAZEnabled"), json!(false)),
            ],
            &["CF-EC-005", "CF-EC-110"],
        ),
        (
            "cluster mode with failover",
            vec![
                (rg("NumCacheClusters"), Json::Null),
                (rg("ClusterMode"), json!("enabled")),
                (rg("NumNodeGroups"), json!(2)),
                (rg("ReplicasPerNodeGroup"), json!(1)),
            ],
            &[],
        ),
        // CF-EC-111 (and any ReplicationGroupId is a fixed name)
        (
            "an ID starting with a digit",
            vec![(rg("ReplicationGroupId"), json!("1cache"))],
            &["CF-EC-111", "CF-DATA-002"],
        ),
        (
            "an ID with two hyphens",
            vec![(rg("ReplicationGroupId"), json!("band--up"))],
            &["CF-EC-111", "CF-DATA-002"],
        ),
        (
            "an ID of 41 characters",
            vec![(rg("ReplicationGroupId"), json!("a".repeat(41)))],
            &["CF-EC-111", "CF-DATA-002"],
        ),
        (
            "a valid ID",
            vec![(rg("ReplicationGroupId"), json!("bandup-redis"))],
            &["CF-DATA-002"],
        ),
        // CF-SG-001 (on the cache's group, an address range is CF-SG-003 too)
        (
            "the cache port open to the world",
            vec![
                (ingress("SourceSecurityGroupId"), Json::Null),
                (ingress("CidrIp"), json!("0.0.0.0/0")),
            ],
            &["CF-SG-001", "CF-SG-003"],
        ),
        (
            "all traffic from anywhere over IPv6 to the app",
            vec![(
                "/Resources/AppSecurityGroup/Properties/SecurityGroupIngress",
                json!([{"IpProtocol": "-1", "CidrIpv6": "::/0", "Description": "everything"}]),
            )],
            &["CF-SG-001"],
        ),
        (
            "a standalone ingress opening 6379 to the world",
            vec![(
                "/Resources/OpenIngress",
                json!({"Type": "AWS::EC2::SecurityGroupIngress", "Properties": {
                    "GroupId": {"Fn::GetAtt": ["AppSecurityGroup", "GroupId"]},
                    "IpProtocol": "tcp", "FromPort": 6000, "ToPort": 7000,
                    "CidrIp": "0.0.0.0/0", "Description": "oops"}}),
            )],
            &["CF-SG-001"],
        ),
        (
            "HTTPS from the world to the app",
            vec![(
                "/Resources/AppSecurityGroup/Properties/SecurityGroupIngress",
                json!([{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": "0.0.0.0/0", "Description": "web"}]),
            )],
            &[],
        ),
        (
            "the world on ports from a parameter",
            vec![(
                "/Resources/AppSecurityGroup/Properties/SecurityGroupIngress",
                json!([{"IpProtocol": "tcp", "FromPort": {"Ref": "Nodes"}, "ToPort": {"Ref": "Nodes"}, "CidrIp": "0.0.0.0/0", "Description": "web"}]),
            )],
            &[],
        ),
        // CF-SG-002
        (
            "an ingress rule without a description",
            vec![(ingress("Description"), Json::Null)],
            &["CF-SG-002"],
        ),
        (
            "an egress rule without a description",
            vec![(
                p(&format!("{CACHE_SG}/SecurityGroupEgress")),
                json!([{"IpProtocol": "-1", "CidrIp": "10.0.0.0/8"}]),
            )],
            &["CF-SG-002"],
        ),
        (
            "a standalone egress without a description",
            vec![(
                "/Resources/Egress",
                json!({"Type": "AWS::EC2::SecurityGroupEgress", "Properties": {
                    "GroupId": {"Ref": "AppSecurityGroup"}, "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
                    "CidrIp": "10.0.0.0/8"}}),
            )],
            &["CF-SG-002"],
        ),
        (
            "a description from a parameter",
            vec![(ingress("Description"), json!({"Ref": "Flag"}))],
            &[],
        ),
        // CF-SG-003
        (
            "the cache admits the VPC's range",
            vec![
                (ingress("SourceSecurityGroupId"), Json::Null),
                (ingress("CidrIp"), json!("10.0.0.0/16")),
            ],
            &["CF-SG-003"],
        ),
        (
            "the cache admits a prefix list",
            vec![
                (ingress("SourceSecurityGroupId"), Json::Null),
                (ingress("SourcePrefixListId"), json!("pl-0abc")),
            ],
            &["CF-SG-003"],
        ),
        (
            "the cache admits a range from a parameter",
            vec![
                (ingress("SourceSecurityGroupId"), Json::Null),
                (ingress("CidrIp"), json!({"Ref": "Range"})),
            ],
            &["CF-SG-003"],
        ),
        (
            "a standalone ingress on the cache's group from a range",
            vec![(
                "/Resources/RangeIngress",
                json!({"Type": "AWS::EC2::SecurityGroupIngress", "Properties": {
                    "GroupId": {"Fn::GetAtt": ["CacheSecurityGroup", "GroupId"]},
                    "IpProtocol": "tcp", "FromPort": 6380, "ToPort": 6380,
                    "CidrIp": "10.1.0.0/16", "Description": "peered VPC"}}),
            )],
            &["CF-SG-003"],
        ),
        (
            "the app's group admits a range",
            vec![(
                "/Resources/AppSecurityGroup/Properties/SecurityGroupIngress",
                json!([{"IpProtocol": "tcp", "FromPort": 8080, "ToPort": 8080, "CidrIp": "10.0.0.0/16", "Description": "lb"}]),
            )],
            &[],
        ),
        // CF-DATA-001
        (
            "no deletion policy",
            vec![("/Resources/Cache/DeletionPolicy", Json::Null)],
            &["CF-DATA-001"],
        ),
        (
            "replacement deletes",
            vec![("/Resources/Cache/UpdateReplacePolicy", json!("Delete"))],
            &["CF-DATA-001"],
        ),
        (
            "retained",
            vec![
                ("/Resources/Cache/DeletionPolicy", json!("Retain")),
                ("/Resources/Cache/UpdateReplacePolicy", json!("Retain")),
            ],
            &[],
        ),
        // CF-DATA-002 (a computed name is still a fixed one)
        (
            "a security group name",
            vec![(p(&format!("{CACHE_SG}/GroupName")), json!("redis-sg"))],
            &["CF-DATA-002"],
        ),
        (
            "a subnet group name",
            vec![(
                "/Resources/CacheSubnetGroup/Properties/CacheSubnetGroupName",
                json!("cache-subnets"),
            )],
            &["CF-DATA-002"],
        ),
        (
            "a computed group name",
            vec![(
                p(&format!("{CACHE_SG}/GroupName")),
                json!({"Fn::Sub": "${AWS::StackName}-cache"}),
            )],
            &["CF-DATA-002"],
        ),
    ]
}

#[test]
fn the_base_template_passes_every_rule() {
    let findings: Vec<String> = report(&edited(base(), &[]))
        .findings
        .iter()
        .map(|f| {
            format!(
                "{} {:?}: {}",
                f.rule_id().unwrap(),
                f.location.resource(),
                f.message
            )
        })
        .collect();
    assert!(findings.is_empty(), "{findings:#?}");
}

#[test]
fn each_case_trips_exactly_its_rules() {
    let mut failures = Vec::new();
    for (what, edits, expected) in cases() {
        let found = rule_ids(&edited(base(), &edits));
        let expected: BTreeSet<&str> = expected.iter().copied().collect();
        if found != expected {
            failures.push(format!("{what}: expected {expected:?}, found {found:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_rule_has_a_case_that_trips_it() {
    let tripped: BTreeSet<&str> = cases()
        .iter()
        .flat_map(|(_, _, expected)| expected.iter().copied())
        .collect();
    let untested: Vec<&str> = all()
        .iter()
        .map(|r| r.id)
        .filter(|id| !tripped.contains(id))
        .collect();
    assert!(
        untested.is_empty(),
        "rules without a tripping case: {untested:?}"
    );
}

#[test]
fn a_template_of_intrinsics_trips_no_rule_about_values() {
    let intrinsic = json!({"Ref": "Flag"});
    let edits: Vec<(&str, Json)> = [
        "Engine",
        "EngineVersion",
        "CacheNodeType",
        "NumCacheClusters",
        "AutomaticFailoverEnabled",
        "MultiAZEnabled",
        "Port",
        "NetworkType",
        "IpDiscovery",
        "CacheSubnetGroupName",
        "AtRestEncryptionEnabled",
        "TransitEncryptionEnabled",
        "TransitEncryptionMode",
        "AuthToken",
        "SnapshotRetentionLimit",
        "AutoMinorVersionUpgrade",
        "PreferredCacheClusterAZs",
        "ReplicasPerNodeGroup",
        "SecurityGroupIds",
    ]
    .iter()
    .map(|key| (p(&format!("{RG}/{key}")), intrinsic.clone()))
    .collect();
    let found: Vec<&str> = report(&edited(base(), &edits))
        .findings
        .iter()
        .map(|f| f.rule_id().unwrap())
        .collect();
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn findings_say_where_and_what() {
    let template = edited(
        base(),
        &[
            (p(&format!("{RG}/SnapshotRetentionLimit")), json!(36)),
            (
                "/Resources/CacheSecurityGroup/Properties/SecurityGroupIngress/0/Description",
                Json::Null,
            ),
        ],
    );
    let report = report(&template);
    let found: Vec<(&str, Option<&str>, Option<&str>)> = report
        .findings
        .iter()
        .map(|f| {
            (
                f.rule_id().unwrap(),
                f.location.resource(),
                f.location.property(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            (
                "CF-SG-002",
                Some("CacheSecurityGroup"),
                Some("SecurityGroupIngress[0]")
            ),
            ("CF-EC-108", Some("Cache"), Some("SnapshotRetentionLimit")),
        ]
    );
    assert!(
        report.findings[1].message.contains("36"),
        "{}",
        report.findings[1].message
    );
}

fn add(json: &mut Json, id: &str, resource: Json) {
    json["Resources"][id] = resource;
}

#[test]
fn a_redis_cache_cluster_cannot_encrypt_at_rest_authenticate_or_fail_over() {
    let mut json = base();
    add(
        &mut json,
        "Single",
        json!({"Type": "AWS::ElastiCache::CacheCluster", "DeletionPolicy": "Snapshot", "UpdateReplacePolicy": "Snapshot",
            "Properties": {"Engine": "redis", "EngineVersion": "7.1", "CacheNodeType": "cache.t4g.micro",
            "NumCacheNodes": 1, "Port": 6380, "CacheSubnetGroupName": {"Ref": "CacheSubnetGroup"},
            "VpcSecurityGroupIds": [{"Fn::GetAtt": ["CacheSecurityGroup", "GroupId"]}],
            "TransitEncryptionEnabled": true, "SnapshotRetentionLimit": 1}}),
    );
    let template = edited(json, &[("/Resources/Cache", Json::Null)]);
    let found: Vec<&str> = report(&template)
        .active()
        .map(|f| f.rule_id().unwrap())
        .collect();
    assert_eq!(found, ["CF-EC-001", "CF-EC-005", "CF-EC-006"]);
}

#[test]
fn cache_cluster_rules_judge_its_own_properties() {
    let mut json = base();
    add(
        &mut json,
        "Single",
        json!({"Type": "AWS::ElastiCache::CacheCluster",
            "Properties": {"Engine": "valkyrie", "CacheNodeType": "cache.t3.mega", "NumCacheNodes": 1,
            "AutoMinorVersionUpgrade": false, "ClusterName": "single",
            "VpcSecurityGroupIds": [{"Ref": "AppSecurityGroup"}]}}),
    );
    let template = edited(json, &[("/Resources/Cache", Json::Null)]);
    let found: BTreeSet<&str> = report(&template)
        .active()
        .map(|f| f.rule_id().unwrap())
        .collect();
    assert_eq!(
        found,
        [
            "CF-EC-008",
            "CF-EC-009",
            "CF-EC-010",
            "CF-EC-013",
            "CF-DATA-002"
        ]
        .into_iter()
        .collect()
    );
}

#[test]
fn a_memcached_cluster_is_judged_only_on_what_memcached_has() {
    let mut json = base();
    add(
        &mut json,
        "Sessions",
        json!({"Type": "AWS::ElastiCache::CacheCluster",
            "Properties": {"Engine": "memcached", "CacheNodeType": "cache.t4g.micro", "NumCacheNodes": 2,
            "Port": 11212, "CacheSubnetGroupName": {"Ref": "CacheSubnetGroup"},
            "VpcSecurityGroupIds": [{"Fn::GetAtt": ["CacheSecurityGroup", "GroupId"]}]}}),
    );
    let template = edited(json, &[("/Resources/Cache", Json::Null)]);
    let found: Vec<&str> = report(&template)
        .active()
        .map(|f| f.rule_id().unwrap())
        .collect();
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn serverless_caches_need_a_user_group_subnets_and_a_known_engine() {
    let serverless = |extra: Json| {
        let mut properties = json!({"Engine": "valkey", "MajorEngineVersion": "8",
            "SubnetIds": ["subnet-1", "subnet-2"], "UserGroupId": "app-users",
            "SecurityGroupIds": [{"Fn::GetAtt": ["CacheSecurityGroup", "GroupId"]}]});
        for (key, value) in extra.as_object().unwrap() {
            if value.is_null() {
                properties.as_object_mut().unwrap().remove(key);
            } else {
                properties[key] = value.clone();
            }
        }
        let mut json = base();
        add(
            &mut json,
            "Serverless",
            json!({"Type": "AWS::ElastiCache::ServerlessCache", "Properties": properties}),
        );
        let template = edited(json, &[("/Resources/Cache", Json::Null)]);
        report(&template)
            .active()
            .map(|f| f.rule_id().unwrap())
            .collect::<Vec<_>>()
    };
    assert_eq!(serverless(json!({})), Vec::<&str>::new());
    assert_eq!(serverless(json!({"UserGroupId": null})), ["CF-EC-006"]);
    assert_eq!(serverless(json!({"SubnetIds": null})), ["CF-EC-009"]);
    assert_eq!(serverless(json!({"Engine": "valkyrie"})), ["CF-EC-010"]);
    assert_eq!(
        serverless(json!({"ServerlessCacheName": "sessions"})),
        ["CF-DATA-002"]
    );
}

#[test]
fn messages_name_the_value_and_suggest_a_fix() {
    let message = |edits: &[(&str, Json)]| {
        report(&edited(base(), edits))
            .active()
            .map(|f| f.message.clone())
            .collect::<Vec<_>>()
            .join("\n")
    };
    let engine = message(&[(p(&format!("{RG}/Engine")), json!("valkyrie"))]);
    assert!(
        engine.contains("\"valkyrie\"") && engine.contains("valkey"),
        "{engine}"
    );
    let node = message(&[(p(&format!("{RG}/CacheNodeType")), json!("cache.t3.mega"))]);
    assert!(node.contains("micro, small, medium"), "{node}");
    let version = message(&[(p(&format!("{RG}/EngineVersion")), json!("9.9"))]);
    assert!(version.contains("7.2, 8.0, 8.1, 8.2"), "{version}");
}

// --- the registry ---

#[test]
fn rule_ids_are_unique_and_follow_the_scheme() {
    let mut seen = BTreeSet::new();
    for rule in all() {
        assert!(seen.insert(rule.id), "{} twice", rule.id);
        let parts: Vec<&str> = rule.id.split('-').collect();
        assert!(
            parts.len() == 3
                && parts[0] == "CF"
                && ["EC", "SG", "DATA"].contains(&parts[1])
                && parts[2].len() == 3
                && parts[2].chars().all(|c| c.is_ascii_digit()),
            "{}",
            rule.id
        );
        for text in [rule.title, rule.why, rule.fix] {
            assert!(
                !text.trim().is_empty() && !text.contains("  "),
                "{}: {text:?}",
                rule.id
            );
        }
        assert!(std::ptr::eq(get(rule.id).unwrap(), rule));
    }
    assert!(get("CF-EC-999").is_none());
}

#[test]
fn rules_map_to_the_published_controls() {
    let controls = |id: &str| get(id).unwrap().controls.to_vec();
    assert_eq!(
        controls("CF-EC-001"),
        ["ElastiCache.4", "AwsSolutions-AEC3", "CKV_AWS_29"]
    );
    assert_eq!(
        controls("CF-EC-002"),
        ["ElastiCache.5", "AwsSolutions-AEC3", "CKV_AWS_30"]
    );
    assert_eq!(controls("CF-EC-004"), ["ElastiCache.1"]);
    assert_eq!(
        controls("CF-EC-005"),
        ["ElastiCache.3", "AwsSolutions-AEC4"]
    );
    assert_eq!(
        controls("CF-EC-006"),
        ["ElastiCache.6", "AwsSolutions-AEC6", "CKV_AWS_31"]
    );
    assert_eq!(controls("CF-EC-008"), ["ElastiCache.2"]);
    assert_eq!(
        controls("CF-EC-009"),
        ["ElastiCache.7", "AwsSolutions-AEC1"]
    );
    assert_eq!(controls("CF-EC-014"), ["AwsSolutions-AEC5"]);
}

// --- suppressions ---

fn suppression(rule: &str, resource: Option<&str>, reason: &str) -> Suppression {
    Suppression {
        rule: rule.into(),
        resource: resource.map(Into::into),
        reason: reason.into(),
    }
}

/// The base with one node (CF-EC-005 on Cache) and a named security group (CF-DATA-002).
fn two_findings() -> Template {
    edited(
        base(),
        &[
            (p(&format!("{RG}/NumCacheClusters")), json!(1)),
            (p(&format!("{RG}/AutomaticFailoverEnabled")), json!(false)),
            (p(&format!("{RG}/MultiAZEnabled")), json!(false)),
            (p(&format!("{CACHE_SG}/GroupName")), json!("redis-sg")),
        ],
    )
}

#[test]
fn a_suppression_needs_a_reason_a_known_rule_and_an_existing_resource() {
    let template = two_findings();
    for (bad, expected) in [
        (
            suppression("CF-EC-005", Some("Cache"), "  "),
            "suppression of CF-EC-005 for resource Cache has no reason",
        ),
        (
            suppression("CF-EC-05", None, "why not"),
            "suppression of unknown rule CF-EC-05 (did you mean CF-EC-005?)",
        ),
        (
            suppression("CF-EC-005", Some("Cahce"), "one node"),
            "suppression of CF-EC-005 for resource Cahce, which the template does not have (did you mean Cache?)",
        ),
    ] {
        let error =
            check(&template, &[suppression("CF-DATA-002", None, "named"), bad]).unwrap_err();
        assert_eq!(error.to_string(), expected);
        assert_eq!(error.index(), 1);
    }
}

#[test]
fn a_resource_suppression_covers_that_resource_and_a_stack_one_every_resource() {
    let template = two_findings();
    let report = check(
        &template,
        &[
            suppression("CF-EC-005", Some("Cache"), "a dev cache"),
            suppression("CF-DATA-002", Some("CacheSubnetGroup"), "not this one"),
        ],
    )
    .unwrap();
    let state: Vec<(&str, Option<&str>)> = report
        .findings
        .iter()
        .map(|f| (f.rule_id().unwrap(), f.suppressed.as_deref()))
        .collect();
    assert_eq!(
        state,
        [("CF-DATA-002", None), ("CF-EC-005", Some("a dev cache"))]
    );
    assert_eq!(
        report.unused_suppressions,
        [suppression(
            "CF-DATA-002",
            Some("CacheSubnetGroup"),
            "not this one"
        )]
    );

    let report = check(
        &template,
        &[suppression("CF-DATA-002", None, "names are fixed")],
    )
    .unwrap();
    assert_eq!(report.suppressed().count(), 1);
    assert!(report.unused_suppressions.is_empty());
}

#[test]
fn the_check_fails_on_unsuppressed_errors_and_with_strict_on_warnings() {
    let clean = report(&edited(base(), &[]));
    assert!(!clean.fails(true));

    let warnings = two_findings();
    assert!(!report(&warnings).fails(false));
    assert!(report(&warnings).fails(true));
    let suppressed = check(
        &warnings,
        &[
            suppression("CF-EC-005", None, "dev"),
            suppression("CF-DATA-002", None, "named"),
        ],
    )
    .unwrap();
    assert!(!suppressed.fails(true));
    assert_eq!(suppressed.warnings().count(), 0);
    assert_eq!(suppressed.suppressed().count(), 2);

    let error = edited(base(), &[(p(&format!("{RG}/AuthToken")), Json::Null)]);
    assert!(report(&error).fails(false));
    assert_eq!(report(&error).errors().count(), 1);
    let suppressed = check(
        &error,
        &[suppression(
            "CF-EC-006",
            Some("Cache"),
            "security groups only",
        )],
    )
    .unwrap();
    assert!(!suppressed.fails(true));

    let info = edited(base(), &[(p(&format!("{RG}/Port")), json!(6379))]);
    assert_eq!(report(&info).infos().count(), 1);
    assert!(!report(&info).fails(true));
}

#[test]
fn suppressions_become_template_metadata() {
    let value = metadata(&[
        suppression("CF-EC-005", Some("Cache"), "a dev cache"),
        suppression("CF-DATA-002", None, "names are fixed"),
    ]);
    let json = serde_json::to_value(&value).unwrap();
    assert_eq!(
        json,
        json!({"cfnforge": {"suppressions": [
            {"rule": "CF-EC-005", "resource": "Cache", "reason": "a dev cache"},
            {"rule": "CF-DATA-002", "reason": "names are fixed"}
        ]}})
    );
}

// --- reporters ---

fn sample_report() -> Report {
    check(
        &edited(
            base(),
            &[
                (p(&format!("{RG}/AuthToken")), Json::Null),
                (p(&format!("{RG}/SnapshotRetentionLimit")), json!(0)),
                (p(&format!("{RG}/Port")), json!(6379)),
                (p(&format!("{CACHE_SG}/GroupName")), json!("redis-sg")),
            ],
        ),
        &[suppression(
            "CF-DATA-002",
            Some("CacheSecurityGroup"),
            "the console shows this name",
        )],
    )
    .unwrap()
}

#[test]
fn the_text_report_groups_by_resource_with_why_and_fix() {
    insta::assert_snapshot!(text(&sample_report()));
}

#[test]
fn the_text_report_of_a_clean_template_says_so() {
    assert_eq!(text(&report(&edited(base(), &[]))), "No findings.\n");
}

#[test]
fn the_json_report_has_stable_fields() {
    let json = json(&sample_report());
    assert_eq!(
        json["summary"],
        json!({"errors": 1, "warnings": 1, "infos": 1, "suppressed": 1, "fails": true, "fails_strict": true})
    );
    assert_eq!(
        json["findings"][0],
        json!({
            "rule": "CF-DATA-002", "level": "warning", "resource": "CacheSecurityGroup",
            "property": "GroupName", "path": "Resources.CacheSecurityGroup.Properties.GroupName",
            "message": "GroupName \"redis-sg\" is a fixed name: CloudFormation cannot replace this AWS::EC2::SecurityGroup",
            "title": get("CF-DATA-002").unwrap().title,
            "why": get("CF-DATA-002").unwrap().why,
            "fix": get("CF-DATA-002").unwrap().fix,
            "controls": [],
            "suppressed": true,
            "reason": "the console shows this name"
        })
    );
    assert_eq!(json["findings"].as_array().unwrap().len(), 4);
    assert_eq!(json["unused_suppressions"], json!([]));
}

#[test]
fn sarif_lists_rules_results_locations_and_suppressions() {
    let lines = [("Cache".to_string(), 30_usize)].into_iter().collect();
    let sarif = sarif(&sample_report(), "stacks/bandup-redis.yaml", Some(&lines));
    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "cfnforge");
    assert_eq!(run["tool"]["driver"]["version"], env!("CARGO_PKG_VERSION"));
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), all().len());
    assert_eq!(rules[0]["id"], "CF-EC-001");
    assert_eq!(rules[0]["help"]["text"], get("CF-EC-001").unwrap().fix);
    assert_eq!(
        rules[0]["properties"]["controls"],
        json!(["ElastiCache.4", "AwsSolutions-AEC3", "CKV_AWS_29"])
    );
    assert_eq!(rules[0]["defaultConfiguration"]["level"], "error");

    let results = run["results"].as_array().unwrap();
    let summary: Vec<(&str, &str, &str)> = results
        .iter()
        .map(|r| {
            (
                r["ruleId"].as_str().unwrap(),
                r["level"].as_str().unwrap(),
                r["locations"][0]["logicalLocations"][0]["name"]
                    .as_str()
                    .unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("CF-DATA-002", "warning", "CacheSecurityGroup"),
            ("CF-EC-004", "warning", "Cache"),
            ("CF-EC-006", "error", "Cache"),
            ("CF-EC-014", "note", "Cache"),
        ]
    );
    assert_eq!(
        results[0]["suppressions"],
        json!([{"kind": "inSource", "justification": "the console shows this name"}])
    );
    assert!(results[1].get("suppressions").is_none());
    let location = &results[1]["locations"][0];
    assert_eq!(
        location["physicalLocation"]["artifactLocation"]["uri"],
        "stacks/bandup-redis.yaml"
    );
    assert_eq!(location["physicalLocation"]["region"]["startLine"], 30);
    assert_eq!(
        location["logicalLocations"][0]["fullyQualifiedName"],
        "Resources.Cache.Properties.SnapshotRetentionLimit"
    );
    assert!(
        results[0]["locations"][0]["physicalLocation"]
            .get("region")
            .is_none()
    );
    assert_eq!(results[2]["ruleIndex"], 5);
}

#[test]
fn the_markdown_table_has_a_row_per_rule() {
    let table = markdown_table();
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines[0], "| ID | Level | What | Why | Controls |");
    assert_eq!(lines[1], "| --- | --- | --- | --- | --- |");
    assert_eq!(lines.len(), all().len() + 2);
    assert!(
        lines.contains(&"| CF-EC-014 | info | The cache listens on a port other than the engine's default | cdk-nag flags the default port (6379, 11211) because scanners try it first. It is a small hurdle, not a control: another port stops no client the security group lets in. | AwsSolutions-AEC5 |"),
        "{table}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("| CF-EC-003 | warning |") && l.ends_with("| – |")),
        "{table}"
    );
    // A `|` in a rule's text would break the row.
    assert!(
        lines.iter().all(|l| l.matches(" | ").count() == 4),
        "{table}"
    );
}
