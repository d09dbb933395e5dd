//! Analysis specifications (`analyses/*.toml`) and their runner. Each file is
//! one analysis: the sample, the outcome and model, the hypothesis with its
//! expected direction and level, and which tables and figures to produce. A
//! verdict is computed from the tests under it, never written in.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::dataset::Dataset;
use crate::error::{Error, Location, Result};
use crate::models::exact;
use crate::models::inference::{qnorm, VcovType};
use crate::models::logit::logistic;
use crate::models::resampling::Rng;
use crate::models::{self, CiMethod, FitSpec, Method};
use crate::panel::{self, PanelOptions, TreatyRecord};
use crate::results::FitResult;

// ---------------------------------------------------------------------------
// Specs

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    /// Short id (defaults to the file name).
    #[serde(default)]
    pub name: String,
    pub title: String,
    /// The question in one sentence, for the report.
    pub question: String,
    /// logit | participation | opt_out | seed_replication | robustness | simulation
    pub kind: String,
    /// Order in reports (smaller first).
    #[serde(default)]
    pub order: i32,
    #[serde(default)]
    pub sample: Sample,
    pub model: Option<ModelSpec>,
    #[serde(default)]
    pub hypothesis: Vec<Hypothesis>,
    pub participation: Option<ParticipationSpec>,
    pub simulation: Option<SimulationSpec>,
    pub robustness: Option<RobustnessSpec>,
    #[serde(default)]
    pub outputs: Outputs,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Sample {
    /// treaty | provision | treaty_year
    #[serde(default = "default_frame")]
    pub frame: String,
    #[serde(default = "default_cutoff")]
    pub cutoff: String,
    #[serde(default)]
    pub include_unverified: bool,
    /// Keep only rows where each named column equals the value.
    #[serde(default, rename = "where")]
    pub filter: BTreeMap<String, toml::Value>,
}

impl Default for Sample {
    fn default() -> Self {
        Sample {
            frame: default_frame(),
            cutoff: default_cutoff(),
            include_unverified: false,
            filter: BTreeMap::new(),
        }
    }
}

fn default_frame() -> String {
    "treaty".into()
}
fn default_cutoff() -> String {
    "2025-12-31".into()
}
fn default_method() -> String {
    "auto".into()
}
fn default_vcov() -> String {
    "model".into()
}
fn default_alpha() -> f64 {
    0.05
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ModelSpec {
    pub formula: String,
    #[serde(default = "default_method")]
    pub method: String,
    #[serde(default = "default_vcov")]
    pub vcov: String,
    /// Further models fitted on the same sample and shown beside it.
    #[serde(default)]
    pub alternatives: Vec<AlternativeModel>,
    /// Predicted probabilities at these values ("name=value,...").
    #[serde(default)]
    pub predict: Vec<String>,
    /// Report the odds ratio per standard deviation of this variable and the
    /// value at which the predicted probability is 0.5.
    #[serde(default)]
    pub cost_variable: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AlternativeModel {
    pub label: String,
    pub formula: String,
    #[serde(default = "default_method")]
    pub method: String,
    #[serde(default = "default_vcov")]
    pub vcov: String,
    /// Fit on a subsample (e.g. the soft-law benchmark): the same filters as
    /// `[sample.where]`, applied on top of the analysis's sample.
    #[serde(default, rename = "where")]
    pub filter: BTreeMap<String, toml::Value>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Hypothesis {
    /// The coefficient tested (as the fit names it).
    pub term: String,
    /// negative | positive | not_positive | not_negative
    pub direction: String,
    #[serde(default = "default_alpha")]
    pub alpha: f64,
    /// Which model: "main" or an alternative's label.
    #[serde(default)]
    pub model: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ParticipationSpec {
    /// The outcome column (joined or bound).
    #[serde(default = "default_outcome")]
    pub outcome: String,
    /// Instruments above this sovereignty cost form the hard-law end.
    pub hard_threshold: f64,
    /// First year of the count of instruments joined ("pro-social change").
    #[serde(default = "default_from_year")]
    pub from_year: i32,
    #[serde(default = "default_alpha")]
    pub alpha: f64,
}

fn default_outcome() -> String {
    "joined".into()
}
fn default_from_year() -> i32 {
    1978
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SimulationSpec {
    pub universes: usize,
    pub instruments: usize,
    /// Scale s of P(join) = logistic((tau - cost) / s).
    pub scale: f64,
    /// Thresholds tau of a weakly and of a strongly socialized state.
    pub tau_weak: f64,
    pub tau_strong: f64,
    /// Instruments with cost below this are "soft law".
    pub soft_threshold: f64,
    /// A soft-law-only study calls a state strongly socialized when it joins
    /// at least this share of soft-law instruments.
    pub strong_rate: f64,
    #[serde(default = "default_seed")]
    pub seed: u64,
}

fn default_seed() -> u64 {
    20141010
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RobustnessSpec {
    /// The analysis whose model and hypothesis are re-examined.
    pub analysis: String,
    /// Alternative cost indices substituted for the cost variable.
    #[serde(default)]
    pub indices: Vec<String>,
    #[serde(default = "default_permutations")]
    pub permutations: usize,
    #[serde(default = "default_seed")]
    pub seed: u64,
}

fn default_permutations() -> usize {
    999
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Outputs {
    #[serde(default)]
    pub tables: Vec<String>,
    #[serde(default)]
    pub figures: Vec<String>,
}

pub const KINDS: &[&str] = &[
    "logit",
    "participation",
    "opt_out",
    "seed_replication",
    "robustness",
    "simulation",
];
pub const FRAMES: &[&str] = &["treaty", "provision", "treaty_year"];
pub const DIRECTIONS: &[&str] = &["negative", "positive", "not_positive", "not_negative"];

/// Reads one spec, with errors naming the file and the key.
pub fn read_spec(path: &Path) -> Result<Spec> {
    let loc = || Location::file(path);
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::input(loc(), format!("cannot read file: {e}")))?;
    let mut spec: Spec = toml::from_str(&text).map_err(|e| {
        Error::input(
            loc(),
            format!("not a valid analysis file: {}", e.to_string().trim()),
        )
    })?;
    if spec.name.is_empty() {
        spec.name = path
            .file_stem()
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_default();
    }
    let bad = |key: &str, msg: String| Error::input(loc().column(key), msg);
    if !KINDS.contains(&spec.kind.as_str()) {
        return Err(bad(
            "kind",
            format!("unknown kind '{}' (use {})", spec.kind, KINDS.join(", ")),
        ));
    }
    if !FRAMES.contains(&spec.sample.frame.as_str()) {
        return Err(bad(
            "sample.frame",
            format!(
                "unknown frame '{}' (use {})",
                spec.sample.frame,
                FRAMES.join(", ")
            ),
        ));
    }
    if crate::dataset::check_dated(&spec.sample.cutoff, "day").is_err() {
        return Err(bad(
            "sample.cutoff",
            format!("'{}' is not a date (YYYY-MM-DD)", spec.sample.cutoff),
        ));
    }
    for (k, h) in spec.hypothesis.iter().enumerate() {
        if !DIRECTIONS.contains(&h.direction.as_str()) {
            return Err(bad(
                &format!("hypothesis[{k}].direction"),
                format!(
                    "unknown direction '{}' (use {})",
                    h.direction,
                    DIRECTIONS.join(", ")
                ),
            ));
        }
        if !(h.alpha > 0.0 && h.alpha < 1.0) {
            return Err(bad(
                &format!("hypothesis[{k}].alpha"),
                "alpha must be between 0 and 1".into(),
            ));
        }
    }
    if let Some(m) = &spec.model {
        Method::parse(&m.method).map_err(|e| bad("model.method", e.to_string()))?;
        VcovType::parse(&m.vcov).map_err(|e| bad("model.vcov", e.to_string()))?;
        crate::formula::parse(&m.formula).map_err(|e| bad("model.formula", e.to_string()))?;
        for (k, a) in m.alternatives.iter().enumerate() {
            Method::parse(&a.method)
                .map_err(|e| bad(&format!("model.alternatives[{k}].method"), e.to_string()))?;
            crate::formula::parse(&a.formula)
                .map_err(|e| bad(&format!("model.alternatives[{k}].formula"), e.to_string()))?;
        }
    }
    let needs = |what: bool, key: &str| -> Result<()> {
        if what {
            Ok(())
        } else {
            Err(bad(
                key,
                format!("kind '{}' needs a [{key}] table", spec.kind),
            ))
        }
    };
    match spec.kind.as_str() {
        "logit" | "opt_out" => needs(spec.model.is_some(), "model")?,
        "participation" => needs(spec.participation.is_some(), "participation")?,
        "simulation" => needs(spec.simulation.is_some(), "simulation")?,
        "robustness" => needs(spec.robustness.is_some(), "robustness")?,
        _ => {}
    }
    Ok(spec)
}

/// Every `*.toml` in the directory, sorted by (order, name).
pub fn read_specs(dir: &Path) -> Result<Vec<(PathBuf, Spec)>> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        Error::input(
            Location::file(dir),
            format!("cannot read the analyses directory: {e}"),
        )
    })?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    let mut specs = Vec::new();
    for p in paths {
        let s = read_spec(&p)?;
        specs.push((p, s));
    }
    specs.sort_by(|a, b| (a.1.order, &a.1.name).cmp(&(b.1.order, &b.1.name)));
    Ok(specs)
}

pub use crate::results::{AnalysisResult, Check, NamedFit, Number, TableOut};

/// Outcome of one directional test.
pub fn judge(direction: &str, estimate: f64, p: f64, alpha: f64) -> &'static str {
    let significant = p < alpha;
    match direction {
        "negative" | "positive" => {
            let right = if direction == "negative" {
                estimate < 0.0
            } else {
                estimate > 0.0
            };
            if estimate.is_nan() || p.is_nan() {
                "inconclusive"
            } else if right && significant {
                "supported"
            } else if !right && estimate != 0.0 {
                "not supported"
            } else {
                "inconclusive"
            }
        }
        "not_positive" | "not_negative" => {
            let wrong = if direction == "not_positive" {
                estimate > 0.0
            } else {
                estimate < 0.0
            };
            if estimate.is_nan() || p.is_nan() {
                "inconclusive"
            } else if wrong && significant {
                "not supported"
            } else {
                "supported"
            }
        }
        _ => "inconclusive",
    }
}

/// Combines check outcomes: all supported → supported; any not supported →
/// not supported; otherwise inconclusive.
pub fn combine(outcomes: &[&str]) -> &'static str {
    if outcomes.is_empty() {
        "descriptive"
    } else if outcomes.contains(&"not supported") {
        "not supported"
    } else if outcomes.iter().all(|o| *o == "supported") {
        "supported"
    } else {
        "inconclusive"
    }
}

// ---------------------------------------------------------------------------
// Running

/// What every analysis of a run shares.
pub struct Context<'a> {
    pub data: &'a Dataset,
    pub specs: &'a [(PathBuf, Spec)],
    pub seed: u64,
}

