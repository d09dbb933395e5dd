//! The fit pipeline on a built design, one function per step: the ML fit and
//! the separation check, the choice of estimator, the ML estimates (finite,
//! or the limits of a separated fit), the Firth estimates, what is derived
//! from the estimates (predictions, marginal effects, resampling) and the fit
//! statistics.

use super::inference::{self, VcovType};
use super::separation;
use super::{
    choose_method, effects, firth, firth_wald_at_scale, group_ids, logit, resampling, stage,
    CiMethod, FitSpec, Method, TestMethod, SEPARATION_CHECK_MAX_ROWS,
};
use crate::design::Design;
use crate::error::{Error, Result};
use crate::linalg;
use crate::results::Separation;
use crate::results::{
    Bootstrap, Coefficient, FitResult, Iteration, LrTest, MarginalEffect, PValueMethod,
    PermutationTest, Prediction,
};

/// What an estimator produced, before the fit statistics.
struct Estimates {
    coefficients: Vec<Coefficient>,
    estimate: Vec<f64>,
    /// Row-major p x p.
    vcov: Vec<f64>,
    mu: Vec<f64>,
    deviance: f64,
    converged: bool,
    iterations: usize,
    penalized: Option<f64>,
    flic: Option<f64>,
    history: Vec<Iteration>,
    lr_tests: Vec<LrTest>,
    p_value_method: PValueMethod,
}

/// What is computed from the estimates.
struct Derived {
    predictions: Vec<Prediction>,
    marginal_effects: Vec<MarginalEffect>,
    bootstrap: Option<Bootstrap>,
    permutation: Vec<PermutationTest>,
}

/// The data and settings every step of one fit shares.
struct Fitting<'a> {
    design: &'a Design,
    prob: logit::Problem<'a>,
    spec: &'a FitSpec,
    ci: CiMethod,
    /// Wald tests of the coefficients (always for ML).
    wald_tests: bool,
    robust: bool,
    clusters: Option<&'a [inference::ClusterIds]>,
    names: Vec<String>,
}

/// Fits a specification to a built design.
pub fn fit_design(
    design: &Design,
    spec: &FitSpec,
    clusters: Option<&[inference::ClusterIds]>,
    boot_clusters: Option<&[usize]>,
    data_label: &str,
) -> Result<FitResult> {
    let mut prob = logit::Problem::new(&design.x, design.n, design.p, &design.y);
    prob.at_zero = design.at_zero.as_ref();
    let control = logit::Control::default();
    let t0 = std::time::Instant::now();
    // A Firth fit on a large design needs no ML fit: the ML fit there serves
    // only to decide whether to run the separation check, and Firth's
    // estimates are finite either way.
    let skip_ml = spec.method == Method::Firth && design.n > SEPARATION_CHECK_MAX_ROWS;
    let ml = (!skip_ml).then(|| logit::fit(&prob, None, &control));
    stage("ML fit", t0);
    let separation = match &ml {
        Some(fit) => check_separation(design, Some(fit))?,
        None => None,
    };
    let (method, method_reason) = match spec.method {
        Method::Auto => {
            let (m, why) = choose_method(design, separation.as_ref());
            (m, Some(why))
        }
        m => (m, None),
    };
    let robust = spec.vcov != VcovType::Model;
    let ci = match spec.ci.resolve(method) {
        // Robust SEs go with Wald intervals unless a profile is asked for explicitly.
        CiMethod::Profile if robust && spec.ci == CiMethod::Default => CiMethod::Wald,
        other => other,
    };
    let mut warnings = Vec::new();
    let (ci, wald_tests) = firth_defaults(design, spec, method, ci, &mut warnings);
    if let Some(s) = separation.as_ref().filter(|s| s.separated) {
        warnings.push(separation_warning(s, method));
    }
    let ll0_deviance = logit::null_deviance(&prob, design.intercept);
    let f = Fitting {
        design,
        prob,
        spec,
        ci,
        wald_tests,
        robust,
        clusters,
        names: design.names(),
    };
    let est = match method {
        Method::Ml | Method::Auto => {
            let ml = ml.expect("the ML fit is skipped only for --method firth");
            ml_estimates(&f, ml, separation.as_ref(), &mut warnings)?
        }
        Method::Firth => firth_estimates(&f, &mut warnings)?,
    };
    let derived = derive(design, spec, method, &est, boot_clusters, &mut warnings)?;
    stage("fit with inference", t0);
    let stats = FitStatistics::new(design, &est, ll0_deviance);
    Ok(FitResult {
        method: method.label().to_string(),
        method_choice: method_reason,
        formula: spec.formula.trim().to_string(),
        data: data_label.to_string(),
        n: design.n,
        n_dropped: design.n_dropped,
        converged: est.converged,
        iterations: est.iterations,
        log_likelihood: stats.ll,
        null_log_likelihood: stats.ll0,
        penalized_log_likelihood: est.penalized,
        deviance: est.deviance,
        null_deviance: ll0_deviance,
        df_residual: design.n - design.p,
        df_null: design.n - usize::from(design.intercept),
        aic: stats.aic,
        bic: stats.bic,
        mcfadden_r2: stats.mcfadden_r2,
        tjur_r2: stats.tjur_r2,
        vcov_type: spec.vcov.label(),
        ci_level: spec.level,
        ci_method: ci.label().to_string(),
        p_value_method: est.p_value_method,
        warnings,
        separation,
        coefficients: est.coefficients,
        flic_intercept: est.flic,
        vcov: (0..design.p)
            .map(|i| est.vcov[i * design.p..(i + 1) * design.p].to_vec())
            .collect(),
        iteration_history: est.history,
        lr_tests: est.lr_tests,
        predictions: derived.predictions,
        marginal_effects: derived.marginal_effects,
        bootstrap: derived.bootstrap,
        permutation: derived.permutation,
    })
}

