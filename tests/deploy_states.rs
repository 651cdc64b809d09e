//! Ctrl-C at questions, closed pipes, and stacks in review, end to end: cfnforge as a process
//! (on a pseudo-terminal where a person would type) against the moto emulator.

mod common;

use std::path::Path;
use std::process::{Command, Output, Stdio};

use common::{Emulator, cfnforge_on as cfnforge, command, text, workspace};
use serde_json::{Value, json};

const SEED: &str = include_str!("../stacks/bandup-redis.yaml");

/// The seed under other names, so that both can live in one account.
fn second_stack() -> String {
    SEED.replace("stack: bandup-redis ", "stack: bandup-redis-2 ")
        .replace("id: bandup-redis ", "id: bandup-redis-2 ")
        .replace("name: redis-sg", "name: redis-sg-2")
        .replace(
            "name: bandup-cached-subnet-group",
            "name: bandup-cached-subnet-group-2",
        )
        .replace("resource: BandupRedis", "resource: BandupRedis2")
}

/// Runs cfnforge on a pseudo-terminal, typing as `script` says (see tests/pty_drive.py);
/// returns the exit code and the transcript.
fn on_terminal(emulator: &Emulator, dir: &Path, args: &[&str], script: Value) -> (i32, String) {
    on_terminal_with(emulator, dir, args, script, &[])
}

/// [`on_terminal`] with more environment variables.
fn on_terminal_with(
    emulator: &Emulator,
    dir: &Path,
    args: &[&str],
    script: Value,
    env: &[(&str, &str)],
) -> (i32, String) {
    let mut cfnforge = command(emulator, dir, args);
    cfnforge.envs(env.iter().copied());
    let mut driver = Command::new(common::venv().join("bin/python"));
    driver
        .arg(common::root().join("tests/pty_drive.py"))
        .arg(script.to_string())
        .arg("--")
        .arg(cfnforge.get_program())
        .args(cfnforge.get_args())
        .current_dir(dir);
    for (key, value) in cfnforge.get_envs() {
        match value {
            Some(value) => driver.env(key, value),
            None => driver.env_remove(key),
        };
    }
    let output = driver.output().expect("pty_drive.py runs");
    let transcript = String::from_utf8_lossy(&output.stdout).to_string();
    assert!(!transcript.contains("panicked"), "{transcript}");
    (output.status.code().unwrap_or(-1), transcript)
}

/// Stacks that exist (not deleted), by name, with their status.
fn live_stacks(emulator: &Emulator) -> Vec<(String, String)> {
    let listed = emulator.call("cloudformation", "list_stacks", json!({}));
    listed["StackSummaries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["StackName"].as_str().unwrap().to_string(),
                s["StackStatus"].as_str().unwrap().to_string(),
            )
        })
        .filter(|(_, status)| status != "DELETE_COMPLETE")
        .collect()
}

fn replication_group(emulator: &Emulator, id: &str) -> bool {
    let groups = emulator.call("elasticache", "describe_replication_groups", json!({}));
    groups["ReplicationGroups"]
        .as_array()
        .unwrap()
        .iter()
        .any(|g| g["ReplicationGroupId"] == id)
}

#[test]
fn ctrl_c_at_a_later_question_stops_there_even_after_an_earlier_stack_was_followed() {
    let emulator = Emulator::start();
    emulator.create_network();
    let dir = workspace(SEED);
    std::fs::write(dir.path().join("stacks/zz-second.yaml"), second_stack()).unwrap();
    // The first stack is approved and followed; at the second question Ctrl-C, then (as the
    // old handler swallowed the press) "y".
    let (code, transcript) = on_terminal(
        &emulator,
        dir.path(),
        &["deploy", "--all"],
        json!([
            ["expect", "Deploy them?"],
            ["send", "y\r"],
            ["expect", "Deploy them?"],
            ["sleep", 0.3],
            ["send", "\u{3}"],
            ["sleep", 1.5],
            ["send", "y\r"],
        ]),
    );
    assert_eq!(code, 130, "{transcript}");
    assert!(
        transcript.contains("interrupted: not deployed") && !transcript.contains("ended by signal"),
        "{transcript}"
    );
    assert!(replication_group(&emulator, "bandup-redis"), "{transcript}");
    assert!(
        !replication_group(&emulator, "bandup-redis-2"),
        "{transcript}"
    );
    // The CREATE change set it prepared went, with the empty stack it made.
    let stacks = live_stacks(&emulator);
    assert_eq!(
        stacks,
        [("bandup-redis".to_string(), "CREATE_COMPLETE".to_string())],
        "{transcript}"
    );
}

