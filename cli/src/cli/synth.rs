//! `cfnforge synth`.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;

use crate::cli::source::{self, Source};
use crate::cli::{Outcome, Project, StacksDir, report};
use cfnforge::assembly::Assembly;
use cfnforge::render::Format;

#[derive(Args)]
pub struct SynthArgs {
    /// Stacks to synthesize (stack name, file name without extension, or a stack file's path); all
    /// when none.
    #[arg(value_name = "STACK")]
    stacks: Vec<String>,
    /// Template format of stack files (an app's templates are JSON, as it renders them).
    #[arg(long, value_enum, default_value = "yaml")]
    format: FormatArg,
    /// Write the assembly (manifest.json and DIR/<stack>.template.<format>) to DIR (default:
    /// `output` in cfnforge.toml, then cfnforge.out). Without it, one stack's template goes to
    /// standard output.
    #[arg(long, short = 'o', visible_alias = "output", value_name = "DIR")]
    out: Option<PathBuf>,
    #[command(flatten)]
    dir: StacksDir,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum FormatArg {
    Yaml,
    Json,
}

pub fn run(args: SynthArgs, project: &Project) -> Outcome {
    let format = match args.format {
        FormatArg::Yaml => Format::Yaml,
        FormatArg::Json => Format::Json,
    };
    let out_dir = project.out_dir(args.out.as_ref());
    let source = project.source(&args.dir);
    let loaded = match source::load(&source, &args.stacks, format, &out_dir, None) {
        Ok(loaded) => loaded,
        Err(outcome) => return outcome,
    };
    let assembly = &loaded.assembly;
    let mut outcome = loaded.outcome;
    // The stacks to show: an app's named ones (its whole assembly is written regardless).
    let shown: Vec<&str> = if loaded.names.is_empty() {
        assembly
            .manifest
            .stacks
            .iter()
            .map(|s| s.name.as_str())
            .collect()
    } else {
        match assembly.deploy_plan(&loaded.names, true) {
            Ok(_) => loaded.names.iter().map(String::as_str).collect(),
            Err(e) => {
                report::error(&e.to_string());
                return Outcome::Usage;
            }
        }
    };
    if matches!(source, Source::App(_)) {
        report::info(&format!(
            "wrote the app's assembly ({} stacks) to {}",
            assembly.manifest.stacks.len(),
            out_dir.display()
        ));
    }
    // One stack and no --out: its template on standard output, as before there were
    // assemblies.
    if args.out.is_none() && shown.len() == 1 && outcome == Outcome::Success {
        let text = assembly
            .stack(shown[0])
            .and_then(|stack| assembly.template(stack))
            .unwrap_or_default();
        if let Err(e) = std::io::stdout().lock().write_all(text.as_bytes()) {
            report::error(&format!("standard output: {e}"));
            return Outcome::Failed;
        }
        return outcome;
    }
    if let Source::Files(_) = source
        && !assembly.manifest.stacks.is_empty()
        && let Err(message) = write(&out_dir, assembly)
    {
        report::error(&message);
        outcome = Outcome::Failed;
    }
    outcome
}

fn write(dir: &Path, assembly: &Assembly) -> Result<(), String> {
    source::write(dir, assembly)?;
    let count = assembly.manifest.stacks.len();
    let what = match assembly.manifest.stacks.as_slice() {
        [one] => dir.join(&one.template_file).display().to_string(),
        _ => format!("{count} templates"),
    };
    report::info(&format!(
        "wrote {what} and {}",
        dir.join(cfnforge::assembly::MANIFEST_FILE).display()
    ));
    Ok(())
}
