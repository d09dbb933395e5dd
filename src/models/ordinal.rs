//! The ordered (cumulative) logit by maximum likelihood, parameterised as
//! R's `ordinal::clm` and `MASS::polr`:
//!
//! `logit P(Y <= k | x) = zeta_k - x'beta`, k = 0, ..., K - 1,
//!
//! for an outcome with levels 0, ..., K (thresholds `0|1`, ..., `K-1|K`; no
//! intercept in beta). The log-likelihood of a row with level j is
//! `log(F(u_j) - F(u_{j-1}))`, `u_k = zeta_k - x'beta - offset` (`u_{-1} =
//! -Inf`, `u_K = +Inf`), F the logistic CDF. It is concave in the parameters
//! (Pratt 1981), so Newton's method with step halving from the marginal
//! thresholds and beta = 0 (clm's start) finds the maximum when it exists; a
//! step that would disorder the thresholds makes some observed level's
//! probability non-positive and is halved, so the thresholds stay ordered.
//!
//! The same likelihood serves the model with *level-specific* (nominal)
//! coefficients for some columns (the alternative of the proportional-odds
//! test, as `ordinal::nominal_test`): `u_k = zeta_k - x'beta - z'gamma_k`,
//! gamma_k one vector per threshold for the nominal columns z.
//!
//! Parameters are ordered `[zeta (K), beta (the other columns), gamma_0, ...,
//! gamma_{K-1}]`; gradients and information are analytic.

pub mod effects;
pub mod fit;
pub mod inference;
pub mod separation;

use crate::linalg;

pub use fit::{fit_csv, fit_table};

/// Iterations of Newton's method before giving up.
const MAX_ITERATIONS: usize = 100;
/// Converged when the largest absolute score is below this (clm's
/// `gradTol` is 1e-6) ...
const GRADIENT_TOLERANCE: f64 = 1e-9;
/// ... or the expected gain of the next Newton step, g' H^-1 g / 2, is below
/// this (the log-likelihood is at its maximum to rounding error).
const GAIN_TOLERANCE: f64 = 1e-15;

/// An ordinal model on a design without an intercept column.
#[derive(Debug, Clone, Copy)]
pub struct Problem<'a> {
    /// Row-major n x p, no intercept.
    pub x: &'a [f64],
    pub n: usize,
    pub p: usize,
    /// Levels 0..=thresholds.
    pub y: &'a [usize],
    /// K, the number of thresholds (levels - 1).
    pub thresholds: usize,
    /// Added to x'beta (a fixed coefficient, for profiles).
    pub offset: Option<&'a [f64]>,
    /// Columns with level-specific coefficients (empty: proportional odds).
    pub nominal: &'a [usize],
}

impl<'a> Problem<'a> {
    pub fn new(x: &'a [f64], n: usize, p: usize, y: &'a [usize], thresholds: usize) -> Self {
        Problem {
            x,
            n,
            p,
            y,
            thresholds,
            offset: None,
            nominal: &[],
        }
    }

    /// The number of parameters.
    pub fn parameters(&self) -> usize {
        let q = self.nominal.len();
        self.thresholds + (self.p - q) + self.thresholds * q
    }

    fn row(&self, i: usize) -> &[f64] {
        &self.x[i * self.p..(i + 1) * self.p]
    }

    /// d u_{ik} / d theta for threshold k of row i, written into `a`.
    fn predictor_gradient(&self, i: usize, k: usize, a: &mut [f64]) {
        a.iter_mut().for_each(|v| *v = 0.0);
        a[k] = 1.0;
        let xi = self.row(i);
        let (kk, q) = (self.thresholds, self.nominal.len());
        let mut free = kk;
        for (c, &v) in xi.iter().enumerate() {
            match self.nominal.iter().position(|&m| m == c) {
                Some(s) => a[kk + (self.p - q) + k * q + s] = -v,
                None => {
                    a[free] = -v;
                    free += 1;
                }
            }
        }
    }

    fn offset(&self, i: usize) -> f64 {
        self.offset.map(|o| o[i]).unwrap_or(0.0)
    }
}

/// Logistic CDF.
pub fn cdf(z: f64) -> f64 {
    super::logit::logistic(z)
}

/// Logistic density F(z) F(-z).
pub fn density(z: f64) -> f64 {
    if !z.is_finite() {
        return 0.0;
    }
    cdf(z) * cdf(-z)
}

/// Derivative of the logistic density, f(z) (1 - 2 F(z)).
pub fn density_slope(z: f64) -> f64 {
    if !z.is_finite() {
        return 0.0;
    }
    density(z) * (cdf(-z) - cdf(z))
}

