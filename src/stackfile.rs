//! Stack files (`stacks/*.yaml`): the typed spec a user writes, read with line and column for
//! every error, and its JSON Schema (generated from these types with `schemars`).

use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer};
use serde_saphyr::Spanned;

use crate::constructs::{
    AccessControl, CacheProps, Encryption, Engine, LookupKind, NetworkRef, NetworkType,
};
use crate::diagnostic::{Diagnostic, Location, Position};
use crate::rules::Rule;

/// A cfnforge stack file: one CloudFormation stack.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "cfnforge stack file")]
pub struct StackSpec {
    /// CloudFormation stack name: a letter, then letters, digits and hyphens; at most 128.
    #[schemars(with = "String")]
    pub stack: Spanned<String>,
    /// AWS region the stack is deployed to, such as ap-southeast-1 (deploy's --region overrides it).
    #[serde(default, deserialize_with = "given::value")]
    #[schemars(with = "Option<String>")]
    pub region: Option<Spanned<String>>,
    /// The template's description (at most 1,024 bytes).
    #[serde(default, deserialize_with = "given::value")]
    #[schemars(with = "Option<String>")]
    pub description: Option<Spanned<String>>,
    /// Tags on the stack and on every resource that takes tags: at most 50; keys of 1-128
    /// characters, not starting with `aws:`; values of 0-256 characters; no control characters.
    #[serde(default)]
    #[schemars(with = "IndexMap<String, String>")]
    pub tags: IndexMap<Spanned<String>, Spanned<String>>,
    /// The existing network the stack's resources live in.
    pub network: NetworkSpec,
    /// The cache (use `caches` for several).
    #[serde(default, deserialize_with = "given::value")]
    pub cache: Option<CacheSpec>,
    /// Several caches in one stack (instead of `cache`).
    #[serde(default)]
    pub caches: Vec<CacheSpec>,
    /// Turn on the stack's termination protection when deploying (default false).
    #[serde(default, deserialize_with = "given::flag")]
    pub termination_protection: bool,
    /// Rules of `cfnforge check` that do not apply here, each with the reason why.
    #[serde(default)]
    pub suppressions: Vec<SuppressionSpec>,
    /// Environments of this one file (`--env NAME` picks one): each gives its own stack name
    /// and the keys it changes (names and sizes); what it leaves out is the file's.
    #[serde(default)]
    #[schemars(with = "IndexMap<String, EnvironmentSpec>")]
    pub environments: IndexMap<Spanned<String>, EnvironmentSpec>,
}

/// What one environment changes: its stack name (required, so that environments never deploy
/// over each other), region, tags (added to the file's), and the cache's names and sizes.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EnvironmentSpec {
    /// This environment's CloudFormation stack name.
    #[schemars(with = "String")]
    pub stack: Spanned<String>,
    /// Its region (default: the file's).
    #[serde(default, deserialize_with = "given::value")]
    #[schemars(with = "Option<String>")]
    pub region: Option<Spanned<String>>,
    /// Tags added to the file's (a key given in both takes this value).
    #[serde(default)]
    #[schemars(with = "IndexMap<String, String>")]
    pub tags: IndexMap<Spanned<String>, Spanned<String>>,
    /// The cache's keys that differ (with `cache`, not `caches`).
    #[serde(default, deserialize_with = "given::value")]
    pub cache: Option<CacheEnvironmentSpec>,
}

/// The cache keys an environment may change.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CacheEnvironmentSpec {
    /// The cache's ID (and ReplicationGroupId unless `fixed_id` is false).
    #[serde(default, deserialize_with = "given::value")]
    #[schemars(with = "Option<String>")]
    pub id: Option<Spanned<String>>,
    /// ReplicationGroupDescription.
    #[serde(default, deserialize_with = "given::value")]
    #[schemars(with = "Option<String>")]
    pub description: Option<Spanned<String>>,
    /// Node type.
    #[serde(default, deserialize_with = "given::value")]
    #[schemars(with = "Option<String>")]
    pub node_type: Option<Spanned<String>>,
    /// Read replicas beside the primary, 0-5.
    #[serde(default, deserialize_with = "given::plain")]
    #[schemars(with = "Option<u8>", range(max = 5))]
    pub replicas: Option<Spanned<u8>>,
    /// Days automatic backups are kept, 0-35.
    #[serde(default, deserialize_with = "given::plain")]
    #[schemars(with = "Option<u8>", range(max = 35))]
    pub backup_retention_days: Option<Spanned<u8>>,
    /// The security group's name.
    #[serde(default, deserialize_with = "given::value")]
    pub security_group: Option<SubnetGroupSpec>,
    /// The subnet group's name.
    #[serde(default, deserialize_with = "given::value")]
    pub subnet_group: Option<SubnetGroupSpec>,
}

/// A rule switched off for one resource or the whole stack, with a reason a reviewer can judge.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SuppressionSpec {
    /// The rule's ID (`cfnforge check` lists them).
    #[schemars(with = "String")]
    pub rule: Spanned<String>,
    /// The logical ID of the resource it applies to (as in the template); none: the whole stack.
    #[serde(default, deserialize_with = "given::value")]
    #[schemars(with = "Option<String>")]
    pub resource: Option<Spanned<String>>,
    /// Why the rule does not apply; must not be empty.
    #[schemars(with = "String")]
    pub reason: Spanned<String>,
}

/// The existing network: VPC and subnets.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NetworkSpec {
    /// The VPC: its Name tag, its ID (vpc-...), or {import: EXPORT_NAME}.
    #[schemars(with = "RefSpec")]
    pub vpc: Spanned<RefSpec>,
    /// The subnets, each in one of the same three forms.
    #[schemars(with = "Vec<RefSpec>")]
    pub subnets: Spanned<Vec<RefSpec>>,
}

/// A cache: a Valkey or Redis OSS replication group, cluster mode disabled.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CacheSpec {
    /// The cache's ID, which starts its resources' logical IDs (`orders-cache`:
    /// OrdersCache...), and its ReplicationGroupId unless `fixed_id` is false: 1-40 letters,
    /// digits and hyphens, starting with a letter.
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    /// Name the replication group `id` (default true). A fixed name means CloudFormation cannot
    /// replace the group (CF-DATA-002): false lets CloudFormation name it. Changing this on a
    /// deployed stack replaces the group.
    #[serde(default, deserialize_with = "given::plain")]
    #[schemars(with = "Option<bool>")]
    pub fixed_id: Option<Spanned<bool>>,
    /// ReplicationGroupDescription.
    #[serde(default, deserialize_with = "given::value")]
    #[schemars(with = "Option<String>")]
    pub description: Option<Spanned<String>>,
    /// valkey (default) or redis.
    #[serde(default, deserialize_with = "given::value")]
    #[schemars(with = "Option<EngineSpec>")]
    pub engine: Option<Spanned<EngineSpec>>,
    /// Engine version, such as "8.0" (default: 8.0 for valkey, 7.1 for redis).
    #[serde(default, deserialize_with = "given::value")]
    #[schemars(with = "Option<String>")]
    pub version: Option<Spanned<String>>,
    /// Node type (default cache.t3.micro).
    #[serde(default, deserialize_with = "given::value")]
    #[schemars(with = "Option<String>")]
    pub node_type: Option<Spanned<String>>,
    /// Read replicas beside the primary, 0-5 (default 0).
    #[serde(default, deserialize_with = "given::plain")]
    #[schemars(with = "Option<u8>", range(max = 5))]
    pub replicas: Option<Spanned<u8>>,
    /// Port (default 6379).
    #[serde(default, deserialize_with = "given::plain")]
    #[schemars(with = "Option<u16>", range(min = 1))]
    pub port: Option<Spanned<u16>>,
    /// ipv4 (default), ipv6 or dual_stack.
    #[serde(default, deserialize_with = "given::value")]
    #[schemars(with = "Option<NetworkTypeSpec>")]
    pub network_type: Option<Spanned<NetworkTypeSpec>>,
    /// Encryption at rest and in transit (both default to true).
    #[serde(default, deserialize_with = "given::value")]
    #[schemars(with = "Option<EncryptionSpec>")]
    pub encryption: Option<Spanned<EncryptionSpec>>,
    /// Days automatic backups are kept, 0-35 (default 1).
    #[serde(default, deserialize_with = "given::plain")]
    #[schemars(with = "Option<u8>", range(max = 35))]
    pub backup_retention_days: Option<Spanned<u8>>,
    /// The cache's security group.
    pub security_group: SecurityGroupSpec,
    /// The cache subnet group.
    #[serde(default, deserialize_with = "given::value")]
    pub subnet_group: Option<SubnetGroupSpec>,
    /// Stack outputs for the endpoints (default true).
    #[serde(default = "yes", deserialize_with = "given::flag")]
    pub outputs: bool,
    /// Who may connect (default: anyone the security group lets in).
    #[serde(default, deserialize_with = "given::value")]
    #[schemars(with = "Option<AccessControlSpec>")]
    pub access_control: Option<Spanned<AccessControlSpec>>,
}