/// Separation check, when the design is small enough or the ML fit showed
/// signs of it.
fn check_separation(design: &Design, ml: Option<&logit::Fit>) -> Result<Option<Separation>> {
    let suspicious = ml
        .map(|f| {
            let eps = 10.0 * f64::EPSILON;
            !f.converged || f.mu.iter().any(|&m| m < eps || m > 1.0 - eps)
        })
        .unwrap_or(true);
    if design.n <= SEPARATION_CHECK_MAX_ROWS || suspicious {
        separation::detect_with_fit(
            &design.x,
            design.n,
            design.p,
            &design.y,
            &design.names(),
            &design.data_rows(),
            ml,
        )
        .map(Some)
    } else {
        Ok(None)
    }
}

/// The warning for separated data.
fn separation_warning(s: &Separation, method: Method) -> String {
    let terms: Vec<String> = s
        .infinite_estimates
        .iter()
        .map(|e| format!("{} {}", e.term, e.direction))
        .collect();
    format!(
        "SEPARATION ({}): the maximum-likelihood estimates of {} are infinite; {} rows are perfectly predicted{}",
        s.kind,
        terms.join(", "),
        s.perfectly_predicted_rows.len(),
        if method == Method::Ml {
            "; the ML estimates of these terms are reported as infinite and their tests as NA: use --method firth (or auto)"
        } else {
            ""
        }
    )
}

/// The ML estimates: finite, or (on separated data) infinite for the
/// separated terms and the limits of the others.
fn ml_estimates(
    f: &Fitting,
    ml: logit::Fit,
    separation: Option<&Separation>,
    warnings: &mut Vec<String>,
) -> Result<Estimates> {
    if !ml.converged && !separation.is_some_and(|s| s.separated) {
        warnings.push(format!(
            "the fit did not converge in {} iterations (deviance {:.6}); the estimates are not maximum-likelihood estimates",
            ml.iterations, ml.deviance
        ));
    }
    if ml.singular {
        warnings.push("the information matrix became singular during fitting".into());
    }
    let eps = 10.0 * f64::EPSILON;
    if ml.mu.iter().any(|&m| m < eps || m > 1.0 - eps) {
        warnings.push("fitted probabilities numerically 0 or 1 occurred".into());
    }
    let infinite: Vec<(usize, f64)> = separation
        .iter()
        .flat_map(|s| s.infinite_estimates.iter())
        .filter_map(|e| {
            let j = f.names.iter().position(|n| *n == e.term)?;
            Some((j, e.direction.limit()))
        })
        .collect();
    let (coefficients, vcov, deviance) = if infinite.is_empty() {
        let vcov = inference::ml_covariance(&f.prob, &ml, &f.spec.vcov, f.clusters)?;
        warn_not_psd(&f.spec.vcov, &vcov, f.design.p, warnings);
        let coefficients = ml_coefficients(f, &f.prob, &ml, &vcov);
        (coefficients, vcov, ml.deviance)
    } else {
        let sep = separation.expect("infinite estimates come from the check");
        separated_estimates(f, sep, &infinite, ml.deviance, warnings)
    };
    let lr_tests = if f.spec.lr_tests && infinite.is_empty() {
        ml_lr_tests(f.design, ml.deviance)
    } else {
        vec![]
    };
    Ok(Estimates {
        estimate: coefficients.iter().map(|c| c.estimate).collect(),
        coefficients,
        vcov,
        mu: ml.mu,
        deviance,
        converged: ml.converged,
        iterations: ml.iterations,
        penalized: None,
        flic: None,
        history: ml.history,
        lr_tests,
        p_value_method: PValueMethod::Wald,
    })
}

