//! Firth's penalized-likelihood logit (Jeffreys-prior penalty), with logistf's
//! conventions for tests and intervals.
//!
//! Penalized log-likelihood: `l*(b) = l(b) + 0.5 log det(X' W X)`,
//! `W = diag(w_i mu_i (1 - mu_i))` (w = prior weights). Its gradient is the
//! modified score `U*_j = sum_i x_ij [w_i (y_i - mu_i) + h_i (0.5 - mu_i)]`,
//! with `h` the diagonal of the hat matrix `W^(1/2) X (X'WX)^-1 X' W^(1/2)`.
//! The estimate is found by Newton-type steps `(X'WX)^-1 U*` on the free
//! coefficients, with step-halving on `l*` and steps capped at 5 in any
//! coordinate (logistf's `maxstep`). Coefficients can be held fixed: the
//! penalty is then still computed on the full design (logistf's convention
//! for penalized likelihood-ratio tests and profile intervals).
//!
//! A step is accepted when it raises l*; where l* changes only by rounding,
//! the full step is kept if it lowers the norm of the modified score and the
//! half step is taken otherwise; a step that lowers l* is halved (up to 40
//! times). Converged when the proposed step
//! `(X'WX)^-1 U*` is below `1e-10 * max(1, |b_j|)` in every free coordinate;
//! at most 500 iterations (convergence is linear, typically 20-60).

use super::inference::{chisq_quantile, chisq_sf, find_root};
use super::logit::{self, Control, Problem};
use crate::linalg;

#[derive(Debug, Clone)]
pub struct FirthFit {
    pub beta: Vec<f64>,
    pub converged: bool,
    pub iterations: usize,
    /// l*(b) at the estimate.
    pub penalized_loglik: f64,
    /// The plain log-likelihood l(b) at the estimate.
    pub loglik: f64,
    pub mu: Vec<f64>,
    pub hat: Vec<f64>,
    /// `X' W X` at the estimate.
    pub information: Vec<f64>,
}

/// l* and what the next step needs, at one coefficient vector.
struct State {
    info: Vec<f64>,
    /// Inverse of the lower Cholesky factor of `info`.
    linv: Vec<f64>,
    loglik: f64,
    penalized: f64,
    /// The fitted probabilities, kept from the pass for a small design (the
    /// modified score then needs no `exp`).
    mu: Option<Vec<f64>>,
}

/// Up to this many rows the fitted probabilities of a pass are kept.
const KEEP_MU_ROWS: usize = 4096;

/// l* at `beta`, from one pass over the rows (deviance and `X'WX`), over
/// the design's nonzero cells `cells` when given (a wide, mostly-zero
/// design; see [`linalg::SparseRows::of_wide_sparse`]).
fn evaluate(prob: &Problem, cells: Cells, beta: &[f64]) -> Option<State> {
    let mut mu = None;
    let (deviance, info) = match prob.known_at_zero(beta) {
        Some(z) => (z.deviance, z.information.clone()),
        None if cells.is_some() && beta.iter().all(|b| b.is_finite()) => {
            let pass = linalg::weighted_pass_with(
                prob.x,
                prob.n,
                prob.p,
                cells,
                beta,
                prob.offset,
                |i, eta| logit::row_terms(prob.y[i], prob.weight(i), eta),
            );
            (pass.total, pass.cross)
        }
        None if prob.n <= KEEP_MU_ROWS && prob.p > 0 => {
            use std::sync::atomic::{AtomicU64, Ordering};
            let kept: Vec<AtomicU64> = (0..prob.n).map(|_| AtomicU64::new(0)).collect();
            let pass =
                linalg::weighted_pass(prob.x, prob.n, prob.p, beta, prob.offset, |i, eta| {
                    let (w, r, s, m) = logit::row_terms_mu(prob.y[i], prob.weight(i), eta);
                    kept[i].store(m.to_bits(), Ordering::Relaxed);
                    (w, r, s)
                });
            mu = Some(
                kept.into_iter()
                    .map(|m| f64::from_bits(m.into_inner()))
                    .collect(),
            );
            (pass.total, pass.cross)
        }
        None => {
            let (deviance, info, _) = logit::evaluate(prob, beta);
            (deviance, info)
        }
    };
    let (linv, logdet) = linalg::cholesky_inverse_factor(&info, prob.p)?;
    let loglik = -0.5 * deviance;
    Some(State {
        info,
        linv,
        loglik,
        penalized: loglik + 0.5 * logdet,
        mu,
    })
}

