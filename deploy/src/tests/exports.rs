//! The "deadly embrace": an export another stack still imports is neither changed nor removed
//! by deploy, nor deleted with its stack by destroy; both stop before anything runs.

use super::*;
use cfnforge::template::{Intrinsic, Output};

const EXPORT: &str = "bandup-redis:BandupRedisPrimaryEndPointAddress";

/// The cache with its endpoint exported under `export`, read from `attribute`.
fn exporting(export: Option<&str>, attribute: &str) -> Template {
    let mut template = cache_template(6379);
    if let Some(export) = export {
        template.add_output(
            "ExportBandupRedisPrimaryEndPointAddress",
            Output::new(Value::from(Intrinsic::get_att("Cache", attribute))).export(export),
        );
    }
    template
}

/// bandup-redis deployed with the export, which bandup-redis-config imports.
fn imported() -> Scripted {
    let mut state = deployed(&exporting(Some(EXPORT), "PrimaryEndPoint.Address"));
    if let Some(stack) = state.stack.as_mut() {
        stack.outputs = vec![(
            "ExportBandupRedisPrimaryEndPointAddress".into(),
            "bandup-redis.abc.cache.amazonaws.com".into(),
        )];
    }
    state.imports = vec![(EXPORT.into(), "bandup-redis-config".into())];
    // Were the deploy to go on, it would run to its end.
    state.change_set = ready_change_set(vec![("Cache", Some("False"))]);
    state.timeline = vec![step("UPDATE_COMPLETE", vec![])].into();
    state.resources = vec![crate::cloud::StackResource {
        logical_id: "Cache".into(),
        status: "CREATE_COMPLETE".into(),
        ..Default::default()
    }];
    Scripted::new(state)
}

fn nothing_ran(cloud: &Scripted) {
    let calls = cloud.calls();
    assert!(
        !calls
            .iter()
            .any(|c| c.starts_with("CreateChangeSet") || c == "DeleteStack"),
        "{calls:?}"
    );
}

#[test]
fn removing_an_export_another_stack_imports_stops_before_anything_runs() {
    let cloud = imported();
    let error =
        quiet_deploy(&cloud, exporting(None, "PrimaryEndPoint.Address")).expect_err("refused");
    match &error {
        DeployError::ExportsInUse {
            stack,
            uses,
            destroying: false,
        } => {
            assert_eq!(stack, "bandup-redis");
            assert_eq!(
                uses,
                &[ExportInUse {
                    stack: "bandup-redis".into(),
                    export: EXPORT.into(),
                    change: ExportChange::Removed,
                    importers: vec!["bandup-redis-config".into()],
                    value: Some("bandup-redis.abc.cache.amazonaws.com".into()),
                }]
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(
        error
            .to_string()
            .contains("imported by bandup-redis-config")
    );
    nothing_ran(&cloud);
}

#[test]
fn changing_the_value_of_an_imported_export_stops_too() {
    let cloud = imported();
    let error = quiet_deploy(&cloud, exporting(Some(EXPORT), "ReaderEndPoint.Address"))
        .expect_err("refused");
    assert!(
        matches!(&error, DeployError::ExportsInUse { uses, .. } if uses[0].change == ExportChange::Changed),
        "{error:?}"
    );
    nothing_ran(&cloud);
}

#[test]
fn an_export_kept_as_it_is_or_imported_by_nobody_does_not_stop_the_deploy() {
    // The same export, another change: no ListImports needed.
    let cloud = imported();
    let mut changed = exporting(Some(EXPORT), "PrimaryEndPoint.Address");
    changed.description = Some("changed".into());
    quiet_deploy(&cloud, changed).expect("deployed");
    assert!(!cloud.calls().iter().any(|c| c.starts_with("ListImports")));
    assert!(
        cloud
            .calls()
            .iter()
            .any(|c| c.starts_with("CreateChangeSet"))
    );

    // Removed, but nobody imports it.
    let cloud = imported();
    cloud.0.borrow_mut().imports.clear();
    quiet_deploy(&cloud, exporting(None, "PrimaryEndPoint.Address")).expect("deployed");
    assert!(cloud.calls().contains(&format!("ListImports:{EXPORT}")));
    assert!(
        cloud
            .calls()
            .iter()
            .any(|c| c.starts_with("CreateChangeSet"))
    );
}

#[test]
fn destroying_a_stack_whose_export_is_imported_is_refused() {
    let cloud = imported();
    let options = DeployOptions {
        yes: true,
        ..options()
    };
    let error = run(destroy(
        &cloud,
        "bandup-redis",
        &options,
        &mut Recorder::default(),
    ))
    .expect_err("refused");
    assert!(
        matches!(&error, DeployError::ExportsInUse { destroying: true, uses, .. } if uses[0].importers == ["bandup-redis-config"]),
        "{error:?}"
    );
    nothing_ran(&cloud);
}