/// Wald tests and (Wald or profile) intervals of an ML fit; the terms are
/// left empty for the caller to name.
fn ml_coefficients(
    f: &Fitting,
    prob: &logit::Problem,
    fit: &logit::Fit,
    vcov: &[f64],
) -> Vec<Coefficient> {
    let p = prob.p;
    (0..p)
        .map(|k| {
            let w = inference::wald(fit.beta[k], vcov[k * p + k], f.spec.level);
            let (low, high) = match f.ci {
                CiMethod::Profile => {
                    inference::ml_profile_interval(prob, fit, k, w.std_error, f.spec.level)
                }
                _ => (Some(w.low), Some(w.high)),
            };
            Coefficient {
                term: f.names.get(k).cloned().unwrap_or_default(),
                estimate: fit.beta[k],
                std_error: w.std_error,
                statistic: w.z,
                p_value: w.p_value,
                conf_low: low,
                conf_high: high,
            }
        })
        .collect()
}

/// The coefficients, covariance and deviance of a separated ML fit: the
/// separated terms infinite, the others the limits of the ML estimates when
/// they can be found (see [`separated_limit`]), else NA.
fn separated_estimates(
    f: &Fitting,
    sep: &Separation,
    infinite: &[(usize, f64)],
    ml_deviance: f64,
    warnings: &mut Vec<String>,
) -> (Vec<Coefficient>, Vec<f64>, f64) {
    let p = f.design.p;
    let names = &f.names;
    let mut deviance = ml_deviance;
    let limit = separated_limit(f, sep, infinite);
    match &limit {
        Some(l) => {
            warnings.push(format!(
                "the finite estimates are the limits of the ML estimates: the ML fit on the {} rows that are not perfectly predicted, without the separated terms",
                l.rows
            ));
            deviance = l.deviance;
        }
        None => warnings.push(
            "the finite ML estimates cannot be separated from the diverging ones here: all are reported as NA".into(),
        ),
    }
    let not_available = |term: &str, estimate: f64| Coefficient {
        term: term.to_string(),
        estimate,
        std_error: f64::NAN,
        statistic: f64::NAN,
        p_value: f64::NAN,
        conf_low: None,
        conf_high: None,
    };
    let mut coefficients = Vec::with_capacity(p);
    let mut v = vec![f64::NAN; p * p];
    let mut k = 0;
    for j in 0..p {
        if let Some((_, sign)) = infinite.iter().find(|(i, _)| *i == j) {
            coefficients.push(not_available(&names[j], *sign));
            continue;
        }
        match &limit {
            Some(l) => {
                let mut c = l.coefficients[k].clone();
                c.term = names[j].clone();
                coefficients.push(c);
                let mut k2 = 0;
                for j2 in 0..p {
                    if infinite.iter().any(|(i, _)| *i == j2) {
                        continue;
                    }
                    v[j * p + j2] = l.vcov[k * l.p + k2];
                    k2 += 1;
                }
            }
            None => coefficients.push(not_available(&names[j], f64::NAN)),
        }
        k += 1;
    }
    if f.spec.lr_tests {
        warnings.push(
            "likelihood-ratio tests are not computed on separated data under ML: use --method firth"
                .into(),
        );
    }
    (coefficients, v, deviance)
}

/// The finite part of a separated ML fit.
struct SeparatedLimit {
    rows: usize,
    p: usize,
    coefficients: Vec<Coefficient>,
    vcov: Vec<f64>,
    deviance: f64,
}

