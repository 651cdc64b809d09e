//! The moto emulator (tests/emulator) for end-to-end deploy tests, and running cfnforge
//! against it.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use serde_json::{Value, json};

use super::{root, venv};

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
        let output = Command::new(venv().join("bin/python"))
            .arg(root().join("tests/emulator/aws_call.py"))
            .args([&self.url, service, operation, &arguments.to_string()])
            .output()
            .expect("python runs");
        assert!(
            output.status.success(),
            "{service} {operation}: {}",
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

/// cfnforge with `args`, in `dir`, pointed at the emulator with test credentials.
pub fn command(emulator: &Emulator, dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cfnforge"));
    command
        .args(args)
        .args(["--endpoint-url", &emulator.url])
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

pub fn cfnforge(emulator: &Emulator, dir: &Path, args: &[&str]) -> Output {
    let output = command(emulator, dir, args)
        .stdin(Stdio::null())
        .output()
        .expect("cfnforge runs");
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

pub fn outputs_file(dir: &Path) -> PathBuf {
    dir.join("outputs.json")
}
