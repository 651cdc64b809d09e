//! The crate docs' example (examples/bandup_cache.rs) renders a template cfn-lint accepts.

mod common;

#[allow(dead_code)]
#[path = "../examples/bandup_cache.rs"]
mod example;

use cfnforge::parse::parse;
use cfnforge::render::{Format, render};

#[test]
fn the_doc_example_passes_cfn_lint() {
    let template = example::bandup_cache();
    let yaml = render(&template, Format::Yaml).unwrap();
    assert_eq!(parse(&yaml, Format::Yaml).unwrap(), template);
    let dir = tempfile::tempdir().unwrap();
    let file = common::write_temp(dir.path(), "bandup.template.yaml", &yaml);
    common::cfn_lint(&[file]);
}

#[test]
fn cfn_lint_check_can_fail() {
    // The harness must not pass everything: seven nodes are more than the schema's six.
    let mut template = example::bandup_cache();
    let cache = template.resources.get_mut("Cache").unwrap();
    cache.properties.insert("NumCacheClusters".into(), 7.into());
    let yaml = render(&template, Format::Yaml).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = common::write_temp(dir.path(), "bad.template.yaml", &yaml);
    let result = std::panic::catch_unwind(|| common::cfn_lint(&[file]));
    assert!(result.is_err(), "cfn-lint accepted NumCacheClusters: 7");
}
