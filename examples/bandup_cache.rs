// The bandup cache from the seed page, built with the generated resource types and rendered as
// YAML. `cargo run -p cfnforge --example bandup_cache` prints the template.

use cfnforge::render::{Format, render};
use cfnforge::resources::{ec2, elasticache};
use cfnforge::template::{
    DeletionPolicy, Output, Parameter, ParameterType, ResourceOptions, Template,
};

/// Security group, cache subnet group and replication group, and the primary endpoint as outputs.
pub fn bandup_cache() -> Template {
    let mut template =
        Template::new().with_description("In-memory data store (Valkey) for the bandup backend");

    // The network already exists: its IDs come in as parameters.
    let vpc = template.add_parameter(
        "VpcId",
        Parameter::new(ParameterType::VPC_ID).description("VPC band-up-vpc"),
    );
    let subnets = template.add_parameter(
        "SubnetIds",
        Parameter::new(ParameterType::list_of(ParameterType::SUBNET_ID))
            .description("Subnets private-database-subnet-1, private-database-subnet-2"),
    );
    let backend = template.add_parameter(
        "BackendSecurityGroupId",
        Parameter::new(ParameterType::SECURITY_GROUP_ID)
            .description("Security group ecs-backend-sg"),
    );

    let security_group = template.add(
        "CacheSecurityGroup",
        ec2::SecurityGroup::new("Valkey cache bandup-redis")
            .group_name("redis-sg")
            .vpc_id(vpc)
            .security_group_ingress(vec![
                ec2::security_group::Ingress::new("tcp")
                    .from_port(6379)
                    .to_port(6379)
                    .source_security_group_id(backend)
                    .description("Valkey from ecs-backend-sg"),
            ]),
    );
    let subnet_group = template.add(
        "CacheSubnetGroup",
        elasticache::SubnetGroup::new("Subnets of the bandup cache", subnets)
            .cache_subnet_group_name("bandup-cached-subnet-group"),
    );
    let cache = template.add_with(
        "Cache",
        elasticache::ReplicationGroup::new("in memory db for bandup")
            .replication_group_id("bandup-redis")
            .engine("valkey")
            .engine_version("8.0")
            .cache_node_type("cache.t3.micro")
            .num_cache_clusters(1)
            .port(6379)
            .network_type("ipv4")
            .cache_subnet_group_name(subnet_group.to_ref())
            .security_group_ids(vec![security_group.group_id()])
            .at_rest_encryption_enabled(true)
            .transit_encryption_enabled(true)
            .transit_encryption_mode("required")
            .snapshot_retention_limit(1),
        ResourceOptions::default()
            .deletion_policy(DeletionPolicy::Snapshot)
            .update_replace_policy(DeletionPolicy::Snapshot),
    );
    template.add_output(
        "PrimaryEndpointAddress",
        Output::new(cache.primary_end_point_address()).description("Primary endpoint host"),
    );
    template.add_output(
        "PrimaryEndpointPort",
        Output::new(cache.primary_end_point_port()).description("Primary endpoint port"),
    );
    template
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let yaml = render(&bandup_cache(), Format::Yaml)?;
    assert!(yaml.contains("Fn::GetAtt"));
    print!("{yaml}");
    Ok(())
}
