//! `--app` and `app` in cfnforge.toml: the commands run a program, read the assembly it prints
//! and go on; a program that fails or prints no assembly is reported clearly; the assembly is
//! written to cfnforge.out/. And `synth` of stack files writes an assembly too.

mod common;

use std::path::Path;

use common::{cfnforge, stderr, stdout};
use serde_json::{Value, json};

/// An assembly of `stacks` (name, dependencies), each template a parameter-only stack.
fn assembly(stacks: &[(&str, &[&str])]) -> Value {
    let template = |name: &str| {
        json!({
            "Resources": {
                "Parameter": {
                    "Type": "AWS::SSM::Parameter",
                    "Properties": {"Type": "String", "Value": name}
                }
            }
        })
        .to_string()
    };
    json!({
        "manifest": {
            "version": 1,
            "stacks": stacks.iter().map(|(name, after)| json!({
                "name": name,
                "template_file": format!("{name}.template.json"),
                "region": "ap-southeast-1",
                "dependencies": after,
            })).collect::<Vec<_>>(),
        },
        "templates": stacks.iter()
            .map(|(name, _)| (format!("{name}.template.json"), Value::String(template(name))))
            .collect::<serde_json::Map<_, _>>(),
    })
}

/// A project folder whose app prints `printed`.
fn project(printed: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("printed.json"), printed).unwrap();
    dir
}

const APP: &str = "cat printed.json";

fn run(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let output = cfnforge(args, dir);
    (output.status.code(), stdout(&output), stderr(&output))
}