/// Under quasi-complete separation the ML estimates of the separated terms
/// diverge while the others converge to the ML estimates on the rows that are
/// not perfectly predicted, without the separated terms, provided those
/// columns are zero on the remaining rows (the common case of a dummy that
/// predicts the outcome). Returns `None` when that condition fails.
fn separated_limit(
    f: &Fitting,
    sep: &Separation,
    infinite: &[(usize, f64)],
) -> Option<SeparatedLimit> {
    let design = f.design;
    let boundary: std::collections::HashSet<usize> = sep.boundary_rows.iter().copied().collect();
    let keep_rows: Vec<usize> = (0..design.n)
        .filter(|&i| boundary.contains(&design.data_row(i)))
        .collect();
    let keep_cols: Vec<usize> = (0..design.p)
        .filter(|j| !infinite.iter().any(|(k, _)| k == j))
        .collect();
    let zero_on_boundary = keep_rows.iter().all(|&i| {
        infinite
            .iter()
            .all(|(j, _)| design.x[i * design.p + j] == 0.0)
    });
    if !zero_on_boundary || keep_rows.len() <= keep_cols.len() {
        return None;
    }
    let (n, p) = (keep_rows.len(), keep_cols.len());
    let mut x = Vec::with_capacity(n * p);
    for &i in &keep_rows {
        x.extend(keep_cols.iter().map(|&j| design.x[i * design.p + j]));
    }
    let y: Vec<f64> = keep_rows.iter().map(|&i| design.y[i]).collect();
    if !linalg::aliased_columns(&x, n, p).is_empty() || y.iter().all(|&v| v == y[0]) {
        return None;
    }
    let prob = logit::Problem::new(&x, n, p, &y);
    let fit = logit::fit(&prob, None, &logit::Control::default());
    if !fit.converged {
        return None;
    }
    let sub_clusters: Option<Vec<inference::ClusterIds>> = f.clusters.map(|dims| {
        dims.iter()
            .map(|c| {
                let labels: Vec<String> = keep_rows.iter().map(|&i| c[i].to_string()).collect();
                group_ids(&labels)
            })
            .collect()
    });
    let vcov = inference::ml_covariance(&prob, &fit, &f.spec.vcov, sub_clusters.as_deref()).ok()?;
    // The limit's coefficients are renamed by the caller.
    let unnamed = Fitting {
        names: vec![String::new(); p],
        ..*f
    };
    let coefficients = ml_coefficients(&unnamed, &prob, &fit, &vcov);
    Some(SeparatedLimit {
        rows: n,
        p,
        coefficients,
        vcov,
        deviance: fit.deviance,
    })
}

/// A two-way cluster covariance need not be positive semi-definite; as
/// `sandwich::vcovCL`'s default (`fix = FALSE`) it is kept as computed, and
/// the fit says so.
fn warn_not_psd(vcov_type: &VcovType, vcov: &[f64], p: usize, warnings: &mut Vec<String>) {
    if !matches!(vcov_type, VcovType::TwoWayCluster(..)) {
        return;
    }
    if linalg::is_positive_semidefinite(vcov, p) == Some(false) {
        warnings.push(format!(
            "the {} covariance is not positive semi-definite (kept as computed, as sandwich::vcovCL with fix = FALSE; a negative variance has no standard error)",
            vcov_type.label()
        ));
    }
}

/// Likelihood-ratio tests of the droppable terms by refitting without them.
fn ml_lr_tests(design: &Design, deviance: f64) -> Vec<LrTest> {
    let control = logit::Control::default();
    droppable_terms(design)
        .into_iter()
        .map(|(t, label)| {
            let cols = design.term_columns(t);
            let reduced = design.without_columns(&cols);
            let rprob = logit::Problem::new(&reduced.x, reduced.n, reduced.p, &reduced.y);
            let rfit = logit::fit(&rprob, None, &control);
            inference::lr_test(&label, deviance, rfit.deviance, cols.len())
        })
        .collect()
}

