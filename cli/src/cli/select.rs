//! Choosing stacks: by `stack:` name or file name, from the stacks folder.

use std::path::{Path, PathBuf};

use crate::cli::report;
use crate::cli::{Outcome, StacksDir};
use cfnforge::stackfile::{self, StackFile, StackFileError};

/// The stack files the user asked for (all when `names` is empty). Files that fail to load are
/// reported; with no names they make the outcome `Failed` while the others still go ahead.
/// Files that name the same stack are refused, all of them.
///
/// A name is first looked up as a file name (`NAME.yaml`, `NAME.yml`): only that file is read,
/// however large the folder's other files are. Only when no file has that name is every file
/// read to find one whose `stack:` is the name.
///
/// A name that ends in `.yaml` or `.yml`, or has a `/`, is a stack file's path (`stacks/x.yaml`),
/// read wherever it is; the folder is then read only for the other names.
///
/// With `--env NAME`, each file is taken as that environment has it (see
/// `StackSpec::in_environment`); a file without it is an error.
pub fn select(dir: &StacksDir, names: &[String]) -> Result<(Vec<StackFile>, Outcome), Outcome> {
    let (files, mut outcome) = select_files(dir, names)?;
    let Some(env) = &dir.env else {
        return Ok((files, outcome));
    };
    let mut chosen = Vec::with_capacity(files.len());
    for file in files {
        let errors = match file.spec.in_environment(env) {
            Ok(spec) => {
                let problems = spec.problems();
                if problems.is_empty() {
                    chosen.push(StackFile {
                        path: file.path,
                        spec,
                    });
                    continue;
                }
                problems
            }
            Err(diagnostic) => vec![*diagnostic],
        };
        report::stack_file_error(&StackFileError::Invalid {
            path: file.path.clone(),
            diagnostics: errors,
        });
        outcome = Outcome::Failed;
    }
    Ok((chosen, outcome))
}

fn select_files(dir: &StacksDir, names: &[String]) -> Result<(Vec<StackFile>, Outcome), Outcome> {
    let (given, names): (Vec<&String>, Vec<&String>) = names.iter().partition(|n| is_path(n));
    let any_given = !given.is_empty();
    let names: Vec<String> = names.into_iter().cloned().collect();
    let mut from_paths = Vec::new();
    let mut outcome = Outcome::Success;
    for path in given {
        let path = Path::new(path);
        if from_paths.iter().any(|f: &StackFile| f.path == path) {
            continue;
        }
        match stackfile::load(path) {
            Ok(file) => from_paths.push(file),
            Err(StackFileError::Read { source, .. }) => {
                report::error(&format!(
                    "{}: cannot read the stack file: {source}",
                    path.display()
                ));
                return Err(Outcome::Usage);
            }
            Err(e) => {
                report::stack_file_error(&e);
                outcome = Outcome::Failed;
            }
        }
    }
    if names.is_empty() && any_given {
        if refuse_duplicates(&mut from_paths) {
            outcome = Outcome::Failed;
        }
        return Ok((from_paths, outcome));
    }
    let (mut chosen, other_outcome) = select_in_folder(dir, &names)?;
    if other_outcome == Outcome::Failed {
        outcome = Outcome::Failed;
    }
    chosen.retain(|f| !from_paths.iter().any(|p| p.path == f.path));
    from_paths.append(&mut chosen);
    if refuse_duplicates(&mut from_paths) {
        outcome = Outcome::Failed;
    }
    Ok((from_paths, outcome))
}

/// Whether a STACK argument is a stack file's path rather than a name.
fn is_path(name: &str) -> bool {
    name.ends_with(".yaml") || name.ends_with(".yml") || name.contains('/')
}