fn spec_error(file: &Path, key: &str, e: Error) -> Error {
    let rule = match &e {
        Error::Input { location, rule } | Error::NotEstimable { location, rule } => {
            let loc = location.to_string();
            if loc.is_empty() || loc.starts_with("treaty") || loc.starts_with("provision") {
                if loc.is_empty() {
                    rule.clone()
                } else {
                    format!("{loc}: {rule}")
                }
            } else {
                format!("{loc}: {rule}")
            }
        }
        Error::Internal(m) => return Error::internal(m.clone()),
    };
    Error::input(Location::file(file).column(key), rule)
}

fn options(spec: &Spec) -> PanelOptions {
    PanelOptions {
        cutoff: spec.sample.cutoff.clone(),
        include_unverified: spec.sample.include_unverified,
    }
}

fn matches_filter(
    record: &TreatyRecord,
    filter: &BTreeMap<String, toml::Value>,
) -> std::result::Result<bool, String> {
    for (k, v) in filter {
        let want = match v {
            toml::Value::String(s) => s.clone(),
            toml::Value::Integer(i) => i.to_string(),
            toml::Value::Boolean(b) => u8::from(*b).to_string(),
            other => other.to_string(),
        };
        let got = match k.as_str() {
            "kind" => record.kind.clone(),
            "issue_area" => record.issue_area.clone(),
            "soft_law" => record.soft_law.to_string(),
            "hard_law" => record.hard_law.to_string(),
            "core_sovereignty" => record.core_sovereignty.to_string(),
            _ => return Err(format!("unknown column '{k}' (filter on kind, issue_area, soft_law, hard_law or core_sovereignty)")),
        };
        if got != want {
            return Ok(false);
        }
    }
    Ok(true)
}

/// The treaty records of a spec's sample.
pub fn sample_records(ctx: &Context, file: &Path, spec: &Spec) -> Result<Vec<TreatyRecord>> {
    Ok(sample_with_notes(ctx, file, spec)?.0)
}

/// Which outcome a spec's sample needs known: the model's left-hand side on
/// the treaty frame, the participation outcome, `joined` with its year on the
/// treaty-year frame, `bound` on the provision frame.
fn needed_outcome(spec: &Spec) -> Option<&str> {
    match spec.sample.frame.as_str() {
        "treaty_year" => Some("join_year"),
        "provision" => Some("bound"),
        _ => {
            if let Some(p) = &spec.participation {
                return Some(p.outcome.as_str());
            }
            let lhs = spec.model.as_ref()?.formula.split('~').next()?.trim();
            matches!(lhs, "joined" | "bound").then_some(lhs)
        }
    }
}

/// The sample's records, and a note naming every instrument left out because
/// its outcome at the cutoff is unknown (it is never counted as "no").
pub fn sample_with_notes(
    ctx: &Context,
    file: &Path,
    spec: &Spec,
) -> Result<(Vec<TreatyRecord>, Vec<String>)> {
    let all = panel::treaty_records(ctx.data, &options(spec));
    let need = needed_outcome(spec);
    let mut out = Vec::new();
    let mut left_out = Vec::new();
    for r in all {
        if !matches_filter(&r, &spec.sample.filter)
            .map_err(|m| Error::input(Location::file(file).column("sample.where"), m))?
        {
            continue;
        }
        let unknown = match need {
            Some("joined") => r.joined.is_none().then(|| r.unknown_because.clone()),
            Some("bound") => r.bound.is_none().then(|| r.unknown_because.clone()),
            Some("join_year") => panel::treaty_year_left_out(&r),
            _ => None,
        };
        match unknown {
            Some(why) => left_out.push(format!("{} ({why})", r.short_name)),
            None => out.push(r),
        }
    }
    let notes = if left_out.is_empty() {
        Vec::new()
    } else {
        vec![format!(
            "Left out because the outcome is unknown at the cutoff ({} instrument{}): {}.",
            left_out.len(),
            if left_out.len() == 1 { "" } else { "s" },
            left_out.join("; ")
        )]
    };
    Ok((out, notes))
}

