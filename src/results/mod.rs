//! Results as plain serde structs: what `sovcost fit --format json` prints,
//! what `sovcost run` writes to `results.json`, and what the reports read.
//! Field names are part of the documented interface.

mod analysis;
mod fit;
mod quality;

use serde::Serialize;

pub use analysis::*;
pub use fit::*;
pub use quality::*;

/// Everything a run writes to `reports/results.json`.
#[derive(Debug, Clone, Serialize)]
pub struct RunResults {
    pub sovcost_version: String,
    /// SHA-256 of the dataset files (name and bytes, in name order).
    pub dataset_sha256: String,
    /// SHA-256 of the analysis files run.
    pub analyses_sha256: String,
    pub seed: u64,
    pub instruments: usize,
    pub actions: usize,
    pub analyses: Vec<AnalysisResult>,
    /// How certain the facts behind the results are.
    pub data_quality: DataQuality,
}
