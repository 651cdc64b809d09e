//! "Did you mean ...?" hints for misspelt names.

/// ` (did you mean "Name"?)` naming the candidates closest to `name`, or an empty string when
/// none is close.
pub(super) fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> String {
    let close = close_names(name, candidates);
    let quoted: Vec<String> = close.iter().map(|c| format!("\"{c}\"")).collect();
    match quoted.as_slice() {
        [] => String::new(),
        [one] => format!(" (did you mean {one}?)"),
        many => format!(" (did you mean one of {}?)", many.join(", ")),
    }
}

/// At most three candidates within a few edits of `name`, ignoring case, closest first.
fn close_names<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let wanted: Vec<char> = name.to_lowercase().chars().collect();
    // Short names tolerate one edit, longer ones up to three.
    let limit = (wanted.len() / 4).clamp(1, 3);
    let mut scored: Vec<(usize, usize, &str)> = candidates
        .into_iter()
        .enumerate()
        .filter_map(|(order, candidate)| {
            let lower: Vec<char> = candidate.to_lowercase().chars().collect();
            edit_distance(&wanted, &lower, limit).map(|d| (d, order, candidate))
        })
        .collect();
    scored.sort();
    let mut names: Vec<&str> = scored.into_iter().map(|(_, _, name)| name).collect();
    names.dedup();
    names.truncate(3);
    names
}

/// Edits (insert, delete, substitute, swap two neighbours) turning `a` into `b`, if at most
/// `limit`.
fn edit_distance(a: &[char], b: &[char], limit: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > limit {
        return None;
    }
    // Rows of the optimal-string-alignment table: two rows back, the previous one, this one.
    let mut before: Vec<usize> = Vec::new();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut current = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let substitute = previous[j - 1] + usize::from(a[i - 1] != b[j - 1]);
            let mut best = substitute.min(previous[j] + 1).min(current[j - 1] + 1);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(before[j - 2] + 1);
            }
            current[j] = best;
        }
        before = std::mem::replace(&mut previous, current);
    }
    let distance = previous[b.len()];
    (distance <= limit).then_some(distance)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_names_that_differ_in_case_or_a_few_letters() {
        let properties = [
            "CacheNodeType",
            "CacheSubnetGroupName",
            "Port",
            "SecurityGroupIds",
        ];
        assert_eq!(
            did_you_mean("cachenodetyp", properties),
            " (did you mean \"CacheNodeType\"?)"
        );
        assert_eq!(
            did_you_mean("Prot", properties),
            " (did you mean \"Port\"?)"
        );
        assert_eq!(did_you_mean("Engine", properties), "");
    }

    #[test]
    fn lists_several_close_names_closest_first() {
        let names = ["CacheB", "CacheA", "Cache"];
        assert_eq!(
            did_you_mean("Cache1", names),
            " (did you mean one of \"CacheB\", \"CacheA\", \"Cache\"?)"
        );
        assert_eq!(
            did_you_mean("cache", names),
            " (did you mean one of \"Cache\", \"CacheB\", \"CacheA\"?)"
        );
    }

    #[test]
    fn edit_distance_counts_swaps_as_one_edit_and_gives_up_past_the_limit() {
        let chars = |s: &str| s.chars().collect::<Vec<_>>();
        assert_eq!(edit_distance(&chars("port"), &chars("prot"), 3), Some(1));
        assert_eq!(
            edit_distance(&chars("kitten"), &chars("sitting"), 3),
            Some(3)
        );
        assert_eq!(edit_distance(&chars("kitten"), &chars("sitting"), 2), None);
        assert_eq!(edit_distance(&chars(""), &chars("ab"), 2), Some(2));
    }
}
