//! The library is what users' infrastructure crates compile: it must not pull in the AWS SDK or
//! an async runtime. A crate that depends on it alone is resolved with `cargo tree` (offline,
//! with the repository's lock file) and its dependency graph searched.

mod common;

use std::process::Command;

#[test]
fn a_crate_that_depends_on_the_library_compiles_no_aws_crate_and_no_tokio() {
    let dir = tempfile::tempdir().unwrap();
    let root = common::root();
    std::fs::write(
        dir.path().join("Cargo.toml"),
        format!(
            "[package]\nname = \"weight-probe\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\n\
             [dependencies]\ncfnforge = {{ path = {:?} }}\n\n[workspace]\n",
            root.display().to_string()
        ),
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("src")).unwrap();
    std::fs::write(dir.path().join("src/lib.rs"), "").unwrap();
    // The same versions as the repository, and no network.
    std::fs::copy(root.join("Cargo.lock"), dir.path().join("Cargo.lock")).unwrap();
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
        .current_dir(dir.path())
        .output()
        .expect("cargo tree runs");
    let tree = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "cargo tree failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    // The graph was read: the library and what it is built on are in it.
    assert!(tree.lines().any(|l| l.starts_with("cfnforge v")), "{tree}");
    assert!(tree.lines().any(|l| l.starts_with("serde v")), "{tree}");
    let heavy: Vec<&str> = tree
        .lines()
        .filter(|l| l.starts_with("aws-") || l.starts_with("tokio ") || l.starts_with("hyper"))
        .collect();
    assert!(
        heavy.is_empty(),
        "a crate depending on cfnforge compiles: {}",
        heavy.join(", ")
    );
}
