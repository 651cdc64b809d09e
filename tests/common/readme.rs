//! The README's output blocks and their comparison with what a command prints. Shared by the
//! tests in tests/ (through `common`) and the deploy crate's unit tests (by path), so it uses
//! nothing but std.

#![allow(dead_code)]

use std::path::PathBuf;

/// README.md at the repository's root (the folder with Cargo.lock above this crate).
fn readme_path() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest
        .ancestors()
        .find(|dir| dir.join("Cargo.lock").is_file())
        .unwrap_or(&manifest)
        .join("README.md")
}

/// Where the README's block marked `<!-- output: ID -->` (or `ID, lines`, `ID, keys`) is:
/// its body's byte range in `readme` (from the line after the opening fence to the start of the
/// closing fence's line), the fence's indentation (a block in a list item is indented, and so
/// are its lines), and whether it is an excerpt (`lines`).
fn block(readme: &str, id: &str) -> (std::ops::Range<usize>, usize, bool) {
    let mut offset = 0;
    let mut lines = readme.split_inclusive('\n');
    while let Some(line) = lines.next() {
        offset += line.len();
        let Some(marker) = line
            .trim()
            .strip_prefix("<!-- output: ")
            .and_then(|m| m.strip_suffix(" -->"))
        else {
            continue;
        };
        let marker = marker.strip_suffix(", keys").unwrap_or(marker);
        let (name, excerpt) = match marker.strip_suffix(", lines") {
            Some(name) => (name, true),
            None => (marker, false),
        };
        if name != id {
            continue;
        }
        let fence = lines.next().unwrap_or_default();
        assert!(
            fence.trim_start().starts_with("```"),
            "README.md: the marker {id} is not right before a code block"
        );
        let indent = fence.len() - fence.trim_start().len();
        let body_start = offset + fence.len();
        let mut body_end = body_start;
        for line in lines.by_ref() {
            if line.trim() == "```" {
                return (body_start..body_end, indent, excerpt);
            }
            body_end += line.len();
        }
        panic!("README.md: the block marked {id} is not closed");
    }
    panic!("README.md has no block marked <!-- output: {id} -->")
}

/// The README's output block marked `<!-- output: ID -->` (or `<!-- output: ID, lines -->`) on
/// the line before its fence: its text, and whether it is an excerpt (`lines`: each of its lines
/// is in the output, in order) rather than the whole output.
pub fn readme_output(id: &str) -> (String, bool) {
    let readme = std::fs::read_to_string(readme_path()).unwrap();
    let (range, indent, excerpt) = block(&readme, id);
    let body: String = readme[range]
        .lines()
        .map(|l| {
            let unindented = l
                .get(indent..)
                .filter(|_| l[..indent].trim().is_empty())
                .unwrap_or(l);
            format!("{unindented}\n")
        })
        .collect();
    (body, excerpt)
}

