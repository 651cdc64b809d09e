//! Choosing stacks: by `stack:` name or file name, from the stacks folder.

use crate::cli::report;
use crate::cli::{Outcome, StacksDir};
use cfnforge::stackfile::{self, StackFile, StackFileError};

/// The stack files the user asked for (all when `names` is empty). Files that fail to load are
/// reported; with no names they make the outcome `Failed` while the others still go ahead.
pub fn select(dir: &StacksDir, names: &[String]) -> Result<(Vec<StackFile>, Outcome), Outcome> {
    let paths = stackfile::discover(&dir.dir).map_err(|e| {
        report::error(&e.to_string());
        Outcome::Usage
    })?;
    if paths.is_empty() {
        report::error(&format!(
            "no stack files (*.yaml, *.yml) in {}",
            dir.dir.display()
        ));
        return Err(Outcome::Usage);
    }
    let loaded: Vec<Result<StackFile, StackFileError>> =
        paths.iter().map(|p| stackfile::load(p)).collect();

    let mut outcome = Outcome::Success;
    let mut chosen = Vec::new();
    if names.is_empty() {
        for file in loaded {
            match file {
                Ok(file) => chosen.push(file),
                Err(e) => {
                    report::stack_file_error(&e);
                    outcome = Outcome::Failed;
                }
            }
        }
        return Ok((chosen, outcome));
    }

    let mut loaded: Vec<Option<Result<StackFile, StackFileError>>> =
        loaded.into_iter().map(Some).collect();
    for name in names {
        let position = paths.iter().zip(&loaded).position(|(path, file)| {
            stackfile::file_stem(path) == *name
                || matches!(file, Some(Ok(f)) if f.spec.stack.value == *name)
        });
        match position.and_then(|i| loaded[i].take()) {
            Some(Ok(file)) => chosen.push(file),
            Some(Err(e)) => {
                report::stack_file_error(&e);
                outcome = Outcome::Failed;
            }
            None if position.is_some() => {} // named twice
            None => {
                let known: Vec<String> = paths.iter().map(|p| stackfile::file_stem(p)).collect();
                report::error(&format!(
                    "no stack \"{name}\" in {} (stacks: {})",
                    dir.dir.display(),
                    known.join(", ")
                ));
                return Err(Outcome::Usage);
            }
        }
    }
    Ok((chosen, outcome))
}
