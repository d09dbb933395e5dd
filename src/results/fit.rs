//! A fitted model: what `sovcost fit --format json` prints. The models
//! produce these types; nothing here imports the models.

use serde::Serialize;

/// One row of the coefficient table. Interval bounds are `null` when they are
/// infinite (a profile that never reaches the cut-off).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Coefficient {
    pub term: String,
    pub estimate: f64,
    pub std_error: f64,
    pub statistic: f64,
    pub p_value: f64,
    pub conf_low: Option<f64>,
    pub conf_high: Option<f64>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FitResult {
    /// `ml` or `firth` (the estimator used).
    pub method: String,
    /// With `--method auto`: why the estimator was chosen.
    pub method_choice: Option<String>,
    pub formula: String,
    pub data: String,
    pub n: usize,
    pub n_dropped: usize,
    pub converged: bool,
    pub iterations: usize,
    pub log_likelihood: f64,
    pub null_log_likelihood: f64,
    /// Firth: l*(b) = l(b) + 0.5 log det(X'WX) at the estimate.
    pub penalized_log_likelihood: Option<f64>,
    pub deviance: f64,
    pub null_deviance: f64,
    pub df_residual: usize,
    pub df_null: usize,
    pub aic: f64,
    pub bic: f64,
    pub mcfadden_r2: f64,
    pub tjur_r2: f64,
    pub vcov_type: String,
    pub ci_level: f64,
    pub ci_method: String,
    pub p_value_method: PValueMethod,
    pub warnings: Vec<String>,
    /// The LP separation check (absent for very large designs that showed no
    /// sign of separation).
    pub separation: Option<Separation>,
    pub coefficients: Vec<Coefficient>,
    /// Firth: the FLIC intercept used for predictions.
    pub flic_intercept: Option<f64>,
    /// Covariance matrix of the estimates (row-major, in coefficient order).
    pub vcov: Vec<Vec<f64>>,
    pub iteration_history: Vec<Iteration>,
    pub lr_tests: Vec<LrTest>,
    pub predictions: Vec<Prediction>,
    pub marginal_effects: Vec<MarginalEffect>,
    pub bootstrap: Option<Bootstrap>,
    pub permutation: Vec<PermutationTest>,
}

// Filled by `models::logit`.

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Iteration {
    pub iteration: usize,
    pub deviance: f64,
    pub step_halvings: usize,
}

// Filled by `models::inference`.

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LrTest {
    pub term: String,
    pub df: usize,
    pub deviance_restricted: f64,
    pub statistic: f64,
    pub p_value: f64,
}

// Filled by `models::effects`.

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Prediction {
    /// The values set by the user, as `name=value` pairs.
    pub at: String,
    pub linear_predictor: f64,
    pub se_link: f64,
    pub probability: f64,
    /// Delta-method SE of the probability: mu (1 - mu) se_link.
    pub std_error: f64,
    pub conf_low: f64,
    pub conf_high: f64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MarginalEffect {
    pub variable: String,
    /// For a categorical variable, the level compared with the reference.
    pub contrast: String,
    pub estimate: f64,
    pub std_error: f64,
    pub statistic: f64,
    pub p_value: f64,
    pub conf_low: f64,
    pub conf_high: f64,
}

// Filled by `models::resampling`.

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct BootstrapCoefficient {
    pub term: String,
    pub estimate: f64,
    /// Standard deviation of the finite replicates.
    pub std_error: f64,
    /// Mean of the replicates minus the estimate.
    pub bias: f64,
    pub perc_low: f64,
    pub perc_high: f64,
    /// BCa bounds; `null` when the jackknife was not run (very large samples)
    /// or the bias correction is infinite.
    pub bca_low: Option<f64>,
    pub bca_high: Option<f64>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Bootstrap {
    /// "case" or "cluster:COLUMN".
    pub kind: String,
    pub replicates: usize,
    /// Replicates whose fit failed or did not converge (dropped, as boot
    /// drops non-finite replicates).
    pub failed: usize,
    pub seed: u64,
    pub level: f64,
    pub coefficients: Vec<BootstrapCoefficient>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PermutationTest {
    pub term: String,
    /// The likelihood-ratio (penalized, for Firth) statistic of the term.
    pub statistic: f64,
    pub replicates: usize,
    /// Permutations whose refit failed (counted as not exceeding).
    pub failed: usize,
    pub seed: u64,
    /// (1 + #{T* >= T}) / (B + 1).
    pub p_value: f64,
    /// Monte Carlo standard error of the p-value, sqrt(p (1 - p) / B).
    pub monte_carlo_se: f64,
}

// Filled by `models::separation`.

/// Where an infinite ML estimate goes; serialised as `"+Inf"`, `"-Inf"` or
/// `"+/-Inf"`.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
pub enum Divergence {
    #[serde(rename = "+Inf")]
    PlusInf,
    #[serde(rename = "-Inf")]
    MinusInf,
    /// Both directions are possible (the estimate is not identified).
    #[serde(rename = "+/-Inf")]
    Either,
}

impl Divergence {
    /// The serialised text: `"+Inf"`, `"-Inf"` or `"+/-Inf"`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Divergence::PlusInf => "+Inf",
            Divergence::MinusInf => "-Inf",
            Divergence::Either => "+/-Inf",
        }
    }
    /// The estimate as reported: +inf, -inf, or NaN when either way.
    pub fn limit(&self) -> f64 {
        match self {
            Divergence::PlusInf => f64::INFINITY,
            Divergence::MinusInf => f64::NEG_INFINITY,
            Divergence::Either => f64::NAN,
        }
    }
}

impl std::fmt::Display for Divergence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct InfiniteEstimate {
    pub term: String,
    pub direction: Divergence,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Separation {
    pub separated: bool,
    /// "none", "quasi-complete" or "complete".
    pub kind: String,
    pub infinite_estimates: Vec<InfiniteEstimate>,
    /// 1-based data rows whose fitted probability is driven to 0 or 1.
    pub perfectly_predicted_rows: Vec<usize>,
    /// 1-based data rows on the separating boundary (the overlap).
    pub boundary_rows: Vec<usize>,
}

words! {
    /// How the coefficients' p-values are computed.
    PValueMethod {
        /// Wald z tests.
        Wald = "wald",
        /// Penalized likelihood-ratio tests (Firth, logistf's convention).
        PenalizedLrt = "penalized_lrt",
    }
}

impl PValueMethod {
    /// The test in words, for prose: "Wald z test".
    pub fn description(self) -> &'static str {
        match self {
            PValueMethod::Wald => "Wald z test",
            PValueMethod::PenalizedLrt => "penalized likelihood-ratio test",
        }
    }
    /// The test in a table cell: "Wald", "penalized LR".
    pub fn short(self) -> &'static str {
        match self {
            PValueMethod::Wald => "Wald",
            PValueMethod::PenalizedLrt => "penalized LR",
        }
    }
}
