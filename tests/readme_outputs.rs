//! What the README shows a command printing is what it prints: each output block of README.md
//! is marked `<!-- output: ID -->` and compared with what the command prints by
//! `common::assert_readme_output` (tests/readme.rs fails on a block no test compares). Most are
//! produced here; the bandup app's `list` in tests/app_emulator.rs, the library's messages in
//! its unit tests (src/app/tree.rs, src/assertions/tests.rs), and a hand-written deployed
//! template in deploy/src/tests/templates.rs. The stack files are the ones the README describes.
//! `CFNFORGE_BLESS=1` (with `--test-threads=1`) rewrites a block that differs: read the change.

mod common;

use std::process::{Command, Output};

use common::{Emulator, assert_readme_output, cfnforge, stderr, stdout};
use serde_json::{Value, json};

const SEED: &str = include_str!("../stacks/bandup-redis.yaml");

/// A project folder whose `stacks/NAME` holds `text`.
fn project(name: &str, text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("stacks")).unwrap();
    std::fs::write(dir.path().join("stacks").join(name), text).unwrap();
    dir
}

/// The seed with `from` replaced by `to` (once; `from` must be there).
fn seed(from: &str, to: &str) -> String {
    assert!(SEED.contains(from), "{from}");
    SEED.replacen(from, to, 1)
}

/// The seed's stack file without its `suppressions:` block.
fn unsuppressed() -> String {
    let end = SEED.find("# The seed page's choices trip").unwrap();
    SEED[..end].to_string()
}

fn failed(output: &Output) -> String {
    assert_ne!(output.status.code(), Some(0), "{}", stdout(output));
    stderr(output)
}

#[test]
fn synth_without_the_suppressions() {
    let dir = project("bandup-redis.yaml", &unsuppressed());
    let output = cfnforge(&["synth"], dir.path());
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    let err = stderr(&output);
    assert_readme_output("synth-unsuppressed", &err, &[]);
    // The reference's excerpt: a finding at the key that made the property, and one about the
    // cache as a whole at the cache.
    assert_readme_output("findings-at-keys", &err, &[]);
}

#[test]
fn check_json_has_the_keys_the_readme_lists() {
    // Findings (suppressed), an unused suppression (CF-EC-001 does not fire: encryption at
    // rest is on) and a stack-file warning (an ID in capitals).
    let text = format!(
        "{}  - rule: CF-EC-001\n    resource: BandupRedis\n    reason: never fires here\n",
        seed("  id: bandup-redis ", "  id: Bandup-redis ")
    );
    let dir = project("bandup-redis.yaml", &text);
    let output = cfnforge(&["check", "--format", "json"], dir.path());
    let json: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let report = &json["bandup-redis"];
    let keys = |value: &Value| -> Vec<String> {
        let object = match value {
            Value::Array(items) => items.first().unwrap_or_else(|| panic!("{json:#}")),
            other => other,
        };
        let mut keys: Vec<String> = object.as_object().unwrap().keys().cloned().collect();
        keys.sort();
        keys
    };
    let mut actual = vec![("<stack>".to_string(), {
        let mut k: Vec<String> = report.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    })];
    for section in ["summary", "findings", "unused_suppressions", "diagnostics"] {
        actual.push((section.to_string(), keys(&report[section])));
    }
    // The README lists each object's keys as `"name": {"a", "b"}` (or `[{...}]`).
    let (shown, _) = common::readme_output("check-json-shape");
    let flat: String = shown.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut listed = Vec::new();
    for (open, _) in flat.match_indices('{') {
        let before = flat[..open].trim_end_matches([' ', '[']);
        let name = match before.strip_suffix("\":") {
            Some(quoted) => quoted.rsplit('"').next().unwrap_or_default().to_string(),
            None => continue,
        };
        let body = &flat[open + 1..];
        let list = &body[..body.find(['}', '{']).unwrap()];
        let mut names: Vec<String> = list
            .split(',')
            .map(|n| n.trim().trim_matches('"').to_string())
            .filter(|n| !n.is_empty() && !n.contains(':'))
            .collect();
        names.sort();
        if !names.is_empty() {
            listed.push((name, names));
        }
    }
    listed.sort();
    let mut stack_keys: Vec<String> = listed
        .iter()
        .filter(|(name, _)| name != "<stack>")
        .map(|(name, _)| name.clone())
        .collect();
    stack_keys.sort();
    actual.sort();
    let actual_stack = actual
        .iter()
        .find(|(n, _)| n == "<stack>")
        .unwrap()
        .1
        .clone();
    assert_eq!(
        actual_stack, stack_keys,
        "README.md's check JSON shape: {shown}"
    );
    let actual: Vec<_> = actual.into_iter().filter(|(n, _)| n != "<stack>").collect();
    assert_eq!(listed, actual, "README.md's check JSON shape: {shown}");
}