/// F(upper) - F(lower), accurate when both are in the same tail.
pub fn interval_probability(lower: f64, upper: f64) -> f64 {
    if lower > 0.0 {
        cdf(-lower) - cdf(-upper)
    } else {
        cdf(upper) - cdf(lower)
    }
}

/// One row's contribution: its probability and the derivatives of the
/// predictors that bound it.
struct RowTerms {
    prob: f64,
    /// (f(u_j), f'(u_j)) and (f(u_{j-1}), f'(u_{j-1})): zero when absent.
    upper: (f64, f64),
    lower: (f64, f64),
}

/// Reusable buffers for the predictor gradients of one row.
struct Scratch {
    upper: Vec<f64>,
    lower: Vec<f64>,
}

impl Scratch {
    fn new(np: usize) -> Scratch {
        Scratch {
            upper: vec![0.0; np],
            lower: vec![0.0; np],
        }
    }
}

/// The probability of row i's level at theta, filling `s` with the gradients
/// of the bounding predictors.
fn row_terms(prob: &Problem, theta: &[f64], i: usize, s: &mut Scratch) -> RowTerms {
    let j = prob.y[i];
    let dot = |a: &[f64]| -> f64 { a.iter().zip(theta).map(|(x, t)| x * t).sum() };
    let off = prob.offset(i);
    let u = if j < prob.thresholds {
        prob.predictor_gradient(i, j, &mut s.upper);
        dot(&s.upper) - off
    } else {
        s.upper.iter_mut().for_each(|v| *v = 0.0);
        f64::INFINITY
    };
    let l = if j > 0 {
        prob.predictor_gradient(i, j - 1, &mut s.lower);
        dot(&s.lower) - off
    } else {
        s.lower.iter_mut().for_each(|v| *v = 0.0);
        f64::NEG_INFINITY
    };
    RowTerms {
        prob: interval_probability(l, u),
        upper: (density(u), density_slope(u)),
        lower: (density(l), density_slope(l)),
    }
}

/// The log-likelihood, score and information (minus the Hessian) at theta.
#[derive(Debug, Clone)]
pub struct Evaluation {
    /// -Inf where some observed level has probability zero or less.
    pub loglik: f64,
    pub gradient: Vec<f64>,
    /// Row-major, parameters x parameters (empty unless asked for).
    pub information: Vec<f64>,
}

/// Evaluates the log-likelihood (with the score and, if `hessian`, the
/// information).
pub fn evaluate(prob: &Problem, theta: &[f64], hessian: bool) -> Evaluation {
    let np = prob.parameters();
    let mut s = Scratch::new(np);
    let mut loglik = 0.0;
    let mut gradient = vec![0.0; np];
    let mut information = if hessian { vec![0.0; np * np] } else { vec![] };
    let mut dp = vec![0.0; np];
    for i in 0..prob.n {
        let t = row_terms(prob, theta, i, &mut s);
        if !(t.prob > 0.0 && t.prob.is_finite()) {
            loglik = f64::NEG_INFINITY;
            break;
        }
        loglik += t.prob.ln();
        for c in 0..np {
            dp[c] = t.upper.0 * s.upper[c] - t.lower.0 * s.lower[c];
            gradient[c] += dp[c] / t.prob;
        }
        if hessian {
            let (a2, b2) = (t.upper.1 / t.prob, t.lower.1 / t.prob);
            let p2 = t.prob * t.prob;
            for r in 0..np {
                for c in 0..=r {
                    let v = dp[r] * dp[c] / p2 - a2 * s.upper[r] * s.upper[c]
                        + b2 * s.lower[r] * s.lower[c];
                    information[r * np + c] += v;
                }
            }
        }
    }
    if hessian {
        for r in 0..np {
            for c in 0..r {
                information[c * np + r] = information[r * np + c];
            }
        }
    }
    Evaluation {
        loglik,
        gradient,
        information,
    }
}

/// The log-likelihood alone.
pub fn log_likelihood(prob: &Problem, theta: &[f64]) -> f64 {
    evaluate(prob, theta, false).loglik
}

/// Per-row scores (the estimating functions of `sandwich::estfun`),
/// row-major n x parameters.
pub fn scores(prob: &Problem, theta: &[f64]) -> Vec<f64> {
    let np = prob.parameters();
    let mut s = Scratch::new(np);
    let mut out = vec![0.0; prob.n * np];
    for i in 0..prob.n {
        let t = row_terms(prob, theta, i, &mut s);
        for c in 0..np {
            out[i * np + c] = (t.upper.0 * s.upper[c] - t.lower.0 * s.lower[c]) / t.prob;
        }
    }
    out
}

/// The fitted probability of each row's observed level.
pub fn fitted_probabilities(prob: &Problem, theta: &[f64]) -> Vec<f64> {
    let mut s = Scratch::new(prob.parameters());
    (0..prob.n)
        .map(|i| row_terms(prob, theta, i, &mut s).prob)
        .collect()
}

