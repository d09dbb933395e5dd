//! The text summary of an ordered-logit fit (`sovcost fit --family
//! ordinal`), laid out as R's `summary(clm)`: the coefficients, then the
//! thresholds, the fit statistics, the proportional-odds tests, predicted
//! probabilities and marginal effects. Reads results only.

use crate::report::format::{bound, pct, pval, sig, stars};
use crate::report::summary::table;
use crate::results::{Coefficient, OrdinalFitResult};

fn strings(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|c| c.to_string()).collect()
}

/// The R-like text summary.
pub fn render(r: &OrdinalFitResult) -> String {
    let mut s = String::new();
    s.push_str(
        "Ordered logit (cumulative logit, maximum likelihood): logit P(Y <= k) = zeta_k - x'beta\n",
    );
    s.push_str(&format!("Formula: {}\n", r.formula));
    s.push_str(&format!("Data:    {}\n", r.data));
    for w in &r.warnings {
        s.push_str(&format!("WARNING: {w}\n"));
    }
    s.push('\n');
    parameters(&mut s, r);
    statistics(&mut s, r);
    proportional_odds(&mut s, r);
    predictions(&mut s, r);
    marginal_effects(&mut s, r);
    s
}

/// The coefficient and threshold tables.
fn parameters(s: &mut String, r: &OrdinalFitResult) {
    let lo = (1.0 - r.ci_level) / 2.0;
    let header = vec![
        String::new(),
        "Estimate".into(),
        "Std. Error".into(),
        "z value".into(),
        "Pr(>|z|)".into(),
        String::new(),
        pct(lo),
        pct(1.0 - lo),
    ];
    let row = |c: &Coefficient| {
        vec![
            c.term.clone(),
            sig(c.estimate, 5),
            sig(c.std_error, 5),
            sig(c.statistic, 4),
            pval(c.p_value),
            stars(c.p_value).to_string(),
            bound(c.conf_low, true),
            bound(c.conf_high, false),
        ]
    };
    s.push_str(&format!(
        "Coefficients (standard errors: {}; {} intervals: {}):\n",
        r.vcov_type,
        pct(r.ci_level),
        r.ci_method
    ));
    let rows: Vec<Vec<String>> = r.coefficients.iter().map(row).collect();
    s.push_str(&table(&header, &rows));
    s.push_str("\nThresholds (Wald intervals):\n");
    let rows: Vec<Vec<String>> = r.thresholds.iter().map(row).collect();
    s.push_str(&table(&header, &rows));
    s.push_str("---\nSignif. codes:  0 '***' 0.001 '**' 0.01 '*' 0.05 '.' 0.1 ' ' 1\n");
    if let Some(sep) = r.separation.as_ref().filter(|x| x.separated) {
        s.push_str(&format!(
            "Separation ({}): {} perfectly predicted rows; infinite ML estimates: {}\n",
            sep.kind,
            sep.perfectly_predicted_rows.len(),
            sep.infinite_estimates
                .iter()
                .map(|e| format!("{} {}", e.term, e.direction))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    s.push('\n');
}

/// Likelihood, information criteria, levels and convergence.
fn statistics(s: &mut String, r: &OrdinalFitResult) {
    let counts: Vec<String> = r
        .level_counts
        .iter()
        .enumerate()
        .map(|(l, c)| format!("{l}: {c}"))
        .collect();
    s.push_str(&format!(
        "n = {}, levels = {} ({})\n",
        r.n,
        r.levels,
        counts.join(", ")
    ));
    if r.n_dropped > 0 {
        s.push_str(&format!(
            "  ({} observation{} deleted due to missingness)\n",
            r.n_dropped,
            if r.n_dropped == 1 { "" } else { "s" }
        ));
    }
    s.push_str(&format!(
        "log-likelihood = {} (null: {}), AIC = {}, BIC = {}, McFadden R2 = {}\n",
        sig(r.log_likelihood, 6),
        sig(r.null_log_likelihood, 6),
        sig(r.aic, 6),
        sig(r.bic, 6),
        sig(r.mcfadden_r2, 4)
    ));
    s.push_str(&format!(
        "Converged: {} ({} iterations, max |score| = {})\n",
        if r.converged { "yes" } else { "NO" },
        r.iterations,
        sig(r.max_gradient, 2)
    ));
}

fn proportional_odds(s: &mut String, r: &OrdinalFitResult) {
    if r.proportional_odds_tests.is_empty() {
        return;
    }
    s.push_str("\nProportional-odds tests (LR against level-specific coefficients):\n");
    let rows: Vec<Vec<String>> = r
        .proportional_odds_tests
        .iter()
        .map(|t| {
            vec![
                t.term.clone(),
                t.df.to_string(),
                sig(t.statistic, 5),
                pval(t.p_value),
                stars(t.p_value).to_string(),
            ]
        })
        .collect();
    s.push_str(&table(&strings(&["", "Df", "LRT", "Pr(>Chi)", ""]), &rows));
}

fn predictions(s: &mut String, r: &OrdinalFitResult) {
    if r.predictions.is_empty() {
        return;
    }
    let lo = (1.0 - r.ci_level) / 2.0;
    s.push_str("\nPredicted probabilities (delta-method SEs):\n");
    let mut rows = Vec::new();
    for p in &r.predictions {
        let at = if p.at.is_empty() { "(means)" } else { &p.at };
        for l in &p.levels {
            rows.push(vec![
                at.to_string(),
                l.level.to_string(),
                sig(l.probability, 5),
                sig(l.std_error, 5),
                sig(l.conf_low, 5),
                sig(l.conf_high, 5),
            ]);
        }
    }
    let header = vec![
        "at".into(),
        "level".into(),
        "P(Y = level)".into(),
        "Std. Error".into(),
        pct(lo),
        pct(1.0 - lo),
    ];
    s.push_str(&table(&header, &rows));
}

fn marginal_effects(s: &mut String, r: &OrdinalFitResult) {
    if r.marginal_effects.is_empty() {
        return;
    }
    s.push_str("\nAverage marginal effects on P(Y = level) (delta-method SEs):\n");
    let rows: Vec<Vec<String>> = r
        .marginal_effects
        .iter()
        .map(|e| {
            vec![
                e.variable.clone(),
                e.contrast.clone(),
                e.level.to_string(),
                sig(e.estimate, 5),
                sig(e.std_error, 5),
                sig(e.statistic, 4),
                pval(e.p_value),
            ]
        })
        .collect();
    let header = strings(&[
        "variable",
        "contrast",
        "level",
        "AME",
        "Std. Error",
        "z value",
        "Pr(>|z|)",
    ]);
    s.push_str(&table(&header, &rows));
}
