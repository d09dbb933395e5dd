//! A fitted model: what `sovcost fit --format json` prints.

use serde::Serialize;

use crate::models::effects::{MarginalEffect, Prediction};
use crate::models::inference::LrTest;
use crate::models::logit::Iteration;
use crate::models::resampling::{Bootstrap, PermutationTest};
use crate::models::separation::Separation;

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
    pub p_value_method: String,
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