fn frame_table(
    ctx: &Context,
    file: &Path,
    spec: &Spec,
    records: &[TreatyRecord],
) -> Result<(crate::panel::Table, usize)> {
    match spec.sample.frame.as_str() {
        "provision" => {
            let p = panel::provision_records(ctx.data, records, &options(spec));
            Ok((panel::provision_table(&p)?, p.len()))
        }
        "treaty_year" => {
            let t = panel::treaty_year_table(records, &options(spec))?;
            let n = t.n_rows();
            Ok((t, n))
        }
        _ => {
            let _ = file;
            Ok((panel::treaty_table(records)?, records.len()))
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn fit_on(
    table: &crate::panel::Table,
    file: &Path,
    key: &str,
    formula: &str,
    method: &str,
    vcov: &str,
    level: f64,
    predict: &[String],
    seed: u64,
) -> Result<FitResult> {
    let mut fs = FitSpec::new(formula);
    fs.method = Method::parse(method).map_err(|e| spec_error(file, key, e))?;
    fs.vcov = VcovType::parse(vcov).map_err(|e| spec_error(file, key, e))?;
    fs.level = level;
    fs.ci = CiMethod::Default;
    fs.predict = predict.to_vec();
    fs.seed = seed;
    models::fit_table(table, &fs).map_err(|e| spec_error(file, key, e))
}

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
        direction: h.direction.clone(),
        alpha: h.alpha,
        estimate: c.estimate,
        conf_low: c.conf_low,
        conf_high: c.conf_high,
        p_value: c.p_value,
        p_value_method: fit.p_value_method.clone(),
        outcome: judge(&h.direction, c.estimate, c.p_value, h.alpha).to_string(),
    })
}

fn base_result(file: &Path, spec: &Spec, n: usize) -> AnalysisResult {
    AnalysisResult {
        name: spec.name.clone(),
        title: spec.title.clone(),
        question: spec.question.clone(),
        kind: spec.kind.clone(),
        file: file.display().to_string(),
        frame: spec.sample.frame.clone(),
        cutoff: spec.sample.cutoff.clone(),
        include_unverified: spec.sample.include_unverified,
        n,
        verdict: "descriptive".into(),
        verdict_reason: String::new(),
        checks: vec![],
        numbers: vec![],
        fits: vec![],
        tables: vec![],
        figures: spec.outputs.figures.clone(),
        notes: vec![],
        series: BTreeMap::new(),
        labels: BTreeMap::new(),
    }
}

