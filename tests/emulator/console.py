"""Makes in the emulator what the seed page's console clicks make ("Create ElastiCache
(Redis/Valkey)"): the security group redis-sg (TCP 6379 from ecs-backend-sg), the cache subnet
group bandup-cached-subnet-group over the VPC's subnets, and the replication group bandup-redis
(Valkey, cluster mode disabled, cache.t3.micro, no replicas, IPv4, encryption at rest and in
transit, backups kept 1 day), through the EC2 and ElastiCache APIs as the console calls them.

The network (band-up-vpc, its subnets, ecs-backend-sg) must exist: the README's emulator
walkthrough makes it. Prints {"security_group": ID} as JSON.

    python console.py ENDPOINT [--without-cache] [--without-encryption-at-rest] [--engine-version=V]

The console asks for a security group description and has no default; this one types the
group's name, as many do.
"""
import json
import sys

from aws_call import client


def main() -> None:
    endpoint = sys.argv[1]
    flags = set(sys.argv[2:])
    version = "8.0"
    for flag in list(flags):
        if flag.startswith("--engine-version="):
            version = flag.split("=", 1)[1]
            flags.remove(flag)
    unknown = flags - {"--without-cache", "--without-encryption-at-rest"}
    if unknown:
        sys.exit(f"unknown flags: {sorted(unknown)}")
    ec2 = client("ec2", endpoint)
    elasticache = client("elasticache", endpoint)

    backend = ec2.describe_security_groups(
        Filters=[{"Name": "group-name", "Values": ["ecs-backend-sg"]}]
    )["SecurityGroups"]
    if len(backend) != 1:
        sys.exit("no single ecs-backend-sg: make the network first (the README's walkthrough)")
    vpc = backend[0]["VpcId"]

    # 1. EC2 > Security Groups > Create: redis-sg, TCP 6379 from ecs-backend-sg.
    group = ec2.create_security_group(GroupName="redis-sg", Description="redis-sg", VpcId=vpc)
    ec2.authorize_security_group_ingress(
        GroupId=group["GroupId"],
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 6379,
                "ToPort": 6379,
                "UserIdGroupPairs": [{"GroupId": backend[0]["GroupId"]}],
            }
        ],
    )
    # 2. ElastiCache > Subnet groups > Create: the VPC's private database subnets.
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"]
    elasticache.create_cache_subnet_group(
        CacheSubnetGroupName="bandup-cached-subnet-group",
        CacheSubnetGroupDescription="bandup private database subnets",
        SubnetIds=[s["SubnetId"] for s in subnets],
    )
    # 3. ElastiCache > Caches > Create: Valkey, cluster mode disabled, no replicas.
    if "--without-cache" not in flags:
        elasticache.create_replication_group(
            ReplicationGroupId="bandup-redis",
            ReplicationGroupDescription="in memory db for bandup",
            Engine="valkey",
            EngineVersion=version,
            CacheNodeType="cache.t3.micro",
            NumCacheClusters=1,
            NetworkType="ipv4",
            CacheSubnetGroupName="bandup-cached-subnet-group",
            SecurityGroupIds=[group["GroupId"]],
            AtRestEncryptionEnabled="--without-encryption-at-rest" not in flags,
            TransitEncryptionEnabled=True,
            SnapshotRetentionLimit=1,
        )
    print(json.dumps({"security_group": group["GroupId"]}))


if __name__ == "__main__":
    main()
