//! The `cfnforge` binary: commands, outputs and every kind of bad input, through the real process.

mod common;

use std::process::Command;

use common::{cfnforge, stderr, stdout};

const SEED: &str = include_str!("../stacks/bandup-redis.yaml");

/// A stacks folder holding one stack file with `text`.
fn stack_dir(text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("stacks")).unwrap();
    std::fs::write(dir.path().join("stacks/bandup-redis.yaml"), text).unwrap();
    dir
}

/// Runs `synth` on the seed with `from` replaced by `to`; expects exit 1 and returns stderr.
fn invalid(from: &str, to: &str) -> String {
    assert!(SEED.contains(from), "{from}");
    let dir = stack_dir(&SEED.replacen(from, to, 1));
    let output = cfnforge(&["synth"], dir.path());
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(output.stdout.is_empty(), "no template on error");
    err
}

#[test]
fn synth_prints_the_shipped_stack_with_every_seed_value() {
    let output = cfnforge(&["synth", "bandup-redis"], &common::root());
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(0), "{err}");
    let yaml = stdout(&output);
    assert!(
        yaml.starts_with("AWSTemplateFormatVersion: \"2010-09-09\"\n"),
        "{yaml}"
    );
    for value in [
        "GroupName: redis-sg",
        "CacheSubnetGroupName: bandup-cached-subnet-group",
        "ReplicationGroupId: bandup-redis",
        "Engine: valkey",
        "CacheNodeType: cache.t3.micro",
        "NumCacheClusters: 1",
        "NetworkType: ipv4",
        "AtRestEncryptionEnabled: true",
        "TransitEncryptionEnabled: true",
        "SnapshotRetentionLimit: 1",
        "ReplicationGroupDescription: in memory db for bandup",
        "PrimaryEndPoint.Address",
    ] {
        assert!(yaml.contains(value), "{value} missing:\n{yaml}");
    }
    // The seed's risky choices are suppressed with reasons (tests/check.rs shows them
    // unsuppressed), so nothing is printed.
    assert_eq!(err, "");
}

#[test]
fn synth_writes_json_into_the_out_folder() {
    let out = tempfile::tempdir().unwrap();
    let out_arg = out.path().to_str().unwrap();
    let output = cfnforge(
        &["synth", "--format", "json", "--out", out_arg],
        &common::root(),
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = std::fs::read_to_string(out.path().join("bandup-redis.template.json")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        json["Resources"]["BandupRedis"]["Type"],
        "AWS::ElastiCache::ReplicationGroup"
    );
}

#[test]
fn synth_is_byte_identical_across_runs() {
    let first = cfnforge(&["synth"], &common::root());
    let second = cfnforge(&["synth"], &common::root());
    assert!(!first.stdout.is_empty());
    assert_eq!(first.stdout, second.stdout);
}

#[test]
fn list_names_each_stack_with_region_and_file() {
    let output = cfnforge(&["list"], &common::root());
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        stdout(&output),
        "bandup-redis\tap-southeast-1\tstacks/bandup-redis.yaml\n"
    );
}

#[test]
fn schema_matches_the_committed_copy() {
    let output = cfnforge(&["schema"], &common::root());
    assert_eq!(output.status.code(), Some(0));
    let committed =
        std::fs::read_to_string(common::root().join("stacks/stack.schema.json")).unwrap();
    assert_eq!(
        stdout(&output),
        committed,
        "stacks/stack.schema.json is stale: cargo run -- schema > stacks/stack.schema.json"
    );
}

#[test]
fn unknown_key_names_file_line_column_and_key() {
    let err = invalid("  port: 6379\n", "  port: 6379\n  prot: 6380\n");
    assert!(
        err.contains("error: stacks/bandup-redis.yaml:18:3: cache.prot: unknown field `prot`"),
        "{err}"
    );
}

#[test]
fn wrong_type_names_file_line_column_and_key() {
    let err = invalid("  port: 6379", "  port: six");
    assert!(
        err.contains("error: stacks/bandup-redis.yaml:17:9: cache.port:"),
        "{err}"
    );
}

#[test]
fn missing_required_key_is_named() {
    let err = invalid("  id: bandup-redis             # ReplicationGroupId\n", "");
    assert!(err.contains("missing field `id`"), "{err}");
    assert!(err.contains("stacks/bandup-redis.yaml:"), "{err}");
}

#[test]
fn malformed_yaml_is_reported_with_its_place() {
    let err = invalid("tags: { project: bandup }", "tags: { project: bandup");
    assert!(err.contains("error: stacks/bandup-redis.yaml:"), "{err}");
}