/// Firth's penalized-likelihood estimates with their tests and intervals,
/// the FLIC intercept and the penalized likelihood-ratio tests of the terms.
fn firth_estimates(f: &Fitting, warnings: &mut Vec<String>) -> Result<Estimates> {
    let (prob, p, spec, robust) = (&f.prob, f.design.p, f.spec, f.robust);
    let t1 = std::time::Instant::now();
    let fit = firth::fit(prob, &vec![None; p], None).ok_or_else(|| {
        Error::not_estimable(
            "Firth's penalized likelihood could not be maximised (singular information)",
        )
    })?;
    if !fit.converged {
        warnings.push(format!(
            "the Firth fit did not converge in {} iterations",
            fit.iterations
        ));
    }
    let w = |i: usize| prob.weight(i) * fit.mu[i] * (1.0 - fit.mu[i]);
    let route = inference::bread_for(&spec.vcov);
    let bread = linalg::inverse_information(prob.x, prob.n, p, &fit.information, w, route)
        .ok_or_else(|| Error::not_estimable("the penalized information is singular"))?;
    stage("Firth fit", t1);
    let vcov = if spec.vcov == VcovType::Model {
        bread
    } else {
        let scores = firth::score_factors(prob, &fit);
        inference::sandwich_covariance(
            prob,
            &bread,
            &scores,
            Some(&fit.hat),
            &spec.vcov,
            f.clusters,
        )?
    };
    warn_not_psd(&spec.vcov, &vcov, p, warnings);
    let coefficients = firth_coefficients(f, &fit, &vcov);
    let lr_tests = if spec.lr_tests {
        firth_lr_tests(f, &fit)
    } else {
        vec![]
    };
    stage("Firth tests and intervals", t1);
    let flic = f
        .design
        .intercept
        .then(|| firth::flic_intercept(prob, &fit, 0));
    stage("FLIC intercept", t1);
    Ok(Estimates {
        coefficients,
        estimate: fit.beta.clone(),
        vcov,
        mu: fit.mu.clone(),
        deviance: -2.0 * fit.loglik,
        converged: fit.converged,
        iterations: fit.iterations,
        penalized: Some(fit.penalized_loglik),
        flic,
        history: Vec::new(),
        lr_tests,
        p_value_method: if robust || f.wald_tests {
            PValueMethod::Wald
        } else {
            PValueMethod::PenalizedLrt
        },
    })
}

/// The interval method and whether the coefficient tests are Wald, after
/// Firth's size rule (`firth_wald_at_scale`): at scale, what is left at
/// its default becomes Wald, with a note.
fn firth_defaults(
    design: &Design,
    spec: &FitSpec,
    method: Method,
    ci: CiMethod,
    warnings: &mut Vec<String>,
) -> (CiMethod, bool) {
    let wald_tests = spec.tests == TestMethod::Wald;
    let defaults = spec.ci == CiMethod::Default || spec.tests == TestMethod::Default;
    if method != Method::Firth || !defaults || spec.vcov != VcovType::Model {
        return (ci, wald_tests);
    }
    match firth_wald_at_scale(design) {
        Some(note) => {
            warnings.push(note);
            let ci = if spec.ci == CiMethod::Default {
                CiMethod::Wald
            } else {
                ci
            };
            (ci, wald_tests || spec.tests == TestMethod::Default)
        }
        None => (ci, wald_tests),
    }
}

/// Each Firth coefficient's test and interval.
fn firth_coefficients(f: &Fitting, fit: &firth::FirthFit, vcov: &[f64]) -> Vec<Coefficient> {
    let (prob, p, spec, robust, ci) = (&f.prob, f.design.p, f.spec, f.robust, f.ci);
    // Each coefficient's test and interval are independent refits:
    // they run in parallel and are collected in order.
    let per_coefficient = |j: usize| -> Coefficient {
        let w = inference::wald(fit.beta[j], vcov[j * p + j], spec.level);
        // With a robust covariance, tests and intervals are Wald-type
        // on the robust SEs (the penalized likelihood knows nothing of
        // the covariance); with the model covariance, logistf's
        // penalized LR test and profile interval.
        let (stat, pv) = if robust || f.wald_tests {
            (w.z, w.p_value)
        } else {
            firth::penalized_lr_test(prob, fit, &[j]).unwrap_or((f64::NAN, f64::NAN))
        };
        let (low, high) = match ci {
            CiMethod::Profile if !robust => {
                firth::profile_interval(prob, fit, j, w.std_error, spec.level)
            }
            _ => (Some(w.low), Some(w.high)),
        };
        Coefficient {
            term: f.names[j].clone(),
            estimate: fit.beta[j],
            std_error: w.std_error,
            statistic: stat,
            p_value: pv,
            conf_low: low,
            conf_high: high,
        }
    };
    use rayon::prelude::*;
    (0..p).into_par_iter().map(per_coefficient).collect()
}

