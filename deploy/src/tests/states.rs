//! Scripted deploy tests: questions and Ctrl-C, stacks in review with other people's change
//! sets, clean-up after a CREATE that is not executed, a stack deleted under a deploy, and two
//! deploys of one stack at once.

use std::collections::VecDeque;

use super::*;

/// A [`Recorder`] that lets something happen while its question waits (another deploy, a
/// person at the console), and that keeps the follow scope as the terminal does.
struct Meanwhile<'a> {
    recorder: Recorder,
    at_question: Box<dyn FnMut() + 'a>,
    following: bool,
    /// Ctrl-C was pressed: counts only inside the follow scope, as on the terminal.
    pressed: bool,
}

impl<'a> Meanwhile<'a> {
    fn new(answer: Answer, at_question: impl FnMut() + 'a) -> Self {
        Meanwhile {
            recorder: Recorder {
                answer: Some(answer),
                ..Default::default()
            },
            at_question: Box::new(at_question),
            following: false,
            pressed: false,
        }
    }
}

impl Ui for Meanwhile<'_> {
    fn info(&mut self, message: &str) {
        self.recorder.info(message);
    }
    fn changes(&mut self, changes: &[ResourceChange]) {
        self.recorder.changes(changes);
    }
    fn event(&mut self, elapsed: Duration, event: &StackEvent) {
        self.recorder.event(elapsed, event);
    }
    fn waiting(&mut self, elapsed: Duration, status: &str) {
        self.recorder.waiting(elapsed, status);
    }
    fn confirm(&mut self, question: &str) -> Answer {
        assert!(!self.following, "asked while following: {question}");
        (self.at_question)();
        self.recorder.confirm(question)
    }
    fn following(&mut self, active: bool) {
        self.following = active;
        if active {
            self.pressed = false;
        }
    }
    fn interrupted(&self) -> bool {
        self.following && self.pressed
    }
}

fn security_group_template() -> Template {
    let mut template = cache_template(6379);
    let mut sg = Resource::new("AWS::EC2::SecurityGroup");
    sg.properties.insert("GroupDescription".into(), "g".into());
    template.add_resource("Group", sg);
    template
}

fn someone_elses(name: &str) -> ChangeSetSummary {
    ChangeSetSummary {
        id: format!("arn:changeSet/{name}"),
        name: name.into(),
        description: Some("for review by the platform team".into()),
        status: "CREATE_COMPLETE".into(),
        execution_status: Some("AVAILABLE".into()),
        creation_time: None,
    }
}

fn left_by_cfnforge(name: &str) -> ChangeSetSummary {
    ChangeSetSummary {
        description: Some(CHANGE_SET_DESCRIPTION.into()),
        ..someone_elses(name)
    }
}

fn has(calls: &[String], call: &str) -> bool {
    calls.iter().any(|c| c == call)
}

#[test]
fn ctrl_c_at_the_question_starts_nothing_and_removes_the_create_it_prepared() {
    let cloud = Scripted::new(State {
        change_set: ready_change_set(vec![("Add", None)]),
        timeline: VecDeque::from([step("CREATE_COMPLETE", vec![])]),
        ..Default::default()
    });
    let mut ui = Recorder {
        answer: Some(Answer::Interrupted),
        ..Default::default()
    };
    let err = run(deploy(
        &cloud,
        &request(security_group_template()),
        &options(),
        &mut ui,
    ))
    .unwrap_err();
    assert!(
        matches!(err, DeployError::InterruptedAtQuestion(ref m) if m.contains("not executed")),
        "{err:?}"
    );
    let calls = cloud.calls();
    assert!(!has(&calls, "ExecuteChangeSet"), "{calls:?}");
    assert!(
        has(&calls, "DeleteChangeSet") && has(&calls, "DeleteStack"),
        "{calls:?}"
    );
}

