//! Facts about AWS that the resource schemas do not state, each written once and used by the
//! constructs, the rules, diff and deploy alike. What the schemas do say (required, create-only,
//! write-only and read-only properties, attributes, primary identifiers) comes from
//! [`crate::resources::type_info`], not from lists here.

/// Types that hold data a replacement or deletion would lose.
pub const STATEFUL_TYPES: &[&str] = &[
    "AWS::ElastiCache::ReplicationGroup",
    "AWS::ElastiCache::CacheCluster",
    "AWS::ElastiCache::ServerlessCache",
    "AWS::ElastiCache::GlobalReplicationGroup",
    "AWS::RDS::DBInstance",
    "AWS::RDS::DBCluster",
    "AWS::DynamoDB::Table",
    "AWS::S3::Bucket",
    "AWS::EFS::FileSystem",
    "AWS::OpenSearchService::Domain",
];

/// Whether resources of the type hold data.
pub fn is_stateful(type_name: &str) -> bool {
    STATEFUL_TYPES.contains(&type_name)
}

/// Properties that give a resource a fixed physical name: CloudFormation cannot replace such a
/// resource without a new name ("cannot update a stack when a custom-named resource requires
/// replacing").
pub const NAME_PROPERTIES: &[(&str, &str)] = &[
    ("AWS::EC2::SecurityGroup", "GroupName"),
    ("AWS::ElastiCache::SubnetGroup", "CacheSubnetGroupName"),
    ("AWS::ElastiCache::ReplicationGroup", "ReplicationGroupId"),
    ("AWS::ElastiCache::CacheCluster", "ClusterName"),
    ("AWS::ElastiCache::ServerlessCache", "ServerlessCacheName"),
    ("AWS::ElastiCache::UserGroup", "UserGroupId"),
    ("AWS::ElastiCache::User", "UserId"),
];

/// The property that names resources of the type, if it has one.
pub fn name_property(type_name: &str) -> Option<&'static str> {
    NAME_PROPERTIES
        .iter()
        .find(|(t, _)| *t == type_name)
        .map(|(_, property)| *property)
}

/// ElastiCache: engines, versions and node types that exist (ElastiCache API reference,
/// "Supported engines and versions" and "Supported node types").
pub mod elasticache {
    /// Valkey versions ElastiCache offers.
    pub const VALKEY_VERSIONS: &[&str] = &["7.2", "8.0", "8.1", "8.2"];
    /// Redis OSS versions from 6 on, named by major and minor (`6.x` is ElastiCache's name for 6.0).
    pub const REDIS_VERSIONS: &[&str] = &["6.0", "6.x", "6.2", "7.0", "7.1"];
    /// Older Redis OSS versions ElastiCache has had; they exist, but are outdated.
    pub const OLD_REDIS_VERSIONS: &[&str] = &[
        "2.6.13", "2.8.6", "2.8.19", "2.8.21", "2.8.22", "2.8.23", "2.8.24", "3.2.4", "3.2.6",
        "3.2.10", "4.0.10", "5.0.0", "5.0.3", "5.0.4", "5.0.5", "5.0.6",
    ];
    /// Redis OSS versions to suggest.
    pub const CURRENT_REDIS_VERSIONS: &[&str] = &["6.2", "7.0", "7.1"];

    /// Node families and their sizes (ElastiCache API reference, "Supported node types").
    pub const NODE_FAMILIES: &[(&str, &[&str])] = &[
        ("t2", &["micro", "small", "medium"]),
        ("t3", &["micro", "small", "medium"]),
        ("t4g", &["micro", "small", "medium"]),
        ("m4", &["large", "xlarge", "2xlarge", "4xlarge", "10xlarge"]),
        (
            "m5",
            &[
                "large", "xlarge", "2xlarge", "4xlarge", "12xlarge", "24xlarge",
            ],
        ),
        ("m6g", GRAVITON_SIZES),
        ("m7g", GRAVITON_SIZES),
        (
            "r4",
            &[
                "large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "16xlarge",
            ],
        ),
        (
            "r5",
            &[
                "large", "xlarge", "2xlarge", "4xlarge", "12xlarge", "24xlarge",
            ],
        ),
        ("r6g", GRAVITON_SIZES),
        (
            "r6gd",
            &[
                "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge",
            ],
        ),
        ("r7g", GRAVITON_SIZES),
        ("c7gn", GRAVITON_SIZES),
    ];
    pub const GRAVITON_SIZES: &[&str] = &[
        "large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge",
    ];
    /// Families ElastiCache lists as previous generation: existing nodes run, new ones cannot be made.
    pub const PREVIOUS_FAMILIES: &[&str] = &["t1", "m1", "m2", "m3", "c1", "r3"];

