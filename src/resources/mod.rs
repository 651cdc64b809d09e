//! Resource types generated from the CloudFormation registry schemas in `schemas/` by `build.rs`
//! (see `codegen/`). Nothing generated is edited by hand: refresh the schemas and rebuild.
//!
//! `resources::<service>::<Type>` (`resources::ssm::Parameter`) is behind the cargo feature named
//! like the service module (`ssm`); `full` turns on every one. The schema facts ([`TypeInfo`])
//! of every type are here whatever the features.

/// What the schema says about a resource type, for checks, diff and judging replacement.
/// Every vendored type has one, whatever the cargo features.
#[derive(Debug)]
pub struct TypeInfo {
    /// `AWS::Service::Type`.
    pub type_name: &'static str,
    /// Properties a template may set (the schema's read-only ones excluded).
    pub properties: &'static [&'static str],
    /// Properties that must be set.
    pub required: &'static [&'static str],
    /// Properties whose change replaces the resource, as dotted paths (`Port`, `A.B`, `A.*.B`).
    pub create_only: &'static [&'static str],
    /// Properties CloudFormation accepts but never returns (`Fn::GetAtt` cannot read them).
    pub write_only: &'static [&'static str],
    /// Properties CloudFormation sets, as dotted paths (`PrimaryEndPoint.Address`).
    pub read_only: &'static [&'static str],
    /// Attributes `Fn::GetAtt` can ask for (`PrimaryEndPoint.Address`).
    pub attributes: &'static [&'static str],
    /// The properties that identify a resource of the type (for import).
    pub primary_identifier: &'static [&'static str],
    /// The regions that have the type: bit `i` is [`REGIONS`]`[i]`.
    pub regions: u64,
    /// The shapes of property values; `shapes[root]` is the resource's properties.
    pub shapes: &'static [Shape],
    pub root: u16,
}

/// What a property value looks like, as far as the checks need it.
#[derive(Debug)]
pub enum Shape {
    /// Anything (a string, a number, an object the schema leaves open or describes with
    /// alternatives).
    Any,
    /// An object with these properties (name, shape index) and required ones; `open` when the
    /// schema allows other keys too.
    Object {
        properties: &'static [(&'static str, u16)],
        required: &'static [&'static str],
        open: bool,
    },
    /// A list whose items have the shape.
    List(u16),
    /// A map from any key to values of the shape.
    Map(u16),
    /// The same as another shape (a `$ref` to a definition).
    Same(u16),
}

impl TypeInfo {
    /// The shape at an index, following `Same`; a bad index (never generated) is `Any`.
    pub fn shape(&self, mut index: u16) -> &'static Shape {
        for _ in 0..self.shapes.len() {
            match self.shapes.get(usize::from(index)) {
                Some(Shape::Same(next)) => index = *next,
                Some(shape) => return shape,
                None => break,
            }
        }
        &Shape::Any
    }

    /// Whether the type exists in a region; a region cfnforge does not know is given the benefit
    /// of the doubt.
    pub fn in_region(&self, region: &str) -> bool {
        match REGIONS.iter().position(|r| *r == region) {
            Some(bit) => self.regions & (1 << bit) != 0,
            None => true,
        }
    }
}

/// Where and how a resource type takes tags, from its schema (`tagging.tagProperty`, or `Tags`
/// in older schemas without a `tagging` section).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tagging {
    /// The property that holds the tags: `Tags` for most types, `BackupVaultTags`, ...
    pub property: &'static str,
    pub format: TagFormat,
}

/// The form a type's tags take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagFormat {
    /// `[{Key, Value}]`.
    List,
    /// `[{Key, Value, PropagateAtLaunch}]` (Auto Scaling groups).
    ListPropagateAtLaunch,
    /// `{key: value}`.
    Map,
}

mod facts {
    use super::{Shape, TagFormat, Tagging, TypeInfo};
    include!(concat!(env!("OUT_DIR"), "/type_facts.rs"));
}
pub use facts::{REGIONS, SERVICES};

include!(concat!(env!("OUT_DIR"), "/services.rs"));

/// Every vendored resource type, sorted by name.
pub fn all_types() -> &'static [TypeInfo] {
    facts::TYPES
}

/// The schema facts for a type name, if cfnforge has its schema.
pub fn type_info(type_name: &str) -> Option<&'static TypeInfo> {
    let types = facts::TYPES;
    types
        .binary_search_by(|t| t.type_name.cmp(type_name))
        .ok()
        .and_then(|i| types.get(i))
}

