//! Models: the logit by maximum likelihood and its inference. `fit_table`
//! runs a whole specification on a table and returns a [`FitResult`].

pub mod effects;
pub mod inference;
pub mod linalg;
pub mod logit;

use std::collections::BTreeMap;

use crate::design::{self, Design, Extra};
use crate::error::{Error, Result};
use crate::formula;
use crate::panel::Table;
use crate::results::{Coefficient, FitResult};
use inference::VcovType;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Ml,
}

impl Method {
    pub fn parse(text: &str) -> Result<Method> {
        match text.trim().to_ascii_lowercase().as_str() {
            "ml" => Ok(Method::Ml),
            other => Err(Error::usage(format!("unknown method '{other}' (use ml)"))),
        }
    }
    pub fn label(&self) -> &'static str {
        match self {
            Method::Ml => "ml",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CiMethod {
    Wald,
    Profile,
}

impl CiMethod {
    pub fn parse(text: &str) -> Result<CiMethod> {
        match text.trim().to_ascii_lowercase().as_str() {
            "wald" => Ok(CiMethod::Wald),
            "profile" => Ok(CiMethod::Profile),
            other => Err(Error::usage(format!(
                "unknown interval method '{other}' (use wald or profile)"
            ))),
        }
    }
    pub fn label(&self) -> &'static str {
        match self {
            CiMethod::Wald => "wald",
            CiMethod::Profile => "profile",
        }
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
    /// Prediction profiles, each `name=value,...`.
    pub predict: Vec<String>,
    pub marginal_effects: bool,
    /// Likelihood-ratio test for dropping each term.
    pub lr_tests: bool,
}

impl FitSpec {
    pub fn new(formula: &str) -> FitSpec {
        FitSpec {
            formula: formula.to_string(),
            method: Method::Ml,
            vcov: VcovType::Model,
            level: 0.95,
            ci: CiMethod::Wald,
            predict: vec![],
            marginal_effects: false,
            lr_tests: false,
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

/// Fits a specification to a table.
pub fn fit_table(table: &Table, spec: &FitSpec) -> Result<FitResult> {
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
    let (design, extras) = design::build(table, &formula, &extra)?;
    let clusters = extras.first().map(|labels| group_ids(labels));
    fit_design(
        &design,
        spec,
        clusters.as_deref(),
        &table.path().display().to_string(),
    )
}

/// Fits a specification to a built design.
pub fn fit_design(
    design: &Design,
    spec: &FitSpec,
    clusters: Option<&[usize]>,
    data_label: &str,
) -> Result<FitResult> {
    let prob = logit::Problem::new(&design.x, design.n, design.p, &design.y);
    let control = logit::Control::default();
    let fit = logit::fit(&prob, None, &control);
    let mut warnings = Vec::new();
    if !fit.converged {
        warnings.push(format!(
            "the fit did not converge in {} iterations (deviance {:.6}); the estimates are not maximum-likelihood estimates",
            fit.iterations, fit.deviance
        ));
    }
    if fit.singular {
        warnings.push("the information matrix became singular during fitting".into());
    }
    let eps = 10.0 * f64::EPSILON;
    if fit.mu.iter().any(|&m| m < eps || m > 1.0 - eps) {
        warnings.push("fitted probabilities numerically 0 or 1 occurred".into());
    }
    let vcov = inference::ml_covariance(&prob, &fit, &spec.vcov, clusters)?;
    let p = design.p;
    let names = design.names();
    let mut coefficients = Vec::with_capacity(p);
    for j in 0..p {
        let w = inference::wald(fit.beta[j], vcov[j * p + j], spec.level);
        let (low, high) = match spec.ci {
            CiMethod::Wald => (Some(w.low), Some(w.high)),
            CiMethod::Profile => {
                inference::ml_profile_interval(&prob, &fit, j, w.std_error, spec.level)
            }
        };
        coefficients.push(Coefficient {
            term: names[j].clone(),
            estimate: fit.beta[j],
            std_error: w.std_error,
            statistic: w.z,
            p_value: w.p_value,
            conf_low: low,
            conf_high: high,
        });
    }
    let null_deviance = logit::null_deviance(&prob, design.intercept);
    let n = design.n as f64;
    let ll = -0.5 * fit.deviance;
    let ll0 = -0.5 * null_deviance;
    let (mut s1, mut c1, mut s0, mut c0) = (0.0, 0.0, 0.0, 0.0);
    for (mu, y) in fit.mu.iter().zip(&design.y) {
        if *y == 1.0 {
            s1 += mu;
            c1 += 1.0;
        } else {
            s0 += mu;
            c0 += 1.0;
        }
    }
    // As R's drop1: a term is tested only if no higher-order term contains it
    // (marginality).
    let droppable: Vec<bool> = design
        .term_variables
        .iter()
        .enumerate()
        .map(|(t, vars)| {
            !design.term_variables.iter().enumerate().any(|(u, other)| {
                u != t && other.len() > vars.len() && vars.iter().all(|v| other.contains(v))
            })
        })
        .collect();
    let mut lr_tests = Vec::new();
    if spec.lr_tests {
        for (t, label) in design.term_labels.iter().enumerate() {
            if !droppable[t] {
                continue;
            }
            let cols = design.term_columns(t);
            let reduced = design.without_columns(&cols);
            let rprob = logit::Problem::new(&reduced.x, reduced.n, reduced.p, &reduced.y);
            let rfit = logit::fit(&rprob, None, &control);
            lr_tests.push(inference::lr_test(
                label,
                fit.deviance,
                rfit.deviance,
                cols.len(),
            ));
        }
    }
    let mut predictions = Vec::new();
    for at in &spec.predict {
        predictions.push(effects::predict(design, &fit.beta, &vcov, at, spec.level)?);
    }
    let marginal_effects = if spec.marginal_effects {
        effects::average_marginal_effects(design, &fit.beta, &vcov, spec.level)
    } else {
        vec![]
    };
    Ok(FitResult {
        method: spec.method.label().to_string(),
        formula: spec.formula.trim().to_string(),
        data: data_label.to_string(),
        n: design.n,
        n_dropped: design.n_dropped,
        converged: fit.converged,
        iterations: fit.iterations,
        log_likelihood: ll,
        null_log_likelihood: ll0,
        deviance: fit.deviance,
        null_deviance,
        df_residual: design.n - p,
        df_null: design.n - usize::from(design.intercept),
        aic: fit.deviance + 2.0 * p as f64,
        bic: fit.deviance + (p as f64) * n.ln(),
        mcfadden_r2: 1.0 - ll / ll0,
        tjur_r2: s1 / c1 - s0 / c0,
        vcov_type: spec.vcov.label(),
        ci_level: spec.level,
        ci_method: spec.ci.label().to_string(),
        p_value_method: "wald".into(),
        warnings,
        coefficients,
        vcov: (0..p).map(|i| vcov[i * p..(i + 1) * p].to_vec()).collect(),
        iteration_history: fit.history,
        lr_tests,
        predictions,
        marginal_effects,
    })
}
