"""End-to-end check of the AWS emulator (tests/emulator/serve).

    target/venv/bin/python tests/emulator/smoke_test.py

Deploys fixtures/bandup.template.yaml (a Valkey replication group in its own
subnet group and security group) to the emulator, updates it through a change
set and deletes it, checking each step through the ElastiCache API. Then runs
the same scenario on plain moto and expects it to fail, which shows that the
extensions are what make it pass. Exits non-zero with a message on failure.
"""

import select
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import boto3
import requests
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.parsers import ResponseParserError

HERE = Path(__file__).resolve().parent
SERVE = HERE / "serve"
TEMPLATE = (HERE / "fixtures" / "bandup.template.yaml").read_text()
STACK = "bandup"
READY_TIMEOUT = 300  # seconds; the first run also creates target/venv


class Failure(Exception):
    pass


def check(condition: bool, message: str) -> None:
    if not condition:
        raise Failure(message)


@contextmanager
def emulator(*args: str) -> Iterator[str]:
    """Run tests/emulator/serve on a free port; yield its URL."""
    with tempfile.TemporaryFile("w+") as log:
        server = subprocess.Popen(
            [str(SERVE), "--port", "0", *args], stdout=subprocess.PIPE, stderr=log, text=True
        )
        try:
            ready, _, _ = select.select([server.stdout], [], [], READY_TIMEOUT)
            line = server.stdout.readline() if ready else ""
            check(line.startswith("ready on "), f"no ready line from {SERVE} (got {line!r})")
            yield line.split()[-1]
        except BaseException:
            log.seek(0)
            print(f"--- emulator stderr ---\n{log.read()[-4000:]}", file=sys.stderr)
            raise
        finally:
            server.terminate()
            server.wait(timeout=10)


def expect_gone(describe: Callable[[], Any], error_code: str) -> None:
    """Check that describe() fails with error_code."""
    try:
        found = describe()
    except ClientError as error:
        code = error.response["Error"]["Code"]
        check(code == error_code, f"expected {error_code} after delete, got {code}")
    else:
        raise Failure(f"still there after the stack was deleted: {found}")


