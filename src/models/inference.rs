//! Inference for a fitted logit: covariance matrices (model-based, HC0-HC3,
//! cluster-robust), Wald tests and intervals, profile-likelihood intervals and
//! likelihood-ratio tests.
//!
//! Conventions follow R's `sandwich` package for a `glm`:
//! - bread `B = (X'WX)^-1` at the estimate; estimating functions
//!   `psi_i = w_i (y_i - mu_i) x_i` (w = prior weights);
//! - HC0: `B (sum psi_i psi_i') B`; HC1: HC0 * n / (n - p);
//!   HC2: psi_i^2 divided by (1 - h_i); HC3: by (1 - h_i)^2, with h the glm hat
//!   values `h_i = W_i x_i' B x_i`;
//! - cluster (`sandwich::vcovCL` defaults for a glm: `type = "HC0"`,
//!   `cadjust = TRUE`): `G / (G - 1) * B (sum_g u_g u_g') B` with
//!   `u_g = sum_{i in g} psi_i` (Stata's `vce(cluster)` for ML models applies
//!   the same G / (G - 1) factor);
//! - two-way cluster (`sandwich::vcovCL(fit, cluster = ~ a + b)`, same
//!   defaults): `B (c_a M_a + c_b M_b - c_ab M_ab) B`, where `M_k` is the
//!   summed outer product of the cluster sums of `psi` by dimension `a`, by
//!   `b` and by their intersection, and `c_k = G_k / (G_k - 1)` with `G_k`
//!   that dimension's number of clusters. As `vcovCL`'s default
//!   (`fix = FALSE`) a result that is not positive semi-definite is kept as
//!   computed; the fit warns, and a negative variance has no standard error.

use serde::Serialize;
use statrs::distribution::{ChiSquared, ContinuousCDF, Normal};

use super::logit::{self, Control, Fit, Problem};
use crate::error::{Error, Result};
use crate::linalg;
use crate::results::LrTest;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VcovType {
    Model,
    Hc0,
    Hc1,
    Hc2,
    Hc3,
    /// Cluster-robust, clustered on the named column.
    Cluster(String),
    /// Two-way cluster-robust, clustered on both named columns
    /// (`cluster:a+b`).
    TwoWayCluster(String, String),
}

impl VcovType {
    pub fn parse(text: &str) -> Result<VcovType> {
        let t = text.trim();
        Ok(match t.to_ascii_lowercase().as_str() {
            "model" | "const" | "classical" => VcovType::Model,
            "hc0" => VcovType::Hc0,
            "hc1" => VcovType::Hc1,
            "hc2" => VcovType::Hc2,
            "hc3" => VcovType::Hc3,
            _ => {
                if let Some(cols) = t.strip_prefix("cluster:") {
                    return parse_cluster_columns(cols);
                } else {
                    return Err(Error::usage(format!(
                        "unknown covariance '{t}' (use model, hc0, hc1, hc2, hc3, cluster:COLUMN or cluster:COLUMN+COLUMN)"
                    )));
                }
            }
        })
    }

    /// The columns whose labels give the clusters, one per dimension.
    pub fn cluster_columns(&self) -> Vec<&str> {
        match self {
            VcovType::Cluster(c) => vec![c],
            VcovType::TwoWayCluster(a, b) => vec![a, b],
            _ => vec![],
        }
    }

    pub fn label(&self) -> String {
        match self {
            VcovType::Model => "model".into(),
            VcovType::Hc0 => "HC0".into(),
            VcovType::Hc1 => "HC1".into(),
            VcovType::Hc2 => "HC2".into(),
            VcovType::Hc3 => "HC3".into(),
            VcovType::Cluster(c) => format!("cluster:{c}"),
            VcovType::TwoWayCluster(a, b) => format!("cluster:{a}+{b}"),
        }
    }
}

/// `cluster:COL` or `cluster:COL+COL`.
fn parse_cluster_columns(text: &str) -> Result<VcovType> {
    let cols: Vec<&str> = text.split('+').map(str::trim).collect();
    if cols.iter().any(|c| c.is_empty()) {
        return Err(Error::usage(
            "--vcov cluster:COL (or cluster:COL+COL) needs a column name on each side of '+'",
        ));
    }
    match cols.as_slice() {
        [c] => Ok(VcovType::Cluster(c.to_string())),
        [a, b] if a == b => Err(Error::usage(format!(
            "--vcov cluster:{a}+{b} names the same column twice"
        ))),
        [a, b] => Ok(VcovType::TwoWayCluster(a.to_string(), b.to_string())),
        _ => Err(Error::usage(format!(
            "--vcov cluster:{text}: at most two clustering columns (cluster:COL+COL)"
        ))),
    }
}

