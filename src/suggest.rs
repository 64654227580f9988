//! "Did you mean …?" for mistyped names: fields, enum values, teams, milestones.

/// The candidate closest to `input`, if one is close enough to be a plausible typo.
pub(crate) fn closest<'a, I>(input: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let needle = input.to_lowercase();
    if needle.is_empty() {
        return None;
    }
    let mut best: Option<(usize, &'a str)> = None;
    for candidate in candidates {
        let lower = candidate.to_lowercase();
        let distance = if needle.len() >= 2 && lower.starts_with(&needle) {
            0
        } else {
            strsim::damerau_levenshtein(&needle, &lower)
        };
        let limit = (needle.chars().count().max(lower.chars().count()) / 3).max(1);
        if distance <= limit && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, c)| c)
}

/// `"; did you mean 'x'?"` or nothing, ready to append to a message.
pub(crate) fn did_you_mean<'a, I>(input: &str, candidates: I) -> String
where
    I: IntoIterator<Item = &'a str>,
{
    closest(input, candidates)
        .map(|c| format!("; did you mean '{c}'?"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_typos_and_prefixes() {
        let fields = ["team", "milestone", "status", "owner"];
        assert_eq!(closest("teem", fields), Some("team"));
        assert_eq!(closest("mile", fields), Some("milestone"));
        assert_eq!(closest("STATSU", fields), Some("status"));
        assert_eq!(closest("zzzzzz", fields), None);
        assert_eq!(closest("", fields), None);
    }
}
