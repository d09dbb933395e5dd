//! Resampling inference: nonparametric (case) and cluster bootstrap of the
//! coefficients with percentile and BCa intervals, and Monte Carlo
//! permutation tests of one coefficient.
//!
//! Determinism: replicate b draws from its own random stream, seeded by
//! SplitMix64 from (seed, b), so results are identical whatever the number of
//! threads (replicates run in parallel with rayon and are collected in order).
//!
//! Interval conventions are those of R's `boot.ci`:
//! - percentile: with the R finite replicates sorted, the bound for
//!   probability `alpha` is read at rank `(R + 1) alpha`, interpolated between
//!   the neighbouring order statistics on the normal-quantile scale (boot's
//!   `norm.inter`), or the extreme order statistic outside `1..R`;
//! - BCa: bias correction `z0 = qnorm(#{t* < t0} / R)`, acceleration
//!   `a = sum L^3 / (6 (sum L^2)^1.5)` with jackknife influence values
//!   `L_i = (n - 1)(t0 - t_(-i))` (leave-one-out; leave-one-cluster-out for
//!   the cluster bootstrap), and the percentile rule applied at
//!   `pnorm(z0 + (z0 + z_alpha) / (1 - a (z0 + z_alpha)))`.

use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use statrs::distribution::{ContinuousCDF, Normal};

use super::inference::qnorm;
use super::Method;
use crate::results::{Bootstrap, BootstrapCoefficient, PermutationTest};
use crate::rng::Rng;

/// A progress bar on stderr for long runs, hidden when stderr is not a
/// terminal (so logs and CI output stay quiet).
pub fn progress(len: usize, what: &str) -> ProgressBar {
    use std::io::IsTerminal;
    if !std::io::stderr().is_terminal() || len < 50 {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len as u64);
    if let Ok(style) = ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} ({eta} left)") {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(what.to_string());
    bar
}

/// Runs `f(b, rng)` for b in 0..replicates in parallel, in order.
pub fn replicate<T, F>(replicates: usize, seed: u64, what: &str, f: F) -> Vec<T>
where
    T: Send,
    F: Fn(usize, &mut Rng) -> T + Sync,
{
    let bar = progress(replicates, what);
    let out: Vec<T> = (0..replicates)
        .into_par_iter()
        .map(|b| {
            let mut rng = Rng::new(seed, b as u64);
            let v = f(b, &mut rng);
            bar.inc(1);
            v
        })
        .collect();
    bar.finish_and_clear();
    out
}

fn pnorm(x: f64) -> f64 {
    Normal::new(0.0, 1.0).expect("standard normal").cdf(x)
}

/// boot's `norm.inter`: the quantile of sorted finite replicates at
/// probability `alpha`.
pub fn norm_inter(sorted: &[f64], alpha: f64) -> f64 {
    let r = sorted.len();
    if r == 0 {
        return f64::NAN;
    }
    let rk = (r as f64 + 1.0) * alpha;
    let k = rk.trunc() as i64;
    if k <= 0 {
        return sorted[0];
    }
    if k as usize >= r {
        return sorted[r - 1];
    }
    let k = k as usize;
    if k as f64 == rk {
        return sorted[k - 1];
    }
    let rp1 = r as f64 + 1.0;
    let lo = qnorm(k as f64 / rp1);
    let hi = qnorm((k + 1) as f64 / rp1);
    let t_k = sorted[k - 1];
    let t_k1 = sorted[k];
    t_k + (qnorm(alpha) - lo) / (hi - lo) * (t_k1 - t_k)
}

fn sorted_finite(replicates: &[f64]) -> Vec<f64> {
    let mut v: Vec<f64> = replicates
        .iter()
        .copied()
        .filter(|x| x.is_finite())
        .collect();
    v.sort_by(|a, b| a.total_cmp(b));
    v
}

/// Percentile interval at `level`.
pub fn percentile_interval(replicates: &[f64], level: f64) -> (f64, f64) {
    let v = sorted_finite(replicates);
    (
        norm_inter(&v, (1.0 - level) / 2.0),
        norm_inter(&v, (1.0 + level) / 2.0),
    )
}

