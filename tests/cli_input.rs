//! Hostile and careless stack-file input through the real binary: bytes that are not UTF-8,
//! keys given twice, tags AWS refuses, stacks named twice, and a named stack read without its
//! neighbours.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::{cfnforge, stderr, stdout};

const SEED: &str = include_str!("../stacks/bandup-redis.yaml");

/// A stacks folder with the given files.
fn folder(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("stacks")).unwrap();
    for (name, bytes) in files {
        std::fs::write(dir.path().join("stacks").join(name), bytes).unwrap();
    }
    dir
}

/// `synth` of the seed with `from` replaced by `to`: exit 1, and standard error.
fn synth_error(from: &str, to: &[u8]) -> String {
    let at = SEED.find(from).expect("in the seed");
    let mut text = SEED.as_bytes()[..at].to_vec();
    text.extend_from_slice(to);
    text.extend_from_slice(&SEED.as_bytes()[at + from.len()..]);
    let dir = folder(&[("bandup-redis.yaml", &text)]);
    let output = cfnforge(&["synth"], dir.path());
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(output.stdout.is_empty(), "no template on error");
    err
}

#[test]
fn a_file_that_is_not_utf8_names_the_line_and_column_of_the_first_bad_byte() {
    // Latin-1 "é" (0xE9) in the description on line 5.
    let err = synth_error("description: In-memory", b"description: Caf\xe9 In-memory");
    assert!(
        err.contains(
            "error: stacks/bandup-redis.yaml:5:17: the file is not UTF-8 text (byte 0xE9 here)"
        ),
        "{err}"
    );
}

#[test]
fn a_key_with_no_value_or_a_quoted_number_is_an_error_in_the_file_s_words() {
    let cases: [(&str, &str, &str); 7] = [
        (
            "  port: 6379",
            "  port:",
            "stacks/bandup-redis.yaml:17:7: cache.port: no value; give one, or leave the key out for its default",
        ),
        (
            "  port: 6379",
            "  port: \"6379\"",
            "stacks/bandup-redis.yaml:17:9: cache.port: expected a whole number, found the text \"6379\"; write it without quotes",
        ),
        (
            "  port: 6379",
            "  port: 70000",
            "stacks/bandup-redis.yaml:17:9: cache.port: 70000 is too large: at most 65535",
        ),
        (
            "at_rest: true",
            "at_rest: yes",
            "stacks/bandup-redis.yaml:19:26: cache.encryption.at_rest: expected true or false, found \"yes\"",
        ),
        (
            "at_rest: true",
            "at_rest: \"true\"",
            "stacks/bandup-redis.yaml:19:26: cache.encryption.at_rest: expected true or false, found the text \"true\"; write it without quotes",
        ),
        (
            "stack: bandup-redis ",
            "stack: ",
            "stacks/bandup-redis.yaml:3:6: stack: no value",
        ),
        (
            "  vpc: band-up-vpc ",
            "  vpc: ",
            "stacks/bandup-redis.yaml:8:3: network.vpc: no value, expected a name, an ID, or {import: EXPORT_NAME}",
        ),
    ];
    for (from, to, expected) in cases {
        let err = synth_error(from, to.as_bytes());
        assert!(err.contains(&format!("error: {expected}")), "{to}: {err}");
        assert!(
            !err.contains("Option<") && !err.contains("unit value"),
            "{err}"
        );
    }
    // Blanking a mapping's only key to read on does not make the mapping a second error.
    let err = synth_error(
        "  encryption: { at_rest: true, in_transit: true }",
        b"  encryption:\n    at_rest: yes",
    );
    assert_eq!(err.matches("error: ").count(), 1, "{err}");
    assert!(
        err.contains("cache.encryption.at_rest: expected true or false"),
        "{err}"
    );
    // An empty mapping or list is "no value" too, with the shape to write.
    let err = synth_error("tags: { project: bandup }", b"tags:");
    assert!(
        err.contains("error: stacks/bandup-redis.yaml:6:5: tags: no value; write it as `tags: {KEY: VALUE, ...}`"),
        "{err}"
    );
    let err = synth_error(
        "    allow_from: [ecs-backend-sg]",
        b"    allow_from:   # none yet",
    );
    assert!(
        err.contains(
            "cache.security_group.allow_from: no value; write it as `allow_from: [GROUP, ...]`"
        ),
        "{err}"
    );
    // A number past what the key's type holds is out of range, not "at most 255".
    let err = synth_error("  replicas: 0 ", b"  replicas: 300 ");
    assert!(err.contains("cache.replicas: 300 is out of range"), "{err}");
    let err = synth_error("  port: 6379", b"  port: 6379.0");
    assert!(
        err.contains("expected a whole number, found 6379.0"),
        "{err}"
    );
}

