//! A fitted ordered (cumulative) logit: what `sovcost fit --family ordinal
//! --format json` prints. The models produce these types; nothing here
//! imports the models.

use serde::Serialize;

use super::{Coefficient, Separation};

words! {
    /// How the coefficients' intervals are computed (the thresholds' are
    /// always Wald, as `confint()` on a clm profiles only the coefficients).
    OrdinalInterval {
        /// Estimate -/+ z SE.
        Wald = "wald",
        /// Profile likelihood, solved exactly (as `confint()` on a clm, which
        /// interpolates a grid).
        Profile = "profile",
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct OrdinalFitResult {
    /// Always `cumulative_logit`: logit P(Y <= k) = zeta_k - x'beta.
    pub model: &'static str,
    pub formula: String,
    pub data: String,
    pub n: usize,
    pub n_dropped: usize,
    /// The outcome's levels, 0..K, and how many complete rows have each.
    pub levels: usize,
    pub level_counts: Vec<usize>,
    pub converged: bool,
    pub iterations: usize,
    /// The largest absolute score at the estimate (clm's `maxGradient`).
    pub max_gradient: f64,
    pub log_likelihood: f64,
    /// The thresholds-only model.
    pub null_log_likelihood: f64,
    /// -2 log-likelihood.
    pub deviance: f64,
    /// Thresholds plus coefficients.
    pub parameters: usize,
    pub aic: f64,
    pub bic: f64,
    pub mcfadden_r2: f64,
    pub vcov_type: String,
    pub ci_level: f64,
    pub ci_method: OrdinalInterval,
    pub warnings: Vec<String>,
    /// The LP separation check of the cumulative-logit likelihood (absent
    /// for very large designs that showed no sign of separation).
    pub separation: Option<Separation>,
    /// `0|1`, `1|2`, ...: the zeta_k.
    pub thresholds: Vec<Coefficient>,
    pub coefficients: Vec<Coefficient>,
    /// The covariance's rows and columns: thresholds, then coefficients.
    pub vcov_terms: Vec<String>,
    pub vcov: Vec<Vec<f64>>,
    pub predictions: Vec<OrdinalPrediction>,
    pub marginal_effects: Vec<OrdinalMarginalEffect>,
    /// The likelihood-ratio test of proportional odds, per term.
    pub proportional_odds_tests: Vec<ProportionalOddsTest>,
}

/// The predicted probability of every level at one covariate profile.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct OrdinalPrediction {
    /// The values set by the user, as `name=value` pairs.
    pub at: String,
    /// x'beta at the profile.
    pub linear_predictor: f64,
    pub levels: Vec<LevelProbability>,
}

/// P(Y = level) with its delta-method SE and the Wald interval on the
/// probability scale (as `predict(clm, se.fit = TRUE)` and marginaleffects).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LevelProbability {
    pub level: usize,
    pub probability: f64,
    pub std_error: f64,
    pub conf_low: f64,
    pub conf_high: f64,
}

/// The average marginal effect of a variable on the probability of one level.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct OrdinalMarginalEffect {
    pub variable: String,
    /// `dy/dx` for a numeric variable; for a categorical one, the level
    /// compared with the reference (`yes - no`).
    pub contrast: String,
    pub level: usize,
    pub estimate: f64,
    /// Delta method.
    pub std_error: f64,
    pub statistic: f64,
    pub p_value: f64,
    pub conf_low: f64,
    pub conf_high: f64,
}

/// The likelihood-ratio test of a term's proportional odds against
/// level-specific (nominal) coefficients for it (`ordinal::nominal_test`).
/// The statistic and p-value are NaN (null) when the nominal model cannot be
/// fitted (its fitted probabilities would be negative).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ProportionalOddsTest {
    pub term: String,
    /// (K - 1) x the term's columns.
    pub df: usize,
    pub log_likelihood_nominal: f64,
    pub statistic: f64,
    pub p_value: f64,
}
