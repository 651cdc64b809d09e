//! `cfnforge check`.

use std::io::Write;

use clap::Args;

use crate::cli::source::{self, Source};
use crate::cli::{Outcome, Project, StacksDir, report, select};
use cfnforge::assembly::Assembly;
use cfnforge::render::Format;
use cfnforge::rules;
use cfnforge::synth;

#[derive(Args)]
pub struct CheckArgs {
    /// Stacks to check (stack name, file name without extension, or a stack file's path); all when
    /// none.
    #[arg(value_name = "STACK")]
    stacks: Vec<String>,
    /// Report format: text for people, json for scripts, sarif (2.1.0) for code scanning.
    #[arg(long, value_enum, default_value = "text")]
    format: CheckFormat,
    /// Fail on warnings too.
    #[arg(long)]
    strict: bool,
    #[command(flatten)]
    dir: StacksDir,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum CheckFormat {
    Text,
    Json,
    Sarif,
}

pub fn run(args: CheckArgs, project: &Project) -> Outcome {
    let source = project.source(&args.dir);
    if let Source::App(_) = source {
        let out = project.out_dir(None);
        return match source::load(&source, &args.stacks, Format::Json, &out, None) {
            Ok(loaded) => check_assembly(&args, &loaded.assembly, &loaded.names, &out),
            Err(outcome) => outcome,
        };
    }
    let (files, mut outcome) = match select::select(&args.dir, &args.stacks) {
        Ok(selected) => selected,
        Err(outcome) => return outcome,
    };
    let mut texts = Vec::new();
    let mut jsons = serde_json::Map::new();
    let mut sarif_runs = Vec::new();
    for file in &files {
        let synthesized = match synth::synthesize(file) {
            Ok(s) => s,
            Err(e) => {
                report::synth_error(&e);
                outcome = Outcome::Failed;
                continue;
            }
        };
        // The stack file's and the template's warnings, as synth shows them.
        for d in &synthesized.diagnostics {
            report::diagnostic(&file.path, d, synthesized.origin_of(d));
        }
        let report = &synthesized.rules;
        if report.fails(args.strict) {
            outcome = Outcome::Failed;
        }
        let uri = file.path.display().to_string();
        match args.format {
            CheckFormat::Text => texts.push(format!(
                "{uri} (stack {})\n{}",
                synthesized.stack.name,
                rules::text(report)
            )),
            CheckFormat::Json => {
                let mut json = rules::json(report);
                json["diagnostics"] = synthesized
                    .diagnostics
                    .iter()
                    .map(|d| d.to_json())
                    .collect();
                jsons.insert(synthesized.stack.name.clone(), json);
            }
            CheckFormat::Sarif => {
                let lines = synthesized
                    .origins
                    .iter()
                    .map(|(id, at)| (id.clone(), at.line as usize))
                    .collect();
                let mut document = rules::sarif(report, &uri, Some(&lines));
                if let Some(runs) = document.get_mut("runs").and_then(|r| r.as_array_mut()) {
                    sarif_runs.append(runs);
                }
            }
        }
    }
    print(args.format, texts, jsons, sarif_runs, outcome)
}

/// The rules on each template of an app's assembly (named ones, or all), with the app's
/// suppressions. The app ran the template checks already.
fn check_assembly(
    args: &CheckArgs,
    assembly: &Assembly,
    names: &[String],
    out: &std::path::Path,
) -> Outcome {
    let mut outcome = Outcome::Success;
    let plan = match assembly.deploy_plan(names, true) {
        Ok(plan) => plan,
        Err(e) => {
            report::error(&e.to_string());
            return Outcome::Usage;
        }
    };
    let mut texts = Vec::new();
    let mut jsons = serde_json::Map::new();
    let mut sarif_runs = Vec::new();
    for step in plan {
        let Some(stack) = assembly.stack(&step.stack) else {
            continue;
        };
        let uri = out.join(&stack.template_file).display().to_string();
        let parsed = assembly
            .template(stack)
            .ok_or_else(|| "not in the assembly".to_string())
            .and_then(|text| {
                cfnforge::parse::parse(text, template_format(&stack.template_file))
                    .map_err(|e| e.to_string())
            })
            .and_then(|template| {
                rules::check(&template, &stack.suppressions).map_err(|e| e.to_string())
            });
        let report = match parsed {
            Ok(report) => report,
            Err(e) => {
                report::error(&format!("{uri}: {e}"));
                outcome = Outcome::Failed;
                continue;
            }
        };
        if report.fails(args.strict) {
            outcome = Outcome::Failed;
        }
        match args.format {
            CheckFormat::Text => texts.push(format!(
                "{uri} (stack {})\n{}",
                stack.name,
                rules::text(&report)
            )),
            CheckFormat::Json => {
                let mut json = rules::json(&report);
                json["diagnostics"] = serde_json::Value::Array(Vec::new());
                jsons.insert(stack.name.clone(), json);
            }
            CheckFormat::Sarif => {
                let mut document = rules::sarif(&report, &uri, None);
                if let Some(runs) = document.get_mut("runs").and_then(|r| r.as_array_mut()) {
                    sarif_runs.append(runs);
                }
            }
        }
    }
    print(args.format, texts, jsons, sarif_runs, outcome)
}

/// A template file's format, by its extension.
pub fn template_format(file: &str) -> Format {
    if file.ends_with(".json") {
        Format::Json
    } else {
        Format::Yaml
    }
}

fn print(
    format: CheckFormat,
    texts: Vec<String>,
    jsons: serde_json::Map<String, serde_json::Value>,
    sarif_runs: Vec<serde_json::Value>,
    outcome: Outcome,
) -> Outcome {
    let output = match format {
        CheckFormat::Text => texts.join("\n"),
        CheckFormat::Json => serde_json::to_string_pretty(&jsons).unwrap_or_default() + "\n",
        CheckFormat::Sarif => {
            // One SARIF log, one run per stack file.
            let mut document = rules::sarif(&rules::Report::default(), "", None);
            document["runs"] = serde_json::Value::Array(sarif_runs);
            serde_json::to_string_pretty(&document).unwrap_or_default() + "\n"
        }
    };
    if let Err(e) = std::io::stdout().lock().write_all(output.as_bytes()) {
        report::error(&format!("standard output: {e}"));
        return Outcome::Failed;
    }
    outcome
}
