//! `cfnforge::rules::sarif` writes SARIF that validates against the official SARIF 2.1.0 JSON
//! schema (tests/fixtures/sarif, OASIS, draft-04), checked with Python's `jsonschema` from the
//! test virtualenv; a broken document must fail the same check.

mod common;

use std::collections::HashMap;
use std::process::Command;

use cfnforge::constructs::{CacheProps, NetworkRef, Stack, ValkeyCache};
use cfnforge::diagnostic::{Diagnostic, Location, Position};
use cfnforge::rules::{self, Report, Suppression};
use serde_json::{Value, json};

/// Validates against the vendored schema with the validator its `$schema` names; the error
/// lists what is wrong.
fn validate(document: &Value) -> Result<(), String> {
    let python = common::venv().join("bin/python");
    assert!(
        python.exists(),
        "{} is missing: run tests/run (it creates target/venv with jsonschema)",
        python.display()
    );
    let schema = common::root().join("tests/fixtures/sarif/sarif-schema-2.1.0.json");
    let dir = tempfile::tempdir().unwrap();
    let file = common::write_temp(
        dir.path(),
        "report.sarif",
        &serde_json::to_string_pretty(document).unwrap(),
    );
    let script = "import json, sys, jsonschema\n\
                  schema = json.load(open(sys.argv[1]))\n\
                  document = json.load(open(sys.argv[2]))\n\
                  validator = jsonschema.validators.validator_for(schema)(schema)\n\
                  errors = [f\"{list(e.absolute_path)}: {e.message}\" for e in validator.iter_errors(document)]\n\
                  print('\\n'.join(errors))\n\
                  sys.exit(1 if errors else 0)\n";
    let output = Command::new(&python)
        .args(["-c", script])
        .arg(&schema)
        .arg(&file)
        .output()
        .expect("python runs");
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

/// The seed's findings, two of them suppressed.
fn seed_report() -> Report {
    let mut props = CacheProps::new(
        "bandup-redis",
        NetworkRef::Name("band-up-vpc".into()),
        vec![NetworkRef::Name("private-database-subnet-1".into())],
        vec![NetworkRef::Name("ecs-backend-sg".into())],
    );
    props.security_group_name = Some("redis-sg".into());
    let mut stack = Stack::new("bandup-redis");
    ValkeyCache::add(&mut stack, &props).unwrap();
    let suppressions = [
        Suppression {
            rule: "CF-EC-006".into(),
            resource: Some("BandupRedis".into()),
            reason: "the security group admits only ecs-backend-sg".into(),
        },
        Suppression {
            rule: "CF-DATA-002".into(),
            resource: None,
            reason: "the console finds resources by these names".into(),
        },
    ];
    let report = rules::check(&stack.template, &suppressions).unwrap();
    assert!(report.suppressed().count() >= 2 && report.active().count() >= 2);
    report
}

#[test]
fn sarif_validates_against_the_sarif_2_1_0_schema() {
    let lines: HashMap<String, usize> = [("BandupRedis".to_string(), 11)].into_iter().collect();
    let sarif = rules::sarif(&seed_report(), "stacks/bandup-redis.yaml", Some(&lines));
    validate(&sarif).unwrap();
    // Without line numbers, and with no findings at all.
    validate(&rules::sarif(
        &seed_report(),
        "stacks/bandup-redis.yaml",
        None,
    ))
    .unwrap();
    let clean = rules::check(&cfnforge::template::Template::new(), &[]).unwrap();
    let empty = rules::sarif(&clean, "stacks/empty.yaml", None);
    assert_eq!(empty["runs"][0]["results"], json!([]));
    validate(&empty).unwrap();
}

#[test]
fn diagnostics_no_rule_found_are_valid_results_without_a_rule() {
    let mut report = seed_report();
    let rule_results = report.findings.len();
    report.findings.push(Diagnostic::warning(
        Location::stack_file(
            Position {
                line: 11,
                column: 7,
            },
            "cache.id",
        ),
        "ElastiCache stores the replication group ID in lower case",
    ));
    report.findings.push(Diagnostic::error(
        Location::template("Resources.BandupRedis.Type"),
        "not available in the region",
    ));
    let sarif = rules::sarif(&report, "stacks/bandup-redis.yaml", None);
    validate(&sarif).unwrap_or_else(|e| panic!("invalid SARIF:\n{e}"));
    let results = &sarif["runs"][0]["results"];
    let stack_file = &results[rule_results];
    assert!(stack_file.get("ruleId").is_none(), "{stack_file}");
    assert_eq!(
        stack_file["locations"][0]["physicalLocation"]["region"],
        json!({"startLine": 11, "startColumn": 7})
    );
    let template = &results[rule_results + 1];
    assert_eq!(template["level"], "error");
    assert_eq!(
        template["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
        "Resources.BandupRedis.Type"
    );
}

/// What is broken, and how.
type Breakage = (&'static str, fn(&mut Value));

#[test]
fn the_schema_check_rejects_broken_sarif() {
    let sarif = rules::sarif(&seed_report(), "stacks/bandup-redis.yaml", None);
    let breakages: [Breakage; 4] = [
        ("an unknown level", |s| {
            s["runs"][0]["results"][0]["level"] = json!("fatal")
        }),
        ("another version", |s| s["version"] = json!("2.0.0")),
        ("a suppression of an unknown kind", |s| {
            s["runs"][0]["results"][0]["suppressions"] =
                json!([{"kind": "ignored", "justification": "x"}])
        }),
        ("a rule without an id", |s| {
            s["runs"][0]["tool"]["driver"]["rules"][0]
                .as_object_mut()
                .unwrap()
                .remove("id");
        }),
    ];
    for (what, breakage) in breakages {
        let mut broken = sarif.clone();
        breakage(&mut broken);
        assert!(validate(&broken).is_err(), "the schema accepted {what}");
    }
}

#[test]
fn cfnforge_check_writes_valid_sarif_with_a_run_per_stack_file() {
    let output = Command::new(env!("CARGO_BIN_EXE_cfnforge"))
        .args([
            "check",
            "--format",
            "sarif",
            "--stacks",
            "tests/fixtures/variations",
        ])
        .current_dir(common::root())
        .output()
        .expect("cfnforge runs");
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let document: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    validate(&document).unwrap_or_else(|e| panic!("invalid SARIF:\n{e}"));
    let runs = document["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 4);
    let uris: Vec<&str> = runs
        .iter()
        .filter_map(|r| {
            r["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str()
        })
        .collect();
    assert!(
        uris.contains(&"tests/fixtures/variations/ids.yaml"),
        "{uris:?}"
    );
}