/// Authentication for the cache: an RBAC user group, or an AUTH token in Secrets Manager.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub enum AccessControlSpec {
    /// An existing ElastiCache user group ID (RBAC).
    UserGroup(String),
    /// A Secrets Manager secret holding the AUTH token, read at deploy time.
    AuthTokenSecret {
        /// The secret's name or ARN.
        secret: String,
        /// The JSON key of the token in the secret (default `token`).
        #[serde(default = "token_key")]
        key: String,
    },
}

fn token_key() -> String {
    "token".to_string()
}

#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum EngineSpec {
    Valkey,
    Redis,
}

#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum NetworkTypeSpec {
    Ipv4,
    Ipv6,
    DualStack,
}

#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EncryptionSpec {
    #[serde(default = "yes", deserialize_with = "given::flag")]
    pub at_rest: bool,
    #[serde(default = "yes", deserialize_with = "given::flag")]
    pub in_transit: bool,
}

fn yes() -> bool {
    true
}

/// What a key given in a stack file must hold, as the editor schema says: a value (`port:` with
/// nothing after it is an error, not the default; leaving the key out gives the default), and a
/// number or boolean as YAML writes one, not quoted text (`port: "6379"`).
mod given {
    use serde::de::{self, Deserialize, Deserializer, Error};
    use serde_saphyr::Spanned;

    pub(super) const NO_VALUE: &str = "no value; give one, or leave the key out for its default";

    /// An optional key, which when given has a value.
    pub fn value<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
    where
        D: Deserializer<'de>,
        T: Deserialize<'de>,
    {
        Option::<T>::deserialize(deserializer)?
            .map(Some)
            .ok_or_else(|| D::Error::custom(NO_VALUE))
    }

    /// An optional number or boolean, which when given is a plain YAML scalar.
    pub fn plain<'de, D, T>(deserializer: D) -> Result<Option<Spanned<T>>, D::Error>
    where
        D: Deserializer<'de>,
        Plain<T>: Deserialize<'de>,
    {
        Ok(value::<D, Spanned<Plain<T>>>(deserializer)?
            .map(|s| Spanned::new(s.value.0, s.referenced, s.defined)))
    }

    /// A boolean with a default, which when given is `true` or `false` unquoted.
    pub fn flag<'de, D: Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
        Ok(Plain::<bool>::deserialize(deserializer)?.0)
    }

    /// A number or boolean read from what YAML makes of the scalar, so that quoted text is
    /// refused with the value's own words.
    pub struct Plain<T>(pub T);

    struct PlainVisitor<T>(std::marker::PhantomData<T>);

    impl<'de> Deserialize<'de> for Plain<bool> {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserializer.deserialize_any(PlainVisitor::<bool>(std::marker::PhantomData))
        }
    }

    impl<'de> de::Visitor<'de> for PlainVisitor<bool> {
        type Value = Plain<bool>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("true or false")
        }
        fn visit_bool<E: Error>(self, v: bool) -> Result<Self::Value, E> {
            Ok(Plain(v))
        }
        fn visit_str<E: Error>(self, v: &str) -> Result<Self::Value, E> {
            Err(E::custom(quoted("true or false", v)))
        }
        fn visit_unit<E: Error>(self) -> Result<Self::Value, E> {
            Err(E::custom(NO_VALUE))
        }
        fn visit_none<E: Error>(self) -> Result<Self::Value, E> {
            Err(E::custom(NO_VALUE))
        }
    }

    fn quoted(expected: &str, text: &str) -> String {
        let plain = text.trim();
        if plain.parse::<i64>().is_ok()
            || ["true", "false"].contains(&plain.to_ascii_lowercase().as_str())
        {
            format!("expected {expected}, found the text \"{text}\"; write it without quotes")
        } else {
            format!("expected {expected}, found \"{text}\"")
        }
    }

    macro_rules! plain_whole_number {
        ($($t:ty),*) => {$(
            impl<'de> Deserialize<'de> for Plain<$t> {
                fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    deserializer.deserialize_any(PlainVisitor::<$t>(std::marker::PhantomData))
                }
            }

            impl<'de> de::Visitor<'de> for PlainVisitor<$t> {
                type Value = Plain<$t>;
                fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                    write!(f, "a whole number from 0 to {}", <$t>::MAX)
                }
                fn visit_u64<E: Error>(self, v: u64) -> Result<Self::Value, E> {
                    // The type's limit is the key's only for a port; the others have their own
                    // (replicas 0-5), which the checks after reading name.
                    <$t>::try_from(v).map(Plain).map_err(|_| {
                        E::custom(if u64::from(<$t>::MAX) > 255 {
                            format!("{v} is too large: at most {}", <$t>::MAX)
                        } else {
                            format!("{v} is out of range")
                        })
                    })
                }
                fn visit_i64<E: Error>(self, v: i64) -> Result<Self::Value, E> {
                    <$t>::try_from(v).map(Plain).map_err(|_| {
                        E::custom(format!("{v} is out of range: 0 to {}", <$t>::MAX))
                    })
                }
                fn visit_f64<E: Error>(self, v: f64) -> Result<Self::Value, E> {
                    Err(E::custom(format!("expected a whole number, found {v:?}")))
                }
                fn visit_bool<E: Error>(self, v: bool) -> Result<Self::Value, E> {
                    Err(E::custom(format!("expected a whole number, found {v}")))
                }
                fn visit_str<E: Error>(self, v: &str) -> Result<Self::Value, E> {
                    Err(E::custom(quoted("a whole number", v)))
                }
                fn visit_unit<E: Error>(self) -> Result<Self::Value, E> {
                    Err(E::custom(NO_VALUE))
                }
                fn visit_none<E: Error>(self) -> Result<Self::Value, E> {
                    Err(E::custom(NO_VALUE))
                }
            }
        )*};
    }
    plain_whole_number!(u8, u16);
}

/// The cache's security group.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SecurityGroupSpec {
    /// GroupName (default: chosen by CloudFormation).
    #[serde(default, deserialize_with = "given::value")]
    #[schemars(with = "Option<String>")]
    pub name: Option<Spanned<String>>,
    /// GroupDescription (default "Valkey cache <id>", whatever the engine). CloudFormation
    /// replaces the group when it changes: set it to keep the description a group was
    /// deployed with.
    #[serde(default, deserialize_with = "given::value")]
    #[schemars(with = "Option<String>")]
    pub description: Option<Spanned<String>>,
    /// Security groups allowed in on the port: group name, sg-... ID, or {import: ...}.
    #[schemars(with = "Vec<RefSpec>")]
    pub allow_from: Spanned<Vec<RefSpec>>,
}

/// The cache subnet group.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SubnetGroupSpec {
    /// CacheSubnetGroupName (default: chosen by CloudFormation).
    #[serde(default, deserialize_with = "given::value")]
    #[schemars(with = "Option<String>")]
    pub name: Option<Spanned<String>>,
}

/// A reference to an existing resource: a name, an ID, or `{import: EXPORT_NAME}`.
#[derive(Debug, Clone, PartialEq, JsonSchema)]
#[serde(untagged)]
pub enum RefSpec {
    /// A Name tag (or group name), or an ID such as vpc-0abc..., subnet-..., sg-....
    Text(String),
    /// An export of another stack.
    Import {
        /// The export's name.
        import: String,
    },
}

