//! Several stacks in one run ([`in_order`]) against a stand-in for CloudFormation that holds
//! several stacks, each taking a few polls to create: independent stacks overlap up to the
//! concurrency asked for, a stack waits for the ones it depends on, a failure stops the run.

use std::cell::RefCell;
use std::collections::HashMap;

use super::{Recorder, options, request, run};
use crate::cloud::{
    ChangeSetDescription, ChangeSetSummary, Found, Named, StackDescription, StackResource,
};
use crate::*;
use cfnforge::assembly::Step;
use cfnforge::constructs::LookupKind;
use cfnforge::template::{Resource, Template, Value};

/// Stacks by name; what happened, in order ("create a", "done a").
#[derive(Default)]
struct Stacks {
    stacks: RefCell<HashMap<String, (StackDescription, u32)>>,
    log: RefCell<Vec<String>>,
    /// Stacks whose creation fails.
    failing: Vec<String>,
    /// Stacks that take three times as long.
    slow: Vec<String>,
}

/// How many polls a stack takes to create.
const POLLS: u32 = 4;

fn name_of(id: &str) -> &str {
    id.trim_start_matches("arn:stack/")
        .trim_start_matches("cs-")
}

impl Stacks {
    fn log(&self, line: String) {
        self.log.borrow_mut().push(line);
    }

    fn position(&self, line: &str) -> usize {
        let log = self.log.borrow();
        log.iter()
            .position(|l| l == line)
            .unwrap_or_else(|| panic!("{line} is not in {log:?}"))
    }
}

impl Cloud for Stacks {
    async fn describe_stack(&self, name: &str) -> Result<Option<StackDescription>, CloudError> {
        let name = name_of(name);
        let mut stacks = self.stacks.borrow_mut();
        let Some((stack, polls)) = stacks.get_mut(name) else {
            return Ok(None);
        };
        if stack.status == "CREATE_IN_PROGRESS" {
            *polls += 1;
            let needed = if self.slow.iter().any(|s| s == name) {
                3 * POLLS
            } else {
                POLLS
            };
            if *polls >= needed {
                let failed = self.failing.iter().any(|f| f == name);
                stack.status = if failed {
                    "ROLLBACK_COMPLETE"
                } else {
                    "CREATE_COMPLETE"
                }
                .into();
                self.log(format!("done {name}"));
            }
        }
        Ok(Some(stack.clone()))
    }
    async fn get_template(&self, _name: &str) -> Result<Option<String>, CloudError> {
        Ok(None)
    }
    async fn create_change_set(&self, request: &ChangeSetRequest) -> Result<String, CloudError> {
        let name = request.stack_name.clone();
        self.log(format!("create {name}"));
        let stack = StackDescription {
            stack_id: format!("arn:stack/{name}"),
            name: name.clone(),
            status: "REVIEW_IN_PROGRESS".into(),
            ..Default::default()
        };
        self.stacks.borrow_mut().insert(name.clone(), (stack, 0));
        Ok(format!("cs-{name}"))
    }
    async fn describe_change_set(&self, id: &str) -> Result<ChangeSetDescription, CloudError> {
        Ok(ChangeSetDescription {
            id: id.into(),
            stack_id: format!("arn:stack/{}", name_of(id)),
            status: "CREATE_COMPLETE".into(),
            execution_status: Some("AVAILABLE".into()),
            ..Default::default()
        })
    }
    async fn delete_change_set(&self, _id: &str) -> Result<(), CloudError> {
        Ok(())
    }
    async fn execute_change_set(&self, id: &str, _token: &str) -> Result<(), CloudError> {
        if let Some((stack, _)) = self.stacks.borrow_mut().get_mut(name_of(id)) {
            stack.status = "CREATE_IN_PROGRESS".into();
        }
        Ok(())
    }
    async fn stack_events(&self, _stack_id: &str) -> Result<Vec<StackEvent>, CloudError> {
        Ok(Vec::new())
    }
    async fn delete_stack(&self, _name: &str, _token: &str) -> Result<(), CloudError> {
        Ok(())
    }
    async fn set_termination_protection(&self, _: &str, _: bool) -> Result<(), CloudError> {
        Ok(())
    }
    async fn vpcs_named(&self, _name: &str) -> Result<Vec<Found>, CloudError> {
        Ok(Vec::new())
    }
    async fn subnets_named(&self, _: Option<&str>, _: &str) -> Result<Vec<Found>, CloudError> {
        Ok(Vec::new())
    }
    async fn security_groups_named(
        &self,
        _: Option<&str>,
        _: &str,
    ) -> Result<Vec<Found>, CloudError> {
        Ok(Vec::new())
    }
    async fn stack_resources(&self, _stack: &str) -> Result<Vec<StackResource>, CloudError> {
        Ok(Vec::new())
    }
    async fn describe_change_set_named(
        &self,
        stack: &str,
        _name: &str,
    ) -> Result<ChangeSetDescription, CloudError> {
        self.describe_change_set(&format!("cs-{stack}")).await
    }
    async fn export_value(&self, _name: &str) -> Result<Option<String>, CloudError> {
        Ok(None)
    }
    async fn list_imports(&self, _name: &str) -> Result<Vec<String>, CloudError> {
        Ok(Vec::new())
    }
    async fn network_names(
        &self,
        _: LookupKind,
        _: Option<&str>,
    ) -> Result<Vec<Named>, CloudError> {
        Ok(Vec::new())
    }
    async fn account_and_region(&self) -> Result<(String, String), CloudError> {
        Ok(("123456789012".into(), "ap-southeast-1".into()))
    }
    async fn bucket_exists(&self, _bucket: &str) -> Result<bool, CloudError> {
        Ok(true)
    }
    async fn create_asset_bucket(&self, _: &str, _: i32) -> Result<(), CloudError> {
        Ok(())
    }
    async fn put_template(&self, _: &str, _: &str, _: &str) -> Result<String, CloudError> {
        Ok(String::new())
    }
    async fn list_change_sets(&self, _stack: &str) -> Result<Vec<ChangeSetSummary>, CloudError> {
        Ok(Vec::new())
    }
}

