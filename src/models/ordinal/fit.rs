//! The ordered-logit pipeline, one function per step: the design (the
//! binary design builder with the ordinal outcome rule, without its
//! intercept column), the ML fit and the separation check, the estimates
//! (finite, or the limits of a separated fit), what is derived from them
//! (predictions, marginal effects, proportional-odds tests) and the fit
//! statistics.

use super::effects::{self, Estimates};
use super::inference::{covariance, profile_interval, proportional_odds_test};
use super::{fit, fitted_probabilities, null_log_likelihood, separation, Fit, Problem};
use crate::design::{self, Design, OutcomeScale};
use crate::error::{Error, Result};
use crate::linalg;
use crate::models::inference::{wald, VcovType};
use crate::models::{extra_columns, group_ids, CiMethod, FitSpec, SEPARATION_CHECK_MAX_ROWS};
use crate::results::{
    Coefficient, OrdinalFitResult, OrdinalInterval, ProportionalOddsTest, Separation,
};
use crate::table::Table;

/// A design ready for the ordinal model.
struct OrdinalData {
    /// Without the intercept column (the thresholds take its place).
    design: Design,
    y: Vec<usize>,
    thresholds: usize,
    clusters: Option<Vec<usize>>,
}

impl OrdinalData {
    fn problem(&self) -> Problem<'_> {
        let d = &self.design;
        Problem::new(&d.x, d.n, d.p, &self.y, self.thresholds)
    }
    /// `0|1`, `1|2`, ..., then the coefficient names.
    fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = (0..self.thresholds)
            .map(|k| format!("{}|{}", k, k + 1))
            .collect();
        names.extend(self.design.names());
        names
    }
}

/// The formula parsed with the intercept it must have, and the columns read.
fn parse_spec(spec: &FitSpec) -> Result<(crate::formula::Formula, design::Extra)> {
    if !(spec.level > 0.0 && spec.level < 1.0) {
        return Err(Error::usage(format!(
            "the confidence level must be between 0 and 1, got {}",
            spec.level
        )));
    }
    let formula = crate::formula::parse(&spec.formula)?;
    if !formula.intercept {
        return Err(Error::usage(format!(
            "'{}': an ordinal model has thresholds in place of an intercept; write the formula without '- 1' or '+ 0'",
            spec.formula.trim()
        )));
    }
    let mut extra = extra_columns(spec);
    extra.outcome = OutcomeScale::Ordinal;
    Ok((formula, extra))
}

/// Fits an ordered logit to a CSV file.
pub fn fit_csv(path: &std::path::Path, spec: &FitSpec) -> Result<OrdinalFitResult> {
    let (formula, extra) = parse_spec(spec)?;
    let (numeric, text) = design::needed_columns(&formula, &extra);
    let table = Table::read_csv_columns(path, &numeric, &text, &spec.csv)?;
    let data = prepare(&table, &formula, &extra, spec)?;
    let label = table.path().display().to_string();
    drop(table);
    fit_data(&data, spec, &label)
}

/// Fits an ordered logit to a table.
pub fn fit_table(table: &Table, spec: &FitSpec) -> Result<OrdinalFitResult> {
    let (formula, extra) = parse_spec(spec)?;
    let data = prepare(table, &formula, &extra, spec)?;
    fit_data(&data, spec, &table.path().display().to_string())
}

/// The design without its intercept, the outcome levels and the clusters.
fn prepare(
    table: &Table,
    formula: &crate::formula::Formula,
    extra: &design::Extra,
    spec: &FitSpec,
) -> Result<OrdinalData> {
    let (full, extras) = design::build(table, formula, extra)?;
    let design = full.without_columns(&[0]);
    let y: Vec<usize> = design.y.iter().map(|&v| v as usize).collect();
    let thresholds = y.iter().copied().max().unwrap_or(0);
    let parameters = thresholds + design.p;
    if design.n <= parameters {
        return Err(Error::not_estimable_at(
            crate::error::Location::file(table.path()),
            format!(
                "{} complete rows for {parameters} parameters ({thresholds} thresholds and {} coefficients): an ordinal model needs more rows than parameters",
                design.n, design.p
            ),
        ));
    }
    let clusters = match &spec.vcov {
        VcovType::Cluster(_) => extras.first().map(|labels| group_ids(labels)),
        _ => None,
    };
    Ok(OrdinalData {
        design,
        y,
        thresholds,
        clusters,
    })
}

