//! The deploy state machine against a scripted stand-in for CloudFormation: slow progress,
//! failure and rollback, stacks left by failed creates, throttling, Ctrl-C.

use std::cell::RefCell;
use std::collections::VecDeque;

use super::*;
use crate::cloud::{ChangeSetDescription, ChangeSetSummary, StackDescription};
use crate::cloud::{Found, Named};
use cfnforge::constructs::{Lookup, LookupKind};
use cfnforge::render::{self, Format};
use cfnforge::template::{Resource, Value};

/// One poll of a running operation: the stack's status then, and the events that appeared.
struct Step {
    status: &'static str,
    events: Vec<(&'static str, &'static str, Option<&'static str>)>,
}

fn step(
    status: &'static str,
    events: Vec<(&'static str, &'static str, Option<&'static str>)>,
) -> Step {
    Step { status, events }
}

#[derive(Default)]
struct State {
    /// Polls of a running stack after the script ran out (a guard against hanging tests).
    idle_polls: u32,
    stack: Option<StackDescription>,
    template: Option<String>,
    /// What each describe of a running operation shows, in order.
    timeline: VecDeque<Step>,
    events: Vec<StackEvent>,
    change_set: ChangeSetDescription,
    /// How many calls fail with throttling before one succeeds.
    throttles: u32,
    calls: Vec<String>,
    event_counter: usize,
    security_groups: Vec<Found>,
    /// What ListStackResources returns.
    resources: Vec<crate::cloud::StackResource>,
    /// network: exports (ListExports) and every named subnet or group, for suggestions.
    exports: Vec<(String, String)>,
    /// Export name and a stack that imports it (ListImports).
    imports: Vec<(String, String)>,
    named: Vec<Named>,
    /// The VPC each security group look-up was scoped to.
    searched_vpcs: Vec<Option<String>>,
    /// Buckets that exist.
    buckets: Vec<String>,
    /// Every CreateChangeSet request, in order.
    change_set_requests: Vec<ChangeSetRequest>,
    /// The stack's change sets, as ListChangeSets shows them; cfnforge's is "cs-1".
    change_sets: Vec<ChangeSetSummary>,
    /// GetTemplateSummary's ResourceIdentifierSummaries.
    identifiers: Vec<crate::cloud::IdentifierSummary>,
    /// What exists, by identifier.
    live: Vec<(String, crate::cloud::LiveResource)>,
}

struct Scripted(RefCell<State>);

impl Scripted {
    fn new(state: State) -> Self {
        Scripted(RefCell::new(state))
    }

    fn call(&self, name: &str) -> Result<(), CloudError> {
        let mut s = self.0.borrow_mut();
        s.calls.push(name.to_string());
        if s.throttles > 0 {
            s.throttles -= 1;
            return Err(CloudError::Throttled {
                operation: name.to_string(),
                message: "Rate exceeded".to_string(),
            });
        }
        Ok(())
    }

    fn calls(&self) -> Vec<String> {
        self.0.borrow().calls.clone()
    }

    /// Moves a running operation one step on.
    fn advance(&self) {
        let mut s = self.0.borrow_mut();
        let Some(step) = s.timeline.pop_front() else {
            // A stack operation that never ends would make a test hang instead of fail.
            s.idle_polls += 1;
            assert!(
                s.idle_polls < 2_000,
                "the script has no more steps but deploy keeps polling a running stack: {:?}",
                s.calls.iter().rev().take(8).collect::<Vec<_>>()
            );
            return;
        };
        for (logical_id, status, reason) in step.events {
            s.event_counter += 1;
            let event = StackEvent {
                event_id: format!("e{}", s.event_counter),
                timestamp: s.event_counter as f64,
                logical_id: logical_id.to_string(),
                resource_type: "AWS::ElastiCache::ReplicationGroup".to_string(),
                status: status.to_string(),
                reason: reason.map(str::to_string),
            };
            s.events.insert(0, event);
        }
        if let Some(stack) = s.stack.as_mut() {
            stack.status = step.status.to_string();
        }
        if step.status == "DELETE_COMPLETE" {
            s.stack = None;
        }
    }
}

fn stack(status: &str) -> StackDescription {
    StackDescription {
        stack_id: "arn:stack/bandup-redis/1".to_string(),
        name: "bandup-redis".to_string(),
        status: status.to_string(),
        ..Default::default()
    }
}

impl Cloud for Scripted {
    async fn describe_stack(&self, _name: &str) -> Result<Option<StackDescription>, CloudError> {
        self.call("DescribeStacks")?;
        // A stack in review waits for its change set: nothing runs until it is executed.
        let running = self
            .0
            .borrow()
            .stack
            .as_ref()
            .is_some_and(|s| !is_settled(&s.status) && s.status != "REVIEW_IN_PROGRESS");
        if running {
            self.advance();
        }
        Ok(self.0.borrow().stack.clone())
    }
    async fn get_template(&self, _name: &str) -> Result<Option<String>, CloudError> {
        self.call("GetTemplate")?;
        Ok(self.0.borrow().template.clone())
    }
    async fn create_change_set(&self, request: &ChangeSetRequest) -> Result<String, CloudError> {
        self.call(&format!("CreateChangeSet:{:?}", request.change_set_type))?;
        let mut s = self.0.borrow_mut();
        s.change_set_requests.push(request.clone());
        if s.stack.is_none() {
            s.stack = Some(stack("REVIEW_IN_PROGRESS"));
        }
        s.change_sets.push(ChangeSetSummary {
            id: "cs-1".into(),
            name: request.change_set_name.clone(),
            description: Some(request.description.clone()),
            status: "CREATE_COMPLETE".into(),
            execution_status: Some("AVAILABLE".into()),
            creation_time: None,
        });
        Ok("cs-1".to_string())
    }
    async fn describe_change_set(&self, id: &str) -> Result<ChangeSetDescription, CloudError> {
        self.call("DescribeChangeSet")?;
        let s = self.0.borrow();
        if !s.change_sets.iter().any(|c| c.id == id) {
            return Err(change_set_not_found(id));
        }
        Ok(s.change_set.clone())
    }
    async fn delete_change_set(&self, id: &str) -> Result<(), CloudError> {
        self.call("DeleteChangeSet")?;
        let mut s = self.0.borrow_mut();
        let before = s.change_sets.len();
        s.change_sets.retain(|c| c.id != id);
        if s.change_sets.len() == before {
            return Err(change_set_not_found(id));
        }
        Ok(())
    }
    async fn execute_change_set(&self, _id: &str, _token: &str) -> Result<(), CloudError> {
        self.call("ExecuteChangeSet")?;
        let mut s = self.0.borrow_mut();
        // CloudFormation deletes the stack's other change sets when one is executed.
        s.change_sets.clear();
        let first = s
            .timeline
            .front()
            .map(|step| step.status)
            .unwrap_or("UPDATE_IN_PROGRESS");
        if let Some(stack) = s.stack.as_mut() {
            stack.status = first.to_string();
        }
        Ok(())
    }
    async fn stack_events(&self, _stack_id: &str) -> Result<Vec<StackEvent>, CloudError> {
        self.call("DescribeStackEvents")?;
        Ok(self.0.borrow().events.clone())
    }
    async fn delete_stack(&self, _name: &str, _token: &str) -> Result<(), CloudError> {
        self.call("DeleteStack")?;
        let mut s = self.0.borrow_mut();
        s.change_sets.clear();
        if let Some(stack) = s.stack.as_mut() {
            stack.status = "DELETE_IN_PROGRESS".to_string();
        }
        Ok(())
    }
    async fn set_termination_protection(
        &self,
        _name: &str,
        _enabled: bool,
    ) -> Result<(), CloudError> {
        self.call("UpdateTerminationProtection")
    }
    async fn vpcs_named(&self, _name: &str) -> Result<Vec<Found>, CloudError> {
        self.call("DescribeVpcs")?;
        Ok(vec![Found {
            id: "vpc-1".into(),
            label: "vpc-1".into(),
        }])
    }
    async fn subnets_named(
        &self,
        _vpc: Option<&str>,
        name: &str,
    ) -> Result<Vec<Found>, CloudError> {
        self.call("DescribeSubnets")?;
        Ok(vec![Found {
            id: format!("subnet-{name}"),
            label: name.into(),
        }])
    }
    async fn security_groups_named(
        &self,
        vpc: Option<&str>,
        _name: &str,
    ) -> Result<Vec<Found>, CloudError> {
        self.call("DescribeSecurityGroups")?;
        self.0
            .borrow_mut()
            .searched_vpcs
            .push(vpc.map(str::to_string));
        Ok(self.0.borrow().security_groups.clone())
    }
    async fn stack_resources(
        &self,
        _stack: &str,
    ) -> Result<Vec<crate::cloud::StackResource>, CloudError> {
        self.call("ListStackResources")?;
        Ok(self.0.borrow().resources.clone())
    }
    async fn describe_change_set_named(
        &self,
        _stack: &str,
        _name: &str,
    ) -> Result<ChangeSetDescription, CloudError> {
        self.call("DescribeChangeSet")?;
        Ok(self.0.borrow().change_set.clone())
    }
    // -- network: VPC-scoped look-ups, exports, templates through S3 --
    async fn export_value(&self, name: &str) -> Result<Option<String>, CloudError> {
        self.call("ListExports")?;
        Ok(self
            .0
            .borrow()
            .exports
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone()))
    }
    async fn list_imports(&self, name: &str) -> Result<Vec<String>, CloudError> {
        self.call(&format!("ListImports:{name}"))?;
        Ok(self
            .0
            .borrow()
            .imports
            .iter()
            .filter(|(export, _)| export == name)
            .map(|(_, stack)| stack.clone())
            .collect())
    }
    async fn network_names(
        &self,
        _kind: LookupKind,
        vpc_id: Option<&str>,
    ) -> Result<Vec<Named>, CloudError> {
        self.call("NetworkNames")?;
        Ok(self
            .0
            .borrow()
            .named
            .iter()
            .filter(|n| vpc_id.is_none_or(|v| n.vpc_id == v))
            .cloned()
            .collect())
    }
    async fn account_and_region(&self) -> Result<(String, String), CloudError> {
        self.call("GetCallerIdentity")?;
        Ok(("123456789012".into(), "ap-southeast-1".into()))
    }
    async fn bucket_exists(&self, bucket: &str) -> Result<bool, CloudError> {
        self.call(&format!("HeadBucket:{bucket}"))?;
        Ok(self.0.borrow().buckets.iter().any(|b| b == bucket))
    }
    async fn create_asset_bucket(&self, bucket: &str, _days: i32) -> Result<(), CloudError> {
        self.call(&format!("CreateBucket:{bucket}"))?;
        self.0.borrow_mut().buckets.push(bucket.to_string());
        Ok(())
    }
    async fn put_template(
        &self,
        bucket: &str,
        key: &str,
        _body: &str,
    ) -> Result<String, CloudError> {
        self.call(&format!("PutObject:{bucket}/{key}"))?;
        Ok(format!("https://{bucket}.s3.amazonaws.com/{key}"))
    }
    async fn list_change_sets(&self, _stack: &str) -> Result<Vec<ChangeSetSummary>, CloudError> {
        self.call("ListChangeSets")?;
        Ok(self.0.borrow().change_sets.clone())
    }
    async fn import_identifiers(
        &self,
        _template_body: &str,
    ) -> Result<Vec<crate::cloud::IdentifierSummary>, CloudError> {
        self.call("GetTemplateSummary")?;
        Ok(self.0.borrow().identifiers.clone())
    }
    async fn live_resource(
        &self,
        resource_type: &str,
        identifier: &str,
    ) -> Result<Option<crate::cloud::LiveResource>, CloudError> {
        self.call(&format!("Read {resource_type} {identifier}"))?;
        Ok(self
            .0
            .borrow()
            .live
            .iter()
            .find(|(id, _)| id == identifier)
            .map(|(_, live)| live.clone()))
    }
}

fn change_set_not_found(id: &str) -> CloudError {
    CloudError::Api {
        operation: "DescribeChangeSet".into(),
        code: Some("ChangeSetNotFound".into()),
        message: format!("ChangeSet [{id}] does not exist"),
    }
}

#[derive(Default)]
struct Recorder {
    lines: Vec<String>,
    answer: Option<Answer>,
    questions: Vec<String>,
    /// Ctrl-C arrives after this many events.
    interrupt_after: Option<usize>,
    events: usize,
    waits: usize,
    /// The elapsed time each event was shown with.
    elapsed: Vec<Duration>,
    /// How long each question takes to answer.
    think: Duration,
}

impl Ui for Recorder {
    fn info(&mut self, message: &str) {
        self.lines.push(message.to_string());
    }
    fn changes(&mut self, changes: &[ResourceChange]) {
        for c in changes {
            self.lines
                .push(format!("change {} {}", c.action, c.logical_id));
        }
    }
    fn event(&mut self, elapsed: Duration, event: &StackEvent) {
        self.events += 1;
        self.elapsed.push(elapsed);
        self.lines
            .push(format!("event {} {}", event.logical_id, event.status));
    }
    fn waiting(&mut self, _elapsed: Duration, _status: &str) {
        self.waits += 1;
    }
    fn confirm(&mut self, question: &str) -> Answer {
        self.questions.push(question.to_string());
        std::thread::sleep(self.think);
        self.answer.unwrap_or(Answer::NoTerminal)
    }
    fn interrupted(&self) -> bool {
        self.interrupt_after.is_some_and(|n| self.events >= n)
    }
}

fn cache_template(port: i64) -> Template {
    let mut t = Template::new();
    let mut group = Resource::new("AWS::ElastiCache::ReplicationGroup");
    group
        .properties
        .insert("ReplicationGroupDescription".into(), "d".into());
    group.properties.insert("Port".into(), Value::from(port));
    t.add_resource("Cache", group);
    t
}

fn request(template: Template) -> DeployRequest {
    let body = render::render(&template, Format::Yaml).unwrap();
    DeployRequest {
        stack_name: "bandup-redis".to_string(),
        template,
        template_body: body,
        lookups: vec![],
        vpc: None,
        tags: vec![],
        termination_protection: false,
    }
}

fn options() -> DeployOptions {
    DeployOptions {
        pacing: Pacing {
            first_poll: Duration::from_millis(1),
            max_poll: Duration::from_millis(2),
            attempts: 8,
            retry_base: Duration::from_millis(1),
            retry_max: Duration::from_millis(2),
        },
        ..Default::default()
    }
}

fn ready_change_set(changes: Vec<(&str, Option<&str>)>) -> ChangeSetDescription {
    ChangeSetDescription {
        id: "cs-1".into(),
        status: "CREATE_COMPLETE".into(),
        changes: changes
            .into_iter()
            .map(|(action, replacement)| ResourceChange {
                action: action.into(),
                logical_id: "Cache".into(),
                resource_type: "AWS::ElastiCache::ReplicationGroup".into(),
                replacement: replacement.map(str::to_string),
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    }
}

/// A stack that was deployed with `template` and rests in UPDATE_COMPLETE.
fn deployed(template: &Template) -> State {
    State {
        stack: Some(stack("UPDATE_COMPLETE")),
        template: Some(render::render(template, Format::Yaml).unwrap()),
        ..Default::default()
    }
}

/// Deploys `template` with the default options; nobody answers questions.
fn quiet_deploy(cloud: &Scripted, template: Template) -> Result<DeployOutcome, DeployError> {
    run(deploy(
        cloud,
        &request(template),
        &options(),
        &mut Recorder::default(),
    ))
}

fn run<T>(future: impl Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap()
        .block_on(future)
}

#[test]
fn a_slow_create_reports_each_event_and_ends_with_the_outputs() {
    let cloud = Scripted::new(State {
        change_set: ready_change_set(vec![("Add", None)]),
        timeline: VecDeque::from([
            step(
                "CREATE_IN_PROGRESS",
                vec![("bandup-redis", "CREATE_IN_PROGRESS", Some("User Initiated"))],
            ),
            step("CREATE_IN_PROGRESS", vec![]),
            step(
                "CREATE_IN_PROGRESS",
                vec![("Cache", "CREATE_IN_PROGRESS", None)],
            ),
            step("CREATE_IN_PROGRESS", vec![]),
            step(
                "CREATE_COMPLETE",
                vec![
                    ("Cache", "CREATE_COMPLETE", None),
                    ("bandup-redis", "CREATE_COMPLETE", None),
                ],
            ),
        ]),
        ..Default::default()
    });
    let mut ui = Recorder::default();
    let outcome = run(deploy(
        &cloud,
        &request(cache_template(6379)),
        &options(),
        &mut ui,
    ))
    .unwrap();
    assert!(
        matches!(outcome, DeployOutcome::Deployed { ref status, .. } if status == "CREATE_COMPLETE"),
        "{outcome:?}"
    );
    let events: Vec<&String> = ui.lines.iter().filter(|l| l.starts_with("event")).collect();
    assert_eq!(
        events,
        [
            "event bandup-redis CREATE_IN_PROGRESS",
            "event Cache CREATE_IN_PROGRESS",
            "event Cache CREATE_COMPLETE",
            "event bandup-redis CREATE_COMPLETE"
        ]
    );
    assert!(ui.waits >= 3, "progress shown while waiting: {}", ui.waits);
    assert!(
        cloud
            .calls()
            .contains(&"CreateChangeSet:Create".to_string())
    );
}

#[test]
fn a_failed_update_names_the_first_failed_resource_as_root_cause() {
    let cloud = Scripted::new(State {
        change_set: ready_change_set(vec![("Modify", Some("False"))]),
        timeline: VecDeque::from([
            step(
                "UPDATE_IN_PROGRESS",
                vec![("Cache", "UPDATE_IN_PROGRESS", None)],
            ),
            step(
                "UPDATE_ROLLBACK_IN_PROGRESS",
                vec![
                    (
                        "Cache",
                        "UPDATE_FAILED",
                        Some("Cache node type not available in this AZ"),
                    ),
                    (
                        "bandup-redis",
                        "UPDATE_ROLLBACK_IN_PROGRESS",
                        Some("The following resource(s) failed to update: [Cache]."),
                    ),
                ],
            ),
            step(
                "UPDATE_ROLLBACK_COMPLETE",
                vec![("bandup-redis", "UPDATE_ROLLBACK_COMPLETE", None)],
            ),
        ]),
        ..deployed(&cache_template(6379))
    });
    let mut new = cache_template(6379);
    new.resources["Cache"]
        .properties
        .insert("CacheNodeType".into(), "cache.x9.huge".into());
    let err = quiet_deploy(&cloud, new).unwrap_err();
    match err {
        DeployError::Failed {
            status,
            root_cause: Some(cause),
            ..
        } => {
            assert_eq!(status, "UPDATE_ROLLBACK_COMPLETE");
            assert_eq!(cause.logical_id, "Cache");
            assert_eq!(
                cause.reason.as_deref(),
                Some("Cache node type not available in this AZ")
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn each_phase_is_said_and_a_question_does_not_count_into_the_events_time() {
    let cloud = Scripted::new(State {
        change_set: ready_change_set(vec![("Add", None)]),
        timeline: VecDeque::from([
            step(
                "CREATE_IN_PROGRESS",
                vec![("bandup-redis", "CREATE_IN_PROGRESS", None)],
            ),
            step(
                "CREATE_COMPLETE",
                vec![("bandup-redis", "CREATE_COMPLETE", None)],
            ),
        ]),
        security_groups: vec![Found {
            id: "sg-1".into(),
            label: "ecs-backend".into(),
        }],
        ..Default::default()
    });
    let think = Duration::from_millis(400);
    let mut ui = Recorder {
        answer: Some(Answer::Yes),
        think,
        ..Default::default()
    };
    let options = DeployOptions {
        approval: Approval::AnyChange,
        show_account: true,
        ..options()
    };
    let mut request = request(cache_template(6379));
    request.lookups = vec![Lookup {
        parameter: "SecurityGroupId".into(),
        kind: LookupKind::SecurityGroup,
        names: vec!["ecs-backend".into()],
    }];
    run(deploy(&cloud, &request, &options, &mut ui)).unwrap();
    assert_eq!(ui.questions.len(), 1);
    assert!(!ui.elapsed.is_empty());
    assert!(
        ui.elapsed.iter().all(|e| *e < think),
        "the question's {think:?} is not the stack's: {:?}",
        ui.elapsed
    );
    let phases: Vec<&String> = ui
        .lines
        .iter()
        .filter(|l| !l.starts_with("event") && !l.starts_with("change"))
        .collect();
    let shown: Vec<String> = phases
        .iter()
        .map(|l| match l.split_once("change set cfnforge-") {
            Some((before, after)) => format!(
                "{before}change set NAME{}",
                after
                    .split_once(' ')
                    .map(|(_, r)| format!(" {r}"))
                    .unwrap_or_default()
            ),
            None => l.to_string(),
        })
        .collect();
    assert_eq!(
        shown,
        [
            "bandup-redis: resolving 1 name through EC2",
            "  SecurityGroupId = sg-1  (ecs-backend)",
            "bandup-redis: account 123456789012, region ap-southeast-1",
            "bandup-redis: reading the stack's state",
            "bandup-redis: creating change set NAME (a new stack)",
            "bandup-redis: waiting for CloudFormation to work out the changes",
            "bandup-redis: executing change set NAME",
        ],
        "{phases:#?}"
    );
}

#[test]
fn a_stack_left_in_rollback_complete_is_deleted_and_created_again_after_confirmation() {
    let state = || State {
        stack: Some(stack("ROLLBACK_COMPLETE")),
        change_set: ready_change_set(vec![("Add", None)]),
        timeline: VecDeque::from([
            step("DELETE_IN_PROGRESS", vec![]),
            step(
                "DELETE_COMPLETE",
                vec![("bandup-redis", "DELETE_COMPLETE", None)],
            ),
            step("CREATE_COMPLETE", vec![]),
        ]),
        ..Default::default()
    };
    let cloud = Scripted::new(state());
    let mut ui = Recorder {
        answer: Some(Answer::Yes),
        ..Default::default()
    };
    run(deploy(
        &cloud,
        &request(cache_template(6379)),
        &options(),
        &mut ui,
    ))
    .unwrap();
    assert!(
        ui.questions[0].contains("ROLLBACK_COMPLETE"),
        "{:?}",
        ui.questions
    );
    let calls = cloud.calls();
    let delete = calls.iter().position(|c| c == "DeleteStack").unwrap();
    let create = calls
        .iter()
        .position(|c| c == "CreateChangeSet:Create")
        .unwrap();
    assert!(delete < create, "{calls:?}");

    // Without anyone to ask, nothing is deleted.
    let cloud = Scripted::new(state());
    let err = quiet_deploy(&cloud, cache_template(6379)).unwrap_err();
    assert!(
        matches!(err, DeployError::NotApproved(ref m) if m.contains("--yes")),
        "{err:?}"
    );
    assert!(!cloud.calls().contains(&"DeleteStack".to_string()));
}

#[test]
fn update_rollback_failed_explains_how_to_continue_the_rollback() {
    let cloud = Scripted::new(State {
        stack: Some(stack("UPDATE_ROLLBACK_FAILED")),
        ..Default::default()
    });
    let err = quiet_deploy(&cloud, cache_template(6379)).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("UPDATE_ROLLBACK_FAILED"), "{text}");
    assert!(
        text.contains("aws cloudformation continue-update-rollback --stack-name bandup-redis"),
        "{text}"
    );
}

#[test]
fn an_operation_in_progress_is_waited_for_first() {
    let cloud = Scripted::new(State {
        stack: Some(stack("UPDATE_IN_PROGRESS")),
        template: Some(render::render(&cache_template(6379), Format::Yaml).unwrap()),
        change_set: ready_change_set(vec![("Modify", Some("False"))]),
        timeline: VecDeque::from([
            step("UPDATE_IN_PROGRESS", vec![]),
            step(
                "UPDATE_COMPLETE",
                vec![("bandup-redis", "UPDATE_COMPLETE", None)],
            ),
            step("UPDATE_COMPLETE", vec![]),
        ]),
        ..Default::default()
    });
    let mut new = cache_template(6379);
    new.resources["Cache"]
        .properties
        .insert("CacheNodeType".into(), "cache.t3.small".into());
    let mut ui = Recorder::default();
    run(deploy(&cloud, &request(new), &options(), &mut ui)).unwrap();
    assert!(
        ui.lines
            .iter()
            .any(|l| l.contains("waiting for the operation in progress (UPDATE_IN_PROGRESS)")),
        "{:?}",
        ui.lines
    );
    assert!(
        cloud
            .calls()
            .contains(&"CreateChangeSet:Update".to_string())
    );
}

#[test]
fn throttling_is_retried_until_it_passes() {
    let cloud = Scripted::new(State {
        throttles: 5,
        change_set: ready_change_set(vec![("Add", None)]),
        timeline: VecDeque::from([step("CREATE_COMPLETE", vec![])]),
        ..Default::default()
    });
    quiet_deploy(&cloud, cache_template(6379)).unwrap();
    let calls = cloud.calls();
    assert_eq!(
        calls
            .iter()
            .take(6)
            .filter(|c| *c == "DescribeStacks")
            .count(),
        6,
        "{calls:?}"
    );

    // It gives up after the configured attempts.
    let cloud = Scripted::new(State {
        throttles: 100,
        ..Default::default()
    });
    let err = quiet_deploy(&cloud, cache_template(6379)).unwrap_err();
    assert!(
        matches!(err, DeployError::Cloud(CloudError::Throttled { .. })),
        "{err:?}"
    );
    assert_eq!(cloud.calls().len(), 8);
}

#[test]
fn ctrl_c_stops_following_and_leaves_the_stack_running() {
    let cloud = Scripted::new(State {
        change_set: ready_change_set(vec![("Add", None)]),
        timeline: VecDeque::from([
            step(
                "CREATE_IN_PROGRESS",
                vec![("Cache", "CREATE_IN_PROGRESS", None)],
            ),
            step("CREATE_IN_PROGRESS", vec![]),
            step("CREATE_COMPLETE", vec![]),
        ]),
        ..Default::default()
    });
    let mut ui = Recorder {
        interrupt_after: Some(1),
        ..Default::default()
    };
    let err = run(deploy(
        &cloud,
        &request(cache_template(6379)),
        &options(),
        &mut ui,
    ))
    .unwrap_err();
    match err {
        DeployError::Interrupted { stack, status } => {
            assert_eq!(stack, "bandup-redis");
            assert_eq!(status, "CREATE_IN_PROGRESS");
        }
        other => panic!("{other:?}"),
    }
    let calls = cloud.calls();
    assert!(
        !calls
            .iter()
            .any(|c| c.starts_with("Delete") || c.contains("Cancel")),
        "{calls:?}"
    );
}

#[test]
fn a_change_set_without_changes_is_success_and_is_deleted() {
    let cloud = Scripted::new(State {
        change_set: ChangeSetDescription {
            status: "FAILED".into(),
            status_reason: Some("The submitted information didn't contain changes. Submit different information to create a change set.".into()),
            ..Default::default()
        },
        ..deployed(&cache_template(6379))
    });
    let outcome = quiet_deploy(&cloud, cache_template(6379)).unwrap();
    assert!(matches!(outcome, DeployOutcome::NoChanges { .. }));
    let calls = cloud.calls();
    assert!(calls.contains(&"DeleteChangeSet".to_string()));
    assert!(!calls.contains(&"ExecuteChangeSet".to_string()));
}

#[test]
fn replacing_a_stateful_resource_needs_allow_replacement() {
    let existing = || State {
        // The endpoint does not report replacement: the schemas' create-only Port tells.
        change_set: ready_change_set(vec![("Modify", None)]),
        timeline: VecDeque::from([step("UPDATE_COMPLETE", vec![])]),
        ..deployed(&cache_template(6379))
    };
    let cloud = Scripted::new(existing());
    let err = quiet_deploy(&cloud, cache_template(6380)).unwrap_err();
    assert!(
        matches!(err, DeployError::Refused { ref remedy, .. } if remedy.contains("--allow-replacement")),
        "{err:?}"
    );
    assert!(cloud.calls().contains(&"DeleteChangeSet".to_string()));
    assert!(!cloud.calls().contains(&"ExecuteChangeSet".to_string()));

    let cloud = Scripted::new(existing());
    let options = DeployOptions {
        allow_replacement: true,
        ..options()
    };
    run(deploy(
        &cloud,
        &request(cache_template(6380)),
        &options,
        &mut Recorder::default(),
    ))
    .unwrap();
    assert!(cloud.calls().contains(&"ExecuteChangeSet".to_string()));
}

#[test]
fn replacement_reported_only_by_the_change_set_is_refused_too() {
    let cloud = Scripted::new(State {
        change_set: ready_change_set(vec![("Modify", Some("Conditional"))]),
        ..deployed(&cache_template(6379))
    });
    let mut new = cache_template(6379);
    new.resources["Cache"]
        .properties
        .insert("EngineVersion".into(), "8.1".into());
    let err = quiet_deploy(&cloud, new).unwrap_err();
    assert!(
        err.to_string()
            .contains("Cache (AWS::ElastiCache::ReplicationGroup) would be replaced"),
        "{err}"
    );
}

#[test]
fn replacing_a_named_resource_is_refused_before_anything_runs() {
    let mut old = cache_template(6379);
    old.resources["Cache"]
        .properties
        .insert("ReplicationGroupId".into(), "bandup-redis".into());
    let mut new = old.clone();
    new.resources["Cache"]
        .properties
        .insert("Port".into(), Value::from(6380));
    let cloud = Scripted::new(State {
        stack: Some(stack("UPDATE_COMPLETE")),
        template: Some(render::render(&old, Format::Yaml).unwrap()),
        ..Default::default()
    });
    let options = DeployOptions {
        allow_replacement: true,
        ..options()
    };
    let err = run(deploy(
        &cloud,
        &request(new),
        &options,
        &mut Recorder::default(),
    ))
    .unwrap_err();
    match err {
        DeployError::Refused { reason, remedy } => {
            assert!(
                reason.contains("ReplicationGroupId is fixed to \"bandup-redis\""),
                "{reason}"
            );
            assert!(reason.contains("because Port changed"), "{reason}");
            assert!(remedy.contains("new name"), "{remedy}");
        }
        other => panic!("{other:?}"),
    }
    assert!(
        !cloud
            .calls()
            .iter()
            .any(|c| c.starts_with("CreateChangeSet"))
    );
}

#[test]
fn a_new_security_group_asks_for_approval() {
    let mut template = cache_template(6379);
    let mut sg = Resource::new("AWS::EC2::SecurityGroup");
    sg.properties.insert("GroupDescription".into(), "g".into());
    template.add_resource("Group", sg);
    let state = || State {
        change_set: ready_change_set(vec![("Add", None)]),
        timeline: VecDeque::from([step("CREATE_COMPLETE", vec![])]),
        ..Default::default()
    };
    let cloud = Scripted::new(state());
    let err = quiet_deploy(&cloud, template.clone()).unwrap_err();
    assert!(
        err.to_string().contains("--require-approval never"),
        "{err}"
    );

    let cloud = Scripted::new(state());
    let mut ui = Recorder {
        answer: Some(Answer::Yes),
        ..Default::default()
    };
    run(deploy(
        &cloud,
        &request(template.clone()),
        &options(),
        &mut ui,
    ))
    .unwrap();
    assert!(
        ui.questions[0].contains("widen network access (Group)"),
        "{:?}",
        ui.questions
    );

    let cloud = Scripted::new(state());
    let never = DeployOptions {
        approval: Approval::Never,
        ..options()
    };
    run(deploy(
        &cloud,
        &request(template),
        &never,
        &mut Recorder::default(),
    ))
    .unwrap();
}

#[test]
fn names_that_match_nothing_or_several_things_are_listed() {
    let lookups = vec![Lookup {
        parameter: "BackendSecurityGroupId".into(),
        kind: LookupKind::SecurityGroup,
        names: vec!["ecs-backend-sg".into()],
    }];
    let cloud = Scripted::new(State::default());
    let err = run(resolve(&cloud, &lookups, None, &[], &options().pacing)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "cannot resolve names: no security group named \"ecs-backend-sg\"; or give its ID with --parameter BackendSecurityGroupId=ID"
    );

    let two = vec![
        Found {
            id: "sg-1".into(),
            label: "sg-1 (Name a)".into(),
        },
        Found {
            id: "sg-2".into(),
            label: "sg-2 (Name b)".into(),
        },
    ];
    let cloud = Scripted::new(State {
        security_groups: two,
        ..Default::default()
    });
    let err = run(resolve(&cloud, &lookups, None, &[], &options().pacing)).unwrap_err();
    assert!(
        err.to_string()
            .contains("2 security groups named \"ecs-backend-sg\": sg-1 (Name a), sg-2 (Name b)"),
        "{err}"
    );

    let overrides = vec![("BackendSecurityGroupId".to_string(), "sg-9".to_string())];
    let values = run(resolve(
        &cloud,
        &lookups,
        None,
        &overrides,
        &options().pacing,
    ))
    .unwrap();
    assert_eq!(values, overrides);
}

#[test]
fn termination_protection_is_turned_on_when_the_stack_file_asks() {
    let cloud = Scripted::new(State {
        change_set: ready_change_set(vec![("Add", None)]),
        timeline: VecDeque::from([step("CREATE_COMPLETE", vec![])]),
        ..Default::default()
    });
    let mut protected = request(cache_template(6379));
    protected.termination_protection = true;
    run(deploy(
        &cloud,
        &protected,
        &options(),
        &mut Recorder::default(),
    ))
    .unwrap();
    assert!(
        cloud
            .calls()
            .contains(&"UpdateTerminationProtection".to_string())
    );

    let cloud = Scripted::new(State {
        change_set: ready_change_set(vec![("Add", None)]),
        timeline: VecDeque::from([step("CREATE_COMPLETE", vec![])]),
        ..Default::default()
    });
    quiet_deploy(&cloud, cache_template(6379)).unwrap();
    assert!(
        !cloud
            .calls()
            .contains(&"UpdateTerminationProtection".to_string())
    );
}

#[test]
fn destroy_honours_termination_protection_and_asks_first() {
    let mut protected = stack("CREATE_COMPLETE");
    protected.termination_protection = true;
    let cloud = Scripted::new(State {
        stack: Some(protected),
        ..Default::default()
    });
    let err = run(destroy(
        &cloud,
        "bandup-redis",
        &options(),
        &mut Recorder::default(),
    ))
    .unwrap_err();
    assert!(
        matches!(err, DeployError::Refused { ref remedy, .. } if remedy.contains("--no-enable-termination-protection")),
        "{err:?}"
    );
    assert!(!cloud.calls().contains(&"DeleteStack".to_string()));

    let mut template = cache_template(6379);
    template.resources["Cache"].options.deletion_policy =
        Some(cfnforge::template::DeletionPolicy::Snapshot);
    let state = || State {
        stack: Some(stack("CREATE_COMPLETE")),
        template: Some(render::render(&template, Format::Yaml).unwrap()),
        timeline: VecDeque::from([
            step("DELETE_IN_PROGRESS", vec![]),
            step("DELETE_COMPLETE", vec![]),
        ]),
        resources: vec![crate::cloud::StackResource {
            logical_id: "Cache".into(),
            resource_type: "AWS::ElastiCache::ReplicationGroup".into(),
            status: "CREATE_COMPLETE".into(),
            ..Default::default()
        }],
        ..Default::default()
    };
    // Nobody to ask: nothing is deleted.
    let cloud = Scripted::new(state());
    let err = run(destroy(
        &cloud,
        "bandup-redis",
        &options(),
        &mut Recorder::default(),
    ))
    .unwrap_err();
    assert!(matches!(err, DeployError::NotApproved(_)), "{err:?}");
    assert!(!cloud.calls().contains(&"DeleteStack".to_string()));

    let cloud = Scripted::new(state());
    let mut ui = Recorder {
        answer: Some(Answer::Yes),
        ..Default::default()
    };
    let outcome = run(destroy(&cloud, "bandup-redis", &options(), &mut ui)).unwrap();
    assert_eq!(
        outcome,
        DestroyOutcome::Deleted {
            kept: vec![("Cache".into(), "Snapshot".into())],
            unknown: vec![],
        }
    );
    assert!(
        ui.lines
            .iter()
            .any(|l| l.contains("Cache: DeletionPolicy Snapshot: a final snapshot is kept")),
        "{:?}",
        ui.lines
    );
}

#[test]
fn a_stack_left_in_review_is_deleted_and_created_again() {
    let cloud = Scripted::new(State {
        stack: Some(stack("REVIEW_IN_PROGRESS")),
        change_set: ready_change_set(vec![("Add", None)]),
        timeline: VecDeque::from([
            step("DELETE_COMPLETE", vec![]),
            step("CREATE_COMPLETE", vec![]),
        ]),
        ..Default::default()
    });
    // Asked first (see states.rs for the refusals).
    let mut ui = Recorder {
        answer: Some(Answer::Yes),
        ..Default::default()
    };
    let outcome = run(deploy(
        &cloud,
        &request(cache_template(6379)),
        &options(),
        &mut ui,
    ))
    .unwrap();
    assert!(
        matches!(outcome, DeployOutcome::Deployed { ref status, .. } if status == "CREATE_COMPLETE"),
        "{outcome:?}"
    );
    let calls = cloud.calls();
    let delete = calls.iter().position(|c| c == "DeleteStack").unwrap();
    let create = calls
        .iter()
        .position(|c| c == "CreateChangeSet:Create")
        .unwrap();
    assert!(delete < create, "{calls:?}");
}

mod exports;
mod faults;
mod import;
mod network;
mod order;
mod states;
mod templates;
