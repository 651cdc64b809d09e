// The cache construct used from Rust (shown in the README, which a test keeps equal to this
// file). `cargo run -p cfnforge --example valkey_cache_construct` prints the template.

use cfnforge::checks;
use cfnforge::constructs::{AccessControl, CacheProps, NetworkRef, Stack, ValkeyCache};
use cfnforge::render::{Format, render};
use cfnforge::rules;
use cfnforge::template::Output;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut stack = Stack::new("bandup-redis");
    stack.tags.insert("project".into(), "bandup".into());

    // CacheProps::new sets the seed's defaults: Valkey 8.0, cache.t3.micro, no replicas,
    // port 6379, IPv4, encryption at rest and in transit, backups kept one day.
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
    props.access_control = Some(AccessControl::UserGroup("bandup-users".into()));

    // Diagnostics are values. `Err`: the errors in the props and the warnings beside them, each
    // naming its field (`error: port: the port must be between 1 and 65535`). `Ok`: the typed
    // handles and the warnings.
    let cache = match ValkeyCache::add(&mut stack, &props) {
        Ok(cache) => cache,
        Err(diagnostics) => {
            eprintln!("{diagnostics}");
            return Err("the cache props have errors".into());
        }
    };
    for warning in &cache.warnings {
        eprintln!("{warning}");
    }

    // The handles give typed attributes, here to export the endpoint for other stacks.
    stack.template.add_output(
        "CacheEndpointExport",
        Output::new(cache.replication_group.primary_end_point_address())
            .export("bandup-redis-endpoint"),
    );

    // Best-practice and security rules, as `cfnforge check` runs them; none suppressed here.
    let findings = rules::check(&stack.template, &[])?;
    eprint!("{}", rules::text(&findings));

    let report = checks::check(&stack.template);
    for diagnostic in &report.diagnostics {
        eprintln!("{diagnostic}");
    }
    if report.has_errors() {
        return Err("the template has errors".into());
    }
    print!("{}", render(&stack.template, Format::Yaml)?);
    Ok(())
}