fn reason_from_checks(checks: &[Check]) -> String {
    checks
        .iter()
        .map(|c| {
            let ci = match (c.conf_low, c.conf_high) {
                (Some(l), Some(h)) => format!(", interval [{l:.3}, {h:.3}]"),
                _ => String::new(),
            };
            format!(
                "{} ({}): expected {}, estimate {:.3}{ci}, p = {:.4} ({}), α = {} → {}",
                c.term,
                c.model,
                c.direction.replace('_', " "),
                c.estimate,
                c.p_value,
                c.p_value_method,
                c.alpha,
                c.outcome
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Runs one analysis.
pub fn run_one(ctx: &Context, file: &Path, spec: &Spec) -> Result<AnalysisResult> {
    match spec.kind.as_str() {
        "logit" | "opt_out" => run_logit(ctx, file, spec),
        "participation" => run_participation(ctx, file, spec),
        "seed_replication" => run_seed(ctx, file, spec),
        "robustness" => run_robustness(ctx, file, spec),
        "simulation" => run_simulation(file, spec),
        _ => unreachable!("kind checked when read"),
    }
}

fn run_logit(ctx: &Context, file: &Path, spec: &Spec) -> Result<AnalysisResult> {
    let m = spec.model.as_ref().expect("checked");
    let (records, sample_notes) = sample_with_notes(ctx, file, spec)?;
    let (table, n) = frame_table(ctx, file, spec, &records)?;
    let level = 1.0 - spec.hypothesis.first().map(|h| h.alpha).unwrap_or(0.05);
    let main = fit_on(
        &table,
        file,
        "model.formula",
        &m.formula,
        &m.method,
        &m.vcov,
        level,
        &m.predict,
        ctx.seed,
    )?;
    let mut result = base_result(file, spec, n);
    result.notes.extend(sample_notes);
    let mut fits = vec![NamedFit {
        label: "main".into(),
        fit: main.clone(),
    }];
    for (k, a) in m.alternatives.iter().enumerate() {
        let sub_table;
        let table_for = if a.filter.is_empty() {
            &table
        } else {
            let mut sub = Vec::new();
            for r in &records {
                if matches_filter(r, &a.filter).map_err(|msg| {
                    Error::input(
                        Location::file(file).column(format!("model.alternatives[{k}].where")),
                        msg,
                    )
                })? {
                    sub.push(r.clone());
                }
            }
            sub_table = frame_table(ctx, file, spec, &sub)?.0;
            &sub_table
        };
        let fitted = fit_on(
            table_for,
            file,
            &format!("model.alternatives[{k}]"),
            &a.formula,
            &a.method,
            &a.vcov,
            level,
            &[],
            ctx.seed,
        );
        // A sample the data cannot fit (a constant outcome, too few rows) is
        // noted, not fatal; a mistake in the spec (unknown column) is an error.
        let f = match fitted {
            Ok(f) => f,
            Err(Error::Input { rule, .. })
                if !rule.contains("no such column") && !rule.contains("unknown") =>
            {
                result.notes.push(format!(
                    "Model '{}' not estimable on these data: {rule}",
                    a.label
                ));
                continue;
            }
            Err(e) => return Err(e),
        };
        fits.push(NamedFit {
            label: a.label.clone(),
            fit: f,
        });
    }
    let mut checks = Vec::new();
    for h in &spec.hypothesis {
        let label = h.model.clone().unwrap_or_else(|| "main".into());
        let nf = fits.iter().find(|f| f.label == label).ok_or_else(|| {
            Error::input(
                Location::file(file).column("hypothesis.model"),
                format!("no model labelled '{label}'"),
            )
        })?;
        checks.push(check_of(&label, &nf.fit, h, file)?);
    }
    if let Some(var) = &m.cost_variable {
        cost_numbers(&mut result, &table, &main, var, level, file)?;
    }
    for p in &main.predictions {
        result.numbers.push(Number {
            name: format!("p_{}", p.at.replace([',', '='], "_")),
            label: format!(
                "Predicted probability at {}",
                if p.at.is_empty() {
                    "the means".into()
                } else {
                    p.at.clone()
                }
            ),
            value: p.probability,
            low: Some(p.conf_low),
            high: Some(p.conf_high),
            note: format!("{} (delta method on the logit scale)", main.method),
        });
    }
    if spec.kind == "opt_out" {
        let prov = panel::provision_records(ctx.data, &records, &options(spec));
        let k = prov.iter().filter(|p| p.avoided == 1).count() as u64;
        let total = prov.len() as u64;
        if total > 0 {
            let pi = exact::proportion(k, total, level)?;
            result.numbers.push(Number {
                name: "avoided_share".into(),
                label: "Share of avoidable provisions China avoided".into(),
                value: pi.estimate,
                low: Some(pi.clopper_pearson_low),
                high: Some(pi.clopper_pearson_high),
                note: format!("{k} of {total}, Clopper-Pearson interval"),
            });
        }
        let mut rows = Vec::new();
        for mech in crate::dataset::MECHANISMS {
            let sub: Vec<_> = prov.iter().filter(|p| p.mechanism == *mech).collect();
            if sub.is_empty() {
                continue;
            }
            let av = sub.iter().filter(|p| p.avoided == 1).count();
            rows.push(vec![
                mechanism_label(mech).to_string(),
                crate::dataset::mechanism_level(mech).to_string(),
                sub.len().to_string(),
                av.to_string(),
                format!("{:.2}", av as f64 / sub.len() as f64),
            ]);
            result
                .series
                .entry("opt_out_by_mechanism".into())
                .or_default()
                .push(vec![
                    crate::dataset::mechanism_level(mech) as f64,
                    sub.len() as f64,
                    av as f64,
                ]);
            result
                .labels
                .entry("opt_out_by_mechanism".into())
                .or_default()
                .push(mechanism_label(mech).to_string());
        }
        result.tables.push(TableOut {
            name: "opt_outs".into(),
            caption:
                "Delegation provisions China could accept or avoid, in instruments it is bound by"
                    .into(),
            header: vec![
                "Mechanism".into(),
                "Level".into(),
                "Provisions".into(),
                "Avoided".into(),
                "Share".into(),
            ],
            rows,
        });
        let detail: Vec<Vec<String>> = prov
            .iter()
            .map(|p| {
                vec![
                    p.short_name.clone(),
                    p.article.clone(),
                    p.mechanism.replace('_', " "),
                    p.acceptance_mode.replace('_', "-"),
                    if p.avoided == 1 {
                        "avoided".into()
                    } else {
                        "accepted".into()
                    },
                ]
            })
            .collect();
        result.tables.push(TableOut {
            name: "opt_out_detail".into(),
            caption: "Each avoidable provision and China's position".into(),
            header: vec![
                "Instrument".into(),
                "Article".into(),
                "Mechanism".into(),
                "Mode".into(),
                "China".into(),
            ],
            rows: detail,
        });
    }
    if spec.sample.frame == "treaty" {
        // Points for the probability figure: each instrument's cost and outcome.
        let var = m
            .cost_variable
            .clone()
            .unwrap_or_else(|| "sovereignty_cost".into());
        let xs = table.numeric(&var).ok();
        let ys = table
            .numeric(
                &crate::formula::parse(&m.formula)
                    .map(|f| f.response)
                    .unwrap_or_default(),
            )
            .ok();
        if let (Some(xs), Some(ys)) = (xs, ys) {
            let names = table.text("short_name").unwrap_or_default();
            let mut pts = Vec::new();
            let mut labels = Vec::new();
            for i in 0..xs.len() {
                if let (Some(x), Some(y)) = (xs[i], ys[i]) {
                    pts.push(vec![x, y]);
                    labels.push(names.get(i).cloned().flatten().unwrap_or_default());
                }
            }
            result.series.insert("instruments".into(), pts);
            result.labels.insert("instruments".into(), labels);
        }
    }
    let outcomes: Vec<&str> = checks.iter().map(|c| c.outcome.as_str()).collect();
    result.verdict = combine(&outcomes).to_string();
    result.verdict_reason = reason_from_checks(&checks);
    result.checks = checks;
    result.fits = fits;
    Ok(result)
}

/// A mechanism's name for tables and figures.
pub fn mechanism_label(mechanism: &str) -> &'static str {
    match mechanism {
        "state_reporting" => "state reporting",
        "review_conference" => "review conference",
        "inquiry" => "inquiry",
        "interstate_complaint" => "inter-state complaints",
        "individual_complaint" => "individual complaints",
        "onsite_inspection" => "on-site inspection",
        "icj_compromissory" => "ICJ clause",
        "compulsory_adjudication" => "adjudication",
        "arbitration" => "arbitration",
        "prosecution" => "prosecution",
        _ => "other",
    }
}

/// Odds ratio per SD of the cost variable, the cost at which P = 0.5 (other
/// variables at their means, reference levels) with a delta-method interval,
/// and the predicted-probability curve over the observed range.
fn cost_numbers(
    result: &mut AnalysisResult,
    table: &crate::panel::Table,
    fit: &FitResult,
    var: &str,
    level: f64,
    file: &Path,
) -> Result<()> {
    let j = fit
        .coefficients
        .iter()
        .position(|c| c.term == var)
        .ok_or_else(|| {
            Error::input(
                Location::file(file).column("model.cost_variable"),
                format!("'{var}' is not a coefficient of the model"),
            )
        })?;
    let formula = crate::formula::parse(&fit.formula)?;
    let (design, _) = crate::design::build(table, &formula, &crate::design::Extra::default())?;
    let xs = design.column(j);
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let sd = (xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    let b = fit.coefficients[j].estimate;
    let q = qnorm(0.5 + level / 2.0);
    result.numbers.push(Number {
        name: "odds_ratio_per_sd".into(),
        label: format!("Odds ratio per standard deviation of {var} (SD = {sd:.3})"),
        value: (b * sd).exp(),
        low: fit.coefficients[j].conf_low.map(|l| (l * sd).exp()),
        high: fit.coefficients[j].conf_high.map(|h| (h * sd).exp()),
        note: format!("interval: {} at {:.0} %", fit.ci_method, level * 100.0),
    });
    // Linear predictor without the cost term, at the means of the others.
    let base_values = crate::models::effects::profile_values(&design, "")?;
    let row = design.build_row(&base_values);
    let p = design.p;
    let beta: Vec<f64> = fit.coefficients.iter().map(|c| c.estimate).collect();
    let vcov: Vec<f64> = fit.vcov.iter().flatten().copied().collect();
    // a = eta at the means minus the cost contribution.
    let mut g_a = row.clone();
    g_a[j] = 0.0;
    let a: f64 = g_a.iter().zip(&beta).map(|(x, b)| x * b).sum();
    if beta.iter().all(|v| v.is_finite()) && b != 0.0 {
        let threshold = -a / b;
        // gradient of -a/b: d/d beta_k = -g_a[k]/b for k != j; d/d b = a/b^2.
        let mut grad: Vec<f64> = g_a.iter().map(|x| -x / b).collect();
        grad[j] = a / (b * b);
        let var_t = crate::models::linalg::quad_form(&vcov, p, &grad, &grad);
        let se_t = var_t.max(0.0).sqrt();
        result.numbers.push(Number {
            name: "threshold_p50".into(),
            label: format!("{var} at which the predicted probability of joining is 0.5"),
            value: threshold,
            low: Some(threshold - q * se_t),
            high: Some(threshold + q * se_t),
            note: "delta-method interval; other variables at their means or reference levels"
                .into(),
        });
    }
    // Curve with a pointwise band (FLIC intercept for Firth fits).
    let mut beta_pred = beta.clone();
    if let (Some(a0), true) = (fit.flic_intercept, design.intercept) {
        beta_pred[0] = a0;
    }
    let lo = xs.iter().cloned().fold(f64::INFINITY, f64::min).min(0.0);
    let hi = xs
        .iter()
        .cloned()
        .fold(f64::NEG_INFINITY, f64::max)
        .max(1.0);
    let mut curve = Vec::new();
    if beta_pred.iter().all(|v| v.is_finite()) {
        for k in 0..=100 {
            let x = lo + (hi - lo) * k as f64 / 100.0;
            let mut r = row.clone();
            r[j] = x;
            let pr = crate::models::effects::predict_row(&r, &beta_pred, &vcov, level, "");
            curve.push(vec![x, pr.probability, pr.conf_low, pr.conf_high]);
        }
        for (name, at) in [("p_soft_end", lo), ("p_hard_end", hi)] {
            let mut r = row.clone();
            r[j] = at;
            let pr = crate::models::effects::predict_row(&r, &beta_pred, &vcov, level, "");
            result.numbers.push(Number {
                name: name.into(),
                label: format!("Predicted probability of joining at {var} = {at:.2}"),
                value: pr.probability,
                low: Some(pr.conf_low),
                high: Some(pr.conf_high),
                note: "delta method on the logit scale".into(),
            });
        }
    }
    result.series.insert("curve".into(), curve);
    Ok(())
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
    let a = exact::proportion(k1, n1, level)?;
    let b = exact::proportion(k2, n2, level)?;
    let d = a.estimate - b.estimate;
    let low =
        d - ((a.estimate - a.wilson_low).powi(2) + (b.wilson_high - b.estimate).powi(2)).sqrt();
    let high =
        d + ((a.wilson_high - a.estimate).powi(2) + (b.estimate - b.wilson_low).powi(2)).sqrt();
    Ok((d, low, high))
}

fn run_participation(ctx: &Context, file: &Path, spec: &Spec) -> Result<AnalysisResult> {
    let ps = spec.participation.as_ref().expect("checked");
    let (records, sample_notes) = sample_with_notes(ctx, file, spec)?;
    let level = 1.0 - ps.alpha;
    // The sample holds only instruments whose outcome is known.
    let outcome = |r: &TreatyRecord| -> u8 {
        if ps.outcome == "bound" {
            r.bound.unwrap_or(0)
        } else {
            r.joined.unwrap_or(0)
        }
    };
    let mut result = base_result(file, spec, records.len());
    result.notes.extend(sample_notes);
    let groups: Vec<(&str, &str, Vec<&TreatyRecord>)> = vec![
        (
            "soft_law",
            "Soft-law benchmark (declarations and resolutions)",
            records.iter().filter(|r| r.soft_law == 1).collect(),
        ),
        ("all", "Full universe", records.iter().collect()),
        (
            "treaties",
            "All treaties",
            records.iter().filter(|r| r.soft_law == 0).collect(),
        ),
        (
            "hard_end",
            "Hard-law end (sovereignty cost above the threshold)",
            records
                .iter()
                .filter(|r| r.soft_law == 0 && r.sovereignty_cost > ps.hard_threshold)
                .collect(),
        ),
    ];
    let mut rows = Vec::new();
    let mut counts = BTreeMap::new();
    for (name, label, g) in &groups {
        let k = g.iter().filter(|r| outcome(r) == 1).count() as u64;
        let n = g.len() as u64;
        counts.insert(*name, (k, n));
        if n == 0 {
            continue;
        }
        let p = exact::proportion(k, n, level)?;
        rows.push(vec![
            label.to_string(),
            n.to_string(),
            k.to_string(),
            format!("{:.3}", p.estimate),
            format!(
                "[{:.3}, {:.3}]",
                p.clopper_pearson_low, p.clopper_pearson_high
            ),
        ]);
        result.numbers.push(Number {
            name: format!("rate_{name}"),
            label: format!("Participation rate: {label}"),
            value: p.estimate,
            low: Some(p.clopper_pearson_low),
            high: Some(p.clopper_pearson_high),
            note: format!("{k} of {n}; Clopper-Pearson interval"),
        });
        result.series.entry("rates".into()).or_default().push(vec![
            p.estimate,
            p.clopper_pearson_low,
            p.clopper_pearson_high,
            n as f64,
        ]);
        result
            .labels
            .entry("rates".into())
            .or_default()
            .push(label.to_string());
    }
    result.tables.push(TableOut {
        name: "participation".into(),
        caption: format!(
            "China's participation ({}) by part of the universe, {:.0} % exact intervals",
            ps.outcome,
            level * 100.0
        ),
        header: vec![
            "Instruments".into(),
            "N".into(),
            "Joined".into(),
            "Rate".into(),
            "Interval".into(),
        ],
        rows,
    });
    // The soft-law study's estimate minus the hard-law end's.
    let (ks, ns) = counts["soft_law"];
    let (kh, nh) = counts["hard_end"];
    let mut checks = Vec::new();
    if ns > 0 && nh > 0 {
        let (d, lo, hi) = newcombe_difference(ks, ns, kh, nh, level)?;
        result.numbers.push(Number {
            name: "overstatement".into(),
            label: "Soft-law participation rate minus hard-law-end rate".into(),
            value: d,
            low: Some(lo),
            high: Some(hi),
            note: "Newcombe hybrid score interval".into(),
        });
        // Significance at alpha: the interval excludes 0.
        let outcome = if lo > 0.0 {
            "supported"
        } else if d < 0.0 {
            "not supported"
        } else {
            "inconclusive"
        };
        checks.push(Check {
            model: "rates".into(),
            term: "soft minus hard".into(),
            direction: "positive".into(),
            alpha: ps.alpha,
            estimate: d,
            conf_low: Some(lo),
            conf_high: Some(hi),
            p_value: f64::NAN,
            p_value_method: "Newcombe interval".into(),
            outcome: outcome.into(),
        });
    }
    // Instruments joined per year since from_year ("pro-social change").
    let cutoff_year: i32 = spec.sample.cutoff[..4].parse().unwrap_or(2025);
    let mut cum = Vec::new();
    let mut total = 0usize;
    let mut soft_total = 0usize;
    let mut hard_total = 0usize;
    for year in ps.from_year..=cutoff_year {
        for r in records
            .iter()
            .filter(|r| outcome(r) == 1 && r.join_year == Some(year))
        {
            total += 1;
            if r.soft_law == 1 {
                soft_total += 1;
            }
            if r.soft_law == 0 && r.sovereignty_cost > ps.hard_threshold {
                hard_total += 1;
            }
        }
        cum.push(vec![
            year as f64,
            total as f64,
            soft_total as f64,
            hard_total as f64,
        ]);
    }
    result.numbers.push(Number {
        name: "joined_since_from_year".into(),
        label: format!(
            "Instruments China joined from {} to the cutoff",
            ps.from_year
        ),
        value: total as f64,
        low: None,
        high: None,
        note: format!("{soft_total} soft-law, {hard_total} at the hard-law end"),
    });
    result.series.insert("cumulative".into(), cum);
    // Timeline of China's (PRC) actions on the instruments of the sample:
    // [year + day fraction, instrument's sovereignty cost, 1 if a
    // reservation or declaration, else 0].
    let mut timeline = Vec::new();
    let mut names = Vec::new();
    let acts = &ctx.data.actions;
    for a in &acts.rows {
        let g = |c: &str| acts.get(a, c);
        if g("actor") != "PRC"
            || g("date").len() != 10
            || (!spec.sample.include_unverified && g("verified") != "yes")
        {
            continue;
        }
        let Some(r) = records.iter().find(|r| r.treaty_id == g("treaty_id")) else {
            continue;
        };
        let kind = g("action");
        let reservation = matches!(kind, "reservation" | "declaration");
        let joins = match (
            crate::outcome::ActionKind::parse(kind),
            crate::outcome::InstrumentKind::parse(&r.kind),
        ) {
            (Some(a), Some(k)) => matches!(
                a.role(k),
                crate::outcome::Role::Signature
                    | crate::outcome::Role::Consent
                    | crate::outcome::Role::Support
            ),
            _ => false,
        };
        if !reservation && !joins {
            continue;
        }
        let (y, m, d) = crate::dataset::parse_partial_date(g("date")).unwrap_or((0, 1, 1));
        timeline.push(vec![
            y as f64 + ((m - 1) as f64 * 30.5 + d as f64) / 366.0,
            r.sovereignty_cost,
            f64::from(u8::from(reservation)),
        ]);
        names.push(r.short_name.clone());
    }
    result.series.insert("timeline".into(), timeline);
    result.labels.insert("timeline".into(), names);
    let outcomes: Vec<&str> = checks.iter().map(|c| c.outcome.as_str()).collect();
    result.verdict = combine(&outcomes).to_string();
    result.verdict_reason = reason_from_checks(&checks);
    result.checks = checks;
    Ok(result)
}

fn run_seed(ctx: &Context, file: &Path, spec: &Spec) -> Result<AnalysisResult> {
    let mut result = base_result(file, spec, 0);
    let level = 1.0 - spec.hypothesis.first().map(|h| h.alpha).unwrap_or(0.05);
    let alpha = 1.0 - level;
    // The Rome Statute vote: China's vote and the recorded tally.
    let votes_path = ctx.data.dir.join("votes.csv");
    let votes = crate::dataset::RawTable::read_file(&votes_path)?;
    let mut rows = Vec::new();
    for r in &votes.rows {
        let g = |c: &str| votes.get(r, c).to_string();
        let china = ctx
            .data
            .actions
            .rows
            .iter()
            .find(|a| {
                ctx.data.actions.get(a, "treaty_id") == g("treaty_id")
                    && ["vote_yes", "vote_no", "abstention", "consensus_adoption"]
                        .contains(&ctx.data.actions.get(a, "action"))
            })
            .map(|a| ctx.data.actions.get(a, "action").replace('_', " "))
            .unwrap_or_else(|| "not recorded".into());
        rows.push(vec![
            g("treaty_id"),
            g("date"),
            g("yes"),
            g("no"),
            g("abstentions"),
            g("recorded"),
            china,
        ]);
        if g("treaty_id") == "rome_statute" {
            for (k, c) in ["yes", "no", "abstentions"].iter().enumerate() {
                result.numbers.push(Number {
                    name: format!("rome_{c}"),
                    label: format!("Rome Statute adoption vote: {c}"),
                    value: g(c).parse().unwrap_or(f64::NAN),
                    low: None,
                    high: None,
                    note: if k == 0 {
                        format!("source: {}", g("source_ids"))
                    } else {
                        String::new()
                    },
                });
            }
        }
    }
    result.tables.push(TableOut {
        name: "votes".into(),
        caption: "Adoption votes and China's position".into(),
        header: vec![
            "Instrument".into(),
            "Date".into(),
            "Yes".into(),
            "No".into(),
            "Abstentions".into(),
            "Recorded vote".into(),
            "China".into(),
        ],
        rows,
    });
    // Jiang Zemin's human-rights articles: framing by audience.
    let jiang = crate::dataset::RawTable::read_file(&ctx.data.dir.join("jiang_discourse.csv"))?;
    let count = |framing: &str, audience: &str| -> u64 {
        jiang
            .rows
            .iter()
            .find(|r| jiang.get(r, "framing") == framing && jiang.get(r, "audience") == audience)
            .and_then(|r| jiang.get(r, "articles").parse().ok())
            .unwrap_or(0)
    };
    let (a, b) = (
        count("instrumental", "domestic"),
        count("instrumental", "international"),
    );
    let (c, d) = (
        count("not_instrumental", "domestic"),
        count("not_instrumental", "international"),
    );
    let total = a + b + c + d;
    result.n = total as usize;
    let fisher = exact::fisher(a, b, c, d, level)?;
    let prop = exact::proportion(a + b, total, level)?;
    result.numbers.push(Number {
        name: "instrumental_share".into(),
        label: "Share of Jiang Zemin's human-rights articles that treat human rights as a tool of hostile forces".into(),
        value: prop.estimate,
        low: Some(prop.clopper_pearson_low),
        high: Some(prop.clopper_pearson_high),
        note: format!("{} of {total}; Clopper-Pearson interval", a + b),
    });
    result.numbers.push(Number {
        name: "framing_audience_odds_ratio".into(),
        label: "Odds ratio, instrumental framing × domestic audience (conditional MLE)".into(),
        value: fisher.odds_ratio,
        low: Some(fisher.conf_low),
        high: Some(fisher.conf_high),
        note: format!("Fisher's exact test p = {:.4}", fisher.p_value),
    });
    result.tables.push(TableOut {
        name: "jiang".into(),
        caption:
            "Jiang Zemin's 26 human-rights articles (1989-2000), as reported in the seed paper"
                .into(),
        header: vec![
            "Framing".into(),
            "Domestic audience".into(),
            "International audience".into(),
        ],
        rows: vec![
            vec![
                "Instrumental (a tool of hostile forces)".into(),
                a.to_string(),
                b.to_string(),
            ],
            vec!["Not instrumental".into(), c.to_string(), d.to_string()],
        ],
    });
    let share_outcome = if prop.clopper_pearson_low > 0.5 {
        "supported"
    } else if prop.estimate < 0.5 {
        "not supported"
    } else {
        "inconclusive"
    };
    let fisher_outcome = judge("positive", fisher.odds_ratio.ln(), fisher.p_value, alpha);
    result.checks = vec![
        Check {
            model: "Jiang articles".into(),
            term: "instrumental share above one half".into(),
            direction: "positive".into(),
            alpha,
            estimate: prop.estimate,
            conf_low: Some(prop.clopper_pearson_low),
            conf_high: Some(prop.clopper_pearson_high),
            p_value: prop.binomial_p_value,
            p_value_method: "exact binomial".into(),
            outcome: share_outcome.into(),
        },
        Check {
            model: "Jiang articles".into(),
            term: "instrumental framing with domestic audiences".into(),
            direction: "positive".into(),
            alpha,
            estimate: fisher.odds_ratio,
            conf_low: Some(fisher.conf_low),
            conf_high: Some(fisher.conf_high),
            p_value: fisher.p_value,
            p_value_method: "Fisher exact".into(),
            outcome: fisher_outcome.into(),
        },
    ];
    let outcomes: Vec<&str> = result.checks.iter().map(|c| c.outcome.as_str()).collect();
    result.verdict = combine(&outcomes).to_string();
    result.verdict_reason = reason_from_checks(&result.checks);
    Ok(result)
}

fn run_robustness(ctx: &Context, file: &Path, spec: &Spec) -> Result<AnalysisResult> {
    let rs = spec.robustness.as_ref().expect("checked");
    let (base_file, base) = ctx
        .specs
        .iter()
        .find(|(_, s)| s.name == rs.analysis)
        .ok_or_else(|| {
            Error::input(
                Location::file(file).column("robustness.analysis"),
                format!("no analysis named '{}'", rs.analysis),
            )
        })?;
    let m = base.model.as_ref().ok_or_else(|| {
        Error::input(
            Location::file(file).column("robustness.analysis"),
            format!("'{}' has no model", rs.analysis),
        )
    })?;
    let h = base.hypothesis.first().ok_or_else(|| {
        Error::input(
            Location::file(file).column("robustness.analysis"),
            format!("'{}' has no hypothesis", rs.analysis),
        )
    })?;
    let level = 1.0 - h.alpha;
    let (records, sample_notes) = sample_with_notes(ctx, base_file, base)?;
    let mut result = base_result(file, spec, records.len());
    result.notes.extend(sample_notes);
    let mut rows = Vec::new();
    let mut outcomes = Vec::new();
    let add = |label: String,
               fit: &FitResult,
               term: &str,
               rows: &mut Vec<Vec<String>>,
               outcomes: &mut Vec<String>| {
        if let Some(c) = fit.coefficients.iter().find(|c| c.term == term) {
            let o = judge(&h.direction, c.estimate, c.p_value, h.alpha);
            rows.push(vec![
                label,
                fit.method.clone(),
                format!("{:.3}", c.estimate),
                format!("{:.4}", c.p_value),
                fit.p_value_method.replace('_', " "),
                o.to_string(),
            ]);
            outcomes.push(o.to_string());
        }
    };
    // Estimators.
    let table = panel::treaty_table(&records)?;
    for method in ["ml", "firth"] {
        let f = fit_on(
            &table,
            base_file,
            "model.formula",
            &m.formula,
            method,
            &m.vcov,
            level,
            &[],
            ctx.seed,
        )?;
        add(
            format!("{} estimator", method.to_uppercase()),
            &f,
            &h.term,
            &mut rows,
            &mut outcomes,
        );
    }
    // Permutation p-value for the term.
    {
        let mut fs = FitSpec::new(&m.formula);
        fs.method = Method::parse(&m.method)?;
        fs.permutation = rs.permutations;
        fs.seed = rs.seed;
        let f = models::fit_table(&table, &fs)
            .map_err(|e| spec_error(base_file, "model.formula", e))?;
        if let (Some(pt), Some(c)) = (
            f.permutation.iter().find(|p| p.term == h.term),
            f.coefficients.iter().find(|c| c.term == h.term),
        ) {
            let o = judge(&h.direction, c.estimate, pt.p_value, h.alpha);
            rows.push(vec![
                format!(
                    "Permutation test ({} permutations, seed {})",
                    pt.replicates, pt.seed
                ),
                f.method.clone(),
                format!("{:.3}", c.estimate),
                format!("{:.4} ± {:.4}", pt.p_value, pt.monte_carlo_se),
                "permutation".into(),
                o.to_string(),
            ]);
            outcomes.push(o.to_string());
        }
    }
    // Alternative indices.
    for idx in &rs.indices {
        let formula = m.formula.replace(&h.term, idx);
        let f = fit_on(
            &table,
            base_file,
            "model.formula",
            &formula,
            &m.method,
            &m.vcov,
            level,
            &[],
            ctx.seed,
        )?;
        add(format!("Index: {idx}"), &f, idx, &mut rows, &mut outcomes);
    }
    // With unverified facts.
    {
        let mut s2 = base.clone();
        s2.sample.include_unverified = true;
        let rec2 = sample_records(ctx, base_file, &s2)?;
        let t2 = panel::treaty_table(&rec2)?;
        let f = fit_on(
            &t2,
            base_file,
            "model.formula",
            &m.formula,
            &m.method,
            &m.vcov,
            level,
            &[],
            ctx.seed,
        )?;
        add(
            format!("With unverified facts (N = {})", rec2.len()),
            &f,
            &h.term,
            &mut rows,
            &mut outcomes,
        );
    }
    // Leave one instrument out.
    let mut loo_flips = Vec::new();
    let mut loo_p = Vec::new();
    for (k, r) in records.iter().enumerate() {
        let sub: Vec<TreatyRecord> = records
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != k)
            .map(|(_, r)| r.clone())
            .collect();
        let t = panel::treaty_table(&sub)?;
        let Ok(f) = fit_on(
            &t,
            base_file,
            "model.formula",
            &m.formula,
            &m.method,
            &m.vcov,
            level,
            &[],
            ctx.seed,
        ) else {
            loo_flips.push(format!("{} (fit failed)", r.short_name));
            continue;
        };
        if let Some(c) = f.coefficients.iter().find(|c| c.term == h.term) {
            let o = judge(&h.direction, c.estimate, c.p_value, h.alpha);
            loo_p.push(vec![r.sovereignty_cost, c.estimate, c.p_value]);
            if Some(o) != outcomes.first().map(|s| s.as_str()) {
                loo_flips.push(format!("{} ({o})", r.short_name));
            }
        }
    }
    let max_p = loo_p.iter().map(|v| v[2]).fold(0.0, f64::max);
    rows.push(vec![
        format!("Leave one instrument out ({} fits)", records.len()),
        m.method.clone(),
        String::new(),
        format!("max {max_p:.4}"),
        String::new(),
        if loo_flips.is_empty() {
            "no instrument changes the verdict".into()
        } else {
            format!("changes the verdict: {}", loo_flips.join(", "))
        },
    ]);
    result.series.insert("leave_one_out".into(), loo_p);
    result.numbers.push(Number {
        name: "loo_max_p".into(),
        label: "Largest p-value when one instrument is left out".into(),
        value: max_p,
        low: None,
        high: None,
        note: if loo_flips.is_empty() {
            "no instrument changes the verdict".into()
        } else {
            format!("verdict changes without: {}", loo_flips.join(", "))
        },
    });
    result.tables.push(TableOut {
        name: "robustness".into(),
        caption: format!(
            "Robustness of {} ({} of {}, expected {})",
            rs.analysis, h.term, m.formula, h.direction
        ),
        header: vec![
            "Variant".into(),
            "Method".into(),
            "Estimate".into(),
            "p".into(),
            "Test".into(),
            "Outcome".into(),
        ],
        rows,
    });
    let main = outcomes.first().cloned().unwrap_or_default();
    let all_same = outcomes.iter().all(|o| *o == main) && loo_flips.is_empty();
    result.verdict = if all_same {
        main.clone()
    } else {
        "inconclusive".into()
    };
    result.verdict_reason = if all_same {
        format!("every variant gives '{main}'")
    } else {
        format!("the variants disagree: {}", outcomes.join(", "))
    };
    Ok(result)
}

fn run_simulation(file: &Path, spec: &Spec) -> Result<AnalysisResult> {
    let s = spec.simulation.as_ref().expect("checked");
    let mut result = base_result(file, spec, s.universes);
    // For each universe: draw instrument costs uniformly on [0, 1]; a weak
    // and a strong state join with P = logistic((tau - cost) / scale).
    let draws = crate::models::resampling::replicate(
        s.universes,
        s.seed,
        "simulation",
        |_, rng: &mut Rng| {
            let costs: Vec<f64> = (0..s.instruments).map(|_| rng.uniform()).collect();
            let mut out = Vec::new();
            for tau in [s.tau_weak, s.tau_strong] {
                let y: Vec<f64> = costs
                    .iter()
                    .map(|c| f64::from(u8::from(rng.uniform() < logistic((tau - c) / s.scale))))
                    .collect();
                let soft: Vec<usize> = (0..costs.len())
                    .filter(|&i| costs[i] < s.soft_threshold)
                    .collect();
                let soft_rate = soft.iter().map(|&i| y[i]).sum::<f64>() / soft.len().max(1) as f64;
                let soft_says_strong = soft_rate >= s.strong_rate;
                // Full universe: Firth logit of y on cost; estimated tau = -b0/b1.
                let x: Vec<f64> = costs.iter().flat_map(|&c| [1.0, c]).collect();
                let prob = crate::models::logit::Problem::new(&x, costs.len(), 2, &y);
                let tau_hat = crate::models::firth::fit(&prob, &[None, None], None)
                    .filter(|f| f.converged && f.beta[1] < 0.0)
                    .map(|f| -f.beta[0] / f.beta[1])
                    .unwrap_or(f64::INFINITY);
                let full_says_strong = tau_hat >= (s.tau_weak + s.tau_strong) / 2.0;
                out.push((soft_says_strong, full_says_strong, soft_rate, tau_hat));
            }
            out
        },
    );
    let u = s.universes as f64;
    let rate = |k: usize, strong: bool, which: usize| -> f64 {
        draws
            .iter()
            .filter(|d| {
                if which == 0 {
                    d[k].0 == strong
                } else {
                    d[k].1 == strong
                }
            })
            .count() as f64
            / u
    };
    let soft_wrong_weak = rate(0, true, 0);
    let full_wrong_weak = rate(0, true, 1);
    let soft_right_strong = rate(1, true, 0);
    let full_right_strong = rate(1, true, 1);
    let mc = |p: f64| (p * (1.0 - p) / u).sqrt();
    for (name, label, v) in [
        (
            "soft_misclassifies_weak",
            "Soft-law-only study calls the weakly socialized state strongly socialized",
            soft_wrong_weak,
        ),
        (
            "full_misclassifies_weak",
            "Full-universe logit calls the weakly socialized state strongly socialized",
            full_wrong_weak,
        ),
        (
            "soft_detects_strong",
            "Soft-law-only study calls the strongly socialized state strongly socialized",
            soft_right_strong,
        ),
        (
            "full_detects_strong",
            "Full-universe logit calls the strongly socialized state strongly socialized",
            full_right_strong,
        ),
    ] {
        result.numbers.push(Number {
            name: name.into(),
            label: label.into(),
            value: v,
            low: Some((v - 1.96 * mc(v)).max(0.0)),
            high: Some((v + 1.96 * mc(v)).min(1.0)),
            note: format!(
                "{} universes of {} instruments, seed {}; Monte Carlo interval",
                s.universes, s.instruments, s.seed
            ),
        });
    }
    result.tables.push(TableOut {
        name: "simulation".into(),
        caption: format!(
            "How often each study design calls a state strongly socialized ({} simulated universes; P(join) = logistic((τ - cost)/{}); weak τ = {}, strong τ = {})",
            s.universes, s.scale, s.tau_weak, s.tau_strong
        ),
        header: vec!["State".into(), "Soft-law-only study".into(), "Full-universe logit".into()],
        rows: vec![
            vec![format!("Weak (τ = {})", s.tau_weak), format!("{soft_wrong_weak:.3}"), format!("{full_wrong_weak:.3}")],
            vec![format!("Strong (τ = {})", s.tau_strong), format!("{soft_right_strong:.3}"), format!("{full_right_strong:.3}")],
        ],
    });
    result
        .series
        .insert("threshold".into(), vec![vec![s.strong_rate]]);
    result.series.insert(
        "soft_rates".into(),
        draws.iter().map(|d| vec![d[0].2, d[1].2]).collect(),
    );
    let diff = soft_wrong_weak - full_wrong_weak;
    let se = (mc(soft_wrong_weak).powi(2) + mc(full_wrong_weak).powi(2)).sqrt();
    let outcome = if diff - 1.96 * se > 0.0 {
        "supported"
    } else if diff < 0.0 {
        "not supported"
    } else {
        "inconclusive"
    };
    result.checks = vec![Check {
        model: "simulation".into(),
        term: "soft-law-only misclassification minus full-universe misclassification (weak state)"
            .into(),
        direction: "positive".into(),
        alpha: 0.05,
        estimate: diff,
        conf_low: Some(diff - 1.96 * se),
        conf_high: Some(diff + 1.96 * se),
        p_value: f64::NAN,
        p_value_method: "Monte Carlo interval".into(),
        outcome: outcome.into(),
    }];
    result.verdict = outcome.into();
    result.verdict_reason = reason_from_checks(&result.checks);
    Ok(result)
}

/// The main result (the hypothesis of the analysis the robustness spec
/// checks, or else of the first treaty-level logit) on three samples: as run,
/// without the least certain statuses (one source, or secondary sources
/// only), and with unverified facts counted. For the data-quality section.
pub fn main_result_variants(
    ctx: &Context,
) -> Result<Option<(String, String, Vec<crate::quality::Variant>)>> {
    let target = ctx
        .specs
        .iter()
        .find_map(|(_, s)| s.robustness.as_ref().map(|r| r.analysis.clone()));
    let found = ctx.specs.iter().find(|(_, s)| match &target {
        Some(name) => &s.name == name,
        None => s.kind == "logit" && s.sample.frame == "treaty",
    });
    let Some((file, spec)) = found else {
        return Ok(None);
    };
    let (Some(m), Some(h)) = (spec.model.as_ref(), spec.hypothesis.first()) else {
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
        let mut records = sample_records(ctx, file, s)?;
        if drop_least {
            records.retain(|r| !least.contains(&r.treaty_id));
        }
        let table = panel::treaty_table(&records)?;
        let fit = fit_on(
            &table,
            file,
            "model.formula",
            &m.formula,
            &m.method,
            &m.vcov,
            1.0 - h.alpha,
            &[],
            ctx.seed,
        );
        let (estimate, p_value, outcome) = match fit
            .ok()
            .and_then(|f| f.coefficients.into_iter().find(|c| c.term == h.term))
        {
            Some(c) => (
                c.estimate,
                c.p_value,
                judge(&h.direction, c.estimate, c.p_value, h.alpha).to_string(),
            ),
            None => (f64::NAN, f64::NAN, "not estimable".to_string()),
        };
        out.push(crate::quality::Variant {
            label: label.to_string(),
            n: records.len(),
            estimate,
            p_value,
            outcome,
        });
    }
    Ok(Some((spec.name.clone(), h.term.clone(), out)))
}
