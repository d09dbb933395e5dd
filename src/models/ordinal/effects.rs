//! An ordered logit on the probability scale: the predicted probability of
//! every level at a covariate profile, and average marginal effects on each
//! level's probability, with delta-method standard errors (analytic
//! gradients). Parameters are `[zeta (K), beta (p)]`.

use super::{density, density_slope};
use crate::design::{Design, Value};
use crate::error::Result;
use crate::linalg::quad_form;
use crate::models::effects::profile_values;
use crate::models::inference::{qnorm, two_sided_p};
use crate::results::{LevelProbability, OrdinalMarginalEffect, OrdinalPrediction};

/// The fitted parameters and their covariance.
pub struct Estimates<'a> {
    pub theta: &'a [f64],
    pub vcov: &'a [f64],
    pub thresholds: usize,
    pub level: f64,
}

impl Estimates<'_> {
    fn beta(&self) -> &[f64] {
        &self.theta[self.thresholds..]
    }
    fn eta(&self, row: &[f64]) -> f64 {
        row.iter().zip(self.beta()).map(|(a, b)| a * b).sum()
    }
    /// u_{j} and u_{j-1} of level j at linear predictor eta (infinite at
    /// the ends).
    fn bounds(&self, eta: f64, j: usize) -> (f64, f64) {
        let upper = if j < self.thresholds {
            self.theta[j] - eta
        } else {
            f64::INFINITY
        };
        let lower = if j > 0 {
            self.theta[j - 1] - eta
        } else {
            f64::NEG_INFINITY
        };
        (upper, lower)
    }
    /// P(Y = j | row) and its gradient.
    fn probability(&self, row: &[f64], j: usize) -> (f64, Vec<f64>) {
        let (u, l) = self.bounds(self.eta(row), j);
        let mut grad = vec![0.0; self.theta.len()];
        if j < self.thresholds {
            grad[j] = density(u);
        }
        if j > 0 {
            grad[j - 1] = -density(l);
        }
        let df = density(u) - density(l);
        for (c, x) in row.iter().enumerate() {
            grad[self.thresholds + c] = -x * df;
        }
        (super::interval_probability(l, u), grad)
    }
    fn se(&self, grad: &[f64]) -> f64 {
        quad_form(self.vcov, grad.len(), grad, grad).max(0.0).sqrt()
    }
}

/// The probability of every level at a profile (`"x1=0.5,area=trade"`;
/// other numeric variables at their mean, categorical ones at their
/// reference level). `design` has no intercept column.
pub fn predict(design: &Design, est: &Estimates, spec: &str) -> Result<OrdinalPrediction> {
    let values = profile_values(design, spec)?;
    let row = design.build_row(&values);
    let q = qnorm(0.5 + est.level / 2.0);
    let levels = (0..=est.thresholds)
        .map(|j| {
            let (p, grad) = est.probability(&row, j);
            let se = est.se(&grad);
            LevelProbability {
                level: j,
                probability: p,
                std_error: se,
                conf_low: p - q * se,
                conf_high: p + q * se,
            }
        })
        .collect();
    Ok(OrdinalPrediction {
        at: spec.to_string(),
        linear_predictor: est.eta(&row),
        levels,
    })
}

/// One effect from its estimate and gradient.
fn effect(
    est: &Estimates,
    variable: &str,
    contrast: String,
    level: usize,
    value: f64,
    grad: &[f64],
) -> OrdinalMarginalEffect {
    let se = est.se(grad);
    let z = value / se;
    let q = qnorm(0.5 + est.level / 2.0);
    OrdinalMarginalEffect {
        variable: variable.to_string(),
        contrast,
        level,
        estimate: value,
        std_error: se,
        statistic: z,
        p_value: two_sided_p(z),
        conf_low: value - q * se,
        conf_high: value + q * se,
    }
}

/// The mean over rows of dP(Y = j)/dx_v for numeric variable v, and its
/// gradient.
fn numeric_effect(design: &Design, est: &Estimates, v: usize, j: usize) -> (f64, Vec<f64>) {
    let k = est.thresholds;
    let mut value = 0.0;
    let mut grad = vec![0.0; est.theta.len()];
    for i in 0..design.n {
        let x = design.row(i);
        let d = design.derivative_row(&design.values(i), v);
        let d_eta = est.eta(&d);
        let (u, l) = est.bounds(est.eta(x), j);
        let df = density(u) - density(l);
        let (su, sl) = (density_slope(u), density_slope(l));
        value -= df * d_eta;
        if j < k {
            grad[j] -= su * d_eta;
        }
        if j > 0 {
            grad[j - 1] += sl * d_eta;
        }
        for c in 0..design.p {
            grad[k + c] += (su - sl) * x[c] * d_eta - df * d[c];
        }
    }
    let n = design.n as f64;
    grad.iter_mut().for_each(|g| *g /= n);
    (value / n, grad)
}

/// The mean over rows of P(Y = j | v at level) - P(Y = j | v at its
/// reference), and its gradient.
fn contrast_effect(
    design: &Design,
    est: &Estimates,
    v: usize,
    level: usize,
    j: usize,
) -> (f64, Vec<f64>) {
    let reference = design.variables[v].reference;
    let mut value = 0.0;
    let mut grad = vec![0.0; est.theta.len()];
    for i in 0..design.n {
        let mut vals = design.values(i);
        vals[v] = Value::Level(level);
        let (p1, g1) = est.probability(&design.build_row(&vals), j);
        vals[v] = Value::Level(reference);
        let (p0, g0) = est.probability(&design.build_row(&vals), j);
        value += p1 - p0;
        for c in 0..grad.len() {
            grad[c] += g1[c] - g0[c];
        }
    }
    let n = design.n as f64;
    grad.iter_mut().for_each(|g| *g /= n);
    (value / n, grad)
}

/// Average marginal effects of every variable on every level's probability:
/// the mean derivative for a numeric variable, the mean difference from the
/// reference level for each other level of a categorical one.
pub fn average_marginal_effects(design: &Design, est: &Estimates) -> Vec<OrdinalMarginalEffect> {
    let mut out = Vec::new();
    for (v, var) in design.variables.iter().enumerate() {
        if !var.is_categorical() {
            for j in 0..=est.thresholds {
                let (value, grad) = numeric_effect(design, est, v, j);
                out.push(effect(est, &var.name, "dy/dx".into(), j, value, &grad));
            }
            continue;
        }
        for (l, label) in var.levels.iter().enumerate() {
            if l == var.reference {
                continue;
            }
            let contrast = format!("{} - {}", label, var.levels[var.reference]);
            for j in 0..=est.thresholds {
                let (value, grad) = contrast_effect(design, est, v, l, j);
                out.push(effect(est, &var.name, contrast.clone(), j, value, &grad));
            }
        }
    }
    out
}