#[test]
fn questions_are_asked_outside_the_follow_scope_so_a_press_there_does_not_stop_a_later_follow() {
    // An operation in progress is followed first, then the question; a Ctrl-C pressed around
    // the question must not make the follow after execution stop at once.
    let cloud = Scripted::new(State {
        stack: Some(stack("UPDATE_IN_PROGRESS")),
        template: Some(render::render(&cache_template(6379), Format::Yaml).unwrap()),
        change_set: ready_change_set(vec![("Add", None)]),
        timeline: VecDeque::from([
            step("UPDATE_COMPLETE", vec![]),
            step("UPDATE_IN_PROGRESS", vec![]),
            step("UPDATE_IN_PROGRESS", vec![]),
            step("UPDATE_COMPLETE", vec![]),
        ]),
        ..Default::default()
    });
    let mut ui = Meanwhile::new(Answer::Yes, || {});
    ui.pressed = true;
    let outcome = run(deploy(
        &cloud,
        &request(security_group_template()),
        &options(),
        &mut ui,
    ));
    assert!(
        matches!(outcome, Ok(DeployOutcome::Deployed { ref status, .. }) if status == "UPDATE_COMPLETE"),
        "{outcome:?}"
    );
    assert!(!ui.following, "the follow scope ends with the follow");
}

#[test]
fn a_stack_in_review_with_someone_elses_change_sets_is_not_deleted() {
    let cloud = Scripted::new(State {
        stack: Some(stack("REVIEW_IN_PROGRESS")),
        change_sets: vec![
            left_by_cfnforge("cfnforge-1"),
            someone_elses("platform-review"),
        ],
        // What would happen if it went ahead: a deleted stack, created again.
        change_set: ready_change_set(vec![("Add", None)]),
        timeline: VecDeque::from([
            step("DELETE_COMPLETE", vec![]),
            step("CREATE_COMPLETE", vec![]),
        ]),
        ..Default::default()
    });
    let options = DeployOptions {
        yes: true,
        ..options()
    };
    let err = run(deploy(
        &cloud,
        &request(cache_template(6379)),
        &options,
        &mut Recorder::default(),
    ))
    .unwrap_err();
    match &err {
        DeployError::ForeignChangeSets { change_sets, .. } => {
            assert_eq!(change_sets, &["platform-review"])
        }
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("delete-change-set"), "{err}");
    assert!(!has(&cloud.calls(), "DeleteStack"), "{:?}", cloud.calls());

    // A change set named like ours but described otherwise is not ours either.
    let cloud = Scripted::new(State {
        stack: Some(stack("REVIEW_IN_PROGRESS")),
        change_sets: vec![someone_elses("cfnforge-lookalike")],
        ..Default::default()
    });
    let err = run(deploy(
        &cloud,
        &request(cache_template(6379)),
        &options,
        &mut Recorder::default(),
    ))
    .unwrap_err();
    assert!(
        matches!(err, DeployError::ForeignChangeSets { .. }),
        "{err:?}"
    );
}

#[test]
fn a_stack_in_review_with_cfnforges_change_sets_is_deleted_only_after_asking() {
    let state = || State {
        stack: Some(stack("REVIEW_IN_PROGRESS")),
        change_sets: vec![left_by_cfnforge("cfnforge-1")],
        change_set: ready_change_set(vec![("Add", None)]),
        timeline: VecDeque::from([
            step("DELETE_COMPLETE", vec![]),
            step("CREATE_COMPLETE", vec![]),
        ]),
        ..Default::default()
    };
    // --no-execute and --require-approval any-change do not make it silent: nobody to ask,
    // nothing deleted.
    for options in [
        DeployOptions {
            no_execute: true,
            ..options()
        },
        DeployOptions {
            approval: Approval::AnyChange,
            ..options()
        },
    ] {
        let cloud = Scripted::new(state());
        let err = run(deploy(
            &cloud,
            &request(cache_template(6379)),
            &options,
            &mut Recorder::default(),
        ))
        .unwrap_err();
        assert!(
            matches!(err, DeployError::NotApproved(ref m) if m.contains("--yes")),
            "{err:?}"
        );
        assert!(!has(&cloud.calls(), "DeleteStack"), "{:?}", cloud.calls());
    }

    // Declined, or Ctrl-C: nothing deleted.
    for (answer, interrupted) in [(Answer::No, false), (Answer::Interrupted, true)] {
        let cloud = Scripted::new(state());
        let mut ui = Recorder {
            answer: Some(answer),
            ..Default::default()
        };
        let err = run(deploy(
            &cloud,
            &request(cache_template(6379)),
            &options(),
            &mut ui,
        ))
        .unwrap_err();
        assert_eq!(
            matches!(err, DeployError::InterruptedAtQuestion(_)),
            interrupted,
            "{err:?}"
        );
        assert!(!has(&cloud.calls(), "DeleteStack"));
        assert!(
            ui.questions[0].contains("REVIEW_IN_PROGRESS")
                && ui.questions[0].contains("cfnforge-1"),
            "{:?}",
            ui.questions
        );
    }

    // Yes: deleted, then created again.
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
    assert!(has(&cloud.calls(), "DeleteStack"));
}

