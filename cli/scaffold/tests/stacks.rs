// Tests of the stacks with cfnforge's assertions: patterns are serde_json::json! values that
// match deep and partially (a resource matches when it has at least the pattern's keys), with
// Match matchers anywhere in them. `cargo test` runs them; no AWS access is needed.

use cfnforge::assertions::{Match, Template};
use serde_json::json;

#[test]
fn the_cache_is_encrypted_and_reached_only_from_the_backend() {
    let app = {{crate}}::app().unwrap();
    let template = Template::from_app(&app, "bandup-redis").unwrap();

    template.resource_count_is("AWS::ElastiCache::ReplicationGroup", 1);
    template.has_resource_properties(
        "AWS::ElastiCache::ReplicationGroup",
        json!({
            "Engine": "valkey",
            "CacheNodeType": "cache.t3.micro",
            "AtRestEncryptionEnabled": true,
            "TransitEncryptionMode": "required",
            "AuthToken": Match::absent(),
            "Tags": Match::array_with(json!([{"Key": "project", "Value": "bandup"}])),
        }),
    );
    template.has_resource_properties(
        "AWS::EC2::SecurityGroup",
        json!({
            "SecurityGroupIngress": [{
                "IpProtocol": "tcp",
                "FromPort": 6379,
                "ToPort": 6379,
                "SourceSecurityGroupId": Match::any_value(),
                "CidrIp": Match::absent(),
            }],
        }),
    );
}
