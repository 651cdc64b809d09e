// The bandup app's stacks, checked with cfnforge's assertions on what it synthesizes. The
// workspace's tests/bandup_app.rs includes this file, so CI runs these tests too (keep the
// comments plain: an included file cannot have inner doc comments).

use bandup_app::{ENDPOINT_PARAMETER, app};
use cfnforge::assertions::{Capture, Match, Template};
use serde_json::json;

#[test]
fn the_cache_stack_is_the_seed_pages_cache() {
    let template = Template::from_app(&app().unwrap(), "bandup-redis").unwrap();
    template.resource_count_is("AWS::EC2::SecurityGroup", 1);
    template.resource_count_is("AWS::ElastiCache::SubnetGroup", 1);
    template.resource_count_is("AWS::ElastiCache::ReplicationGroup", 1);
    template.has_resource(
        "AWS::ElastiCache::ReplicationGroup",
        json!({
            "Properties": {
                "ReplicationGroupId": "bandup-redis",
                "Engine": "valkey",
                "EngineVersion": "8.0",
                "CacheNodeType": "cache.t3.micro",
                "NumCacheClusters": 1,
                "AtRestEncryptionEnabled": true,
                "TransitEncryptionMode": "required",
                "SnapshotRetentionLimit": 1,
                "AuthToken": Match::absent(),
                "Tags": [{"Key": "project", "Value": "bandup"}],
            },
            "DeletionPolicy": "Snapshot",
            "UpdateReplacePolicy": "Snapshot",
        }),
    );
    // Only the backend's security group gets in, on the cache's port.
    template.has_resource_properties(
        "AWS::EC2::SecurityGroup",
        json!({
            "GroupName": "redis-sg",
            "SecurityGroupIngress": [{
                "IpProtocol": "tcp", "FromPort": 6379, "ToPort": 6379,
                "SourceSecurityGroupId": {"Ref": "EcsBackendSgSecurityGroupId"},
                "CidrIp": Match::absent(),
            }],
        }),
    );
    template.template_matches(json!({
        "Parameters": {"VpcId": {"Type": "AWS::EC2::VPC::Id"}},
        "Metadata": {"cfnforge": {"suppressions": Match::array_with(json!([
            {"rule": "CF-EC-006", "resource": "BandupRedis", "reason": Match::string_like_regexp("no access control")}
        ]))}},
    }));
}

#[test]
fn the_parameter_reads_the_primary_endpoint_from_the_cache_stack() {
    let app = app().unwrap();
    let cache = Template::from_app(&app, "bandup-redis").unwrap();
    let export = Capture::new();
    cache.has_output(
        "*",
        json!({
            "Value": {"Fn::GetAtt": ["BandupRedis", "PrimaryEndPoint.Address"]},
            "Export": {"Name": export},
        }),
    );

    let config = Template::from_app(&app, "bandup-redis-config").unwrap();
    config.resource_count_is("AWS::SSM::Parameter", 1);
    config.has_resource_properties(
        "AWS::SSM::Parameter",
        json!({
            "Name": ENDPOINT_PARAMETER,
            "Type": "String",
            "Value": {"Fn::ImportValue": export.as_string()},
            "Tags": {"project": "bandup"},
        }),
    );

    let assembly = app.synth().unwrap();
    let config = assembly.stack("bandup-redis-config").unwrap();
    assert_eq!(config.dependencies, ["bandup-redis"]);
    assert_eq!(config.imports, [export.as_string()]);
    assert_eq!(config.region.as_deref(), Some("ap-southeast-1"));
}
