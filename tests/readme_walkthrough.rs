//! The README's emulator walkthrough ("Trying it against the emulator"), run as written: its
//! shell blocks go to bash in a copy of the project's stacks, against an emulator on a free port.
//! Only three things are changed on the way: the emulator's address (the README's port 4566 is
//! the test's free port), `cargo run --features aws --` (the binary under test, built with the
//! same features), and the block that starts the emulator (the test starts it).

mod common;

use std::path::Path;
use std::process::Command;

use common::Emulator;
use serde_json::json;

/// The ```sh blocks of the README section whose heading is `heading`.
fn shell_blocks(readme: &str, heading: &str) -> Vec<String> {
    let start = readme
        .find(&format!("\n{heading}\n"))
        .unwrap_or_else(|| panic!("README.md has no section {heading:?}"));
    let section = &readme[start + 1..];
    let end = section[heading.len()..]
        .find("\n## ")
        .map_or(section.len(), |i| i + heading.len());
    let mut blocks = Vec::new();
    let mut rest = &section[..end];
    while let Some(open) = rest.find("```sh\n") {
        let body = &rest[open + 6..];
        let close = body.find("\n```").expect("a closed code block");
        blocks.push(body[..close].to_string());
        rest = &body[close + 4..];
    }
    blocks
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

#[test]
fn the_readme_emulator_walkthrough_runs_as_written() {
    let root = common::root();
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let blocks = shell_blocks(&readme, "## Trying it against the emulator");
    assert_eq!(
        blocks.len(),
        3,
        "serve, set up and deploy, follow: {blocks:#?}"
    );
    assert!(
        blocks[0].starts_with("tests/emulator/serve --port 4566"),
        "{}",
        blocks[0]
    );

    let emulator = Emulator::start();
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&root.join("stacks"), &dir.path().join("stacks"));
    copy_dir(
        &root.join("tests/emulator"),
        &dir.path().join("tests/emulator"),
    );
    std::fs::create_dir_all(dir.path().join("target")).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(common::venv(), dir.path().join("target/venv")).unwrap();
    // `git checkout stacks/...` puts the shipped file back: the copy is a repository too.
    let git = |args: &[&str]| {
        let status = Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(args)
            .current_dir(dir.path())
            .output()
            .expect("git runs");
        assert!(status.status.success(), "git {args:?}: {status:?}");
    };
    git(&["init", "-q"]);
    git(&["add", "stacks"]);
    git(&["commit", "-q", "-m", "stacks"]);

    // README shell as written, but against this emulator and with the binary under test: its
    // success and what it printed (standard output, then standard error).
    let binary = common::binary().display().to_string();
    let bash = |script: String| -> (bool, String) {
        let script = script
            .replace("http://127.0.0.1:4566", &emulator.url)
            .replace("cargo run --features aws --", &binary);
        assert!(!script.contains("cargo "), "{script}");
        let output = Command::new("bash")
            .arg("-c")
            .arg(&script)
            .current_dir(dir.path())
            .env_remove("AWS_PROFILE")
            .output()
            .expect("bash runs");
        let shown = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        if std::env::var_os("CFNFORGE_SHOW").is_some() {
            eprintln!("{shown}");
        }
        (output.status.success(), shown)
    };
    let (ok, shown) = bash(format!("set -euo pipefail\n{}\n{}\n", blocks[1], blocks[2]));
    assert!(ok, "the walkthrough failed:\n{shown}");
    for expected in [
        "bandup-redis: CREATE_COMPLETE",
        "Stack bandup-redis: no differences",
        "~ SnapshotRetentionLimit: 1 -> 3",
        "bandup-redis: UPDATE_COMPLETE",
        "bandup-redis: DELETE_COMPLETE",
    ] {
        assert!(shown.contains(expected), "{expected:?} is not in:\n{shown}");
    }
    // The shipped file is back, and nothing is left in the emulator.
    assert_eq!(
        std::fs::read_to_string(dir.path().join("stacks/bandup-redis.yaml")).unwrap(),
        std::fs::read_to_string(root.join("stacks/bandup-redis.yaml")).unwrap()
    );
    let stacks = emulator.call("cloudformation", "describe_stacks", json!({}));
    let live: Vec<&serde_json::Value> = stacks["Stacks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["StackStatus"] != "DELETE_COMPLETE")
        .collect();
    assert!(live.is_empty(), "{live:?}");

    // "Already created it in the console?": its emulator block, in the same terminal (the
    // walkthrough's exports), after the walkthrough. The dry run that is refused exits 1, so the
    // block runs without `-e` and each step is checked by what it prints.
    let console = shell_blocks(&readme, "## Already created it in the console?");
    let console = console
        .iter()
        .find(|b| b.contains("tests/emulator/console.py"))
        .expect("the console section tries it against the emulator");
    let exports = blocks[1]
        .lines()
        .find(|l| l.starts_with("export AWS_ENDPOINT_URL="))
        .expect("the walkthrough exports the emulator's address");
    let (ok, shown) = bash(format!("set -uo pipefail\n{exports}\n{console}\n"));
    assert!(ok, "the console section failed:\n{shown}");
    for expected in [
        "make the stack file match what exists: `cache.security_group.description: redis-sg`",
        "= AWS::ElastiCache::ReplicationGroup BandupRedis (ReplicationGroupId bandup-redis)",
        "dry run: nothing was changed",
        "bandup-redis: IMPORT_COMPLETE: imported BandupRedisSecurityGroup, BandupRedisSubnetGroup, BandupRedis",
        "bandup-redis: no changes",
        "bandup-redis: DELETE_COMPLETE",
    ] {
        assert!(shown.contains(expected), "{expected:?} is not in:\n{shown}");
    }
    // The IDs the import found are shown with the names they came from, not as given.
    assert!(!shown.contains("(--parameter)"), "{shown}");
    // Adopted, not made again: after the import, no change set adds anything.
    let imported = &shown[shown.find("IMPORT_COMPLETE").unwrap()..];
    assert!(
        !imported.lines().any(|l| l.starts_with("Add ")),
        "nothing created after the import: {shown}"
    );
    // The file is put back, and the stack is gone.
    assert_eq!(
        std::fs::read_to_string(dir.path().join("stacks/bandup-redis.yaml")).unwrap(),
        std::fs::read_to_string(root.join("stacks/bandup-redis.yaml")).unwrap()
    );
    let stacks = emulator.call("cloudformation", "describe_stacks", json!({}));
    assert!(
        stacks["Stacks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["StackStatus"] == "DELETE_COMPLETE"),
        "{stacks}"
    );
}