fn parameter_stack(name: &str) -> DeployRequest {
    let mut template = Template::new();
    let mut parameter = Resource::new("AWS::SSM::Parameter");
    parameter.properties.insert("Type".into(), "String".into());
    parameter
        .properties
        .insert("Value".into(), Value::from(name.to_string()));
    template.add_resource("Parameter", parameter);
    let mut request = request(template);
    request.stack_name = name.to_string();
    request
}

fn step(stack: &str, after: &[&str]) -> Step {
    Step {
        stack: stack.into(),
        after: after.iter().map(|a| a.to_string()).collect(),
    }
}

/// a and b are independent; c imports from a.
fn plan() -> Vec<Step> {
    vec![step("a", &[]), step("b", &[]), step("c", &["a"])]
}

fn deploy_all(cloud: &Stacks, plan: &[Step], concurrency: usize) -> Vec<(String, bool)> {
    let options = options();
    let results = run(in_order(plan, concurrency, |stack: &str| {
        let request = parameter_stack(stack);
        let options = &options;
        async move { deploy(cloud, &request, options, &mut Recorder::default()).await }
    }));
    results
        .into_iter()
        .map(|(stack, ran)| (stack, matches!(ran, Ran::Done(_))))
        .collect()
}

#[test]
fn independent_stacks_deploy_at_once_and_a_dependency_is_waited_for() {
    // a is slow: b is done first and frees a slot, which c must not take before a is done.
    let cloud = Stacks {
        slow: vec!["a".into()],
        ..Default::default()
    };
    let results = deploy_all(&cloud, &plan(), 2);
    assert_eq!(
        results,
        [("a".into(), true), ("b".into(), true), ("c".into(), true)]
    );
    // a and b both started before either was done.
    assert!(
        cloud.position("create b") < cloud.position("done a"),
        "{:?}",
        cloud.log.borrow()
    );
    assert!(cloud.position("create a") < cloud.position("done b"));
    assert!(cloud.position("done b") < cloud.position("done a"));
    // c waited for a, though a slot was free once b was done.
    assert!(
        cloud.position("create c") > cloud.position("done a"),
        "{:?}",
        cloud.log.borrow()
    );
}

#[test]
fn with_concurrency_one_the_stacks_deploy_one_after_the_other() {
    let cloud = Stacks::default();
    deploy_all(&cloud, &plan(), 1);
    assert_eq!(
        *cloud.log.borrow(),
        [
            "create a", "done a", "create b", "done b", "create c", "done c"
        ]
    );
}

#[test]
fn a_failed_stack_stops_the_run_and_what_depends_on_it_does_not_start() {
    let cloud = Stacks {
        failing: vec!["a".into()],
        ..Default::default()
    };
    // b was running beside a: it is followed to its end; c needs a.
    let results = deploy_all(&cloud, &plan(), 2);
    assert_eq!(
        results,
        [("a".into(), false), ("b".into(), true), ("c".into(), false)]
    );
    assert!(!cloud.log.borrow().contains(&"create c".to_string()));

    // One at a time: b, which does not need a, is not started after a failed.
    let cloud = Stacks {
        failing: vec!["a".into()],
        ..Default::default()
    };
    let results = deploy_all(&cloud, &plan(), 1);
    assert_eq!(
        results,
        [
            ("a".into(), false),
            ("b".into(), false),
            ("c".into(), false)
        ]
    );
    assert_eq!(*cloud.log.borrow(), ["create a", "done a"]);
}
