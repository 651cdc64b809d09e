//! Snapshot tests: the template of every shipped stack file and of each variation of the cache
//! construct, stored in `snapshots/`; and cfn-lint on every one of them.

mod common;

use std::path::{Path, PathBuf};

use cfnforge::render::{Format, render};
use cfnforge::stackfile;
use cfnforge::synth::synthesize;

fn synth_yaml(path: &Path) -> String {
    let file = stackfile::load(path).unwrap_or_else(|e| panic!("{e:?}"));
    let synthesized = synthesize(&file).unwrap_or_else(|e| panic!("{e:?}"));
    render(&synthesized.stack.template, Format::Yaml).unwrap()
}

fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    stackfile::discover(dir).unwrap()
}

fn assert_template_snapshot(name: &str, yaml: &str) {
    insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!(name, yaml);
    });
}

#[test]
fn every_shipped_stack_matches_its_snapshot() {
    let files = yaml_files(&common::root().join("stacks"));
    assert!(!files.is_empty());
    for path in files {
        let name = format!("stack-{}", stackfile::file_stem(&path));
        assert_template_snapshot(&name, &synth_yaml(&path));
    }
}

#[test]
fn every_construct_variation_matches_its_snapshot() {
    let files = yaml_files(&common::root().join("tests/fixtures/variations"));
    assert_eq!(files.len(), 4, "replicas-2, ids, imports, redis");
    for path in files {
        let name = format!("variation-{}", stackfile::file_stem(&path));
        assert_template_snapshot(&name, &synth_yaml(&path));
    }
}

#[test]
fn every_synthesized_template_passes_cfn_lint() {
    let dir = tempfile::tempdir().unwrap();
    let mut templates = Vec::new();
    let sources = yaml_files(&common::root().join("stacks"))
        .into_iter()
        .chain(yaml_files(
            &common::root().join("tests/fixtures/variations"),
        ));
    for path in sources {
        let name = format!("{}.template.yaml", stackfile::file_stem(&path));
        templates.push(common::write_temp(dir.path(), &name, &synth_yaml(&path)));
    }
    common::cfn_lint(&templates);
}
