//! Shared test helpers: the repository's paths, the shipped stacks, and cfn-lint.

#![allow(dead_code)]

pub mod emulator;

use std::path::{Path, PathBuf};
use std::process::Command;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
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
