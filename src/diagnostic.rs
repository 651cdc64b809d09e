//! Diagnostics: what cfnforge finds wrong or risky in a stack file, in a construct's props or in
//! a template, as one type with where it is. Stack files ([`crate::stackfile`]), constructs
//! ([`crate::constructs`]), the template checks ([`crate::checks`]) and the rules
//! ([`crate::rules`]) all report [`Diagnostic`]s; a command renders them for people in one place,
//! and [`Diagnostic::to_json`] is their one JSON shape.

use std::fmt;

use serde_json::{Map, Value, json};

use crate::rules::Rule;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// CloudFormation or the service would reject the stack, or it is insecure enough that it
    /// must not deploy as it is (a rule's error can be suppressed with a reason).
    Error,
    /// Deployable, but needs attention; fails `check --strict`.
    Warning,
    /// Worth knowing; never fails anything. Only rules report it.
    Info,
}

impl Severity {
    /// `error`, `warning`, `info`.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A line and a column in a stack file, both counted from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Position {
    pub line: u64,
    pub column: u64,
}

/// The stack-file key a template location was built from: where a rule's finding about a
/// property can be fixed, and how, in the stack file's terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub position: Position,
    /// The key as a dotted path (`cache.security_group.name`).
    pub key: String,
    /// The rule's fix phrased for the stack file; `None`: the rule's own (template) fix.
    pub fix: Option<String>,
}

/// Where a diagnostic is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A place in a stack file, and the key there as a dotted path from the top (`cache.port`,
    /// `caches[1].id`, `suppressions[0].reason`); the key is empty when the place is not at a key
    /// (the first byte that is not UTF-8). The file is the one the diagnostic is reported for.
    StackFile { position: Position, key: String },
    /// A place in a template, as a dotted path from the top (`Resources.Cache.Properties.Port`,
    /// `Outputs.Endpoint.Value`, `Description`); empty for the template as a whole. `resource` is
    /// the logical ID when the path is inside `Resources.<id>`.
    Template {
        path: String,
        resource: Option<String>,
    },
    /// A field of a construct's props, as a dotted path (`port`, `security_group.allow_from`).
    /// A caller that knows where the props came from maps it to one of the others, as `synth`
    /// maps it to the stack file's key.
    Field(String),
}

impl Location {
    /// A key at a place in a stack file.
    pub fn stack_file(position: Position, key: impl Into<String>) -> Location {
        Location::StackFile {
            position,
            key: key.into(),
        }
    }

    /// A dotted path into a template; the resource is read from a `Resources.<id>` start.
    pub fn template(path: impl Into<String>) -> Location {
        let path = path.into();
        let resource = path.strip_prefix("Resources.").and_then(|rest| {
            let id = rest.split(['.', '[']).next().unwrap_or_default();
            (!id.is_empty()).then(|| id.to_string())
        });
        Location::Template { path, resource }
    }

    /// A resource of a template, or one of its properties (`SecurityGroupIngress[0].CidrIp`) or
    /// resource attributes (`DeletionPolicy`, `UpdateReplacePolicy`, which sit beside
    /// `Properties`).
    pub fn in_resource(logical_id: &str, property: Option<&str>) -> Location {
        let path = match property {
            None => format!("Resources.{logical_id}"),
            Some(attribute @ ("DeletionPolicy" | "UpdateReplacePolicy")) => {
                format!("Resources.{logical_id}.{attribute}")
            }
            Some(property) => format!("Resources.{logical_id}.Properties.{property}"),
        };
        Location::Template {
            path,
            resource: Some(logical_id.to_string()),
        }
    }

    /// A field of a construct's props.
    pub fn field(field: impl Into<String>) -> Location {
        Location::Field(field.into())
    }

    /// The logical ID of the template resource this is in.
    pub fn resource(&self) -> Option<&str> {
        match self {
            Location::Template { resource, .. } => resource.as_deref(),
            _ => None,
        }
    }

