#!/usr/bin/env python3
"""Benchmark: `cfnforge deploy` of the bandup stack against the emulator, beside
`aws cloudformation deploy` (awscli) with the same template on the same emulator.

Each run creates the stack from nothing (names resolved by cfnforge; awscli gets the IDs as
parameter overrides) and deletes it afterwards. Target: cfnforge within 2 s of start.
Usage: python3 benches/deploy.py [RUNS]
Installs awscli into target/venv-bench on first use; starts tests/emulator/serve itself.
"""
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / "target/venv-bench"
BINARY = ROOT / "target/release/cfnforge"
PY = ROOT / "target/venv/bin/python"


def call(url, service, operation, arguments):
    out = subprocess.run([PY, ROOT / "tests/emulator/aws_call.py", url, service, operation,
                          json.dumps(arguments)], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def network(url):
    tags = lambda kind, name: [{"ResourceType": kind, "Tags": [{"Key": "Name", "Value": name}]}]
    vpc = call(url, "ec2", "create_vpc", {"CidrBlock": "10.0.0.0/16",
                                         "TagSpecifications": tags("vpc", "band-up-vpc")})["Vpc"]["VpcId"]
    subnets = [call(url, "ec2", "create_subnet", {
        "VpcId": vpc, "CidrBlock": f"10.0.{i}.0/24", "AvailabilityZone": f"ap-southeast-1{az}",
        "TagSpecifications": tags("subnet", f"private-database-subnet-{i + 1}")})["Subnet"]["SubnetId"]
        for i, az in enumerate("ab")]
    sg = call(url, "ec2", "create_security_group",
              {"GroupName": "ecs-backend-sg", "Description": "backend", "VpcId": vpc})["GroupId"]
    return vpc, subnets, sg


def timed(args, env):
    start = time.perf_counter()
    subprocess.run(args, check=True, env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    return time.perf_counter() - start


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    subprocess.run(["cargo", "build", "--release", "--quiet", "--features", "aws"], cwd=ROOT, check=True)
    subprocess.run([ROOT / "tests/setup-venv"], check=True)
    if not (VENV / "bin/aws").exists():
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
        subprocess.run([VENV / "bin/pip", "install", "--quiet", "awscli"], check=True)
    server = subprocess.Popen([ROOT / "tests/emulator/serve", "--port", "0"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        url = next(line.split("ready on ")[1].strip() for line in server.stdout if "ready on" in line)
        env = dict(os.environ, AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
                   AWS_REGION="ap-southeast-1", AWS_DEFAULT_REGION="ap-southeast-1",
                   AWS_EC2_METADATA_DISABLED="true", AWS_ENDPOINT_URL=url, NO_PROXY="127.0.0.1",
                   AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null")
        vpc, subnets, sg = network(url)
        template = ROOT / "target/bench/bandup-redis.template.yaml"
        template.parent.mkdir(parents=True, exist_ok=True)
        template.write_text(subprocess.run([BINARY, "synth", "bandup-redis"], cwd=ROOT, check=True,
                                           capture_output=True, text=True).stdout)
        cfnforge, awscli = [], []
        for _ in range(runs):
            cfnforge.append(timed([BINARY, "deploy", "bandup-redis", "--yes"], env))
            subprocess.run([BINARY, "destroy", "bandup-redis", "--yes"], cwd=ROOT, env=env,
                           check=True, capture_output=True)
            awscli.append(timed([VENV / "bin/aws", "cloudformation", "deploy", "--template-file",
                                 template, "--stack-name", "bandup-redis", "--parameter-overrides",
                                 f"VpcId={vpc}", f"SubnetIds={','.join(subnets)}",
                                 f"EcsBackendSgSecurityGroupId={sg}"], env))
            subprocess.run([VENV / "bin/aws", "cloudformation", "delete-stack", "--stack-name",
                            "bandup-redis"], env=env, check=True)
        for name, times in [("cfnforge deploy", cfnforge), ("aws cloudformation deploy", awscli)]:
            print(f"{name:28} min {min(times):.2f} s  median {statistics.median(times):.2f} s  ({runs} runs)")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
