//! "Did you mean …?" for unknown names.

/// The candidate closest to `name`, if close enough to be a likely typo.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    // Past this length a name is not a word someone mistyped, and the
    // distance (quadratic in the lengths) is not worth computing.
    const LONGEST: usize = 100;
    let lower = name.to_lowercase();
    let len = lower.chars().count();
    if len > LONGEST {
        return None;
    }
    candidates
        .into_iter()
        .filter_map(|c| {
            let c_len = c.chars().count();
            let most = (c_len.max(len) / 3).max(1);
            if c_len > LONGEST || c_len.abs_diff(len) > most {
                return None;
            }
            let d = distance(&lower, &c.to_lowercase());
            (d <= most).then_some((d, c))
        })
        .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)))
        .map(|(_, c)| c.to_string())
}

/// The help line for an unknown name: "did you mean `x`?" when a
/// candidate is close, else what `otherwise` says.
pub fn help_for<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    otherwise: impl FnOnce() -> String,
) -> String {
    match did_you_mean(name, candidates) {
        Some(s) => format!("did you mean `{s}`?"),
        None => otherwise(),
    }
}

/// Edit distance over characters where swapping two neighbours counts as
/// one edit (`levle` is one slip from `level`). Quadratic: callers bound
/// the lengths.
pub fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    for i in 0..=a.len() {
        d[i * w] = i;
    }
    for (j, cell) in d.iter_mut().enumerate().take(w) {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[(i - 1) * w + j] + 1)
                .min(d[i * w + j - 1] + 1)
                .min(d[(i - 1) * w + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[(i - 2) * w + j - 2] + 1);
            }
            d[i * w + j] = best;
        }
    }
    d[a.len() * w + b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(
            did_you_mean("excelent_cap", ["excellent_cap", "min_months"]),
            Some("excellent_cap".into())
        );
        assert_eq!(
            did_you_mean("HTXSV", ["HTXSNV", "HTTNV"]),
            Some("HTXSNV".into())
        );
        assert_eq!(did_you_mean("zzz", ["excellent_cap"]), None);
        assert_eq!(
            did_you_mean("levle", ["level", "score"]),
            Some("level".into())
        );
    }
}