/// BCa interval at `level`, from the replicates, the full-sample estimate and
/// the leave-one-out (or leave-one-cluster-out) estimates. `None` when the
/// bias correction is infinite (no replicate, or every replicate, below t0).
pub fn bca_interval(
    replicates: &[f64],
    t0: f64,
    jackknife: &[f64],
    level: f64,
) -> Option<(f64, f64)> {
    let v = sorted_finite(replicates);
    let below = v.iter().filter(|&&t| t < t0).count();
    let z0 = qnorm(below as f64 / v.len() as f64);
    if !z0.is_finite() {
        return None;
    }
    let n = jackknife.len() as f64;
    let l: Vec<f64> = jackknife.iter().map(|t| (n - 1.0) * (t0 - t)).collect();
    let s2: f64 = l.iter().map(|x| x * x).sum();
    let s3: f64 = l.iter().map(|x| x * x * x).sum();
    let a = if s2 > 0.0 {
        s3 / (6.0 * s2.powf(1.5))
    } else {
        0.0
    };
    let adjust = |alpha: f64| {
        let z = qnorm(alpha);
        pnorm(z0 + (z0 + z) / (1.0 - a * (z0 + z)))
    };
    Some((
        norm_inter(&v, adjust((1.0 - level) / 2.0)),
        norm_inter(&v, adjust((1.0 + level) / 2.0)),
    ))
}

/// Summarises replicate coefficient vectors.
pub fn summarise(
    kind: String,
    seed: u64,
    level: f64,
    names: &[String],
    estimate: &[f64],
    replicates: &[Option<Vec<f64>>],
    jackknife: Option<&[Vec<f64>]>,
) -> Bootstrap {
    let ok: Vec<&Vec<f64>> = replicates.iter().flatten().collect();
    let failed = replicates.len() - ok.len();
    let coefficients = names
        .iter()
        .enumerate()
        .map(|(j, term)| {
            let t: Vec<f64> = ok.iter().map(|r| r[j]).filter(|v| v.is_finite()).collect();
            let m = t.len() as f64;
            let mean = t.iter().sum::<f64>() / m;
            let sd = (t.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (m - 1.0)).sqrt();
            let (pl, ph) = percentile_interval(&t, level);
            let bca = jackknife.and_then(|jk| {
                let jj: Vec<f64> = jk.iter().map(|r| r[j]).collect();
                bca_interval(&t, estimate[j], &jj, level)
            });
            BootstrapCoefficient {
                term: term.clone(),
                estimate: estimate[j],
                std_error: sd,
                bias: mean - estimate[j],
                perc_low: pl,
                perc_high: ph,
                bca_low: bca.map(|b| b.0),
                bca_high: bca.map(|b| b.1),
            }
        })
        .collect();
    Bootstrap {
        kind,
        replicates: replicates.len(),
        failed,
        seed,
        level,
        coefficients,
    }
}

/// Monte Carlo permutation p-value from the observed statistic and the
/// permuted ones (`None` for a failed refit).
pub fn permutation_p(
    term: &str,
    observed: f64,
    permuted: &[Option<f64>],
    seed: u64,
) -> PermutationTest {
    let b = permuted.len();
    let failed = permuted.iter().filter(|v| v.is_none()).count();
    let tol = 1e-10 * observed.abs().max(1.0);
    let exceed = permuted
        .iter()
        .flatten()
        .filter(|&&t| t >= observed - tol)
        .count();
    let p = (1.0 + exceed as f64) / (b as f64 + 1.0);
    PermutationTest {
        term: term.to_string(),
        statistic: observed,
        replicates: b,
        failed,
        seed,
        p_value: p,
        monte_carlo_se: (p * (1.0 - p) / b as f64).sqrt(),
    }
}

/// Fits the estimator (the resolved [`Method`] of the fit) with frequency
/// weights; `None` if it fails or does not
/// converge (for ML, typically a resample that is separated).
pub fn refit(est: Method, x: &[f64], n: usize, p: usize, y: &[f64], w: &[f64]) -> Option<Vec<f64>> {
    let mut prob = super::logit::Problem::new(x, n, p, y);
    prob.weights = Some(w);
    match est {
        // `Auto` is resolved to ML or Firth before resampling; were it not,
        // it would mean ML, as in the main fit.
        Method::Ml | Method::Auto => {
            let f = super::logit::fit(&prob, None, &super::logit::Control::default());
            let eps = 10.0 * f64::EPSILON;
            let extreme =
                f.mu.iter()
                    .zip(w)
                    .any(|(&m, &wi)| wi > 0.0 && !(eps..=1.0 - eps).contains(&m));
            (f.converged && !extreme).then_some(f.beta)
        }
        Method::Firth => super::firth::fit(&prob, &vec![None; p], None)
            .filter(|f| f.converged)
            .map(|f| f.beta),
    }
}

/// Largest number of leave-one-out fits run for BCa.
pub const JACKKNIFE_MAX: usize = 2_000;

