//! The README's rule table is the one the code generates.

mod common;

const START: &str = "<!-- rules:start -->\n";
const END: &str = "<!-- rules:end -->";

#[test]
fn the_readme_rule_table_matches_the_code() {
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap();
    let start = readme.find(START).expect("rules:start marker") + START.len();
    let end = readme.find(END).expect("rules:end marker");
    let table = &readme[start..end];
    let generated = cfnforge::rules::markdown_table();
    if table != generated {
        // CFNFORGE_BLESS=1 rewrites the table from the code.
        if std::env::var_os("CFNFORGE_BLESS").is_some() {
            let updated = format!("{}{generated}{}", &readme[..start], &readme[end..]);
            std::fs::write(common::root().join("README.md"), updated).unwrap();
        }
        panic!("README.md's rule table is stale; rerun with CFNFORGE_BLESS=1 to regenerate it");
    }
}

#[test]
fn the_readme_construct_example_is_the_compiled_example() {
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap();
    let example =
        std::fs::read_to_string(common::root().join("examples/valkey_cache_construct.rs")).unwrap();
    assert!(
        readme.contains(&format!("```rust\n{example}```\n")),
        "README.md's construct example differs from examples/valkey_cache_construct.rs"
    );
}

#[test]
fn the_readme_excerpts_of_the_bandup_app_are_in_its_files() {
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap();
    let mut checked = 0;
    for block in readme.split("```rust\n").skip(1) {
        let block = block.split("```").next().unwrap_or_default();
        let Some((first, rest)) = block.split_once('\n') else {
            continue;
        };
        let Some(file) = first.strip_prefix("// From ") else {
            continue;
        };
        let text = std::fs::read_to_string(common::root().join(file)).unwrap();
        assert!(
            text.contains(rest),
            "README.md's excerpt of {file} is not in the file:\n{rest}"
        );
        checked += 1;
    }
    assert!(checked >= 5, "{checked} excerpts");
}

#[test]
fn the_readme_stack_with_good_choices_is_the_one_check_strict_passes() {
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap();
    let fixture = std::fs::read_to_string(
        common::root().join("tests/fixtures/good-stacks/orders-cache.yaml"),
    )
    .unwrap();
    // The fixture without its opening comment (tests/check.rs runs `check --strict` on it).
    let body: String = fixture
        .lines()
        .skip_while(|l| l.starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(
        readme.contains(&format!("```yaml\n{body}```\n")),
        "README.md's good-choices stack differs from tests/fixtures/good-stacks/orders-cache.yaml"
    );
}

#[test]
fn the_readme_stack_file_is_the_shipped_one_without_its_comments() {
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap();
    let shipped = std::fs::read_to_string(common::root().join("stacks/bandup-redis.yaml")).unwrap();
    let mut expected = String::new();
    for (i, line) in shipped.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.starts_with('#') && !(i == 0 && trimmed.starts_with("# yaml-language-server")) {
            continue;
        }
        let code = match line.find(" #") {
            Some(at) if i > 0 => line[..at].trim_end(),
            _ => line,
        };
        expected.push_str(code);
        expected.push('\n');
    }
    let intro =
        "This is the shipped `stacks/bandup-redis.yaml`,\nwithout its comments:\n\n```yaml\n";
    let start = readme
        .find(intro)
        .expect("README.md shows the shipped stack file")
        + intro.len();
    let shown = &readme[start..start + readme[start..].find("```\n").unwrap()];
    assert_eq!(
        shown, expected,
        "README.md's copy of stacks/bandup-redis.yaml differs from the file"
    );
}

/// Every output the README shows (its ```text and JSON blocks and its blocks with no language) is
/// marked
/// `<!-- output: ID -->`, and a test compares it with what the command prints by that ID
/// (`common::assert_readme_output`).
#[test]
fn every_output_the_readme_shows_is_compared_by_a_test() {
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap();
    let mut tests = String::new();
    let folders =
        ["tests", "deploy/src/tests", "src/app", "src/assertions"].map(|f| common::root().join(f));
    for entry in folders.iter().flat_map(|f| std::fs::read_dir(f).unwrap()) {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            // Code only: a call in a comment compares nothing.
            let code = text
                .lines()
                .map(|l| l.split_once("//").map_or(l, |(code, _)| code))
                .collect::<String>();
            tests.extend(code.chars().filter(|c| !c.is_whitespace()));
        }
    }
    let mut unmarked = Vec::new();
    let mut untested = Vec::new();
    let mut ids = Vec::new();
    let mut open = false;
    let mut previous = "";
    for (n, line) in readme.lines().enumerate() {
        if let Some(language) = line.trim_start().strip_prefix("```") {
            if !open && ["", "text", "json", "jsonc"].contains(&language) {
                let marker = previous
                    .trim_start()
                    .strip_prefix("<!-- output: ")
                    .and_then(|m| m.strip_suffix(" -->"));
                match marker {
                    None => unmarked.push(n + 1),
                    Some(marker) => {
                        let id = marker
                            .trim_end_matches(", lines")
                            .trim_end_matches(", keys");
                        assert!(!ids.contains(&id), "README.md: output {id} is marked twice");
                        ids.push(id);
                        // A comparison by id; check JSON's shape is compared by its own parser.
                        let compared = ["assert_readme_output", "assert_readme_keys"]
                            .iter()
                            .any(|f| tests.contains(&format!("{f}(\"{id}\"")))
                            || (id == "check-json-shape"
                                && tests.contains("readme_output(\"check-json-shape\")"));
                        if !compared {
                            untested.push(id);
                        }
                    }
                }
            }
            open = !open;
        }
        previous = line;
    }
    assert!(
        unmarked.is_empty() && untested.is_empty(),
        "README.md: output blocks with no <!-- output: ID --> marker at lines {unmarked:?}; marked outputs no test compares: {untested:?}"
    );
}

/// Every link to a section of the README (`](#anchor)`) names a heading, as GitHub makes its
/// anchors: lower case, punctuation dropped, spaces as hyphens.
#[test]
fn the_readme_s_section_links_lead_somewhere() {
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap();
    let anchor = |heading: &str| -> String {
        heading
            .trim()
            .to_lowercase()
            .chars()
            .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
            .map(|c| if c == ' ' { '-' } else { c })
            .collect()
    };
    // Headings outside code blocks (a `# ...` in a shell block is a comment).
    let mut in_code = false;
    let headings: Vec<String> = readme
        .lines()
        .filter(|l| {
            if l.trim_start().starts_with("```") {
                in_code = !in_code;
            }
            !in_code
        })
        .filter_map(|l| {
            l.trim_start_matches('#')
                .strip_prefix(' ')
                .filter(|_| l.starts_with('#'))
        })
        .map(anchor)
        .collect();
    let broken: Vec<&str> = readme
        .match_indices("](#")
        .map(|(at, _)| {
            let rest = &readme[at + 3..];
            &rest[..rest.find(')').unwrap_or(rest.len())]
        })
        .filter(|link| !headings.iter().any(|h| h == link))
        .collect();
    assert!(
        broken.is_empty(),
        "README.md links to no heading: {broken:?}"
    );
}
