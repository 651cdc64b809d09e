//! "Did you mean ...?" hints for misspelt names.

/// ` (did you mean "Name"?)` naming the candidates closest to `name`, or an empty string when
/// none is close.
pub(crate) fn did_you_mean<'a>(
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
pub(crate) fn close_names<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Vec<&'a str> {
    let wanted = name.to_lowercase();
    let wanted_chars = wanted.chars().count();
    // Short names tolerate one edit, longer ones up to three.
    let limit = (wanted_chars / 4).clamp(1, 3);
    let mut scored: Vec<(usize, usize, &str)> = candidates
        .into_iter()
        .enumerate()
        .filter_map(|(order, candidate)| {
            let lower = candidate.to_lowercase();
            // Cheap to rule out, and most candidates are: every edit changes the length by at
            // most one.
            if lower.chars().count().abs_diff(wanted_chars) > limit {
                return None;
            }
            // Optimal string alignment: a swap of two neighbours ("Prot") is one edit.
            let distance = strsim::osa_distance(&wanted, &lower);
            (distance <= limit).then_some((distance, order, candidate))
        })
        .collect();
    scored.sort();
    let mut names: Vec<&str> = scored.into_iter().map(|(_, _, name)| name).collect();
    names.dedup();
    names.truncate(3);
    names
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
    fn a_swap_is_one_edit_and_short_names_tolerate_one() {
        assert_eq!(close_names("Cahce", ["Cache", "Queue"]), ["Cache"]);
        assert_eq!(close_names("Vcp", ["Vpc"]), ["Vpc"]);
        // Two edits: too many for a name of under eight characters, fine for a longer one.
        assert_eq!(close_names("Cahe1", ["Cache"]), Vec::<&str>::new());
        assert_eq!(
            close_names("SecurtyGrupIds", ["SecurityGroupIds"]),
            ["SecurityGroupIds"]
        );
        assert_eq!(close_names("", ["A", "AB"]), ["A"]);
    }
}