impl<'de> Deserialize<'de> for RefSpec {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct RefVisitor;
        impl<'de> serde::de::Visitor<'de> for RefVisitor {
            type Value = RefSpec;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a name, an ID, or {import: EXPORT_NAME}")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<RefSpec, E> {
                Ok(RefSpec::Text(v.to_string()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<RefSpec, A::Error> {
                let mut import = None;
                while let Some(key) = map.next_key::<String>()? {
                    if key != "import" || import.is_some() {
                        return Err(serde::de::Error::unknown_field(&key, &["import"]));
                    }
                    import = Some(map.next_value::<String>()?);
                }
                import
                    .map(|import| RefSpec::Import { import })
                    .ok_or_else(|| serde::de::Error::missing_field("import"))
            }
        }
        deserializer.deserialize_any(RefVisitor)
    }
}

impl RefSpec {
    fn to_ref(&self, kind: LookupKind) -> NetworkRef {
        match self {
            RefSpec::Text(text) => NetworkRef::parse(text, kind),
            RefSpec::Import { import } => NetworkRef::Import(import.clone()),
        }
    }
}

impl<T> From<&Spanned<T>> for Position {
    fn from(spanned: &Spanned<T>) -> Self {
        Position {
            line: spanned.referenced.line(),
            column: spanned.referenced.column(),
        }
    }
}

/// Why a stack file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum StackFileError {
    #[error("{path}: cannot read: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Errors (and the warnings beside them), each at a [`Location::StackFile`].
    #[error("{path}: invalid stack file")]
    Invalid {
        path: PathBuf,
        diagnostics: Vec<Diagnostic>,
    },
}

/// A stack file that was read and parsed.
#[derive(Debug)]
pub struct StackFile {
    pub path: PathBuf,
    pub spec: StackSpec,
}

impl StackFile {
    /// The file name without its extension.
    pub fn stem(&self) -> String {
        file_stem(&self.path)
    }
}

pub fn file_stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The stack files in a folder (`*.yaml`, `*.yml`), sorted by name.
pub fn discover(dir: &Path) -> Result<Vec<PathBuf>, StackFileError> {
    let read = |source| StackFileError::Read {
        path: dir.to_path_buf(),
        source,
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(read)?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
        .collect();
    files.sort();
    Ok(files)
}

/// Files that name the same stack: `synth --out` and `check --format json` would keep only
/// one of them, and deploy would push each over the other. One error per such file, at its
/// `stack:` key, naming the other files and lines.
pub fn duplicate_stacks(files: &[StackFile]) -> Vec<StackFileError> {
    let mut errors = Vec::new();
    for (i, file) in files.iter().enumerate() {
        let name = &file.spec.stack.value;
        let others: Vec<String> = files
            .iter()
            .enumerate()
            .filter(|(j, other)| *j != i && other.spec.stack.value == *name)
            .map(|(_, other)| {
                let at = Position::from(&other.spec.stack);
                format!("{}:{}:{}", other.path.display(), at.line, at.column)
            })
            .collect();
        if !others.is_empty() {
            errors.push(StackFileError::Invalid {
                path: file.path.clone(),
                diagnostics: vec![error(
                    Position::from(&file.spec.stack),
                    "stack",
                    format!(
                        "stack \"{name}\" is also defined in {}; each stack file must name a different stack",
                        others.join(", ")
                    ),
                )],
            });
        }
    }
    errors
}

/// Reads and parses one stack file.
pub fn load(path: &Path) -> Result<StackFile, StackFileError> {
    let bytes = std::fs::read(path).map_err(|source| StackFileError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let text = utf8(&bytes).map_err(|diagnostic| StackFileError::Invalid {
        path: path.to_path_buf(),
        diagnostics: vec![*diagnostic],
    })?;
    let spec = parse_all(text).map_err(|diagnostics| StackFileError::Invalid {
        path: path.to_path_buf(),
        diagnostics,
    })?;
    Ok(StackFile {
        path: path.to_path_buf(),
        spec,
    })
}

/// The text of a stack file, or where its first byte that is not UTF-8 is.
fn utf8(bytes: &[u8]) -> Result<&str, Box<Diagnostic>> {
    std::str::from_utf8(bytes).map_err(|err| {
        let valid = &bytes[..err.valid_up_to()];
        // What comes before the bad byte is valid UTF-8 by definition.
        let before = std::str::from_utf8(valid).unwrap_or_default();
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let location = Position {
            line: before.matches('\n').count() as u64 + 1,
            column: before[line_start..].chars().count() as u64 + 1,
        };
        let byte = bytes.get(err.valid_up_to()).copied().unwrap_or_default();
        Box::new(error(
            location,
            "",
            format!("the file is not UTF-8 text (byte 0x{byte:02X} here); save it as UTF-8"),
        ))
    })
}

/// Parses stack file text and reports every error in it, not only the first: after an error
/// at a key, the key is blanked out (spaces keep every line and column where it was) and the
/// text is read again, until it reads or an error cannot be stepped over (malformed YAML, a
/// missing key). When the rest reads, the errors the types do not catch
/// ([`StackSpec::problems`], the cache's props) are added, so that one run shows them all.
pub fn parse_all(text: &str) -> Result<StackSpec, Vec<Diagnostic>> {
    let mut errors: Vec<Diagnostic> = Vec::new();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let mut current = text.to_string();
    // Each round blanks out at least one key, so the rounds are bounded by the keys.
    for _ in 0..=lines.len() {
        match parse(&current) {
            Ok(spec) if errors.is_empty() => return Ok(spec),
            Ok(spec) => {
                errors.extend(spec.problems());
                errors.extend(
                    spec.cache_specs()
                        .into_iter()
                        .flat_map(|(key, cache)| cache.field_problems(&key, &spec.network)),
                );
                break;
            }
            Err(error) => {
                let error = *error;
                // A missing key cannot be stepped over, nor malformed YAML (no key).
                let Location::StackFile { position, key } = &error.location else {
                    errors.push(error);
                    break;
                };
                if let Some(rest) = error.message.strip_prefix("missing field `") {
                    // A key blanked out for an error of its own is not missing as well.
                    let name = rest.split('`').next().unwrap_or_default();
                    let full = if key.is_empty() {
                        name.to_string()
                    } else {
                        format!("{key}.{name}")
                    };
                    let blanked = errors.iter().any(|e| match &e.location {
                        Location::StackFile { key: earlier, .. } => {
                            earlier == &full || earlier.starts_with(&format!("{full}."))
                        }
                        _ => false,
                    });
                    if !blanked {
                        errors.push(error);
                    }
                    break;
                }
                if key.is_empty() {
                    errors.push(error);
                    break;
                }
                let stepped = blank_key(&mut lines, *position, key);
                let repeated = errors.iter().any(|e| e.location == error.location);
                // Blanking a key can leave its parent wrong (`{auth_token_secret: X}` becomes
                // `{}`): an error at the parent on the same line follows from the first.
                // Blanking a mapping's only key leaves the mapping with no value: that follows too.
                let emptied = error.message.starts_with(given::NO_VALUE);
                let follows = errors.iter().any(|e| match &e.location {
                    Location::StackFile {
                        position: earlier,
                        key: child,
                    } => {
                        (earlier.line == position.line || emptied)
                            && child.len() > key.len()
                            && child.starts_with(key.as_str())
                    }
                    _ => false,
                });
                if !repeated && !follows {
                    errors.push(error);
                }
                if !stepped || repeated {
                    break;
                }
                current = lines.join("\n");
            }
        }
    }
    Err(errors)
}

/// Blanks out, with spaces, the entry of the last key of `key` (`cache.port`, `tags.x`,
/// `caches[0].id`) at or before `at`: the key, its value, and the lines below it that belong
/// to it (indented further, or list items). Whether anything was blanked.
fn blank_key(lines: &mut [String], at: Position, key: &str) -> bool {
    let name = key
        .rsplit('.')
        .next()
        .unwrap_or_default()
        .split('[')
        .next()
        .unwrap_or_default();
    if name.is_empty() {
        return false;
    }
    let Some(mut line) = usize::try_from(at.line).ok().and_then(|l| l.checked_sub(1)) else {
        return false;
    };
    let column = usize::try_from(at.column).unwrap_or(1).saturating_sub(1);
    // The key on the error's line at or before its column, else on the nearest line above.
    let start = loop {
        let Some(text) = lines.get(line) else {
            return false;
        };
        let chars: Vec<char> = text.chars().collect();
        let limit = if line + 1 == at.line as usize {
            column.min(chars.len())
        } else {
            chars.len()
        };
        let found = (0..=limit).rev().find(|&i| {
            let rest: String = chars[i..].iter().collect();
            (rest.starts_with(&format!("{name}:")) || rest.starts_with(&format!("\"{name}\":")))
                && (i == 0 || !(chars[i - 1].is_alphanumeric() || chars[i - 1] == '_'))
        });
        if let Some(i) = found {
            break i;
        }
        if line == 0 {
            return false;
        }
        line -= 1;
    };
    let chars: Vec<char> = lines[line].chars().collect();
    let before: String = chars[..start].iter().collect();
    let block = before.trim_start_matches([' ', '-']).trim().is_empty();
    if block {
        lines[line] = chars[..start]
            .iter()
            .chain(std::iter::repeat_n(&' ', chars.len() - start))
            .collect();
        let indent = start;
        for text in lines.iter_mut().skip(line + 1) {
            let content = text.trim_start();
            let own = text.len() - content.len();
            let belongs = content.is_empty()
                || content.starts_with('#')
                || own > indent
                || (own == indent && content.starts_with("- "));
            if !belongs {
                break;
            }
            *text = " ".repeat(text.chars().count());
        }
        return true;
    }
    // In a flow mapping: up to and with the next `,` at the same depth, or up to its `}`.
    let mut depth = 0i32;
    let mut quote: Option<char> = None;
    let mut end = chars.len();
    for (i, &c) in chars.iter().enumerate().skip(start) {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '{' | '[') => depth += 1,
            (None, '}' | ']') if depth == 0 => {
                end = i;
                break;
            }
            (None, '}' | ']') => depth -= 1,
            (None, ',') if depth == 0 => {
                end = i + 1;
                break;
            }
            _ => {}
        }
    }
    lines[line] = chars
        .iter()
        .enumerate()
        .map(|(i, &c)| if (start..end).contains(&i) { ' ' } else { c })
        .collect();
    true
}

