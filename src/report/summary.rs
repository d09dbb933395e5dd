//! The text summary of one fit, laid out as R's `summary(glm)`.

use crate::report::format::{bound, pct, pval, sig, sig_or_na, stars};
use crate::results::FitResult;

/// Columns padded to their widest cell, the first left-aligned.
pub fn table(header: &[String], rows: &[Vec<String>]) -> String {
    let ncol = header.len();
    let mut width = vec![0; ncol];
    for (j, h) in header.iter().enumerate() {
        width[j] = h.chars().count();
    }
    for r in rows {
        for (j, c) in r.iter().enumerate() {
            width[j] = width[j].max(c.chars().count());
        }
    }
    let line = |cells: &[String]| -> String {
        let mut s = String::new();
        for (j, c) in cells.iter().enumerate() {
            let pad = width[j] - c.chars().count();
            if j == 0 {
                s.push_str(c);
                s.push_str(&" ".repeat(pad));
            } else {
                s.push_str("  ");
                s.push_str(&" ".repeat(pad));
                s.push_str(c);
            }
        }
        s.trim_end().to_string()
    };
    let mut out = line(header);
    out.push('\n');
    for r in rows {
        out.push_str(&line(r));
        out.push('\n');
    }
    out
}

/// A titled table: the title line, then the table.
fn titled(s: &mut String, title: &str, header: &[&str], rows: &[Vec<String>]) {
    s.push_str(title);
    let header: Vec<String> = header.iter().map(|x| x.to_string()).collect();
    s.push_str(&table(&header, rows));
}

/// A titled table of `items`, a row each, unless there are none.
fn section<T>(
    s: &mut String,
    title: &str,
    header: &[&str],
    items: &[T],
    row: impl Fn(&T) -> Vec<String>,
) {
    if !items.is_empty() {
        let rows: Vec<Vec<String>> = items.iter().map(row).collect();
        titled(s, title, header, &rows);
    }
}

/// The R-like text summary.
pub fn render(r: &FitResult) -> String {
    let mut s = String::new();
    model(&mut s, r);
    coefficients(&mut s, r);
    fit_statistics(&mut s, r);
    lr_tests(&mut s, r);
    predictions(&mut s, r);
    bootstrap(&mut s, r);
    permutation(&mut s, r);
    marginal_effects(&mut s, r);
    s
}

/// The model: estimator, formula, data and warnings.
fn model(s: &mut String, r: &FitResult) {
    let method = match r.method.as_str() {
        "ml" => "maximum likelihood",
        "firth" => "Firth's penalized likelihood",
        other => other,
    };
    s.push_str(&format!("Logistic regression ({method})\n"));
    if let Some(why) = &r.method_choice {
        s.push_str(&format!("Method chosen by --method auto: {why}\n"));
    }
    s.push_str(&format!("Formula: {}\n", r.formula));
    s.push_str(&format!("Data:    {}\n", r.data));
    for w in &r.warnings {
        s.push_str(&format!("WARNING: {w}\n"));
    }
    s.push('\n');
}

