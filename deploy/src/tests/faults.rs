//! Scripted deploy tests: faults. Answers lost after CloudFormation acted, and AWS lost from
//! sight after a change set was executed, on top of the stand-in of the module above.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use super::*;

/// The scripted stand-in behind a faulty network: the first call of each operation in `lose`
/// reaches CloudFormation and acts, and then its answer is lost. After ExecuteChangeSet,
/// `blind_after_execute` makes every call fail with throttling. Records every token and every
/// stack name or ID the stack was asked about.
struct Faulty {
    inner: Scripted,
    lose: RefCell<HashSet<&'static str>>,
    blind_after_execute: bool,
    executed: RefCell<bool>,
    /// (operation, token) for each call that carries one.
    tokens: RefCell<Vec<(String, String)>>,
    /// Change set names made, as CloudFormation keeps them: a second of one name is refused.
    change_sets: RefCell<HashMap<String, String>>,
    /// The name or ID each DescribeStacks / DescribeStackEvents asked about, after execution.
    followed: RefCell<Vec<String>>,
}

impl Faulty {
    fn new(inner: Scripted, lose: &[&'static str]) -> Faulty {
        Faulty {
            inner,
            lose: RefCell::new(lose.iter().copied().collect()),
            blind_after_execute: false,
            executed: RefCell::new(false),
            tokens: RefCell::new(vec![]),
            change_sets: RefCell::new(HashMap::new()),
            followed: RefCell::new(vec![]),
        }
    }

    /// The answer of an operation that acted, if this one is to be lost.
    fn lost(&self, operation: &'static str) -> Result<(), CloudError> {
        if self.lose.borrow_mut().remove(operation) {
            return Err(CloudError::Transient {
                operation: operation.to_string(),
                message: "http://127.0.0.1 closed the connection without answering".to_string(),
            });
        }
        Ok(())
    }

    fn blind(&self, operation: &str, name: &str) -> Result<(), CloudError> {
        if *self.executed.borrow() {
            self.followed.borrow_mut().push(name.to_string());
            if self.blind_after_execute {
                return Err(CloudError::Throttled {
                    operation: operation.to_string(),
                    message: "Rate exceeded".to_string(),
                });
            }
        }
        Ok(())
    }

    fn tokens(&self, operation: &str) -> Vec<String> {
        self.tokens
            .borrow()
            .iter()
            .filter(|(o, _)| o == operation)
            .map(|(_, t)| t.clone())
            .collect()
    }
}

impl Cloud for Faulty {
    async fn describe_stack(&self, name: &str) -> Result<Option<StackDescription>, CloudError> {
        self.blind("DescribeStacks", name)?;
        self.inner.describe_stack(name).await
    }
    async fn get_template(&self, name: &str) -> Result<Option<String>, CloudError> {
        self.inner.get_template(name).await
    }
    async fn create_change_set(&self, request: &ChangeSetRequest) -> Result<String, CloudError> {
        self.tokens
            .borrow_mut()
            .push(("CreateChangeSet".to_string(), request.client_token.clone()));
        // Without regard to the token, as CloudFormation would answer a retry that does not
        // carry the first call's token.
        if self
            .change_sets
            .borrow()
            .contains_key(&request.change_set_name)
        {
            return Err(CloudError::Api {
                operation: "CreateChangeSet".to_string(),
                code: Some("AlreadyExistsException".to_string()),
                message: format!("ChangeSet {} already exists", request.change_set_name),
            });
        }
        let id = self.inner.create_change_set(request).await?;
        self.change_sets
            .borrow_mut()
            .insert(request.change_set_name.clone(), id.clone());
        self.lost("CreateChangeSet")?;
        Ok(id)
    }
    async fn describe_change_set(&self, id: &str) -> Result<ChangeSetDescription, CloudError> {
        self.inner.describe_change_set(id).await
    }
    async fn delete_change_set(&self, id: &str) -> Result<(), CloudError> {
        self.inner.delete_change_set(id).await
    }
    async fn execute_change_set(&self, id: &str, token: &str) -> Result<(), CloudError> {
        self.tokens
            .borrow_mut()
            .push(("ExecuteChangeSet".to_string(), token.to_string()));
        let executed_with_this_token = self.tokens("ExecuteChangeSet").len() > 1
            && self.tokens("ExecuteChangeSet").iter().all(|t| t == token);
        if !executed_with_this_token {
            self.inner.execute_change_set(id, token).await?;
        }
        *self.executed.borrow_mut() = true;
        self.lost("ExecuteChangeSet")
    }
    async fn stack_events(&self, stack_id: &str) -> Result<Vec<StackEvent>, CloudError> {
        self.blind("DescribeStackEvents", stack_id)?;
        self.inner.stack_events(stack_id).await
    }
    async fn delete_stack(&self, name: &str, token: &str) -> Result<(), CloudError> {
        self.tokens
            .borrow_mut()
            .push(("DeleteStack".to_string(), token.to_string()));
        if self.tokens("DeleteStack").len() == 1 {
            self.inner.delete_stack(name, token).await?;
        }
        self.lost("DeleteStack")
    }
    async fn set_termination_protection(&self, name: &str, on: bool) -> Result<(), CloudError> {
        self.inner.set_termination_protection(name, on).await
    }
    async fn vpcs_named(&self, name: &str) -> Result<Vec<Found>, CloudError> {
        self.inner.vpcs_named(name).await
    }
    async fn subnets_named(&self, v: Option<&str>, n: &str) -> Result<Vec<Found>, CloudError> {
        self.inner.subnets_named(v, n).await
    }
    async fn security_groups_named(
        &self,
        v: Option<&str>,
        n: &str,
    ) -> Result<Vec<Found>, CloudError> {
        self.inner.security_groups_named(v, n).await
    }
    async fn describe_change_set_named(
        &self,
        stack: &str,
        name: &str,
    ) -> Result<ChangeSetDescription, CloudError> {
        self.inner.describe_change_set_named(stack, name).await
    }
    async fn stack_resources(
        &self,
        stack: &str,
    ) -> Result<Vec<crate::cloud::StackResource>, CloudError> {
        self.inner.stack_resources(stack).await
    }
    async fn export_value(&self, name: &str) -> Result<Option<String>, CloudError> {
        self.inner.export_value(name).await
    }
    async fn list_imports(&self, name: &str) -> Result<Vec<String>, CloudError> {
        self.inner.list_imports(name).await
    }
    async fn network_names(
        &self,
        kind: cfnforge::constructs::LookupKind,
        vpc_id: Option<&str>,
    ) -> Result<Vec<crate::cloud::Named>, CloudError> {
        self.inner.network_names(kind, vpc_id).await
    }
    async fn account_and_region(&self) -> Result<(String, String), CloudError> {
        self.inner.account_and_region().await
    }
    async fn bucket_exists(&self, bucket: &str) -> Result<bool, CloudError> {
        self.inner.bucket_exists(bucket).await
    }
    async fn create_asset_bucket(&self, bucket: &str, expire_days: i32) -> Result<(), CloudError> {
        self.inner.create_asset_bucket(bucket, expire_days).await
    }
    async fn put_template(
        &self,
        bucket: &str,
        key: &str,
        body: &str,
    ) -> Result<String, CloudError> {
        self.inner.put_template(bucket, key, body).await
    }
    async fn list_change_sets(
        &self,
        stack: &str,
    ) -> Result<Vec<crate::cloud::ChangeSetSummary>, CloudError> {
        self.inner.list_change_sets(stack).await
    }
}

/// A new stack: the change set (of stack `arn:stack/bandup-redis/1`) creates the cache.
fn new_stack() -> Scripted {
    Scripted::new(State {
        change_set: ChangeSetDescription {
            stack_id: "arn:stack/bandup-redis/1".to_string(),
            ..ready_change_set(vec![("Add", None)])
        },
        timeline: VecDeque::from([
            step("CREATE_IN_PROGRESS", vec![]),
            step(
                "CREATE_COMPLETE",
                vec![("bandup-redis", "CREATE_COMPLETE", None)],
            ),
        ]),
        ..Default::default()
    })
}

fn deploy_through(cloud: &Faulty) -> Result<DeployOutcome, DeployError> {
    run(deploy(
        cloud,
        &request(cache_template(6379)),
        &options(),
        &mut Recorder::default(),
    ))
}

#[test]
fn a_lost_create_change_set_answer_is_retried_with_the_same_token_and_the_change_set_found() {
    let cloud = Faulty::new(new_stack(), &["CreateChangeSet"]);
    let outcome = deploy_through(&cloud).unwrap();
    assert!(
        matches!(outcome, DeployOutcome::Deployed { ref status, .. } if status == "CREATE_COMPLETE"),
        "{outcome:?}"
    );
    let tokens = cloud.tokens("CreateChangeSet");
    assert_eq!(tokens.len(), 2, "one retry: {tokens:?}");
    assert_eq!(tokens[0], tokens[1], "the retry carries the first token");
    assert!(tokens[0].starts_with("cfnforge-"), "{tokens:?}");
    assert_eq!(
        cloud.change_sets.borrow().len(),
        1,
        "no second change set was made"
    );
}

#[test]
fn a_lost_execute_answer_is_retried_with_the_same_token_and_does_not_execute_twice() {
    let cloud = Faulty::new(new_stack(), &["ExecuteChangeSet"]);
    let outcome = deploy_through(&cloud).unwrap();
    assert!(
        matches!(outcome, DeployOutcome::Deployed { ref status, .. } if status == "CREATE_COMPLETE"),
        "{outcome:?}"
    );
    let tokens = cloud.tokens("ExecuteChangeSet");
    assert_eq!(tokens.len(), 2, "{tokens:?}");
    assert_eq!(tokens[0], tokens[1]);
    assert_ne!(
        tokens[0],
        cloud.tokens("CreateChangeSet")[0],
        "one token per operation"
    );
}

#[test]
fn a_new_stack_is_followed_by_the_id_its_change_set_reports() {
    let cloud = Faulty::new(new_stack(), &[]);
    deploy_through(&cloud).unwrap();
    let followed = cloud.followed.borrow();
    assert!(!followed.is_empty());
    assert!(
        followed.iter().all(|n| n == "arn:stack/bandup-redis/1"),
        "followed by ID, never by name: {followed:?}"
    );
}

#[test]
fn losing_aws_after_execute_says_the_change_set_was_executed() {
    let mut cloud = Faulty::new(new_stack(), &[]);
    cloud.blind_after_execute = true;
    let err = deploy_through(&cloud).unwrap_err();
    match &err {
        DeployError::LostTrack {
            stack,
            stack_id,
            started,
            status,
            cause,
        } => {
            assert_eq!(stack, "bandup-redis");
            assert_eq!(stack_id, "arn:stack/bandup-redis/1");
            assert!(
                started.contains("was executed") && started.starts_with("change set cfnforge-"),
                "{started}"
            );
            assert_eq!(*status, None, "the status could not be read either");
            assert!(cause.is_retryable(), "{cause:?}");
        }
        other => panic!("{other:?}"),
    }
    let shown = err.to_string();
    assert!(
        shown.contains("was executed, but following it failed"),
        "{shown}"
    );
}

#[test]
fn a_lost_delete_stack_answer_is_retried_with_the_same_token() {
    let inner = Scripted::new(State {
        stack: Some(stack("CREATE_COMPLETE")),
        template: Some(render::render(&cache_template(6379), Format::Yaml).unwrap()),
        timeline: VecDeque::from([
            step("DELETE_IN_PROGRESS", vec![]),
            step("DELETE_COMPLETE", vec![]),
        ]),
        ..Default::default()
    });
    let cloud = Faulty::new(inner, &["DeleteStack"]);
    let mut ui = Recorder {
        answer: Some(Answer::Yes),
        ..Default::default()
    };
    let outcome = run(destroy(&cloud, "bandup-redis", &options(), &mut ui)).unwrap();
    assert_eq!(
        outcome,
        DestroyOutcome::Deleted {
            kept: vec![],
            unknown: vec![]
        }
    );
    let tokens = cloud.tokens("DeleteStack");
    assert_eq!(tokens.len(), 2, "{tokens:?}");
    assert_eq!(tokens[0], tokens[1]);
    assert!(tokens[0].starts_with("cfnforge-delete-"), "{tokens:?}");
}