/// The per-row factor `e_i` of the modified score `U* = sum e_i x_i`, from
/// the linear predictor and `q_i = x_i' (X'WX)^-1 x_i`.
#[inline]
fn score_factor(y: f64, weight: f64, mu: f64, q: f64) -> f64 {
    let hat = weight * mu * (1.0 - mu) * q;
    weight * (y - mu) + hat * (0.5 - mu)
}

/// The nonzero cells of a wide, mostly-zero design, found once per fit.
type Cells<'a> = Option<&'a linalg::SparseRows>;

/// The modified score (gradient of l*) at `beta`: one more pass (over the
/// nonzero cells when given).
fn modified_score(prob: &Problem, cells: Cells, beta: &[f64], s: &State) -> Vec<f64> {
    let factor = |i: usize, eta: f64, q: f64| {
        let mu = match &s.mu {
            Some(mu) => mu[i],
            None => logit::logistic(eta),
        };
        score_factor(prob.y[i], prob.weight(i), mu, q)
    };
    match cells {
        Some(c) if beta.iter().all(|b| b.is_finite()) => {
            linalg::sparse_quadratic_pass(c, prob.n, prob.p, beta, prob.offset, &s.linv, factor)
        }
        _ => linalg::quadratic_pass(prob.x, prob.n, prob.p, beta, prob.offset, &s.linv, factor),
    }
}

/// Per-observation modified-score factors `e_i`, with `U*_i = e_i x_i`.
pub fn score_factors(prob: &Problem, fit: &FirthFit) -> Vec<f64> {
    linalg::row_map(prob.n, |i| {
        prob.weight(i) * (prob.y[i] - fit.mu[i]) + fit.hat[i] * (0.5 - fit.mu[i])
    })
}

/// A Firth fit of up to `NEWTON_MAX_ROWS` rows and at least
/// `NEWTON_MIN_COLUMNS` columns takes Newton steps with the exact Hessian of
/// l*; otherwise scoring steps with `X'WX`. Scoring converges only
/// linearly, and near separation slowly (twenty or more steps), but each
/// step is cheap; the Hessian costs O(n p^3) per step and pays off in fewer
/// steps only with many columns (measured on the bundled analyses: fewer
/// than half the time at p = 13, more at p = 2).
const NEWTON_MAX_ROWS: usize = 400;
const NEWTON_MIN_COLUMNS: usize = 6;
/// Scoring steps after which a small fit with fewer columns also takes
/// Newton steps: on some separated designs scoring creeps towards the
/// maximum with a ratio near 1 and would need hundreds of steps (a
/// property-test case with 8 rows and 3 columns took 500 without meeting the
/// step rule; with Newton steps after 100 it converges in 103). Fits that
/// converge within this many steps are unchanged (the reports are
/// byte-identical).
const SCORING_PATIENCE: usize = 100;

/// Minus the Hessian of l* at `beta` (p x p), from `state`, the evaluation
/// there (the inverse Cholesky factor of the information, and the fitted
/// probabilities when the pass kept them). With `w_i = v_i mu_i (1 -
/// mu_i)` (v the prior weight), `q_i = x_i' (X'WX)^-1 x_i`, hat value
/// `h_i = w_i q_i` and `P_ij = x_i' (X'WX)^-1 x_j`, differentiating
/// `U* = sum_i (v_i (y_i - mu_i) + h_i (1/2 - mu_i)) x_i` gives
/// `H = X' diag(c) X - 2 (DX)' (P o P) (DX)`, where
/// `c_i = -w_i + h_i ((1 - 2 mu_i)(1/2 - mu_i) - mu_i (1 - mu_i))` and
/// `D = diag((1/2 - mu_i) w_i)`.
fn negative_hessian(prob: &Problem, beta: &[f64], state: &State) -> Vec<f64> {
    let (n, p) = (prob.n, prob.p);
    let linv = &state.linv;
    // The fitted probabilities: those the pass at `beta` kept, if it did.
    let mu: std::borrow::Cow<[f64]> = match &state.mu {
        Some(mu) => mu.into(),
        None => {
            let eta = prob.linear_predictor(beta);
            eta.iter().map(|&e| logit::logistic(e)).collect()
        }
    };
    let q = linalg::quadratic_forms(prob.x, n, p, linv);
    let mut c = vec![0.0; n];
    let mut d = vec![0.0; n];
    for i in 0..n {
        let mu = mu[i];
        let w = prob.weight(i) * mu * (1.0 - mu);
        let h = w * q[i];
        c[i] = -w + h * ((1.0 - 2.0 * mu) * (0.5 - mu) - mu * (1.0 - mu));
        d[i] = (0.5 - mu) * w;
    }
    let mut hessian = linalg::squared_hat_form(prob.x, n, p, linv, &c, &d);
    hessian.iter_mut().for_each(|v| *v = -*v);
    hessian
}

