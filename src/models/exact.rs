//! Exact small-sample tools: Fisher's exact test for a 2 x 2 table (as R's
//! `fisher.test`), Clopper-Pearson and Wilson intervals for a proportion and
//! the exact binomial test (as R's `binom.test` and `prop.test(correct =
//! FALSE)`).
//!
//! Fisher's test conditions on the margins: the count `a` of the table
//! `[[a, b], [c, d]]` follows a (noncentral) hypergeometric distribution with
//! support `max(0, k - n) ..= min(k, m)`, `m = a + c`, `n = b + d`, `k = a + b`.
//! - two-sided p: the total probability of tables no more likely than the
//!   observed one (with R's relative tolerance 1e-7);
//! - estimate: the conditional maximum-likelihood odds ratio, the ncp at which
//!   the noncentral mean equals `a` (0 at the lower end of the support,
//!   infinite at the upper end);
//! - interval: the ncp values at which `P(X >= a) = alpha/2` (lower) and
//!   `P(X <= a) = alpha/2` (upper), solved on the log scale to ~1e-12 (R
//!   solves them with `uniroot`'s default tolerance, so its limits are only
//!   accurate to about 1e-4 relative).

use serde::Serialize;

use super::inference::{find_root, qnorm};
use crate::error::{Error, Result};