/// Parses stack file text; the error (the first) names the line, column and key.
pub fn parse(text: &str) -> Result<StackSpec, Box<Diagnostic>> {
    let mut path = None;
    // YAML 1.2's booleans (`true`, `false`), as editors read the file: `yes` is text there.
    let options = serde_saphyr::options! { strict_booleans: true };
    let parsed =
        serde_saphyr::with_deserializer_from_str_with_options(text, options, |deserializer| {
            serde_path_to_error::deserialize::<_, StackSpec>(deserializer).map_err(|e| {
                path = Some(e.path().to_string());
                e.into_inner()
            })
        });
    parsed.map_err(|reader_error| {
        let location = reader_error
            .location()
            .map(|l| Position {
                line: l.line(),
                column: l.column(),
            })
            .unwrap_or_default();
        // The reader's text is "error: line L column C: message" and then a snippet.
        let rendered = reader_error.to_string();
        let mut lines = rendered.lines();
        let first = lines.next().unwrap_or_default();
        let message = first
            .split_once(": ")
            .and_then(|(_, rest)| rest.split_once(": ").map(|(_, m)| m))
            .unwrap_or(first)
            .to_string();
        let mut snippet: Vec<String> = lines.skip(1).map(str::to_string).collect();
        let mut key = key_path(path.as_deref().unwrap_or(""));
        let mut message = message;
        // The reader names the key but not where it was first given, and serde's path stops
        // at the map (`?`): name the key, and both lines.
        if let Some(rest) = message.strip_prefix("duplicate mapping key: ") {
            let name = rest.split(',').next().unwrap_or(rest).trim().to_string();
            key = match key.strip_suffix('?') {
                Some(parent) => format!("{parent}{name}"),
                None if key.is_empty() => name.clone(),
                None => format!("{key}.{name}"),
            };
            message = match first_given(text, &name, location) {
                Some(first) => format!(
                    "`{name}` is given twice: first on line {first}, again on line {}; keep one",
                    location.line
                ),
                None => format!("`{name}` is given twice; keep one"),
            };
            // The snippet's marker repeats the library's advice (a parser option): say it
            // in the file's terms.
            for line in &mut snippet {
                if let Some(at) = line.find("duplicate mapping key") {
                    line.truncate(at);
                    line.push_str(&format!("`{name}` given again here"));
                }
            }
        }
        // A key with nothing after it: the reader's words are for programmers, and for a
        // mapping or a list it reports the colon where the value should start.
        let nothing_after = text
            .lines()
            .nth(
                usize::try_from(location.line)
                    .unwrap_or(0)
                    .saturating_sub(1),
            )
            .and_then(|line| {
                let column = usize::try_from(location.column).ok()?.checked_sub(1)?;
                let rest = line.get(line.char_indices().nth(column)?.0..)?;
                let rest = rest.strip_prefix(':')?.trim_start();
                Some(rest.is_empty() || rest.starts_with('#'))
            })
            .unwrap_or(false);
        let empty = if nothing_after {
            ["expected mapping start", "expected sequence start"]
                .into_iter()
                .find(|said| message.starts_with(said))
        } else {
            None
        };
        for (said, meant) in [
            (
                "cannot deserialize null into string; use Option<String>",
                "no value",
            ),
            ("invalid type: unit value", "no value"),
        ]
        .into_iter()
        .chain(empty.map(|said| (said, "no value")))
        {
            if message.starts_with(said) {
                message = message.replacen(said, meant, 1);
                for line in &mut snippet {
                    *line = line.replacen(said, meant, 1);
                }
            }
        }
        if let Some(rest) = message.strip_prefix("unknown field `") {
            message = with_suggestion(rest).unwrap_or(message);
        } else if !message.starts_with('`')
            && !message.starts_with("missing field")
            && let Some(shape) = written_here(text, location)
                .as_deref()
                .and_then(shape_of)
                .or_else(|| shape_of(last_key(&key)))
        {
            message = format!("{message}; write it as {shape}");
        }
        Box::new(Diagnostic {
            snippet: (!snippet.is_empty()).then(|| snippet.join("\n")),
            ..error(location, &key, message)
        })
    })
}

/// `unknown field `NAME`, expected one of `a`, `b``, given the text after `unknown field ``,
/// with the closest known key suggested: `unknown field `replica` (did you mean `replicas`?),
/// expected ...`. `None` when no key is close.
fn with_suggestion(rest: &str) -> Option<String> {
    let (name, tail) = rest.split_once('`')?;
    // `, expected one of a, b, c` (the reader's words) or `, expected `import``.
    let list = tail.split_once("expected").map_or("", |(_, list)| list);
    let list = list.trim_start().strip_prefix("one of").unwrap_or(list);
    let known: Vec<&str> = list
        .split(',')
        .map(|k| k.trim().trim_matches('`'))
        .filter(|k| !k.is_empty())
        .collect();
    let close = crate::checks::suggest::close_names(name, known.iter().copied());
    let best = close.first()?;
    Some(format!(
        "unknown field `{name}` (did you mean `{best}`?){tail}"
    ))
}

/// The last key of a dotted path, without an index: `subnets` for `network.subnets[1]`.
fn last_key(path: &str) -> &str {
    let last = path.rsplit('.').next().unwrap_or_default();
    last.split('[').next().unwrap_or_default()
}

/// The key written on the line of `at`, nearest before its column (`auth_token_secret` in
/// `access_control: {auth_token_secret: NAME}` with the column at `NAME`).
fn written_here(text: &str, at: Position) -> Option<String> {
    let line = text
        .lines()
        .nth(usize::try_from(at.line).ok()?.checked_sub(1)?)?;
    let column = usize::try_from(at.column).ok()?.saturating_sub(1);
    let before: String = line.chars().take(column).collect();
    let colon = before.trim_end().strip_suffix(':').map(str::len)?;
    let key: String = before[..colon]
        .chars()
        .rev()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    (!key.is_empty()).then_some(key)
}

