//! The bandup app (`examples/bandup-app`), a package of its own, checked from the workspace
//! without building that package (about a minute more of CI): its `src/lib.rs` is compiled here
//! against the workspace's library (the `ssm` feature comes from the library's
//! dev-dependency on itself), and its own tests run here too. Its `cargo tree` is read offline.

#[path = "../examples/bandup-app/src/lib.rs"]
mod bandup_app;

mod common;

// The app's own tests, which use the assertions.
include!("../examples/bandup-app/tests/app.rs");

mod against_the_repository {

    use cfnforge::app::App;
    use cfnforge::assembly::Assembly;
    use cfnforge::render::{Format, render};
    use cfnforge::stackfile;
    use cfnforge::synth::synthesize;

    use super::{bandup_app, common};

    fn assembly() -> Assembly {
        bandup_app::app().unwrap().synth().unwrap()
    }

    fn template(assembly: &Assembly, stack: &str) -> String {
        let artifact = assembly.stack(stack).unwrap();
        assembly.template(artifact).unwrap().to_string()
    }

    /// `stacks/bandup-redis.yaml` synthesized, as JSON.
    fn stack_file_template() -> String {
        let file = stackfile::load(&common::root().join("stacks/bandup-redis.yaml")).unwrap();
        render(&synthesize(&file).unwrap().stack.template, Format::Json).unwrap()
    }

    #[test]
    fn the_cache_stack_is_the_stack_files_plus_the_export_the_config_stack_imports() {
        // On its own, exactly the stack file's template.
        let (redis, _) = bandup_app::redis_stack().unwrap();
        let mut alone = App::new();
        alone.add(redis).unwrap();
        assert_eq!(
            template(&alone.synth().unwrap(), "bandup-redis"),
            stack_file_template()
        );

        // In the app, the one output the cross-stack reference adds, and nothing else.
        let mut in_app: serde_json::Value =
            serde_json::from_str(&template(&assembly(), "bandup-redis")).unwrap();
        let export = in_app["Outputs"]
            .as_object_mut()
            .unwrap()
            .shift_remove("ExportBandupRedisPrimaryEndPointAddress")
            .expect("the export");
        assert_eq!(
            export,
            serde_json::json!({
                "Description": "PrimaryEndPoint.Address of BandupRedis, for other stacks of the app",
                "Value": {"Fn::GetAtt": ["BandupRedis", "PrimaryEndPoint.Address"]},
                "Export": {"Name": "bandup-redis:BandupRedisPrimaryEndPointAddress"},
            })
        );
        let stack_file: serde_json::Value = serde_json::from_str(&stack_file_template()).unwrap();
        assert_eq!(in_app, stack_file);
    }

    #[test]
    fn both_templates_match_their_snapshots_and_pass_cfn_lint() {
        let assembly = assembly();
        let dir = tempfile::tempdir().unwrap();
        let mut files = Vec::new();
        for stack in ["bandup-redis", "bandup-redis-config"] {
            let text = template(&assembly, stack);
            insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
                insta::assert_snapshot!(format!("app-{stack}"), text);
            });
            files.push(common::write_temp(
                dir.path(),
                &format!("{stack}.template.json"),
                &text,
            ));
        }
        common::cfn_lint(&files);
    }

    #[test]
    fn the_app_compiles_no_aws_crate_and_no_tokio_with_the_repositorys_versions() {
        let dir = common::root().join("examples/bandup-app");
        let tree = common::dependency_tree(&dir, &["--locked"]);
        assert!(
            tree.lines().any(|l| l.starts_with("bandup-app v")),
            "{tree}"
        );
        assert!(tree.lines().any(|l| l.starts_with("cfnforge v")), "{tree}");
        let heavy = common::deploy_only_crates(&tree);
        assert!(
            heavy.is_empty(),
            "the bandup app compiles: {}",
            heavy.join(", ")
        );

        // Copied out of the repository, with the path dependency rewritten, it still resolves
        // from its own lock file and still compiles nothing of deploying.
        let elsewhere = tempfile::tempdir().unwrap();
        let manifest = common::bandup_app_elsewhere(elsewhere.path());
        let tree = common::dependency_tree(elsewhere.path(), &["--locked"]);
        assert!(tree.lines().any(|l| l.starts_with("cfnforge v")), "{tree}");
        let heavy = common::deploy_only_crates(&tree);
        assert!(
            heavy.is_empty(),
            "{}: {}",
            manifest.display(),
            heavy.join(", ")
        );

        // Its lock file pins what the repository's pins: it builds offline from the same crates.
        let packages = |path: &std::path::Path| -> Vec<(String, String)> {
            let text = std::fs::read_to_string(path).unwrap();
            let lock: Vec<&str> = text.lines().collect();
            lock.windows(2)
                .filter_map(|pair| {
                    let name = pair[0].strip_prefix("name = ")?;
                    let version = pair[1].strip_prefix("version = ")?;
                    Some((name.to_string(), version.to_string()))
                })
                .collect()
        };
        let repository = packages(&common::root().join("Cargo.lock"));
        for (name, version) in packages(&dir.join("Cargo.lock")) {
            if name == "\"bandup-app\"" {
                continue;
            }
            assert!(
                repository.contains(&(name.clone(), version.clone())),
                "examples/bandup-app/Cargo.lock has {name} {version}, which Cargo.lock does not"
            );
        }
    }
}