#[test]
fn construct_errors_point_at_the_offending_key() {
    for (from, to, expected) in [
        (
            "  id: bandup-redis ",
            "  id: bandup--redis ",
            ":11:7: cache.id: replication group ID \"bandup--redis\" must not contain two hyphens",
        ),
        (
            "  id: bandup-redis ",
            "  id: 9bandup ",
            ":11:7: cache.id: replication group ID \"9bandup\" must start with a letter",
        ),
        (
            "  replicas: 0 ",
            "  replicas: 6 ",
            ":16:13: cache.replicas: 6 replicas",
        ),
        (
            "  port: 6379",
            "  port: 0",
            ":17:9: cache.port: the port must be between 1 and 65535",
        ),
        (
            "  backup_retention_days: 1",
            "  backup_retention_days: 36",
            ":20:26: cache.backup_retention_days: 36 days",
        ),
        (
            "  version: \"8.0\"",
            "  version: \"6.2\"",
            ":14:12: cache.version: valkey has no version \"6.2\"",
        ),
        (
            "  subnets: [private-database-subnet-1, private-database-subnet-2]",
            "  subnets: []",
            ":9:12: network.subnets: at least one subnet",
        ),
        (
            "    allow_from: [ecs-backend-sg]",
            "    allow_from: []",
            ":23:17: cache.security_group.allow_from: at least one security group",
        ),
        (
            "    name: bandup-cached-subnet-group",
            "    name: bandup_cached",
            ":25:11: cache.subnet_group.name: subnet group name \"bandup_cached\"",
        ),
        (
            "stack: bandup-redis ",
            "stack: bandup_redis ",
            ":3:8: stack: stack name \"bandup_redis\"",
        ),
    ] {
        let err = invalid(from, to);
        assert!(
            err.contains(&format!("error: stacks/bandup-redis.yaml{expected}")),
            "{to}:\n{err}"
        );
    }
}

#[test]
fn out_of_range_integers_are_type_errors() {
    let err = invalid("  port: 6379", "  port: 70000");
    assert!(err.contains("cache.port"), "{err}");
}

#[test]
fn unknown_stack_and_bad_flags_are_usage_errors() {
    let output = cfnforge(&["synth", "nope"], &common::root());
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        err.contains("no stack \"nope\"") && err.contains("bandup-redis"),
        "{err}"
    );

    let output = cfnforge(&["synth", "--format", "xml"], &common::root());
    assert_eq!(output.status.code(), Some(2));
    let output = cfnforge(&["synth", "--stacks", "/nonexistent"], &common::root());
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn caches_whose_ids_clash_are_an_error_at_the_second_id() {
    let two = "stack: two\nnetwork:\n  vpc: band-up-vpc\n  subnets: [a]\ncaches:\n  - id: bandup-redis\n    security_group: { allow_from: [sg] }\n  - id: Bandup-Redis\n    security_group: { allow_from: [sg] }\n";
    let dir = stack_dir(two);
    let output = cfnforge(&["synth"], dir.path());
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(
        err.contains("stacks/bandup-redis.yaml:8:9: caches[1].id: cache id \"Bandup-Redis\" clashes with cache \"bandup-redis\""),
        "{err}"
    );
}

#[test]
fn a_description_over_1024_bytes_is_an_error_at_its_line() {
    let long = "x".repeat(1025);
    let err = invalid(
        "description: In-memory data store (Valkey) for the bandup backend",
        &format!("description: {long}"),
    );
    assert!(
        err.contains("stacks/bandup-redis.yaml:5:14: description: 1025 bytes"),
        "{err}"
    );
}

#[test]
fn an_unknown_profile_is_an_error_even_with_credentials_in_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    let credentials = dir.path().join("credentials");
    std::fs::write(
        &config,
        "[default]\nregion = ap-southeast-1\n[profile dev]\n",
    )
    .unwrap();
    std::fs::write(&credentials, "[ci]\naws_access_key_id = a\n").unwrap();
    let run = |profile: &str| {
        Command::new(env!("CARGO_BIN_EXE_cfnforge"))
            .args([
                "diff",
                "--endpoint-url",
                "http://127.0.0.1:9",
                "--profile",
                profile,
            ])
            .current_dir(common::root())
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env_remove("AWS_PROFILE")
            .env("AWS_CONFIG_FILE", &config)
            .env("AWS_SHARED_CREDENTIALS_FILE", &credentials)
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .output()
            .expect("cfnforge runs")
    };
    let output = run("nosuch");
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert!(
        err.contains(&format!(
            "error: profile \"nosuch\" (--profile) is not in {} or {} (profiles there: default, dev, ci)",
            config.display(),
            credentials.display()
        )),
        "{err}"
    );
    // A profile of either file is taken: the run goes on to the (absent) endpoint.
    for known in ["dev", "ci"] {
        let output = run(known);
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(1), "{known}: {err}");
        assert!(
            err.contains("could not connect to http://127.0.0.1:9"),
            "{known}: {err}"
        );
    }
}