#[test]
fn a_key_given_twice_names_the_key_and_both_lines() {
    let err = synth_error(
        "region: ap-southeast-1\n",
        b"region: ap-southeast-1\nregion: us-east-1\n",
    );
    assert!(
        err.contains(
            "error: stacks/bandup-redis.yaml:5:1: region: `region` is given twice: first on line 4, again on line 5; keep one"
        ),
        "{err}"
    );
    assert!(!err.contains("DuplicateKeyPolicy"), "{err}");

    let err = synth_error("  port: 6379\n", b"  port: 6379\n  port: 6380\n");
    assert!(
        err.contains("error: stacks/bandup-redis.yaml:18:3: cache.port: `port` is given twice: first on line 17, again on line 18"),
        "{err}"
    );
}

#[test]
fn tags_aws_refuses_are_errors_at_their_line() {
    let err = synth_error(
        "tags: { project: bandup }",
        b"tags:\n  project: \"band\\0up\"\n  aws:owner: me\n  ok: fine",
    );
    assert!(
        err.contains("error: stacks/bandup-redis.yaml:7:12: tags.project: the tag value contains the control character '\\0'"),
        "{err}"
    );
    assert!(
        err.contains("error: stacks/bandup-redis.yaml:8:3: tags.aws:owner: tag keys starting with `aws:` are reserved"),
        "{err}"
    );
    assert_eq!(err.matches("error:").count(), 2, "{err}");

    let long_key = format!("tags: {{ {}: x }}", "k".repeat(129));
    let err = synth_error("tags: { project: bandup }", long_key.as_bytes());
    assert!(
        err.contains("a tag key has 1 to 128 characters; this one has 129"),
        "{err}"
    );
    let long_value = format!("tags: {{ project: {} }}", "v".repeat(257));
    let err = synth_error("tags: { project: bandup }", long_value.as_bytes());
    assert!(
        err.contains("a tag value has at most 256 characters; this one has 257"),
        "{err}"
    );
}

/// Waits for `cfnforge args` in `cwd` at most `limit`; `None` if it did not finish.
fn run_within(args: &[&str], cwd: &Path, limit: Duration) -> Option<std::process::Output> {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_cfnforge"))
        .args(args)
        .current_dir(cwd)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while started.elapsed() < limit {
        if child.try_wait().unwrap().is_some() {
            return Some(child.wait_with_output().unwrap());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    None
}

#[test]
fn a_named_stack_is_read_without_its_neighbours() {
    // The neighbour is a FIFO nobody writes to: reading it would wait forever, so the command
    // finishing shows it was never opened (a 58 MB neighbour used to cost 3.5 s).
    let dir = folder(&[("bandup-redis.yaml", SEED.as_bytes())]);
    let fifo = dir.path().join("stacks/neighbour.yaml");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let output = run_within(
        &["synth", "bandup-redis"],
        dir.path(),
        Duration::from_secs(20),
    )
    .expect("synth bandup-redis must not read neighbour.yaml");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).contains("ReplicationGroupId: bandup-redis"));
}

#[test]
fn a_stack_name_that_is_no_file_name_is_found_by_reading_every_file_and_says_so() {
    let other = SEED.replacen("stack: bandup-redis", "stack: cache-prod", 1);
    let dir = folder(&[
        ("bandup-redis.yaml", SEED.as_bytes()),
        ("prod.yaml", other.as_bytes()),
    ]);
    let output = cfnforge(&["synth", "cache-prod"], dir.path());
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(0), "{err}");
    assert!(
        err.contains(
            "no file cache-prod.yaml in stacks: read every stack file to find stack \"cache-prod\""
        ),
        "{err}"
    );
    assert!(stdout(&output).contains("ReplicationGroupId: bandup-redis"));
}

