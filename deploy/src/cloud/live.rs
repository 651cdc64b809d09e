//! Existing resources read through their services' own describe calls, in CloudFormation's
//! property shape: what `cfnforge import` compares with the template.
//!
//! Why the services' describe calls and not Cloud Control's `GetResource` (which answers in
//! CloudFormation's shape for any type): Cloud Control is a JSON protocol the build has no
//! client for (`aws-sdk-cloudcontrol` is one more SDK crate to build), and `GetResource` needs
//! each type's read permissions anyway. EC2's and ElastiCache's Query APIs go through the
//! signed requests of `ec2.rs`, which add no crate; the price is a mapping per type, here for
//! the three types cfnforge's cache stack makes. Other types are reported as not readable
//! before anything runs.
//!
//! References: Amazon EC2 API Reference, DescribeSecurityGroups (`ipPermissions`, `groups`,
//! `ipRanges`, `tagSet`); Amazon ElastiCache API Reference, DescribeReplicationGroups,
//! DescribeCacheClusters, DescribeCacheSubnetGroups, ListTagsForResource.

use serde_json::{Map, Value, json};

use super::LiveResource;
use super::ec2::Element;

/// The types [`live_resource`](super::Cloud::live_resource) can read.
pub const READABLE: [&str; 3] = [
    "AWS::EC2::SecurityGroup",
    "AWS::ElastiCache::SubnetGroup",
    "AWS::ElastiCache::ReplicationGroup",
];

/// The elements of that name among `parent`'s children (ElastiCache lists repeat the member's
/// own name: `<Subnets><Subnet>...`).
fn all<'a>(parent: Option<&'a Element>, name: &'a str) -> impl Iterator<Item = &'a Element> {
    parent
        .into_iter()
        .flat_map(move |p| p.children.iter().filter(move |c| c.name == name))
}

/// Tags as a template sets them, `aws:` ones left out; an empty list when there are none
/// (read, and none set).
fn tags(pairs: impl Iterator<Item = (String, String)>) -> Option<Value> {
    let tags: Vec<Value> = pairs
        .filter(|(k, _)| !k.starts_with("aws:"))
        .map(|(k, v)| json!({"Key": k, "Value": v}))
        .collect();
    Some(Value::Array(tags))
}

fn number(text: Option<&str>) -> Option<Value> {
    text.and_then(|t| t.trim().parse::<i64>().ok())
        .map(Value::from)
}

fn boolean(text: Option<&str>) -> Option<Value> {
    match text.map(str::trim) {
        Some("true") => Some(Value::Bool(true)),
        Some("false") => Some(Value::Bool(false)),
        _ => None,
    }
}

fn string(text: Option<&str>) -> Option<Value> {
    text.filter(|t| !t.is_empty())
        .map(|t| Value::String(t.to_string()))
}

fn put(map: &mut Map<String, Value>, key: &str, value: Option<Value>) {
    if let Some(value) = value {
        map.insert(key.to_string(), value);
    }
}

/// An `<item>` of DescribeSecurityGroups as `AWS::EC2::SecurityGroup` properties. Egress is
/// left out: a template without `SecurityGroupEgress` gets the same allow-all rule a console
/// group has.
pub fn security_group(item: &Element) -> LiveResource {
    let mut p = Map::new();
    put(&mut p, "GroupName", string(item.text_of("groupName")));
    put(
        &mut p,
        "GroupDescription",
        string(item.text_of("groupDescription")),
    );
    put(&mut p, "VpcId", string(item.text_of("vpcId")));
    let mut ingress = Vec::new();
    for rule in item.items("ipPermissions") {
        let mut base = Map::new();
        put(&mut base, "IpProtocol", string(rule.text_of("ipProtocol")));
        put(&mut base, "FromPort", number(rule.text_of("fromPort")));
        put(&mut base, "ToPort", number(rule.text_of("toPort")));
        let sources = rule
            .items("groups")
            .map(|g| ("SourceSecurityGroupId", g.text_of("groupId"), g))
            .chain(
                rule.items("ipRanges")
                    .map(|r| ("CidrIp", r.text_of("cidrIp"), r)),
            )
            .chain(
                rule.items("ipv6Ranges")
                    .map(|r| ("CidrIpv6", r.text_of("cidrIpv6"), r)),
            );
        for (key, value, source) in sources {
            let mut one = base.clone();
            put(&mut one, key, string(value));
            put(
                &mut one,
                "Description",
                string(source.text_of("description")),
            );
            ingress.push(Value::Object(one));
        }
    }
    if !ingress.is_empty() {
        p.insert("SecurityGroupIngress".to_string(), Value::Array(ingress));
    }
    put(
        &mut p,
        "Tags",
        tags(item.items("tagSet").map(|t| {
            (
                t.text_of("key").unwrap_or_default().to_string(),
                t.text_of("value").unwrap_or_default().to_string(),
            )
        })),
    );
    LiveResource {
        physical_id: item.text_of("groupId").unwrap_or_default().to_string(),
        properties: p,
        arn: None,
    }
}

