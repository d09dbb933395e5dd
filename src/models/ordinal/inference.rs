//! Inference for an ordered logit: covariance matrices (model-based, HC0,
//! HC1, cluster-robust), Wald tests and intervals, profile-likelihood
//! intervals of the coefficients and the proportional-odds test.
//!
//! Sandwich conventions are those of R's `sandwich` on a `clm` or `polr`
//! fit (`estfun.clm`, `bread.clm`): bread `B` = the inverse observed
//! information of all parameters (thresholds and coefficients), estimating
//! functions the per-row scores; HC0 `B (sum psi_i psi_i') B`; HC1 HC0 * n /
//! (n - k), k the number of parameters (`sandwich(fit, adjust = TRUE)`);
//! cluster `G / (G - 1) B (sum_g u_g u_g') B` (`vcovCL`'s defaults for a
//! non-lm model: `type = "HC0"`, `cadjust = TRUE`), as the binary logit.

use super::{fit, log_likelihood, scores, Fit, Problem};
use crate::error::{Error, Result};
use crate::linalg;
use crate::models::inference::{chisq_quantile, chisq_sf, profile_bound, VcovType};
use crate::results::ProportionalOddsTest;

/// The covariance of all parameters (thresholds, then coefficients).
pub fn covariance(
    prob: &Problem,
    f: &Fit,
    vcov: &VcovType,
    clusters: Option<&[usize]>,
) -> Result<Vec<f64>> {
    let np = prob.parameters();
    let bread = linalg::spd_inverse(&f.information, np).ok_or_else(|| {
        Error::not_estimable(
            "the information matrix of the ordinal model is singular at the estimate: standard errors cannot be computed (separation or collinearity)",
        )
    })?;
    let psi = match vcov {
        VcovType::Model => return Ok(bread),
        VcovType::Hc2 | VcovType::Hc3 => {
            return Err(Error::usage(format!(
                "--vcov {} needs hat values, which an ordinal model does not have (sandwich offers HC0 and HC1 for clm and polr): use model, hc0, hc1 or cluster:COLUMN",
                vcov.label()
            )))
        }
        _ => scores(prob, &f.theta),
    };
    let n = prob.n;
    let (meat, factor) = match vcov {
        VcovType::Cluster(name) => cluster_meat(&psi, n, np, clusters, name)?,
        VcovType::Hc1 => (crossprod(&psi, n, np), n as f64 / (n as f64 - np as f64)),
        _ => (crossprod(&psi, n, np), 1.0),
    };
    let mut v = linalg::sandwich(&bread, &meat, np);
    v.iter_mut().for_each(|x| *x *= factor);
    Ok(v)
}

/// sum_i psi_i psi_i'.
fn crossprod(psi: &[f64], n: usize, np: usize) -> Vec<f64> {
    linalg::weighted_crossprod(psi, n, np, &vec![1.0; n])
}

/// The cluster meat sum_g u_g u_g' and the factor G / (G - 1).
fn cluster_meat(
    psi: &[f64],
    n: usize,
    np: usize,
    clusters: Option<&[usize]>,
    name: &str,
) -> Result<(Vec<f64>, f64)> {
    let groups =
        clusters.ok_or_else(|| Error::internal(format!("cluster ids for '{name}' missing")))?;
    let g = groups.iter().copied().max().map(|m| m + 1).unwrap_or(0);
    if g < 2 {
        return Err(Error::not_estimable(format!(
            "cluster-robust covariance needs at least 2 clusters in column '{name}', found {g}"
        )));
    }
    let mut sums = vec![0.0; g * np];
    for i in 0..n {
        for c in 0..np {
            sums[groups[i] * np + c] += psi[i * np + c];
        }
    }
    let meat = crossprod(&sums, g, np);
    Ok((meat, g as f64 / (g as f64 - 1.0)))
}

/// The problem without column `c`, with `b x_c` as an offset.
struct Fixed {
    x: Vec<f64>,
    offset: Vec<f64>,
}