/// The interval method: profile by default (as `confint()` on a clm), Wald
/// with a robust covariance unless a profile is asked for.
fn interval_method(spec: &FitSpec) -> OrdinalInterval {
    match spec.ci {
        CiMethod::Wald => OrdinalInterval::Wald,
        CiMethod::Profile => OrdinalInterval::Profile,
        CiMethod::Default if spec.vcov != VcovType::Model => OrdinalInterval::Wald,
        CiMethod::Default => OrdinalInterval::Profile,
    }
}

/// The estimates and their covariance, before what is derived from them.
struct Estimated {
    parameters: Vec<Coefficient>,
    /// Row-major, over all parameters.
    vcov: Vec<f64>,
    log_likelihood: f64,
    /// Set when the estimates are finite and the derived quantities exist.
    finite: Option<Fit>,
}

fn fit_data(data: &OrdinalData, spec: &FitSpec, label: &str) -> Result<OrdinalFitResult> {
    let prob = data.problem();
    let ml = fit(&prob, None);
    let mut warnings = Vec::new();
    let separation = check_separation(data, &prob, &ml)?;
    let ci = interval_method(spec);
    let est = match separation.as_ref().filter(|s| s.separated) {
        Some(s) => separated_estimates(data, spec, s, &mut warnings)?,
        None => {
            if !ml.converged {
                warnings.push(format!(
                    "the fit did not converge in {} iterations (largest absolute score {:.3e}); the estimates are not maximum-likelihood estimates",
                    ml.iterations, ml.max_gradient
                ));
            }
            finite_estimates(data, spec, ci, ml.clone())?
        }
    };
    let mut result = assemble(data, spec, label, &ml, est, ci)?;
    result.separation = separation;
    result.warnings.extend(warnings);
    Ok(result)
}

/// Runs the LP check when the stacked design is small enough or the fit
/// shows signs of separation.
fn check_separation(data: &OrdinalData, prob: &Problem, ml: &Fit) -> Result<Option<Separation>> {
    let eps = 1e-10;
    let suspicious = !ml.converged
        || ml.singular
        || fitted_probabilities(prob, &ml.theta)
            .iter()
            .any(|&p| p > 1.0 - eps);
    if data.design.n * data.thresholds > SEPARATION_CHECK_MAX_ROWS && !suspicious {
        return Ok(None);
    }
    let d = &data.design;
    separation::check(
        &d.x,
        d.n,
        d.p,
        &data.y,
        data.thresholds,
        &data.names(),
        &d.data_rows(),
    )
    .map(Some)
}

/// Wald tests and intervals (profile for the coefficients if asked) of a
/// finite fit.
fn finite_estimates(
    data: &OrdinalData,
    spec: &FitSpec,
    ci: OrdinalInterval,
    ml: Fit,
) -> Result<Estimated> {
    let prob = data.problem();
    let vcov = covariance(&prob, &ml, &spec.vcov, data.clusters.as_deref())?;
    let np = prob.parameters();
    let names = data.names();
    let parameters = (0..np)
        .map(|j| {
            let w = wald(ml.theta[j], vcov[j * np + j], spec.level);
            let (low, high) = if ci == OrdinalInterval::Profile && j >= data.thresholds {
                profile_interval(&prob, &ml, j - data.thresholds, w.std_error, spec.level)
            } else {
                (Some(w.low), Some(w.high))
            };
            Coefficient {
                term: names[j].clone(),
                estimate: ml.theta[j],
                std_error: w.std_error,
                statistic: w.z,
                p_value: w.p_value,
                conf_low: low,
                conf_high: high,
            }
        })
        .collect();
    Ok(Estimated {
        parameters,
        vcov,
        log_likelihood: ml.loglik,
        finite: Some(ml),
    })
}

/// A parameter that cannot be estimated (infinite or not separable).
fn not_available(term: &str, estimate: f64) -> Coefficient {
    Coefficient {
        term: term.to_string(),
        estimate,
        std_error: f64::NAN,
        statistic: f64::NAN,
        p_value: f64::NAN,
        conf_low: None,
        conf_high: None,
    }
}

