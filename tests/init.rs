//! `cfnforge init`: the files it writes, what it refuses, and that the crate it makes builds
//! offline, passes its tests, prints an assembly and compiles no AWS SDK and no tokio.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use cfnforge::assembly::Assembly;
use common::{cfnforge, text};

const FILES: &[&str] = &[
    "Cargo.toml",
    "Cargo.lock",
    "cfnforge.toml",
    ".gitignore",
    "src/lib.rs",
    "src/main.rs",
    "tests/stacks.rs",
];

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// The files in `dir`, relative, sorted.
fn files(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else {
                let relative = path.strip_prefix(dir).unwrap();
                found.push(relative.to_string_lossy().into_owned());
            }
        }
    }
    found.sort();
    found
}

fn sorted(names: &[&str]) -> Vec<String> {
    let mut names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    names.sort();
    names
}

#[test]
fn init_writes_the_crate_into_a_new_folder() {
    let temp = tempfile::tempdir().unwrap();
    let output = cfnforge(&["init", "infra"], temp.path());
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let dir = temp.path().join("infra");
    assert_eq!(files(&dir), sorted(FILES));

    let stderr = common::stderr(&output);
    assert!(stderr.contains("created infra in infra:"), "{stderr}");
    assert!(stderr.contains("cd infra\n"), "{stderr}");

    // The package is named after the folder and depends on this checkout by path.
    let manifest = read(&dir, "Cargo.toml");
    assert!(manifest.contains("name = \"infra\"\n"), "{manifest}");
    let checkout = std::fs::canonicalize(common::root()).unwrap();
    assert!(
        manifest.contains(&format!("cfnforge = {{ path = {:?} }}\n", checkout)),
        "{manifest}"
    );
    assert!(manifest.contains("cfnforge = { git = "), "{manifest}");
    // main.rs prints the assembly as the bandup app's does.
    let bandup_main = read(&common::root(), "examples/bandup-app/src/main.rs");
    assert_eq!(
        read(&dir, "src/main.rs"),
        bandup_main.replace("bandup_app::app()", "infra::app()")
    );
    assert!(read(&dir, "tests/stacks.rs").contains("infra::app()"));
    for file in FILES {
        assert!(
            !read(&dir, file).contains("{{"),
            "{file} has a placeholder left"
        );
    }
    assert!(read(&dir, "cfnforge.toml").contains("app = \"cargo run -q\"\n"));
    let ignored = read(&dir, ".gitignore");
    assert!(ignored.lines().any(|l| l == "target/"), "{ignored}");
    assert!(ignored.lines().any(|l| l == "cfnforge.out/"), "{ignored}");

    // The cfnforge.toml it writes is one cfnforge reads: with `--app` instead of its app (which
    // would build the crate, see below), list gets past the settings to the app.
    let list = cfnforge(&["--app", "true", "list"], &dir);
    let stderr = common::stderr(&list);
    assert!(!stderr.contains("cfnforge.toml"), "{}", text(&list));
    assert!(
        stderr.contains("the app `true` printed nothing"),
        "{}",
        text(&list)
    );
}

#[test]
fn init_in_the_current_folder_names_the_package_after_it() {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path().join("My Infra.v2");
    std::fs::create_dir(&dir).unwrap();
    // A folder that is only a fresh git repository counts as empty.
    std::fs::create_dir(dir.join(".git")).unwrap();
    let output = cfnforge(&["init"], &dir);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    assert!(read(&dir, "Cargo.toml").contains("name = \"my-infra-v2\"\n"));
    assert!(read(&dir, "src/main.rs").contains("my_infra_v2::app()"));
    // Nothing to `cd` into.
    assert!(
        !common::stderr(&output).contains("cd "),
        "{}",
        text(&output)
    );
}

#[test]
fn a_folder_that_is_not_empty_is_refused_unless_forced() {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path().join("infra");
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(dir.join("notes.txt"), "mine").unwrap();

    let output = cfnforge(&["init", "infra"], temp.path());
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert_eq!(
        common::stderr(&output),
        "error: infra: the folder is not empty (notes.txt, src); cfnforge init writes into an \
         empty or new folder (--force writes into this one, replacing files of the same names)\n"
    );
    assert_eq!(files(&dir), ["notes.txt"]);

    let output = cfnforge(&["init", "infra", "--force"], temp.path());
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    assert_eq!(read(&dir, "notes.txt"), "mine");
    assert!(dir.join("src/lib.rs").is_file());
}