/// The rows and columns `free` of a p x p row-major matrix.
fn free_block(m: &[f64], p: usize, free: &[usize]) -> Vec<f64> {
    free.iter()
        .flat_map(|&a| free.iter().map(move |&b| m[a * p + b]))
        .collect()
}

const MAX_STEP: f64 = 5.0;
const MAX_ITERATIONS: usize = 500;

/// Maximises l*, with `fixed[j] = Some(v)` holding coefficient j at v.
pub fn fit(prob: &Problem, fixed: &[Option<f64>], start: Option<&[f64]>) -> Option<FirthFit> {
    let p = prob.p;
    let mut beta: Vec<f64> = start.map(|s| s.to_vec()).unwrap_or_else(|| vec![0.0; p]);
    for (j, f) in fixed.iter().enumerate() {
        if let Some(v) = f {
            beta[j] = *v;
        }
    }
    let free: Vec<usize> = (0..p).filter(|&j| fixed[j].is_none()).collect();
    let cells = linalg::SparseRows::of_wide_sparse(prob.x, prob.n, p);
    let cells = cells.as_ref();
    let mut state = evaluate(prob, cells, &beta)?;
    // The modified score at `beta`, when already computed.
    let mut known_score: Option<Vec<f64>> = None;
    let mut converged = free.is_empty();
    let mut iterations = 0;
    while !converged && iterations < MAX_ITERATIONS {
        iterations += 1;
        let score = match known_score.take() {
            Some(s) => s,
            None => modified_score(prob, cells, &beta, &state),
        };
        let mut step = ascent_step(prob, &beta, &free, &state, &score, iterations)?;
        let largest = step.iter().fold(0.0f64, |m, s| m.max(s.abs()));
        if largest > MAX_STEP {
            step.iter_mut().for_each(|s| *s *= MAX_STEP / largest);
        }
        let scale = |j: usize| beta[j].abs().max(1.0);
        let relative = free
            .iter()
            .enumerate()
            .fold(0.0f64, |m, (t, &j)| m.max(step[t].abs() / scale(j)));
        if relative <= 1e-10 {
            converged = true;
            break;
        }
        let Some((cand, s, cand_score)) =
            line_search(prob, cells, &beta, &free, &step, &state, &score)
        else {
            // Neither l* nor the score can be improved above rounding.
            converged = norm_free(&free, &score) < 1e-8;
            break;
        };
        beta = cand;
        state = s;
        known_score = cand_score;
    }
    Some(finish(prob, cells, beta, state, converged, iterations))
}

/// The step of iteration `iterations` on the free coefficients: a Newton
/// step where l* is locally concave (minus its Hessian is positive
/// definite); otherwise, and for many rows, a scoring step. `None` if the
/// information is singular.
fn ascent_step(
    prob: &Problem,
    beta: &[f64],
    free: &[usize],
    state: &State,
    score: &[f64],
    iterations: usize,
) -> Option<Vec<f64>> {
    let p = prob.p;
    let k = free.len();
    let sub = free_block(&state.info, p, free);
    let rhs: Vec<f64> = free.iter().map(|&a| score[a]).collect();
    let newton = (prob.n <= NEWTON_MAX_ROWS
        && (prob.p >= NEWTON_MIN_COLUMNS || iterations > SCORING_PATIENCE))
        .then(|| {
            let h = negative_hessian(prob, beta, state);
            linalg::spd_solve(&free_block(&h, p, free), k, &rhs)
        })
        .flatten();
    match newton {
        Some(s) => Some(s),
        None => linalg::spd_solve(&sub, k, &rhs),
    }
}

/// The Euclidean norm of the free coefficients' entries of `u`.
fn norm_free(free: &[usize], u: &[f64]) -> f64 {
    free.iter().map(|&j| u[j] * u[j]).sum::<f64>().sqrt()
}

