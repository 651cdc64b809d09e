//! `cfnforge check` and the rules in `synth` and `deploy`, through the real binary.

mod common;

use std::path::Path;
use std::process::{Command, Output};

const SEED: &str = include_str!("../stacks/bandup-redis.yaml");

fn cfnforge(args: &[&str], cwd: &Path) -> Output {
    let output = Command::new(env!("CARGO_BIN_EXE_cfnforge"))
        .args(args)
        .current_dir(cwd)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        // Nothing listens here: a deploy that got as far as AWS would fail differently.
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
        .output()
        .expect("cfnforge runs");
    assert!(!String::from_utf8_lossy(&output.stderr).contains("panicked"));
    output
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The seed's stack file without its `suppressions:` block.
fn unsuppressed() -> String {
    let end = SEED
        .find("# The seed page's choices trip")
        .expect("suppressions block");
    SEED[..end].to_string()
}

fn stack_dir(text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("stacks")).unwrap();
    std::fs::write(dir.path().join("stacks/bandup-redis.yaml"), text).unwrap();
    dir
}

#[test]
fn the_shipped_stack_checks_clean_with_its_suppressions_even_when_strict() {
    let output = cfnforge(&["check", "--strict"], &common::root());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report = stdout(&output);
    assert!(
        report.contains("0 errors, 0 warnings, 0 info; 6 suppressed"),
        "{report}"
    );
    insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("check-bandup-redis", report);
    });
}

#[test]
fn synth_prints_no_warnings_for_the_shipped_stack_and_keeps_suppressions_in_metadata() {
    let output = cfnforge(&["synth"], &common::root());
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(stderr(&output), "");
    let yaml = stdout(&output);
    assert!(
        yaml.contains("Metadata:\n  cfnforge:\n    suppressions:\n      - rule: CF-EC-005"),
        "{yaml}"
    );
}

#[test]
fn without_suppressions_synth_fails_on_the_access_control_error() {
    let dir = stack_dir(&unsuppressed());
    let output = cfnforge(&["synth"], dir.path());
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(output.stdout.is_empty(), "no template");
    assert!(
        err.contains("error: stacks/bandup-redis.yaml:11:7: CF-EC-006 cache (BandupRedis): no AuthToken and no UserGroupIds"),
        "{err}"
    );
    // At the key that made the property, with the fix in the stack file's terms.
    assert!(
        err.contains(
            "warning: stacks/bandup-redis.yaml:16:13: CF-EC-005 cache.replicas (BandupRedis.NumCacheClusters)"
        ),
        "{err}"
    );
    assert!(
        err.contains("  fix: In the stack file: set `cache.replicas` to 1 or more"),
        "{err}"
    );
    // The README shows this output whole: tests/readme_outputs.rs compares it.
}

/// The line of the first line of `text` that starts with `start`, counted from 1.
fn line_of(text: &str, start: &str) -> usize {
    text.lines()
        .position(|l| l.starts_with(start))
        .expect(start)
        + 1
}

#[test]
fn rule_findings_point_at_the_stack_file_key_that_made_the_property() {
    let text = unsuppressed();
    let dir = stack_dir(&text);
    let name_line = line_of(&text, "    name: redis-sg");
    let subnet_name_line = line_of(&text, "    name: bandup-cached-subnet-group");
    assert_ne!(name_line, line_of(&text, "  id: bandup-redis"));

    // Text: as synth prints them, and in check's report.
    let err = stderr(&cfnforge(&["synth"], dir.path()));
    assert!(
        err.contains(&format!(
            "warning: stacks/bandup-redis.yaml:{name_line}:11: CF-DATA-002 cache.security_group.name (BandupRedisSecurityGroup.GroupName)"
        )),
        "{err}"
    );
    let report = stdout(&cfnforge(&["check"], dir.path()));
    assert!(
        report.contains(&format!(
            "warning CF-DATA-002 cache.subnet_group.name, line {subnet_name_line} (CacheSubnetGroupName)"
        )),
        "{report}"
    );
    assert!(
        report.contains("fix: In the stack file: remove `cache.security_group.name` and let CloudFormation name the group; or, where the rule does not apply, add `{rule: CF-DATA-002, resource: BandupRedisSecurityGroup, reason: WHY}` under `suppressions:`."),
        "{report}"
    );

    // JSON: the template place and the stack-file key, line and column.
    let output = cfnforge(&["check", "--format", "json"], dir.path());
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let findings = json["bandup-redis"]["findings"].as_array().unwrap();
    let group_name = findings
        .iter()
        .find(|f| f["property"] == "GroupName")
        .expect("a GroupName finding");
    assert_eq!(group_name["key"], "cache.security_group.name");
    assert_eq!(group_name["line"], name_line);
    assert_eq!(group_name["column"], 11);
    assert!(
        group_name["fix"]
            .as_str()
            .unwrap()
            .starts_with("In the stack file: remove `cache.security_group.name`"),
        "{group_name}"
    );

    // SARIF: the region is the key's line and column.
    let output = cfnforge(&["check", "--format", "sarif"], dir.path());
    let sarif: serde_json::Value = serde_json::from_slice(&output.stdout).expect("SARIF");
    let result = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| {
            r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]
                == "Resources.BandupRedisSecurityGroup.Properties.GroupName"
        })
        .expect("a GroupName result");
    assert_eq!(
        result["locations"][0]["physicalLocation"]["region"],
        serde_json::json!({"startLine": name_line, "startColumn": 11})
    );
    assert_eq!(result["properties"]["key"], "cache.security_group.name");
}

