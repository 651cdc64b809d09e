#!/usr/bin/env python3
"""Benchmark of the whole `cfnforge synth` process (wall time and peak memory).

Runs the release binary on the shipped stack and on a generated stack of 160 caches
(480 resources, near CloudFormation's 500), RUNS times each, and prints min / median wall
time and the peak resident set size. Targets: shipped stack < 10 ms, 480 resources < 50 ms,
peak memory < 20 MiB. Usage: python3 benches/synth.py [RUNS]   (builds the command, without AWS support, first)
"""
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BINARY = ROOT / "target/release/cfnforge"
WORK = ROOT / "target/bench"
CACHES = 160


def large_stack() -> str:
    lines = [
        "stack: bench-160-caches",
        "region: ap-southeast-1",
        "tags: { project: bench }",
        "network:",
        "  vpc: band-up-vpc",
        "  subnets: [private-database-subnet-1, private-database-subnet-2]",
        "caches:",
    ]
    for i in range(CACHES):
        lines += [
            f"  - id: cache-{i:03d}",
            f"    description: cache number {i}",
            "    outputs: false   # 320 outputs would pass the 200-output limit",
            "    access_control: { user_group: bench-users }",
            "    security_group:",
            "      allow_from: [ecs-backend-sg]",
        ]
    return "\n".join(lines) + "\n"


def measure(args, runs):
    walls = []
    for _ in range(runs):
        start = time.perf_counter()
        status = subprocess.call(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        walls.append((time.perf_counter() - start) * 1000)
        if status != 0:
            sys.exit(f"{' '.join(map(str, args))} exited with {status}")
    return min(walls), statistics.median(walls), peak_memory(args)


def peak_memory(args):
    """Peak RSS in MiB, from GNU time (a forked child's ru_maxrss would include a copy of
    this Python process, since the high-water mark survives exec)."""
    if not Path("/usr/bin/time").exists():
        return float("nan")
    out = subprocess.run(["/usr/bin/time", "-f", "%M", *map(str, args)],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=True)
    return int(out.stderr.strip().splitlines()[-1]) / 1024


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    os.chdir(ROOT)
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    shutil.rmtree(WORK, ignore_errors=True)
    (WORK / "stacks").mkdir(parents=True)
    (WORK / "stacks/bench-160-caches.yaml").write_text(large_stack())
    cases = [
        ("shipped stack (3 resources)", [BINARY, "synth", "bandup-redis"], 10),
        (f"{CACHES} caches ({CACHES * 3} resources)",
         [BINARY, "synth", "--stacks", WORK / "stacks", "--out", WORK / "out"], 50),
    ]
    print(f"{'case':32} {'min ms':>8} {'median ms':>10} {'peak MiB':>9}  target")
    for name, args, target in cases:
        low, median, peak = measure(args, runs)
        verdict = "ok" if median < target and peak < 20 else "MISSED"
        print(f"{name:32} {low:8.2f} {median:10.2f} {peak:9.1f}  <{target} ms, <20 MiB: {verdict}")


if __name__ == "__main__":
    main()