/// The cluster ids of one clustering dimension, 0-based, one per row.
pub type ClusterIds = Vec<usize>;

/// The summed outer products of the within-cluster sums of the scores
/// `e_i x_i`, and the number of clusters.
fn cluster_meat(prob: &Problem, scores: &[f64], groups: &[usize]) -> (Vec<f64>, usize) {
    let (n, p) = (prob.n, prob.p);
    let g = groups.iter().copied().max().map(|m| m + 1).unwrap_or(0);
    let mut sums = vec![0.0; g * p];
    for i in 0..n {
        let xi = &prob.x[i * p..(i + 1) * p];
        let s = &mut sums[groups[i] * p..(groups[i] + 1) * p];
        for (a, x) in s.iter_mut().zip(xi) {
            *a += scores[i] * x;
        }
    }
    let mut meat = vec![0.0; p * p];
    let mut nonzero = Vec::with_capacity(p);
    for k in 0..g {
        add_outer_product(&mut meat, &sums[k * p..(k + 1) * p], &mut nonzero);
    }
    (meat, g)
}

/// `meat += u u'` (p x p, row-major), over the nonzero entries of `u` only
/// when all are finite: the products left out are zeros, so the sums are
/// the same to the bit (the cluster sums of a fixed-effects design are
/// mostly zeros; a cluster of one row has as many nonzeros as its row).
/// `nonzero` is scratch.
fn add_outer_product(meat: &mut [f64], u: &[f64], nonzero: &mut Vec<usize>) {
    let p = u.len();
    if !u.iter().all(|v| v.is_finite()) {
        for a in 0..p {
            for b in 0..p {
                meat[a * p + b] += u[a] * u[b];
            }
        }
        return;
    }
    nonzero.clear();
    nonzero.extend((0..p).filter(|&a| u[a] != 0.0));
    for &a in nonzero.iter() {
        let line = &mut meat[a * p..(a + 1) * p];
        for &b in nonzero.iter() {
            line[b] += u[a] * u[b];
        }
    }
}

/// The ids of the intersection of two clusterings (each pair of ids that
/// occurs), 0-based in order of first appearance.
fn intersection_ids(a: &[usize], b: &[usize]) -> ClusterIds {
    let mut seen = std::collections::HashMap::new();
    a.iter()
        .zip(b)
        .map(|pair| {
            let next = seen.len();
            *seen.entry(pair).or_insert(next)
        })
        .collect()
}

/// The G / (G - 1)-adjusted meats of each dimension of a clustering, with
/// the inclusion-exclusion signs of `sandwich::meatCL`: one dimension, or
/// two and their intersection (subtracted).
fn multiway_meat(
    prob: &Problem,
    scores: &[f64],
    dims: &[&[usize]],
    names: &str,
) -> Result<Vec<f64>> {
    let intersection;
    let mut parts: Vec<(&[usize], f64)> = dims.iter().map(|d| (*d, 1.0)).collect();
    if let [a, b] = dims {
        intersection = intersection_ids(a, b);
        parts.push((&intersection, -1.0));
    }
    let p = prob.p;
    let mut meat = vec![0.0; p * p];
    for (groups, sign) in parts {
        let (m, g) = cluster_meat(prob, scores, groups);
        if g < 2 {
            return Err(Error::not_estimable(format!(
                "cluster-robust covariance needs at least 2 clusters in each clustering ({names}), found {g}"
            )));
        }
        let adj = sign * g as f64 / (g as f64 - 1.0);
        for (a, v) in meat.iter_mut().zip(m) {
            *a += adj * v;
        }
    }
    Ok(meat)
}

/// Standard normal quantile.
pub fn qnorm(p: f64) -> f64 {
    Normal::new(0.0, 1.0)
        .expect("standard normal")
        .inverse_cdf(p)
}

/// Two-sided normal p-value for a z statistic, accurate in the far tail.
pub fn two_sided_p(z: f64) -> f64 {
    if !z.is_finite() {
        return if z.is_nan() { f64::NAN } else { 0.0 };
    }
    // libm's erfc (a port of FreeBSD's msun) is accurate to about 1 ulp.
    libm::erfc(z.abs() / std::f64::consts::SQRT_2)
}

