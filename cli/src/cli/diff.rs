//! `cfnforge diff`.

use crate::cli::output::outln;
use clap::Args;

use crate::cli::aws::{AwsArgs, request, runtime};
use crate::cli::source;
use crate::cli::{Outcome, Project, StacksDir, report};
use cfnforge::diff::{Change, TemplateDiff, diff};
use cfnforge::render::Format;
use cfnforge::template::Value;
use cfnforge_deploy as deploy;

#[derive(Args)]
pub struct DiffArgs {
    /// Stacks to compare (stack name or file name without extension); all when none.
    #[arg(value_name = "STACK")]
    stacks: Vec<String>,
    #[command(flatten)]
    dir: StacksDir,
    #[command(flatten)]
    aws: AwsArgs,
    /// Exit 1 when there are differences.
    #[arg(long)]
    fail: bool,
    /// Also run drift detection on each deployed stack and show what changed outside
    /// CloudFormation beside the template's changes (--fail counts drift too).
    #[arg(long)]
    drift: bool,
    /// text for people; json for scripts (one document on standard output, shape in the README).
    #[arg(long, value_enum, default_value = "text")]
    format: DiffFormat,
    /// Colour the text: auto (on a terminal, unless NO_COLOR is set), always, never.
    #[arg(long, value_enum, default_value = "auto", value_name = "WHEN")]
    color: ColorArg,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ColorArg {
    Auto,
    Always,
    Never,
}

/// ANSI colours for the text, or none.
#[derive(Clone, Copy)]
struct Paint(bool);

impl Paint {
    fn new(when: ColorArg) -> Paint {
        use std::io::IsTerminal;
        Paint(match when {
            ColorArg::Always => true,
            ColorArg::Never => false,
            ColorArg::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::io::stdout().is_terminal()
            }
        })
    }