/// Output with what changes from run to run put in words: the hexadecimal part of AWS IDs
/// (`vpc-0a1b...` -> `vpc-*`), change set names, elapsed times (`0.4s` -> `*s`), cache
/// endpoints (`master.x.abc123.use1.cache.amazonaws.com` -> `*.cache.amazonaws.com`), and the
/// given paths.
pub fn steady(text: &str, paths: &[(&str, &str)]) -> String {
    let mut text = text.to_string();
    for (from, to) in paths {
        text = text.replace(from, to);
    }
    const ENDPOINT: &str = ".cache.amazonaws.com";
    let mut from = 0;
    while let Some(at) = text[from..].find(ENDPOINT).map(|i| i + from) {
        let start = text[..at]
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '-'))
            .map_or(0, |i| i + 1);
        text.replace_range(start..at, "*");
        from = start + 1 + ENDPOINT.len();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    'scan: while !rest.is_empty() {
        for prefix in ["vpc-", "subnet-", "sg-", "cfnforge-2"] {
            let at_word = out
                .chars()
                .last()
                .is_none_or(|c| !c.is_ascii_alphanumeric() && c != '-');
            if at_word && let Some(tail) = rest.strip_prefix(prefix) {
                let id_chars = |c: char| {
                    c.is_ascii_hexdigit()
                        || (prefix == "cfnforge-2" && (c == 'T' || c == 'Z' || c == '-'))
                };
                let n = tail.find(|c: char| !id_chars(c)).unwrap_or(tail.len());
                if n >= 4 {
                    out.push_str(prefix.trim_end_matches('2'));
                    out.push('*');
                    rest = &tail[n..];
                    continue 'scan;
                }
            }
        }
        // Elapsed times (`12.3s`).
        let at_word = out
            .chars()
            .last()
            .is_none_or(|c| !c.is_ascii_alphanumeric());
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        if at_word && digits > 0 && rest[digits..].starts_with('.') {
            let tail = &rest[digits + 1..];
            let fraction = tail
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(tail.len());
            let after = &tail[fraction..];
            if fraction > 0
                && after.starts_with('s')
                && !after[1..].starts_with(|c: char| c.is_ascii_alphanumeric())
            {
                out.push_str("*s");
                rest = &after[1..];
                continue 'scan;
            }
        }
        let c = rest.chars().next().unwrap_or_default();
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// Asserts that `actual` is what the README shows under the marker `id` (both through
/// [`steady`]). In the README `...` in a line stands for any text there (the line starts with
/// what comes before it and ends with what comes after it); a last line that ends with `...`
/// (or `... }`) stands for the rest of the output as well.
///
/// With `CFNFORGE_BLESS=1` a whole-output block that differs, and has no `...`, is rewritten
/// with what was printed (run one test at a time, and read the change before committing it).
pub fn assert_readme_output(id: &str, actual: &str, paths: &[(&str, &str)]) {
    let (shown, excerpt) = readme_output(id);
    if std::env::var_os("CFNFORGE_BLESS").is_some_and(|v| v == "1")
        && !excerpt
        && !shown.contains("...")
        && std::panic::catch_unwind(|| compare(id, &shown, excerpt, actual, paths)).is_err()
    {
        let mut printed = actual.to_string();
        for (from, to) in paths {
            printed = printed.replace(from, to);
        }
        let readme = std::fs::read_to_string(readme_path()).unwrap();
        let (range, indent, _) = block(&readme, id);
        let indent = " ".repeat(indent);
        let printed: String = printed.lines().map(|l| format!("{indent}{l}\n")).collect();
        let updated = format!(
            "{}{printed}{}",
            &readme[..range.start],
            &readme[range.end..]
        );
        std::fs::write(readme_path(), updated).unwrap();
        return;
    }
    compare(id, &shown, excerpt, actual, paths);
}

/// Whether a README line stands for the printed one: equal, or with `...` standing for any text.
fn stands_for(want: &str, got: &str) -> bool {
    match want.split_once("...") {
        Some((before, after)) => {
            got.starts_with(before)
                && got.ends_with(after)
                && got.len() >= before.len() + after.len()
        }
        None => want == got,
    }
}

/// A last README line that stands for the rest of the output too.
fn ends_in_elision(want: &str) -> bool {
    let trimmed = want.trim_end();
    trimmed.ends_with("...") || trimmed.ends_with("... }")
}

fn compare(id: &str, shown: &str, excerpt: bool, actual: &str, paths: &[(&str, &str)]) {
    let shown = steady(shown, paths);
    let actual = steady(actual, paths);
    let actual_lines: Vec<&str> = actual.lines().collect();
    let shown_lines: Vec<&str> = shown.lines().collect();
    let fail = |why: &str| -> ! {
        panic!(
            "README.md's output {id} is not what the command prints ({why}).\n--- README.md:\n{shown}--- printed:\n{actual}"
        )
    };
    if excerpt {
        let mut at = 0;
        for want in &shown_lines {
            match actual_lines[at..]
                .iter()
                .position(|got| stands_for(want, got))
            {
                Some(i) => at += i + 1,
                None => fail(&format!("no line {want:?} after line {at}")),
            }
        }
        return;
    }
    for (i, want) in shown_lines.iter().enumerate() {
        let last = i + 1 == shown_lines.len();
        let Some(got) = actual_lines.get(i) else {
            fail(&format!("it ends before line {}", i + 1))
        };
        if last && ends_in_elision(want) {
            let before = want.trim_end().trim_end_matches('}').trim_end();
            let before = before.strip_suffix("...").unwrap_or(before).trim_end();
            if !got.starts_with(before) {
                fail(&format!("line {} differs", i + 1));
            }
            return;
        }
        if !stands_for(want, got) {
            fail(&format!("line {} differs", i + 1));
        }
    }
    if actual_lines.len() > shown_lines.len() {
        fail("it prints more lines");
    }
}