/// Upper tail of a chi-squared distribution.
pub fn chisq_sf(x: f64, df: f64) -> f64 {
    if x <= 0.0 {
        return 1.0;
    }
    ChiSquared::new(df).expect("df > 0").sf(x)
}

pub fn chisq_quantile(p: f64, df: f64) -> f64 {
    ChiSquared::new(df).expect("df > 0").inverse_cdf(p)
}

/// Hat values of the fitted logit: `h_i = W_i x_i' (X'WX)^-1 x_i`.
pub fn hat_values(prob: &Problem, fit: &Fit, bread: &[f64]) -> Vec<f64> {
    let p = prob.p;
    (0..prob.n)
        .map(|i| {
            let xi = &prob.x[i * p..(i + 1) * p];
            let w = prob.weight(i) * fit.mu[i] * (1.0 - fit.mu[i]);
            w * linalg::quad_form(bread, p, xi, xi)
        })
        .collect()
}

/// Covariance matrix of the estimates, given the model-based one (`bread`),
/// and residual-type scores `e_i` such that `psi_i = e_i x_i`.
pub fn sandwich_covariance(
    prob: &Problem,
    bread: &[f64],
    scores: &[f64],
    hat: Option<&[f64]>,
    vcov: &VcovType,
    clusters: Option<&[ClusterIds]>,
) -> Result<Vec<f64>> {
    let (n, p) = (prob.n, prob.p);
    let meat_hc = |adj: &dyn Fn(usize) -> f64| -> Vec<f64> {
        let w: Vec<f64> = (0..n).map(|i| scores[i] * scores[i] * adj(i)).collect();
        linalg::weighted_crossprod(prob.x, n, p, &w)
    };
    let need_hat = || -> Result<&[f64]> {
        hat.ok_or_else(|| Error::internal("hat values are needed for HC2/HC3"))
    };
    let cov = match vcov {
        VcovType::Model => bread.to_vec(),
        VcovType::Hc0 => linalg::sandwich(bread, &meat_hc(&|_| 1.0), p),
        VcovType::Hc1 => {
            let mut v = linalg::sandwich(bread, &meat_hc(&|_| 1.0), p);
            let f = n as f64 / (n as f64 - p as f64);
            v.iter_mut().for_each(|x| *x *= f);
            v
        }
        VcovType::Hc2 => {
            let h = need_hat()?;
            linalg::sandwich(bread, &meat_hc(&|i| 1.0 / (1.0 - h[i])), p)
        }
        VcovType::Hc3 => {
            let h = need_hat()?;
            linalg::sandwich(bread, &meat_hc(&|i| 1.0 / (1.0 - h[i]).powi(2)), p)
        }
        VcovType::Cluster(_) | VcovType::TwoWayCluster(..) => {
            let names = vcov.cluster_columns().join(", ");
            let dims = clusters
                .filter(|c| c.len() == vcov.cluster_columns().len())
                .ok_or_else(|| Error::internal(format!("cluster ids for '{names}' missing")))?;
            let dims: Vec<&[usize]> = dims.iter().map(|d| d.as_slice()).collect();
            if let [groups] = dims.as_slice() {
                // One way: the factor G / (G - 1) scales the sandwich.
                let (meat, g) = cluster_meat(prob, scores, groups);
                if g < 2 {
                    return Err(Error::not_estimable(format!(
                        "cluster-robust covariance needs at least 2 clusters in column '{names}', found {g}"
                    )));
                }
                let mut v = linalg::sandwich(bread, &meat, p);
                let f = g as f64 / (g as f64 - 1.0);
                v.iter_mut().for_each(|x| *x *= f);
                v
            } else {
                let meat = multiway_meat(prob, scores, &dims, &names)?;
                linalg::sandwich(bread, &meat, p)
            }
        }
    };
    Ok(cov)
}

/// Where the bread of a covariance of this type may come from: a two-way
/// cluster covariance keeps the QR's bread on a wide, mostly-zero design
/// (see [`linalg::Bread`]).
pub fn bread_for(vcov: &VcovType) -> linalg::Bread {
    match vcov {
        VcovType::TwoWayCluster(..) => linalg::Bread::Large,
        _ => linalg::Bread::LargeOrSparse,
    }
}