/// Penalized likelihood-ratio tests of the droppable terms.
fn firth_lr_tests(f: &Fitting, fit: &firth::FirthFit) -> Vec<LrTest> {
    droppable_terms(f.design)
        .into_iter()
        .filter_map(|(t, label)| {
            let cols = f.design.term_columns(t);
            let (stat, pv) = firth::penalized_lr_test(&f.prob, fit, &cols)?;
            Some(LrTest {
                term: label,
                df: cols.len(),
                deviance_restricted: f64::NAN,
                statistic: stat,
                p_value: pv,
            })
        })
        .collect()
}

/// Predictions, marginal effects, the bootstrap and the permutation tests.
fn derive(
    design: &Design,
    spec: &FitSpec,
    method: Method,
    est: &Estimates,
    boot_clusters: Option<&[usize]>,
    warnings: &mut Vec<String>,
) -> Result<Derived> {
    // Predictions: for Firth, with the FLIC intercept (unbiased average
    // predicted probability); otherwise the estimates themselves.
    let mut predict_beta = est.estimate.clone();
    if let (Some(a), true) = (est.flic, design.intercept) {
        predict_beta[0] = a;
    }
    let vcov = &est.vcov;
    let finite = predict_beta.iter().all(|b| b.is_finite());
    let mut predictions = Vec::new();
    let mut marginal_effects = Vec::new();
    if finite {
        for at in &spec.predict {
            predictions.push(effects::predict(
                design,
                &predict_beta,
                vcov,
                at,
                spec.level,
            )?);
        }
        if spec.marginal_effects {
            marginal_effects =
                effects::average_marginal_effects(design, &predict_beta, vcov, spec.level);
        }
    } else if !spec.predict.is_empty() || spec.marginal_effects {
        warnings.push("predictions and marginal effects are not computed from infinite ML estimates: use --method firth".into());
    }
    let bootstrap = if spec.bootstrap > 0 {
        if est.estimate.iter().all(|b| b.is_finite()) {
            let cl = spec.bootstrap_cluster.as_deref().zip(boot_clusters);
            Some(resampling::bootstrap(
                method,
                design,
                &est.estimate,
                spec.bootstrap,
                spec.seed,
                spec.level,
                cl,
            ))
        } else {
            warnings.push(
                "the bootstrap is not run on infinite ML estimates: use --method firth".into(),
            );
            None
        }
    } else {
        None
    };
    let permutation = if spec.permutation > 0 {
        resampling::permutation_tests(method, design, spec.permutation, spec.seed)
    } else {
        vec![]
    };
    Ok(Derived {
        predictions,
        marginal_effects,
        bootstrap,
        permutation,
    })
}

/// Likelihoods, information criteria and pseudo-R² of a fit.
struct FitStatistics {
    ll: f64,
    ll0: f64,
    aic: f64,
    bic: f64,
    mcfadden_r2: f64,
    tjur_r2: f64,
}

impl FitStatistics {
    fn new(design: &Design, est: &Estimates, ll0_deviance: f64) -> FitStatistics {
        let (deviance, p) = (est.deviance, design.p);
        let n = design.n as f64;
        let ll = -0.5 * deviance;
        let ll0 = -0.5 * ll0_deviance;
        let (mut s1, mut c1, mut s0, mut c0) = (0.0, 0.0, 0.0, 0.0);
        for (m, y) in est.mu.iter().zip(&design.y) {
            if *y == 1.0 {
                s1 += m;
                c1 += 1.0;
            } else {
                s0 += m;
                c0 += 1.0;
            }
        }
        FitStatistics {
            ll,
            ll0,
            aic: deviance + 2.0 * p as f64,
            bic: deviance + (p as f64) * n.ln(),
            mcfadden_r2: 1.0 - ll / ll0,
            tjur_r2: s1 / c1 - s0 / c0,
        }
    }
}

/// Terms that a likelihood-ratio test may drop: as R's drop1, a term is
/// tested only if no higher-order term contains it (marginality).
fn droppable_terms(design: &Design) -> Vec<(usize, String)> {
    design
        .term_variables
        .iter()
        .enumerate()
        .filter(|(t, vars)| {
            !design.term_variables.iter().enumerate().any(|(u, other)| {
                u != *t && other.len() > vars.len() && vars.iter().all(|v| other.contains(v))
            })
        })
        .map(|(t, _)| (t, design.term_labels[t].clone()))
        .collect()
}