/// ListTagsForResource's `<TagList>` as key-value pairs.
pub fn elasticache_tags(answer: &Element) -> Vec<(String, String)> {
    let list = answer
        .child("ListTagsForResourceResult")
        .and_then(|r| r.child("TagList"));
    all(list, "Tag")
        .map(|t| {
            (
                t.text_of("Key").unwrap_or_default().to_string(),
                t.text_of("Value").unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// The first `<CacheSubnetGroup>` of DescribeCacheSubnetGroups as `AWS::ElastiCache::SubnetGroup`.
pub fn subnet_group(answer: &Element, tag_pairs: Vec<(String, String)>) -> Option<LiveResource> {
    let groups = answer
        .child("DescribeCacheSubnetGroupsResult")
        .and_then(|r| r.child("CacheSubnetGroups"));
    let group = all(groups, "CacheSubnetGroup").next()?;
    let mut p = Map::new();
    put(
        &mut p,
        "CacheSubnetGroupName",
        string(group.text_of("CacheSubnetGroupName")),
    );
    put(
        &mut p,
        "Description",
        string(group.text_of("CacheSubnetGroupDescription")),
    );
    let subnets: Vec<Value> = all(group.child("Subnets"), "Subnet")
        .filter_map(|s| string(s.text_of("SubnetIdentifier")))
        .collect();
    p.insert("SubnetIds".to_string(), Value::Array(subnets));
    put(&mut p, "Tags", tags(tag_pairs.into_iter()));
    Some(LiveResource {
        physical_id: group
            .text_of("CacheSubnetGroupName")
            .unwrap_or_default()
            .to_string(),
        properties: p,
        arn: group.text_of("ARN").map(str::to_string),
    })
}

/// The first `<ReplicationGroup>` of DescribeReplicationGroups, completed by its first member
/// cluster (DescribeCacheClusters: subnet group, security groups, engine version, which the
/// group itself does not report), as `AWS::ElastiCache::ReplicationGroup`.
pub fn replication_group(
    answer: &Element,
    member: Option<&Element>,
    tag_pairs: Vec<(String, String)>,
) -> Option<(LiveResource, Option<String>)> {
    let groups = answer
        .child("DescribeReplicationGroupsResult")
        .and_then(|r| r.child("ReplicationGroups"));
    let group = all(groups, "ReplicationGroup").next()?;
    let mut p = Map::new();
    let id = group.text_of("ReplicationGroupId").unwrap_or_default();
    put(&mut p, "ReplicationGroupId", string(Some(id)));
    put(
        &mut p,
        "ReplicationGroupDescription",
        string(group.text_of("Description")),
    );
    put(&mut p, "Engine", string(group.text_of("Engine")));
    put(
        &mut p,
        "CacheNodeType",
        string(group.text_of("CacheNodeType")),
    );
    put(
        &mut p,
        "AtRestEncryptionEnabled",
        boolean(group.text_of("AtRestEncryptionEnabled")),
    );
    put(
        &mut p,
        "TransitEncryptionEnabled",
        boolean(group.text_of("TransitEncryptionEnabled")),
    );
    put(
        &mut p,
        "TransitEncryptionMode",
        string(group.text_of("TransitEncryptionMode")),
    );
    put(
        &mut p,
        "AutomaticFailoverEnabled",
        group
            .text_of("AutomaticFailover")
            .map(|s| Value::Bool(s == "enabled")),
    );
    put(
        &mut p,
        "MultiAZEnabled",
        group
            .text_of("MultiAZ")
            .map(|s| Value::Bool(s == "enabled")),
    );
    put(
        &mut p,
        "SnapshotRetentionLimit",
        number(group.text_of("SnapshotRetentionLimit")),
    );
    put(&mut p, "NetworkType", string(group.text_of("NetworkType")));
    let members = all(group.child("MemberClusters"), "ClusterId").count();
    if group.text_of("ClusterEnabled") != Some("true") && members > 0 {
        p.insert("NumCacheClusters".to_string(), Value::from(members));
    }
    let node_group = all(group.child("NodeGroups"), "NodeGroup").next();
    let port = node_group
        .and_then(|n| n.child("PrimaryEndpoint"))
        .and_then(|e| e.text_of("Port"))
        .or_else(|| {
            group
                .child("ConfigurationEndpoint")
                .and_then(|e| e.text_of("Port"))
        });
    put(&mut p, "Port", number(port));
    if let Some(cluster) = member {
        put(
            &mut p,
            "EngineVersion",
            string(cluster.text_of("EngineVersion")),
        );
        put(
            &mut p,
            "CacheSubnetGroupName",
            string(cluster.text_of("CacheSubnetGroupName")),
        );
        let security_groups: Vec<Value> = all(cluster.child("SecurityGroups"), "member")
            .filter_map(|g| string(g.text_of("SecurityGroupId")))
            .collect();
        if !security_groups.is_empty() {
            p.insert(
                "SecurityGroupIds".to_string(),
                Value::Array(security_groups),
            );
        }
    }
    put(&mut p, "Tags", tags(tag_pairs.into_iter()));
    let first_member = all(group.child("MemberClusters"), "ClusterId")
        .next()
        .map(|c| c.text.clone());
    Some((
        LiveResource {
            physical_id: id.to_string(),
            properties: p,
            arn: group.text_of("ARN").map(str::to_string),
        },
        first_member,
    ))
}

/// The first `<CacheCluster>` of DescribeCacheClusters.
pub fn cache_cluster(answer: &Element) -> Option<&Element> {
    let clusters = answer
        .child("DescribeCacheClustersResult")
        .and_then(|r| r.child("CacheClusters"));
    all(clusters, "CacheCluster").next()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cloud::ec2::parse_xml;

    #[test]
    fn a_replication_group_and_its_member_read_as_template_properties() {
        let group = parse_xml(
            "<DescribeReplicationGroupsResponse><DescribeReplicationGroupsResult>\
             <ReplicationGroups><ReplicationGroup><ReplicationGroupId>bandup-redis</ReplicationGroupId>\
             <Description>in memory db</Description><MemberClusters><ClusterId>bandup-redis-001</ClusterId>\
             </MemberClusters><NodeGroups><NodeGroup><PrimaryEndpoint><Address>a</Address><Port>6379</Port>\
             </PrimaryEndpoint></NodeGroup></NodeGroups><AutomaticFailover>disabled</AutomaticFailover>\
             <AtRestEncryptionEnabled>false</AtRestEncryptionEnabled><SnapshotRetentionLimit>1</SnapshotRetentionLimit>\
             <ARN>arn:rg</ARN></ReplicationGroup></ReplicationGroups></DescribeReplicationGroupsResult>\
             </DescribeReplicationGroupsResponse>",
        )
        .unwrap();
        let member = parse_xml(
            "<DescribeCacheClustersResponse><DescribeCacheClustersResult><CacheClusters><CacheCluster>\
             <CacheSubnetGroupName>sub</CacheSubnetGroupName><EngineVersion>8.0</EngineVersion>\
             <SecurityGroups><member><SecurityGroupId>sg-1</SecurityGroupId></member></SecurityGroups>\
             </CacheCluster></CacheClusters></DescribeCacheClustersResult></DescribeCacheClustersResponse>",
        )
        .unwrap();
        let (live, first) = replication_group(
            &group,
            cache_cluster(&member),
            vec![("aws:x".into(), "y".into())],
        )
        .unwrap();
        assert_eq!(first.as_deref(), Some("bandup-redis-001"));
        assert_eq!(live.arn.as_deref(), Some("arn:rg"));
        assert_eq!(
            Value::Object(live.properties),
            json!({
                "ReplicationGroupId": "bandup-redis",
                "ReplicationGroupDescription": "in memory db",
                "AtRestEncryptionEnabled": false,
                "AutomaticFailoverEnabled": false,
                "SnapshotRetentionLimit": 1,
                "NumCacheClusters": 1,
                "Port": 6379,
                "EngineVersion": "8.0",
                "CacheSubnetGroupName": "sub",
                "SecurityGroupIds": ["sg-1"],
                "Tags": [],
            })
        );
    }

    #[test]
    fn a_security_group_has_one_ingress_rule_per_source() {
        let answer = parse_xml(
            "<r><securityGroupInfo><item><groupId>sg-1</groupId><groupName>redis-sg</groupName>\
             <groupDescription>d</groupDescription><vpcId>vpc-1</vpcId><ipPermissions><item>\
             <ipProtocol>tcp</ipProtocol><fromPort>6379</fromPort><toPort>6379</toPort>\
             <groups><item><groupId>sg-2</groupId></item></groups>\
             <ipRanges><item><cidrIp>10.0.0.0/8</cidrIp><description>office</description></item></ipRanges>\
             </item></ipPermissions><tagSet/></item></securityGroupInfo></r>",
        )
        .unwrap();
        let item = answer.items("securityGroupInfo").next().unwrap();
        let live = security_group(item);
        assert_eq!(live.physical_id, "sg-1");
        assert_eq!(
            live.properties["SecurityGroupIngress"],
            json!([
                {"IpProtocol": "tcp", "FromPort": 6379, "ToPort": 6379, "SourceSecurityGroupId": "sg-2"},
                {"IpProtocol": "tcp", "FromPort": 6379, "ToPort": 6379, "CidrIp": "10.0.0.0/8", "Description": "office"},
            ])
        );
        assert_eq!(live.properties["Tags"], json!([]), "read, and none set");
    }
}