    /// Inside a template resource: the property's path inside `Properties`, or the resource
    /// attribute (`DeletionPolicy`); `None` for the resource as a whole.
    pub fn property(&self) -> Option<&str> {
        let Location::Template {
            path,
            resource: Some(resource),
        } = self
        else {
            return None;
        };
        let inside = path
            .strip_prefix("Resources.")?
            .strip_prefix(resource.as_str())?
            .strip_prefix('.')?;
        Some(inside.strip_prefix("Properties.").unwrap_or(inside)).filter(|p| !p.is_empty())
    }

    /// The dotted path, for a template location.
    pub fn template_path(&self) -> Option<&str> {
        match self {
            Location::Template { path, .. } => Some(path),
            _ => None,
        }
    }

    /// The position in the stack file, for a stack-file location.
    pub fn position(&self) -> Option<Position> {
        match self {
            Location::StackFile { position, .. } => Some(*position),
            _ => None,
        }
    }
}

/// One thing found wrong or risky, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub location: Location,
    pub message: String,
    /// The rule that found it (its ID, why it matters, how to fix it); `None` for what the stack
    /// file reader, a construct or the template checks found.
    pub rule: Option<&'static Rule>,
    /// The reason of the suppression that covers this rule finding.
    pub suppressed: Option<String>,
    /// The stack file's lines around the place, with a marker, when the YAML reader gave them.
    pub snippet: Option<String>,
    /// For a template location of a stack built from a stack file: the key that produced it.
    pub origin: Option<Origin>,
}

impl Diagnostic {
    pub fn new(severity: Severity, location: Location, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity,
            location,
            message: message.into(),
            rule: None,
            suppressed: None,
            snippet: None,
            origin: None,
        }
    }

    pub fn error(location: Location, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(Severity::Error, location, message)
    }

    pub fn warning(location: Location, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(Severity::Warning, location, message)
    }

    /// A rule's finding, at the rule's level.
    pub fn of_rule(rule: &'static Rule, location: Location, message: impl Into<String>) -> Self {
        Diagnostic {
            rule: Some(rule),
            ..Diagnostic::new(rule.level, location, message)
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    pub fn is_suppressed(&self) -> bool {
        self.suppressed.is_some()
    }

    /// Where it is in the stack file: its own position, or that of the key it comes from.
    pub fn position(&self) -> Option<Position> {
        self.location
            .position()
            .or(self.origin.as_ref().map(|o| o.position))
    }

    /// How to fix a rule's finding: in the stack file's terms when it comes from a stack file,
    /// else the rule's fix.
    pub fn fix(&self) -> Option<&str> {
        self.origin
            .as_ref()
            .and_then(|o| o.fix.as_deref())
            .or(self.rule.map(|r| r.fix))
    }

    /// The ID of the rule that found it (`CF-EC-006`).
    pub fn rule_id(&self) -> Option<&'static str> {
        self.rule.map(|r| r.id)
    }

    /// Where it is, for people, without the file or line: the stack file's key (`cache.port`),
    /// a rule and what it found (`CF-EC-005 BandupRedis.NumCacheClusters`, `CF-X stack`), led by
    /// the stack-file key it comes from when there is one (`CF-EC-005 cache.replicas
    /// (BandupRedis.NumCacheClusters)`), the template path (`template Resources.Cache.Type`), or
    /// the construct's field. Empty for the template as a whole and for a stack-file place that
    /// is not at a key.
    pub fn place(&self) -> String {
        match (&self.location, self.rule) {
            (Location::Template { .. }, Some(rule)) => {
                let resource = self.location.resource().unwrap_or("stack");
                let what = match self.location.property() {
                    Some(property) => format!("{resource}.{property}"),
                    None => resource.to_string(),
                };
                match &self.origin {
                    Some(origin) => format!("{} {} ({what})", rule.id, origin.key),
                    None => format!("{} {what}", rule.id),
                }
            }
            (Location::Template { path, .. }, None) if path.is_empty() => String::new(),
            (Location::Template { path, .. }, None) => format!("template {path}"),
            (Location::StackFile { key, .. }, _) | (Location::Field(key), _) => key.clone(),
        }
    }

    /// The JSON for scripts. Keys are stable: `rule` (rule findings), `level`, then the place:
    /// `key`, `line`, `column` (stack file), `resource`, `property`, `path` (template) or
    /// `field` (construct props), a template place adding `key`, `line`, `column` of the
    /// stack-file key it comes from; then `message`; rule findings add `title`, `why`, `fix`
    /// (in the stack file's terms when it comes from one), `controls`, `suppressed` and
    /// `reason` (the suppression's).
    pub fn to_json(&self) -> Value {
        let mut out = Map::new();
        if let Some(rule) = self.rule {
            out.insert("rule".into(), json!(rule.id));
        }
        out.insert("level".into(), json!(self.severity.name()));
        match &self.location {
            Location::StackFile { position, key } => {
                out.insert("key".into(), json!(key));
                out.insert("line".into(), json!(position.line));
                out.insert("column".into(), json!(position.column));
            }
            Location::Template { path, .. } => {
                out.insert("resource".into(), json!(self.location.resource()));
                out.insert("property".into(), json!(self.location.property()));
                out.insert("path".into(), json!(path));
                if let Some(origin) = &self.origin {
                    out.insert("key".into(), json!(origin.key));
                    out.insert("line".into(), json!(origin.position.line));
                    out.insert("column".into(), json!(origin.position.column));
                }
            }
            Location::Field(field) => {
                out.insert("field".into(), json!(field));
            }
        }
        out.insert("message".into(), json!(self.message));
        if let Some(rule) = self.rule {
            out.insert("title".into(), json!(rule.title));
            out.insert("why".into(), json!(rule.why));
            out.insert("fix".into(), json!(self.fix().unwrap_or(rule.fix)));
            out.insert("controls".into(), json!(rule.controls));
            out.insert("suppressed".into(), json!(self.is_suppressed()));
            out.insert("reason".into(), json!(self.suppressed));
        }
        Value::Object(out)
    }
}