/// The estimates of a separated fit: the separated parameters infinite, the
/// others the limits of the ML estimates when they can be found (see
/// [`separated_limit`]), else NA.
fn separated_estimates(
    data: &OrdinalData,
    spec: &FitSpec,
    sep: &Separation,
    warnings: &mut Vec<String>,
) -> Result<Estimated> {
    let names = data.names();
    let np = names.len();
    let infinite: Vec<(usize, f64)> = sep
        .infinite_estimates
        .iter()
        .filter_map(|e| {
            Some((
                names.iter().position(|n| *n == e.term)?,
                e.direction.limit(),
            ))
        })
        .collect();
    let terms: Vec<String> = sep
        .infinite_estimates
        .iter()
        .map(|e| format!("{} {}", e.term, e.direction))
        .collect();
    warnings.push(format!(
        "SEPARATION ({}): the maximum-likelihood estimates of {} are infinite; {} rows have their level's fitted probability driven to 1; their estimates are reported as infinite and their tests as NA",
        sep.kind,
        terms.join(", "),
        sep.perfectly_predicted_rows.len()
    ));
    let limit = separated_limit(data, spec, sep, &infinite);
    let mut parameters = Vec::with_capacity(np);
    let mut vcov = vec![f64::NAN; np * np];
    let kept: Vec<usize> = (0..np)
        .filter(|j| !infinite.iter().any(|(i, _)| i == j))
        .collect();
    for j in 0..np {
        match (infinite.iter().find(|(i, _)| *i == j), &limit) {
            (Some((_, sign)), _) => parameters.push(not_available(&names[j], *sign)),
            (None, Some(l)) => {
                let k = kept.iter().position(|&v| v == j).expect("kept");
                let mut c = l.parameters[k].clone();
                c.term = names[j].clone();
                parameters.push(c);
                for (k2, &j2) in kept.iter().enumerate() {
                    vcov[j * np + j2] = l.vcov[k * kept.len() + k2];
                }
            }
            (None, None) => parameters.push(not_available(&names[j], f64::NAN)),
        }
    }
    let log_likelihood = match &limit {
        Some(l) => {
            warnings.push(format!(
                "the finite estimates are the limits of the ML estimates: the fit on the {} rows that are not perfectly predicted, without the separated terms; the log-likelihood is its supremum",
                sep.boundary_rows.len()
            ));
            l.log_likelihood
        }
        None => {
            if infinite.len() < np {
                warnings.push(
                    "the finite ML estimates cannot be separated from the diverging ones here: they are reported as NA".into(),
                );
            }
            f64::NAN
        }
    };
    Ok(Estimated {
        parameters,
        vcov,
        log_likelihood,
        finite: None,
    })
}

/// Under quasi-complete separation by coefficients (not thresholds) whose
/// columns are zero on the rows that are not perfectly predicted, the other
/// estimates converge to the fit on those rows without the separated
/// columns (the perfectly predicted rows contribute log 1 = 0 in the
/// limit), provided those rows still have every level. `None` otherwise.
fn separated_limit(
    data: &OrdinalData,
    spec: &FitSpec,
    sep: &Separation,
    infinite: &[(usize, f64)],
) -> Option<Estimated> {
    let (d, k) = (&data.design, data.thresholds);
    if infinite.iter().any(|(j, _)| *j < k) {
        return None;
    }
    let drop: Vec<usize> = infinite.iter().map(|(j, _)| j - k).collect();
    let boundary: std::collections::BTreeSet<usize> = sep.boundary_rows.iter().copied().collect();
    let rows: Vec<usize> = (0..d.n)
        .filter(|&i| boundary.contains(&d.data_row(i)))
        .collect();
    let zero = rows
        .iter()
        .all(|&i| drop.iter().all(|&c| d.x[i * d.p + c] == 0.0));
    let keep: Vec<usize> = (0..d.p).filter(|c| !drop.contains(c)).collect();
    let y: Vec<usize> = rows.iter().map(|&i| data.y[i]).collect();
    let every_level = (0..=k).all(|l| y.contains(&l));
    if !zero || !every_level || rows.len() <= k + keep.len() {
        return None;
    }
    let mut x = Vec::with_capacity(rows.len() * keep.len());
    for &i in &rows {
        x.extend(keep.iter().map(|&c| d.x[i * d.p + c]));
    }
    if !linalg::aliased_columns(&x, rows.len(), keep.len()).is_empty() {
        return None;
    }
    let sub = OrdinalData {
        design: subset_design(d, &rows, &keep, x),
        y,
        thresholds: k,
        clusters: data
            .clusters
            .as_ref()
            .map(|c| group_ids(&rows.iter().map(|&i| c[i].to_string()).collect::<Vec<_>>())),
    };
    let prob = sub.problem();
    let f = fit(&prob, None);
    if !f.converged {
        return None;
    }
    finite_estimates(&sub, spec, OrdinalInterval::Wald, f).ok()
}