#[test]
fn a_declined_create_leaves_no_empty_stack_behind() {
    let cloud = Scripted::new(State {
        change_set: ready_change_set(vec![("Add", None)]),
        ..Default::default()
    });
    let mut ui = Recorder {
        answer: Some(Answer::No),
        ..Default::default()
    };
    let err = run(deploy(
        &cloud,
        &request(security_group_template()),
        &options(),
        &mut ui,
    ))
    .unwrap_err();
    assert!(matches!(err, DeployError::NotApproved(_)), "{err:?}");
    let calls = cloud.calls();
    assert!(!has(&calls, "ExecuteChangeSet"), "{calls:?}");
    let deleted_change_set = calls.iter().position(|c| c == "DeleteChangeSet").unwrap();
    let deleted_stack = calls.iter().position(|c| c == "DeleteStack").unwrap();
    assert!(deleted_change_set < deleted_stack, "{calls:?}");
    assert!(
        ui.lines.iter().any(|l| l.contains("empty stack")),
        "{:?}",
        ui.lines
    );

    // Refused by the safety checks (no terminal to approve on): the same clean-up.
    let cloud = Scripted::new(State {
        change_set: ready_change_set(vec![("Add", None)]),
        ..Default::default()
    });
    quiet_deploy(&cloud, security_group_template()).unwrap_err();
    assert!(has(&cloud.calls(), "DeleteStack"), "{:?}", cloud.calls());

    // A CREATE change set that failed (a template CloudFormation rejects): the same.
    let cloud = Scripted::new(State {
        change_set: ChangeSetDescription {
            status: "FAILED".into(),
            status_reason: Some("Template format error".into()),
            ..Default::default()
        },
        ..Default::default()
    });
    let err = quiet_deploy(&cloud, cache_template(6379)).unwrap_err();
    assert!(matches!(err, DeployError::ChangeSetFailed(_)), "{err:?}");
    assert!(has(&cloud.calls(), "DeleteStack"), "{:?}", cloud.calls());
}

#[test]
fn a_declined_create_keeps_the_stack_when_someone_else_added_a_change_set_to_it() {
    let cloud = Scripted::new(State {
        change_set: ready_change_set(vec![("Add", None)]),
        ..Default::default()
    });
    let mut ui = Meanwhile::new(Answer::No, || {
        cloud
            .0
            .borrow_mut()
            .change_sets
            .push(someone_elses("platform-review"))
    });
    run(deploy(
        &cloud,
        &request(security_group_template()),
        &options(),
        &mut ui,
    ))
    .unwrap_err();
    let calls = cloud.calls();
    assert!(has(&calls, "DeleteChangeSet"), "{calls:?}");
    assert!(!has(&calls, "DeleteStack"), "{calls:?}");
    assert!(
        ui.recorder
            .lines
            .iter()
            .any(|l| l.contains("platform-review")),
        "{:?}",
        ui.recorder.lines
    );
}

