//! Cross-stack references: a value of a resource in one stack (the producer) read by another
//! (the consumer). The producer gets an output with an export, the consumer an
//! `Fn::ImportValue` of it, and the consumer is deployed after the producer.
//!
//! The export is named `<producer stack>:<logical ID><attribute>` (the attribute without its
//! dots; `Ref` for a `Ref`): `bandup-redis:BandupRedisPrimaryEndPointAddress`, the output
//! `Export<logical ID><attribute>`. Both depend only on the producer's name, the resource's
//! logical ID and the attribute, so they stay the same from one synthesis to the next.

use super::AppError;
use super::short;
use crate::checks::did_you_mean;
use crate::constructs::Stack;
use crate::resources;
use crate::template::{Intrinsic, Output, Value};

/// A value another stack exports for this one.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Import {
    pub producer: String,
    pub logical_id: String,
    /// `None` for a `Ref`.
    pub attribute: Option<String>,
    /// The export name read with `Fn::ImportValue`.
    pub export: String,
    /// Whether the producer already had an output that exports this value under that name.
    pub existing: bool,
}

impl Import {
    /// The value in the producer: `Ref` or `Fn::GetAtt`.
    pub fn value(&self) -> Intrinsic {
        match &self.attribute {
            Some(attribute) => Intrinsic::get_att(self.logical_id.clone(), attribute.clone()),
            None => Intrinsic::ref_(self.logical_id.clone()),
        }
    }

    fn suffix(&self) -> String {
        let attribute = self.attribute.as_deref().unwrap_or("Ref");
        let attribute: String = attribute
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect();
        format!("{}{attribute}", self.logical_id)
    }

    /// The output's logical ID in the producer.
    pub fn output_id(&self) -> String {
        format!("Export{}", self.suffix())
    }
}

impl Stack {
    /// Reads a value of a resource in another stack of the app, `producer`: a `Ref`
    /// (`handle.to_ref()`) or an attribute (`handle.primary_end_point_address()`). Returns the
    /// `Fn::ImportValue` to use in this stack; synthesis adds the output with its export to the
    /// producer and deploys this stack after it.
    ///
    /// ```
    /// use cfnforge::constructs::Stack;
    /// use cfnforge::resources::ec2;
    /// use cfnforge::template::Intrinsic;
    ///
    /// let mut network = Stack::new("network");
    /// let group = network.add("Backend", ec2::SecurityGroup::new("backend"))?;
    /// let mut cache = Stack::new("cache");
    /// let id = cache.import_from(&network, group.group_id())?;
    /// assert_eq!(id, Intrinsic::import_value("network:BackendGroupId"));
    /// # Ok::<(), cfnforge::app::AppError>(())
    /// ```
    pub fn import_from(
        &mut self,
        producer: &Stack,
        value: Intrinsic,
    ) -> Result<Intrinsic, AppError> {
        let (logical_id, attribute) = match &value {
            Intrinsic::Ref(id) => (id.clone(), None),
            Intrinsic::GetAtt {
                resource,
                attribute,
            } => (resource.clone(), Some(attribute.clone())),
            other => {
                return Err(AppError::NotAReference {
                    stack: self.name.clone(),
                    producer: producer.name.clone(),
                    got: short(&Value::from(other.clone())),
                });
            }
        };
        if producer.name == self.name {
            return Err(AppError::SelfImport {
                stack: self.name.clone(),
                reference: short(&Value::from(value)),
            });
        }
        let Some(resource) = producer.template.resources.get(&logical_id) else {
            return Err(AppError::UnknownResource {
                stack: producer.name.clone(),
                logical_id: logical_id.clone(),
                what: format!("reference from stack {}", self.name),
                hint: did_you_mean(
                    &logical_id,
                    producer.template.resources.keys().map(String::as_str),
                ),
            });
        };
        if let (Some(attribute), Some(info)) =
            (&attribute, resources::type_info(&resource.type_name))
            && !info.attributes.contains(&attribute.as_str())
        {
            return Err(AppError::UnknownAttribute {
                stack: producer.name.clone(),
                logical_id,
                type_name: resource.type_name.clone(),
                attribute: attribute.clone(),
            });
        }
        let mut import = Import {
            producer: producer.name.clone(),
            logical_id,
            attribute,
            export: String::new(),
            existing: false,
        };
        // An output the producer already exports with this value is read as it is.
        let wanted = Value::from(import.value());
        let existing = producer.template.outputs.values().find_map(|output| {
            match (&output.value, &output.export) {
                (value, Some(export)) if *value == wanted => export.name.as_str(),
                _ => None,
            }
        });
        match existing {
            Some(name) => {
                import.export = name.to_string();
                import.existing = true;
            }
            None => import.export = format!("{}:{}", producer.name, import.suffix()),
        }
        let reference = Intrinsic::import_value(import.export.clone());
        if !self.tree.imports.contains(&import) {
            self.tree.imports.push(import);
        }
        Ok(reference)
    }
}