def scenario(url: str) -> None:
    # One attempt per call: a retried HTTP 500 would only slow the failure down.
    session = boto3.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name="ap-southeast-1"
    )
    config = Config(retries={"total_max_attempts": 1})
    ec2, cfn, elasticache = (
        session.client(service, endpoint_url=url, config=config)
        for service in ("ec2", "cloudformation", "elasticache")
    )

    vpc = ec2.create_vpc(
        CidrBlock="10.0.0.0/16",
        TagSpecifications=[
            {"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": "band-up-vpc"}]}
        ],
    )["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(
            VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=f"ap-southeast-1{az}"
        )["Subnet"]["SubnetId"]
        for i, az in ((1, "a"), (2, "b"))
    ]
    backend_sg = ec2.create_security_group(
        GroupName="ecs-backend-sg", Description="ECS backend", VpcId=vpc
    )["GroupId"]
    # List parameters go in as a comma-separated string, as on AWS. (Not
    # UsePreviousValue on update: moto fails on it for List parameters.)
    parameters = [
        {"ParameterKey": "VpcId", "ParameterValue": vpc},
        {"ParameterKey": "SubnetIds", "ParameterValue": ",".join(subnets)},
        {"ParameterKey": "BackendSg", "ParameterValue": backend_sg},
    ]

    cfn.create_stack(StackName=STACK, TemplateBody=TEMPLATE, Parameters=parameters)
    stack = cfn.describe_stacks(StackName=STACK)["Stacks"][0]
    check(stack["StackStatus"] == "CREATE_COMPLETE", f"stack is {stack['StackStatus']}")
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
    check(bool(outputs.get("PrimaryEndpointAddress")), f"no PrimaryEndpointAddress in {outputs}")
    check(outputs.get("PrimaryEndpointPort") == "6379", f"PrimaryEndpointPort in {outputs}")

    group = elasticache.describe_replication_groups(ReplicationGroupId="bandup-redis")[
        "ReplicationGroups"
    ][0]
    expected = {
        "Status": "available",
        "Engine": "valkey",
        "CacheNodeType": "cache.t3.micro",
        "AtRestEncryptionEnabled": True,
        "TransitEncryptionEnabled": True,
        "TransitEncryptionMode": "required",
        "SnapshotRetentionLimit": 1,
        "NetworkType": "ipv4",
    }
    actual = {key: group.get(key) for key in expected}
    check(actual == expected, f"replication group has {actual}, expected {expected}")
    endpoint = group["NodeGroups"][0]["PrimaryEndpoint"]
    check(
        endpoint == {"Address": outputs["PrimaryEndpointAddress"], "Port": 6379},
        f"PrimaryEndpoint {endpoint} does not match the outputs {outputs}",
    )

    # The ReplicationGroup API shape has no subnet group or security groups;
    # moto's own state dump shows what the group was created with.
    redis_sg = cfn.describe_stack_resource(StackName=STACK, LogicalResourceId="RedisSecurityGroup")[
        "StackResourceDetail"
    ]["PhysicalResourceId"]
    state = requests.get(f"{url}/moto-api/data.json", timeout=10).json()
    live = [
        g
        for g in state["elasticache"]["ReplicationGroup"]
        if g["replication_group_id"] == "bandup-redis" and g["status"] == "available"
    ]
    check(len(live) == 1, f"moto's state has {len(live)} live bandup-redis groups")
    placement = {k: live[0][k] for k in ("cache_subnet_group_name", "security_group_ids")}
    expected_placement = {
        "cache_subnet_group_name": "bandup-cached-subnet-group",
        "security_group_ids": [redis_sg],
    }
    check(placement == expected_placement, f"replication group placed in {placement}")

    subnet_group = elasticache.describe_cache_subnet_groups(
        CacheSubnetGroupName="bandup-cached-subnet-group"
    )["CacheSubnetGroups"][0]
    listed = sorted(s["SubnetIdentifier"] for s in subnet_group["Subnets"])
    check(listed == sorted(subnets), f"subnet group has subnets {listed}, expected {subnets}")
    check(subnet_group["VpcId"] == vpc, f"subnet group is in {subnet_group['VpcId']}")

    # In-place update through a change set; the added output shows that the
    # stack's outputs follow the new template.
    updated = TEMPLATE.replace("SnapshotRetentionLimit: 1", "SnapshotRetentionLimit: 2") + (
        "  ReaderEndpointAddress:\n    Value:\n      Fn::GetAtt: [Redis, ReaderEndPoint.Address]\n"
    )
    change_set = cfn.create_change_set(
        StackName=STACK,
        ChangeSetName="retention-2",
        ChangeSetType="UPDATE",
        TemplateBody=updated,
        Parameters=parameters,
    )["Id"]
    described = cfn.describe_change_set(ChangeSetName=change_set)
    check(described["Status"] == "CREATE_COMPLETE", f"change set is {described['Status']}")
    changes = [
        (c["ResourceChange"]["Action"], c["ResourceChange"]["LogicalResourceId"])
        for c in described["Changes"]
    ]
    check(changes == [("Modify", "Redis")], f"change set changes {changes}")
    cfn.execute_change_set(ChangeSetName=change_set)
    stack = cfn.describe_stacks(StackName=STACK)["Stacks"][0]
    check(
        stack["StackStatus"] == "UPDATE_COMPLETE", f"stack is {stack['StackStatus']} after update"
    )
    group = elasticache.describe_replication_groups(ReplicationGroupId="bandup-redis")[
        "ReplicationGroups"
    ][0]
    check(
        group["SnapshotRetentionLimit"] == 2,
        f"SnapshotRetentionLimit {group['SnapshotRetentionLimit']}",
    )
    check(
        group["NodeGroups"][0]["PrimaryEndpoint"] == endpoint,
        "the primary endpoint changed: the group was replaced, not updated in place",
    )
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
    check(
        outputs.get("ReaderEndpointAddress", "").startswith("replica.bandup-redis."),
        f"outputs after the update: {outputs}",
    )

    stack_id = stack["StackId"]
    cfn.delete_stack(StackName=STACK)
    status = cfn.describe_stacks(StackName=stack_id)["Stacks"][0]["StackStatus"]
    check(status == "DELETE_COMPLETE", f"stack is {status} after delete")
    expect_gone(
        lambda: elasticache.describe_replication_groups(ReplicationGroupId="bandup-redis"),
        "ReplicationGroupNotFoundFault",
    )
    expect_gone(
        lambda: elasticache.describe_cache_subnet_groups(
            CacheSubnetGroupName="bandup-cached-subnet-group"
        ),
        "CacheSubnetGroupNotFoundFault",
    )


def main() -> int:
    started = time.monotonic()
    try:
        with emulator() as url:
            scenario(url)
        with emulator("--without-extensions") as url:
            try:
                scenario(url)
            except (Failure, ClientError, ResponseParserError) as error:
                first_line = str(error).splitlines()[0]
                print(f"plain moto fails, as expected: {type(error).__name__}: {first_line}")
            else:
                raise Failure(
                    "the scenario passes on plain moto: the extensions make no difference"
                )
    except Exception as error:
        print(f"smoke test FAILED: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    print(f"smoke test passed in {time.monotonic() - started:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