    /// The version a new Valkey cache gets when the stack does not name one.
    pub const DEFAULT_VALKEY_VERSION: &str = "8.0";
    /// The version a new Redis OSS cache gets when the stack does not name one.
    pub const DEFAULT_REDIS_VERSION: &str = "7.1";

    /// Whether ElastiCache has had the version for the engine (`valkey` or `redis`; any version
    /// of another engine is not judged here). `7.1.0` names the same version as `7.1`.
    pub fn version_exists(engine: &str, version: &str) -> bool {
        let listed = |versions: &[&str]| {
            versions.contains(&version)
                || version
                    .rsplit_once('.')
                    .filter(|(major_minor, patch)| {
                        major_minor.contains('.') && patch.chars().all(|c| c.is_ascii_digit())
                    })
                    .is_some_and(|(major_minor, _)| versions.contains(&major_minor))
        };
        match engine {
            "valkey" => listed(VALKEY_VERSIONS),
            "redis" => listed(REDIS_VERSIONS) || OLD_REDIS_VERSIONS.contains(&version),
            _ => true,
        }
    }

    /// How two engine versions compare: by major, minor and, where both give one, patch
    /// (`8.0` is the `8.0.1` ElastiCache reports; `5.0.6` is above `5.0.0`); `6.x`, ElastiCache's
    /// name for Redis OSS 6.0, is 6.0. `None` when either is not a version.
    pub fn compare_versions(a: &str, b: &str) -> Option<std::cmp::Ordering> {
        let parse = |v: &str| -> Option<(u32, u32, Option<u32>)> {
            let mut parts = v.trim().split('.');
            let major = parts.next()?.parse().ok()?;
            let minor = match parts.next()? {
                "x" => 0,
                minor => minor.parse().ok()?,
            };
            let patch = match parts.next() {
                None => None,
                Some(patch) => Some(patch.parse().ok()?),
            };
            parts.next().is_none().then_some((major, minor, patch))
        };
        let (a, b) = (parse(a)?, parse(b)?);
        Some((a.0, a.1).cmp(&(b.0, b.1)).then(match (a.2, b.2) {
            (Some(x), Some(y)) => x.cmp(&y),
            _ => std::cmp::Ordering::Equal,
        }))
    }

    /// Whether moving a cache from version `old` to `new` is a downgrade, which ElastiCache
    /// refuses (ModifyReplicationGroup, EngineVersion: "you can upgrade to a newer engine
    /// version, but you cannot downgrade to an earlier engine version").
    pub fn is_downgrade(old: &str, new: &str) -> bool {
        compare_versions(new, old) == Some(std::cmp::Ordering::Less)
    }

    /// Why a downgrade is refused, in one place for every message that says so.
    pub const DOWNGRADE: &str = "ElastiCache moves a cache only to a higher engine version";

    /// The versions to suggest for a new cache of the engine.
    pub fn current_versions(engine: &str) -> &'static [&'static str] {
        match engine {
            "valkey" => VALKEY_VERSIONS,
            _ => CURRENT_REDIS_VERSIONS,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::elasticache::compare_versions;
    use std::cmp::Ordering::{Equal, Greater, Less};

    #[test]
    fn engine_versions_compare_by_major_and_minor() {
        assert_eq!(compare_versions("8.0", "8.1"), Some(Less));
        assert_eq!(compare_versions("8.0.1", "8.0"), Some(Equal));
        assert_eq!(compare_versions("7.2", "8.0"), Some(Less));
        assert_eq!(compare_versions("10.0", "9.2"), Some(Greater));
        assert_eq!(compare_versions("6.x", "6.2"), Some(Less));
        assert_eq!(compare_versions("6.x", "6.0"), Some(Equal));
        assert_eq!(compare_versions("7.1", "6.x"), Some(Greater));
        assert_eq!(compare_versions("5.0.0", "5.0.6"), Some(Less));
        assert_eq!(compare_versions("latest", "8.0"), None);
        assert_eq!(compare_versions("7", "8.0"), None);
        assert_eq!(compare_versions("8.0.beta", "8.0"), None);
        assert_eq!(compare_versions("8.0.1.2", "8.0"), None);
    }

    use super::elasticache::version_exists;

    #[test]
    fn versions_are_judged_with_or_without_a_patch_number() {
        assert!(version_exists("valkey", "8.0"));
        assert!(version_exists("valkey", "8.0.1"));
        assert!(!version_exists("valkey", "7.1"));
        assert!(version_exists("redis", "7.1.0"));
        assert!(version_exists("redis", "5.0.6"));
        assert!(!version_exists("redis", "7.3"));
        assert!(!version_exists("redis", "7"));
    }
}