/// The coefficient table with tests and intervals, the significance codes,
/// the FLIC intercept and any separation.
fn coefficients(s: &mut String, r: &FitResult) {
    let lo = (1.0 - r.ci_level) / 2.0;
    let penalized = r.p_value_method == crate::results::PValueMethod::PenalizedLrt;
    let header = vec![
        String::new(),
        "Estimate".into(),
        "Std. Error".into(),
        if penalized { "Chisq" } else { "z value" }.into(),
        if penalized { "Pr(>Chisq)" } else { "Pr(>|z|)" }.into(),
        String::new(),
        pct(lo),
        pct(1.0 - lo),
    ];
    let rows: Vec<Vec<String>> = r
        .coefficients
        .iter()
        .map(|c| {
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
        })
        .collect();
    s.push_str(&format!(
        "Coefficients (standard errors: {}; {} intervals: {}):\n",
        r.vcov_type,
        pct(r.ci_level),
        r.ci_method
    ));
    s.push_str(&table(&header, &rows));
    s.push_str("---\nSignif. codes:  0 '***' 0.001 '**' 0.01 '*' 0.05 '.' 0.1 ' ' 1\n");
    if penalized {
        s.push_str("Tests: penalized likelihood-ratio tests (chi-squared, 1 df), as logistf.\n");
    }
    if let Some(a) = r.flic_intercept {
        s.push_str(&format!(
            "FLIC intercept (used for predicted probabilities): {}\n",
            sig(a, 5)
        ));
    }
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

/// Deviances, likelihood, information criteria, R2 and convergence.
fn fit_statistics(s: &mut String, r: &FitResult) {
    s.push_str(&format!(
        "    Null deviance: {}  on {} degrees of freedom\n",
        sig(r.null_deviance, 5),
        r.df_null
    ));
    s.push_str(&format!(
        "Residual deviance: {}  on {} degrees of freedom\n",
        sig(r.deviance, 5),
        r.df_residual
    ));
    if r.n_dropped > 0 {
        s.push_str(&format!(
            "  ({} observation{} deleted due to missingness)\n",
            r.n_dropped,
            if r.n_dropped == 1 { "" } else { "s" }
        ));
    }
    if let Some(pl) = r.penalized_log_likelihood {
        s.push_str(&format!("Penalized log-likelihood: {}\n", sig(pl, 6)));
    }
    s.push_str(&format!(
        "n = {}, log-likelihood = {}, AIC = {}, BIC = {}\n",
        r.n,
        sig(r.log_likelihood, 6),
        sig(r.aic, 6),
        sig(r.bic, 6)
    ));
    s.push_str(&format!(
        "McFadden R2 = {}, Tjur R2 = {}\n",
        sig(r.mcfadden_r2, 4),
        sig(r.tjur_r2, 4)
    ));
    s.push_str(&format!(
        "Converged: {} ({} iterations)\n",
        if r.converged { "yes" } else { "NO" },
        r.iterations
    ));
}

fn lr_tests(s: &mut String, r: &FitResult) {
    section(
        s,
        "\nLikelihood-ratio tests (each term dropped in turn):\n",
        &["Term", "Df", "Deviance", "LR stat", "Pr(>Chi)"],
        &r.lr_tests,
        |t| {
            vec![
                t.term.clone(),
                t.df.to_string(),
                sig(t.deviance_restricted, 5),
                sig(t.statistic, 5),
                pval(t.p_value),
            ]
        },
    );
}

fn predictions(s: &mut String, r: &FitResult) {
    section(
        s,
        "\nPredicted probabilities (delta-method interval on the logit scale):\n",
        &["At", "Probability", "Std. Error", "Lower", "Upper"],
        &r.predictions,
        |p| {
            vec![
                if p.at.is_empty() {
                    "(means)".into()
                } else {
                    p.at.clone()
                },
                sig(p.probability, 5),
                sig(p.std_error, 5),
                sig(p.conf_low, 5),
                sig(p.conf_high, 5),
            ]
        },
    );
}

fn bootstrap(s: &mut String, r: &FitResult) {
    let Some(b) = &r.bootstrap else {
        return;
    };
    let rows: Vec<Vec<String>> = b
        .coefficients
        .iter()
        .map(|c| {
            vec![
                c.term.clone(),
                sig(c.estimate, 5),
                sig(c.std_error, 5),
                sig(c.bias, 4),
                sig(c.perc_low, 5),
                sig(c.perc_high, 5),
                sig_or_na(c.bca_low, 5),
                sig_or_na(c.bca_high, 5),
            ]
        })
        .collect();
    let title = format!(
        "\nBootstrap ({}, {} replicates, {} failed, seed {}; {} intervals):\n",
        b.kind,
        b.replicates,
        b.failed,
        b.seed,
        pct(b.level)
    );
    let header = [
        "",
        "Estimate",
        "Boot SE",
        "Bias",
        "Perc low",
        "Perc high",
        "BCa low",
        "BCa high",
    ];
    titled(s, &title, &header, &rows);
}

fn permutation(s: &mut String, r: &FitResult) {
    section(
        s,
        "\nPermutation tests (the term's column permuted across rows; LR statistic):\n",
        &["Term", "Statistic", "Permutations", "p", "MC s.e."],
        &r.permutation,
        |t| {
            vec![
                t.term.clone(),
                sig(t.statistic, 5),
                t.replicates.to_string(),
                sig(t.p_value, 3),
                sig(t.monte_carlo_se, 2),
            ]
        },
    );
}

const MARGINAL_EFFECTS_HEADER: [&str; 8] = [
    "Variable",
    "Contrast",
    "AME",
    "Std. Error",
    "z",
    "Pr(>|z|)",
    "Lower",
    "Upper",
];

fn marginal_effects(s: &mut String, r: &FitResult) {
    section(
        s,
        "\nAverage marginal effects (delta method):\n",
        &MARGINAL_EFFECTS_HEADER,
        &r.marginal_effects,
        |m| {
            vec![
                m.variable.clone(),
                m.contrast.clone(),
                sig(m.estimate, 5),
                sig(m.std_error, 5),
                sig(m.statistic, 4),
                pval(m.p_value),
                sig(m.conf_low, 5),
                sig(m.conf_high, 5),
            ]
        },
    );
}