/// ML covariance of the given type.
pub fn ml_covariance(
    prob: &Problem,
    fit: &Fit,
    vcov: &VcovType,
    clusters: Option<&[ClusterIds]>,
) -> Result<Vec<f64>> {
    let (x, n, p) = (prob.x, prob.n, prob.p);
    let w = |i: usize| prob.weight(i) * fit.mu[i] * (1.0 - fit.mu[i]);
    let bread = linalg::inverse_information(x, n, p, &fit.information, w, bread_for(vcov))
    .ok_or_else(|| {
        Error::not_estimable(
            "the information matrix is singular at the estimate: standard errors cannot be computed (separation or collinearity)",
        )
    })?;
    if *vcov == VcovType::Model {
        return Ok(bread);
    }
    let scores: Vec<f64> = (0..prob.n)
        .map(|i| prob.weight(i) * (prob.y[i] - fit.mu[i]))
        .collect();
    let hat = match vcov {
        VcovType::Hc2 | VcovType::Hc3 => Some(hat_values(prob, fit, &bread)),
        _ => None,
    };
    sandwich_covariance(prob, &bread, &scores, hat.as_deref(), vcov, clusters)
}

/// Wald statistics for one coefficient.
#[derive(Debug, Clone, Copy)]
pub struct Wald {
    pub std_error: f64,
    pub z: f64,
    pub p_value: f64,
    pub low: f64,
    pub high: f64,
}

pub fn wald(estimate: f64, variance: f64, level: f64) -> Wald {
    // A negative variance (a two-way cluster covariance that is not positive
    // semi-definite) has no standard error, as R's sqrt gives NaN.
    let se = if variance < 0.0 {
        f64::NAN
    } else {
        variance.sqrt()
    };
    let z = estimate / se;
    let q = qnorm(0.5 + level / 2.0);
    Wald {
        std_error: se,
        z,
        p_value: two_sided_p(z),
        low: estimate - q * se,
        high: estimate + q * se,
    }
}

/// A function of one parameter whose root is sought (profile criteria).
pub fn find_root<F: FnMut(f64) -> f64>(mut f: F, mut a: f64, mut b: f64) -> Option<f64> {
    // Illinois variant of regula falsi: robust and superlinear.
    let mut fa = f(a);
    let mut fb = f(b);
    if !(fa.is_finite() && fb.is_finite()) || fa * fb > 0.0 {
        return None;
    }
    let mut side = 0;
    for _ in 0..200 {
        let c = (a * fb - b * fa) / (fb - fa);
        let c = if c.is_finite() && c > a.min(b) && c < a.max(b) {
            c
        } else {
            0.5 * (a + b)
        };
        let fc = f(c);
        if !fc.is_finite() {
            return None;
        }
        if fc == 0.0 || (b - a).abs() < 1e-12 * (1.0 + c.abs()) {
            return Some(c);
        }
        if fc * fb > 0.0 {
            b = c;
            fb = fc;
            if side == -1 {
                fa *= 0.5;
            }
            side = -1;
        } else {
            a = c;
            fa = fc;
            if side == 1 {
                fb *= 0.5;
            }
            side = 1;
        }
        if (b - a).abs() < 1e-12 * (1.0 + c.abs()) {
            return Some(0.5 * (a + b));
        }
    }
    Some(0.5 * (a + b))
}

/// Bracket-and-solve for the point on one side of `center` where
/// `excess(b) = target`; `excess` is increasing away from `center`.
/// `None` when the criterion never reaches the target (an infinite bound).
pub fn profile_bound<F: FnMut(f64) -> f64>(
    mut excess: F,
    center: f64,
    scale: f64,
    direction: f64,
    target: f64,
) -> Option<f64> {
    let scale = if scale.is_finite() && scale > 0.0 {
        scale
    } else {
        1.0
    };
    let mut inner = center;
    let mut step = scale;
    let mut outer = center + direction * step;
    let mut found = false;
    for _ in 0..40 {
        let v = excess(outer);
        if !v.is_finite() {
            return None;
        }
        if v >= target {
            found = true;
            break;
        }
        inner = outer;
        step *= 2.0;
        outer = center + direction * step;
        if step > 1e4 * (1.0 + center.abs()) + 1e4 * scale {
            break;
        }
    }
    if !found {
        return None;
    }
    find_root(|b| excess(b) - target, inner, outer)
}