/// The design restricted to some rows and columns (for a refit only: the
/// variable data are not carried over).
fn subset_design(d: &Design, rows: &[usize], keep: &[usize], x: Vec<f64>) -> Design {
    let mut sub = d.without_columns(&(0..d.p).filter(|c| !keep.contains(c)).collect::<Vec<_>>());
    sub.n = rows.len();
    sub.x = x;
    sub.y = rows.iter().map(|&i| d.y[i]).collect();
    sub.rows_used = rows.iter().map(|&i| d.data_row(i)).collect();
    sub.data = vec![];
    sub
}

/// The result, with the derived quantities of a finite fit.
fn assemble(
    data: &OrdinalData,
    spec: &FitSpec,
    label: &str,
    ml: &Fit,
    est: Estimated,
    ci: OrdinalInterval,
) -> Result<OrdinalFitResult> {
    let (d, k) = (&data.design, data.thresholds);
    let np = k + d.p;
    let n = d.n as f64;
    let ll = est.log_likelihood;
    let ll0 = null_log_likelihood(&data.y, k);
    let mut warnings = Vec::new();
    let (predictions, marginal_effects, po_tests) = match &est.finite {
        Some(f) => derived(data, spec, f, &est.vcov, &mut warnings)?,
        None => (vec![], vec![], vec![]),
    };
    let mut parameters = est.parameters;
    let coefficients = parameters.split_off(k);
    Ok(OrdinalFitResult {
        model: "cumulative_logit",
        formula: spec.formula.trim().to_string(),
        data: label.to_string(),
        n: d.n,
        n_dropped: d.n_dropped,
        levels: k + 1,
        level_counts: (0..=k)
            .map(|l| data.y.iter().filter(|&&v| v == l).count())
            .collect(),
        converged: ml.converged,
        iterations: ml.iterations,
        max_gradient: ml.max_gradient,
        log_likelihood: ll,
        null_log_likelihood: ll0,
        deviance: -2.0 * ll,
        parameters: np,
        aic: -2.0 * ll + 2.0 * np as f64,
        bic: -2.0 * ll + np as f64 * n.ln(),
        mcfadden_r2: 1.0 - ll / ll0,
        vcov_type: spec.vcov.label(),
        ci_level: spec.level,
        ci_method: ci,
        warnings,
        separation: None,
        thresholds: parameters,
        coefficients,
        vcov_terms: data.names(),
        vcov: (0..np)
            .map(|i| est.vcov[i * np..(i + 1) * np].to_vec())
            .collect(),
        predictions,
        marginal_effects,
        proportional_odds_tests: po_tests,
    })
}

type Derived = (
    Vec<crate::results::OrdinalPrediction>,
    Vec<crate::results::OrdinalMarginalEffect>,
    Vec<ProportionalOddsTest>,
);

/// Predictions, marginal effects (if asked) and the proportional-odds tests
/// of a finite fit.
fn derived(
    data: &OrdinalData,
    spec: &FitSpec,
    f: &Fit,
    vcov: &[f64],
    warnings: &mut Vec<String>,
) -> Result<Derived> {
    let est = Estimates {
        theta: &f.theta,
        vcov,
        thresholds: data.thresholds,
        level: spec.level,
    };
    let predictions = spec
        .predict
        .iter()
        .map(|at| effects::predict(&data.design, &est, at))
        .collect::<Result<Vec<_>>>()?;
    let ames = if spec.marginal_effects {
        effects::average_marginal_effects(&data.design, &est)
    } else {
        vec![]
    };
    let prob = data.problem();
    let d = &data.design;
    let tests: Vec<ProportionalOddsTest> = d
        .term_labels
        .iter()
        .enumerate()
        .map(|(t, label)| proportional_odds_test(&prob, f, label, &d.term_columns(t)))
        .collect();
    for t in tests.iter().filter(|t| t.statistic.is_nan()) {
        warnings.push(format!(
            "the proportional-odds test of {} is NA: the model with level-specific coefficients for it could not be fitted (its fitted probabilities would be negative)",
            t.term
        ));
    }
    Ok((predictions, ames, tests))
}
