//! Resource types generated from the CloudFormation registry schemas in `schemas/` by `build.rs`
//! (see `codegen/`). Nothing here is edited by hand: add a schema file and rebuild.

/// What the schema says about a resource type, for checks and for judging replacement.
#[derive(Debug)]
pub struct TypeInfo {
    /// `AWS::Service::Type`.
    pub type_name: &'static str,
    /// Properties a template may set (the schema's read-only ones excluded).
    pub properties: &'static [&'static str],
    /// Properties that must be set.
    pub required: &'static [&'static str],
    /// Properties whose change replaces the resource, as dotted paths (`Port`, `A.B`).
    pub create_only: &'static [&'static str],
    /// Attributes `Fn::GetAtt` can ask for (`PrimaryEndPoint.Address`).
    pub attributes: &'static [&'static str],
}

include!(concat!(env!("OUT_DIR"), "/resources.rs"));

/// Every generated resource type.
pub fn all_types() -> &'static [TypeInfo] {
    TYPES
}

/// The schema facts for a type name, if cfnforge has its schema.
pub fn type_info(type_name: &str) -> Option<&'static TypeInfo> {
    TYPES.iter().find(|t| t.type_name == type_name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::{Intrinsic, Template, Value};

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