/// Line search along `step`: the accepted point, its state and (when it was
/// computed) its modified score; `None` if neither l* nor the score can be
/// improved. The scoring step uses X'WX, not the Hessian of l*, and along a
/// flat direction a full step can overshoot to the mirror point forever (same
/// |U*|, same l* up to rounding).
fn line_search(
    prob: &Problem,
    cells: Cells,
    beta: &[f64],
    free: &[usize],
    step: &[f64],
    state: &State,
    score: &[f64],
) -> Option<(Vec<f64>, State, Option<Vec<f64>>)> {
    let norm_old = norm_free(free, score);
    let mut factor = 1.0;
    for attempt in 0..40 {
        let mut cand = beta.to_vec();
        for (t, &j) in free.iter().enumerate() {
            cand[j] += factor * step[t];
        }
        if let Some(s) = evaluate(prob, cells, &cand) {
            let noise = 1e-12 * (state.penalized.abs() + 1.0);
            let change = s.penalized - state.penalized;
            let flat = change.abs() <= noise;
            // Where l* is flat to rounding, the full step is kept if it
            // lowers |U*|, and otherwise the half step is taken (a damped
            // step, which ends the mirror-point oscillation).
            let mut cand_score = None;
            let take = change > noise
                || (flat && attempt > 0)
                || (flat && {
                    let u = modified_score(prob, cells, &cand, &s);
                    let lower = norm_free(free, &u) < norm_old;
                    cand_score = Some(u);
                    lower
                });
            if take {
                return Some((cand, s, cand_score));
            }
        }
        factor *= 0.5;
    }
    None
}

/// The fit at the estimate: fitted values and hat values.
fn finish(
    prob: &Problem,
    cells: Cells,
    beta: Vec<f64>,
    state: State,
    converged: bool,
    iterations: usize,
) -> FirthFit {
    let p = prob.p;
    let eta = prob.linear_predictor(&beta);
    let mu = linalg::row_map(prob.n, |i| logit::logistic(eta[i]));
    let mut hat = match cells {
        Some(c) => linalg::sparse_quadratic_forms(c, prob.n, p, &state.linv),
        None => linalg::quadratic_forms(prob.x, prob.n, p, &state.linv),
    };
    for (i, h) in hat.iter_mut().enumerate() {
        *h *= prob.weight(i) * mu[i] * (1.0 - mu[i]);
    }
    FirthFit {
        beta,
        converged,
        iterations,
        penalized_loglik: state.penalized,
        loglik: state.loglik,
        mu,
        hat,
        information: state.info,
    }
}

/// The highest converged constrained maximum of l* over several starts (the
/// fixed coefficients are set in each start). l* can have several local
/// maxima far from the estimate, and which one a Newton path reaches depends
/// on where it starts.
fn best_constrained_fit(
    prob: &Problem,
    fixed: &[Option<f64>],
    starts: &[Vec<f64>],
) -> Option<FirthFit> {
    starts
        .iter()
        .filter_map(|s| {
            let mut s = s.clone();
            for (j, f) in fixed.iter().enumerate() {
                if let Some(v) = f {
                    s[j] = *v;
                }
            }
            fit(prob, fixed, Some(&s)).filter(|f| f.converged)
        })
        .max_by(|a, c| a.penalized_loglik.total_cmp(&c.penalized_loglik))
}

/// Penalized likelihood-ratio test of `b_j = 0` for every j in `cols`
/// (logistf's convention: the restricted fit keeps the full design's
/// penalty). Returns the statistic and its chi-squared p-value.
pub fn penalized_lr_test(prob: &Problem, full: &FirthFit, cols: &[usize]) -> Option<(f64, f64)> {
    let mut fixed = vec![None; prob.p];
    let mut start = full.beta.clone();
    for &j in cols {
        fixed[j] = Some(0.0);
        start[j] = 0.0;
    }
    let restricted = best_constrained_fit(prob, &fixed, &[start, vec![0.0; prob.p]])?;
    let stat = (2.0 * (full.penalized_loglik - restricted.penalized_loglik)).max(0.0);
    Some((stat, chisq_sf(stat, cols.len() as f64)))
}

/// Profile penalized-likelihood interval for coefficient j: the values b with
/// `2 (l*(b_hat) - max_{b_j = b} l*) <= qchisq(level, 1)`.
pub fn profile_interval(
    prob: &Problem,
    full: &FirthFit,
    j: usize,
    se: f64,
    level: f64,
) -> (Option<f64>, Option<f64>) {
    let target = chisq_quantile(level, 1.0);
    let bound = |direction: f64| trace_bound(prob, full, j, se, direction, target);
    (bound(-1.0), bound(1.0))
}

