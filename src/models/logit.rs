//! Binary logistic regression by maximum likelihood: Newton-Raphson (equal to
//! IRLS / Fisher scoring for the canonical logit link) with step-halving.
//!
//! Convergence rule: R's `glm.fit` rule, `|dev - dev_old| / (|dev| + 0.1) <
//! epsilon`, with `epsilon = 1e-10` by default (R uses 1e-8), and in addition
//! the last Newton step must be small: `|step_j| <= 1e-8 * max(1, |beta_j|)`
//! for every j. Near the optimum Newton's method converges quadratically, so
//! the second condition costs at most one more iteration; on separated data,
//! where the estimates drift off to infinity, it is never met and the fit is
//! reported as not converged (R's glm reports such fits as converged). The
//! iteration cap is 100 (R: 25). A step that raises the deviance or makes it
//! non-finite is halved, up to 30 times. Failure to converge is reported in the
//! result (`converged = false`, with the deviance at every iteration), never
//! as a panic.

use crate::design::AtZero;
use crate::linalg;
use crate::results::Iteration;

#[derive(Debug, Clone, Copy)]
pub struct Control {
    pub epsilon: f64,
    pub max_iterations: usize,
    pub max_halvings: usize,
}

impl Default for Control {
    fn default() -> Self {
        Control {
            epsilon: 1e-10,
            max_iterations: 100,
            max_halvings: 30,
        }
    }
}

/// The data of a logit: a row-major design, the 0/1 outcome, optional prior
/// (frequency) weights and an optional offset.
#[derive(Debug, Clone, Copy)]
pub struct Problem<'a> {
    pub x: &'a [f64],
    pub n: usize,
    pub p: usize,
    pub y: &'a [f64],
    pub weights: Option<&'a [f64]>,
    pub offset: Option<&'a [f64]>,
    /// The evaluation at `beta = 0`, when already known (see [`AtZero`]).
    pub at_zero: Option<&'a AtZero>,
}

impl<'a> Problem<'a> {
    /// The known evaluation at zero, if it applies to this problem.
    pub fn known_at_zero(&self, beta: &[f64]) -> Option<&'a AtZero> {
        let applies = self.weights.is_none()
            && self.offset.is_none()
            && beta.iter().all(|&b| b == 0.0)
            && self.at_zero.is_some_and(|z| z.score.len() == self.p);
        if applies {
            self.at_zero
        } else {
            None
        }
    }
}

impl<'a> Problem<'a> {
    pub fn new(x: &'a [f64], n: usize, p: usize, y: &'a [f64]) -> Self {
        Problem {
            x,
            n,
            p,
            y,
            weights: None,
            offset: None,
            at_zero: None,
        }
    }
    pub fn weight(&self, i: usize) -> f64 {
        self.weights.map(|w| w[i]).unwrap_or(1.0)
    }
    pub fn linear_predictor(&self, beta: &[f64]) -> Vec<f64> {
        let mut eta = if self.p == 0 {
            vec![0.0; self.n]
        } else {
            linalg::x_vec(self.x, self.n, self.p, beta)
        };
        if let Some(off) = self.offset {
            for (e, o) in eta.iter_mut().zip(off) {
                *e += o;
            }
        }
        eta
    }
}

#[derive(Debug, Clone)]
pub struct Fit {
    pub beta: Vec<f64>,
    pub converged: bool,
    pub iterations: usize,
    pub history: Vec<Iteration>,
    pub deviance: f64,
    pub mu: Vec<f64>,
    /// `X' W X` at the estimate (the observed = expected information).
    pub information: Vec<f64>,
    /// Set when the information matrix was singular at some iteration.
    pub singular: bool,
}

/// log(1 + exp(x)) without overflow.
pub fn softplus(x: f64) -> f64 {
    if x > 0.0 {
        x + (-x).exp().ln_1p()
    } else {
        x.exp().ln_1p()
    }
}

pub fn logistic(eta: f64) -> f64 {
    if eta >= 0.0 {
        1.0 / (1.0 + (-eta).exp())
    } else {
        let e = eta.exp();
        e / (1.0 + e)
    }
}

/// Binomial deviance of 0/1 outcomes: -2 * log-likelihood.
pub fn deviance(prob: &Problem, eta: &[f64]) -> f64 {
    linalg::row_sum(prob.n, |i| row_terms(prob.y[i], prob.weight(i), eta[i]).2)
}

/// Per-row terms of the logit at linear predictor `eta`: the IRLS weight
/// `w mu (1 - mu)`, the score factor `w (y - mu)` and the deviance
/// contribution `-2 w log P(y)`, from one `exp` and one `log1p`.
#[inline]
pub fn row_terms(y: f64, weight: f64, eta: f64) -> (f64, f64, f64) {
    if weight == 0.0 {
        return (0.0, 0.0, 0.0);
    }
    let (w, r, s, _) = row_terms_mu(y, weight, eta);
    (w, r, s)
}

