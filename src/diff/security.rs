//! Judging security group rule changes: which rules a change adds or removes, ingress and
//! egress, inline (`SecurityGroupIngress`/`SecurityGroupEgress` lists) or standalone
//! (`AWS::EC2::SecurityGroupIngress`/`Egress` resources), and whether the change widens access.
//!
//! A rule widens access when the new template has it and no old rule of the same direction
//! already allowed at least as much (same or broader protocol, port range and peer). Removing a
//! rule, or narrowing one, never widens. A group without egress rules has EC2's default egress
//! rule (all traffic to 0.0.0.0/0), which the first explicit egress rule replaces: adding one
//! narrows, removing the last one widens.

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

use crate::template::{Resource, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Ingress,
    Egress,
}

impl fmt::Display for Direction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Direction::Ingress => "ingress",
            Direction::Egress => "egress",
        })
    }
}

/// One rule, reduced to what decides who can reach what (the description does not).
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub direction: Direction,
    /// `tcp`, `udp`, `icmp`, a protocol number, or `-1` for all.
    pub protocol: String,
    /// The port range; `None` for all ports (protocol `-1`, or ports not given).
    pub ports: Option<(i64, i64)>,
    /// The property naming the other side (`CidrIp`, `SourceSecurityGroupId`, ...) and its value.
    pub peer: (String, Value),
    /// EC2's default egress rule of a group without explicit egress rules.
    pub implicit: bool,
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let protocol = if self.protocol == "-1" {
            "all traffic"
        } else {
            self.protocol.as_str()
        };
        let ports = match self.ports {
            None => String::new(),
            Some((from, to)) if from == to => format!(" port {from}"),
            Some((from, to)) => format!(" ports {from}-{to}"),
        };
        let way = match self.direction {
            Direction::Ingress => "from",
            Direction::Egress => "to",
        };
        let peer = match &self.peer.1 {
            Value::String(s) => s.clone(),
            other => serde_json::to_string(other).unwrap_or_default(),
        };
        let implicit = if self.implicit {
            " (EC2's default)"
        } else {
            ""
        };
        write!(
            f,
            "{} {protocol}{ports} {way} {peer}{implicit}",
            self.direction
        )
    }
}

/// A rule that is in one template and not the other.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleChange {
    pub rule: Rule,
    /// Added (true) or removed (false).
    pub added: bool,
    /// An added rule that allows something no old rule allowed.
    pub widens: bool,
}

/// The peer properties a rule can name, ingress and egress.
const PEERS: &[&str] = &[
    "CidrIp",
    "CidrIpv6",
    "SourceSecurityGroupId",
    "SourceSecurityGroupName",
    "SourcePrefixListId",
    "DestinationSecurityGroupId",
    "DestinationPrefixListId",
];

/// The rule changes between two versions of a resource (`None`: the resource is absent on that
/// side). Empty for types that hold no rules.
pub fn rule_changes(old: Option<&Resource>, new: Option<&Resource>) -> Vec<RuleChange> {
    let old_rules = old.map(rules_of).unwrap_or_default();
    let new_rules = new.map(rules_of).unwrap_or_default();
    let mut changes = Vec::new();
    for rule in new_rules.iter().filter(|r| !old_rules.contains(r)) {
        let widens = !old_rules.iter().any(|o| covers(o, rule));
        changes.push(RuleChange {
            rule: rule.clone(),
            added: true,
            widens,
        });
    }
    for rule in old_rules.iter().filter(|r| !new_rules.contains(r)) {
        changes.push(RuleChange {
            rule: rule.clone(),
            added: false,
            widens: false,
        });
    }
    changes
}

fn rules_of(resource: &Resource) -> Vec<Rule> {
    let props = &resource.properties;
    match resource.type_name.as_str() {
        "AWS::EC2::SecurityGroup" => {
            let mut rules = inline(props.get("SecurityGroupIngress"), Direction::Ingress);
            let egress = inline(props.get("SecurityGroupEgress"), Direction::Egress);
            if egress.is_empty() {
                rules.push(Rule {
                    direction: Direction::Egress,
                    protocol: "-1".to_string(),
                    ports: None,
                    peer: ("CidrIp".to_string(), Value::from("0.0.0.0/0")),
                    implicit: true,
                });
            }
            rules.extend(egress);
            rules
        }
        "AWS::EC2::SecurityGroupIngress" => rule(props, Direction::Ingress).into_iter().collect(),
        "AWS::EC2::SecurityGroupEgress" => rule(props, Direction::Egress).into_iter().collect(),
        _ => Vec::new(),
    }
}