#[test]
fn deploy_refuses_to_start_on_rule_errors() {
    let dir = stack_dir(&unsuppressed());
    let output = cfnforge(&["deploy", "--yes"], dir.path());
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(
        err.contains("bandup-redis: not deployed: the rules found errors"),
        "{err}"
    );
    assert!(!err.contains("deploying to"), "stopped before AWS: {err}");
}

#[test]
fn check_exits_1_on_errors_and_with_strict_on_warnings() {
    let dir = stack_dir(&unsuppressed());
    let output = cfnforge(&["check"], dir.path());
    assert_eq!(output.status.code(), Some(1));
    let report = stdout(&output);
    assert!(
        report.contains("CF-EC-006") && report.contains("why:") && report.contains("fix:"),
        "{report}"
    );

    // Only warnings left: a plain check passes, a strict one fails.
    let only_warnings = format!(
        "{}suppressions:\n  - rule: CF-EC-006\n    resource: BandupRedis\n    reason: reached only from ecs-backend-sg\n",
        unsuppressed()
    );
    let dir = stack_dir(&only_warnings);
    assert_eq!(cfnforge(&["check"], dir.path()).status.code(), Some(0));
    assert_eq!(
        cfnforge(&["check", "--strict"], dir.path()).status.code(),
        Some(1)
    );
}

#[test]
fn check_json_is_for_scripts() {
    let output = cfnforge(&["check", "--format", "json"], &common::root());
    assert_eq!(output.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let report = &json["bandup-redis"];
    assert_eq!(report["summary"]["errors"], 0);
    assert_eq!(report["summary"]["suppressed"], 6);
    assert!(
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "CF-EC-006" && f["suppressed"] == true)
    );
}

#[test]
fn a_suppression_without_a_reason_is_an_error_at_its_line() {
    let text = format!(
        "{}suppressions:\n  - rule: CF-EC-006\n    resource: BandupRedis\n    reason: \"  \"\n",
        unsuppressed()
    );
    let line = text.lines().count();
    let dir = stack_dir(&text);
    let output = cfnforge(&["check"], dir.path());
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&format!("error: stacks/bandup-redis.yaml:{line}:13: suppressions[0].reason: suppression of CF-EC-006")),
        "{err}"
    );
}

#[test]
fn a_suppression_of_an_unknown_rule_or_resource_is_an_error() {
    let text = format!(
        "{}suppressions:\n  - rule: CF-EC-066\n    reason: typo\n",
        unsuppressed()
    );
    let err = stderr(&cfnforge(&["synth"], stack_dir(&text).path()));
    assert!(
        err.contains("suppressions[0].rule: suppression of unknown rule CF-EC-066"),
        "{err}"
    );
    let text = format!(
        "{}suppressions:\n  - rule: CF-EC-006\n    resource: BandupReddis\n    reason: typo\n",
        unsuppressed()
    );
    let err = stderr(&cfnforge(&["synth"], stack_dir(&text).path()));
    assert!(
        err.contains("suppressions[0].resource:") && err.contains("BandupRedis"),
        "{err}"
    );
}

#[test]
fn check_shows_the_stack_file_s_warnings_on_stderr_and_in_its_json() {
    let dir = stack_dir(&SEED.replacen("  id: bandup-redis", "  id: Bandup-Redis", 1));
    let warning = "warning: stacks/bandup-redis.yaml:11:7: cache.id: ElastiCache stores the replication group ID in lower case: write \"bandup-redis\"";
    let text = cfnforge(&["check"], dir.path());
    assert_eq!(text.status.code(), Some(0), "{}", stderr(&text));
    assert!(stderr(&text).contains(warning), "{}", stderr(&text));
    // synth shows it through the same function.
    assert!(
        stderr(&cfnforge(&["synth"], dir.path())).contains(warning),
        "synth"
    );

    let output = cfnforge(&["check", "--format", "json"], dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(
        json["bandup-redis"]["diagnostics"],
        serde_json::json!([{
            "level": "warning", "key": "cache.id", "line": 11, "column": 7,
            "message": "ElastiCache stores the replication group ID in lower case: write \"bandup-redis\""
        }])
    );
    assert_eq!(json["bandup-redis"]["summary"]["warnings"], 0, "rules only");
}

#[test]
fn a_stack_written_from_the_docs_with_good_choices_passes_strict_without_suppressions() {
    let dir = common::root().join("tests/fixtures/good-stacks");
    let output = cfnforge(
        &["check", "--strict", "--stacks", dir.to_str().unwrap()],
        &common::root(),
    );
    let report = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{report}{}", stderr(&output));
    // The default port is information only: it never fails a check.
    assert!(
        report.contains("0 errors, 0 warnings, 1 info; 0 suppressed"),
        "{report}"
    );
    let template = stdout(&cfnforge(
        &["synth", "--stacks", dir.to_str().unwrap()],
        &common::root(),
    ));
    assert!(!template.contains("ReplicationGroupId"), "{template}");
}
