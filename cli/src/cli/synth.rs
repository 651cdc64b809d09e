//! `cfnforge synth`.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use crate::cli::{Outcome, StacksDir, report, select};
use cfnforge::render::Format;
use cfnforge::synth::{self, Synthesized};

#[derive(Args)]
pub struct SynthArgs {
    /// Stacks to synthesize (stack name, file name without extension, or a stack file's path); all
    /// when none.
    #[arg(value_name = "STACK")]
    stacks: Vec<String>,
    /// Template format.
    #[arg(long, value_enum, default_value = "yaml")]
    format: FormatArg,
    /// Write templates to DIR/<stack>.template.<format> (default with several stacks: `output` in
    /// cfnforge.toml, then cfnforge.out).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    #[command(flatten)]
    dir: StacksDir,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum FormatArg {
    Yaml,
    Json,
}

pub fn run(args: SynthArgs) -> Outcome {
    let config = match crate::cli::config::current() {
        Ok(config) => config,
        Err(outcome) => return outcome,
    };
    let format = match args.format {
        FormatArg::Yaml => Format::Yaml,
        FormatArg::Json => Format::Json,
    };
    let (files, mut outcome) = match select::select(&args.dir, &args.stacks) {
        Ok(selected) => selected,
        Err(outcome) => return outcome,
    };
    let to_stdout = args.out.is_none() && files.len() == 1 && outcome == Outcome::Success;
    let out_dir = args
        .out
        .or(config.output)
        .unwrap_or_else(|| PathBuf::from("cfnforge.out"));
    for file in &files {
        let result = synth::synthesize(file).and_then(|s| s.render(format).map(|r| (s, r)));
        match result {
            Ok((synthesized, (text, size_warning))) => {
                if report::synthesized(&synthesized) {
                    outcome = Outcome::Failed;
                    continue;
                }
                if let Some(d) = size_warning {
                    report::diagnostic(&file.path, &d, None);
                }
                if let Err(message) = write(&synthesized, &text, format, to_stdout, &out_dir) {
                    report::error(&message);
                    outcome = Outcome::Failed;
                }
            }
            Err(e) => {
                report::synth_error(&e);
                outcome = Outcome::Failed;
            }
        }
    }
    outcome
}

fn write(
    synthesized: &Synthesized,
    text: &str,
    format: Format,
    to_stdout: bool,
    out_dir: &std::path::Path,
) -> Result<(), String> {
    if to_stdout {
        let mut stdout = std::io::stdout().lock();
        return stdout
            .write_all(text.as_bytes())
            .map_err(|e| format!("standard output: {e}"));
    }
    std::fs::create_dir_all(out_dir).map_err(|e| format!("{}: {e}", out_dir.display()))?;
    let path = out_dir.join(format!(
        "{}.template.{}",
        synthesized.stack.name,
        format.extension()
    ));
    std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    report::info(&format!("wrote {}", path.display()));
    Ok(())
}