/// The first step of a profile trace, in standard errors.
const TRACE_FIRST_STEP: f64 = 0.25;
/// Each step of a trace aims to raise `sqrt(2 (l*(b_hat) - profile))` by
/// this fraction of the cutoff's square root (about eight steps out to the
/// bound of a quadratic profile).
const TRACE_RESOLUTION: f64 = 0.125;

/// The profile at `b_j = b`: the highest constrained maximum of l* from
/// `starts` (their coefficient j is replaced by b), and its excess
/// `2 (l*(b_hat) - max l*)`.
fn profile_point(
    prob: &Problem,
    full: &FirthFit,
    j: usize,
    b: f64,
    starts: &[&[f64]],
) -> Option<(f64, Vec<f64>)> {
    let mut fixed = vec![None; prob.p];
    fixed[j] = Some(b);
    let starts: Vec<Vec<f64>> = starts.iter().map(|s| s.to_vec()).collect();
    let f = best_constrained_fit(prob, &fixed, &starts)?;
    let excess = 2.0 * (full.penalized_loglik - f.penalized_loglik);
    excess.is_finite().then_some((excess, f.beta))
}

/// One bound of the profile interval, found by following the profile out
/// from the estimate by continuation. The profile is the *maximum* of l*
/// over the other coefficients, and l* restricted to `b_j = b` can have two
/// local maxima (on George & Epstein's court data near the upper bounds of
/// three coefficients): a fit started from the estimate can land on the
/// lower one, and the profile then seems to cross the cutoff early. So each
/// point is fitted from the previous point's solution (which stays on the
/// upper branch when the steps are small), from the estimate with `b_j`
/// replaced (logistf's start) and from zero, and the highest maximum is
/// kept; steps are sized so that the square root of the excess rises by
/// about `TRACE_RESOLUTION` of the cutoff's. The bound is then solved
/// between the last two points, each evaluation started from both of their
/// solutions as well. `None` if the profile does not reach the cutoff
/// (within 1e4 of the scale) or a constrained fit fails.
fn trace_bound(
    prob: &Problem,
    full: &FirthFit,
    j: usize,
    se: f64,
    direction: f64,
    target: f64,
) -> Option<f64> {
    let scale = if se.is_finite() && se > 0.0 { se } else { 1.0 };
    let center = full.beta[j];
    let zero = vec![0.0; prob.p];
    let limit = 1e4 * (1.0 + center.abs()) + 1e4 * scale;
    // The last point inside the cutoff: b, its excess and its solution.
    let (mut b_in, mut excess_in, mut beta_in) = (center, 0.0f64, full.beta.clone());
    let mut step = TRACE_FIRST_STEP * scale;
    let (b_out, beta_out) = loop {
        let b = b_in + direction * step;
        if (b - center).abs() > limit {
            return None;
        }
        let (excess, beta) = profile_point(prob, full, j, b, &[&beta_in, &full.beta, &zero])?;
        if excess >= target {
            break (b, beta);
        }
        // The rate at which sqrt(excess) rises per unit of b, from the last
        // step; the next step is sized to raise it by the resolution.
        let rate = (excess.max(0.0).sqrt() - excess_in.max(0.0).sqrt()) / step;
        let wanted = TRACE_RESOLUTION * target.sqrt();
        step = if rate > 0.0 {
            (wanted / rate).clamp(0.25 * step, 2.0 * step)
        } else {
            2.0 * step
        };
        (b_in, excess_in, beta_in) = (b, excess, beta);
    };
    let starts: [&[f64]; 4] = [&beta_in, &beta_out, &full.beta, &zero];
    find_root(
        |b| profile_point(prob, full, j, b, &starts).map_or(f64::NAN, |(e, _)| e - target),
        b_in,
        b_out,
    )
}

