//! Models: the logit by maximum likelihood and its inference. `fit_table`
//! runs a whole specification on a table and returns a [`FitResult`].

pub mod effects;
pub mod exact;
pub mod firth;
pub mod inference;
pub mod logit;
pub mod resampling;
pub mod separation;

// Linear algebra is a leaf module of its own (the design's alias screen uses it
// too); re-exported for callers of `models::linalg`.
pub use crate::linalg;

use std::collections::BTreeMap;

use crate::design::{self, Design, Extra};
use crate::error::{Error, Result};
use crate::formula;
use crate::panel::Table;
use crate::results::{Coefficient, FitResult};
use inference::VcovType;
use separation::Separation;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Maximum likelihood.
    Ml,
    /// Firth's penalized likelihood.
    Firth,
    /// Firth when the data call for it (see [`choose_method`]), else ML.
    Auto,
}

impl Method {
    pub fn parse(text: &str) -> Result<Method> {
        match text.trim().to_ascii_lowercase().as_str() {
            "ml" => Ok(Method::Ml),
            "firth" => Ok(Method::Firth),
            "auto" => Ok(Method::Auto),
            other => Err(Error::usage(format!(
                "unknown method '{other}' (use ml, firth or auto)"
            ))),
        }
    }
    pub fn label(&self) -> &'static str {
        match self {
            Method::Ml => "ml",
            Method::Firth => "firth",
            Method::Auto => "auto",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CiMethod {
    /// Wald for ML (as `confint.default`), profile for Firth (as logistf).
    Default,
    Wald,
    Profile,
}

impl CiMethod {
    pub fn parse(text: &str) -> Result<CiMethod> {
        match text.trim().to_ascii_lowercase().as_str() {
            "default" => Ok(CiMethod::Default),
            "wald" => Ok(CiMethod::Wald),
            "profile" => Ok(CiMethod::Profile),
            other => Err(Error::usage(format!(
                "unknown interval method '{other}' (use default, wald or profile)"
            ))),
        }
    }
    /// The method actually used for an estimator.
    pub fn resolve(&self, method: Method) -> CiMethod {
        match (self, method) {
            (CiMethod::Default, Method::Firth) => CiMethod::Profile,
            (CiMethod::Default, _) => CiMethod::Wald,
            (other, _) => *other,
        }
    }
    pub fn label(&self) -> &'static str {
        match self {
            CiMethod::Default => "default",
            CiMethod::Wald => "wald",
            CiMethod::Profile => "profile",
        }
    }
}

/// Events per parameter below which `--method auto` uses Firth.
pub const AUTO_MIN_EVENTS_PER_PARAMETER: f64 = 10.0;

/// Designs with more rows than this are checked for separation only when the
/// ML fit does not converge or drives fitted probabilities to 0 or 1 (the LP
/// has one constraint per row).
pub const SEPARATION_CHECK_MAX_ROWS: usize = 50_000;

/// The rule of `--method auto`: Firth when the data are separated, or when
/// there are fewer than 10 events per parameter (events = the rarer outcome;
/// the rule of thumb of Peduzzi et al. 1996); ML otherwise. Returns the
/// method and the reason, in words.
pub fn choose_method(design: &Design, separation: Option<&Separation>) -> (Method, String) {
    if let Some(s) = separation.filter(|s| s.separated) {
        let terms: Vec<String> = s
            .infinite_estimates
            .iter()
            .map(|e| format!("{} ({})", e.term, e.direction))
            .collect();
        return (
            Method::Firth,
            format!(
                "{} separation: the ML estimates of {} are infinite",
                s.kind,
                terms.join(", ")
            ),
        );
    }
    let ones = design.y.iter().filter(|&&v| v == 1.0).count();
    let events = ones.min(design.n - ones) as f64;
    let epp = events / design.p as f64;
    if epp < AUTO_MIN_EVENTS_PER_PARAMETER {
        (
            Method::Firth,
            format!(
                "{events} events for {} parameters ({epp:.1} per parameter, fewer than {AUTO_MIN_EVENTS_PER_PARAMETER})",
                design.p
            ),
        )
    } else {
        (
            Method::Ml,
            format!(
                "no separation and {epp:.1} events per parameter (at least {AUTO_MIN_EVENTS_PER_PARAMETER})"
            ),
        )
    }
}

/// Everything that defines one fit.
#[derive(Debug, Clone)]
pub struct FitSpec {
    pub formula: String,
    pub method: Method,
    pub vcov: VcovType,
    pub level: f64,
    pub ci: CiMethod,
    /// Wald tests of the coefficients for Firth too (instead of penalized
    /// likelihood-ratio tests).
    pub wald_tests: bool,
    /// Prediction profiles, each `name=value,...`.
    pub predict: Vec<String>,
    pub marginal_effects: bool,
    /// Likelihood-ratio test for dropping each term.
    pub lr_tests: bool,
    /// Bootstrap replicates (0: no bootstrap).
    pub bootstrap: usize,
    /// Resample clusters of this column instead of rows.
    pub bootstrap_cluster: Option<String>,
    /// Permutation replicates per term (0: none).
    pub permutation: usize,
    /// Seed of the resampling streams.
    pub seed: u64,
}

impl FitSpec {
    pub fn new(formula: &str) -> FitSpec {
        FitSpec {
            formula: formula.to_string(),
            method: Method::Ml,
            vcov: VcovType::Model,
            level: 0.95,
            ci: CiMethod::Default,
            wald_tests: false,
            predict: vec![],
            marginal_effects: false,
            lr_tests: false,
            bootstrap: 0,
            bootstrap_cluster: None,
            permutation: 0,
            seed: 1,
        }
    }
}

/// Cluster labels to 0-based group ids (in order of first appearance).
fn group_ids(labels: &[String]) -> Vec<usize> {
    let mut ids: BTreeMap<&str, usize> = BTreeMap::new();
    labels
        .iter()
        .map(|l| {
            let next = ids.len();
            *ids.entry(l.as_str()).or_insert(next)
        })
        .collect()
}

/// With the environment variable `SOVCOST_TIMINGS` set, prints the time
/// since `since` for a stage of a fit to stderr (for benchmarks).
pub fn stage(label: &str, since: std::time::Instant) {
    if std::env::var_os("SOVCOST_TIMINGS").is_some() {
        eprintln!("timing: {label}: {:.3} s", since.elapsed().as_secs_f64());
    }
}

/// The parsed formula and the label columns a specification reads.
fn parse_spec(spec: &FitSpec) -> Result<(formula::Formula, Extra)> {
    if !(spec.level > 0.0 && spec.level < 1.0) {
        return Err(Error::usage(format!(
            "the confidence level must be between 0 and 1, got {}",
            spec.level
        )));
    }
    let formula = formula::parse(&spec.formula)?;
    let mut extra = Extra::default();
    if let VcovType::Cluster(col) = &spec.vcov {
        extra.labels.push(col.clone());
    }
    if let Some(col) = &spec.bootstrap_cluster {
        extra.labels.push(col.clone());
    }
    Ok((formula, extra))
}

/// Fits a specification to a CSV file, reading only the columns the model
/// uses and releasing the table before fitting (the design holds the data).
pub fn fit_csv(path: &std::path::Path, spec: &FitSpec) -> Result<FitResult> {
    let (formula, extra) = parse_spec(spec)?;
    let (numeric, text) = design::needed_columns(&formula, &extra);
    let t0 = std::time::Instant::now();
    if let Some(design) = design::read_numeric_design(path, &formula, &extra)? {
        stage("read the data into the design", t0);
        return fit_built(design, vec![], spec, &path.display().to_string());
    }
    let table = Table::read_csv_columns(path, &numeric, &text)?;
    stage("read the data", t0);
    let label = table.path().display().to_string();
    let (design, extras) = design::build(&table, &formula, &extra)?;
    drop(table);
    stage("built the design", t0);
    fit_built(design, extras, spec, &label)
}

/// Fits a specification to a table.
pub fn fit_table(table: &Table, spec: &FitSpec) -> Result<FitResult> {
    let (formula, extra) = parse_spec(spec)?;
    let (design, extras) = design::build(table, &formula, &extra)?;
    fit_built(design, extras, spec, &table.path().display().to_string())
}

fn fit_built(
    design: Design,
    extras: Vec<Vec<String>>,
    spec: &FitSpec,
    label: &str,
) -> Result<FitResult> {
    let mut ids = extras.iter().map(|labels| group_ids(labels));
    let clusters = match &spec.vcov {
        VcovType::Cluster(_) => ids.next(),
        _ => None,
    };
    let boot_clusters = spec.bootstrap_cluster.as_ref().and_then(|_| ids.next());
    drop(extras);
    fit_design(
        &design,
        spec,
        clusters.as_deref(),
        boot_clusters.as_deref(),
        label,
    )
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
        separation::detect(
            &design.x,
            design.n,
            design.p,
            &design.y,
            &design.names(),
            &design.data_rows(),
        )
        .map(Some)
    } else {
        Ok(None)
    }
}