/// [`row_terms`] and the fitted probability `mu`, the same value as
/// [`logistic`] gives (also for a row of weight 0).
#[inline]
pub fn row_terms_mu(y: f64, weight: f64, eta: f64) -> (f64, f64, f64, f64) {
    let e = (-eta.abs()).exp();
    let mu = if eta >= 0.0 {
        1.0 / (1.0 + e)
    } else {
        e / (1.0 + e)
    };
    if weight == 0.0 {
        return (0.0, 0.0, 0.0, mu);
    }
    // -log P(y) = softplus(-eta) if y = 1, softplus(eta) if y = 0, and
    // softplus(t) = max(t, 0) + log(1 + exp(-|t|)).
    let t = if y == 1.0 { -eta } else { eta };
    // e <= 1, so ln(1 + e) is accurate to a rounding error of 1 (an absolute
    // error of ~1e-16 per row, far below what the deviance needs) and much
    // cheaper than log1p.
    let nll = t.max(0.0) + (1.0 + e).ln();
    (
        weight * mu * (1.0 - mu),
        weight * (y - mu),
        2.0 * weight * nll,
        mu,
    )
}

/// The convergence rule's step condition: every coefficient moved by at most
/// `1e-8 * max(1, |b|)`.
fn small_change(new: &[f64], old: &[f64]) -> bool {
    new.iter()
        .zip(old)
        .all(|(b1, b0)| (b1 - b0).abs() <= 1e-8 * b1.abs().max(1.0))
}

/// Deviance, information and score at a point (see [`evaluate`]).
pub type Evaluation = (f64, Vec<f64>, Vec<f64>);

/// Deviance, information `X' W X` and score `X' (w (y - mu))` at `beta`, in
/// one pass over the rows.
pub fn evaluate(prob: &Problem, beta: &[f64]) -> Evaluation {
    evaluate_with(prob, None, beta)
}

/// [`evaluate`], over the design's nonzero cells `cells` when given (the
/// same values; see [`linalg::weighted_pass_with`]).
fn evaluate_with(prob: &Problem, cells: Option<&linalg::SparseRows>, beta: &[f64]) -> Evaluation {
    if prob.p == 0 {
        let eta = prob.linear_predictor(beta);
        return (deviance(prob, &eta), vec![], vec![]);
    }
    let (x, n, p) = (prob.x, prob.n, prob.p);
    let pass = linalg::weighted_pass_with(x, n, p, cells, beta, prob.offset, |i, eta| {
        row_terms(prob.y[i], prob.weight(i), eta)
    });
    (pass.total, pass.cross, pass.xr)
}

/// Fits the logit by maximum likelihood.
pub fn fit(prob: &Problem, start: Option<&[f64]>, control: &Control) -> Fit {
    let p = prob.p;
    let mut beta: Vec<f64> = start.map(|s| s.to_vec()).unwrap_or_else(|| vec![0.0; p]);
    // A wide, mostly-zero design's nonzero cells, found once for every pass.
    let cells = linalg::SparseRows::of_wide_sparse(prob.x, prob.n, p);
    let cells = cells.as_ref();
    let (mut dev, mut info, mut score) = match prob.known_at_zero(&beta) {
        Some(z) => (z.deviance, z.information.clone(), z.score.clone()),
        None => evaluate_with(prob, cells, &beta),
    };
    let mut history = vec![Iteration {
        iteration: 0,
        deviance: dev,
        step_halvings: 0,
    }];
    let mut converged = false;
    let mut singular = false;
    let mut iterations = 0;
    let mut fitted = None;
    if p == 0 {
        converged = true;
    }
    while !converged && iterations < control.max_iterations {
        iterations += 1;
        let step = match linalg::spd_solve(&info, p, &score) {
            Some(s) => s,
            None => {
                singular = true;
                break;
            }
        };
        if prob.n > linalg::LARGE_ROWS {
            if let Some((cand, cand_dev, mu)) = cheap_last_step(prob, &beta, &step, dev, control) {
                history.push(Iteration {
                    iteration: iterations,
                    deviance: cand_dev,
                    step_halvings: 0,
                });
                fitted = Some(mu);
                beta = cand;
                dev = cand_dev;
                converged = true;
                break;
            }
        }
        let (new_beta, (new_dev, new_info, new_score), halvings) =
            halving_step(prob, cells, &beta, &step, dev, control);
        let change = (new_dev - dev).abs() / (new_dev.abs() + 0.1);
        let small_step = small_change(&new_beta, &beta);
        beta = new_beta;
        dev = new_dev;
        info = new_info;
        score = new_score;
        history.push(Iteration {
            iteration: iterations,
            deviance: dev,
            step_halvings: halvings,
        });
        if change < control.epsilon && small_step {
            converged = true;
        }
    }
    let mu = fitted.unwrap_or_else(|| {
        let eta = prob.linear_predictor(&beta);
        linalg::row_map(prob.n, |i| logistic(eta[i]))
    });
    Fit {
        beta,
        converged,
        iterations,
        history,
        deviance: dev,
        mu,
        information: info,
        singular,
    }
}

