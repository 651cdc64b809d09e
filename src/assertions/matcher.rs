//! Patterns and how a value is matched against them.
//!
//! A pattern is JSON. Matchers are JSON objects with the key [`KEY`], so that they can stand
//! anywhere inside a `serde_json::json!` pattern; a [`Capture`] serializes to one.

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, Weak};

use serde::{Serialize, Serializer};
use serde_json::{Value as Json, json};

/// The key that marks a matcher inside a pattern. No CloudFormation template has such a key.
pub(super) const KEY: &str = "cfnforge::Match";

/// Matchers to put inside a pattern, as the CDK's `Match`.
///
/// ```
/// use cfnforge::assertions::{Match, Template};
/// use serde_json::json;
///
/// let template = Template::from_json(r#"{"Resources": {"Q": {"Type": "AWS::SQS::Queue",
///     "Properties": {"QueueName": "jobs-eu", "Tags": [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}]}}}}"#)?;
/// template.has_resource_properties("AWS::SQS::Queue", json!({
///     "QueueName": Match::string_like_regexp("^jobs-"),
///     "Tags": Match::array_with(json!([{"Key": "b"}])),
///     "FifoQueue": Match::absent(),
///     "DelaySeconds": Match::not(Match::any_value()),
/// }));
/// # Ok::<(), serde_json::Error>(())
/// ```
pub struct Match;

impl Match {
    /// The key is not there (inside an object).
    pub fn absent() -> Json {
        json!({ KEY: "absent" })
    }

    /// Anything but `null` or absence.
    pub fn any_value() -> Json {
        json!({ KEY: "anyValue" })
    }

    /// A list that has the pattern's items in this order, with others before, between and
    /// after them.
    pub fn array_with(items: Json) -> Json {
        json!({ KEY: "arrayWith", "pattern": items })
    }

    /// An object with at least the pattern's keys, nested objects matched the same way (the
    /// default for patterns).
    pub fn object_like(pattern: Json) -> Json {
        json!({ KEY: "objectLike", "pattern": pattern })
    }

    /// An object with exactly the pattern's keys, all the way down.
    pub fn object_equals(pattern: Json) -> Json {
        json!({ KEY: "objectEquals", "pattern": pattern })
    }

    /// Exactly the pattern, all the way down (no extra keys at any depth).
    pub fn exact(pattern: Json) -> Json {
        json!({ KEY: "exact", "pattern": pattern })
    }

    /// A string that the regular expression matches somewhere (anchor it with `^...$` for a
    /// whole-string match). The syntax is the `regex-lite` crate's.
    pub fn string_like_regexp(regex: &str) -> Json {
        json!({ KEY: "stringLikeRegexp", "pattern": regex })
    }

    /// Anything the pattern does not match.
    pub fn not(pattern: Json) -> Json {
        json!({ KEY: "not", "pattern": pattern })
    }
}

/// Takes the value found where it stands in a pattern, as the CDK's `Capture`: put it in a
/// pattern, match, then read what it took. It matches any value but `null` unless made with
/// [`Capture::matching`].
///
/// ```
/// use cfnforge::assertions::{Capture, Template};
/// use serde_json::json;
///
/// let template = Template::from_json(r#"{"Resources": {"P": {"Type": "AWS::SSM::Parameter",
///     "Properties": {"Type": "String", "Value": {"Fn::ImportValue": "cache:Endpoint"}}}}}"#)?;
/// let value = Capture::new();
/// template.has_resource_properties("AWS::SSM::Parameter", json!({"Value": value}));
/// assert_eq!(value.as_value(), json!({"Fn::ImportValue": "cache:Endpoint"}));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone)]
pub struct Capture {
    id: u64,
    pattern: Option<Json>,
    values: Arc<Mutex<Vec<Json>>>,
}

type Registry = Mutex<HashMap<u64, Weak<Mutex<Vec<Json>>>>>;

/// The captures that stand in patterns, by ID, so that a pattern (plain JSON) reaches them.
fn registry() -> &'static Registry {
    static CAPTURES: OnceLock<Registry> = OnceLock::new();
    CAPTURES.get_or_init(Default::default)
}

impl Default for Capture {
    fn default() -> Self {
        Capture::new()
    }
}

impl Capture {
    pub fn new() -> Capture {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        let capture = Capture {
            id: NEXT.fetch_add(1, Ordering::Relaxed),
            pattern: None,
            values: Arc::new(Mutex::new(Vec::new())),
        };
        if let Ok(mut captures) = registry().lock() {
            captures.retain(|_, values| values.strong_count() > 0);
            captures.insert(capture.id, Arc::downgrade(&capture.values));
        }
        capture
    }

