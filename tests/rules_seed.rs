//! The seed page's stack ("Create ElastiCache (Redis/Valkey)": one node, no access control)
//! trips exactly the rules its choices explain, and checks clean with the suppressions that say
//! why, built in Rust and from the shipped stack file alike.

use std::path::Path;

use cfnforge::constructs::{CacheProps, NetworkRef, Stack, ValkeyCache};
use cfnforge::rules::{self, Suppression};
use cfnforge::template::Template;

/// The seed's cache, built with the construct as the stack file describes it.
fn seed() -> Template {
    let mut props = CacheProps::new(
        "bandup-redis",
        NetworkRef::Name("band-up-vpc".into()),
        vec![
            NetworkRef::Name("private-database-subnet-1".into()),
            NetworkRef::Name("private-database-subnet-2".into()),
        ],
        vec![NetworkRef::Name("ecs-backend-sg".into())],
    );
    props.description = Some("in memory db for bandup".into());
    props.security_group_name = Some("redis-sg".into());
    props.subnet_group_name = Some("bandup-cached-subnet-group".into());
    let mut stack = Stack::new("bandup-redis");
    let cache = ValkeyCache::add(&mut stack, &props);
    assert!(cache.is_ok(), "the seed builds: {cache:?}");
    stack.template
}

/// (rule, resource) of every finding, in report order.
fn tripped(template: &Template) -> Vec<(&'static str, String)> {
    rules::check(template, &[])
        .expect("no suppressions to refuse")
        .findings
        .into_iter()
        .map(|f| {
            let resource = f.location.resource().unwrap_or_default().to_string();
            (f.rule_id().expect("a rule's finding"), resource)
        })
        .collect()
}

/// Every finding on the seed, in report order (resources in template order, rules in ID
/// order within each).
const SEED_FINDINGS: &[(&str, &str)] = &[
    // GroupName redis-sg.
    ("CF-DATA-002", "BandupRedisSecurityGroup"),
    // CacheSubnetGroupName bandup-cached-subnet-group.
    ("CF-DATA-002", "BandupRedisSubnetGroup"),
    // Number of replicas: 0.
    ("CF-EC-005", "BandupRedis"),
    // Access control: none.
    ("CF-EC-006", "BandupRedis"),
    // Port 6379 (info only).
    ("CF-EC-014", "BandupRedis"),
    // ReplicationGroupId bandup-redis.
    ("CF-DATA-002", "BandupRedis"),
];

fn expected() -> Vec<(&'static str, String)> {
    SEED_FINDINGS
        .iter()
        .map(|(rule, resource)| (*rule, resource.to_string()))
        .collect()
}

#[test]
fn the_seed_trips_exactly_the_rules_its_choices_explain() {
    assert_eq!(tripped(&seed()), expected());
}

/// The suppressions the shipped stack needs, with the seed page's reasons.
fn seed_suppressions() -> Vec<Suppression> {
    let suppression = |rule: &str, resource: &str, reason: &str| Suppression {
        rule: rule.into(),
        resource: Some(resource.into()),
        reason: reason.into(),
    };
    let names = "the seed page names it so that the console and the backend's settings find it; \
                 a change that replaces it needs a new name first";
    vec![
        suppression(
            "CF-EC-005",
            "BandupRedis",
            "the seed page runs one node (0 replicas) to keep the workshop cheap: no failover, \
             and losing the node loses the cached sessions until ElastiCache replaces it",
        ),
        suppression(
            "CF-EC-006",
            "BandupRedis",
            "the seed page chooses no access control and relies on the security group: only \
             ecs-backend-sg reaches port 6379",
        ),
        suppression(
            "CF-EC-014",
            "BandupRedis",
            "the seed page keeps the default port 6379 that the backend expects; another port \
             would add no protection",
        ),
        suppression("CF-DATA-002", "BandupRedisSecurityGroup", names),
        suppression("CF-DATA-002", "BandupRedisSubnetGroup", names),
        suppression("CF-DATA-002", "BandupRedis", names),
    ]
}

#[test]
fn with_its_suppressions_the_seed_checks_clean_even_when_strict() {
    let report = rules::check(&seed(), &seed_suppressions()).unwrap();
    assert!(!report.fails(true));
    assert_eq!(report.active().count(), 0);
    assert_eq!(report.suppressed().count(), SEED_FINDINGS.len());
    assert!(
        report.unused_suppressions.is_empty(),
        "{:?}",
        report.unused_suppressions
    );
    // Without the access-control suppression the one error fails even a lenient check.
    let without: Vec<Suppression> = seed_suppressions()
        .into_iter()
        .filter(|s| s.rule != "CF-EC-006")
        .collect();
    let report = rules::check(&seed(), &without).unwrap();
    assert!(report.fails(false));
    assert_eq!(
        report.errors().map(|f| f.rule_id()).collect::<Vec<_>>(),
        [Some("CF-EC-006")]
    );
}

#[test]
fn the_shipped_stack_file_trips_the_same_rules() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("stacks/bandup-redis.yaml");
    let file = cfnforge::stackfile::load(&path).expect("the shipped stack file loads");
    let synthesized = cfnforge::synth::synthesize(&file).expect("the shipped stack synthesizes");
    assert_eq!(tripped(&synthesized.stack.template), expected());
}