/// Profile-likelihood interval for coefficient `j` of an ML fit (as
/// `MASS::confint` on a glm, but solved exactly rather than by spline
/// interpolation of a grid): the set of b with `D(b) - D_hat <= qchisq(level, 1)`,
/// D(b) the deviance with the coefficient fixed at b.
pub fn ml_profile_interval(
    prob: &Problem,
    fit: &Fit,
    j: usize,
    se: f64,
    level: f64,
) -> (Option<f64>, Option<f64>) {
    let reduced = drop_column(prob, j);
    let xj: Vec<f64> = (0..prob.n).map(|i| prob.x[i * prob.p + j]).collect();
    let target = chisq_quantile(level, 1.0);
    let start: Vec<f64> = fit
        .beta
        .iter()
        .enumerate()
        .filter(|(k, _)| *k != j)
        .map(|(_, b)| *b)
        .collect();
    let bound = |direction: f64| {
        let mut warm = start.clone();
        profile_bound(
            |b| {
                let offset: Vec<f64> = (0..prob.n)
                    .map(|i| b * xj[i] + prob.offset.map(|o| o[i]).unwrap_or(0.0))
                    .collect();
                let sub = Problem {
                    x: &reduced,
                    n: prob.n,
                    p: prob.p - 1,
                    y: prob.y,
                    weights: prob.weights,
                    offset: Some(&offset),
                    at_zero: None,
                };
                let f = logit::fit(&sub, Some(&warm), &Control::default());
                if f.converged {
                    warm = f.beta.clone();
                }
                f.deviance - fit.deviance
            },
            fit.beta[j],
            se,
            direction,
            target,
        )
    };
    let low = bound(-1.0);
    let high = bound(1.0);
    (low, high)
}

/// The design without column `j` (row-major).
pub fn drop_column(prob: &Problem, j: usize) -> Vec<f64> {
    let p = prob.p;
    let mut out = Vec::with_capacity(prob.n * (p - 1));
    for i in 0..prob.n {
        for k in 0..p {
            if k != j {
                out.push(prob.x[i * p + k]);
            }
        }
    }
    out
}

/// Likelihood-ratio test of nested models from their deviances.
pub fn lr_test(term: &str, deviance_full: f64, deviance_restricted: f64, df: usize) -> LrTest {
    let stat = (deviance_restricted - deviance_full).max(0.0);
    LrTest {
        term: term.to_string(),
        df,
        deviance_restricted,
        statistic: stat,
        p_value: chisq_sf(stat, df as f64),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p_values_and_quantiles() {
        let p = two_sided_p(1.959963984540054);
        assert!((p - 0.05).abs() < 1e-12, "{p}");
        assert!((qnorm(0.975) - 1.959963984540054).abs() < 1e-12);
        assert!((chisq_quantile(0.95, 1.0) - 3.841458820694124).abs() < 1e-9);
        assert!(two_sided_p(30.0) > 0.0);
    }

    #[test]
    fn root_finder() {
        let r = find_root(|x| x * x - 2.0, 0.0, 3.0).unwrap();
        assert!((r - 2f64.sqrt()).abs() < 1e-11);
        assert!(find_root(|x| x * x + 1.0, 0.0, 3.0).is_none());
    }

    /// The outer products over nonzero entries equal the dense ones to the
    /// bit, and a vector with a non-finite entry takes the dense loop.
    #[test]
    fn sparse_outer_products_are_the_dense_ones() {
        let p = 7;
        let vectors = [
            vec![0.0, 1.5, 0.0, -0.25, 0.0, 0.0, 3.0e-7],
            vec![-0.0, 0.0, 2.0, 0.0, 0.0, -1.0 / 3.0, 0.0],
            vec![0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7],
            vec![0.0, f64::INFINITY, 0.0, 0.0, 0.0, 0.0, 1.0],
        ];
        let (mut sparse, mut dense) = (vec![0.0; p * p], vec![0.0; p * p]);
        let mut scratch = Vec::new();
        for u in &vectors {
            add_outer_product(&mut sparse, u, &mut scratch);
            for a in 0..p {
                for b in 0..p {
                    dense[a * p + b] += u[a] * u[b];
                }
            }
        }
        for (s, d) in sparse.iter().zip(&dense) {
            assert!(s.to_bits() == d.to_bits() || (s.is_nan() && d.is_nan()));
        }
    }
}
