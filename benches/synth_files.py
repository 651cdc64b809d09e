#!/usr/bin/env python3
"""`cfnforge synth --out DIR` of 160 separate stack files, side by side with troposphere
generating the same 160 templates (the same three resources, parameters, outputs and metadata
per stack), each run as a whole process, RUNS times; prints min / median wall time, CPU time
(user + system) and the ratio of the medians. Target: cfnforge at most 0.25x troposphere.

Installs troposphere into target/venv-bench on first use.
Usage: python3 benches/synth_files.py [RUNS]
"""
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BINARY = ROOT / "target/release/cfnforge"
WORK = ROOT / "target/bench/files"
VENV = ROOT / "target/venv-bench"
STACKS = 160
TROPOSPHERE = "troposphere==4.11.1"

SEED = (ROOT / "stacks/bandup-redis.yaml").read_text()


def stack_file(i: int) -> str:
    text = SEED.replace("stack: bandup-redis", f"stack: bench-{i:03d}")
    text = text.replace("id: bandup-redis", f"id: bench-{i:03d}")
    text = text.replace("name: redis-sg", f"name: bench-sg-{i:03d}")
    text = text.replace("name: bandup-cached-subnet-group", f"name: bench-subnets-{i:03d}")
    return text.replace("BandupRedis", f"Bench{i:03d}")


# The troposphere side: the same template per stack, as YAML (through cfn-flip) or JSON.
TROPOSPHERE_SCRIPT = r'''
import sys
from pathlib import Path
from troposphere import GetAtt, Output, Parameter, Ref, Tags, Template
from troposphere.ec2 import SecurityGroup, SecurityGroupRule
from troposphere.elasticache import ReplicationGroup, SubnetGroup

out = Path(sys.argv[1]); count = int(sys.argv[2]); fmt = sys.argv[3]
out.mkdir(parents=True, exist_ok=True)
for i in range(count):
    n = f"{i:03d}"; lid = f"Bench{n}"
    t = Template(Description="In-memory data store (Valkey) for the bandup backend")
    t.set_version("2010-09-09")
    t.set_metadata({"cfnforge": {"suppressions": [
        {"rule": "CF-EC-005", "resource": lid, "reason": "one node"},
        {"rule": "CF-EC-006", "resource": lid, "reason": "security group only"},
        {"rule": "CF-EC-014", "resource": lid, "reason": "default port"},
    ]}})
    vpc = t.add_parameter(Parameter("VpcId", Type="AWS::EC2::VPC::Id", Description='VPC "band-up-vpc"'))
    sg_in = t.add_parameter(Parameter("EcsBackendSgSecurityGroupId", Type="AWS::EC2::SecurityGroup::Id",
                                      Description='Security group "ecs-backend-sg"'))
    subnets = t.add_parameter(Parameter("SubnetIds", Type="List<AWS::EC2::Subnet::Id>",
                                        Description="Subnets"))
    sg = t.add_resource(SecurityGroup(f"{lid}SecurityGroup", GroupDescription=f"Valkey cache bench-{n}",
        GroupName=f"bench-sg-{n}", VpcId=Ref(vpc), Tags=Tags(project="bandup"),
        SecurityGroupIngress=[SecurityGroupRule(Description="Valkey from ecs-backend-sg", FromPort=6379,
            ToPort=6379, IpProtocol="tcp", SourceSecurityGroupId=Ref(sg_in))]))
    sn = t.add_resource(SubnetGroup(f"{lid}SubnetGroup", CacheSubnetGroupName=f"bench-subnets-{n}",
        Description=f"Subnets of Valkey cache bench-{n}", SubnetIds=Ref(subnets), Tags=Tags(project="bandup")))
    rg = t.add_resource(ReplicationGroup(lid, AtRestEncryptionEnabled=True, AutomaticFailoverEnabled=False,
        CacheNodeType="cache.t3.micro", CacheSubnetGroupName=Ref(sn), Engine="valkey", EngineVersion="8.0",
        MultiAZEnabled=False, NetworkType="ipv4", NumCacheClusters=1, Port=6379,
        ReplicationGroupDescription="in memory db for bandup", ReplicationGroupId=f"bench-{n}",
        SecurityGroupIds=[GetAtt(sg, "GroupId")], SnapshotRetentionLimit=1, Tags=Tags(project="bandup"),
        TransitEncryptionEnabled=True, TransitEncryptionMode="required",
        DeletionPolicy="Snapshot", UpdateReplacePolicy="Snapshot"))
    t.add_output(Output(f"{lid}PrimaryEndpointAddress", Value=GetAtt(rg, "PrimaryEndPoint.Address")))
    t.add_output(Output(f"{lid}PrimaryEndpointPort", Value=GetAtt(rg, "PrimaryEndPoint.Port")))
    text = t.to_yaml() if fmt == "yaml" else t.to_json()
    (out / f"bench-{n}.template.{fmt}").write_text(text)
'''


def timed(args, runs):
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        status = subprocess.call(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        walls.append((time.perf_counter() - start) * 1000)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)) * 1000)
        if status != 0:
            sys.exit(f"{' '.join(map(str, args))} exited with {status}")
    return min(walls), statistics.median(walls), statistics.median(cpus)


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    os.chdir(ROOT)
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    if not (VENV / "bin/python").exists():
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
    subprocess.run([VENV / "bin/pip", "install", "-q", TROPOSPHERE], check=True)
    shutil.rmtree(WORK, ignore_errors=True)
    (WORK / "stacks").mkdir(parents=True)
    for i in range(STACKS):
        (WORK / f"stacks/bench-{i:03d}.yaml").write_text(stack_file(i))
    (WORK / "troposphere_gen.py").write_text(TROPOSPHERE_SCRIPT)
    print(f"{STACKS} stack files, {runs} runs each")
    print(f"{'case':32} {'min ms':>8} {'median ms':>10} {'cpu ms':>8}")
    for fmt in ["json", "yaml"]:
        out = WORK / f"out-cfnforge-{fmt}"
        cases = [
            (f"cfnforge synth --format {fmt}",
             [BINARY, "synth", "--stacks", WORK / "stacks", "--out", out, "--format", fmt]),
            (f"troposphere to_{fmt}()",
             [VENV / "bin/python", WORK / "troposphere_gen.py", WORK / f"out-troposphere-{fmt}",
              str(STACKS), fmt]),
        ]
        medians = []
        for name, args in cases:
            low, median, cpu = timed(args, runs)
            medians.append(median)
            print(f"{name:32} {low:8.1f} {median:10.1f} {cpu:8.1f}")
        written = len(list(out.glob(f"*.template.{fmt}")))
        if written != STACKS:
            sys.exit(f"cfnforge wrote {written} templates, not {STACKS}")
        print(f"{fmt}: ratio of medians {medians[0] / medians[1]:.2f}x (target at most 0.25x)")


if __name__ == "__main__":
    main()