/// The shape a key of a stack file takes, for errors that give it a value of another shape.
fn shape_of(key: &str) -> Option<&'static str> {
    Some(match key {
        "network" => "`network: {vpc: NAME, subnets: [NAME, ...]}`",
        "cache" => "`cache: {id: ID, security_group: {allow_from: [GROUP]}, ...}`",
        "caches" => "`caches: [{id: ID, security_group: {allow_from: [GROUP]}, ...}, ...]`",
        "security_group" => "`security_group: {allow_from: [GROUP, ...], name: NAME}`",
        "subnet_group" => "`subnet_group: {name: NAME}`",
        "encryption" => "`encryption: {at_rest: true, in_transit: true}`",
        "access_control" => {
            "`access_control: {user_group: GROUP_ID}` or `access_control: {auth_token_secret: {secret: NAME, key: token}}`"
        }
        "auth_token_secret" => {
            "`auth_token_secret: {secret: NAME, key: token}` (`key` defaults to token)"
        }
        "tags" => "`tags: {KEY: VALUE, ...}`",
        "subnets" => "`subnets: [NAME, ...]` (names, subnet-... IDs or {import: EXPORT_NAME})",
        "allow_from" => "`allow_from: [GROUP, ...]` (names, sg-... IDs or {import: EXPORT_NAME})",
        "vpc" => "`vpc: NAME`, `vpc: vpc-...` or `vpc: {import: EXPORT_NAME}`",
        "suppressions" => "`suppressions: [{rule: ID, resource: LOGICAL_ID, reason: WHY}, ...]`",
        _ => return None,
    })
}

/// The line where `key` was first given in the map that gives it again at `again`: the
/// nearest earlier line with the key at the same column, before the map's start (a line
/// indented less). A flow map on one line (`{a: 1, a: 2}`) is that same line.
fn first_given(text: &str, key: &str, again: Position) -> Option<u64> {
    let column = usize::try_from(again.column).ok()?.checked_sub(1)?;
    let lines: Vec<&str> = text.lines().collect();
    let index = usize::try_from(again.line).ok()?.checked_sub(1)?;
    let here = lines.get(index)?;
    let before_here: String = here.chars().take(column).collect();
    if before_here.contains(&format!("{key}:")) {
        return Some(again.line);
    }
    for (i, line) in lines[..index].iter().enumerate().rev() {
        let indent = line.chars().take_while(|c| *c == ' ').count();
        let content = line.trim_start();
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        let at_column: String = line.chars().skip(column).collect();
        if at_column.starts_with(&format!("{key}:"))
            || at_column.starts_with(&format!("\"{key}\":"))
        {
            return Some(i as u64 + 1);
        }
        if indent < column && !content.starts_with("- ") {
            return None;
        }
    }
    None
}

/// serde's path without the `value` steps of `Spanned` and the `.` that stands for the top.
fn key_path(path: &str) -> String {
    path.split('.')
        .filter(|segment| !segment.is_empty() && *segment != "value")
        .collect::<Vec<_>>()
        .join(".")
}

/// The JSON Schema of stack files, for editors: generated from the types, then made to agree
/// with what the tool accepts and refuses ([`refine_schema`]).
pub fn json_schema() -> serde_json::Value {
    let mut schema = serde_json::to_value(schemars::schema_for!(StackSpec)).unwrap_or_default();
    refine_schema(&mut schema);
    schema
}

/// What the generated schema cannot know, so that an editor flags what the tool refuses, names
/// the key, and shows real defaults:
/// - an optional key is its type, not "its type or null" (`anyOf [CacheSpec, null]` makes
///   editors say "not valid under any of the given schemas" instead of naming the key), and
///   its default is the value the tool uses, not `null`;
/// - names follow the rules the tool checks (patterns and lengths);
/// - a version or a tag value may be written as a number (`version: 7.1`), as YAML reads it.
fn refine_schema(schema: &mut serde_json::Value) {
    use serde_json::{Value, json};
    fn walk(value: &mut Value) {
        match value {
            Value::Object(map) => {
                if map.get("default") == Some(&Value::Null) {
                    map.remove("default");
                }
                if let Some(Value::Array(types)) = map.get_mut("type") {
                    types.retain(|t| t != "null");
                    if types.len() == 1 {
                        let only = types.remove(0);
                        map.insert("type".into(), only);
                    }
                }
                if let Some(Value::Array(options)) = map.get("anyOf")
                    && options.len() == 2
                    && options.iter().any(|o| o == &json!({"type": "null"}))
                {
                    let kept = options
                        .iter()
                        .find(|o| *o != &json!({"type": "null"}))
                        .cloned();
                    map.remove("anyOf");
                    if let Some(Value::Object(kept)) = kept {
                        map.extend(kept);
                    }
                }
                map.values_mut().for_each(walk);
            }
            Value::Array(items) => items.iter_mut().for_each(walk),
            _ => {}
        }
    }
    walk(schema);
    let string_or_number = json!(["string", "number"]);
    let control = "^[^\\u0000-\\u001f\\u007f-\\u009f]*$";
    let rule_ids: Vec<&str> = crate::rules::all().iter().map(|r| r.id).collect();
    // (where, key, keywords to set): `where` is `` for the top or a `$defs` name.
    let refinements: Vec<(&str, &str, Value)> = vec![
        (
            "",
            "stack",
            json!({"pattern": "^[A-Za-z][A-Za-z0-9-]*$", "minLength": 1, "maxLength": 128}),
        ),
        (
            "",
            "region",
            json!({"pattern": "^[a-z]+(-[a-z]+)+-[0-9]+$"}),
        ),
        (
            "",
            "description",
            json!({"type": string_or_number, "maxLength": 1024}),
        ),
        (
            "",
            "tags",
            json!({
                "maxProperties": 50,
                "propertyNames": {
                    "minLength": 1, "maxLength": 128, "pattern": control,
                    "not": {"pattern": "^[aA][wW][sS]:"}
                },
                "additionalProperties": {"type": string_or_number, "maxLength": 256, "pattern": control}
            }),
        ),
        ("", "caches", json!({"default": []})),
        ("", "suppressions", json!({"default": []})),
        ("NetworkSpec", "subnets", json!({"minItems": 1})),
        (
            "CacheSpec",
            "id",
            json!({"pattern": "^[A-Za-z](-?[A-Za-z0-9])*$", "maxLength": 40}),
        ),
        ("CacheSpec", "fixed_id", json!({"default": true})),
        (
            "CacheSpec",
            "description",
            json!({"type": string_or_number, "pattern": "\\S"}),
        ),
        ("CacheSpec", "engine", json!({"default": "valkey"})),
        ("CacheSpec", "version", json!({"type": string_or_number})),
        (
            "CacheSpec",
            "node_type",
            json!({"pattern": "^cache\\.[^.]+\\.[^.]+$", "default": "cache.t3.micro"}),
        ),
        ("CacheSpec", "replicas", json!({"default": 0})),
        ("CacheSpec", "port", json!({"default": 6379})),
        ("CacheSpec", "network_type", json!({"default": "ipv4"})),
        ("CacheSpec", "backup_retention_days", json!({"default": 1})),
        (
            "SecurityGroupSpec",
            "name",
            json!({"type": string_or_number, "minLength": 1, "maxLength": 255, "pattern": "^(?!sg-)[ -~]+$"}),
        ),
        (
            "SecurityGroupSpec",
            "description",
            json!({"minLength": 1, "maxLength": 255, "pattern": "^[A-Za-z0-9 ._\\-:/()#,@\\[\\]+=&;{}!$*]+$"}),
        ),
        ("SecurityGroupSpec", "allow_from", json!({"minItems": 1})),
        (
            "SubnetGroupSpec",
            "name",
            json!({
                "type": string_or_number, "minLength": 1, "maxLength": 255,
                "pattern": "^[A-Za-z0-9-]+$", "not": {"pattern": "^[dD][eE][fF][aA][uU][lL][tT]$"}
            }),
        ),
        ("SuppressionSpec", "rule", json!({"enum": rule_ids})),
        (
            "SuppressionSpec",
            "reason",
            json!({"type": string_or_number, "pattern": "\\S"}),
        ),
    ];
    for (at, key, keywords) in refinements {
        let properties = if at.is_empty() {
            schema.get_mut("properties")
        } else {
            schema
                .get_mut("$defs")
                .and_then(|defs| defs.get_mut(at))
                .and_then(|def| def.get_mut("properties"))
        };
        if let (Some(Value::Object(property)), Value::Object(keywords)) =
            (properties.and_then(|p| p.get_mut(key)), keywords)
        {
            property.extend(keywords);
        }
    }
    // `access_control` takes exactly one of its keys: as one object rather than `oneOf` its
    // variants, so that an editor names the key whose value is wrong.
    if let Some(Value::Object(access)) = schema.pointer_mut("/$defs/AccessControlSpec")
        && let Some(Value::Array(variants)) = access.remove("oneOf")
    {
        let mut properties = serde_json::Map::new();
        for variant in variants {
            if let Some(Value::Object(variant_properties)) = variant.get("properties") {
                for (key, mut value) in variant_properties.clone() {
                    if let (Value::Object(value), Some(description)) =
                        (&mut value, variant.get("description"))
                    {
                        value
                            .entry("description")
                            .or_insert_with(|| description.clone());
                    }
                    properties.insert(key, value);
                }
            }
        }
        access.insert("type".into(), json!("object"));
        access.insert("properties".into(), Value::Object(properties));
        access.insert("additionalProperties".into(), json!(false));
        access.insert("minProperties".into(), json!(1));
        access.insert("maxProperties".into(), json!(1));
    }
    // `cache` or a non-empty `caches`, not both.
    if let Value::Object(top) = schema {
        top.insert(
            "anyOf".into(),
            json!([
                {"required": ["cache"], "not": {"required": ["caches"], "properties": {"caches": {"minItems": 1}}}},
                {"required": ["caches"], "properties": {"caches": {"minItems": 1}}, "not": {"required": ["cache"]}}
            ]),
        );
    }
}