/// FLIC (Puhl, Heinze et al. 2017): the intercept re-estimated by maximum
/// likelihood with the Firth slopes held fixed (as an offset), so that the
/// average predicted probability equals the observed proportion. `intercept`
/// is the index of the intercept column.
pub fn flic_intercept(prob: &Problem, full: &FirthFit, intercept: usize) -> f64 {
    let p = prob.p;
    let offset: Vec<f64> = linalg::row_map(prob.n, |i| {
        let xi = &prob.x[i * p..(i + 1) * p];
        let eta: f64 = xi.iter().zip(&full.beta).map(|(a, b)| a * b).sum();
        eta - full.beta[intercept] + prob.offset.map(|o| o[i]).unwrap_or(0.0)
    });
    // One parameter: Newton's method on the score, from the Firth intercept
    // (close to the answer), with the general fit as a fallback.
    let mut a = full.beta[intercept];
    for _ in 0..50 {
        let (score, information) = linalg::row_sum2(prob.n, |i| {
            let weight = prob.weight(i);
            let mu = logit::logistic(offset[i] + a);
            (weight * (prob.y[i] - mu), weight * mu * (1.0 - mu))
        });
        let step = score / information;
        if !step.is_finite() || step.abs() > 5.0 {
            break;
        }
        a += step;
        if step.abs() <= 1e-12 * a.abs().max(1.0) {
            return a;
        }
    }
    let ones = vec![1.0; prob.n];
    let sub = Problem {
        x: &ones,
        n: prob.n,
        p: 1,
        y: prob.y,
        weights: prob.weights,
        offset: Some(&offset),
        at_zero: None,
    };
    logit::fit(&sub, Some(&[full.beta[intercept]]), &Control::default()).beta[0]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newton_hessian_is_the_derivative_of_the_modified_score() {
        // Central differences of U* against the closed form, with prior
        // weights and an offset, for a few columns and for many.
        for p in [3, 7] {
            let n = 40;
            let mut state = 11u64;
            let mut u = || {
                let v = crate::rng::splitmix64(&mut state);
                (v >> 11) as f64 / (1u64 << 53) as f64
            };
            let x: Vec<f64> = (0..n * p)
                .map(|k| if k % p == 0 { 1.0 } else { 2.0 * u() - 1.0 })
                .collect();
            let y: Vec<f64> = (0..n).map(|_| f64::from(u8::from(u() < 0.4))).collect();
            let weights: Vec<f64> = (0..n).map(|_| 1.0 + (3.0 * u()).floor()).collect();
            let offset: Vec<f64> = (0..n).map(|_| 0.3 * u()).collect();
            let mut prob = Problem::new(&x, n, p, &y);
            prob.weights = Some(&weights);
            prob.offset = Some(&offset);
            let beta: Vec<f64> = (0..p).map(|j| 0.4 - 0.15 * j as f64).collect();
            let score =
                |b: &[f64]| modified_score(&prob, None, b, &evaluate(&prob, None, b).unwrap());
            let state = evaluate(&prob, None, &beta).unwrap();
            let h = negative_hessian(&prob, &beta, &state);
            let step = 1e-6;
            for l in 0..p {
                let (mut up, mut down) = (beta.clone(), beta.clone());
                up[l] += step;
                down[l] -= step;
                let (su, sd) = (score(&up), score(&down));
                for k in 0..p {
                    let numeric = -(su[k] - sd[k]) / (2.0 * step);
                    let exact = h[k * p + l];
                    assert!(
                        (numeric - exact).abs() <= 1e-6 * exact.abs().max(1.0),
                        "p = {p}, H[{k},{l}]: {numeric} vs {exact}"
                    );
                }
            }
        }
    }

    #[test]
    fn firth_estimate_is_finite_under_separation() {
        // y = 1 exactly when x > 0: complete separation.
        let xs = [-2.0, -1.0, -0.5, 0.5, 1.0, 2.0];
        let y = [0.0, 0.0, 0.0, 1.0, 1.0, 1.0];
        let x: Vec<f64> = xs.iter().flat_map(|&v| [1.0, v]).collect();
        let prob = Problem::new(&x, 6, 2, &y);
        let f = fit(&prob, &[None, None], None).unwrap();
        assert!(f.converged);
        assert!(f.beta.iter().all(|b| b.is_finite()));
        assert!(f.beta[1] > 0.0);
    }

    #[test]
    fn intercept_only_firth_is_the_shrunken_log_odds() {
        // With an intercept only, Firth adds 1/2 to each outcome count.
        let y = [1.0, 1.0, 1.0, 0.0];
        let x = [1.0; 4];
        let prob = Problem::new(&x, 4, 1, &y);
        let f = fit(&prob, &[None], None).unwrap();
        assert!((f.beta[0] - (3.5f64 / 1.5).ln()).abs() < 1e-9);
    }
}