    /// A capture that takes only values the pattern matches.
    pub fn matching(pattern: Json) -> Capture {
        Capture {
            pattern: Some(pattern),
            ..Capture::new()
        }
    }

    /// Every value taken, in the order of the matches (resources in template order).
    pub fn values(&self) -> Vec<Json> {
        self.values.lock().map(|v| v.clone()).unwrap_or_default()
    }

    /// The first value taken.
    ///
    /// # Panics
    /// When nothing was taken: the pattern did not match, or was not used.
    pub fn as_value(&self) -> Json {
        match self.values().into_iter().next() {
            Some(value) => value,
            None => panic!("the capture took no value: its pattern matched nothing"),
        }
    }

    /// The first value taken, which must be a string.
    ///
    /// # Panics
    /// When nothing was taken, or it is not a string.
    pub fn as_string(&self) -> String {
        match self.as_value() {
            Json::String(s) => s,
            other => panic!("the capture took {other}, not a string"),
        }
    }

    /// The first value taken, which must be a number.
    ///
    /// # Panics
    /// When nothing was taken, or it is not a number.
    pub fn as_number(&self) -> f64 {
        match self.as_value() {
            Json::Number(n) => n.as_f64().unwrap_or(f64::NAN),
            other => panic!("the capture took {other}, not a number"),
        }
    }

    /// The first value taken, which must be a list.
    ///
    /// # Panics
    /// When nothing was taken, or it is not a list.
    pub fn as_array(&self) -> Vec<Json> {
        match self.as_value() {
            Json::Array(items) => items,
            other => panic!("the capture took {other}, not a list"),
        }
    }

    /// The first value taken, which must be an object.
    ///
    /// # Panics
    /// When nothing was taken, or it is not an object.
    pub fn as_object(&self) -> serde_json::Map<String, Json> {
        match self.as_value() {
            Json::Object(map) => map,
            other => panic!("the capture took {other}, not an object"),
        }
    }
}

impl fmt::Debug for Capture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Capture")
            .field("pattern", &self.pattern)
            .field("values", &self.values())
            .finish()
    }
}

impl Serialize for Capture {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut marker = json!({ KEY: "capture", "id": self.id });
        if let Some(pattern) = &self.pattern {
            marker["pattern"] = pattern.clone();
        }
        marker.serialize(serializer)
    }
}

impl From<Capture> for Json {
    fn from(capture: Capture) -> Json {
        json!(capture)
    }
}

/// Where a value differs from the pattern: a JSON pointer-like path and what was wrong.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Mismatch {
    pub path: String,
    pub message: String,
}

/// The outcome of matching one value: every difference, and what captures would take.
#[derive(Debug, Default)]
pub(super) struct Outcome {
    pub mismatches: Vec<Mismatch>,
    captured: Vec<(u64, Json)>,
}

impl Outcome {
    pub fn matched(&self) -> bool {
        self.mismatches.is_empty()
    }

    /// Hands the captured values to their captures, when the whole value matched.
    pub fn commit(self) {
        if !self.matched() {
            return;
        }
        let Ok(captures) = registry().lock() else {
            return;
        };
        for (id, value) in self.captured {
            if let Some(values) = captures.get(&id).and_then(Weak::upgrade)
                && let Ok(mut values) = values.lock()
            {
                values.push(value);
            }
        }
    }

    fn fail(&mut self, path: &str, message: String) {
        self.mismatches.push(Mismatch {
            path: if path.is_empty() {
                "/".into()
            } else {
                path.into()
            },
            message,
        });
    }
}

/// Matches a value (`None`: absent) against a pattern. `partial`: objects may have keys the
/// pattern does not name.
pub(super) fn matches(pattern: &Json, actual: Option<&Json>, partial: bool) -> Outcome {
    let mut outcome = Outcome::default();
    walk(pattern, actual, partial, "", &mut outcome);
    outcome
}

