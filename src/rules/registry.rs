//! Every rule, in the order they run and are listed.

use super::{Level, Rule, constraints, data, elasticache, network};

/// Every rule cfnforge has, in ID order within each area.
pub fn all() -> &'static [Rule] {
    &RULES
}

/// The rule with this ID.
pub fn get(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

static RULES: [Rule; 30] = [
    Rule {
        id: "CF-EC-001",
        level: Level::Error,
        title: "ElastiCache encrypts data at rest (AtRestEncryptionEnabled: true)",
        why: "Without it, snapshots and data the nodes write to disk are stored unencrypted. \
              The setting is create-only: turning it on later replaces the cache.",
        fix: "Set AtRestEncryptionEnabled: true on the replication group. A standalone \
              AWS::ElastiCache::CacheCluster cannot encrypt at rest: use a replication group.",
        controls: &["ElastiCache.4", "AwsSolutions-AEC3", "CKV_AWS_29"],
        check: elasticache::at_rest,
    },
    Rule {
        id: "CF-EC-002",
        level: Level::Error,
        title: "ElastiCache encrypts connections (TransitEncryptionEnabled: true)",
        why: "Without TLS, AUTH tokens and cached data cross the network in clear text, readable \
              by anything on the path.",
        fix: "Set TransitEncryptionEnabled: true (and TransitEncryptionMode: required); clients \
              connect with TLS.",
        controls: &["ElastiCache.5", "AwsSolutions-AEC3", "CKV_AWS_30"],
        check: elasticache::in_transit,
    },
    Rule {
        id: "CF-EC-003",
        level: Level::Warning,
        title: "TLS is required, not only offered (TransitEncryptionMode is not preferred)",
        why: "In `preferred` mode the cache still accepts unencrypted connections; the mode \
              exists only to move clients to TLS without downtime.",
        fix: "Set TransitEncryptionMode: required once every client connects with TLS.",
        controls: &[],
        check: elasticache::transit_required,
    },
    Rule {
        id: "CF-EC-004",
        level: Level::Warning,
        title: "Automatic backups are kept at least one day (SnapshotRetentionLimit >= 1)",
        why: "With a retention of 0, the default, ElastiCache takes no automatic snapshots: a lost \
              node, a bad deploy or a FLUSHALL loses the data for good.",
        fix: "Set SnapshotRetentionLimit to 1-35 days (in a stack file: backup_retention_days).",
        controls: &["ElastiCache.1"],
        check: elasticache::backups,
    },
    Rule {
        id: "CF-EC-005",
        level: Level::Warning,
        title: "Automatic failover and Multi-AZ are on, with at least one replica",
        why: "A single node, or replicas without automatic failover across Availability Zones, \
              means a node or zone failure takes the cache down until it is replaced, and the \
              data with it.",
        fix: "Set NumCacheClusters to 2 or more (or ReplicasPerNodeGroup to 1 or more), \
              AutomaticFailoverEnabled: true and MultiAZEnabled: true (in a stack file: \
              replicas: 1 or more).",
        controls: &["ElastiCache.3", "AwsSolutions-AEC4"],
        check: elasticache::failover,
    },
    Rule {
        id: "CF-EC-006",
        level: Level::Error,
        title: "Clients authenticate (an AuthToken, or RBAC user groups in UserGroupIds)",
        why: "Without AUTH or RBAC any client that reaches the port can read, change and delete \
              every key and run administrative commands: the security group is the only control. \
              (Security Hub's ElastiCache.6 asks this of Redis OSS before 6.0 only.)",
        fix: "Use RBAC (UserGroupIds naming an AWS::ElastiCache::UserGroup) or an AuthToken from \
              Secrets Manager ('{{resolve:secretsmanager:NAME:SecretString:KEY}}'); both need \
              TransitEncryptionEnabled: true.",
        controls: &["ElastiCache.6", "AwsSolutions-AEC6", "CKV_AWS_31"],
        check: elasticache::access_control,
    },
    Rule {
        id: "CF-EC-007",
        level: Level::Error,
        title: "An AuthToken is not written into the template",
        why: "A literal token is visible to everyone who can read the template or the stack's \
              history, and rotating it means changing the template.",
        fix: "Keep the token in Secrets Manager and use a dynamic reference \
              ('{{resolve:secretsmanager:NAME:SecretString:KEY}}'), or pass it as a NoEcho \
              parameter.",
        controls: &[],
        check: elasticache::auth_token_secret,
    },
    Rule {
        id: "CF-EC-008",
        level: Level::Warning,
        title: "Minor engine upgrades are applied (AutoMinorVersionUpgrade is not false)",
        why: "Minor versions carry security fixes; with automatic upgrades off the cache keeps \
              running engine versions with known vulnerabilities.",
        fix: "Remove AutoMinorVersionUpgrade or set it to true; upgrades run in the maintenance \
              window.",
        controls: &["ElastiCache.2"],
        check: elasticache::minor_upgrades,
    },
    Rule {
        id: "CF-EC-009",
        level: Level::Error,
        title: "The cache is in a subnet group of its own, not the default one",
        why: "Without CacheSubnetGroupName, or with \"default\", ElastiCache puts the nodes in the \
              default VPC's subnets, which are public by default and outside the network the \
              application was designed for.",
        fix: "Create an AWS::ElastiCache::SubnetGroup with private subnets and reference it in \
              CacheSubnetGroupName (a serverless cache: set SubnetIds).",
        controls: &["ElastiCache.7", "AwsSolutions-AEC1"],
        check: elasticache::subnet_group,
    },
    Rule {
        id: "CF-EC-010",
        level: Level::Error,
        title: "Engine is one ElastiCache runs (valkey or redis; memcached outside replication \
                groups)",
        why: "CloudFormation and cfn-lint accept any string here: a misspelt engine fails only at \
              deploy time, minutes into the update.",
        fix: "Set Engine to valkey or redis (memcached for a cache cluster or serverless cache).",
        controls: &[],
        check: elasticache::engine_known,
    },
    Rule {
        id: "CF-EC-011",
        level: Level::Error,
        title: "EngineVersion is a version ElastiCache offers for the engine",
        why: "An unknown version fails at deploy time. A Valkey cache needs EngineVersion: without \
              it the create fails too.",
        fix: "Use Valkey 7.2, 8.0, 8.1 or 8.2, or Redis OSS 6.2, 7.0 or 7.1.",
        controls: &[],
        check: elasticache::engine_version,
    },
    Rule {
        id: "CF-EC-012",
        level: Level::Warning,
        title: "The engine version is current (Redis OSS 6.2 or later)",
        why: "Redis OSS before 6.2 is at or past the end of AWS's standard support and misses \
              security fixes; before 6.0 it cannot use RBAC.",
        fix: "Move to Valkey 8 (a drop-in replacement for Redis OSS) or Redis OSS 7.1; the \
              engine version upgrades in place.",
        controls: &[],
        check: elasticache::engine_current,
    },
    Rule {
        id: "CF-EC-013",
        level: Level::Error,
        title: "CacheNodeType is a node type ElastiCache offers (cache.<family>.<size>)",
        why: "CloudFormation accepts a misspelt family or a size the family does not have \
              (cache.t3.mega); the create fails at deploy time. Previous-generation types can \
              no longer be created.",
        fix: "Use a current node type such as cache.t4g.micro, cache.m7g.large or \
              cache.r7g.large.",
        controls: &[],
        check: elasticache::node_type,
    },
    Rule {
        id: "CF-EC-014",
        level: Level::Info,
        title: "The cache listens on a port other than the engine's default",
        why: "cdk-nag flags the default port (6379, 11211) because scanners try it first. It is a \
              small hurdle, not a control: another port stops no client the security group \
              lets in.",
        fix: "Set Port to another value where a policy asks for it; otherwise keep the default \
              and rely on security groups and authentication.",
        controls: &["AwsSolutions-AEC5"],
        check: elasticache::default_port,
    },
    Rule {
        id: "CF-EC-101",
        level: Level::Error,
        title: "Automatic failover has a replica to fail over to",
        why: "CloudFormation accepts AutomaticFailoverEnabled: true with a single node; \
              ElastiCache rejects it at deploy time.",
        fix: "Set NumCacheClusters to 2 or more (ReplicasPerNodeGroup to 1 or more), or turn \
              automatic failover off.",
        controls: &[],
        check: constraints::failover_nodes,
    },
    Rule {
        id: "CF-EC-102",
        level: Level::Error,
        title: "Multi-AZ comes with automatic failover",
        why: "ElastiCache rejects MultiAZEnabled: true without AutomaticFailoverEnabled: true at \
              deploy time.",
        fix: "Set AutomaticFailoverEnabled: true (with at least one replica), or MultiAZEnabled: \
              false.",
        controls: &[],
        check: constraints::multi_az_failover,
    },
    Rule {
        id: "CF-EC-103",
        level: Level::Error,
        title: "An AuthToken comes with encryption in transit",
        why: "ElastiCache takes an AUTH token only over TLS and rejects the group at deploy time \
              otherwise.",
        fix: "Set TransitEncryptionEnabled: true.",
        controls: &[],
        check: constraints::auth_token_transit,
    },
    Rule {
        id: "CF-EC-104",
        level: Level::Error,
        title: "An AuthToken is 16-128 printable ASCII characters without /, \" or @",
        why: "ElastiCache rejects any other token at deploy time.",
        fix: "Generate a token of 16-128 printable characters without /, \" and @ (Secrets \
              Manager: ExcludeCharacters '/\"@').",
        controls: &[],
        check: constraints::auth_token_format,
    },
    Rule {
        id: "CF-EC-105",
        level: Level::Error,
        title: "PreferredCacheClusterAZs names one Availability Zone per node",
        why: "ElastiCache rejects a list whose length differs from NumCacheClusters at deploy \
              time.",
        fix: "List exactly NumCacheClusters zones (a zone may repeat), or leave the list out.",
        controls: &[],
        check: constraints::preferred_azs,
    },
    Rule {
        id: "CF-EC-106",
        level: Level::Error,
        title: "NetworkType and IpDiscovery suit the engine and each other",
        why: "IPv6 and dual-stack need Valkey or Redis OSS 6.2 or later, and IPv6 discovery needs \
              IPv6 addresses (NetworkType ipv6 or dual_stack); ElastiCache rejects other \
              combinations at deploy time.",
        fix: "Use NetworkType ipv4, or Valkey or Redis OSS 6.2+; set IpDiscovery to match the \
              network type.",
        controls: &[],
        check: constraints::network_type,
    },
    Rule {
        id: "CF-EC-107",
        level: Level::Error,
        title: "TransitEncryptionMode comes with TransitEncryptionEnabled: true",
        why: "ElastiCache rejects a transit encryption mode while transit encryption is off.",
        fix: "Set TransitEncryptionEnabled: true, or remove TransitEncryptionMode.",
        controls: &[],
        check: constraints::transit_mode,
    },
    Rule {
        id: "CF-EC-108",
        level: Level::Error,
        title: "SnapshotRetentionLimit is 0-35 days",
        why: "ElastiCache keeps automatic backups at most 35 days and rejects more at deploy time.",
        fix: "Set SnapshotRetentionLimit between 1 and 35; export snapshots to S3 to keep them \
              longer.",
        controls: &[],
        check: constraints::retention_range,
    },
    Rule {
        id: "CF-EC-109",
        level: Level::Error,
        title: "Node counts are in range (NumCacheClusters 1-6, ReplicasPerNodeGroup 0-5)",
        why: "A replication group has one primary and at most five replicas per shard; other \
              counts fail at deploy time.",
        fix: "Set NumCacheClusters to 1-6 and ReplicasPerNodeGroup to 0-5.",
        controls: &[],
        check: constraints::node_counts,
    },
    Rule {
        id: "CF-EC-110",
        level: Level::Error,
        title: "Cluster mode comes with automatic failover",
        why: "A replication group with cluster mode enabled (ClusterMode: enabled, or more than \
              one node group) must have AutomaticFailoverEnabled: true; it defaults to false.",
        fix: "Set AutomaticFailoverEnabled: true.",
        controls: &[],
        check: constraints::cluster_mode_failover,
    },
    Rule {
        id: "CF-EC-111",
        level: Level::Error,
        title: "ReplicationGroupId follows ElastiCache's naming rules",
        why: "The ID is 1-40 letters, digits and hyphens, starts with a letter, has no two \
              hyphens in a row and does not end with one; cfn-lint lets others through and the \
              create fails.",
        fix: "Rename the group, or leave ReplicationGroupId out and let CloudFormation name it.",
        controls: &[],
        check: constraints::replication_group_id,
    },
    Rule {
        id: "CF-SG-001",
        level: Level::Error,
        title: "No ingress from anywhere (0.0.0.0/0, ::/0) to a cache port",
        why: "A cache port open to the internet, or to anything that can route to it, invites \
              scanning, data theft and ransom of the data.",
        fix: "Allow only the application's security group (SourceSecurityGroupId) on the cache \
              port.",
        controls: &["EC2.18", "AwsSolutions-EC23"],
        check: network::open_ingress,
    },
    Rule {
        id: "CF-SG-002",
        level: Level::Warning,
        title: "Every security group rule has a Description",
        why: "A reviewer, or the next change, cannot tell why a rule exists or whether it can go.",
        fix: "Give each ingress and egress rule a Description saying who connects and why.",
        controls: &["CKV_AWS_23"],
        check: network::descriptions,
    },
    Rule {
        id: "CF-SG-003",
        level: Level::Warning,
        title: "A cache's security group admits security groups, not address ranges",
        why: "An address range admits whatever gets an address in it, now or later; a source \
              security group admits exactly the application's resources.",
        fix: "Replace CidrIp, CidrIpv6 or SourcePrefixListId with SourceSecurityGroupId (in a \
              stack file: security_group.allow_from).",
        controls: &[],
        check: network::cache_ingress_sources,
    },
    Rule {
        id: "CF-DATA-001",
        level: Level::Warning,
        title: "A cache keeps its data when deleted or replaced (DeletionPolicy and \
                UpdateReplacePolicy Snapshot or Retain)",
        why: "Without them, deleting the stack or changing a create-only property (port, subnet \
              group, encryption at rest) deletes the cache and its data with no final snapshot.",
        fix: "Set DeletionPolicy: Snapshot and UpdateReplacePolicy: Snapshot (or Retain).",
        controls: &[],
        check: data::keeps_data,
    },
    Rule {
        id: "CF-DATA-002",
        level: Level::Warning,
        title: "No fixed names that block replacement",
        why: "CloudFormation cannot replace a resource with a fixed name: a change to a \
              create-only property fails with \"cannot update a stack when a custom-named \
              resource requires replacing\".",
        fix: "Leave the name (GroupName, CacheSubnetGroupName, ReplicationGroupId, ClusterName, \
              ServerlessCacheName) out and let CloudFormation generate one, or accept that a \
              replacing change needs a rename.",
        controls: &[],
        check: data::fixed_names,
    },
];