#[test]
fn ctrl_c_at_the_destroy_question_deletes_nothing_and_exits_130() {
    let emulator = Emulator::start();
    emulator.create_network();
    let dir = workspace(SEED);
    let deployed = cfnforge(&emulator, dir.path(), &["deploy", "--yes"]);
    assert_eq!(deployed.status.code(), Some(0), "{}", text(&deployed));
    let (code, transcript) = on_terminal(
        &emulator,
        dir.path(),
        &["destroy", "bandup-redis"],
        json!([
            ["expect", "Delete stack bandup-redis"],
            ["sleep", 0.3],
            ["send", "\u{3}"]
        ]),
    );
    assert_eq!(code, 130, "{transcript}");
    assert!(
        transcript.contains("interrupted: stack bandup-redis was not deleted")
            && !transcript.contains("ended by signal"),
        "{transcript}"
    );
    assert!(replication_group(&emulator, "bandup-redis"));
}

/// Runs cfnforge with standard output and standard error on a pipe nobody reads.
fn closed_pipes(command: &mut Command) -> Output {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    command
        .stdin(Stdio::null())
        .stdout(writer.try_clone().unwrap())
        .stderr(writer)
        .output()
        .unwrap()
}

#[test]
fn a_closed_pipe_does_not_make_cfnforge_panic() {
    let root = common::root();
    for args in [
        &["schema"][..],
        &["list"],
        &["synth", "bandup-redis"],
        &["check"],
    ] {
        let output = closed_pipes(
            Command::new(env!("CARGO_BIN_EXE_cfnforge"))
                .args(args)
                .current_dir(&root),
        );
        assert_ne!(output.status.code(), Some(101), "{args:?} panicked");
        assert!(
            output.status.code().is_some(),
            "{args:?}: {:?}",
            output.status
        );
    }

    // `deploy 2>&1 | tee log` after Ctrl-C took tee down: the deploy still ends as it should.
    let emulator = Emulator::start();
    emulator.create_network();
    let dir = workspace(SEED);
    let output = closed_pipes(&mut command(&emulator, dir.path(), &["diff"]));
    assert_eq!(output.status.code(), Some(0), "diff: {:?}", output.status);
    let output = closed_pipes(&mut command(&emulator, dir.path(), &["deploy", "--yes"]));
    assert_eq!(output.status.code(), Some(0), "deploy: {:?}", output.status);
    assert!(replication_group(&emulator, "bandup-redis"));
}

#[test]
fn a_stack_in_review_with_someone_elses_change_set_is_left_alone() {
    let emulator = Emulator::start();
    emulator.create_network();
    let dir = workspace(SEED);
    let template = "Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n";
    emulator.call(
        "cloudformation",
        "create_change_set",
        json!({
            "StackName": "bandup-redis", "ChangeSetName": "platform-review",
            "ChangeSetType": "CREATE", "TemplateBody": template
        }),
    );
    let stopped = cfnforge(&emulator, dir.path(), &["deploy", "--yes"]);
    let shown = text(&stopped);
    assert_eq!(stopped.status.code(), Some(1), "{shown}");
    assert!(
        shown.contains("change sets cfnforge did not create: platform-review"),
        "{shown}"
    );
    let left = emulator.call(
        "cloudformation",
        "list_change_sets",
        json!({"StackName": "bandup-redis"}),
    );
    assert_eq!(left["Summaries"][0]["ChangeSetName"], "platform-review");
}

#[test]
fn a_create_that_is_not_approved_leaves_no_stack_behind() {
    let emulator = Emulator::start();
    emulator.create_network();
    let dir = workspace(SEED);
    let stopped = cfnforge(&emulator, dir.path(), &["deploy"]);
    let shown = text(&stopped);
    assert_eq!(stopped.status.code(), Some(1), "{shown}");
    assert!(shown.contains("--require-approval never"), "{shown}");
    assert!(shown.contains("empty stack"), "{shown}");
    assert_eq!(live_stacks(&emulator), [], "{shown}");
}

#[test]
fn diff_is_coloured_on_a_terminal_unless_no_color_is_set() {
    let emulator = Emulator::start();
    let dir = workspace(SEED);
    let (code, coloured) = on_terminal(&emulator, dir.path(), &["diff"], json!([]));
    assert_eq!(code, 0, "{coloured}");
    assert!(
        coloured.contains("\x1b[32m+ AWS::ElastiCache::ReplicationGroup BandupRedis\x1b[0m"),
        "{coloured}"
    );
    let (code, plain) = on_terminal_with(
        &emulator,
        dir.path(),
        &["diff"],
        json!([]),
        &[("NO_COLOR", "1")],
    );
    assert_eq!(code, 0, "{plain}");
    assert!(
        plain.contains("+ AWS::ElastiCache::ReplicationGroup BandupRedis")
            && !plain.contains('\x1b'),
        "{plain}"
    );
}
