//! Shared test helpers: the repository's paths, the shipped stacks, and cfn-lint.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use serde_json::{Value, json};

mod readme;
#[allow(unused_imports)]
pub use readme::{assert_readme_output, readme_output};

/// The repository's root (the workspace's): tests are declared both by the library at the root
/// and by the cli package in `cli/`.
pub fn root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest
        .ancestors()
        .find(|dir| dir.join("Cargo.lock").is_file())
        .unwrap_or(&manifest)
        .to_path_buf()
}

/// The `cfnforge` binary. Only the tests declared by the cli package (cli/Cargo.toml) have it;
/// the library's tests share this module but run no binary.
pub fn binary() -> PathBuf {
    match option_env!("CARGO_BIN_EXE_cfnforge") {
        Some(path) => PathBuf::from(path),
        None => panic!("this test runs the cfnforge binary: declare it in cli/Cargo.toml"),
    }
}

/// The virtualenv `tests/setup-venv` creates (`CFNFORGE_VENV` overrides it).
pub fn venv() -> PathBuf {
    std::env::var_os("CFNFORGE_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target/venv"))
}

/// Runs cfn-lint on template files; panics with its findings unless it reports no error and no
/// warning (informational findings are allowed).
pub fn cfn_lint(files: &[PathBuf]) {
    let cfn_lint = venv().join("bin/cfn-lint");
    assert!(
        cfn_lint.exists(),
        "{} is missing: run tests/run (it installs cfn-lint into target/venv)",
        cfn_lint.display()
    );
    let output = Command::new(&cfn_lint)
        .args(["--regions", "ap-southeast-1", "--format", "parseable", "--"])
        .args(files)
        .output()
        .expect("cfn-lint runs");
    let code = output.status.code().unwrap_or(-1);
    // cfn-lint's exit code is a bit set: 2 errors, 4 warnings, 8 informational.
    assert!(
        code == 0 || code == 8,
        "cfn-lint exit {code}:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Writes text into a fresh file under the test's temporary folder.
pub fn write_temp(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write temp file");
    path
}

/// Runs the `cfnforge` binary in `cwd`.
pub fn cfnforge(args: &[&str], cwd: &Path) -> Output {
    Command::new(binary())
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("cfnforge runs")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Standard error, which must not show a panic.
pub fn stderr(output: &Output) -> String {
    let text = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(!text.contains("panicked"), "panic: {text}");
    text
}

/// The emulator, stopped when dropped.
pub struct Emulator {
    child: Child,
    pub url: String,
}

impl Emulator {
    pub fn start() -> Emulator {
        let mut child = Command::new(root().join("tests/emulator/serve"))
            .args(["--port", "0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("tests/emulator/serve starts");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let url = loop {
            match lines.next() {
                Some(Ok(line)) => {
                    if let Some(url) = line.strip_prefix("ready on ") {
                        break url.trim().to_string();
                    }
                }
                _ => panic!("the emulator stopped before it was ready"),
            }
        };
        Emulator { child, url }
    }

    /// One API call through boto3; the response as JSON.
    pub fn call(&self, service: &str, operation: &str, arguments: Value) -> Value {
        self.script("aws_call.py", &[service, operation, &arguments.to_string()])
    }

    /// Runs `tests/emulator/SCRIPT` (from the test virtualenv) with this emulator's address
    /// and `args`; fails the test unless it succeeds, and gives the JSON it prints.
    pub fn script(&self, script: &str, args: &[&str]) -> Value {
        let output = Command::new(venv().join("bin/python"))
            .arg(root().join("tests/emulator").join(script))
            .arg(&self.url)
            .args(args)
            .output()
            .expect("python runs");
        assert!(
            output.status.success(),
            "{script} {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        serde_json::from_slice(&output.stdout).expect("JSON")
    }

    /// The seed's existing network: VPC band-up-vpc, two private subnets, ecs-backend-sg.
    pub fn create_network(&self) -> String {
        let tag =
            |name: &str| json!([{"ResourceType": "", "Tags": [{"Key": "Name", "Value": name}]}]);
        let mut vpc_tags = tag("band-up-vpc");
        vpc_tags[0]["ResourceType"] = json!("vpc");
        let vpc = self.call(
            "ec2",
            "create_vpc",
            json!({"CidrBlock": "10.0.0.0/16", "TagSpecifications": vpc_tags}),
        );
        let vpc_id = vpc["Vpc"]["VpcId"].as_str().unwrap().to_string();
        for (i, az) in ["ap-southeast-1a", "ap-southeast-1b"].iter().enumerate() {
            let mut tags = tag(&format!("private-database-subnet-{}", i + 1));
            tags[0]["ResourceType"] = json!("subnet");
            self.call(
                "ec2",
                "create_subnet",
                json!({
                    "VpcId": vpc_id, "CidrBlock": format!("10.0.{i}.0/24"),
                    "AvailabilityZone": az, "TagSpecifications": tags
                }),
            );
        }
        let group = self.call(
            "ec2",
            "create_security_group",
            json!({
                "GroupName": "ecs-backend-sg", "Description": "backend", "VpcId": vpc_id
            }),
        );
        group["GroupId"].as_str().unwrap().to_string()
    }

    pub fn replication_group(&self) -> Option<Value> {
        let groups = self.call("elasticache", "describe_replication_groups", json!({}));
        groups["ReplicationGroups"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["ReplicationGroupId"] == "bandup-redis")
            .cloned()
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A folder with `stacks/bandup-redis.yaml` holding `text`.
pub fn workspace(text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("stacks")).unwrap();
    write_stack(dir.path(), text);
    dir
}

pub fn write_stack(dir: &Path, text: &str) {
    std::fs::write(dir.join("stacks/bandup-redis.yaml"), text).unwrap();
}

/// A cfnforge command that has not ended by then is taken to hang, and killed.
pub const HANG: std::time::Duration = std::time::Duration::from_secs(120);

/// cfnforge with `args`, in `dir`, pointed at `url` with test credentials and no AWS config.
pub fn command_at(url: &str, dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(binary());
    command
        .args(args)
        .args(["--endpoint-url", url])
        .current_dir(dir)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env("NO_PROXY", "127.0.0.1")
        .env_remove("AWS_PROFILE");
    command
}

/// [`command_at`] the emulator.
pub fn command(emulator: &Emulator, dir: &Path, args: &[&str]) -> Command {
    command_at(&emulator.url, dir, args)
}

/// Where deploy's `--outputs-file` goes in the tests.
pub fn outputs_file(dir: &Path) -> PathBuf {
    dir.join("outputs.json")
}

/// Runs cfnforge in `dir` against the emulator, with test credentials.
pub fn cfnforge_on(emulator: &Emulator, dir: &Path, args: &[&str]) -> Output {
    cfnforge_at(&emulator.url, dir, args, &[])
}

/// Runs cfnforge in `dir` against `url` with test credentials and `env`; fails the test on a
/// panic. A command that hangs is killed after [`HANG`] (its exit code is then `None`).
pub fn cfnforge_at(url: &str, dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let stdout = tempfile::NamedTempFile::new().expect("temp file");
    let stderr = tempfile::NamedTempFile::new().expect("temp file");
    let mut child = command_at(url, dir, args)
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(stdout.reopen().expect("reopen"))
        .stderr(stderr.reopen().expect("reopen"))
        .spawn()
        .expect("cfnforge runs");
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > HANG {
            let _ = child.kill();
            break child.wait().expect("wait");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let output = Output {
        status,
        stdout: std::fs::read(stdout.path()).unwrap_or_default(),
        stderr: std::fs::read(stderr.path()).unwrap_or_default(),
    };
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    output
}

pub fn text(output: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}--- stderr\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// The crates `cargo tree` lists for the package in `dir` (normal and build dependencies, one
/// `name vX.Y.Z` per line), read offline; `extra` adds flags such as `--locked`.
pub fn dependency_tree(dir: &Path, extra: &[&str]) -> String {
    let output = Command::new(env!("CARGO"))
        .args([
            "tree",
            "--offline",
            "--edges",
            "normal,build",
            "--prefix",
            "none",
            "--format",
            "{p}",
        ])
        .args(extra)
        .current_dir(dir)
        .output()
        .expect("cargo tree runs");
    assert!(
        output.status.success(),
        "cargo tree failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The crates in a `dependency_tree` that only deploying needs: the AWS SDK, tokio, hyper.
pub fn deploy_only_crates(tree: &str) -> Vec<&str> {
    tree.lines()
        .filter(|l| l.starts_with("aws-") || l.starts_with("tokio ") || l.starts_with("hyper"))
        .collect()
}

/// A copy of `examples/bandup-app` outside the repository, in `into`, with its path dependency
/// on cfnforge rewritten to the checkout's absolute path, as a user's own crate elsewhere would
/// have it. Gives the copy's `Cargo.toml`.
#[allow(dead_code)]
pub fn bandup_app_elsewhere(into: &Path) -> PathBuf {
    let source = root().join("examples/bandup-app");
    for dir in ["src", "tests"] {
        std::fs::create_dir_all(into.join(dir)).expect("create dir");
        for entry in std::fs::read_dir(source.join(dir)).expect("read dir") {
            let path = entry.expect("entry").path();
            std::fs::copy(&path, into.join(dir).join(path.file_name().expect("name")))
                .expect("copy");
        }
    }
    std::fs::copy(source.join("Cargo.lock"), into.join("Cargo.lock")).expect("copy lock");
    let manifest = std::fs::read_to_string(source.join("Cargo.toml")).expect("read manifest");
    let dependency = "cfnforge = { path = \"../..\"";
    assert!(manifest.contains(dependency), "{manifest}");
    let rewritten = manifest.replace(
        dependency,
        &format!("cfnforge = {{ path = {:?}", root().display().to_string()),
    );
    std::fs::write(into.join("Cargo.toml"), rewritten).expect("write manifest");
    into.join("Cargo.toml")
}

/// Asserts that the README's JSON block marked `<!-- output: ID, keys -->` (comments after `//`
/// allowed, values shortened) has the keys, at the same places, that the documents a command
/// printed have together: no key the program does not print, none it prints left out. The
/// values of the keys in `opaque` (template fragments, say) are values, not more keys.
pub fn assert_readme_keys(id: &str, printed: &[Value], opaque: &[&str]) {
    let paths = |value: &Value, out: &mut std::collections::BTreeSet<String>| {
        let mut stack = vec![(value, String::new())];
        while let Some((value, at)) = stack.pop() {
            match value {
                Value::Object(map) => {
                    for (key, value) in map {
                        let here = format!("{at}.{key}");
                        out.insert(here.clone());
                        if !opaque.contains(&key.as_str()) {
                            stack.push((value, here));
                        }
                    }
                }
                Value::Array(items) => {
                    stack.extend(items.iter().map(|v| (v, format!("{at}[]"))));
                }
                _ => {}
            }
        }
    };
    let (shown, _) = readme_output(id);
    let without_comments: String = shown
        .lines()
        .map(|line| match line.find("//") {
            Some(at) if line[..at].matches('"').count() % 2 == 0 => &line[..at],
            _ => line,
        })
        .collect::<Vec<_>>()
        .join("\n");
    let shown: Value = serde_json::from_str(&without_comments)
        .unwrap_or_else(|e| panic!("README.md's output {id} is not JSON: {e}"));
    let mut want = std::collections::BTreeSet::new();
    paths(&shown, &mut want);
    let mut got = std::collections::BTreeSet::new();
    for value in printed {
        paths(value, &mut got);
    }
    assert_eq!(
        want.difference(&got).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "README.md's output {id} shows keys the command does not print"
    );
    assert_eq!(
        got.difference(&want).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "README.md's output {id} leaves out keys the command prints"
    );
}
