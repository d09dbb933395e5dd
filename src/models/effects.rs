//! Quantities on the probability scale: predicted probabilities with
//! delta-method intervals (built on the link scale, then transformed), and
//! average marginal effects with delta-method standard errors.

use super::inference::{qnorm, two_sided_p};
use super::logit::logistic;
use crate::design::{Design, Value};
use crate::error::{Error, Result};
use crate::linalg::quad_form;
use crate::results::{MarginalEffect, Prediction};

/// Values of every variable for a prediction: those named in `spec`
/// (`"cost=0.5,area=trade"`) as given, other numeric variables at their
/// sample mean and other categorical variables at their reference level.
pub fn profile_values(design: &Design, spec: &str) -> Result<Vec<Value>> {
    let mut values: Vec<Value> = design
        .variables
        .iter()
        .enumerate()
        .map(|(k, v)| {
            if v.is_categorical() {
                Value::Level(v.reference)
            } else {
                let mean = (0..design.n)
                    .map(|i| match design.value(i, k) {
                        Value::Number(x) => x,
                        Value::Level(_) => 0.0,
                    })
                    .sum::<f64>()
                    / design.n as f64;
                Value::Number(mean)
            }
        })
        .collect();
    for pair in spec.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let (name, value) = pair.split_once('=').ok_or_else(|| {
            Error::usage(format!(
                "--predict '{spec}': expected name=value pairs, got '{pair}'"
            ))
        })?;
        let (name, value) = (name.trim(), value.trim());
        let k = design
            .variables
            .iter()
            .position(|v| v.name == name)
            .ok_or_else(|| {
                Error::usage(format!(
                    "--predict: '{name}' is not a variable of the model (variables: {})",
                    design
                        .variables
                        .iter()
                        .map(|v| v.name.clone())
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            })?;
        let var = &design.variables[k];
        values[k] = if var.is_categorical() {
            Value::Level(var.levels.iter().position(|l| l == value).ok_or_else(|| {
                Error::usage(format!(
                    "--predict: '{value}' is not a level of '{name}' (levels: {})",
                    var.levels.join(", ")
                ))
            })?)
        } else {
            Value::Number(crate::table::parse_number(value).ok_or_else(|| {
                Error::usage(format!("--predict: '{value}' for '{name}' is not a number"))
            })?)
        };
    }
    Ok(values)
}

pub fn predict(
    design: &Design,
    beta: &[f64],
    vcov: &[f64],
    spec: &str,
    level: f64,
) -> Result<Prediction> {
    let values = profile_values(design, spec)?;
    let row = design.build_row(&values);
    Ok(predict_row(&row, beta, vcov, level, spec))
}

pub fn predict_row(row: &[f64], beta: &[f64], vcov: &[f64], level: f64, at: &str) -> Prediction {
    let p = beta.len();
    let eta: f64 = row.iter().zip(beta).map(|(a, b)| a * b).sum();
    let se = quad_form(vcov, p, row, row).max(0.0).sqrt();
    let q = qnorm(0.5 + level / 2.0);
    let mu = logistic(eta);
    Prediction {
        at: at.to_string(),
        linear_predictor: eta,
        se_link: se,
        probability: mu,
        std_error: mu * (1.0 - mu) * se,
        conf_low: logistic(eta - q * se),
        conf_high: logistic(eta + q * se),
    }
}

/// Average marginal effects of every variable: the mean over the sample of
/// d mu / d x (numeric) or of mu(level) - mu(reference) (categorical), with
/// delta-method standard errors from `vcov`.
pub fn average_marginal_effects(
    design: &Design,
    beta: &[f64],
    vcov: &[f64],
    level: f64,
) -> Vec<MarginalEffect> {
    let p = beta.len();
    let n = design.n as f64;
    let q = qnorm(0.5 + level / 2.0);
    let dot = |a: &[f64]| -> f64 { a.iter().zip(beta).map(|(x, b)| x * b).sum() };
    let mut out = Vec::new();
    let finish = |variable: String, contrast: String, est: f64, grad: &[f64]| {
        let se = quad_form(vcov, p, grad, grad).max(0.0).sqrt();
        let z = est / se;
        MarginalEffect {
            variable,
            contrast,
            estimate: est,
            std_error: se,
            statistic: z,
            p_value: two_sided_p(z),
            conf_low: est - q * se,
            conf_high: est + q * se,
        }
    };
    for (k, var) in design.variables.iter().enumerate() {
        if !var.is_categorical() {
            let mut est = 0.0;
            let mut grad = vec![0.0; p];
            for i in 0..design.n {
                let vals = design.values(i);
                let x = design.row(i);
                let g = design.derivative_row(&vals, k);
                let mu = logistic(dot(x));
                let d1 = mu * (1.0 - mu);
                let d2 = d1 * (1.0 - 2.0 * mu);
                let d = dot(&g);
                est += d1 * d;
                for c in 0..p {
                    grad[c] += d2 * d * x[c] + d1 * g[c];
                }
            }
            est /= n;
            grad.iter_mut().for_each(|g| *g /= n);
            out.push(finish(var.name.clone(), "dy/dx".into(), est, &grad));
        } else {
            for (l, label) in var.levels.iter().enumerate() {
                if l == var.reference {
                    continue;
                }
                let mut est = 0.0;
                let mut grad = vec![0.0; p];
                for i in 0..design.n {
                    let vals = design.values(i);
                    let mut at_level = vals.clone();
                    at_level[k] = Value::Level(l);
                    let mut at_ref = vals.clone();
                    at_ref[k] = Value::Level(var.reference);
                    let x1 = design.build_row(&at_level);
                    let x0 = design.build_row(&at_ref);
                    let m1 = logistic(dot(&x1));
                    let m0 = logistic(dot(&x0));
                    est += m1 - m0;
                    for c in 0..p {
                        grad[c] += m1 * (1.0 - m1) * x1[c] - m0 * (1.0 - m0) * x0[c];
                    }
                }
                est /= n;
                grad.iter_mut().for_each(|g| *g /= n);
                out.push(finish(
                    var.name.clone(),
                    format!("{} - {}", label, var.levels[var.reference]),
                    est,
                    &grad,
                ));
            }
        }
    }
    out
}

/// The value of one covariate at which the predicted probability is one
/// half, with its delta-method interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ValueAtHalf {
    pub value: f64,
    pub low: f64,
    pub high: f64,
}