impl StackSpec {
    /// The caches, from `cache` or `caches`, with the key each is under.
    pub fn cache_specs(&self) -> Vec<(String, &CacheSpec)> {
        match &self.cache {
            Some(cache) => vec![("cache".to_string(), cache)],
            None => self
                .caches
                .iter()
                .enumerate()
                .map(|(i, c)| (format!("caches[{i}]"), c))
                .collect(),
        }
    }

    /// The stack's tags, in the order given.
    pub fn tags(&self) -> IndexMap<String, String> {
        self.tags
            .iter()
            .map(|(k, v)| (k.value.clone(), v.value.clone()))
            .collect()
    }

    /// The stack as environment `name` has it (`--env NAME`): its stack name, and the keys it
    /// changes put over the file's. A file without that environment is an error naming the
    /// ones it has; the errors of the values it gives come from [`StackSpec::problems`].
    pub fn in_environment(mut self, name: &str) -> Result<StackSpec, Box<Diagnostic>> {
        let Some(index) = self.environments.keys().position(|k| k.value == name) else {
            let known: Vec<&str> = self.environments.keys().map(|k| k.value.as_str()).collect();
            let message = if known.is_empty() {
                format!("no environment `{name}`: this file has no `environments:`")
            } else {
                format!(
                    "no environment `{name}`; this file has {}",
                    known
                        .iter()
                        .map(|k| format!("`{k}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            return Err(Box::new(error(
                Position::from(&self.stack),
                "environments",
                message,
            )));
        };
        let Some((_, env)) = self.environments.swap_remove_index(index) else {
            return Ok(self);
        };
        self.environments.clear();
        self.stack = env.stack;
        if let Some(region) = env.region {
            self.region = Some(region);
        }
        for (key, value) in env.tags {
            self.tags.insert(key, value);
        }
        if let Some(changes) = env.cache {
            let Some(cache) = self.cache.as_mut() else {
                return Err(Box::new(error(
                    Position::from(&self.stack),
                    &format!("environments.{name}.cache"),
                    "the file has no `cache` to change (environments change `cache`, not `caches`)",
                )));
            };
            if let Some(id) = changes.id {
                // The resources' logical IDs start with the ID: suppressions follow them.
                use heck::ToUpperCamelCase;
                let (old, new) = (
                    cache.id.value.to_upper_camel_case(),
                    id.value.to_upper_camel_case(),
                );
                for resource in self
                    .suppressions
                    .iter_mut()
                    .filter_map(|s| s.resource.as_mut())
                {
                    if let Some(rest) = resource.value.strip_prefix(&old) {
                        resource.value = format!("{new}{rest}");
                    }
                }
                cache.id = id;
            }
            if let Some(v) = changes.description {
                cache.description = Some(v);
            }
            if let Some(v) = changes.node_type {
                cache.node_type = Some(v);
            }
            if let Some(v) = changes.replicas {
                cache.replicas = Some(v);
            }
            if let Some(v) = changes.backup_retention_days {
                cache.backup_retention_days = Some(v);
            }
            if let Some(name) = changes.security_group.and_then(|g| g.name) {
                cache.security_group.name = Some(name);
            }
            if let Some(name) = changes.subnet_group.and_then(|g| g.name) {
                match cache.subnet_group.as_mut() {
                    Some(group) => group.name = Some(name),
                    None => cache.subnet_group = Some(SubnetGroupSpec { name: Some(name) }),
                }
            }
        }
        Ok(self)
    }

    /// Errors in the file's shape that the types alone do not catch.
    pub fn problems(&self) -> Vec<Diagnostic> {
        let mut problems = Vec::new();
        for (key, value) in &self.tags {
            problems.extend(tag_problems(key, value));
        }
        // AWS takes at most 50 user tags on a stack or a resource.
        if let Some((key, _)) = self.tags.get_index(50) {
            problems.push(error(
                Position::from(key),
                "tags",
                format!(
                    "{} tags: AWS takes at most 50 on a stack or a resource",
                    self.tags.len()
                ),
            ));
        }
        let at = |spanned: &Spanned<String>| Position::from(spanned);
        if let Err(why) = stack_name_problem(&self.stack.value) {
            problems.push(error(
                at(&self.stack),
                "stack",
                format!("stack name \"{}\" {why}", self.stack.value),
            ));
        }
        if let Some(region) = &self.region
            && !is_region_name(&region.value)
        {
            problems.push(error(
                Position::from(region),
                "region",
                format!(
                    "\"{}\" is not an AWS region name such as ap-southeast-1 or us-gov-west-1",
                    region.value
                ),
            ));
        }
        if let Some(description) = &self.description
            && description.value.len() > 1024
        {
            problems.push(error(
                Position::from(description),
                "description",
                format!(
                    "{} bytes: CloudFormation takes at most 1,024",
                    description.value.len()
                ),
            ));
        }
        let mut logical_ids: Vec<(String, &str)> = Vec::new();
        for (key, cache) in self.cache_specs() {
            // Each cache's logical IDs derive from its id: two ids that differ only in case or
            // punctuation would collide.
            let prefix = heck::ToUpperCamelCase::to_upper_camel_case(cache.id.value.as_str());
            if let Some((_, other)) = logical_ids.iter().find(|(p, _)| *p == prefix) {
                problems.push(error(
                    at(&cache.id),
                    &format!("{key}.id"),
                    format!("cache id \"{}\" clashes with cache \"{other}\" (both make logical IDs {prefix}...)", cache.id.value),
                ));
            } else {
                logical_ids.push((prefix, cache.id.value.as_str()));
            }
        }
        match (&self.cache, self.caches.is_empty()) {
            (Some(_), false) => problems.push(error(
                at(&self.stack),
                "caches",
                "give either `cache` or `caches`, not both",
            )),
            (None, true) => problems.push(error(
                at(&self.stack),
                "cache",
                "a stack needs a `cache` (or `caches`)",
            )),
            _ => {}
        }
        problems
    }
}

impl CacheSpec {
    /// The construct's props, with the stack file's network.
    pub fn props(&self, network: &NetworkSpec) -> CacheProps {
        let mut props = CacheProps::new(
            self.id.value.clone(),
            network.vpc.value.to_ref(LookupKind::Vpc),
            network
                .subnets
                .value
                .iter()
                .map(|s| s.to_ref(LookupKind::Subnet))
                .collect(),
            self.security_group
                .allow_from
                .value
                .iter()
                .map(|s| s.to_ref(LookupKind::SecurityGroup))
                .collect(),
        );
        if let Some(fixed_id) = &self.fixed_id {
            props.fixed_id = fixed_id.value;
        }
        props.description = self.description.as_ref().map(|d| d.value.clone());
        if let Some(engine) = &self.engine {
            props.engine = match engine.value {
                EngineSpec::Valkey => Engine::Valkey,
                EngineSpec::Redis => Engine::Redis,
            };
        }
        props.version = self.version.as_ref().map(|v| v.value.clone());
        if let Some(node_type) = &self.node_type {
            props.node_type = node_type.value.clone();
        }
        if let Some(replicas) = &self.replicas {
            props.replicas = replicas.value;
        }
        if let Some(port) = &self.port {
            props.port = port.value;
        }
        if let Some(network_type) = &self.network_type {
            props.network_type = match network_type.value {
                NetworkTypeSpec::Ipv4 => NetworkType::Ipv4,
                NetworkTypeSpec::Ipv6 => NetworkType::Ipv6,
                NetworkTypeSpec::DualStack => NetworkType::DualStack,
            };
        }
        if let Some(encryption) = &self.encryption {
            props.encryption = Encryption {
                at_rest: encryption.value.at_rest,
                in_transit: encryption.value.in_transit,
            };
        }
        if let Some(days) = &self.backup_retention_days {
            props.backup_retention_days = days.value;
        }
        props.outputs = self.outputs;
        props.access_control = self.access_control.as_ref().map(|a| match &a.value {
            AccessControlSpec::UserGroup(id) => AccessControl::UserGroup(id.clone()),
            AccessControlSpec::AuthTokenSecret { secret, key } => AccessControl::AuthTokenSecret {
                secret: secret.clone(),
                key: key.clone(),
            },
        });
        props.security_group_name = self.security_group.name.as_ref().map(|n| n.value.clone());
        props.security_group_description = self
            .security_group
            .description
            .as_ref()
            .map(|d| d.value.clone());
        props.subnet_group_name = self
            .subnet_group
            .as_ref()
            .and_then(|g| g.name.as_ref())
            .map(|n| n.value.clone());
        props
    }