/// `error: 11:7: cache.id: message`, `warning: template Resources.X.Type: message`: the severity,
/// the stack-file position when there is one, the place, the message.
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.severity)?;
        if let Some(Position { line, column }) = self.position() {
            write!(f, "{line}:{column}: ")?;
        }
        let place = self.place();
        if !place.is_empty() {
            write!(f, "{place}: ")?;
        }
        f.write_str(&self.message)
    }
}

/// Diagnostics that stopped something (at least one error, and the warnings found beside it), as
/// an error value: what [`crate::constructs::ValkeyCache::add`] returns when the props are wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", Lines(.0))]
pub struct Diagnostics(pub Vec<Diagnostic>);

struct Lines<'a>(&'a [Diagnostic]);

impl fmt::Display for Lines<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, diagnostic) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{diagnostic}")?;
        }
        Ok(())
    }
}

impl std::ops::Deref for Diagnostics {
    type Target = [Diagnostic];

    fn deref(&self) -> &[Diagnostic] {
        &self.0
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(id: &str) -> &'static Rule {
        crate::rules::get(id).unwrap()
    }

    #[test]
    fn severities_are_named_and_ordered() {
        assert_eq!(Severity::Warning.to_string(), "warning");
        assert_eq!(Severity::Info.name(), "info");
        assert!(Severity::Error < Severity::Warning && Severity::Warning < Severity::Info);
    }

    #[test]
    fn template_paths_know_their_resource_and_property() {
        let at = Location::template("Resources.Cache.Properties.SecurityGroupIds[0]");
        assert_eq!(at.resource(), Some("Cache"));
        assert_eq!(at.property(), Some("SecurityGroupIds[0]"));
        assert_eq!(
            Location::template("Resources.Cache[0]").resource(),
            Some("Cache")
        );
        assert_eq!(
            Location::template("Resources.Cache.Type").property(),
            Some("Type")
        );
        assert_eq!(Location::template("Resources.Cache").property(), None);
        for top in ["Outputs.Endpoint.Value", "Description", "", "Resources"] {
            let at = Location::template(top);
            assert_eq!((at.resource(), at.property()), (None, None), "{top}");
        }
        let policy = Location::in_resource("Cache", Some("DeletionPolicy"));
        assert_eq!(
            policy,
            Location::Template {
                path: "Resources.Cache.DeletionPolicy".into(),
                resource: Some("Cache".into())
            }
        );
        assert_eq!(policy.property(), Some("DeletionPolicy"));
        let port = Location::in_resource("Cache", Some("Port"));
        assert_eq!(port, Location::template("Resources.Cache.Properties.Port"));
        assert_eq!(port.property(), Some("Port"));
        assert_eq!(Location::in_resource("Cache", None).property(), None);
        assert_eq!(Location::field("port").resource(), None);
    }