/// Adds to each producer the exports its consumers import, and gives each stack the names of
/// the stacks it must be deployed after (imports, then the ones it was told), in order.
pub(crate) fn link(stacks: &mut [Stack]) -> Result<Vec<Vec<String>>, AppError> {
    let mut dependencies = Vec::with_capacity(stacks.len());
    for consumer in 0..stacks.len() {
        let mut needs: Vec<String> = Vec::new();
        let imports = stacks[consumer].tree.imports.clone();
        for import in &imports {
            let Some(producer) = stacks.iter().position(|s| s.name == import.producer) else {
                return Err(AppError::UnknownStack {
                    stack: stacks[consumer].name.clone(),
                    what: "imports from",
                    other: import.producer.clone(),
                });
            };
            if !import.existing {
                export(&mut stacks[producer], import)?;
            }
            if !needs.contains(&import.producer) {
                needs.push(import.producer.clone());
            }
        }
        for other in &stacks[consumer].dependencies {
            if !stacks.iter().any(|s| &s.name == other) {
                return Err(AppError::UnknownStack {
                    stack: stacks[consumer].name.clone(),
                    what: "depends on",
                    other: other.clone(),
                });
            }
            if !needs.contains(other) {
                needs.push(other.clone());
            }
        }
        dependencies.push(needs);
    }
    let names: Vec<&str> = stacks.iter().map(|s| s.name.as_str()).collect();
    if let Some(cycle) = find_cycle(&names, &dependencies) {
        return Err(AppError::StackCycle(cycle));
    }
    Ok(dependencies)
}

/// Adds the output that exports an import's value to its producer, once.
fn export(producer: &mut Stack, import: &Import) -> Result<(), AppError> {
    let value = Value::from(import.value());
    let output_id = import.output_id();
    for (id, output) in &producer.template.outputs {
        let exports = output
            .export
            .as_ref()
            .is_some_and(|e| e.name.as_str() == Some(import.export.as_str()));
        if !exports && *id != output_id {
            continue;
        }
        if exports && *id == output_id && output.value == value {
            return Ok(());
        }
        return Err(AppError::ExportTaken {
            stack: producer.name.clone(),
            export: import.export.clone(),
            output: id.clone(),
            has: short(&output.value),
        });
    }
    let what = import.attribute.as_deref().unwrap_or("Ref");
    producer.template.add_output(
        output_id,
        Output::new(value)
            .description(format!(
                "{what} of {}, for other stacks of the app",
                import.logical_id
            ))
            .export(import.export.clone()),
    );
    Ok(())
}

/// A cycle in the stacks' dependencies, as names from a stack back to itself.
fn find_cycle(names: &[&str], dependencies: &[Vec<String>]) -> Option<Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    fn visit(
        at: usize,
        names: &[&str],
        dependencies: &[Vec<String>],
        marks: &mut [Mark],
        trail: &mut Vec<usize>,
    ) -> Option<Vec<String>> {
        marks[at] = Mark::Open;
        trail.push(at);
        for name in &dependencies[at] {
            let Some(next) = names.iter().position(|n| n == name) else {
                continue;
            };
            match marks[next] {
                Mark::Open => {
                    let start = trail.iter().position(|&i| i == next).unwrap_or(0);
                    let mut cycle: Vec<String> = trail[start..]
                        .iter()
                        .map(|&i| names[i].to_string())
                        .collect();
                    cycle.push(names[next].to_string());
                    return Some(cycle);
                }
                Mark::New => {
                    if let Some(cycle) = visit(next, names, dependencies, marks, trail) {
                        return Some(cycle);
                    }
                }
                Mark::Done => {}
            }
        }
        trail.pop();
        marks[at] = Mark::Done;
        None
    }
    let mut marks = vec![Mark::New; names.len()];
    for start in 0..names.len() {
        if marks[start] == Mark::New {
            let mut trail = Vec::new();
            if let Some(cycle) = visit(start, names, dependencies, &mut marks, &mut trail) {
                return Some(cycle);
            }
        }
    }
    None
}