/// Case bootstrap (rows drawn with replacement) or, with `clusters`, cluster
/// bootstrap (clusters drawn with replacement, all their rows kept).
#[allow(clippy::too_many_arguments)]
pub fn bootstrap(
    est: Method,
    design: &crate::design::Design,
    estimate: &[f64],
    replicates: usize,
    seed: u64,
    level: f64,
    clusters: Option<(&str, &[usize])>,
) -> Bootstrap {
    let (n, p) = (design.n, design.p);
    let groups: Vec<usize> = match clusters {
        Some((_, g)) => g.to_vec(),
        None => (0..n).collect(),
    };
    let g = groups.iter().copied().max().map(|m| m + 1).unwrap_or(0);
    let draws = replicate(replicates, seed, "bootstrap", |_, rng| {
        let mut count = vec![0.0; g];
        for _ in 0..g {
            count[rng.below(g)] += 1.0;
        }
        let w: Vec<f64> = groups.iter().map(|&k| count[k]).collect();
        refit(est, &design.x, n, p, &design.y, &w)
    });
    let jackknife: Option<Vec<Vec<f64>>> = if g <= JACKKNIFE_MAX {
        let fits: Vec<Option<Vec<f64>>> = (0..g)
            .into_par_iter()
            .map(|k| {
                let w: Vec<f64> = groups
                    .iter()
                    .map(|&gi| if gi == k { 0.0 } else { 1.0 })
                    .collect();
                refit(est, &design.x, n, p, &design.y, &w)
            })
            .collect();
        fits.into_iter().collect()
    } else {
        None
    };
    let kind = match clusters {
        Some((name, _)) => format!("cluster:{name}"),
        None => "case".to_string(),
    };
    summarise(
        kind,
        seed,
        level,
        &design.names(),
        estimate,
        &draws,
        jackknife.as_deref(),
    )
}

/// The likelihood-ratio statistic of column j (penalized for Firth) on a
/// design; `None` if a fit fails.
fn lr_statistic(
    est: Method,
    x: &[f64],
    n: usize,
    p: usize,
    y: &[f64],
    j: usize,
    reduced_deviance: f64,
) -> Option<f64> {
    let prob = super::logit::Problem::new(x, n, p, y);
    match est {
        // `Auto`: as in `refit`.
        Method::Ml | Method::Auto => {
            let f = super::logit::fit(&prob, None, &super::logit::Control::default());
            f.converged
                .then(|| (reduced_deviance - f.deviance).max(0.0))
        }
        Method::Firth => {
            let full = super::firth::fit(&prob, &vec![None; p], None).filter(|f| f.converged)?;
            super::firth::penalized_lr_test(&prob, &full, &[j]).map(|(s, _)| s)
        }
    }
}

/// Permutation tests of every term that is a single numeric column not
/// involved in an interaction: the column's values are permuted across rows
/// and the model refitted, B times.
pub fn permutation_tests(
    est: Method,
    design: &crate::design::Design,
    replicates: usize,
    seed: u64,
) -> Vec<PermutationTest> {
    let (n, p) = (design.n, design.p);
    let mut out = Vec::new();
    for (t, label) in design.term_labels.iter().enumerate() {
        let cols = design.term_columns(t);
        let vars = &design.term_variables[t];
        let in_interaction = design
            .term_variables
            .iter()
            .enumerate()
            .any(|(u, other)| u != t && other.len() > 1 && other.contains(&vars[0]));
        if cols.len() != 1 || vars.len() != 1 || in_interaction {
            continue;
        }
        let j = cols[0];
        let reduced = design.without_columns(&[j]);
        let reduced_deviance = super::logit::fit(
            &super::logit::Problem::new(&reduced.x, n, p - 1, &design.y),
            None,
            &super::logit::Control::default(),
        )
        .deviance;
        let Some(observed) = lr_statistic(est, &design.x, n, p, &design.y, j, reduced_deviance)
        else {
            continue;
        };
        let column = design.column(j);
        // Each term gets its own streams.
        let term_seed = seed ^ ((t as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let permuted = replicate(replicates, term_seed, label, |_, rng| {
            let mut perm: Vec<usize> = (0..n).collect();
            rng.shuffle(&mut perm);
            let mut x = design.x.clone();
            for i in 0..n {
                x[i * p + j] = column[perm[i]];
            }
            lr_statistic(est, &x, n, p, &design.y, j, reduced_deviance)
        });
        out.push(permutation_p(label, observed, &permuted, seed));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replicate_order_does_not_depend_on_threads() {
        let f = |b: usize, r: &mut Rng| (b, r.next_u64());
        let one = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap()
            .install(|| replicate(200, 42, "t", f));
        let many = rayon::ThreadPoolBuilder::new()
            .num_threads(4)
            .build()
            .unwrap()
            .install(|| replicate(200, 42, "t", f));
        assert_eq!(one, many);
    }
}