    /// Where a construct field (`CacheProps`' names) is in the file, as a dotted key under
    /// `cache_key` (`cache`, `caches[1]`); the network and `tags` are at the top.
    pub fn key_of(
        &self,
        cache_key: &str,
        field: &str,
        network: &NetworkSpec,
    ) -> (Position, String) {
        let (position, key) = self.locate(field, network);
        let key = if key.starts_with("network.") || key == "tags" {
            key.to_string()
        } else if key.is_empty() {
            cache_key.to_string()
        } else {
            format!("{cache_key}.{key}")
        };
        (position, key)
    }

    /// What the cache construct finds in these props ([`CacheProps::validate`]), at the stack
    /// file's keys.
    pub fn field_problems(&self, cache_key: &str, network: &NetworkSpec) -> Vec<Diagnostic> {
        self.props(network)
            .validate()
            .into_iter()
            .map(|mut diagnostic| {
                if let Location::Field(field) = &diagnostic.location {
                    let (position, key) = self.key_of(cache_key, field, network);
                    diagnostic.location = Location::stack_file(position, key);
                }
                diagnostic
            })
            .collect()
    }

    /// Where a construct field (`CacheProps`' names) is in the file, and its key there.
    pub fn locate(&self, field: &str, network: &NetworkSpec) -> (Position, &'static str) {
        fn opt<T>(spanned: &Option<Spanned<T>>, fallback: Position) -> Position {
            spanned.as_ref().map(Position::from).unwrap_or(fallback)
        }
        let id = Position::from(&self.id);
        match field {
            "description" => (opt(&self.description, id), "description"),
            "engine" => (opt(&self.engine, id), "engine"),
            "version" => (opt(&self.version, opt(&self.engine, id)), "version"),
            "node_type" => (opt(&self.node_type, id), "node_type"),
            "replicas" => (opt(&self.replicas, id), "replicas"),
            "port" => (opt(&self.port, id), "port"),
            "network_type" => (opt(&self.network_type, id), "network_type"),
            "encryption" => (opt(&self.encryption, id), "encryption"),
            "access_control" => (opt(&self.access_control, id), "access_control"),
            "backup_retention_days" => (
                opt(&self.backup_retention_days, id),
                "backup_retention_days",
            ),
            "subnets" => (Position::from(&network.subnets), "network.subnets"),
            "vpc" => (Position::from(&network.vpc), "network.vpc"),
            "security_group.allow_from" => (
                Position::from(&self.security_group.allow_from),
                "security_group.allow_from",
            ),
            "security_group.name" => (opt(&self.security_group.name, id), "security_group.name"),
            "security_group.description" => (
                opt(&self.security_group.description, id),
                "security_group.description",
            ),
            "subnet_group.name" => (
                self.subnet_group
                    .as_ref()
                    .map(|g| opt(&g.name, id))
                    .unwrap_or(id),
                "subnet_group.name",
            ),
            "id" => (id, "id"),
            "fixed_id" => (opt(&self.fixed_id, id), "fixed_id"),
            "encryption.at_rest" | "encryption.in_transit" => (
                opt(&self.encryption, id),
                if field == "encryption.at_rest" {
                    "encryption.at_rest"
                } else {
                    "encryption.in_transit"
                },
            ),
            "security_group" => (
                Position::from(&self.security_group.allow_from),
                "security_group",
            ),
            "subnet_group" => (id, "subnet_group"),
            "tags" => (id, "tags"),
            _ => (id, ""),
        }
    }
}

/// A rule's fix in a stack file's terms: `key` is the dotted key the finding comes from
/// (`cache.security_group.name`, `caches[1].replicas`), `resource` the logical ID a
/// suppression names. Every finding can be fixed at a key or suppressed with a reason; where
/// the stack file has no key for the change, the rule's own fix stands beside the suppression.
pub fn fix(rule: &Rule, key: &str, resource: Option<&str>) -> String {
    // `cache.security_group.name` -> (`cache`, `security_group.name`).
    let (cache, inner) = match key.split_once('.') {
        Some((cache, inner)) if cache.starts_with("cache") => (cache, inner),
        None if key.starts_with("cache") => (key, ""),
        _ => ("cache", key),
    };
    let at = |k: &str| format!("{cache}.{k}");
    let change = match (rule.id, inner) {
        ("CF-DATA-002", "security_group.name") => Some(format!(
            "remove `{}` and let CloudFormation name the group",
            at("security_group.name")
        )),
        ("CF-DATA-002", "subnet_group.name") => Some(format!(
            "remove `{}` and let CloudFormation name the subnet group",
            at("subnet_group.name")
        )),
        ("CF-DATA-002", _) => Some(format!(
            "set `{}: false` to let CloudFormation name the replication group (on a deployed \
             stack this replaces the group, which deploy does only with --allow-replacement; the \
             old data stays only in its final snapshot)",
            at("fixed_id")
        )),
        ("CF-EC-001", _) => Some(format!("set `{}: true`", at("encryption.at_rest"))),
        ("CF-EC-002", _) => Some(format!("set `{}: true`", at("encryption.in_transit"))),
        ("CF-EC-004", _) => Some(format!("set `{}` to 1-35", at("backup_retention_days"))),
        ("CF-EC-005", _) => Some(format!(
            "set `{}` to 1 or more (automatic failover and Multi-AZ follow)",
            at("replicas")
        )),
        ("CF-EC-006", _) => Some(format!(
            "add `{}` as `{{user_group: GROUP_ID}}` (RBAC) or `{{auth_token_secret: {{secret: \
             NAME}}}}` (an AUTH token kept in Secrets Manager)",
            at("access_control")
        )),
        ("CF-EC-011" | "CF-EC-012", _) => Some(format!(
            "set `{}` to a current version (valkey 7.2, 8.0, 8.1, 8.2; redis 6.2, 7.0, 7.1), or `{}` \
             to valkey",
            at("version"),
            at("engine")
        )),
        ("CF-EC-013", _) => Some(format!(
            "set `{}` to a current node type such as cache.t4g.micro",
            at("node_type")
        )),
        ("CF-EC-014", _) => Some(format!("set `{}` to another port", at("port"))),
        ("CF-SG-003", _) => Some(format!(
            "list security groups in `{}`",
            at("security_group.allow_from")
        )),
        _ => None,
    };
    let suppress = format!(
        "add `{{rule: {}{}, reason: WHY}}` under `suppressions:`",
        rule.id,
        resource.map_or(String::new(), |r| format!(", resource: {r}"))
    );
    match change {
        Some(change) => {
            format!("In the stack file: {change}; or, where the rule does not apply, {suppress}.")
        }
        None => format!("{} Where the rule does not apply, {suppress}.", rule.fix),
    }
}

fn error(position: Position, key: &str, message: impl Into<String>) -> Diagnostic {
    Diagnostic::error(Location::stack_file(position, key), message)
}

/// AWS's rules for tags (the same for CloudFormation stacks, EC2 and ElastiCache): keys of 1
/// to 128 characters that do not start with `aws:` (reserved for AWS), values of 0 to 256; a
/// control character (NUL, a line break) is refused by every service.
fn tag_problems(key: &Spanned<String>, value: &Spanned<String>) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let shown = key.value.escape_debug().to_string();
    let at = format!("tags.{shown}");
    let length = key.value.chars().count();
    if length == 0 || length > 128 {
        problems.push(error(
            Position::from(key),
            &at,
            format!("a tag key has 1 to 128 characters; this one has {length}"),
        ));
    }
    if key.value.to_ascii_lowercase().starts_with("aws:") {
        problems.push(error(
            Position::from(key),
            &at,
            "tag keys starting with `aws:` are reserved for AWS; choose another key",
        ));
    }
    let length = value.value.chars().count();
    if length > 256 {
        problems.push(error(
            Position::from(value),
            &at,
            format!("a tag value has at most 256 characters; this one has {length}"),
        ));
    }
    for (what, text, location) in [
        ("key", &key.value, Position::from(key)),
        ("value", &value.value, Position::from(value)),
    ] {
        if let Some(c) = text.chars().find(|c| c.is_control()) {
            problems.push(error(
                location,
                &at,
                format!(
                    "the tag {what} contains the control character {:?}, which AWS refuses",
                    c
                ),
            ));
        }
    }
    problems
}