#[test]
fn two_files_naming_one_stack_are_an_error_naming_both() {
    let dir = folder(&[
        ("a.yaml", SEED.as_bytes()),
        ("b.yaml", format!("# copy\n{SEED}").as_bytes()),
    ]);
    let out = dir.path().join("out");
    let output = cfnforge(&["synth", "--out", out.to_str().unwrap()], dir.path());
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(
        err.contains("error: stacks/a.yaml:3:8: stack: stack \"bandup-redis\" is also defined in stacks/b.yaml:4:8"),
        "{err}"
    );
    assert!(
        err.contains("error: stacks/b.yaml:4:8: stack: stack \"bandup-redis\" is also defined in stacks/a.yaml:3:8"),
        "{err}"
    );
    assert!(
        !out.join("bandup-redis.template.yaml").exists(),
        "neither overwrites the other"
    );

    let output = cfnforge(&["check", "--format", "json"], dir.path());
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(
        err.contains("is also defined in stacks/b.yaml:4:8"),
        "{err}"
    );

    // Named by stack name when no file has that name: both files match.
    let output = cfnforge(&["synth", "bandup-redis"], dir.path());
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(err.contains("is also defined in"), "{err}");
}

#[test]
fn more_than_50_tags_are_an_error_at_the_51st() {
    let tags: Vec<String> = (1..=51).map(|i| format!("  t{i}: v")).collect();
    let text = format!("tags:\n{}", tags.join("\n"));
    let err = synth_error("tags: { project: bandup }", text.as_bytes());
    assert!(
        err.contains("error: stacks/bandup-redis.yaml:57:3: tags: 51 tags: AWS takes at most 50"),
        "{err}"
    );
}

#[test]
fn the_security_group_description_key_pins_the_deployed_text_and_is_checked_at_its_line() {
    let pinned = SEED.replacen(
        "    name: redis-sg\n",
        "    name: redis-sg\n    description: Redis OSS cache bandup-redis\n",
        1,
    );
    let dir = folder(&[("bandup-redis.yaml", pinned.as_bytes())]);
    let output = cfnforge(&["synth"], dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("GroupDescription: Redis OSS cache bandup-redis\n"),
        "{}",
        stdout(&output)
    );

    let err = synth_error(
        "    name: redis-sg\n",
        b"    name: redis-sg\n    description: \"caf\xc3\xa9 <cache>\"\n",
    );
    assert!(
        err.contains("error: stacks/bandup-redis.yaml:23:18: cache.security_group.description: security group description"),
        "{err}"
    );
}

/// Each document validated against stacks/stack.schema.json by Python's `jsonschema` (from the
/// test virtualenv), after reading it with PyYAML as an editor's YAML server reads it: for
/// each, the errors (empty: valid), one per line, as `path: message`.
fn schema_errors(texts: &[String]) -> Vec<String> {
    let python = common::venv().join("bin/python");
    assert!(
        python.exists(),
        "{} is missing: run tests/setup-venv",
        python.display()
    );
    let dir = tempfile::tempdir().unwrap();
    let files: Vec<std::path::PathBuf> = texts
        .iter()
        .enumerate()
        .map(|(i, text)| common::write_temp(dir.path(), &format!("{i}.yaml"), text))
        .collect();
    let script = "import json, sys, yaml, jsonschema\n\
                  schema = json.load(open(sys.argv[1]))\n\
                  validator = jsonschema.validators.validator_for(schema)(schema)\n\
                  for name in sys.argv[2:]:\n\
                  \x20   document = yaml.safe_load(open(name))\n\
                  \x20   errors = [f\"{'.'.join(map(str, e.absolute_path))}: {e.message}\" for e in validator.iter_errors(document)]\n\
                  \x20   print(json.dumps(errors))\n";
    let output = std::process::Command::new(&python)
        .args(["-c", script])
        .arg(common::root().join("stacks/stack.schema.json"))
        .args(&files)
        .output()
        .expect("python runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| {
            let errors: Vec<String> = serde_json::from_str(line).unwrap();
            errors.join("\n")
        })
        .collect()
}