fn ln_choose(n: u64, k: u64) -> f64 {
    libm::lgamma(n as f64 + 1.0) - libm::lgamma(k as f64 + 1.0) - libm::lgamma((n - k) as f64 + 1.0)
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FisherTest {
    pub table: [u64; 4],
    pub p_value: f64,
    /// Conditional MLE of the odds ratio (may be 0 or infinite).
    pub odds_ratio: f64,
    pub conf_level: f64,
    pub conf_low: f64,
    pub conf_high: f64,
}

struct Hypergeometric {
    lo: u64,
    hi: u64,
    /// log of the central probabilities on the support.
    log_d: Vec<f64>,
}

impl Hypergeometric {
    fn new(m: u64, n: u64, k: u64) -> Self {
        let lo = k.saturating_sub(n);
        let hi = k.min(m);
        let log_d = (lo..=hi)
            .map(|x| ln_choose(m, x) + ln_choose(n, k - x) - ln_choose(m + n, k))
            .collect();
        Hypergeometric { lo, hi, log_d }
    }

    /// Probabilities under odds ratio exp(log_ncp).
    fn probabilities(&self, log_ncp: f64) -> Vec<f64> {
        let logs: Vec<f64> = self
            .log_d
            .iter()
            .enumerate()
            .map(|(i, d)| d + log_ncp * (self.lo + i as u64) as f64)
            .collect();
        let max = logs.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        let w: Vec<f64> = logs.iter().map(|l| (l - max).exp()).collect();
        let total: f64 = w.iter().sum();
        w.into_iter().map(|v| v / total).collect()
    }

    fn mean(&self, log_ncp: f64) -> f64 {
        self.probabilities(log_ncp)
            .iter()
            .enumerate()
            .map(|(i, p)| (self.lo + i as u64) as f64 * p)
            .sum()
    }

    /// P(X <= x) (upper = false) or P(X >= x) (upper = true).
    fn tail(&self, x: u64, log_ncp: f64, upper: bool) -> f64 {
        let d = self.probabilities(log_ncp);
        d.iter()
            .enumerate()
            .filter(|(i, _)| {
                let v = self.lo + *i as u64;
                if upper {
                    v >= x
                } else {
                    v <= x
                }
            })
            .map(|(_, p)| p)
            .sum()
    }
}

/// Solves `f(log_ncp) = 0` for an increasing or decreasing `f`, bracketing
/// outward from 0.
fn solve_log_ncp<F: Fn(f64) -> f64>(f: F) -> f64 {
    let mut a = -1.0;
    let mut b = 1.0;
    for _ in 0..200 {
        if f(a) * f(b) <= 0.0 {
            break;
        }
        a *= 2.0;
        b *= 2.0;
    }
    find_root(&f, a, b).unwrap_or(f64::NAN)
}

/// Fisher's exact test of the table `[[a, b], [c, d]]`.
pub fn fisher(a: u64, b: u64, c: u64, d: u64, conf_level: f64) -> Result<FisherTest> {
    if !(conf_level > 0.0 && conf_level < 1.0) {
        return Err(Error::usage("the confidence level must be between 0 and 1"));
    }
    let (m, n, k) = (a + c, b + d, a + b);
    if m + n == 0 {
        return Err(Error::not_estimable("the table is empty"));
    }
    let h = Hypergeometric::new(m, n, k);
    let central = h.probabilities(0.0);
    let observed = central[(a - h.lo) as usize];
    let p_value: f64 = central
        .iter()
        .filter(|&&p| p <= observed * (1.0 + 1e-7))
        .sum::<f64>()
        .min(1.0);
    let odds_ratio = if h.lo == h.hi {
        f64::NAN
    } else if a == h.lo {
        0.0
    } else if a == h.hi {
        f64::INFINITY
    } else {
        solve_log_ncp(|l| h.mean(l) - a as f64).exp()
    };
    let alpha = (1.0 - conf_level) / 2.0;
    let conf_low = if a == h.lo {
        0.0
    } else {
        solve_log_ncp(|l| h.tail(a, l, true) - alpha).exp()
    };
    let conf_high = if a == h.hi {
        f64::INFINITY
    } else {
        solve_log_ncp(|l| h.tail(a, l, false) - alpha).exp()
    };
    Ok(FisherTest {
        table: [a, b, c, d],
        p_value,
        odds_ratio,
        conf_level,
        conf_low,
        conf_high,
    })
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ProportionInterval {
    pub successes: u64,
    pub trials: u64,
    pub estimate: f64,
    pub conf_level: f64,
    pub clopper_pearson_low: f64,
    pub clopper_pearson_high: f64,
    pub wilson_low: f64,
    pub wilson_high: f64,
    /// Two-sided exact binomial test of p = 0.5 (as `binom.test`).
    pub binomial_p_value: f64,
}

fn ln_binom_pmf(k: u64, n: u64, p: f64) -> f64 {
    if p <= 0.0 {
        return if k == 0 { 0.0 } else { f64::NEG_INFINITY };
    }
    if p >= 1.0 {
        return if k == n { 0.0 } else { f64::NEG_INFINITY };
    }
    ln_choose(n, k) + k as f64 * p.ln() + (n - k) as f64 * (-p).ln_1p()
}

/// P(X >= k) for X ~ Binomial(n, p), summed exactly.
fn binom_upper(k: u64, n: u64, p: f64) -> f64 {
    (k..=n).map(|i| ln_binom_pmf(i, n, p).exp()).sum()
}

/// P(X <= k).
fn binom_lower(k: u64, n: u64, p: f64) -> f64 {
    (0..=k).map(|i| ln_binom_pmf(i, n, p).exp()).sum()
}

/// Exact binomial test p-value (two-sided, R's rule with tolerance 1e-7).
pub fn binomial_test(k: u64, n: u64, p0: f64) -> f64 {
    let d: Vec<f64> = (0..=n).map(|i| ln_binom_pmf(i, n, p0).exp()).collect();
    let observed = d[k as usize];
    d.iter()
        .filter(|&&v| v <= observed * (1.0 + 1e-7))
        .sum::<f64>()
        .min(1.0)
}

/// Clopper-Pearson and Wilson intervals for k successes in n trials.
pub fn proportion(k: u64, n: u64, conf_level: f64) -> Result<ProportionInterval> {
    if n == 0 {
        return Err(Error::not_estimable(
            "a proportion needs at least one trial",
        ));
    }
    if k > n {
        return Err(Error::usage(format!(
            "{k} successes in {n} trials: successes cannot exceed trials"
        )));
    }
    if !(conf_level > 0.0 && conf_level < 1.0) {
        return Err(Error::usage("the confidence level must be between 0 and 1"));
    }
    let alpha = (1.0 - conf_level) / 2.0;
    // Clopper-Pearson: the p at which the tail probabilities equal alpha.
    let cp_low = if k == 0 {
        0.0
    } else {
        find_root(|p| binom_upper(k, n, p) - alpha, 0.0, 1.0).unwrap_or(f64::NAN)
    };
    let cp_high = if k == n {
        1.0
    } else {
        find_root(|p| binom_lower(k, n, p) - alpha, 0.0, 1.0).unwrap_or(f64::NAN)
    };
    // Wilson score interval.
    let z = qnorm(1.0 - alpha);
    let nf = n as f64;
    let phat = k as f64 / nf;
    let z22n = z * z / (2.0 * nf);
    let center = phat + z22n;
    let half = z * (phat * (1.0 - phat) / nf + z22n / (2.0 * nf)).sqrt();
    let denom = 1.0 + 2.0 * z22n;
    Ok(ProportionInterval {
        successes: k,
        trials: n,
        estimate: phat,
        conf_level,
        clopper_pearson_low: cp_low,
        clopper_pearson_high: cp_high,
        wilson_low: ((center - half) / denom).max(0.0),
        wilson_high: ((center + half) / denom).min(1.0),
        binomial_p_value: binomial_test(k, n, 0.5),
    })
}

/// Newcombe's hybrid score interval for a difference of two independent
/// proportions (method 10 of Newcombe 1998), from Wilson intervals.
pub fn newcombe_difference(
    k1: u64,
    n1: u64,
    k2: u64,
    n2: u64,
    level: f64,
) -> Result<(f64, f64, f64)> {
    let a = proportion(k1, n1, level)?;
    let b = proportion(k2, n2, level)?;
    let d = a.estimate - b.estimate;
    let low =
        d - ((a.estimate - a.wilson_low).powi(2) + (b.wilson_high - b.estimate).powi(2)).sqrt();
    let high =
        d + ((a.wilson_high - a.estimate).powi(2) + (b.estimate - b.wilson_low).powi(2)).sqrt();
    Ok((d, low, high))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn degenerate_tables() {
        let t = fisher(5, 0, 0, 5, 0.95).unwrap();
        assert_eq!(t.odds_ratio, f64::INFINITY);
        assert_eq!(t.conf_high, f64::INFINITY);
        assert!(fisher(0, 0, 0, 0, 0.95).is_err());
        assert!(proportion(3, 2, 0.95).is_err());
    }
}