/// A step's deviance is acceptable if finite and not above the current one
/// (up to rounding).
fn acceptable(cand_dev: f64, dev: f64) -> bool {
    cand_dev.is_finite() && cand_dev <= dev * (1.0 + 1e-12) + 1e-12
}

/// On a large design, a full step that is already small (the last step of a
/// converging fit) is first checked with a cheaper pass: deviance, linear
/// predictor and fitted values, no `X'WX`. If it meets the convergence rule
/// the fit ends there (returned: the new estimate, its deviance and fitted
/// values), with the information of the previous iterate (as R's glm, whose
/// covariance comes from the weights of its last iteration); otherwise
/// `None` and the step goes on in full.
fn cheap_last_step(
    prob: &Problem,
    beta: &[f64],
    step: &[f64],
    dev: f64,
    control: &Control,
) -> Option<(Vec<f64>, f64, Vec<f64>)> {
    let cand: Vec<f64> = beta.iter().zip(step).map(|(b, s)| b + s).collect();
    if !small_change(&cand, beta) {
        return None;
    }
    let (mu, cand_dev) = linalg::fitted_pass(prob.x, prob.n, prob.p, &cand, prob.offset, |i, e| {
        let (_, _, s, mu) = row_terms_mu(prob.y[i], prob.weight(i), e);
        (mu, s)
    });
    let change = (cand_dev - dev).abs() / (cand_dev.abs() + 0.1);
    (acceptable(cand_dev, dev) && change < control.epsilon).then_some((cand, cand_dev, mu))
}

/// The step with step-halving: the new estimate, its evaluation (deviance,
/// information and score; over the nonzero `cells` when given) and the
/// number of halvings. Each candidate is evaluated in full, so an accepted
/// step needs no further pass over the data.
fn halving_step(
    prob: &Problem,
    cells: Option<&linalg::SparseRows>,
    beta: &[f64],
    step: &[f64],
    dev: f64,
    control: &Control,
) -> (Vec<f64>, Evaluation, usize) {
    let mut factor = 1.0;
    let mut halvings = 0;
    loop {
        let cand: Vec<f64> = beta.iter().zip(step).map(|(b, s)| b + factor * s).collect();
        let evaluation = evaluate_with(prob, cells, &cand);
        if acceptable(evaluation.0, dev) || halvings >= control.max_halvings {
            return (cand, evaluation, halvings);
        }
        factor *= 0.5;
        halvings += 1;
    }
}

/// Deviance of the intercept-only model (or of `eta = offset` with no
/// intercept), as R's `null.deviance`.
pub fn null_deviance(prob: &Problem, intercept: bool) -> f64 {
    if !intercept {
        let eta = prob.offset.map(|o| o.to_vec()).unwrap_or(vec![0.0; prob.n]);
        return deviance(prob, &eta);
    }
    if prob.offset.is_none() {
        // The intercept-only ML estimate is the log odds of the (weighted)
        // mean outcome, so the fit needs no iterations.
        let (mut sw, mut swy) = (0.0, 0.0);
        for i in 0..prob.n {
            sw += prob.weight(i);
            swy += prob.weight(i) * prob.y[i];
        }
        let mean = swy / sw;
        if mean > 0.0 && mean < 1.0 {
            // The deviance at a constant probability is a function of the
            // weighted counts of ones and zeros: no pass over the rows.
            return -2.0 * (swy * mean.ln() + (sw - swy) * (-mean).ln_1p());
        }
    }
    let ones = vec![1.0; prob.n];
    let null = Problem {
        x: &ones,
        n: prob.n,
        p: 1,
        y: prob.y,
        weights: prob.weights,
        offset: prob.offset,
        at_zero: None,
    };
    fit(&null, None, &Control::default()).deviance
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn softplus_is_stable() {
        assert!((softplus(0.0) - 2f64.ln()).abs() < 1e-15);
        assert_eq!(softplus(1000.0), 1000.0);
        assert!(softplus(-1000.0) >= 0.0);
        assert!((logistic(0.0) - 0.5).abs() < 1e-15);
        assert!(logistic(-800.0) >= 0.0);
    }

    #[test]
    fn intercept_only_is_the_log_odds() {
        let y = [1.0, 1.0, 1.0, 0.0];
        let x = [1.0; 4];
        let f = fit(&Problem::new(&x, 4, 1, &y), None, &Control::default());
        assert!(f.converged);
        assert!((f.beta[0] - 3f64.ln()).abs() < 1e-10);
    }
}
