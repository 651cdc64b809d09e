//! Stateful resources keep their data: deletion and replacement policies, and names that
//! would block a replacement.

use super::Hit;
use super::context::{CacheKind, Context};
use super::props;
use crate::facts;
use crate::template::{DeletionPolicy, Value};

/// CF-DATA-001
pub fn keeps_data(cx: &Context<'_>, hits: &mut Vec<Hit>) {
    for cache in &cx.caches {
        // Snapshots exist for Valkey and Redis OSS node-based caches.
        if cache.kind == CacheKind::Serverless || !cache.is_redis_like() {
            continue;
        }
        let options = &cache.resource.options;
        for (attribute, policy, what) in [
            ("DeletionPolicy", options.deletion_policy, "deleting"),
            (
                "UpdateReplacePolicy",
                options.update_replace_policy,
                "replacing",
            ),
        ] {
            let keeps = matches!(
                policy,
                Some(
                    DeletionPolicy::Snapshot
                        | DeletionPolicy::Retain
                        | DeletionPolicy::RetainExceptOnCreate
                )
            );
            if !keeps {
                let current = policy.map_or("not set (Delete)".to_string(), |p| format!("{p:?}"));
                hits.push(Hit::at(
                    cache.id,
                    attribute,
                    format!("{attribute} is {current}: {what} the cache deletes its data"),
                ));
            }
        }
    }
}

/// CF-DATA-002
pub fn fixed_names(cx: &Context<'_>, hits: &mut Vec<Hit>) {
    for (id, resource) in &cx.template.resources {
        let type_name = resource.type_name.as_str();
        let Some(key) = facts::name_property(type_name) else {
            continue;
        };
        // A computed name (`Fn::Sub`) is as fixed as a literal one for the stack's life.
        let name = match props::get(&resource.properties, key) {
            None => continue,
            Some(Value::String(name)) => format!("{key} \"{name}\""),
            Some(_) => format!("{key} (computed)"),
        };
        hits.push(Hit::at(
            id,
            key,
            format!("{name} is a fixed name: CloudFormation cannot replace this {type_name}"),
        ));
    }
}