#[test]
fn a_deploy_that_reaches_nothing_writes_no_outputs_file_and_says_so() {
    let dir = stack_dir(SEED);
    let outputs = dir.path().join("outputs.json");
    let output = Command::new(env!("CARGO_BIN_EXE_cfnforge"))
        .args(["deploy", "--yes", "--endpoint-url", "http://127.0.0.1:9"])
        .arg("--outputs-file")
        .arg(&outputs)
        .current_dir(dir.path())
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env_remove("AWS_PROFILE")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .expect("cfnforge runs");
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(
        err.contains("could not connect to http://127.0.0.1:9: connection refused (nothing listens there on this machine: is the emulator running?"),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "{}: not written: no stack was deployed",
            outputs.display()
        )),
        "{err}"
    );
    assert!(!outputs.exists(), "no {{}} for a deploy that failed");
}

/// cfnforge in `dir` with test credentials, pointed at a port where nothing listens.
fn nowhere(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_cfnforge"))
        .args(args)
        .args(["--endpoint-url", "http://127.0.0.1:9"])
        .current_dir(dir)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env_remove("AWS_PROFILE")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .expect("cfnforge runs")
}

#[test]
fn deploy_without_a_stack_name_asks_for_all_when_there_are_several() {
    let dir = stack_dir(SEED);
    std::fs::write(
        dir.path().join("stacks/other.yaml"),
        SEED.replace("stack: bandup-redis", "stack: other"),
    )
    .unwrap();
    let output = nowhere(dir.path(), &["deploy", "--yes"]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert_eq!(
        err,
        "error: the app has 2 stacks: name the ones to deploy (cfnforge deploy STACK...), or deploy them all with --all\n  stacks: bandup-redis, other\n"
    );
    common::assert_readme_output("deploy-needs-all", &err, &[]);
    // Named, or --all: it goes on (to the endpoint where nothing listens).
    for args in [
        &["deploy", "--yes", "other"][..],
        &["deploy", "--yes", "--all"],
    ] {
        let output = nowhere(dir.path(), args);
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains("could not connect"), "{args:?}: {err}");
    }
}

#[test]
fn the_names_a_cdk_user_types_are_taken() {
    let dir = stack_dir(SEED);
    for flag in ["-o", "--output", "--out"] {
        let out = dir.path().join(format!("assembly{flag}"));
        let output = cfnforge(&["synth", flag, out.to_str().unwrap()], dir.path());
        assert_eq!(output.status.code(), Some(0), "{flag}: {}", stderr(&output));
        assert!(out.join("manifest.json").is_file(), "{flag}");
    }
    for args in [
        &["deploy", "--yes", "--parameters", "VpcId=vpc-1"][..],
        &["deploy", "--yes", "--parameter", "VpcId=vpc-1"],
        &["destroy", "bandup-redis", "--force"],
        &["destroy", "bandup-redis", "-f"],
    ] {
        let output = nowhere(dir.path(), args);
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains("could not connect"), "{args:?}: {err}");
    }
}

#[test]
fn missing_aws_credentials_say_how_to_provide_them() {
    let output = Command::new(env!("CARGO_BIN_EXE_cfnforge"))
        .args(["diff", "--endpoint-url", "http://127.0.0.1:9"])
        .current_dir(common::root())
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_PROFILE")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .expect("cfnforge runs");
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(
        err.contains("no AWS credentials found: configure them as for the AWS CLI"),
        "{err}"
    );
    assert!(
        err.lines().count() < 4,
        "short, not the SDK's page of attempts: {err}"
    );
}

#[test]
fn a_region_that_is_not_a_region_name_is_an_error_at_its_line() {
    let err = invalid("region: ap-southeast-1", "region: Singapore");
    assert!(
        err.contains(
            "error: stacks/bandup-redis.yaml:4:9: region: \"Singapore\" is not an AWS region name"
        ),
        "{err}"
    );
}

#[test]
fn outside_a_project_the_error_says_what_layout_is_expected() {
    let empty = tempfile::tempdir().unwrap();
    for command in ["synth", "check", "list"] {
        let output = cfnforge(&[command], empty.path());
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{command}: {err}");
        assert!(
            err.starts_with(
                "error: no folder stacks here: cfnforge reads stack files from stacks/*.yaml (and *.yml) in the current folder\n"
            ),
            "{command}: {err}"
        );
        assert!(
            err.contains("--stacks DIR") && err.contains("cfnforge synth path/to/stack.yaml"),
            "{command}: {err}"
        );
        assert!(!err.contains("os error"), "{command}: {err}");
    }
}