    fn paint(self, code: &str, text: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    /// A line in the colour of its change: added green, removed red, changed yellow.
    fn change(self, sign: &str, text: &str) -> String {
        let code = match sign {
            "+" => "32",
            "-" => "31",
            _ => "33",
        };
        self.paint(code, text)
    }
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum DiffFormat {
    Text,
    Json,
}

pub fn run(args: DiffArgs, project: &Project) -> Outcome {
    if let Err(outcome) = args.aws.check_profile() {
        return outcome;
    }
    let source = project.source(&args.dir);
    let loaded = match source::load(
        &source,
        &args.stacks,
        Format::Yaml,
        &project.out_dir(None),
        Some("not compared"),
    ) {
        Ok(loaded) => loaded,
        Err(outcome) => return outcome,
    };
    let mut outcome = loaded.outcome;
    let assembly = &loaded.assembly;
    let plan = match assembly.deploy_plan(&loaded.names, true) {
        Ok(plan) => plan,
        Err(e) => {
            report::error(&e.to_string());
            return Outcome::Usage;
        }
    };
    let runtime = match runtime() {
        Ok(runtime) => runtime,
        Err(outcome) => return outcome,
    };
    let mut documents = Vec::new();
    let paint = Paint::new(args.color);
    runtime.block_on(async {
        for step in &plan {
            let Some(artifact) = assembly.stack(&step.stack) else {
                continue;
            };
            let request = match request(assembly, artifact) {
                Ok(request) => request,
                Err(o) => {
                    outcome = o;
                    continue;
                }
            };
            let cloud = args.aws.connect(artifact.region.as_deref()).await;
            let stack = &request.stack_name;
            let deployed =
                match deploy::deployed_template(&cloud, stack, &crate::cli::aws::pacing()).await {
                    Ok(deployed) => deployed,
                    Err(e) => {
                        outcome = report::deploy_error(&e);
                        continue;
                    }
                };
            let exists = deployed.is_some();
            let deployed = deployed.unwrap_or_default();
            let note = deploy::unread_note(stack, &deployed.unread);
            let changes = diff(&deployed.template, &request.template);
            // The judgement deploy makes before its change set, word for word.
            let refusals = deploy::refusals(&changes);
            match args.format {
                DiffFormat::Text => {
                    if !exists {
                        outln!("Stack {stack} does not exist yet: everything is new.");
                    }
                    if let Some(note) = &note {
                        outln!("{note}");
                    }
                    print(stack, &changes, paint);
                    for (reason, remedy) in &refusals {
                        outln!(
                            "{}",
                            paint.paint("1;31", &format!("! deploy would refuse this: {reason}"))
                        );
                        outln!("    {remedy}");
                    }
                }
                DiffFormat::Json => {
                    if let Some(note) = &note {
                        report::info(note);
                    }
                    let mut document = to_json(stack, exists, &changes);
                    document["refusals"] = refusals
                        .iter()
                        .map(|(reason, remedy)| serde_json::json!({"reason": reason, "remedy": remedy}))
                        .collect();
                    documents.push(document);
                }
            }
            let mut drifted = false;
            if args.drift && exists {
                match deploy::detect_drift(&cloud, stack, &crate::cli::aws::pacing()).await {
                    Ok(report) => match args.format {
                        DiffFormat::Text => {
                            outln!("Drift (changes made outside CloudFormation):");
                            drifted = crate::cli::drift::show(stack, &report);
                        }
                        DiffFormat::Json => {
                            drifted = report.drifted().next().is_some();
                            if let Some(document) = documents.last_mut() {
                                document["drift"] = crate::cli::drift::to_json(&report);
                            }
                        }
                    },
                    Err(e) => {
                        outcome = report::deploy_error(&e);
                        continue;
                    }
                }
            }
            if args.fail && (!changes.is_empty() || drifted) && outcome == Outcome::Success {
                outcome = Outcome::Failed;
            }
        }
    });
    if args.format == DiffFormat::Json {
        let document = serde_json::json!({ "version": 1, "stacks": documents });
        outln!(
            "{}",
            serde_json::to_string_pretty(&document).unwrap_or_default()
        );
    }
    outcome
}

/// The JSON shape of one stack's differences (version 1; documented in the README, pinned by
/// tests/deploy_network.rs). Fields are only ever added.
fn to_json(stack: &str, exists: bool, changes: &TemplateDiff) -> serde_json::Value {
    use serde_json::json;
    let resources: Vec<serde_json::Value> = changes
        .resources
        .iter()
        .map(|r| {
            json!({
                "logicalId": r.logical_id,
                "type": r.type_name,
                "change": r.change.to_string(),
                "replacement": r.replacement,
                "dataAtRisk": r.stateful && (r.replacement || r.change == Change::Removed),
                "security": r.security,
                "properties": r.properties.iter().map(|p| json!({
                    "path": p.path,
                    "old": p.old,
                    "new": p.new,
                    "replaces": p.replaces,
                })).collect::<Vec<_>>(),
                "rules": r.rules.iter().map(|c| json!({
                    "change": if c.added { "add" } else { "remove" },
                    "direction": c.rule.direction.to_string(),
                    "rule": c.rule.to_string(),
                    "widens": c.widens,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let keyed = |items: &[(String, Change)]| -> Vec<serde_json::Value> {
        items
            .iter()
            .map(|(name, change)| json!({"name": name, "change": change.to_string()}))
            .collect()
    };
    json!({
        "stack": stack,
        "exists": exists,
        "differences": !changes.is_empty(),
        "resources": resources,
        "parameters": keyed(&changes.parameters),
        "outputs": keyed(&changes.outputs),
    })
}

fn print(stack: &str, changes: &TemplateDiff, paint: Paint) {
    if changes.is_empty() {
        outln!("Stack {stack}: no differences");
        return;
    }
    outln!("{}", paint.paint("1", &format!("Stack {stack}")));
    for r in &changes.resources {
        let sign = sign(r.change);
        let mut marks = Vec::new();
        if r.replacement {
            marks.push("replacement");
        }
        if r.stateful && (r.replacement || r.change == Change::Removed) {
            marks.push("data at risk");
        }
        if r.security {
            marks.push("security");
        }
        let marks = if marks.is_empty() {
            String::new()
        } else {
            format!(
                " {}",
                paint.paint("1;31", &format!("[{}]", marks.join(", ")))
            )
        };
        outln!(
            "{}{marks}",
            paint.change(sign, &format!("{sign} {} {}", r.type_name, r.logical_id))
        );
        if r.change == Change::Modified {
            for p in &r.properties {
                let replaces = if p.replaces { " (replaces)" } else { "" };
                match (&p.old, &p.new) {
                    // Lists (ingress rules, subnet IDs) show the items that went and came.
                    (Some(Value::List(old)), Some(Value::List(new))) => {
                        outln!("    ~ {}:{replaces}", p.path);
                        for item in old.iter().filter(|i| !new.contains(i)) {
                            outln!(
                                "{}",
                                paint.change("-", &format!("        - {}", json(item)))
                            );
                        }
                        for item in new.iter().filter(|i| !old.contains(i)) {
                            outln!(
                                "{}",
                                paint.change("+", &format!("        + {}", json(item)))
                            );
                        }
                    }
                    _ => outln!(
                        "    ~ {}: {} -> {}{replaces}",
                        p.path,
                        paint.change("-", &show(&p.old)),
                        paint.change("+", &show(&p.new))
                    ),
                }
            }
        }
        for rule in r.rules.iter().filter(|c| c.widens) {
            outln!(
                "{}",
                paint.paint("1;31", &format!("    ! widens access: {}", rule.rule))
            );
        }
    }
    for (name, change) in &changes.parameters {
        let sign = sign(*change);
        outln!(
            "{}",
            paint.change(sign, &format!("{sign} Parameter {name}"))
        );
    }
    for (name, change) in &changes.outputs {
        let sign = sign(*change);
        outln!("{}", paint.change(sign, &format!("{sign} Output {name}")));
    }
}

fn sign(change: Change) -> &'static str {
    match change {
        Change::Added => "+",
        Change::Removed => "-",
        Change::Modified => "~",
    }
}

fn show(value: &Option<Value>) -> String {
    match value {
        None => "(absent)".to_string(),
        Some(v) => json(v),
    }
}

fn json(value: &Value) -> String {
    serde_json::to_string(value).unwrap_or_default()
}