/// The shape of AWS region names: lower-case words joined by hyphens, ending in a number
/// (`ap-southeast-1`, `us-gov-west-1`, `eu-isoe-west-1`).
fn is_region_name(name: &str) -> bool {
    let parts: Vec<&str> = name.split('-').collect();
    parts.len() >= 3
        && parts[..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase()))
        && parts
            .last()
            .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
}

fn stack_name_problem(name: &str) -> Result<(), &'static str> {
    if name.is_empty() || name.len() > 128 {
        return Err("must be 1 to 128 characters long");
    }
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return Err("must start with a letter");
    }
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err("may contain only letters, digits and hyphens");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: &str = include_str!("../stacks/bandup-redis.yaml");

    fn key(diagnostic: &Diagnostic) -> &str {
        match &diagnostic.location {
            Location::StackFile { key, .. } => key,
            other => panic!("not in the stack file: {other:?}"),
        }
    }

    #[test]
    fn the_shipped_stack_file_parses() {
        let spec = parse(SEED).unwrap();
        assert_eq!(spec.stack.value, "bandup-redis");
        assert!(spec.problems().is_empty());
        let props = spec.cache_specs()[0].1.props(&spec.network);
        assert_eq!(props.id, "bandup-redis");
        assert_eq!(props.replicas, 0);
        assert_eq!(props.security_group_name.as_deref(), Some("redis-sg"));
        assert_eq!(props.vpc, NetworkRef::Name("band-up-vpc".into()));
    }

    #[test]
    fn unknown_keys_wrong_types_and_missing_keys_name_line_column_and_key() {
        let unknown = SEED.replace("  port: 6379", "  port: 6379\n  prot: 1");
        let problem = parse(&unknown).unwrap_err();
        assert_eq!(key(&problem), "cache.prot");
        assert!(
            problem.message.contains("unknown field `prot`"),
            "{}",
            problem.message
        );
        let line = unknown
            .lines()
            .position(|l| l.starts_with("  prot"))
            .unwrap() as u64
            + 1;
        assert_eq!(
            problem.location,
            Location::stack_file(Position { line, column: 3 }, "cache.prot")
        );

        let wrong = SEED.replace("  port: 6379", "  port: lots");
        let problem = parse(&wrong).unwrap_err();
        assert_eq!(key(&problem), "cache.port");
        assert_eq!(problem.location.position().map(|p| p.column), Some(9));

        let missing: String = SEED
            .lines()
            .filter(|l| !l.starts_with("stack:"))
            .map(|l| format!("{l}\n"))
            .collect();
        let problem = parse(&missing).unwrap_err();
        assert!(
            problem.message.contains("missing field `stack`"),
            "{}",
            problem.message
        );
    }

    #[test]
    fn references_take_three_forms() {
        let text = SEED.replace("vpc: band-up-vpc", "vpc: {import: shared-vpc}");
        let spec = parse(&text).unwrap();
        assert_eq!(
            spec.network.vpc.value,
            RefSpec::Import {
                import: "shared-vpc".into()
            }
        );
        let bad = SEED.replace("vpc: band-up-vpc", "vpc: {export: shared-vpc}");
        let problem = parse(&bad).unwrap_err();
        assert!(
            problem.message.contains("unknown field `export`"),
            "{}",
            problem.message
        );
    }

    #[test]
    fn stack_names_follow_cloudformation_rules() {
        let spec = parse(&SEED.replace("stack: bandup-redis", "stack: 1bandup")).unwrap();
        let problems = spec.problems();
        assert_eq!(problems.len(), 1);
        assert_eq!(key(&problems[0]), "stack");
        assert!(problems[0].message.contains("start with a letter"));
    }

    #[test]
    fn a_key_given_twice_is_named_with_its_path_and_both_lines() {
        let in_a_list = SEED.replacen(
            "cache:\n  id: bandup-redis",
            "caches:\n  - id: bandup-redis\n    port: 1\n    id: again",
            1,
        );
        let problem = parse(&in_a_list).unwrap_err();
        assert_eq!(key(&problem), "caches[0].id", "{problem:?}");
        assert_eq!(
            problem.message,
            "`id` is given twice: first on line 11, again on line 13; keep one"
        );
        let in_a_flow_map = SEED.replacen(
            "tags: { project: bandup }",
            "tags: { project: bandup, project: other }",
            1,
        );
        let problem = parse(&in_a_flow_map).unwrap_err();
        assert_eq!(key(&problem), "tags.project", "{problem:?}");
        assert!(
            problem.message.contains("first on line 6, again on line 6"),
            "{problem:?}"
        );
        assert!(
            !problem
                .snippet
                .unwrap_or_default()
                .contains("DuplicateKeyPolicy"),
            "the library's advice is about its own options"
        );
    }

    #[test]
    fn every_error_of_a_file_is_reported_in_one_run_with_suggestions_and_shapes() {
        let text = SEED
            .replace("stack: bandup-redis", "stack: 1bandup")
            .replace("  replicas: 0", "  replica: 0")
            .replace("  port: 6379", "  port: six")
            .replace(
                "  node_type: cache.t3.micro",
                "  node_type: cache.t3.micro\n  access_control: {auth_token_secret: orders-token}",
            )
            .replace("  version: \"8.0\"", "  version: \"9.9\"");
        let line =
            |start: &str| text.lines().position(|l| l.starts_with(start)).unwrap() as u64 + 1;
        let errors = parse_all(&text).unwrap_err();
        let found: Vec<(&str, u64, u64)> = errors
            .iter()
            .map(|e| {
                (
                    key(e),
                    e.location.position().unwrap().line,
                    e.location.position().unwrap().column,
                )
            })
            .collect();
        assert_eq!(
            found,
            [
                (
                    "cache.access_control.auth_token_secret",
                    line("  access_control"),
                    39
                ),
                ("cache.replica", line("  replica:"), 3),
                ("cache.port", line("  port:"), 9),
                ("stack", 3, 8),
                ("cache.version", line("  version:"), 12),
            ],
            "{errors:#?}"
        );
        assert!(
            errors[0].message.ends_with(
                "; write it as `auth_token_secret: {secret: NAME, key: token}` (`key` defaults to token)"
            ),
            "{}",
            errors[0].message
        );
        assert!(
            errors[1]
                .message
                .starts_with("unknown field `replica` (did you mean `replicas`?), expected one of"),
            "{}",
            errors[1].message
        );
        // Nothing close: no suggestion.
        let far = parse(&SEED.replace("  port: 6379", "  zzzzzz: 1")).unwrap_err();
        assert!(!far.message.contains("did you mean"), "{}", far.message);
        // A file with no errors parses as before.
        assert!(parse_all(SEED).is_ok());
    }

    #[test]
    fn the_first_bad_byte_is_found_by_line_and_column() {
        let problem = utf8(b"stack: x\n  caf\xc3\xa9 \xff").unwrap_err();
        assert_eq!(
            problem.location,
            Location::stack_file(Position { line: 2, column: 8 }, "")
        );
        assert!(problem.message.contains("0xFF"), "{}", problem.message);
        assert_eq!(utf8("é".as_bytes()), Ok("é"));
    }
}
