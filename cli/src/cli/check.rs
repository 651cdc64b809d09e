//! `cfnforge check`.

use std::io::Write;

use clap::Args;

use crate::cli::{Outcome, StacksDir, report, select};
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

pub fn run(args: CheckArgs) -> Outcome {
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
    let output = match args.format {
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