#[test]
fn a_folder_name_that_makes_no_package_name_is_refused() {
    let temp = tempfile::tempdir().unwrap();
    let output = cfnforge(&["init", "9lives"], temp.path());
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert_eq!(
        common::stderr(&output),
        "error: cannot make a package name from the folder name \"9lives\": it starts with a \
         digit; give one with --name\n"
    );
    assert!(
        !temp.path().join("9lives").exists(),
        "the folder was created"
    );

    let output = cfnforge(&["init", "9lives", "--name", "my infra"], temp.path());
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(
        common::stderr(&output)
            .contains("--name \"my infra\" is not a valid package name: ' ' is not allowed"),
        "{}",
        text(&output)
    );

    let output = cfnforge(&["init", "9lives", "--name", "lives"], temp.path());
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    assert!(read(&temp.path().join("9lives"), "Cargo.toml").contains("name = \"lives\"\n"));
}

#[test]
fn the_cfnforge_path_must_be_a_cfnforge_checkout() {
    let temp = tempfile::tempdir().unwrap();
    let root = common::root();
    let deploy = root.join("deploy");
    let output = cfnforge(
        &["init", "infra", "--cfnforge-path", deploy.to_str().unwrap()],
        temp.path(),
    );
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    let stderr = common::stderr(&output);
    assert!(
        stderr.contains("not a cfnforge checkout:")
            && stderr.contains("is package \"cfnforge-deploy\", not cfnforge"),
        "{stderr}"
    );
    assert!(!temp.path().join("infra").exists());

    // A checkout given by a relative path is written absolute.
    let dir = temp.path().join("infra");
    let output = cfnforge(
        &["init", dir.to_str().unwrap(), "--cfnforge-path", "."],
        &root,
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let checkout = std::fs::canonicalize(&root).unwrap();
    assert!(
        read(&dir, "Cargo.toml").contains(&format!("cfnforge = {{ path = {:?} }}\n", checkout)),
        "{}",
        read(&dir, "Cargo.toml")
    );
}

/// Runs cargo in the crate, offline, with a target folder under the repository's `target/`
/// that every run shares (the library is built once).
fn cargo(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO"))
        .args(args)
        .current_dir(dir)
        .env("CARGO_NET_OFFLINE", "true")
        .env("CARGO_TARGET_DIR", target_dir())
        .output()
        .expect("cargo runs")
}

fn target_dir() -> PathBuf {
    common::root().join("target/tmp/init-scaffold")
}

#[test]
fn the_crate_builds_offline_passes_its_test_and_prints_the_assembly() {
    let temp = tempfile::tempdir().unwrap();
    let output = cfnforge(&["init", "infra"], temp.path());
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let dir = temp.path().join("infra");

    let test = cargo(&dir, &["test"]);
    let test_text = text(&test);
    assert!(test.status.success(), "{test_text}");
    assert!(
        test_text.contains("test the_cache_is_encrypted_and_reached_only_from_the_backend ... ok"),
        "{test_text}"
    );

    // The command cfnforge.toml gives prints the assembly.
    let settings = read(&dir, "cfnforge.toml");
    let app = settings
        .lines()
        .find_map(|l| l.strip_prefix("app = "))
        .expect("an app setting");
    let words: Vec<&str> = app.trim_matches('"').split_whitespace().collect();
    assert_eq!(words[0], "cargo");
    let run = cargo(&dir, &words[1..]);
    assert!(run.status.success(), "{}", text(&run));
    let json = String::from_utf8(run.stdout.clone()).unwrap();
    let assembly = Assembly::from_json(&json).unwrap_or_else(|e| panic!("{e}: {json}"));
    let stack = assembly.stack("bandup-redis").expect("the cache's stack");
    assert_eq!(stack.region.as_deref(), Some("ap-southeast-1"));
    let template: serde_json::Value =
        serde_json::from_str(assembly.template(stack).expect("its template")).unwrap();
    assert_eq!(
        template["Resources"]["BandupRedis"]["Type"],
        "AWS::ElastiCache::ReplicationGroup"
    );
    // The seed page's rules that the choices trip are suppressed: no warning on stderr.
    assert_eq!(common::stderr(&run), "", "{}", text(&run));

    // cfnforge runs that command itself, from cfnforge.toml, and goes on from its assembly.
    let list = Command::new(common::binary())
        .arg("list")
        .current_dir(&dir)
        .env("CARGO_NET_OFFLINE", "true")
        .env("CARGO_TARGET_DIR", target_dir())
        .output()
        .expect("cfnforge runs");
    assert_eq!(list.status.code(), Some(0), "{}", text(&list));
    assert!(
        common::stdout(&list).starts_with("bandup-redis\tap-southeast-1\t"),
        "{}",
        text(&list)
    );
    assert!(dir.join("cfnforge.out/manifest.json").is_file());

    let tree = common::dependency_tree(&dir, &[]);
    assert!(tree.lines().any(|l| l.starts_with("infra v")), "{tree}");
    assert!(tree.lines().any(|l| l.starts_with("cfnforge v")), "{tree}");
    let heavy = common::deploy_only_crates(&tree);
    assert!(heavy.is_empty(), "the crate compiles: {}", heavy.join(", "));
}