fn inline(list: Option<&Value>, direction: Direction) -> Vec<Rule> {
    match list {
        Some(Value::List(items)) => items
            .iter()
            .filter_map(|item| match item {
                Value::Map(props) => rule(props, direction),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn rule(props: &indexmap::IndexMap<String, Value>, direction: Direction) -> Option<Rule> {
    let protocol = match props.get("IpProtocol")? {
        Value::String(s) => s.to_ascii_lowercase(),
        Value::Number(n) => n.to_string(),
        other => serde_json::to_string(other).unwrap_or_default(),
    };
    // Protocol numbers and names mean the same thing.
    let protocol = match protocol.as_str() {
        "6" => "tcp".to_string(),
        "17" => "udp".to_string(),
        "1" => "icmp".to_string(),
        _ => protocol,
    };
    let port = |key: &str| match props.get(key) {
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(s)) => s.parse().ok(),
        _ => None,
    };
    // All ports: protocol -1, or -1 as a port (ICMP's "all types"), or none given.
    let ports = match (port("FromPort"), port("ToPort")) {
        _ if protocol == "-1" => None,
        (Some(from), Some(to)) if from >= 0 && to >= 0 => Some((from, to)),
        _ => None,
    };
    let peer = PEERS
        .iter()
        .find_map(|key| props.get(*key).map(|v| (key.to_string(), v.clone())))
        .unwrap_or_else(|| ("(none)".to_string(), Value::Null));
    Some(Rule {
        direction,
        protocol,
        ports,
        peer,
        implicit: false,
    })
}

/// Whether `old` already allows everything `new` allows.
fn covers(old: &Rule, new: &Rule) -> bool {
    if old.direction != new.direction {
        return false;
    }
    let protocol = old.protocol == "-1" || old.protocol == new.protocol;
    let ports = match (old.ports, new.ports) {
        (None, _) => true,
        (Some(_), None) => false,
        (Some((of, ot)), Some((nf, nt))) => of <= nf && nt <= ot,
    };
    protocol && ports && peer_covers(&old.peer, &new.peer)
}

fn peer_covers(old: &(String, Value), new: &(String, Value)) -> bool {
    if old == new {
        return true;
    }
    if old.0 != new.0 {
        return false;
    }
    match (old.1.as_str(), new.1.as_str(), old.0.as_str()) {
        (Some(o), Some(n), "CidrIp") => match (v4(o), v4(n)) {
            (Some((oa, ol)), Some((na, nl))) => ol <= nl && mask4(oa, ol) == mask4(na, ol),
            _ => false,
        },
        (Some(o), Some(n), "CidrIpv6") => match (v6(o), v6(n)) {
            (Some((oa, ol)), Some((na, nl))) => ol <= nl && mask6(oa, ol) == mask6(na, ol),
            _ => false,
        },
        // Groups and prefix lists are judged by identity; intrinsics cannot be judged offline.
        _ => false,
    }
}

fn v4(cidr: &str) -> Option<(u32, u32)> {
    let (addr, len) = cidr.split_once('/')?;
    let len: u32 = len.parse().ok().filter(|l| *l <= 32)?;
    Some((u32::from(addr.parse::<Ipv4Addr>().ok()?), len))
}

fn v6(cidr: &str) -> Option<(u128, u32)> {
    let (addr, len) = cidr.split_once('/')?;
    let len: u32 = len.parse().ok().filter(|l| *l <= 128)?;
    Some((u128::from(addr.parse::<Ipv6Addr>().ok()?), len))
}

fn mask4(addr: u32, len: u32) -> u32 {
    addr.checked_shr(32 - len).unwrap_or(0)
}

fn mask6(addr: u128, len: u32) -> u128 {
    addr.checked_shr(128 - len).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn group(ingress: serde_json::Value, egress: Option<serde_json::Value>) -> Resource {
        let mut r = Resource::new("AWS::EC2::SecurityGroup");
        r.properties.insert("GroupDescription".into(), "g".into());
        r.properties
            .insert("SecurityGroupIngress".into(), Value::from_json(ingress));
        if let Some(egress) = egress {
            r.properties
                .insert("SecurityGroupEgress".into(), Value::from_json(egress));
        }
        r
    }

    fn tcp(port: i64, to: i64, cidr: &str) -> serde_json::Value {
        json!({"IpProtocol": "tcp", "FromPort": port, "ToPort": to, "CidrIp": cidr})
    }

    fn widening(old: &Resource, new: &Resource) -> Vec<String> {
        rule_changes(Some(old), Some(new))
            .iter()
            .filter(|c| c.widens)
            .map(|c| c.rule.to_string())
            .collect()
    }

    #[test]
    fn a_new_ingress_rule_widens() {
        let old = group(json!([tcp(6379, 6379, "10.0.0.0/16")]), None);
        let new = group(
            json!([tcp(6379, 6379, "10.0.0.0/16"), tcp(22, 22, "0.0.0.0/0")]),
            None,
        );
        assert_eq!(widening(&old, &new), ["ingress tcp port 22 from 0.0.0.0/0"]);
    }

    #[test]
    fn a_broader_cidr_or_port_range_widens() {
        let old = group(json!([tcp(6379, 6379, "10.0.0.0/16")]), None);
        let cidr = group(json!([tcp(6379, 6379, "10.0.0.0/8")]), None);
        let ports = group(json!([tcp(6379, 6380, "10.0.0.0/16")]), None);
        assert_eq!(widening(&old, &cidr).len(), 1);
        assert_eq!(widening(&old, &ports).len(), 1);
    }

    #[test]
    fn a_narrower_rule_or_a_removed_one_does_not_widen() {
        let old = group(
            json!([tcp(6000, 7000, "0.0.0.0/0"), tcp(22, 22, "10.0.0.0/8")]),
            None,
        );
        let new = group(
            json!([
                tcp(6379, 6379, "10.1.0.0/16"),
                {"IpProtocol": "tcp", "FromPort": 6379, "ToPort": 6379, "CidrIp": "10.1.0.0/16", "Description": "same rule, described"}
            ]),
            None,
        );
        let changes = rule_changes(Some(&old), Some(&new));
        assert!(changes.iter().all(|c| !c.widens), "{changes:?}");
        assert_eq!(changes.iter().filter(|c| !c.added).count(), 2);
    }

    #[test]
    fn egress_rules_are_judged_like_ingress() {
        let old = group(json!([]), Some(json!([tcp(443, 443, "10.0.0.0/8")])));
        let wider = group(json!([]), Some(json!([tcp(443, 443, "0.0.0.0/0")])));
        assert_eq!(widening(&old, &wider), ["egress tcp port 443 to 0.0.0.0/0"]);
        // The first explicit egress rule replaces EC2's allow-all default: it narrows.
        let default = group(json!([]), None);
        assert!(widening(&default, &old).is_empty());
        // Dropping the last one brings the default back: it widens.
        assert_eq!(
            widening(&old, &default),
            ["egress all traffic to 0.0.0.0/0 (EC2's default)"]
        );
    }

    #[test]
    fn standalone_rules_are_judged_too() {
        let standalone = |kind: &str, cidr: &str| {
            let mut r = Resource::new(kind);
            for (k, v) in [
                ("GroupId", json!("sg-1")),
                ("IpProtocol", json!("tcp")),
                ("FromPort", json!(5432)),
                ("ToPort", json!(5432)),
                ("CidrIp", json!(cidr)),
            ] {
                r.properties.insert(k.into(), Value::from_json(v));
            }
            r
        };
        let added = rule_changes(
            None,
            Some(&standalone("AWS::EC2::SecurityGroupEgress", "0.0.0.0/0")),
        );
        assert!(added[0].widens && added[0].rule.direction == Direction::Egress);
        let narrowed = rule_changes(
            Some(&standalone("AWS::EC2::SecurityGroupIngress", "10.0.0.0/8")),
            Some(&standalone("AWS::EC2::SecurityGroupIngress", "10.2.3.0/24")),
        );
        assert!(narrowed.iter().all(|c| !c.widens) && narrowed.len() == 2);
        let removed = rule_changes(
            Some(&standalone("AWS::EC2::SecurityGroupIngress", "10.0.0.0/8")),
            None,
        );
        assert!(!removed[0].widens && !removed[0].added);
    }

    #[test]
    fn protocol_numbers_and_all_traffic_are_understood() {
        let all = group(json!([{"IpProtocol": "-1", "CidrIp": "10.0.0.0/8"}]), None);
        let tcp6 = group(
            json!([{"IpProtocol": "6", "FromPort": 80, "ToPort": 80, "CidrIp": "10.9.0.0/16"}]),
            None,
        );
        assert!(widening(&all, &tcp6).is_empty());
        assert_eq!(widening(&tcp6, &all).len(), 1);
    }
}