fn fix_column(prob: &Problem, c: usize, b: f64) -> Fixed {
    let p = prob.p;
    let mut x = Vec::with_capacity(prob.n * (p - 1));
    let mut offset = Vec::with_capacity(prob.n);
    for i in 0..prob.n {
        let row = &prob.x[i * p..(i + 1) * p];
        x.extend(
            row.iter()
                .enumerate()
                .filter(|(k, _)| *k != c)
                .map(|(_, v)| v),
        );
        offset.push(b * row[c] + prob.offset.map(|o| o[i]).unwrap_or(0.0));
    }
    Fixed { x, offset }
}

/// Profile-likelihood interval of coefficient `c` (a column of the design):
/// the b with 2 (l_hat - l(b)) <= qchisq(level, 1), l(b) the log-likelihood
/// maximised over the other parameters with the coefficient fixed at b.
/// A bound is `None` when the profile never reaches the cut-off.
pub fn profile_interval(
    prob: &Problem,
    f: &Fit,
    c: usize,
    se: f64,
    level: f64,
) -> (Option<f64>, Option<f64>) {
    let k = prob.thresholds;
    let target = chisq_quantile(level, 1.0);
    let start: Vec<f64> = f
        .theta
        .iter()
        .enumerate()
        .filter(|(j, _)| *j != k + c)
        .map(|(_, v)| *v)
        .collect();
    let bound = |direction: f64| {
        let mut warm = start.clone();
        profile_bound(
            |b| {
                let fixed = fix_column(prob, c, b);
                let sub = Problem {
                    x: &fixed.x,
                    p: prob.p - 1,
                    offset: Some(&fixed.offset),
                    ..*prob
                };
                let g = fit(&sub, Some(&warm));
                if !g.loglik.is_finite() {
                    return f64::NAN;
                }
                if g.converged {
                    warm = g.theta;
                }
                2.0 * (f.loglik - g.loglik)
            },
            f.theta[k + c],
            se,
            direction,
            target,
        )
    };
    (bound(-1.0), bound(1.0))
}

/// clm's default `gradTol`.
const NOMINAL_GRADIENT_TOLERANCE: f64 = 1e-6;

/// The likelihood-ratio test of proportional odds for the columns `cols` of
/// term `term`: the fit with level-specific coefficients for them against
/// `f`. The nominal fit starts at the proportional-odds estimate (every
/// level's coefficients equal).
pub fn proportional_odds_test(
    prob: &Problem,
    f: &Fit,
    term: &str,
    cols: &[usize],
) -> ProportionalOddsTest {
    let k = prob.thresholds;
    let nominal = Problem {
        nominal: cols,
        ..*prob
    };
    let mut start: Vec<f64> = f.theta[..k].to_vec();
    start.extend(
        (0..prob.p)
            .filter(|c| !cols.contains(c))
            .map(|c| f.theta[k + c]),
    );
    for _ in 0..k {
        start.extend(cols.iter().map(|&c| f.theta[k + c]));
    }
    let g = fit(&nominal, Some(&start));
    let df = (k - 1) * cols.len();
    // A nominal model can be separated (a level never observed at one value
    // of the term) while the proportional-odds model is not: its
    // level-specific coefficients then diverge but its log-likelihood
    // converges to a finite supremum, which is what the test needs (clm
    // reports it with a singular Hessian, as nominal_test uses it). The fit
    // counts when the score is as small as clm's gradient tolerance.
    let usable = g.loglik.is_finite()
        && (g.converged || g.max_gradient < NOMINAL_GRADIENT_TOLERANCE)
        && log_likelihood(&nominal, &g.theta).is_finite();
    let (ll, stat) = if usable {
        (g.loglik, (2.0 * (g.loglik - f.loglik)).max(0.0))
    } else {
        (f64::NAN, f64::NAN)
    };
    ProportionalOddsTest {
        term: term.to_string(),
        df,
        log_likelihood_nominal: ll,
        statistic: stat,
        p_value: if stat.is_nan() {
            f64::NAN
        } else {
            chisq_sf(stat, df as f64)
        },
    }
}