#[test]
fn a_stack_file_s_path_is_a_stack() {
    let dir = stack_dir(SEED);
    let elsewhere = tempfile::tempdir().unwrap();
    let path = dir.path().join("stacks/bandup-redis.yaml");
    let path = path.to_str().unwrap();
    // From a folder with no stacks/ of its own.
    let output = cfnforge(&["synth", path], elsewhere.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        stdout(&cfnforge(&["synth", "bandup-redis"], dir.path()))
    );
    // Relative, as typed in the project.
    let output = cfnforge(
        &["check", "--strict", "stacks/bandup-redis.yaml"],
        dir.path(),
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).starts_with("stacks/bandup-redis.yaml (stack bandup-redis)"));
    // `list` takes the same: a path lists that file, a name the file with that stack.
    std::fs::write(
        dir.path().join("stacks/other.yaml"),
        SEED.replace("stack: bandup-redis ", "stack: other-redis   "),
    )
    .unwrap();
    let output = cfnforge(&["list", path], elsewhere.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        format!("bandup-redis\tap-southeast-1\t{path}\n")
    );
    let output = cfnforge(&["list", "other-redis"], dir.path());
    assert_eq!(
        stdout(&output),
        "other-redis\tap-southeast-1\tstacks/other.yaml\n",
        "{}",
        stderr(&output)
    );
    let output = cfnforge(&["list"], dir.path());
    assert_eq!(stdout(&output).lines().count(), 2, "{}", stdout(&output));
    // A path that is not there is a usage error that names it.
    let output = cfnforge(&["synth", "stacks/nosuch.yaml"], dir.path());
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).starts_with("error: stacks/nosuch.yaml: cannot read the stack file:"),
        "{}",
        stderr(&output)
    );
}

/// The seed with dev and prod environments: other names and sizes, one file.
fn with_environments() -> String {
    format!(
        "{SEED}environments:
  dev:
    stack: bandup-redis-dev
    tags: {{ env: dev }}
    cache:
      id: bandup-redis-dev
      security_group: {{ name: redis-sg-dev }}
      subnet_group: {{ name: bandup-cached-subnet-group-dev }}
  prod:
    stack: bandup-redis-prod
    region: eu-west-1
    cache:
      id: bandup-redis-prod
      node_type: cache.r7g.large
      replicas: 2
      backup_retention_days: 7
      security_group: {{ name: redis-sg-prod }}
      subnet_group: {{ name: bandup-cached-subnet-group-prod }}
"
    )
}

#[test]
fn one_stack_file_gives_each_environment_its_own_stack_names_and_sizes() {
    let dir = stack_dir(&with_environments());
    // Without --env: the file as written.
    let base = cfnforge(&["synth"], dir.path());
    assert_eq!(base.status.code(), Some(0), "{}", stderr(&base));
    assert!(stdout(&base).contains("ReplicationGroupId: bandup-redis\n"));

    let listed = cfnforge(&["list", "--env", "prod"], dir.path());
    assert_eq!(
        stdout(&listed),
        "bandup-redis-prod\teu-west-1\tstacks/bandup-redis.yaml\n",
        "{}",
        stderr(&listed)
    );
    let prod = cfnforge(&["synth", "--env", "prod"], dir.path());
    let yaml = stdout(&prod);
    assert_eq!(prod.status.code(), Some(0), "{}", stderr(&prod));
    for expected in [
        "  BandupRedisProd:\n",
        "ReplicationGroupId: bandup-redis-prod\n",
        "CacheNodeType: cache.r7g.large\n",
        "NumCacheClusters: 3\n",
        "SnapshotRetentionLimit: 7\n",
        "GroupName: redis-sg-prod\n",
        "CacheSubnetGroupName: bandup-cached-subnet-group-prod\n",
    ] {
        assert!(yaml.contains(expected), "{expected}: {yaml}");
    }
    // The file's suppressions follow the cache's new logical IDs.
    let dev = cfnforge(&["check", "--env", "dev", "--strict"], dir.path());
    assert_eq!(dev.status.code(), Some(0), "{}", stderr(&dev));
    let dev = cfnforge(&["synth", "--env", "dev"], dir.path());
    let yaml = stdout(&dev);
    assert!(
        yaml.contains("CacheNodeType: cache.t3.micro\n") && yaml.contains("Value: dev\n"),
        "{yaml}"
    );

    let unknown = cfnforge(&["synth", "--env", "staging"], dir.path());
    assert_eq!(unknown.status.code(), Some(1));
    assert_eq!(
        stderr(&unknown),
        "error: stacks/bandup-redis.yaml:3:8: environments: no environment `staging`; this file has `dev`, `prod`\n"
    );
    let plain = stack_dir(SEED);
    let none = cfnforge(&["synth", "--env", "dev"], plain.path());
    assert_eq!(none.status.code(), Some(1));
    assert!(
        stderr(&none).contains("no environment `dev`: this file has no `environments:`"),
        "{}",
        stderr(&none)
    );
}