#[test]
fn outside_a_project() {
    let empty = tempfile::tempdir().unwrap();
    let output = cfnforge(&["synth"], empty.path());
    assert_eq!(output.status.code(), Some(2));
    assert_readme_output("outside-project", &stderr(&output), &[]);
}

#[test]
fn list() {
    let output = cfnforge(&["list"], &common::root());
    assert_eq!(output.status.code(), Some(0));
    assert_readme_output("list", &stdout(&output), &[]);
}

/// The README's `environments:` example, appended to the shipped stack file as it says.
fn with_readme_environments() -> String {
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap();
    let intro = "Appended to the shipped stack file:\n\n```yaml\n";
    let start = readme.find(intro).expect("the environments example") + intro.len();
    let example = &readme[start..start + readme[start..].find("```\n").unwrap()];
    format!("{SEED}{example}")
}

#[test]
fn list_and_synth_with_environments() {
    let dir = project("bandup-redis.yaml", &with_readme_environments());
    let listed = cfnforge(&["list", "--env", "prod"], dir.path());
    assert_eq!(listed.status.code(), Some(0), "{}", stderr(&listed));
    let staging = cfnforge(&["synth", "--env", "staging"], dir.path());
    let transcript = format!(
        "$ cfnforge list --env prod\n{}$ cfnforge synth --env staging\n{}",
        stdout(&listed),
        failed(&staging)
    );
    assert_readme_output("list-env", &transcript, &[]);
}

#[test]
fn stack_file_errors() {
    let dir = project(
        "bandup-redis.yaml",
        &unsuppressed().replacen("  id: bandup-redis ", "  id: bandup--redis ", 1),
    );
    let err = failed(&cfnforge(&["synth"], dir.path()));
    assert_readme_output("error-line", &err, &[]);

    let dir = project("bandup-redis.yaml", &seed("  port: 6379", "  port: six"));
    let err = failed(&cfnforge(&["synth"], dir.path()));
    assert_readme_output("error-snippet", &err, &[]);

    let dir = project(
        "bandup-redis.yaml",
        &seed(
            "  replicas: 0                  # 0-5; cluster mode disabled\n  port: 6379",
            "  access_control: {auth_token_secret: bandup-token}\n  replica: 0\n  port: six",
        ),
    );
    let err = failed(&cfnforge(&["synth"], dir.path()));
    assert_readme_output("errors-in-one-run", &err, &[]);
}

/// The README's stack file with 32 caches, `stacks/big.yaml`.
fn big_stack() -> String {
    let mut text = String::from(
        "stack: big\nnetwork:\n  vpc: band-up-vpc\n  subnets: [private-database-subnet-1]\ncaches:\n",
    );
    for i in 0..32 {
        text.push_str(&format!(
            "  - id: cache-{i}\n    description: cache number {i} of the big stack\n    \
             security_group:\n      allow_from: [ecs-backend-sg]\n"
        ));
    }
    text.push_str(
        "suppressions:\n  - rule: CF-EC-006\n    reason: a test stack\n  \
         - rule: CF-EC-005\n    reason: a test stack\n  - rule: CF-DATA-002\n    reason: a test stack\n",
    );
    text
}