#[test]
fn list_shows_the_apps_stacks_in_dependency_order() {
    // config is listed first by the app but needs cache.
    let dir = project(&assembly(&[("config", &["cache"]), ("cache", &[])]).to_string());
    let (code, out, err) = run(dir.path(), &["--app", APP, "list"]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(
        out,
        "cache\tap-southeast-1\t-\nconfig\tap-southeast-1\t-\tafter cache\n"
    );
    // Named stacks only, still with what they wait for; an unknown name is a usage error.
    let (code, out, err) = run(dir.path(), &["--app", APP, "list", "config"]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(out, "config\tap-southeast-1\t-\tafter cache\n");
    let (code, _, err) = run(dir.path(), &["--app", APP, "list", "nosuch"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("nosuch"), "{err}");
    // The app ran: its assembly is kept.
    let manifest: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("cfnforge.out/manifest.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(manifest["stacks"][0]["name"], "config");
    assert!(
        dir.path()
            .join("cfnforge.out/cache.template.json")
            .is_file()
    );
}

#[test]
fn synth_writes_the_apps_assembly_and_prints_the_one_stack_named() {
    let dir = project(&assembly(&[("a", &[]), ("b", &["a"])]).to_string());
    let (code, out, err) = run(dir.path(), &["--app", APP, "synth", "--out", "assembly"]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(out, "", "two stacks: nothing on standard output");
    assert!(
        err.contains("wrote the app's assembly (2 stacks) to assembly"),
        "{err}"
    );
    for file in ["manifest.json", "a.template.json", "b.template.json"] {
        assert!(dir.path().join("assembly").join(file).is_file(), "{file}");
    }

    let (code, out, err) = run(dir.path(), &["--app", APP, "synth", "b"]);
    assert_eq!(code, Some(0), "{err}");
    let template: Value = serde_json::from_str(&out).expect("b's template");
    assert_eq!(
        template["Resources"]["Parameter"]["Properties"]["Value"],
        "b"
    );

    let (code, _, err) = run(dir.path(), &["--app", APP, "synth", "nope"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("no stack \"nope\" in the assembly (stacks: a, b)"),
        "{err}"
    );
}

#[test]
fn the_app_key_of_cfnforge_toml_is_the_app_and_the_flag_wins() {
    let dir = project(&assembly(&[("from-toml", &[])]).to_string());
    std::fs::write(
        dir.path().join("flag.json"),
        assembly(&[("from-flag", &[])]).to_string(),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("cfnforge.toml"),
        format!("app = \"{APP}\"\noutput = \"out\"\n"),
    )
    .unwrap();
    let (code, out, err) = run(dir.path(), &["list"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.starts_with("from-toml\t"), "{out}");
    assert!(
        dir.path().join("out/manifest.json").is_file(),
        "output is used"
    );
    let (_, out, _) = run(dir.path(), &["--app", "cat flag.json", "list"]);
    assert!(out.starts_with("from-flag\t"), "{out}");
}

#[test]
fn an_app_that_fails_is_reported_with_its_exit_status_and_first_lines() {
    let dir = tempfile::tempdir().unwrap();
    let app = "echo 'building...'; echo 'step 2'; echo 'the app broke' >&2; exit 3";
    let (code, out, err) = run(dir.path(), &["--app", app, "list"]);
    assert_eq!(code, Some(1), "{err}");
    assert_eq!(out, "");
    assert!(
        err.contains("the app broke"),
        "its standard error passes: {err}"
    );
    assert!(
        err.contains(&format!("error: the app `{app}` failed (exit status: 3)")),
        "{err}"
    );
    assert!(
        err.contains("  | building...\n  | step 2\n"),
        "first lines: {err}"
    );
    assert!(!dir.path().join("cfnforge.out").exists());
}

#[test]
fn an_app_that_prints_nothing_or_no_assembly_is_an_error_saying_so() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = run(dir.path(), &["--app", "true", "synth"]);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("error: the app `true` printed nothing on standard output"),
        "{err}"
    );

    let (code, _, err) = run(dir.path(), &["--app", "echo '{\"stacks\": []}'", "list"]);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("did not print a cfnforge assembly"), "{err}");
    assert!(err.contains("  | {\"stacks\": []}"), "{err}");
}

#[test]
fn an_assembly_with_a_cycle_or_an_unknown_dependency_is_refused_naming_the_stacks() {
    let dir = project(&assembly(&[("a", &["b"]), ("b", &["a"])]).to_string());
    let (code, _, err) = run(dir.path(), &["--app", APP, "synth"]);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("the stacks depend on each other in a cycle: a -> b -> a"),
        "{err}"
    );

    let dir = project(&assembly(&[("a", &["network"])]).to_string());
    let (code, _, err) = run(dir.path(), &["--app", APP, "list"]);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("stack a depends on network, which is not in the assembly"),
        "{err}"
    );
}

#[test]
fn check_runs_the_rules_on_the_apps_templates() {
    let dir = project(&assembly(&[("a", &[])]).to_string());
    let (code, out, err) = run(dir.path(), &["--app", APP, "check", "--format", "json"]);
    assert_eq!(code, Some(0), "{err}");
    let report: Value = serde_json::from_str(&out).unwrap();
    assert!(report.get("a").is_some(), "{out}");
}

#[test]
fn synth_of_stack_files_writes_the_manifest_beside_the_templates() {
    let out = tempfile::tempdir().unwrap();
    let output = cfnforge(
        &["synth", "--out", out.path().to_str().unwrap()],
        &common::root(),
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("manifest.json")).unwrap())
            .unwrap();
    let stack = &manifest["stacks"][0];
    assert_eq!(stack["name"], "bandup-redis");
    assert_eq!(stack["template_file"], "bandup-redis.template.yaml");
    assert_eq!(stack["region"], "ap-southeast-1");
    assert_eq!(stack["source"], "stacks/bandup-redis.yaml");
    assert_eq!(stack["lookups"][0]["parameter"], "VpcId");
    assert_eq!(stack["suppressions"].as_array().unwrap().len(), 6);
    // The template written is the one synth prints.
    let printed = cfnforge(&["synth", "bandup-redis"], &common::root());
    assert_eq!(
        std::fs::read(out.path().join("bandup-redis.template.yaml")).unwrap(),
        printed.stdout
    );
}