#[test]
fn the_editor_schema_and_the_tool_accept_and_refuse_the_same_stack_files() {
    let seed = |from: &str, to: &str| {
        assert!(SEED.contains(from), "{from}");
        SEED.replacen(from, to, 1)
    };
    let good_choices = std::fs::read_to_string(
        common::root().join("tests/fixtures/good-stacks/orders-cache.yaml"),
    )
    .unwrap();
    let good = [
        SEED.to_string(),
        good_choices,
        seed("version: \"8.0\"", "version: 8.0"),
        seed("engine: valkey", "engine: redis").replacen("version: \"8.0\"", "version: 7.1", 1),
        seed(
            "tags: { project: bandup }",
            "tags: { project: bandup, cost-center: 1234 }",
        ),
        format!(
            "{SEED}environments:\n  prod:\n    stack: bandup-redis-prod\n    cache: {{ node_type: cache.r7g.large, replicas: 2, security_group: {{ name: redis-sg-prod }} }}\n"
        ),
    ];
    let bad = [
        format!("{SEED}environments:\n  prod:\n    cache: {{ replicas: 2 }}\n"),
        format!(
            "{SEED}environments:\n  prod:\n    stack: bandup-redis-prod\n    cache: {{ replica: 2 }}\n"
        ),
        seed("stack: bandup-redis", "stack: 1bandup"),
        seed("stack: bandup-redis", "stack: bandup_redis"),
        seed("region: ap-southeast-1", "region: Singapore"),
        seed(
            "tags: { project: bandup }",
            "tags: { \"aws:project\": bandup }",
        ),
        seed("  id: bandup-redis", "  id: bandup--redis"),
        seed("  id: bandup-redis", "  id: bandup-redis-"),
        seed("  replicas: 0", "  replica: 0"),
        seed("  replicas: 0", "  replicas: 6"),
        seed("  node_type: cache.t3.micro", "  node_type: t3.micro"),
        seed("    name: redis-sg", "    name: sg-redis"),
        seed(
            "    name: redis-sg",
            "    name: redis-sg\n    description: \"redis|sg\"",
        ),
        seed("    name: bandup-cached-subnet-group", "    name: default"),
        seed(
            "    name: bandup-cached-subnet-group",
            "    name: bandup_subnets",
        ),
        seed(
            "  port: 6379",
            "  port: 6379\n  access_control: {auth_token_secret: bandup-token}",
        ),
        seed("  - rule: CF-EC-014", "  - rule: CF-EC-999"),
        seed(
            "    reason: the backend expects the default port 6379; another port would add no protection",
            "    reason: \"  \"",
        ),
        seed(
            "cache:\n",
            "caches: [{id: other, security_group: {allow_from: [x]}}]\ncache:\n",
        ),
        // A key given with no value is not the default, and numbers and booleans are not text.
        seed("  port: 6379", "  port:"),
        seed("  port: 6379", "  port: ~"),
        seed("  description: in memory db for bandup", "  description:"),
        seed(
            "  encryption: { at_rest: true, in_transit: true }",
            "  encryption:",
        ),
        seed("  port: 6379", "  port: \"6379\""),
        seed("  replicas: 0 ", "  replicas: \"0\""),
        seed("at_rest: true", "at_rest: \"true\""),
        seed("  port: 6379", "  port: 6379\n  outputs: \"false\""),
        seed("  port: 6379", "  port: 70000"),
    ];
    let texts: Vec<String> = good.iter().chain(bad.iter()).cloned().collect();
    let schema = schema_errors(&texts);
    for (i, text) in texts.iter().enumerate() {
        let dir = folder(&[("bandup-redis.yaml", text.as_bytes())]);
        let output = cfnforge(&["check"], dir.path());
        let err = stderr(&output);
        let tool_accepts = output.status.success();
        let schema_accepts = schema[i].is_empty();
        assert_eq!(
            (tool_accepts, schema_accepts),
            (i < good.len(), i < good.len()),
            "case {i}:\n{text}\ntool: {err}\nschema: {}",
            schema[i]
        );
        // Editors name the key, not "not valid under any of the given schemas".
        assert!(
            !schema[i].contains("not valid under any") || schema[i].starts_with(": "),
            "case {i}: {}",
            schema[i]
        );
    }
}