    #[test]
    fn each_location_renders_its_place() {
        let at = Position {
            line: 11,
            column: 7,
        };
        let cases = [
            (
                Diagnostic::error(Location::stack_file(at, "cache.id"), "bad id"),
                "error: 11:7: cache.id: bad id",
            ),
            (
                Diagnostic::error(Location::stack_file(at, ""), "not UTF-8"),
                "error: 11:7: not UTF-8",
            ),
            (
                Diagnostic::warning(Location::template("Resources.X.Type"), "no such type"),
                "warning: template Resources.X.Type: no such type",
            ),
            (
                Diagnostic::warning(Location::template(""), "is big"),
                "warning: is big",
            ),
            (
                Diagnostic::error(Location::field("port"), "port 0"),
                "error: port: port 0",
            ),
            (
                Diagnostic::of_rule(
                    rule("CF-EC-005"),
                    Location::in_resource("BandupRedis", Some("NumCacheClusters")),
                    "a single node",
                ),
                "warning: CF-EC-005 BandupRedis.NumCacheClusters: a single node",
            ),
            (
                Diagnostic::of_rule(
                    rule("CF-EC-006"),
                    Location::in_resource("BandupRedis", None),
                    "no AuthToken",
                ),
                "error: CF-EC-006 BandupRedis: no AuthToken",
            ),
            (
                Diagnostic::of_rule(rule("CF-DATA-002"), Location::template(""), "names"),
                "warning: CF-DATA-002 stack: names",
            ),
        ];
        for (diagnostic, text) in cases {
            assert_eq!(diagnostic.to_string(), text);
        }
    }

    #[test]
    fn the_json_has_the_place_of_each_location_and_a_rule_s_extra_data() {
        let at = Position { line: 3, column: 8 };
        assert_eq!(
            Diagnostic::error(Location::stack_file(at, "stack"), "bad").to_json(),
            json!({"level": "error", "key": "stack", "line": 3, "column": 8, "message": "bad"})
        );
        assert_eq!(
            Diagnostic::warning(Location::template("Outputs.X.Value"), "w").to_json(),
            json!({"level": "warning", "resource": null, "property": null,
                   "path": "Outputs.X.Value", "message": "w"})
        );
        assert_eq!(
            Diagnostic::error(Location::field("port"), "e").to_json(),
            json!({"level": "error", "field": "port", "message": "e"})
        );
        let rule = rule("CF-EC-014");
        let mut finding = Diagnostic::of_rule(
            rule,
            Location::in_resource("Cache", Some("Port")),
            "default port",
        );
        finding.suppressed = Some("the backend expects it".into());
        let json = finding.to_json();
        assert_eq!(
            json,
            json!({
                "rule": "CF-EC-014", "level": "info", "resource": "Cache", "property": "Port",
                "path": "Resources.Cache.Properties.Port", "message": "default port",
                "title": rule.title, "why": rule.why, "fix": rule.fix,
                "controls": ["AwsSolutions-AEC5"], "suppressed": true,
                "reason": "the backend expects it"
            })
        );
        let keys: Vec<&String> = json.as_object().unwrap().keys().collect();
        assert_eq!(keys[..4], ["rule", "level", "resource", "property"]);
    }

    #[test]
    fn diagnostics_as_an_error_list_every_one() {
        let error = Diagnostics(vec![
            Diagnostic::error(Location::field("port"), "port 0"),
            Diagnostic::warning(Location::field("id"), "upper case"),
        ]);
        assert_eq!(
            error.to_string(),
            "error: port: port 0\nwarning: id: upper case"
        );
        assert_eq!(error.len(), 2);
    }
}
