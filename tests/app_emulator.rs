//! The bandup app (`examples/bandup-app`) deployed from its assembly against the emulator:
//! `deploy --all --app` creates the cache, then the SSM parameter holding its primary endpoint;
//! an export the config stack imports is neither removed by a deploy nor deleted by a destroy
//! of the cache alone; `destroy --all` deletes the config stack first.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use common::{Emulator, cfnforge_on as cfnforge, text, workspace};
use serde_json::json;

const SEED: &str = include_str!("../stacks/bandup-redis.yaml");
const EXPORT: &str = "bandup-redis:BandupRedisPrimaryEndPointAddress";

/// Builds the bandup app, copied out of the repository with its path dependency rewritten (as a
/// user's crate elsewhere), into `target/bandup-app` (kept between runs: only a change to the
/// app or the library rebuilds it, about a minute on 2 cores from nothing) and gives its binary.
fn bandup_app() -> String {
    let root = common::root();
    let target = root.join("target/bandup-app");
    let elsewhere = tempfile::tempdir().expect("temp dir");
    let manifest = common::bandup_app_elsewhere(elsewhere.path());
    let started = Instant::now();
    let status = Command::new(env!("CARGO"))
        .args(["build", "-q", "--locked", "--manifest-path"])
        .arg(&manifest)
        .env("CARGO_TARGET_DIR", &target)
        .status()
        .expect("cargo runs");
    assert!(status.success(), "the bandup app builds");
    eprintln!(
        "bandup app built in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    target.join("debug/bandup-app").display().to_string()
}

/// Where `line` is in `text`; fails when it is not there.
fn at(text: &str, line: &str) -> usize {
    text.find(line)
        .unwrap_or_else(|| panic!("{line:?} is not in:\n{text}"))
}

fn stacks(emulator: &Emulator) -> Vec<String> {
    let described = emulator.call("cloudformation", "describe_stacks", json!({}));
    described["Stacks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["StackStatus"] != "DELETE_COMPLETE")
        .map(|s| s["StackName"].as_str().unwrap().to_string())
        .collect()
}

fn deploy_all(emulator: &Emulator, dir: &Path, app: &str) -> String {
    let deployed = cfnforge(
        emulator,
        dir,
        &[
            "--app",
            app,
            "deploy",
            "--all",
            "--yes",
            "--concurrency",
            "2",
        ],
    );
    let shown = text(&deployed);
    assert_eq!(deployed.status.code(), Some(0), "{shown}");
    shown
}

#[test]
fn the_bandup_app_deploys_in_dependency_order_and_is_destroyed_in_reverse() {
    let app = bandup_app();
    let emulator = Emulator::start();
    emulator.create_network();
    // The stack file of the cache, for the deadly embrace below.
    let dir = workspace(SEED);
    let d = dir.path();

    // list: the app's stacks in deployment order, where each is defined, what it waits for.
    let listed = common::cfnforge(&["--app", &app, "list"], d);
    assert_eq!(listed.status.code(), Some(0), "{}", text(&listed));
    common::assert_readme_output("list-app", &common::stdout(&listed), &[]);
    let manifest: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(d.join("cfnforge.out/manifest.json")).unwrap(),
    )
    .unwrap();
    common::assert_readme_keys("manifest", &[manifest], &[]);

    let shown = deploy_all(&emulator, d, &app);
    // The config stack waits for the cache, --concurrency 2 or not.
    assert!(
        at(&shown, "bandup-redis: CREATE_COMPLETE")
            < at(&shown, "bandup-redis-config: deploying to"),
        "{shown}"
    );
    assert!(
        shown.contains("bandup-redis-config: CREATE_COMPLETE"),
        "{shown}"
    );
    assert!(
        d.join("cfnforge.out/manifest.json").is_file(),
        "the assembly is kept"
    );

    // The parameter holds the primary endpoint, as ElastiCache reports it.
    let parameter = emulator.call(
        "ssm",
        "get_parameter",
        json!({"Name": "/bandup/redis/primary-endpoint"}),
    );
    let group = emulator.replication_group().expect("bandup-redis exists");
    let address = group["NodeGroups"][0]["PrimaryEndpoint"]["Address"]
        .as_str()
        .expect("a primary endpoint");
    assert_eq!(parameter["Parameter"]["Value"], address);
    assert!(address.contains("bandup-redis"), "{address}");

    // Again: nothing changes.
    let again = deploy_all(&emulator, d, &app);
    assert!(again.contains("bandup-redis-config: no changes"), "{again}");

    // The deadly embrace: the stack file's cache has no export, which bandup-redis-config
    // imports. Deploying it would remove the export: refused before anything runs.
    let embrace = cfnforge(&emulator, d, &["deploy", "bandup-redis", "--yes"]);
    let shown = text(&embrace);
    assert_eq!(embrace.status.code(), Some(1), "{shown}");
    let err = common::stderr(&embrace);
    common::assert_readme_output(
        "deadly-embrace",
        &err[err.find("error: ").unwrap_or(0)..],
        &[],
    );
    assert!(
        shown.contains(&format!(
            "error: stack bandup-redis: this deploy would remove export {EXPORT}, which stack bandup-redis-config still imports"
        )),
        "{shown}"
    );
    assert!(
        shown.contains(&format!(
            "1. Deploy bandup-redis-config without the import: in place of Fn::ImportValue of {EXPORT} (now \"{address}\")"
        )),
        "{shown}"
    );
    assert!(
        shown.contains("2. Deploy bandup-redis: cfnforge deploy bandup-redis --exclusively"),
        "{shown}"
    );
    assert!(!shown.contains("Logical ID"), "no change set: {shown}");
    let exports = emulator.call("cloudformation", "list_exports", json!({}));
    assert_eq!(exports["Exports"][0]["Name"], EXPORT, "the export stays");

    // Destroying the cache alone would delete the export: refused too.
    let alone = cfnforge(
        &emulator,
        d,
        &["--app", &app, "destroy", "bandup-redis", "--yes"],
    );
    let shown = text(&alone);
    assert_eq!(alone.status.code(), Some(1), "{shown}");
    assert!(
        shown.contains(&format!(
            "stack bandup-redis: deleting it would remove export {EXPORT}, which stack bandup-redis-config still imports"
        )),
        "{shown}"
    );
    assert!(
        shown.contains("cfnforge destroy bandup-redis-config"),
        "{shown}"
    );
    assert_eq!(stacks(&emulator).len(), 2, "nothing deleted");

    // Everything, the importer first.
    let destroyed = cfnforge(&emulator, d, &["--app", &app, "destroy", "--all", "--yes"]);
    let shown = text(&destroyed);
    assert_eq!(destroyed.status.code(), Some(0), "{shown}");
    assert!(
        at(&shown, "bandup-redis-config: DELETE_COMPLETE")
            < at(&shown, "bandup-redis: DELETE_COMPLETE"),
        "{shown}"
    );
    assert_eq!(stacks(&emulator), Vec::<String>::new());
    assert!(emulator.replication_group().is_none(), "the cache is gone");
}