/// The thresholds at beta = 0: logits of the cumulative proportions.
pub fn marginal_thresholds(y: &[usize], thresholds: usize) -> Vec<f64> {
    let n = y.len() as f64;
    let mut counts = vec![0usize; thresholds + 1];
    for &v in y {
        counts[v] += 1;
    }
    let mut cum = 0.0;
    (0..thresholds)
        .map(|k| {
            cum += counts[k] as f64;
            let q = cum / n;
            (q / (1.0 - q)).ln()
        })
        .collect()
}

/// The log-likelihood of the thresholds-only model (the null model).
pub fn null_log_likelihood(y: &[usize], thresholds: usize) -> f64 {
    let n = y.len() as f64;
    let mut counts = vec![0usize; thresholds + 1];
    for &v in y {
        counts[v] += 1;
    }
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| c as f64 * (c as f64 / n).ln())
        .sum()
}

/// A maximum-likelihood fit.
#[derive(Debug, Clone)]
pub struct Fit {
    pub theta: Vec<f64>,
    pub loglik: f64,
    pub converged: bool,
    pub iterations: usize,
    /// The largest absolute score at the estimate.
    pub max_gradient: f64,
    /// The information at the estimate (row-major).
    pub information: Vec<f64>,
    /// The information could not be inverted at some iteration.
    pub singular: bool,
}

/// Fits by Newton's method with step halving, from `start` or from the
/// marginal thresholds with all coefficients zero.
pub fn fit(prob: &Problem, start: Option<&[f64]>) -> Fit {
    let np = prob.parameters();
    let mut theta = match start {
        Some(s) => s.to_vec(),
        None => {
            let mut t = marginal_thresholds(prob.y, prob.thresholds);
            t.resize(np, 0.0);
            t
        }
    };
    let mut ev = evaluate(prob, &theta, true);
    let (mut converged, mut singular) = (false, false);
    let mut iterations = 0;
    while iterations < MAX_ITERATIONS && ev.loglik.is_finite() {
        if max_abs(&ev.gradient) < GRADIENT_TOLERANCE {
            converged = true;
            break;
        }
        let Some(step) = linalg::spd_solve(&ev.information, np, &ev.gradient) else {
            singular = true;
            break;
        };
        let gain: f64 = 0.5
            * step
                .iter()
                .zip(&ev.gradient)
                .map(|(a, b)| a * b)
                .sum::<f64>();
        iterations += 1;
        match halved_step(prob, &theta, &step, ev.loglik) {
            Some(next) => theta = next,
            None => {
                converged = gain < GAIN_TOLERANCE;
                break;
            }
        }
        ev = evaluate(prob, &theta, true);
        if gain < GAIN_TOLERANCE {
            converged = ev.loglik.is_finite();
            break;
        }
    }
    Fit {
        max_gradient: max_abs(&ev.gradient),
        loglik: ev.loglik,
        information: ev.information,
        theta,
        converged,
        iterations,
        singular,
    }
}

/// theta + t step for the largest t in 1, 1/2, 1/4, ... that keeps the
/// log-likelihood finite and does not lower it (beyond rounding).
fn halved_step(prob: &Problem, theta: &[f64], step: &[f64], loglik: f64) -> Option<Vec<f64>> {
    let mut t = 1.0;
    for _ in 0..40 {
        let next: Vec<f64> = theta.iter().zip(step).map(|(a, s)| a + t * s).collect();
        let ll = log_likelihood(prob, &next);
        if ll.is_finite() && ll >= loglik - 1e-12 * (1.0 + loglik.abs()) {
            return Some(next);
        }
        t *= 0.5;
    }
    None
}

fn max_abs(v: &[f64]) -> f64 {
    v.iter().fold(0.0f64, |m, x| m.max(x.abs()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Three levels, one covariate: the score is zero at the estimate and
    /// the thresholds are ordered.
    #[test]
    fn newton_reaches_a_stationary_point() {
        let x = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0];
        let y = [0, 1, 0, 1, 2, 1, 2, 1, 2];
        let prob = Problem::new(&x, 9, 1, &y, 2);
        let f = fit(&prob, None);
        assert!(f.converged, "{f:?}");
        assert!(f.max_gradient < 1e-8);
        assert!(f.theta[0] < f.theta[1]);
        assert!(f.theta[2] > 0.0);
    }

    #[test]
    fn null_model_log_likelihood_is_the_marginal_one() {
        let y = [0, 0, 1, 2, 2, 2];
        let x: [f64; 0] = [];
        let prob = Problem::new(&x, 6, 0, &y, 2);
        let f = fit(&prob, None);
        assert!((f.loglik - null_log_likelihood(&y, 2)).abs() < 1e-12);
    }
}