fn walk(pattern: &Json, actual: Option<&Json>, partial: bool, path: &str, out: &mut Outcome) {
    if let Some(kind) = pattern.get(KEY).and_then(Json::as_str) {
        return matcher(kind, pattern, actual, partial, path, out);
    }
    let Some(actual) = actual else {
        return out.fail(path, format!("missing; expected {}", shown(pattern)));
    };
    match (pattern, actual) {
        (Json::Object(wanted), Json::Object(found)) => {
            for (key, inner) in wanted {
                walk(
                    inner,
                    found.get(key),
                    partial,
                    &format!("{path}/{key}"),
                    out,
                );
            }
            if !partial {
                for key in found.keys().filter(|k| !wanted.contains_key(*k)) {
                    out.fail(
                        &format!("{path}/{key}"),
                        format!("unexpected key (found {})", shown(&found[key])),
                    );
                }
            }
        }
        (Json::Array(wanted), Json::Array(found)) => {
            if wanted.len() != found.len() {
                return out.fail(
                    path,
                    format!(
                        "expected a list of {} items, found {} items: {}",
                        wanted.len(),
                        found.len(),
                        shown(actual)
                    ),
                );
            }
            for (i, (inner, item)) in wanted.iter().zip(found).enumerate() {
                walk(inner, Some(item), partial, &format!("{path}/{i}"), out);
            }
        }
        (Json::Number(a), Json::Number(b)) if a.as_f64() == b.as_f64() => {}
        _ if pattern == actual => {}
        _ => out.fail(
            path,
            format!("expected {}, found {}", shown(pattern), shown(actual)),
        ),
    }
}

fn matcher(
    kind: &str,
    marker: &Json,
    actual: Option<&Json>,
    partial: bool,
    path: &str,
    out: &mut Outcome,
) {
    let inner = marker.get("pattern").unwrap_or(&Json::Null);
    match kind {
        "absent" => {
            if let Some(found) = actual {
                out.fail(path, format!("expected absent, found {}", shown(found)));
            }
        }
        "anyValue" => match actual {
            None => out.fail(path, "missing; expected any value".into()),
            Some(Json::Null) => out.fail(path, "expected any value, found null".into()),
            Some(_) => {}
        },
        "objectLike" => walk(inner, actual, true, path, out),
        "objectEquals" | "exact" => walk(inner, actual, false, path, out),
        "not" => {
            let outcome = matches(inner, actual, partial);
            if outcome.matched() {
                let found = actual.map(shown).unwrap_or_else(|| "nothing".into());
                out.fail(
                    path,
                    format!("expected anything but {}, found {found}", shown(inner)),
                );
            }
        }
        "arrayWith" => array_with(inner, actual, partial, path, out),
        "stringLikeRegexp" => {
            let regex = inner.as_str().unwrap_or_default();
            match (regex_lite::Regex::new(regex), actual) {
                (Err(e), _) => out.fail(path, format!("bad regular expression {regex:?}: {e}")),
                (Ok(re), Some(Json::String(s))) if re.is_match(s) => {}
                (Ok(_), found) => out.fail(
                    path,
                    format!(
                        "expected a string matching /{regex}/, found {}",
                        found.map(shown).unwrap_or_else(|| "nothing".into())
                    ),
                ),
            }
        }
        "capture" => {
            let wanted = marker
                .get("pattern")
                .cloned()
                .unwrap_or_else(Match::any_value);
            let mut inner = Outcome::default();
            walk(&wanted, actual, partial, path, &mut inner);
            if !inner.matched() {
                out.mismatches.extend(inner.mismatches);
                return;
            }
            out.captured.extend(inner.captured);
            if let (Some(id), Some(value)) = (marker.get("id").and_then(Json::as_u64), actual) {
                out.captured.push((id, value.clone()));
            }
        }
        other => out.fail(path, format!("unknown matcher {other:?} in the pattern")),
    }
}

/// The pattern's items found in order in the list, with anything between.
fn array_with(wanted: &Json, actual: Option<&Json>, partial: bool, path: &str, out: &mut Outcome) {
    let Some(wanted) = wanted.as_array() else {
        return out.fail(path, "Match::array_with takes a list".into());
    };
    let Some(Json::Array(found)) = actual else {
        let found = actual.map(shown).unwrap_or_else(|| "nothing".into());
        return out.fail(path, format!("expected a list, found {found}"));
    };
    let mut next = 0;
    for (i, item) in wanted.iter().enumerate() {
        let hit = found[next..].iter().position(|candidate| {
            let outcome = matches(item, Some(candidate), partial);
            let hit = outcome.matched();
            if hit {
                out.captured.extend(outcome.captured);
            }
            hit
        });
        match hit {
            Some(at) => next += at + 1,
            None => {
                return out.fail(
                    path,
                    format!(
                        "no item (after the ones matched before it) matches item {i} of the pattern, {}; the list is {}",
                        shown(item),
                        shown(&Json::Array(found.clone()))
                    ),
                );
            }
        }
    }
}

