//! Analyses: each `analyses/*.toml` file is one analysis — the sample, the
//! outcome and model, the hypotheses with their expected directions and
//! levels, and which tables and figures to produce. A verdict is computed
//! from the checks under it ([`verdict`]), never written in.
//!
//! [`spec`] reads and checks the files, [`sample`] builds the samples, and
//! one module per kind runs it: [`logit`] (and [`opt_out`] on top of it),
//! [`participation`], [`seed`], [`robustness`], [`simulation`]; the
//! comparative kinds on the state panels ([`comparative`] their shared
//! sample): [`pooled`], [`slopes`], [`gaps`]; the depth of commitment:
//! [`depth`] (ordered logit), [`signed_only`] and [`state_signed_only`].

pub mod comparative;
pub mod depth;
pub mod gaps;
pub mod logit;
pub mod opt_out;
pub mod participation;
pub mod pooled;
pub mod robustness;
pub mod sample;
pub mod seed;
pub mod signed_only;
pub mod simulation;
pub mod slopes;
pub mod spec;
pub mod state_signed_only;
pub mod verdict;

use std::path::{Path, PathBuf};

use crate::dataset::Dataset;
use crate::error::{Error, Location, Result};
use crate::models::{self, CiMethod, FitSpec};
use crate::results::{AnalysisResult, Check, FitResult, TableOut, Verdict};
use crate::table::Table;
pub use spec::{read_spec, read_specs, Body, Hypothesis, ModelFit, Spec};

/// The seed of a stream that neither the command line nor the analysis file
/// fixes.
pub const DEFAULT_SEED: u64 = 20141010;

/// What every analysis of a run shares.
pub struct Context<'a> {
    pub data: &'a Dataset,
    pub specs: &'a [(PathBuf, Spec)],
    /// `--seed`: when given, every stream uses it.
    pub seed_override: Option<u64>,
}

impl Context<'_> {
    /// The seed a stream uses: the command line's, else the file's.
    pub fn seed(&self, from_file: u64) -> u64 {
        self.seed_override.unwrap_or(from_file)
    }
    /// The seed of streams the analysis file cannot set (the fits').
    pub fn fit_seed(&self) -> u64 {
        self.seed(DEFAULT_SEED)
    }
}

/// Runs one analysis.
pub fn run_one(ctx: &Context, file: &Path, spec: &Spec) -> Result<AnalysisResult> {
    match &spec.body {
        Body::Logit(m) => logit::run(ctx, file, spec, m),
        Body::OptOut(m) => {
            let mut result = logit::run(ctx, file, spec, m)?;
            opt_out::add(ctx, spec, &mut result)?;
            Ok(result)
        }
        Body::Participation(p) => participation::run(ctx, file, spec, p),
        Body::SeedReplication => seed::run(ctx, file, spec),
        Body::Robustness(r) => robustness::run(ctx, file, spec, r),
        Body::Simulation(s) => Ok(simulation::run(file, spec, s, ctx.seed(s.seed))),
        Body::Pooled(m, c) => pooled::run(ctx, file, spec, m, c),
        Body::StateSlopes(m, s) => slopes::run(ctx, file, spec, m, s),
        Body::StateGaps(g) => gaps::run(ctx, file, spec, g),
        Body::Depth(m) => depth::run(ctx, file, spec, m),
        Body::SignedOnly(s) => signed_only::run(ctx, file, spec, s),
        Body::StateSignedOnly(s) => state_signed_only::run(ctx, file, spec, s),
    }
}

/// A result with the spec's identity and no findings yet.
fn base_result(file: &Path, spec: &Spec, n: usize) -> AnalysisResult {
    AnalysisResult {
        name: spec.name.clone(),
        title: spec.title.clone(),
        question: spec.question.clone(),
        kind: spec.kind(),
        file: file.display().to_string(),
        frame: spec.kind().samples_panels().then_some(spec.sample.frame),
        cutoff: spec
            .kind()
            .samples_panels()
            .then(|| spec.sample.cutoff.clone()),
        include_unverified: spec.sample.include_unverified,
        n,
        seed: None,
        verdict: Verdict::Descriptive,
        verdict_reason: String::new(),
        checks: vec![],
        numbers: vec![],
        fits: vec![],
        ordinal_fits: vec![],
        models_table: spec.model().is_some() && spec.outputs.table("models"),
        tables: vec![],
        figures: vec![],
        figure_sizes: spec.outputs.sizes.clone(),
        notes: vec![],
        headline: vec![],
    }
}

/// Adds a table to a result if the spec's `[outputs]` asks for it.
fn push_table(result: &mut AnalysisResult, spec: &Spec, table: TableOut) {
    if spec.outputs.table(&table.name) {
        result.tables.push(table);
    }
}

