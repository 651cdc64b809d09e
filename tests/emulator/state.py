"""Prints, as JSON, what the emulator holds that a deploy can leave behind: live stacks with
their status and change sets, replication groups, cache subnet groups and security groups.

Used by the fault tests (tests/deploy_faults.rs) to check for orphans and duplicates in one
call: python state.py ENDPOINT
"""
import json
import sys

import aws_call


def main() -> None:
    endpoint = sys.argv[1]

    def client(service: str):
        return aws_call.client(service, endpoint)

    cfn = client("cloudformation")
    stacks = []
    for summary in cfn.list_stacks()["StackSummaries"]:
        if summary["StackStatus"] == "DELETE_COMPLETE":
            continue
        change_sets = [
            {"name": cs["ChangeSetName"], "execution": cs.get("ExecutionStatus")}
            for cs in cfn.list_change_sets(StackName=summary["StackId"])["Summaries"]
            if cs.get("StackId") == summary["StackId"]
        ]
        stacks.append(
            {
                "name": summary["StackName"],
                "id": summary["StackId"],
                "status": summary["StackStatus"],
                "change_sets": change_sets,
            }
        )
    elasticache = client("elasticache")
    groups = [
        {"id": g["ReplicationGroupId"], "retention": g.get("SnapshotRetentionLimit")}
        for g in elasticache.describe_replication_groups()["ReplicationGroups"]
    ]
    subnet_groups = [
        g["CacheSubnetGroupName"]
        for g in elasticache.describe_cache_subnet_groups()["CacheSubnetGroups"]
        if g["CacheSubnetGroupName"] != "default"
    ]
    security_groups = [
        g["GroupName"]
        for g in client("ec2").describe_security_groups()["SecurityGroups"]
        if g["GroupName"] != "default"
    ]
    json.dump(
        {
            "stacks": stacks,
            "replication_groups": groups,
            "subnet_groups": subnet_groups,
            "security_groups": security_groups,
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