/// A value on one line, with matchers written as calls.
pub(super) fn shown(value: &Json) -> String {
    if let Some(kind) = value.get(KEY).and_then(Json::as_str) {
        let inner = value.get("pattern").map(shown).unwrap_or_default();
        return match kind {
            "capture" => format!("Capture({inner})"),
            _ => format!("Match::{kind}({inner})"),
        };
    }
    match value {
        Json::Object(map) => {
            let items: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{}: {}", Json::from(k.as_str()), shown(v)))
                .collect();
            format!("{{{}}}", items.join(", "))
        }
        Json::Array(items) => {
            let items: Vec<String> = items.iter().map(shown).collect();
            format!("[{}]", items.join(", "))
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first(pattern: Json, actual: Json) -> Option<Mismatch> {
        matches(&pattern, Some(&actual), true)
            .mismatches
            .into_iter()
            .next()
    }

    #[test]
    fn objects_match_deep_and_partially_and_lists_item_by_item() {
        let actual = json!({"A": {"B": 1, "C": 2}, "L": [{"K": "x", "V": 1}], "N": 1.0});
        assert_eq!(
            first(
                json!({"A": {"B": 1}, "L": [{"K": "x"}], "N": 1}),
                actual.clone()
            ),
            None
        );
        assert_eq!(
            first(json!({"A": {"B": 2}}), actual.clone()),
            Some(Mismatch {
                path: "/A/B".into(),
                message: "expected 2, found 1".into()
            })
        );
        let short = first(json!({"L": []}), actual.clone()).unwrap();
        assert!(
            short
                .message
                .starts_with("expected a list of 0 items, found 1"),
            "{short:?}"
        );
        let missing = first(json!({"Z": 1}), actual.clone()).unwrap();
        assert_eq!(missing.path, "/Z");
        let exact = first(Match::exact(json!({"A": {"B": 1}})), actual.clone()).unwrap();
        assert_eq!(exact.path, "/A/C");
        assert_eq!(first(Match::object_equals(actual.clone()), actual), None);
    }

    #[test]
    fn matchers_do_what_they_say() {
        let actual = json!({"S": "bandup-redis", "L": [1, 2, 3, {"K": "v", "X": 0}], "Nil": null});
        for pattern in [
            json!({"Q": Match::absent()}),
            json!({"S": Match::any_value()}),
            json!({"S": Match::string_like_regexp("^bandup-")}),
            json!({"L": Match::array_with(json!([1, 3]))}),
            json!({"L": Match::array_with(json!([{"K": "v"}]))}),
            json!({"S": Match::not(json!("other"))}),
            json!({"Q": Match::not(Match::any_value())}),
        ] {
            assert_eq!(first(pattern.clone(), actual.clone()), None, "{pattern}");
        }
        for (pattern, path, words) in [
            (json!({"S": Match::absent()}), "/S", "expected absent"),
            (json!({"Nil": Match::any_value()}), "/Nil", "found null"),
            (
                json!({"S": Match::string_like_regexp("^redis")}),
                "/S",
                "matching /^redis/",
            ),
            (
                json!({"L": Match::array_with(json!([3, 1]))}),
                "/L",
                "item 1 of the pattern",
            ),
            (
                json!({"S": Match::not(Match::any_value())}),
                "/S",
                "anything but",
            ),
            (
                json!({"S": Match::string_like_regexp("(")}),
                "/S",
                "bad regular expression",
            ),
        ] {
            let mismatch = first(pattern.clone(), actual.clone()).expect("a mismatch");
            assert_eq!(mismatch.path, path, "{pattern}");
            assert!(
                mismatch.message.contains(words),
                "{pattern}: {}",
                mismatch.message
            );
        }
    }

    #[test]
    fn captures_take_values_only_from_full_matches() {
        let capture = Capture::new();
        let pattern = json!({"A": capture, "B": 2});
        matches(&pattern, Some(&json!({"A": "no", "B": 3})), true).commit();
        assert!(capture.values().is_empty());
        matches(&pattern, Some(&json!({"A": "yes", "B": 2})), true).commit();
        assert_eq!(capture.as_string(), "yes");

        let numbers = Capture::matching(json!({"N": Match::any_value()}));
        let outcome = matches(
            &json!({"L": Match::array_with(json!([numbers]))}),
            Some(&json!({"L": ["x", {"N": 4}]})),
            true,
        );
        assert!(outcome.matched(), "{:?}", outcome.mismatches);
        outcome.commit();
        assert_eq!(numbers.as_object()["N"], json!(4));
    }

    #[test]
    fn patterns_are_shown_with_their_matchers() {
        assert_eq!(
            shown(&json!({"A": Match::absent(), "R": Match::string_like_regexp("^x")})),
            r#"{"A": Match::absent(), "R": Match::stringLikeRegexp("^x")}"#
        );
    }
}