/// Where and how a type takes tags; `None` for a type that takes none (or keeps them inside
/// another property) and for a type cfnforge has no schema for.
pub fn tagging(type_name: &str) -> Option<Tagging> {
    let table = facts::TAGGING;
    table
        .binary_search_by(|(name, _)| name.cmp(&type_name))
        .ok()
        .and_then(|i| table.get(i))
        .map(|(_, tagging)| *tagging)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::{Intrinsic, Template, Value};

    #[test]
    fn the_schemas_say_which_types_take_tags_and_in_what_form() {
        let list = |property| {
            Some(Tagging {
                property,
                format: TagFormat::List,
            })
        };
        assert_eq!(tagging("AWS::ElastiCache::ReplicationGroup"), list("Tags"));
        assert_eq!(tagging("AWS::EC2::SecurityGroup"), list("Tags"));
        assert_eq!(
            tagging("AWS::SSM::Parameter").map(|t| t.format),
            Some(TagFormat::Map)
        );
        assert_eq!(
            tagging("AWS::AutoScaling::AutoScalingGroup").map(|t| t.format),
            Some(TagFormat::ListPropagateAtLaunch)
        );
        // The schema's tagging section names another property.
        assert_eq!(
            tagging("AWS::Backup::BackupVault").map(|t| (t.property, t.format)),
            Some(("BackupVaultTags", TagFormat::Map))
        );
        // Taggable: false, and no tags at all.
        assert_eq!(tagging("AWS::EC2::SecurityGroupIngress"), None);
        assert_eq!(tagging("AWS::EC2::SpotFleet"), None);
        assert_eq!(tagging("AWS::SSM::Nothing"), None);
        let table = facts::TAGGING;
        assert!(table.len() > 1200, "{}", table.len());
        assert!(table.windows(2).all(|pair| pair[0].0 < pair[1].0), "sorted");
        for (type_name, _) in table {
            assert!(type_info(type_name).is_some(), "{type_name}");
        }
    }

    #[test]
    fn every_vendored_schema_has_a_generated_type() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas");
        let mut files = 0;
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "json") {
                let schema: serde_json::Value =
                    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
                let name = schema["typeName"].as_str().unwrap();
                assert!(type_info(name).is_some(), "{name} from {}", path.display());
                files += 1;
            }
        }
        assert_eq!(all_types().len(), files);
        assert!(
            files >= 13,
            "EC2 security group types and every ElastiCache type"
        );
    }

    #[test]
    fn every_service_has_a_cargo_feature_and_full_turns_on_each() {
        let manifest =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml")).unwrap();
        let full = manifest
            .lines()
            .find_map(|line| line.strip_prefix("full = "))
            .expect("a full feature");
        for service in SERVICES {
            assert!(
                manifest.contains(&format!("\n{service} = []\n")),
                "no feature {service}"
            );
            assert!(
                full.contains(&format!("\"{service}\"")),
                "full lacks {service}"
            );
        }
        assert!(SERVICES.len() > 300, "{}", SERVICES.len());
    }

    #[test]
    fn lookups_find_every_type_and_nothing_else() {
        let types = all_types();
        assert!(types.len() > 1800, "{}", types.len());
        for pair in types.windows(2) {
            assert!(
                pair[0].type_name < pair[1].type_name,
                "sorted, no duplicates"
            );
        }
        for info in types {
            assert!(std::ptr::eq(type_info(info.type_name).unwrap(), info));
        }
        assert!(type_info("AWS::SSM::Nothing").is_none());
        let parameter = type_info("AWS::SSM::Parameter").unwrap();
        assert_eq!(parameter.primary_identifier, ["Name"]);
        assert!(parameter.in_region("ap-southeast-1"));
        let db = type_info("AWS::RDS::DBInstance").unwrap();
        assert!(db.write_only.contains(&"MasterUserPassword"));
        assert!(db.read_only.contains(&"Endpoint.Address"));
    }

    #[test]
    fn replication_group_facts_come_from_its_schema() {
        let info = type_info("AWS::ElastiCache::ReplicationGroup").unwrap();
        assert_eq!(info.required, ["ReplicationGroupDescription"]);
        for create_only in [
            "Port",
            "ReplicationGroupId",
            "CacheSubnetGroupName",
            "NetworkType",
        ] {
            assert!(info.create_only.contains(&create_only), "{create_only}");
        }
        assert!(!info.create_only.contains(&"CacheNodeType"));
        assert!(info.attributes.contains(&"PrimaryEndPoint.Address"));
        assert!(info.attributes.contains(&"PrimaryEndPoint.Port"));
        // An endpoint object is not something Fn::GetAtt can return; its fields are.
        assert!(!info.attributes.contains(&"PrimaryEndPoint"));
        // Read-only properties cannot be set.
        assert!(!info.properties.contains(&"PrimaryEndPoint"));
        assert!(info.properties.contains(&"SnapshotRetentionLimit"));
    }

    #[test]
    fn serialization_uses_cloudformation_names_and_leaves_out_what_is_unset() {
        let group = elasticache::SubnetGroup::new("desc", vec!["subnet-1", "subnet-2"])
            .cache_subnet_group_name("bandup-cached-subnet-group");
        assert_eq!(
            serde_json::to_value(&group).unwrap(),
            serde_json::json!({
                "CacheSubnetGroupName": "bandup-cached-subnet-group",
                "Description": "desc",
                "SubnetIds": ["subnet-1", "subnet-2"],
            })
        );
    }

    #[test]
    fn nested_property_types_and_enums_serialize_exactly() {
        let group = ec2::SecurityGroup::new("sg").security_group_ingress(vec![
            ec2::security_group::Ingress::new("tcp")
                .from_port(6379)
                .to_port(6379)
                .source_security_group_id(Intrinsic::ref_("Backend")),
        ]);
        assert_eq!(
            serde_json::to_value(&group).unwrap()["SecurityGroupIngress"],
            serde_json::json!([{
                "FromPort": 6379, "IpProtocol": "tcp",
                "SourceSecurityGroupId": {"Ref": "Backend"}, "ToPort": 6379
            }])
        );
        let user = elasticache::User::new(elasticache::user::Engine::Valkey, "u1", "name");
        assert_eq!(serde_json::to_value(&user).unwrap()["Engine"], "valkey");
    }

    #[test]
    fn handles_give_typed_attributes() {
        let mut template = Template::new();
        let cache = template.add("Cache", elasticache::ReplicationGroup::new("cache"));
        assert_eq!(
            Value::from(cache.primary_end_point_address()),
            Value::from(Intrinsic::get_att("Cache", "PrimaryEndPoint.Address"))
        );
        assert_eq!(cache.to_ref(), Intrinsic::ref_("Cache"));
        assert_eq!(
            template.resources["Cache"].type_name,
            "AWS::ElastiCache::ReplicationGroup"
        );
    }
}