/// A warning about the whole template names the file and no place in it.
#[test]
fn a_template_too_big_to_send_inline() {
    let dir = project("big.yaml", &big_stack());
    let output = cfnforge(&["synth"], dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_readme_output("template-too-big", &stderr(&output), &[]);
}

#[test]
fn an_unknown_profile() {
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir(home.path().join(".aws")).unwrap();
    std::fs::write(
        home.path().join(".aws/config"),
        "[default]\nregion = ap-southeast-1\n[profile dev]\n",
    )
    .unwrap();
    std::fs::write(
        home.path().join(".aws/credentials"),
        "[ci]\naws_access_key_id = a\naws_secret_access_key = b\n",
    )
    .unwrap();
    let output = Command::new(common::binary())
        .args(["deploy", "bandup-redis", "--profile", "prod"])
        .current_dir(common::root())
        .env("HOME", home.path())
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_CONFIG_FILE")
        .env_remove("AWS_SHARED_CREDENTIALS_FILE")
        .output()
        .expect("cfnforge runs");
    assert_eq!(output.status.code(), Some(2));
    let home = home.path().to_str().unwrap();
    assert_readme_output("unknown-profile", &stderr(&output), &[(home, "/tmp/home")]);
}

#[test]
fn an_app_that_fails() {
    // `cargo run -q` as the app, with a `cargo` first on PATH that fails as a panicking
    // program does (exit status 101) after printing.
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    let cargo = bin.join("cargo");
    std::fs::write(
        &cargo,
        "#!/bin/sh\necho 'building the assembly'\nexit 101\n",
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&cargo, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    std::fs::write(dir.path().join("cfnforge.toml"), "app = \"cargo run -q\"\n").unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let output = Command::new(common::binary())
        .args(["list"])
        .current_dir(dir.path())
        .env("PATH", path)
        .output()
        .expect("cfnforge runs");
    assert_readme_output("app-failed", &failed(&output), &[]);
}

/// The outputs of `deploy`, `diff` and `drift` the README shows, against the emulator.
#[test]
fn against_the_emulator() {
    let emulator = Emulator::start();
    emulator.create_network();
    let dir = project("bandup-redis.yaml", SEED);
    let d = dir.path();
    let run = |args: &[&str]| common::cfnforge_on(&emulator, d, args);

    // A name that finds nothing: a look-up error that says what is near.
    common::write_stack(d, &seed("[ecs-backend-sg]", "[ecs-backend]"));
    let output = run(&["deploy", "bandup-redis", "--yes"]);
    assert_readme_output("resolve-not-found", &failed(&output), &[]);

    // diff --format json: before the stack exists, a replacement, an in-place change.
    common::write_stack(d, SEED);
    let diff_json = |args: &[&str]| -> Value {
        let output = run(&[&["diff", "bandup-redis", "--format", "json"][..], args].concat());
        serde_json::from_slice(&output.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", common::text(&output)))
    };
    let mut documents = vec![diff_json(&[])];

    // The phases of a first deploy, up to the execution.
    let output = run(&["deploy", "bandup-redis", "--yes"]);
    assert_eq!(output.status.code(), Some(0), "{}", common::text(&output));
    assert_readme_output("deploy-phases", &stderr(&output), &[]);

    // diff: a replacement deploy would refuse, then an in-place change.
    common::write_stack(d, &seed("  port: 6379", "  port: 6380"));
    let output = run(&["diff", "bandup-redis", "--color", "never"]);
    assert_readme_output("diff-replacement", &stdout(&output), &[]);
    documents.push(diff_json(&[]));
    common::write_stack(
        d,
        &seed("[ecs-backend-sg]", "[ecs-backend-sg, sg-0123456789abcdef0]")
            .replace("backup_retention_days: 1", "backup_retention_days: 2"),
    );
    let output = run(&["diff", "bandup-redis", "--color", "never"]);
    assert_readme_output("diff-in-place", &stdout(&output), &[]);
    documents.push(diff_json(&[]));
    common::assert_readme_keys("diff-json", &documents, &["old", "new"]);

    // drift: a rule added by hand.
    common::write_stack(d, SEED);
    let group = emulator.call(
        "ec2",
        "describe_security_groups",
        json!({"Filters": [{"Name": "group-name", "Values": ["redis-sg"]}]}),
    )["SecurityGroups"][0]["GroupId"]
        .as_str()
        .unwrap()
        .to_string();
    emulator.call(
        "ec2",
        "authorize_security_group_ingress",
        json!({"GroupId": group, "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 6379, "ToPort": 6379, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]}),
    );
    let output = run(&["drift", "bandup-redis"]);
    assert_readme_output("drift", &stdout(&output), &[]);
}