/// The stacks named (all when `names` is empty) from the stacks folder.
fn select_in_folder(
    dir: &StacksDir,
    names: &[String],
) -> Result<(Vec<StackFile>, Outcome), Outcome> {
    let paths = stackfile::discover(&dir.dir).map_err(|e| {
        match &e {
            StackFileError::Read { source, .. }
                if source.kind() == std::io::ErrorKind::NotFound =>
            {
                report::error(&format!(
                    "no folder {} here: cfnforge reads stack files from {}/*.yaml (and *.yml) in the current folder",
                    dir.dir.display(),
                    dir.dir.display()
                ));
                report::info(
                    "  run it where that folder is, point at another folder with --stacks DIR, or give a stack file's path (cfnforge synth path/to/stack.yaml)",
                );
            }
            _ => report::error(&e.to_string()),
        }
        Outcome::Usage
    })?;
    if paths.is_empty() {
        report::error(&format!(
            "no stack files (*.yaml, *.yml) in {}",
            dir.dir.display()
        ));
        return Err(Outcome::Usage);
    }

    let mut outcome = Outcome::Success;
    if names.is_empty() {
        let mut chosen = Vec::new();
        // Read and parsed one thread per core: parsing is most of a large folder's time.
        for file in cfnforge::synth::in_parallel(&paths, |p| stackfile::load(p)) {
            match file {
                Ok(file) => chosen.push(file),
                Err(e) => {
                    report::stack_file_error(&e);
                    outcome = Outcome::Failed;
                }
            }
        }
        if refuse_duplicates(&mut chosen) {
            outcome = Outcome::Failed;
        }
        return Ok((chosen, outcome));
    }

    let mut chosen: Vec<StackFile> = Vec::new();
    // Every file, read once, only if some name is not a file name.
    let mut scanned: Option<Vec<(PathBuf, Result<StackFile, StackFileError>)>> = None;
    for name in names {
        if let Some(path) = paths.iter().find(|p| stackfile::file_stem(p) == *name) {
            if chosen.iter().any(|f| f.path == *path) {
                continue; // named twice
            }
            match stackfile::load(path) {
                Ok(file) => chosen.push(file),
                Err(e) => {
                    report::stack_file_error(&e);
                    outcome = Outcome::Failed;
                }
            }
            continue;
        }
        let all = scanned.get_or_insert_with(|| {
            paths
                .iter()
                .map(|p| (p.clone(), stackfile::load(p)))
                .collect()
        });
        report::info(&format!(
            "no file {name}.yaml in {}: read every stack file to find stack \"{name}\"",
            dir.dir.display()
        ));
        let matching: Vec<usize> = all
            .iter()
            .enumerate()
            .filter(|(_, (_, file))| matches!(file, Ok(f) if f.spec.stack.value == *name))
            .map(|(i, _)| i)
            .collect();
        match matching.as_slice() {
            [] => {
                let known: Vec<String> = paths.iter().map(|p| stackfile::file_stem(p)).collect();
                let unreadable = all.iter().filter(|(_, f)| f.is_err()).count();
                let note = if unreadable > 0 {
                    format!("; {unreadable} file(s) could not be read")
                } else {
                    String::new()
                };
                report::error(&format!(
                    "no stack \"{name}\" in {} (stacks: {}{note})",
                    dir.dir.display(),
                    known.join(", ")
                ));
                return Err(Outcome::Usage);
            }
            [one] => {
                let path = all[*one].0.clone();
                if chosen.iter().any(|f| f.path == path) {
                    continue;
                }
                if let (_, Ok(file)) = all.remove(*one) {
                    chosen.push(file);
                }
            }
            several => {
                let files: Vec<StackFile> = several
                    .iter()
                    .rev()
                    .filter_map(|&i| all.remove(i).1.ok())
                    .collect();
                for e in stackfile::duplicate_stacks(&files) {
                    report::stack_file_error(&e);
                }
                return Err(Outcome::Failed);
            }
        }
    }
    if refuse_duplicates(&mut chosen) {
        outcome = Outcome::Failed;
    }
    Ok((chosen, outcome))
}

/// Reports and drops files that name the same stack; whether there were any.
fn refuse_duplicates(files: &mut Vec<StackFile>) -> bool {
    let errors = stackfile::duplicate_stacks(files);
    for e in &errors {
        report::stack_file_error(e);
    }
    let refused: Vec<PathBuf> = errors
        .iter()
        .filter_map(|e| match e {
            StackFileError::Invalid { path, .. } => Some(path.clone()),
            _ => None,
        })
        .collect();
    files.retain(|f| !refused.contains(&f.path));
    !refused.is_empty()
}