/// The value of covariate `j` at which the linear predictor of the design
/// row `row` (the other covariates fixed there) is zero: -a/b, where a is the
/// linear predictor without covariate `j` and b its coefficient; `None` when
/// an estimate is not finite or b is zero.
pub fn value_at_half(
    row: &[f64],
    beta: &[f64],
    vcov: &[f64],
    j: usize,
    level: f64,
) -> Option<ValueAtHalf> {
    let p = beta.len();
    let b = beta[j];
    let q = qnorm(0.5 + level / 2.0);
    // a = eta at the row minus the covariate's contribution.
    let mut g_a = row.to_vec();
    g_a[j] = 0.0;
    let a: f64 = g_a.iter().zip(beta).map(|(x, b)| x * b).sum();
    if !(beta.iter().all(|v| v.is_finite()) && b != 0.0) {
        return None;
    }
    let threshold = -a / b;
    // gradient of -a/b: d/d beta_k = -g_a[k]/b for k != j; d/d b = a/b^2.
    let mut grad: Vec<f64> = g_a.iter().map(|x| -x / b).collect();
    grad[j] = a / (b * b);
    let var_t = quad_form(vcov, p, &grad, &grad);
    let se_t = var_t.max(0.0).sqrt();
    Some(ValueAtHalf {
        value: threshold,
        low: threshold - q * se_t,
        high: threshold + q * se_t,
    })
}
