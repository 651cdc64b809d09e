//! The bandup infrastructure as a cfnforge app: two stacks.
//!
//! - `bandup-redis`: the Valkey cache of the seed page "Create ElastiCache (Redis/Valkey)", the
//!   same stack as `stacks/bandup-redis.yaml` (its template is the stack file's, plus the
//!   export that the other stack's import adds).
//! - `bandup-redis-config`: the SSM parameter `/bandup/redis/primary-endpoint` that the ECS
//!   backend reads the cache's address from, the seed page's last step. Its value is a
//!   cross-stack reference to the replication group's `PrimaryEndPoint.Address`.

use cfnforge::app::{App, AppError};
use cfnforge::constructs::{CacheProps, NetworkRef, Stack, ValkeyCache};
use cfnforge::resources::ssm;

/// Where both stacks go.
pub const REGION: &str = "ap-southeast-1";

/// The SSM parameter the backend reads.
pub const ENDPOINT_PARAMETER: &str = "/bandup/redis/primary-endpoint";

/// The seed's cache in the seed's existing network, with the seed page's choices.
pub fn redis_stack() -> Result<(Stack, ValkeyCache), AppError> {
    let mut stack = Stack::new("bandup-redis")
        .region(REGION)
        .description("In-memory data store (Valkey) for the bandup backend")
        .tag("project", "bandup");

    // CacheProps::new sets the seed's defaults: Valkey 8.0, cache.t3.micro, no replicas,
    // port 6379, IPv4, encryption at rest and in transit, backups kept one day. Names
    // (`band-up-vpc`) become parameters that `cfnforge deploy` fills in by looking them up.
    let mut props = CacheProps::new(
        "bandup-redis",
        NetworkRef::Name("band-up-vpc".into()),
        vec![
            NetworkRef::Name("private-database-subnet-1".into()),
            NetworkRef::Name("private-database-subnet-2".into()),
        ],
        vec![NetworkRef::Name("ecs-backend-sg".into())],
    );
    props.version = Some("8.0".into());
    props.description = Some("in memory db for bandup".into());
    props.security_group_name = Some("redis-sg".into());
    props.subnet_group_name = Some("bandup-cached-subnet-group".into());
    // At the top of the stack under the cache's ID: the logical IDs BandupRedis,
    // BandupRedisSecurityGroup and BandupRedisSubnetGroup, as the stack file gives them.
    let cache = stack.add_cache("bandup-redis", &props)?;

    // The seed page's choices trip these rules of `cfnforge check`; each says why it stands.
    let cache_id = cache.replication_group.logical_id().to_string();
    stack.suppress(
        "CF-EC-005",
        Some(&cache_id),
        "the seed page runs one node (0 replicas) to keep the workshop cheap; no failover, and \
         losing the node loses the cached sessions until ElastiCache replaces it",
    );
    stack.suppress(
        "CF-EC-006",
        Some(&cache_id),
        "the seed page chooses no access control and relies on the security group; only \
         ecs-backend-sg reaches port 6379",
    );
    stack.suppress(
        "CF-EC-014",
        Some(&cache_id),
        "the backend expects the default port 6379; another port would add no protection",
    );
    stack.suppress(
        "CF-DATA-002",
        Some(cache.security_group.logical_id()),
        "the seed page names the group redis-sg; a change that replaces it needs a new name first",
    );
    stack.suppress(
        "CF-DATA-002",
        Some(cache.subnet_group.logical_id()),
        "the seed page names the subnet group bandup-cached-subnet-group; a change that \
         replaces it needs a new name first",
    );
    stack.suppress(
        "CF-DATA-002",
        Some(&cache_id),
        "the backend is configured with the replication group bandup-redis; a change that \
         replaces it needs a new name first",
    );
    Ok((stack, cache))
}

/// The parameter with the cache's primary endpoint, read from the cache's stack.
pub fn config_stack(redis: &Stack, cache: &ValkeyCache) -> Result<Stack, AppError> {
    let mut stack = Stack::new("bandup-redis-config")
        .region(REGION)
        .description("Where the bandup backend finds its cache")
        .tag("project", "bandup");
    // An export in bandup-redis, an Fn::ImportValue here, and this stack deploys after it.
    let endpoint = stack.import_from(redis, cache.replication_group.primary_end_point_address())?;
    stack.add(
        "PrimaryEndpoint",
        ssm::Parameter::new(ssm::parameter::Type::String, endpoint)
            .name(ENDPOINT_PARAMETER)
            .description("Primary endpoint address of the bandup-redis cache"),
    )?;
    Ok(stack)
}

/// Both stacks.
pub fn app() -> Result<App, AppError> {
    let (redis, cache) = redis_stack()?;
    let config = config_stack(&redis, &cache)?;
    let mut app = App::new();
    app.add(redis)?;
    app.add(config)?;
    Ok(app)
}
