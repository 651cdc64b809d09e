//! Golden files: each plain CloudFormation template in tests/fixtures/rules
//! (`NAME.template.yaml`) beside the text report cfnforge's rules give for it
//! (`NAME.expected.txt`). cfn-lint accepts every one of these templates; the rules do not.
//! `CFNFORGE_BLESS=1` rewrites the expected reports after a deliberate change.

mod common;

use std::path::PathBuf;

use cfnforge::parse::parse;
use cfnforge::render::Format;
use cfnforge::rules;

fn fixtures() -> Vec<PathBuf> {
    let dir = common::root().join("tests/fixtures/rules");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".template.yaml"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no templates in {}", dir.display());
    files
}

#[test]
fn each_template_gives_its_expected_report() {
    let bless = std::env::var_os("CFNFORGE_BLESS").is_some();
    let mut differences = Vec::new();
    for template_file in fixtures() {
        let text = std::fs::read_to_string(&template_file).unwrap();
        let template = parse(&text, Format::Yaml).unwrap();
        let report = rules::check(&template, &[]).unwrap();
        assert!(report.fails(false), "{}: no error", template_file.display());
        let actual = rules::text(&report);
        let expected_file = PathBuf::from(
            template_file
                .to_string_lossy()
                .replace(".template.yaml", ".expected.txt"),
        );
        if bless {
            std::fs::write(&expected_file, &actual).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&expected_file).unwrap_or_default();
        if actual != expected {
            differences.push(format!(
                "{} (CFNFORGE_BLESS=1 rewrites it):\n{actual}",
                expected_file.display()
            ));
        }
    }
    assert!(differences.is_empty(), "{}", differences.join("\n"));
}

#[test]
fn cfn_lint_accepts_every_template() {
    common::cfn_lint(&fixtures());
}
