//! The library is what users' infrastructure crates compile: it must not pull in the AWS SDK or
//! an async runtime. A crate that depends on it alone is resolved with `cargo tree` (offline,
//! with the repository's lock file) and its dependency graph searched.

mod common;

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
    let tree = common::dependency_tree(dir.path(), &[]);
    // The graph was read: the library and what it is built on are in it.
    assert!(tree.lines().any(|l| l.starts_with("cfnforge v")), "{tree}");
    assert!(tree.lines().any(|l| l.starts_with("serde v")), "{tree}");
    let heavy = common::deploy_only_crates(&tree);
    assert!(
        heavy.is_empty(),
        "a crate depending on cfnforge compiles: {}",
        heavy.join(", ")
    );
}