/// Fits a specification to a built design.
pub fn fit_design(
    design: &Design,
    spec: &FitSpec,
    clusters: Option<&[usize]>,
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
    let p = design.p;
    let names = design.names();
    let mut warnings = Vec::new();
    if let Some(s) = separation.as_ref().filter(|s| s.separated) {
        let terms: Vec<String> = s
            .infinite_estimates
            .iter()
            .map(|e| format!("{} {}", e.term, e.direction))
            .collect();
        warnings.push(format!(
            "SEPARATION ({}): the maximum-likelihood estimates of {} are infinite; {} rows are perfectly predicted{}",
            s.kind,
            terms.join(", "),
            s.perfectly_predicted_rows.len(),
            if method == Method::Ml {
                "; the ML estimates of these terms are reported as infinite and their tests as NA: use --method firth (or auto)"
            } else {
                ""
            }
        ));
    }
    let ll0_deviance = logit::null_deviance(&prob, design.intercept);
    let mut coefficients = Vec::with_capacity(p);
    let estimate: Vec<f64>;
    let vcov: Vec<f64>;
    let mu: Vec<f64>;
    let deviance: f64;
    let converged: bool;
    let iterations: usize;
    let mut penalized = None;
    let mut flic = None;
    let mut history = Vec::new();
    let mut lr_tests = Vec::new();
    let p_value_method;
    match method {
        Method::Ml | Method::Auto => {
            let ml = ml.expect("the ML fit is skipped only for --method firth");
            if !ml.converged && !separation.as_ref().is_some_and(|s| s.separated) {
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
                    let j = names.iter().position(|n| *n == e.term)?;
                    Some((j, e.direction.limit()))
                })
                .collect();
            let mut fit_deviance = ml.deviance;
            if infinite.is_empty() {
                vcov = inference::ml_covariance(&prob, &ml, &spec.vcov, clusters)?;
                for j in 0..p {
                    let w = inference::wald(ml.beta[j], vcov[j * p + j], spec.level);
                    let (low, high) = match ci {
                        CiMethod::Profile => {
                            inference::ml_profile_interval(&prob, &ml, j, w.std_error, spec.level)
                        }
                        _ => (Some(w.low), Some(w.high)),
                    };
                    coefficients.push(Coefficient {
                        term: names[j].clone(),
                        estimate: ml.beta[j],
                        std_error: w.std_error,
                        statistic: w.z,
                        p_value: w.p_value,
                        conf_low: low,
                        conf_high: high,
                    });
                }
            } else {
                let sep = separation
                    .as_ref()
                    .expect("infinite estimates come from the check");
                let limit = separated_limit(design, sep, &infinite, spec, ci, clusters);
                match &limit {
                    Some(l) => {
                        warnings.push(format!(
                            "the finite estimates are the limits of the ML estimates: the ML fit on the {} rows that are not perfectly predicted, without the separated terms",
                            l.rows
                        ));
                        fit_deviance = l.deviance;
                    }
                    None => warnings.push(
                        "the finite ML estimates cannot be separated from the diverging ones here: all are reported as NA".into(),
                    ),
                }
                let mut v = vec![f64::NAN; p * p];
                let mut k = 0;
                for j in 0..p {
                    if let Some((_, sign)) = infinite.iter().find(|(i, _)| *i == j) {
                        coefficients.push(Coefficient {
                            term: names[j].clone(),
                            estimate: *sign,
                            std_error: f64::NAN,
                            statistic: f64::NAN,
                            p_value: f64::NAN,
                            conf_low: None,
                            conf_high: None,
                        });
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
                        None => coefficients.push(Coefficient {
                            term: names[j].clone(),
                            estimate: f64::NAN,
                            std_error: f64::NAN,
                            statistic: f64::NAN,
                            p_value: f64::NAN,
                            conf_low: None,
                            conf_high: None,
                        }),
                    }
                    k += 1;
                }
                vcov = v;
                if spec.lr_tests {
                    warnings.push("likelihood-ratio tests are not computed on separated data under ML: use --method firth".into());
                }
            }
            if spec.lr_tests && infinite.is_empty() {
                for (t, label) in droppable_terms(design) {
                    let cols = design.term_columns(t);
                    let reduced = design.without_columns(&cols);
                    let rprob = logit::Problem::new(&reduced.x, reduced.n, reduced.p, &reduced.y);
                    let rfit = logit::fit(&rprob, None, &control);
                    lr_tests.push(inference::lr_test(
                        &label,
                        ml.deviance,
                        rfit.deviance,
                        cols.len(),
                    ));
                }
            }
            estimate = coefficients.iter().map(|c| c.estimate).collect();
            mu = ml.mu.clone();
            deviance = fit_deviance;
            converged = ml.converged;
            iterations = ml.iterations;
            history = ml.history.clone();
            p_value_method = "wald";
        }
        Method::Firth => {
            let t1 = std::time::Instant::now();
            let fit = firth::fit(&prob, &vec![None; p], None).ok_or_else(|| {
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
            let bread = linalg::inverse_information(prob.x, prob.n, p, &fit.information, |i| {
                prob.weight(i) * fit.mu[i] * (1.0 - fit.mu[i])
            })
            .ok_or_else(|| Error::not_estimable("the penalized information is singular"))?;
            stage("Firth fit", t1);
            vcov = if spec.vcov == VcovType::Model {
                bread
            } else {
                let scores = firth::score_factors(&prob, &fit);
                inference::sandwich_covariance(
                    &prob,
                    &bread,
                    &scores,
                    Some(&fit.hat),
                    &spec.vcov,
                    clusters,
                )?
            };
            // Each coefficient's test and interval are independent refits:
            // they run in parallel and are collected in order.
            let per_coefficient = |j: usize| -> Coefficient {
                let w = inference::wald(fit.beta[j], vcov[j * p + j], spec.level);
                // With a robust covariance, tests and intervals are Wald-type
                // on the robust SEs (the penalized likelihood knows nothing of
                // the covariance); with the model covariance, logistf's
                // penalized LR test and profile interval.
                let (stat, pv) = if robust || spec.wald_tests {
                    (w.z, w.p_value)
                } else {
                    firth::penalized_lr_test(&prob, &fit, &[j]).unwrap_or((f64::NAN, f64::NAN))
                };
                let (low, high) = match ci {
                    CiMethod::Profile if !robust => {
                        firth::profile_interval(&prob, &fit, j, w.std_error, spec.level)
                    }
                    _ => (Some(w.low), Some(w.high)),
                };
                Coefficient {
                    term: names[j].clone(),
                    estimate: fit.beta[j],
                    std_error: w.std_error,
                    statistic: stat,
                    p_value: pv,
                    conf_low: low,
                    conf_high: high,
                }
            };
            {
                use rayon::prelude::*;
                coefficients = (0..p).into_par_iter().map(per_coefficient).collect();
            }
            if spec.lr_tests {
                for (t, label) in droppable_terms(design) {
                    let cols = design.term_columns(t);
                    if let Some((stat, pv)) = firth::penalized_lr_test(&prob, &fit, &cols) {
                        lr_tests.push(inference::LrTest {
                            term: label,
                            df: cols.len(),
                            deviance_restricted: f64::NAN,
                            statistic: stat,
                            p_value: pv,
                        });
                    }
                }
            }
            stage("Firth tests and intervals", t1);
            if design.intercept {
                flic = Some(firth::flic_intercept(&prob, &fit, 0));
            }
            stage("FLIC intercept", t1);
            penalized = Some(fit.penalized_loglik);
            estimate = fit.beta.clone();
            mu = fit.mu.clone();
            deviance = -2.0 * fit.loglik;
            converged = fit.converged;
            iterations = fit.iterations;
            p_value_method = if robust || spec.wald_tests {
                "wald"
            } else {
                "penalized_lrt"
            };
        }
    }
    // Predictions: for Firth, with the FLIC intercept (unbiased average
    // predicted probability); otherwise the estimates themselves.
    let mut predict_beta = estimate.clone();
    if let (Some(a), true) = (flic, design.intercept) {
        predict_beta[0] = a;
    }
    let finite = predict_beta.iter().all(|b| b.is_finite());
    let mut predictions = Vec::new();
    let mut marginal_effects = Vec::new();
    if finite {
        for at in &spec.predict {
            predictions.push(effects::predict(
                design,
                &predict_beta,
                &vcov,
                at,
                spec.level,
            )?);
        }
        if spec.marginal_effects {
            marginal_effects =
                effects::average_marginal_effects(design, &predict_beta, &vcov, spec.level);
        }
    } else if !spec.predict.is_empty() || spec.marginal_effects {
        warnings.push("predictions and marginal effects are not computed from infinite ML estimates: use --method firth".into());
    }
    let estimator = if method == Method::Firth {
        resampling::Estimator::Firth
    } else {
        resampling::Estimator::Ml
    };
    let bootstrap = if spec.bootstrap > 0 {
        if estimate.iter().all(|b| b.is_finite()) {
            let cl = spec.bootstrap_cluster.as_deref().zip(boot_clusters);
            Some(resampling::bootstrap(
                estimator,
                design,
                &estimate,
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
        resampling::permutation_tests(estimator, design, spec.permutation, spec.seed)
    } else {
        vec![]
    };
    stage("fit with inference", t0);
    let n = design.n as f64;
    let ll = -0.5 * deviance;
    let ll0 = -0.5 * ll0_deviance;
    let (mut s1, mut c1, mut s0, mut c0) = (0.0, 0.0, 0.0, 0.0);
    for (m, y) in mu.iter().zip(&design.y) {
        if *y == 1.0 {
            s1 += m;
            c1 += 1.0;
        } else {
            s0 += m;
            c0 += 1.0;
        }
    }
    Ok(FitResult {
        method: method.label().to_string(),
        method_choice: method_reason,
        formula: spec.formula.trim().to_string(),
        data: data_label.to_string(),
        n: design.n,
        n_dropped: design.n_dropped,
        converged,
        iterations,
        log_likelihood: ll,
        null_log_likelihood: ll0,
        penalized_log_likelihood: penalized,
        deviance,
        null_deviance: ll0_deviance,
        df_residual: design.n - p,
        df_null: design.n - usize::from(design.intercept),
        aic: deviance + 2.0 * p as f64,
        bic: deviance + (p as f64) * n.ln(),
        mcfadden_r2: 1.0 - ll / ll0,
        tjur_r2: s1 / c1 - s0 / c0,
        vcov_type: spec.vcov.label(),
        ci_level: spec.level,
        ci_method: ci.label().to_string(),
        p_value_method: p_value_method.into(),
        warnings,
        separation,
        coefficients,
        flic_intercept: flic,
        vcov: (0..p).map(|i| vcov[i * p..(i + 1) * p].to_vec()).collect(),
        iteration_history: history,
        lr_tests,
        predictions,
        marginal_effects,
        bootstrap,
        permutation,
    })
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
    design: &Design,
    sep: &Separation,
    infinite: &[(usize, f64)],
    spec: &FitSpec,
    ci: CiMethod,
    clusters: Option<&[usize]>,
) -> Option<SeparatedLimit> {
    let keep_rows: Vec<usize> = (0..design.n)
        .filter(|&i| sep.boundary_rows.contains(&design.data_row(i)))
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
    let sub_clusters: Option<Vec<usize>> = clusters.map(|c| {
        let labels: Vec<String> = keep_rows.iter().map(|&i| c[i].to_string()).collect();
        group_ids(&labels)
    });
    let vcov = inference::ml_covariance(&prob, &fit, &spec.vcov, sub_clusters.as_deref()).ok()?;
    let coefficients = (0..p)
        .map(|k| {
            let w = inference::wald(fit.beta[k], vcov[k * p + k], spec.level);
            let (low, high) = match ci {
                CiMethod::Profile => {
                    inference::ml_profile_interval(&prob, &fit, k, w.std_error, spec.level)
                }
                _ => (Some(w.low), Some(w.high)),
            };
            Coefficient {
                term: String::new(),
                estimate: fit.beta[k],
                std_error: w.std_error,
                statistic: w.z,
                p_value: w.p_value,
                conf_low: low,
                conf_high: high,
            }
        })
        .collect();
    Some(SeparatedLimit {
        rows: n,
        p,
        coefficients,
        vcov,
        deviance: fit.deviance,
    })
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