/// An error of a fit, placed at the spec key that asked for it. A fit the
/// data cannot support stays `NotEstimable`.
fn spec_error(file: &Path, key: &str, e: Error) -> Error {
    let located = |location: &Location, rule: &str| {
        let loc = location.to_string();
        if loc.is_empty() {
            rule.to_string()
        } else {
            format!("{loc}: {rule}")
        }
    };
    let at = Location::file(file).column(key);
    match &e {
        Error::Input { location, rule } => Error::input(at, located(location, rule)),
        Error::NotEstimable { location, rule } => Error::NotEstimable {
            location: at,
            rule: located(location, rule),
        },
        Error::Internal(m) => Error::internal(m.clone()),
    }
}

/// The fit options of a spec's model.
fn fit_spec(model: &ModelFit, level: f64, predict: &[String], seed: u64) -> FitSpec {
    let mut fs = FitSpec::new(&model.formula_text());
    fs.method = model.method;
    fs.vcov = model.vcov.clone();
    fs.level = level;
    fs.ci = CiMethod::Default;
    fs.predict = predict.to_vec();
    fs.seed = seed;
    fs
}

/// Fits a model of a spec on a table; errors name the file and key.
fn fit_model(
    table: &Table,
    file: &Path,
    key: &str,
    model: &ModelFit,
    level: f64,
    predict: &[String],
    seed: u64,
) -> Result<FitResult> {
    let fs = fit_spec(model, level, predict, seed);
    models::fit_table(table, &fs).map_err(|e| spec_error(file, key, e))
}

/// The check of a hypothesis on a fit.
fn check_of(label: &str, fit: &FitResult, h: &Hypothesis, file: &Path) -> Result<Check> {
    let c = fit
        .coefficients
        .iter()
        .find(|c| c.term == h.term)
        .ok_or_else(|| {
            Error::input(
                Location::file(file).column("hypothesis.term"),
                format!(
                    "'{}' is not a coefficient of the model (coefficients: {})",
                    h.term,
                    fit.coefficients
                        .iter()
                        .map(|c| c.term.clone())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
        })?;
    Ok(Check {
        model: label.to_string(),
        term: h.term.clone(),
        direction: h.direction,
        alpha: h.alpha,
        estimate: c.estimate,
        conf_low: c.conf_low,
        conf_high: c.conf_high,
        p_value: c.p_value,
        p_value_method: fit.p_value_method.description().to_string(),
        outcome: verdict::judge(h.direction, c.estimate, c.p_value, h.alpha),
    })
}

/// The main result (the hypothesis of the analysis the robustness spec
/// checks, or else of the first treaty-level logit) on three samples: as run,
/// without the least certain statuses (one source, or secondary sources
/// only), and with unverified facts counted. For the data-quality section.
pub fn main_result_variants(
    ctx: &Context,
) -> Result<Option<(String, String, Vec<crate::results::Variant>)>> {
    let target = ctx.specs.iter().find_map(|(_, s)| match &s.body {
        Body::Robustness(r) => Some(r.analysis.clone()),
        _ => None,
    });
    let found = ctx.specs.iter().find(|(_, s)| match &target {
        Some(name) => &s.name == name,
        None => matches!(s.body, Body::Logit(_)) && s.sample.frame == crate::results::Frame::Treaty,
    });
    let Some((file, spec)) = found else {
        return Ok(None);
    };
    let (Some(m), Some(h)) = (spec.model(), spec.hypotheses.first()) else {
        return Ok(None);
    };
    let least = crate::quality::least_certain_statuses(ctx.data);
    let mut out = Vec::new();
    let mut unverified = spec.clone();
    unverified.sample.include_unverified = true;
    for (label, s, drop_least) in [
        ("As run (verified facts only)", spec, false),
        (
            "Without statuses that rest on one source or on secondary sources only",
            spec,
            true,
        ),
        ("With unverified facts counted", &unverified, false),
    ] {
        let mut records = sample::records(ctx, s);
        if drop_least {
            records.retain(|r| !least.contains(&r.treaty_id));
        }
        let table = crate::panel::treaty_table(&records)?;
        let fit = fit_model(
            &table,
            file,
            "model.formula",
            &m.fit,
            1.0 - h.alpha,
            &[],
            ctx.fit_seed(),
        );
        let (estimate, p_value, outcome) = match fit
            .ok()
            .and_then(|f| f.coefficients.into_iter().find(|c| c.term == h.term))
        {
            Some(c) => (
                c.estimate,
                c.p_value,
                verdict::judge(h.direction, c.estimate, c.p_value, h.alpha)
                    .as_str()
                    .to_string(),
            ),
            None => (f64::NAN, f64::NAN, "not estimable".to_string()),
        };
        out.push(crate::results::Variant {
            label: label.to_string(),
            n: records.len(),
            estimate,
            p_value,
            outcome,
        });
    }
    Ok(Some((spec.name.clone(), h.term.clone(), out)))
}