#[test]
fn a_stack_deleted_while_its_update_is_followed_is_a_failure_without_outputs() {
    let mut existing = deployed(&cache_template(6379));
    if let Some(s) = existing.stack.as_mut() {
        s.outputs = vec![("Endpoint".into(), "old.cache.amazonaws.com".into())];
    }
    let cloud = Scripted::new(State {
        change_set: ready_change_set(vec![("Modify", Some("False"))]),
        timeline: VecDeque::from([
            step("UPDATE_IN_PROGRESS", vec![]),
            step(
                "DELETE_IN_PROGRESS",
                vec![("bandup-redis", "DELETE_IN_PROGRESS", Some("User Initiated"))],
            ),
            step("DELETE_COMPLETE", vec![]),
        ]),
        ..existing
    });
    let mut new = cache_template(6379);
    new.resources["Cache"]
        .properties
        .insert("CacheNodeType".into(), "cache.t3.small".into());
    let err = quiet_deploy(&cloud, new).unwrap_err();
    assert!(
        matches!(err, DeployError::StackDeleted { ref status, .. } if status == "DELETE_COMPLETE"),
        "{err:?}"
    );
    assert!(err.to_string().contains("was deleted"), "{err}");
}

#[test]
fn a_change_set_made_obsolete_at_the_question_is_not_executed() {
    // Deploy B waits at its question; deploy A executes its own change set meanwhile, which
    // makes CloudFormation delete B's and start updating the stack.
    let cloud = Scripted::new(State {
        change_set: ready_change_set(vec![("Add", None)]),
        // What would happen if it executed anyway.
        timeline: VecDeque::from([step("UPDATE_COMPLETE", vec![])]),
        ..deployed(&cache_template(6379))
    });
    let mut ui = Meanwhile::new(Answer::Yes, || {
        let mut s = cloud.0.borrow_mut();
        s.change_sets.clear();
        if let Some(stack) = s.stack.as_mut() {
            stack.status = "UPDATE_IN_PROGRESS".into();
        }
    });
    let err = run(deploy(
        &cloud,
        &request(security_group_template()),
        &options(),
        &mut ui,
    ))
    .unwrap_err();
    assert!(
        matches!(err, DeployError::Superseded { ref reason, .. } if reason.contains("no longer exists")),
        "{err:?}"
    );
    assert!(err.to_string().contains("run deploy again"), "{err}");
    assert!(
        !has(&cloud.calls(), "ExecuteChangeSet"),
        "{:?}",
        cloud.calls()
    );

    // B's change set still there, but another operation runs on the stack: not executed.
    let cloud = Scripted::new(State {
        change_set: ready_change_set(vec![("Add", None)]),
        // The other operation is still running when deploy looks again; what follows is what
        // would happen if it executed anyway.
        timeline: VecDeque::from([
            step("UPDATE_IN_PROGRESS", vec![]),
            step("UPDATE_COMPLETE", vec![]),
        ]),
        ..deployed(&cache_template(6379))
    });
    let mut ui = Meanwhile::new(Answer::Yes, || {
        if let Some(stack) = cloud.0.borrow_mut().stack.as_mut() {
            stack.status = "UPDATE_IN_PROGRESS".into();
        }
    });
    let err = run(deploy(
        &cloud,
        &request(security_group_template()),
        &options(),
        &mut ui,
    ))
    .unwrap_err();
    assert!(
        matches!(err, DeployError::Superseded { ref reason, .. } if reason.contains("UPDATE_IN_PROGRESS")),
        "{err:?}"
    );
    let calls = cloud.calls();
    assert!(!has(&calls, "ExecuteChangeSet"), "{calls:?}");
    assert!(
        has(&calls, "DeleteChangeSet"),
        "ours is cleaned up: {calls:?}"
    );
}

#[test]
fn another_change_set_pending_review_is_mentioned_before_updating() {
    let cloud = Scripted::new(State {
        change_sets: vec![
            left_by_cfnforge("cfnforge-7"),
            someone_elses("platform-review"),
        ],
        change_set: ready_change_set(vec![("Modify", Some("False"))]),
        timeline: VecDeque::from([step("UPDATE_COMPLETE", vec![])]),
        ..deployed(&cache_template(6379))
    });
    let mut new = cache_template(6379);
    new.resources["Cache"]
        .properties
        .insert("CacheNodeType".into(), "cache.t3.small".into());
    let mut ui = Recorder::default();
    run(deploy(&cloud, &request(new), &options(), &mut ui)).unwrap();
    assert!(
        ui.lines.iter().any(|l| l.contains("pending review")
            && l.contains("cfnforge-7 (by cfnforge)")
            && l.contains("platform-review (not by cfnforge)")),
        "{:?}",
        ui.lines
    );
}
