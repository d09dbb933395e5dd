//! Verdicts: one rule for a directional check, one for combining checks, one
//! reason text. Every analysis kind builds its checks and leaves the verdict
//! to [`conclude`].

use crate::results::{AnalysisResult, Check, Direction, Verdict};

/// Outcome of one directional test: a "negative"/"positive" hypothesis is
/// supported when the estimate has the expected sign and the test rejects at
/// `alpha`, not supported when the estimate has the other sign, inconclusive
/// otherwise; a "not positive"/"not negative" hypothesis is not supported only
/// when the estimate is significantly on the wrong side. A missing estimate or
/// p-value is inconclusive.
pub fn judge(direction: Direction, estimate: f64, p: f64, alpha: f64) -> Verdict {
    if estimate.is_nan() || p.is_nan() {
        return Verdict::Inconclusive;
    }
    let significant = p < alpha;
    match direction {
        Direction::Negative | Direction::Positive => {
            let right = if direction == Direction::Negative {
                estimate < 0.0
            } else {
                estimate > 0.0
            };
            if right && significant {
                Verdict::Supported
            } else if !right && estimate != 0.0 {
                Verdict::NotSupported
            } else {
                Verdict::Inconclusive
            }
        }
        Direction::NotPositive | Direction::NotNegative => {
            let wrong = if direction == Direction::NotPositive {
                estimate > 0.0
            } else {
                estimate < 0.0
            };
            if wrong && significant {
                Verdict::NotSupported
            } else {
                Verdict::Supported
            }
        }
    }
}

/// A positive quantity judged by its interval instead of a p-value: supported
/// when the interval lies above `above`, not supported when the estimate is
/// below it, inconclusive otherwise.
pub fn judge_interval(estimate: f64, low: f64, above: f64) -> Verdict {
    if low > above {
        Verdict::Supported
    } else if estimate < above {
        Verdict::NotSupported
    } else {
        Verdict::Inconclusive
    }
}

/// Combines check outcomes: none → descriptive; any not supported → not
/// supported; all supported → supported; otherwise inconclusive.
pub fn combine(outcomes: &[Verdict]) -> Verdict {
    if outcomes.is_empty() {
        Verdict::Descriptive
    } else if outcomes.contains(&Verdict::NotSupported) {
        Verdict::NotSupported
    } else if outcomes.iter().all(|o| *o == Verdict::Supported) {
        Verdict::Supported
    } else {
        Verdict::Inconclusive
    }
}

/// The checks behind a verdict, in words. A check without a p-value (an
/// interval rule) says which interval decides it.
pub fn reason(checks: &[Check]) -> String {
    checks
        .iter()
        .map(|c| {
            let ci = match (c.conf_low, c.conf_high) {
                (Some(l), Some(h)) => format!(", interval [{l:.3}, {h:.3}]"),
                _ => String::new(),
            };
            let test = if c.p_value.is_nan() {
                format!(
                    "no p-value: decided by whether the {} % {} excludes the null value",
                    c.level_words(),
                    c.p_value_method
                )
            } else {
                format!(
                    "p = {} ({}), α = {}",
                    p_words(c.p_value),
                    c.p_value_method,
                    c.alpha_words()
                )
            };
            format!(
                "{} ({}): expected {}, estimate {:.3}{ci}, {test} → {}",
                c.term,
                c.model,
                c.direction.words(),
                c.estimate,
                c.outcome
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// A p-value in prose: four decimals, or two significant digits below 0.0001.
pub fn p_words(p: f64) -> String {
    if p < 1e-4 {
        format!("{p:.1e}")
    } else {
        format!("{p:.4}")
    }
}

/// Sets a result's checks, its verdict and the reason from the checks.
pub fn conclude(result: &mut AnalysisResult, checks: Vec<Check>) {
    let outcomes: Vec<Verdict> = checks.iter().map(|c| c.outcome).collect();
    result.verdict = combine(&outcomes);
    result.verdict_reason = reason(&checks);
    result.checks = checks;
}
