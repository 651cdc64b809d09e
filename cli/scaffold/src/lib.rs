//! The stacks of this app. A starting point: the cache of the seed page "Create ElastiCache
//! (Redis/Valkey)", a Valkey replication group with its subnet group and security group, in an
//! existing network found by name when `cfnforge deploy` runs. Change the names to yours.

use cfnforge::app::{App, AppError};
use cfnforge::constructs::{CacheProps, NetworkRef, Stack, ValkeyCache};

/// Where the stack goes.
pub const REGION: &str = "ap-southeast-1";

/// The cache's stack, and the cache's handles (their attributes, such as
/// `cache.replication_group.primary_end_point_address()`, can be read by other stacks).
pub fn cache_stack() -> Result<(Stack, ValkeyCache), AppError> {
    let mut stack = Stack::new("bandup-redis")
        .region(REGION)
        .description("In-memory data store (Valkey) for the bandup backend")
        .tag("project", "bandup");

    // CacheProps::new sets the seed page's defaults: Valkey 8.0, cache.t3.micro, no replicas,
    // port 6379, IPv4, encryption at rest and in transit, backups kept one day. Names
    // (`band-up-vpc`) become parameters that `cfnforge deploy` fills in by looking them up;
    // NetworkRef::Id takes an ID instead.
    let mut props = CacheProps::new(
        "bandup-redis",
        NetworkRef::Name("band-up-vpc".into()),
        vec![
            NetworkRef::Name("private-database-subnet-1".into()),
            NetworkRef::Name("private-database-subnet-2".into()),
        ],
        // Who may connect: the backend's security group.
        vec![NetworkRef::Name("ecs-backend-sg".into())],
    );
    // Pinned: a newer default in a newer cfnforge would otherwise upgrade the cache.
    props.version = Some("8.0".into());
    props.description = Some("in memory db for bandup".into());
    props.security_group_name = Some("redis-sg".into());
    props.subnet_group_name = Some("bandup-cached-subnet-group".into());
    let cache = stack.add_cache("bandup-redis", &props)?;

    // The seed page's choices trip these rules of `cfnforge check`; a suppression says why the
    // choice stands (or remove it and change the choice).
    let cache_id = cache.replication_group.logical_id().to_string();
    stack.suppress(
        "CF-EC-005",
        Some(&cache_id),
        "one node (0 replicas) to keep it cheap; no failover",
    );
    stack.suppress(
        "CF-EC-006",
        Some(&cache_id),
        "no access control: only the backend's security group reaches the port",
    );
    stack.suppress(
        "CF-EC-014",
        Some(&cache_id),
        "the backend expects the default port 6379",
    );
    for id in [
        cache.security_group.logical_id(),
        cache.subnet_group.logical_id(),
        cache.replication_group.logical_id(),
    ] {
        stack.suppress(
            "CF-DATA-002",
            Some(id),
            "named as on the seed page; a change that replaces it needs a new name first",
        );
    }
    Ok((stack, cache))
}

/// Every stack of the app.
pub fn app() -> Result<App, AppError> {
    let (cache, _) = cache_stack()?;
    let mut app = App::new();
    app.add(cache)?;
    Ok(app)
}
