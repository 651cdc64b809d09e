//! Security group rules: nothing open to the world on a cache port, a description on every
//! rule, and only security groups as sources for a cache's group.

use indexmap::IndexMap;

use super::Hit;
use super::context::{Context, SECURITY_GROUP};
use super::props::{self, Known};
use crate::template::Value;

const INGRESS: &str = "AWS::EC2::SecurityGroupIngress";
const EGRESS: &str = "AWS::EC2::SecurityGroupEgress";

/// The engines' default ports, which count as cache ports even with no cache in the template.
const DEFAULT_CACHE_PORTS: [i64; 2] = [6379, 11211];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Direction {
    Ingress,
    Egress,
}

/// One security group rule, inline in a group or a resource of its own.
struct SgRule<'a> {
    /// Where it is written.
    resource: &'a str,
    /// `SecurityGroupIngress[0]` for an inline rule; `None` for a standalone resource.
    place: Option<String>,
    fields: &'a IndexMap<String, Value>,
    /// The template's security group it belongs to, when known.
    group: Option<&'a str>,
    direction: Direction,
}

impl SgRule<'_> {
    /// The path of one of the rule's fields inside its resource's properties.
    fn property(&self, key: &str) -> String {
        match &self.place {
            Some(place) => format!("{place}.{key}"),
            None => key.to_string(),
        }
    }

    fn noun(&self) -> &'static str {
        match self.direction {
            Direction::Ingress => "ingress rule",
            Direction::Egress => "egress rule",
        }
    }
}

fn sg_rules<'a>(cx: &Context<'a>) -> Vec<SgRule<'a>> {
    let mut rules = Vec::new();
    for (id, group) in cx.resources_of(SECURITY_GROUP) {
        for (key, direction) in [
            ("SecurityGroupIngress", Direction::Ingress),
            ("SecurityGroupEgress", Direction::Egress),
        ] {
            let Known::Is(items) = props::list(&group.properties, key) else {
                continue;
            };
            for (i, item) in items.iter().enumerate() {
                // A rule given by an intrinsic (`Fn::If`) is not judged.
                if let Value::Map(fields) = item {
                    rules.push(SgRule {
                        resource: id,
                        place: Some(format!("{key}[{i}]")),
                        fields,
                        group: Some(id),
                        direction,
                    });
                }
            }
        }
    }
    for (type_name, direction) in [(INGRESS, Direction::Ingress), (EGRESS, Direction::Egress)] {
        for (id, rule) in cx.resources_of(type_name) {
            let group = props::get(&rule.properties, "GroupId")
                .and_then(props::referenced_resource)
                .filter(|group| {
                    cx.template
                        .resources
                        .get(*group)
                        .is_some_and(|r| r.type_name == SECURITY_GROUP)
                });
            rules.push(SgRule {
                resource: id,
                place: None,
                fields: &rule.properties,
                group,
                direction,
            });
        }
    }
    // Inline rules and standalone ones in template order.
    rules.sort_by_key(|r| cx.template.resources.get_index_of(r.resource));
    rules
}

/// The ports a rule opens, when its literals say: `None` for all ports.
fn port_range(fields: &IndexMap<String, Value>) -> Option<Option<(i64, i64)>> {
    let protocol = props::string(fields, "IpProtocol").literal()?;
    match protocol.to_ascii_lowercase().as_str() {
        "-1" | "all" => Some(None),
        "tcp" | "6" => {
            let from = props::integer(fields, "FromPort").literal()?;
            let to = props::integer(fields, "ToPort").literal()?;
            if from == -1 {
                Some(None)
            } else {
                Some(Some((from, to)))
            }
        }
        // Valkey, Redis OSS and Memcached clients connect over TCP.
        _ => None,
    }
}

/// CF-SG-001
pub fn open_ingress(cx: &Context<'_>, hits: &mut Vec<Hit>) {
    let mut cache_ports: Vec<i64> = DEFAULT_CACHE_PORTS.to_vec();
    cache_ports.extend(cx.caches.iter().filter_map(|c| c.port()));
    cache_ports.sort_unstable();
    cache_ports.dedup();
    for rule in sg_rules(cx) {
        if rule.direction != Direction::Ingress {
            continue;
        }
        let anywhere = [("CidrIp", "0.0.0.0/0"), ("CidrIpv6", "::/0")]
            .into_iter()
            .find(|(key, all)| props::string(rule.fields, key) == Known::Is(*all));
        let Some((key, all)) = anywhere else {
            continue;
        };
        let Some(range) = port_range(rule.fields) else {
            continue;
        };
        let (ports, opened) = match range {
            None => ("all ports".to_string(), cache_ports.first().copied()),
            Some((from, to)) => (
                if from == to {
                    format!("port {from}")
                } else {
                    format!("ports {from}-{to}")
                },
                cache_ports
                    .iter()
                    .copied()
                    .find(|p| (from..=to).contains(p)),
            ),
        };
        let Some(port) = opened else {
            continue;
        };
        let target = if range == Some((port, port)) {
            format!("cache port {port}")
        } else {
            format!("{ports}, which includes cache port {port}")
        };
        hits.push(Hit::at(
            rule.resource,
            rule.property(key),
            format!("{} admits {all} (anywhere) to {target}", rule.noun()),
        ));
    }
}

/// CF-SG-002
pub fn descriptions(cx: &Context<'_>, hits: &mut Vec<Hit>) {
    for rule in sg_rules(cx) {
        let described = match props::string(rule.fields, "Description") {
            Known::Is(text) => !text.trim().is_empty(),
            Known::Unknown => true,
            Known::Absent => false,
        };
        if !described {
            let property = rule.place.clone().unwrap_or("Description".to_string());
            hits.push(Hit::at(
                rule.resource,
                property,
                format!("{} without a Description", rule.noun()),
            ));
        }
    }
}

/// CF-SG-003
pub fn cache_ingress_sources(cx: &Context<'_>, hits: &mut Vec<Hit>) {
    for rule in sg_rules(cx) {
        let Some(group) = rule.group.filter(|_| rule.direction == Direction::Ingress) else {
            continue;
        };
        let Some(cache) = cx.caches_behind(group).next() else {
            continue;
        };
        for key in ["CidrIp", "CidrIpv6", "SourcePrefixListId"] {
            let source = match props::get(rule.fields, key) {
                None => continue,
                Some(Value::String(range)) => format!("{key} {range}"),
                Some(_) => format!("a {key} set by an intrinsic function"),
            };
            hits.push(Hit::at(
                rule.resource,
                rule.property(key),
                format!(
                    "the security group of cache {} admits an address range ({source}) rather than a security group",
                    cache.id
                ),
            ));
        }
    }
}
