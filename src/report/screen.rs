//! The one-screen summary of a run: each analysis's verdict, the checks that
//! decide it and the numbers its kind puts first.

use crate::report::format::{pval, with_interval};
use crate::results::{AnalysisResult, Check, Kind, RunResults};

/// The summary printed by `sovcost run`.
pub fn verdicts(r: &RunResults) -> String {
    let mut s = format!(
        "sovcost {} · dataset {} ({} instruments, {} actions) · {}\n\n",
        r.sovcost_version,
        &r.dataset_sha256[..12],
        r.instruments,
        r.actions,
        crate::report::document::seed_words(r)
    );
    for a in &r.analyses {
        s.push_str(&format!(
            "{:<15} {}\n",
            a.verdict.as_str().to_uppercase(),
            a.title
        ));
        for line in deciding_lines(a) {
            s.push_str(&format!("{:<15}   {line}\n", ""));
        }
    }
    s
}

/// The checks that decide the verdict, then the kind's headline numbers. A
/// robustness analysis shows the variants that disagree with its first
/// variant (or the first, when every variant agrees).
fn deciding_lines(a: &AnalysisResult) -> Vec<String> {
    let mut lines: Vec<String> = if a.kind == Kind::Robustness {
        robustness_lines(&a.checks)
    } else {
        a.checks
            .iter()
            .map(|c| format!("decided by {}", check_words(c)))
            .collect()
    };
    for name in &a.headline {
        if let Some(n) = a.numbers.iter().find(|n| &n.name == name) {
            lines.push(format!(
                "{}: {}",
                n.label,
                with_interval(n.value, n.low, n.high)
            ));
        }
    }
    lines
}

fn robustness_lines(checks: &[Check]) -> Vec<String> {
    let Some(first) = checks.first() else {
        return Vec::new();
    };
    let differ: Vec<&Check> = checks
        .iter()
        .filter(|c| c.outcome != first.outcome)
        .collect();
    if differ.is_empty() {
        return vec![format!("every variant agrees; {}", check_words(first))];
    }
    let mut lines = vec![format!("base variant: {}", check_words(first))];
    lines.extend(
        differ
            .iter()
            .map(|c| format!("changes the verdict: {}", check_words(c))),
    );
    lines
}

/// A check in one line: term (model), estimate, interval, test and outcome.
pub fn check_words(c: &Check) -> String {
    let test = if c.p_value.is_nan() {
        format!("{} % {}", c.level_words(), c.p_value_method)
    } else {
        format!("p = {}, {}", pval(c.p_value), c.p_value_method)
    };
    format!(
        "{} ({}): {} ({test}) → {}",
        c.term,
        c.model,
        with_interval(c.estimate, c.conf_low, c.conf_high),
        c.outcome
    )
}
