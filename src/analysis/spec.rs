//! Analysis specifications (`analyses/*.toml`). A file is read into a raw
//! serde face ([`RawSpec`], the file's keys as written), then checked once
//! into a typed [`Spec`]: closed sets become enums, formulas are parsed, the
//! method and covariance are resolved, and every kind carries exactly the
//! sections it needs. Every mistake a user can make in a spec is reported
//! here, when the file is read (`sovcost list` shows it), with the file and
//! the key.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, Location, Result};
use crate::formula::Formula;
use crate::models::inference::VcovType;
use crate::models::Method;
use crate::results::{
    Direction, FigureName, FigureSize, Frame, InstrumentSelection, Kind, StateSelection,
};

// ---------------------------------------------------------------------------
// The raw face: the keys as a user writes them.

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSpec {
    #[serde(default)]
    name: String,
    title: String,
    question: String,
    kind: String,
    #[serde(default)]
    order: i32,
    #[serde(default)]
    sample: RawSample,
    model: Option<RawModel>,
    #[serde(default)]
    hypothesis: Vec<RawHypothesis>,
    participation: Option<RawParticipation>,
    simulation: Option<SimulationSpec>,
    robustness: Option<RobustnessSpec>,
    comparison: Option<RawComparison>,
    signed_only: Option<RawSignedOnly>,
    #[serde(default)]
    outputs: RawOutputs,
}

/// `[signed_only]` of a signed_only analysis.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSignedOnly {
    hard_threshold: f64,
    #[serde(default = "default_alpha")]
    alpha: f64,
}

/// `[comparison]` of the comparative kinds (pooled, state_slopes,
/// state_gaps); each kind takes the keys it uses.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawComparison {
    min_states: Option<usize>,
    outcome: Option<String>,
    cost_variable: Option<String>,
    method: Option<String>,
    hard_threshold: Option<f64>,
    alpha: Option<f64>,
    bootstrap: Option<usize>,
    seed: Option<u64>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSample {
    frame: Option<String>,
    cutoff: Option<String>,
    #[serde(default)]
    include_unverified: bool,
    #[serde(default, rename = "where")]
    filter: BTreeMap<String, toml::Value>,
    states: Option<String>,
    instruments: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawModel {
    formula: String,
    method: Option<String>,
    vcov: Option<String>,
    #[serde(default)]
    alternatives: Vec<RawAlternative>,
    #[serde(default)]
    predict: Vec<String>,
    #[serde(default)]
    cost_variable: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAlternative {
    label: String,
    formula: String,
    method: Option<String>,
    vcov: Option<String>,
    #[serde(default, rename = "where")]
    filter: BTreeMap<String, toml::Value>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHypothesis {
    term: String,
    direction: String,
    #[serde(default = "default_alpha")]
    alpha: f64,
    #[serde(default)]
    model: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawParticipation {
    #[serde(default = "default_outcome")]
    outcome: String,
    hard_threshold: f64,
    #[serde(default = "default_from_year")]
    from_year: i32,
    #[serde(default = "default_alpha")]
    alpha: f64,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOutputs {
    tables: Option<Vec<String>>,
    figures: Option<Vec<String>>,
    /// `figure = { width_in = 7.0, height_in = 3.0 }`, read by
    /// `Checker::figure_sizes`.
    #[serde(default)]
    figure_size: BTreeMap<String, toml::Value>,
}

fn default_alpha() -> f64 {
    0.05
}
fn default_outcome() -> String {
    "joined".into()
}
fn default_from_year() -> i32 {
    1978
}
fn default_seed() -> u64 {
    20141010
}
fn default_permutations() -> usize {
    999
}

/// The cutoff when a spec gives none.
pub const DEFAULT_CUTOFF: &str = "2025-12-31";

// ---------------------------------------------------------------------------
// The typed spec.

/// One analysis, checked.
#[derive(Debug, Clone)]
pub struct Spec {
    /// Short id (defaults to the file name).
    pub name: String,
    pub title: String,
    /// The question in one sentence, for the report.
    pub question: String,
    /// Order in reports (smaller first).
    pub order: i32,
    pub sample: Sample,
    pub hypotheses: Vec<Hypothesis>,
    pub body: Body,
    pub outputs: Outputs,
}

/// What each kind of analysis needs, and only that.
#[derive(Debug, Clone)]
pub enum Body {
    Logit(Model),
    OptOut(Model),
    Participation(ParticipationSpec),
    SeedReplication,
    Robustness(RobustnessSpec),
    Simulation(SimulationSpec),
    /// A pooled logit on a state frame.
    Pooled(Model, Comparison),
    /// Each state's slope, and the pooled model with China x cost.
    StateSlopes(Model, SlopesSpec),
    StateGaps(GapsSpec),
    /// An ordered logit of the depth of commitment.
    Depth(Model),
    SignedOnly(SignedOnlySpec),
    StateSignedOnly(StateSignedOnlySpec),
}

/// `[signed_only]` of a signed_only analysis.
#[derive(Debug, Clone)]
pub struct SignedOnlySpec {
    /// Instruments above this sovereignty cost are high-cost (the
    /// participation kind's `hard_threshold`), the others low-cost.
    pub hard_threshold: f64,
    pub alpha: f64,
}

/// `[comparison]` of a state_signed_only analysis.
#[derive(Debug, Clone)]
pub struct StateSignedOnlySpec {
    pub comparison: Comparison,
    pub hard_threshold: f64,
    pub alpha: f64,
    /// Bootstrap replicates over instruments for China's rate minus the
    /// peers' pooled rate.
    pub bootstrap: usize,
    pub seed: u64,
}

/// The fewest states with a known outcome a comparative analysis needs
/// when its file gives no `min_states`.
pub const DEFAULT_MIN_STATES: usize = 5;

/// What every comparative analysis has.
#[derive(Debug, Clone)]
pub struct Comparison {
    /// Not estimable with fewer states holding a known outcome.
    pub min_states: usize,
}

/// `[comparison]` of a state_slopes analysis.
#[derive(Debug, Clone)]
pub struct SlopesSpec {
    pub comparison: Comparison,
    /// The outcome each state's model explains.
    pub outcome: Outcome,
    pub cost_variable: String,
    /// Estimator of each state's model (auto: Firth when separated).
    pub method: Method,
}

/// `[comparison]` of a state_gaps analysis.
#[derive(Debug, Clone)]
pub struct GapsSpec {
    pub comparison: Comparison,
    pub outcome: Outcome,
    /// Instruments above this sovereignty cost form the hard-law end (as
    /// the participation kind's `hard_threshold`).
    pub hard_threshold: f64,
    pub alpha: f64,
    /// Bootstrap replicates over instruments for China's gap minus the
    /// peers' mean gap.
    pub bootstrap: usize,
    pub seed: u64,
}

impl Spec {
    pub fn kind(&self) -> Kind {
        match self.body {
            Body::Logit(_) => Kind::Logit,
            Body::OptOut(_) => Kind::OptOut,
            Body::Participation(_) => Kind::Participation,
            Body::SeedReplication => Kind::SeedReplication,
            Body::Robustness(_) => Kind::Robustness,
            Body::Simulation(_) => Kind::Simulation,
            Body::Pooled(..) => Kind::Pooled,
            Body::StateSlopes(..) => Kind::StateSlopes,
            Body::StateGaps(_) => Kind::StateGaps,
            Body::Depth(_) => Kind::Depth,
            Body::SignedOnly(_) => Kind::SignedOnly,
            Body::StateSignedOnly(_) => Kind::StateSignedOnly,
        }
    }
    /// The model of a comparative analysis (pooled, state_slopes).
    pub fn comparative_model(&self) -> Option<&Model> {
        match &self.body {
            Body::Pooled(m, _) | Body::StateSlopes(m, _) => Some(m),
            _ => None,
        }
    }
    /// The model of a logit or opt-out analysis.
    pub fn model(&self) -> Option<&Model> {
        match &self.body {
            Body::Logit(m) | Body::OptOut(m) => Some(m),
            _ => None,
        }
    }
    /// The first hypothesis's significance level (0.05 without one).
    pub fn alpha(&self) -> f64 {
        self.hypotheses.first().map(|h| h.alpha).unwrap_or(0.05)
    }
    /// The interval level: one minus the first hypothesis's alpha.
    pub fn level(&self) -> f64 {
        1.0 - self.alpha()
    }
}

/// Which rows an analysis uses.
#[derive(Debug, Clone)]
pub struct Sample {
    pub frame: Frame,
    /// YYYY-MM-DD.
    pub cutoff: String,
    pub include_unverified: bool,
    /// Keep only rows where each column equals the value.
    pub filter: Filter,
    /// The states of a state frame (`all` for the others).
    pub states: StateSelection,
    /// The instruments of a state frame (`all` for the others).
    pub instruments: InstrumentSelection,
}

/// The instrument columns a sample can be filtered on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum FilterColumn {
    Kind,
    IssueArea,
    SoftLaw,
    HardLaw,
    CoreSovereignty,
}

impl FilterColumn {
    fn parse(s: &str) -> Option<FilterColumn> {
        Some(match s {
            "kind" => FilterColumn::Kind,
            "issue_area" => FilterColumn::IssueArea,
            "soft_law" => FilterColumn::SoftLaw,
            "hard_law" => FilterColumn::HardLaw,
            "core_sovereignty" => FilterColumn::CoreSovereignty,
            _ => return None,
        })
    }
}

/// `[sample.where]`: every condition must hold (values compared as text; a
/// boolean is 1 or 0).
#[derive(Debug, Clone, Default)]
pub struct Filter(pub Vec<(FilterColumn, String)>);

impl Filter {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// A model: the main fit of a logit or opt-out analysis.
#[derive(Debug, Clone)]
pub struct Model {
    pub fit: ModelFit,
    /// Further models fitted on the same sample and shown beside it.
    pub alternatives: Vec<Alternative>,
    /// Predicted probabilities at these values ("name=value,...").
    pub predict: Vec<String>,
    /// Report the odds ratio per standard deviation of this variable, the
    /// value at which the predicted probability is 0.5 and the curve.
    pub cost_variable: Option<String>,
}

/// A formula with its estimator and covariance.
#[derive(Debug, Clone)]
pub struct ModelFit {
    pub formula: Formula,
    pub method: Method,
    pub vcov: VcovType,
}

impl ModelFit {
    pub fn formula_text(&self) -> String {
        self.formula.to_string()
    }
}

#[derive(Debug, Clone)]
pub struct Alternative {
    pub label: String,
    pub fit: ModelFit,
    /// Fit on a subsample: filters applied on top of the analysis's sample.
    pub filter: Filter,
}

#[derive(Debug, Clone)]
pub struct Hypothesis {
    /// The coefficient tested (as the fit names it).
    pub term: String,
    pub direction: Direction,
    pub alpha: f64,
    /// Which model: `None` for the main one, else an alternative's label.
    pub model: Option<String>,
}

/// The outcome a participation analysis counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Signed or consented (declarations: supported).
    Joined,
    /// Consented to be bound.
    Bound,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Joined => "joined",
            Outcome::Bound => "bound",
        }
    }
}

#[derive(Debug, Clone)]
pub struct ParticipationSpec {
    pub outcome: Outcome,
    /// Instruments above this sovereignty cost form the hard-law end.
    pub hard_threshold: f64,
    /// First year of the count of instruments joined ("pro-social change").
    pub from_year: i32,
    pub alpha: f64,
}

#[derive(Debug, Clone, Deserialize)]
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

#[derive(Debug, Clone, Deserialize)]
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

/// What an analysis writes. A table or figure not listed is not produced.
/// Without a `tables` key every table of the kind is written; without a
/// `figures` key no figure is drawn (figure files are named by figure, so
/// two analyses may not draw the same one). `[outputs.figure_size]` sets the
/// size at print of listed figures; the others keep their default.
#[derive(Debug, Clone)]
pub struct Outputs {
    pub tables: Vec<&'static str>,
    pub figures: Vec<FigureName>,
    /// The size of every listed figure.
    pub sizes: BTreeMap<FigureName, FigureSize>,
}

impl Outputs {
    pub fn table(&self, name: &str) -> bool {
        self.tables.contains(&name)
    }
    pub fn figure(&self, name: FigureName) -> bool {
        self.figures.contains(&name)
    }
}

/// The tables each kind can write.
pub fn tables_of(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Logit => &["models"],
        Kind::OptOut => &["models", "opt_outs", "opt_out_detail"],
        Kind::Participation => &["participation"],
        Kind::SeedReplication => &["votes", "jiang"],
        Kind::Robustness => &["robustness"],
        Kind::Simulation => &["simulation"],
        Kind::Pooled => &["models"],
        Kind::StateSlopes => &["models", "slopes"],
        Kind::StateGaps => &["gaps"],
        Kind::Depth => &["models", "levels"],
        Kind::SignedOnly => &["signed_only"],
        Kind::StateSignedOnly => &["state_signed_only"],
    }
}

/// The figures each kind can draw.
pub fn figures_of(kind: Kind) -> &'static [FigureName] {
    match kind {
        Kind::Logit => &[FigureName::ProbabilityCurve, FigureName::Coefficients],
        Kind::OptOut => &[FigureName::OptOuts, FigureName::Coefficients],
        Kind::Participation => &[FigureName::ParticipationByCost, FigureName::Timeline],
        Kind::SeedReplication | Kind::Robustness => &[],
        Kind::Simulation => &[FigureName::Simulation],
        Kind::Pooled | Kind::StateGaps => &[],
        Kind::StateSlopes => &[FigureName::StateSlopes],
        Kind::Depth => &[FigureName::DepthProbabilities],
        Kind::SignedOnly | Kind::StateSignedOnly => &[],
    }
}

// ---------------------------------------------------------------------------
// Reading

/// Reads one spec, with errors naming the file and the key.
pub fn read_spec(path: &Path) -> Result<Spec> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::input(Location::file(path), format!("cannot read file: {e}")))?;
    let raw: RawSpec = toml::from_str(&text).map_err(|e| {
        Error::input(
            Location::file(path),
            format!("not a valid analysis file: {}", e.to_string().trim()),
        )
    })?;
    Checker { path }.spec(raw)
}

/// Every `*.toml` in the directory, sorted by (order, name), with the checks
/// that span files: a robustness analysis names an analysis with a model and
/// a hypothesis, and no two analyses draw the same figure.
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
    check_across(&specs)?;
    Ok(specs)
}

fn check_across(specs: &[(PathBuf, Spec)]) -> Result<()> {
    let mut drawn: BTreeMap<FigureName, &Path> = BTreeMap::new();
    for (path, spec) in specs {
        for f in &spec.outputs.figures {
            if let Some(other) = drawn.insert(*f, path) {
                return Err(Error::input(
                    Location::file(path).column("outputs.figures"),
                    format!(
                        "figure '{}' is also drawn by {} (figure files are named by figure)",
                        f.as_str(),
                        other.display()
                    ),
                ));
            }
        }
        if let Body::Robustness(r) = &spec.body {
            let bad =
                |msg: String| Error::input(Location::file(path).column("robustness.analysis"), msg);
            let base = specs
                .iter()
                .find(|(_, s)| s.name == r.analysis)
                .ok_or_else(|| bad(format!("no analysis named '{}'", r.analysis)))?;
            if base.1.model().is_none() {
                return Err(bad(format!("'{}' has no model", r.analysis)));
            }
            if base.1.hypotheses.is_empty() {
                return Err(bad(format!("'{}' has no hypothesis", r.analysis)));
            }
        }
    }
    Ok(())
}

struct Checker<'a> {
    path: &'a Path,
}

impl Checker<'_> {
    fn bad(&self, key: &str, msg: impl Into<String>) -> Error {
        Error::input(Location::file(self.path).column(key), msg)
    }

    fn spec(&self, raw: RawSpec) -> Result<Spec> {
        let name = if raw.name.is_empty() {
            self.path
                .file_stem()
                .map(|s| s.to_string_lossy().to_string())
                .unwrap_or_default()
        } else {
            raw.name.clone()
        };
        let kind = Kind::parse(&raw.kind).ok_or_else(|| {
            self.bad(
                "kind",
                format!("unknown kind '{}' (use {})", raw.kind, Kind::choices()),
            )
        })?;
        let sample = self.sample(&raw.sample)?;
        let hypotheses = raw
            .hypothesis
            .iter()
            .enumerate()
            .map(|(k, h)| self.hypothesis(k, h))
            .collect::<Result<Vec<_>>>()?;
        let model = raw.model.as_ref().map(|m| self.model(m)).transpose()?;
        let needs = |key: &str| self.bad(key, format!("kind '{kind}' needs a [{key}] table"));
        let body = match kind {
            Kind::Logit => Body::Logit(model.ok_or_else(|| needs("model"))?),
            Kind::OptOut => Body::OptOut(model.ok_or_else(|| needs("model"))?),
            Kind::Participation => Body::Participation(
                self.participation(
                    raw.participation
                        .as_ref()
                        .ok_or_else(|| needs("participation"))?,
                )?,
            ),
            Kind::SeedReplication => Body::SeedReplication,
            Kind::Robustness => {
                Body::Robustness(raw.robustness.ok_or_else(|| needs("robustness"))?)
            }
            Kind::Simulation => {
                Body::Simulation(raw.simulation.ok_or_else(|| needs("simulation"))?)
            }
            Kind::Pooled | Kind::StateSlopes | Kind::StateGaps | Kind::StateSignedOnly => {
                let c = raw.comparison.clone().unwrap_or_default();
                self.comparative(kind, model, &c)?
            }
            Kind::Depth => Body::Depth(model.ok_or_else(|| needs("model"))?),
            Kind::SignedOnly => Body::SignedOnly(
                self.signed_only(
                    raw.signed_only
                        .as_ref()
                        .ok_or_else(|| needs("signed_only"))?,
                )?,
            ),
        };
        self.frame_fits_kind(kind, sample.frame)?;
        let outputs = self.outputs(kind, &sample, &body, &raw.outputs)?;
        Ok(Spec {
            name,
            title: raw.title,
            question: raw.question,
            order: raw.order,
            sample,
            hypotheses,
            body,
            outputs,
        })
    }

    /// The state frames belong to the comparative kinds, and those kinds to
    /// them (the hazard is a pooled analysis on the state-year frame).
    fn frame_fits_kind(&self, kind: Kind, frame: Frame) -> Result<()> {
        let state_frame = matches!(frame, Frame::StateTreaty | Frame::StateTreatyYear);
        let ok = match kind {
            Kind::Pooled => state_frame,
            Kind::StateSlopes | Kind::StateGaps | Kind::StateSignedOnly => {
                frame == Frame::StateTreaty
            }
            Kind::Depth | Kind::SignedOnly => frame == Frame::Treaty,
            _ => !state_frame,
        };
        if ok {
            return Ok(());
        }
        let want = match kind {
            Kind::Pooled => "state_treaty or state_treaty_year",
            Kind::StateSlopes | Kind::StateGaps | Kind::StateSignedOnly => "state_treaty",
            Kind::Depth | Kind::SignedOnly => "treaty",
            _ => "treaty, provision or treaty_year",
        };
        Err(self.bad(
            "sample.frame",
            format!("kind '{kind}' takes the frame {want}, not '{frame}'"),
        ))
    }

    /// The body of a comparative kind; keys of `[comparison]` that the kind
    /// does not use are refused.
    fn comparative(&self, kind: Kind, model: Option<Model>, c: &RawComparison) -> Result<Body> {
        let comparison = Comparison {
            min_states: c.min_states.unwrap_or(DEFAULT_MIN_STATES).max(2),
        };
        let unused = |present: &[(&str, bool)]| -> Result<()> {
            match present.iter().find(|(_, p)| *p) {
                Some((key, _)) => Err(self.bad(
                    &format!("comparison.{key}"),
                    format!("kind '{kind}' does not use this key"),
                )),
                None => Ok(()),
            }
        };
        let needs_model = || {
            model
                .clone()
                .ok_or_else(|| self.bad("model", format!("kind '{kind}' needs a [model] table")))
        };
        let outcome = |o: &Option<String>| match o.as_deref().unwrap_or("joined") {
            "joined" => Ok(Outcome::Joined),
            "consented" => Ok(Outcome::Bound),
            other => Err(self.bad(
                "comparison.outcome",
                format!("unknown outcome '{other}' (use joined or consented)"),
            )),
        };
        let alpha = c.alpha.unwrap_or(0.05);
        if !(alpha > 0.0 && alpha < 1.0) {
            return Err(self.bad("comparison.alpha", "alpha must be between 0 and 1"));
        }
        Ok(match kind {
            Kind::Pooled => {
                unused(&[
                    ("outcome", c.outcome.is_some()),
                    ("cost_variable", c.cost_variable.is_some()),
                    ("method", c.method.is_some()),
                    ("hard_threshold", c.hard_threshold.is_some()),
                    ("alpha", c.alpha.is_some()),
                    ("bootstrap", c.bootstrap.is_some()),
                    ("seed", c.seed.is_some()),
                ])?;
                Body::Pooled(needs_model()?, comparison)
            }
            Kind::StateSlopes => {
                unused(&[
                    ("hard_threshold", c.hard_threshold.is_some()),
                    ("alpha", c.alpha.is_some()),
                    ("bootstrap", c.bootstrap.is_some()),
                    ("seed", c.seed.is_some()),
                ])?;
                Body::StateSlopes(
                    needs_model()?,
                    SlopesSpec {
                        comparison,
                        outcome: outcome(&c.outcome)?,
                        cost_variable: c
                            .cost_variable
                            .clone()
                            .unwrap_or_else(|| "sovereignty_cost".into()),
                        method: Method::parse(c.method.as_deref().unwrap_or("auto"))
                            .map_err(|e| self.bad("comparison.method", e.to_string()))?,
                    },
                )
            }
            Kind::StateSignedOnly => {
                unused(&[
                    ("outcome", c.outcome.is_some()),
                    ("cost_variable", c.cost_variable.is_some()),
                    ("method", c.method.is_some()),
                ])?;
                Body::StateSignedOnly(StateSignedOnlySpec {
                    comparison,
                    hard_threshold: c.hard_threshold.ok_or_else(|| {
                        self.bad("comparison.hard_threshold", "kind 'state_signed_only' needs a hard_threshold (the high-cost end, as the participation kind's)")
                    })?,
                    alpha,
                    bootstrap: c.bootstrap.unwrap_or(999).max(1),
                    seed: c.seed.unwrap_or_else(default_seed),
                })
            }
            _ => {
                unused(&[
                    ("cost_variable", c.cost_variable.is_some()),
                    ("method", c.method.is_some()),
                ])?;
                Body::StateGaps(GapsSpec {
                    comparison,
                    outcome: outcome(&c.outcome)?,
                    hard_threshold: c.hard_threshold.ok_or_else(|| {
                        self.bad("comparison.hard_threshold", "kind 'state_gaps' needs a hard_threshold (the hard-law end, as the participation kind's)")
                    })?,
                    alpha,
                    bootstrap: c.bootstrap.unwrap_or(999),
                    seed: c.seed.unwrap_or_else(default_seed),
                })
            }
        })
    }

    fn sample(&self, raw: &RawSample) -> Result<Sample> {
        let frame = match &raw.frame {
            None => Frame::Treaty,
            Some(f) => Frame::parse(f).ok_or_else(|| {
                self.bad(
                    "sample.frame",
                    format!("unknown frame '{f}' (use {})", Frame::choices()),
                )
            })?,
        };
        let cutoff = raw.cutoff.clone().unwrap_or_else(|| DEFAULT_CUTOFF.into());
        if crate::dataset::check_dated(&cutoff, "day").is_err() {
            return Err(self.bad(
                "sample.cutoff",
                format!("'{cutoff}' is not a date (YYYY-MM-DD)"),
            ));
        }
        let state_frame = matches!(frame, Frame::StateTreaty | Frame::StateTreatyYear);
        if !state_frame && (raw.states.is_some() || raw.instruments.is_some()) {
            return Err(self.bad(
                "sample.states",
                format!("states and instruments select the rows of a state frame (state_treaty or state_treaty_year), not of the frame '{frame}'"),
            ));
        }
        let states = match &raw.states {
            None => StateSelection::All,
            Some(s) => StateSelection::parse(s).ok_or_else(|| {
                self.bad(
                    "sample.states",
                    format!("unknown states '{s}' (use {})", StateSelection::choices()),
                )
            })?,
        };
        let instruments = match &raw.instruments {
            None => InstrumentSelection::All,
            Some(s) => InstrumentSelection::parse(s).ok_or_else(|| {
                self.bad(
                    "sample.instruments",
                    format!(
                        "unknown instruments '{s}' (use {})",
                        InstrumentSelection::choices()
                    ),
                )
            })?,
        };
        Ok(Sample {
            frame,
            cutoff,
            include_unverified: raw.include_unverified,
            filter: self.filter("sample.where", &raw.filter)?,
            states,
            instruments,
        })
    }

    fn filter(&self, key: &str, raw: &BTreeMap<String, toml::Value>) -> Result<Filter> {
        let mut out = Vec::new();
        for (k, v) in raw {
            let column = FilterColumn::parse(k).ok_or_else(|| {
                self.bad(
                    key,
                    format!("unknown column '{k}' (filter on kind, issue_area, soft_law, hard_law or core_sovereignty)"),
                )
            })?;
            let want = match v {
                toml::Value::String(s) => s.clone(),
                toml::Value::Integer(i) => i.to_string(),
                toml::Value::Boolean(b) => u8::from(*b).to_string(),
                other => other.to_string(),
            };
            out.push((column, want));
        }
        Ok(Filter(out))
    }

    fn hypothesis(&self, k: usize, h: &RawHypothesis) -> Result<Hypothesis> {
        let direction = Direction::parse(&h.direction).ok_or_else(|| {
            self.bad(
                &format!("hypothesis[{k}].direction"),
                format!(
                    "unknown direction '{}' (use {})",
                    h.direction,
                    Direction::choices()
                ),
            )
        })?;
        if !(h.alpha > 0.0 && h.alpha < 1.0) {
            return Err(self.bad(
                &format!("hypothesis[{k}].alpha"),
                "alpha must be between 0 and 1",
            ));
        }
        Ok(Hypothesis {
            term: h.term.clone(),
            direction,
            alpha: h.alpha,
            model: h.model.clone(),
        })
    }

    fn model_fit(
        &self,
        key: &str,
        formula: &str,
        method: Option<&str>,
        vcov: Option<&str>,
    ) -> Result<ModelFit> {
        Ok(ModelFit {
            formula: crate::formula::parse(formula)
                .map_err(|e| self.bad(&format!("{key}formula"), e.to_string()))?,
            method: Method::parse(method.unwrap_or("auto"))
                .map_err(|e| self.bad(&format!("{key}method"), e.to_string()))?,
            vcov: VcovType::parse(vcov.unwrap_or("model"))
                .map_err(|e| self.bad(&format!("{key}vcov"), e.to_string()))?,
        })
    }

    fn model(&self, m: &RawModel) -> Result<Model> {
        let fit = self.model_fit("model.", &m.formula, m.method.as_deref(), m.vcov.as_deref())?;
        let mut alternatives = Vec::new();
        for (k, a) in m.alternatives.iter().enumerate() {
            let key = format!("model.alternatives[{k}].");
            alternatives.push(Alternative {
                label: a.label.clone(),
                fit: self.model_fit(&key, &a.formula, a.method.as_deref(), a.vcov.as_deref())?,
                filter: self.filter(&format!("{key}where"), &a.filter)?,
            });
        }
        Ok(Model {
            fit,
            alternatives,
            predict: m.predict.clone(),
            cost_variable: m.cost_variable.clone(),
        })
    }

    fn signed_only(&self, p: &RawSignedOnly) -> Result<SignedOnlySpec> {
        if !(p.alpha > 0.0 && p.alpha < 1.0) {
            return Err(self.bad("signed_only.alpha", "alpha must be between 0 and 1"));
        }
        if !(0.0..1.0).contains(&p.hard_threshold) {
            return Err(self.bad(
                "signed_only.hard_threshold",
                "the threshold must be from 0 to below 1 (the cost index runs from 0 to 1)",
            ));
        }
        Ok(SignedOnlySpec {
            hard_threshold: p.hard_threshold,
            alpha: p.alpha,
        })
    }

    fn participation(&self, p: &RawParticipation) -> Result<ParticipationSpec> {
        let outcome = match p.outcome.as_str() {
            "joined" => Outcome::Joined,
            "bound" => Outcome::Bound,
            other => {
                return Err(self.bad(
                    "participation.outcome",
                    format!("unknown outcome '{other}' (use joined or bound)"),
                ))
            }
        };
        if !(p.alpha > 0.0 && p.alpha < 1.0) {
            return Err(self.bad("participation.alpha", "alpha must be between 0 and 1"));
        }
        Ok(ParticipationSpec {
            outcome,
            hard_threshold: p.hard_threshold,
            from_year: p.from_year,
            alpha: p.alpha,
        })
    }

    fn outputs(
        &self,
        kind: Kind,
        sample: &Sample,
        body: &Body,
        raw: &RawOutputs,
    ) -> Result<Outputs> {
        let offered = tables_of(kind);
        let tables = match &raw.tables {
            None => offered.to_vec(),
            Some(list) => list
                .iter()
                .map(|t| {
                    offered.iter().copied().find(|o| o == t).ok_or_else(|| {
                        self.bad(
                            "outputs.tables",
                            format!(
                                "kind '{kind}' has no table '{t}' (its tables: {})",
                                offered.join(", ")
                            ),
                        )
                    })
                })
                .collect::<Result<Vec<_>>>()?,
        };
        let mut figures = Vec::new();
        for f in raw.figures.iter().flatten() {
            let name = FigureName::parse(f)
                .filter(|n| figures_of(kind).contains(n))
                .ok_or_else(|| {
                    let names: Vec<&str> = figures_of(kind).iter().map(|n| n.as_str()).collect();
                    self.bad(
                        "outputs.figures",
                        format!(
                            "kind '{kind}' has no figure '{f}' (its figures: {})",
                            if names.is_empty() {
                                "none".to_string()
                            } else {
                                names.join(", ")
                            }
                        ),
                    )
                })?;
            if name == FigureName::ProbabilityCurve {
                let has_cost = matches!(body, Body::Logit(m) if m.cost_variable.is_some());
                if sample.frame != Frame::Treaty || !has_cost {
                    return Err(self.bad(
                        "outputs.figures",
                        "the probability curve needs the treaty frame and a model.cost_variable",
                    ));
                }
            }
            if !figures.contains(&name) {
                figures.push(name);
            }
        }
        let sizes = self.figure_sizes(&figures, &raw.figure_size)?;
        Ok(Outputs {
            tables,
            figures,
            sizes,
        })
    }

    /// `[outputs.figure_size]`: for figures the spec lists only, `width_in`
    /// and/or `height_in` (inches, within `FigureSize`'s bounds); a width
    /// given alone keeps the default shape.
    fn figure_sizes(
        &self,
        figures: &[FigureName],
        raw: &BTreeMap<String, toml::Value>,
    ) -> Result<BTreeMap<FigureName, FigureSize>> {
        let mut sizes: BTreeMap<FigureName, FigureSize> =
            figures.iter().map(|f| (*f, f.default_size())).collect();
        for (name, value) in raw {
            let key = format!("outputs.figure_size.{name}");
            let figure = FigureName::parse(name)
                .filter(|f| figures.contains(f))
                .ok_or_else(|| {
                    self.bad(
                        &key,
                        format!("figure '{name}' is not listed in outputs.figures"),
                    )
                })?;
            let table = value.as_table().ok_or_else(|| {
                self.bad(
                    &key,
                    "give a table, e.g. { width_in = 7.0, height_in = 3.0 }",
                )
            })?;
            let default = figure.default_size();
            let (mut width, mut height) = (None, None);
            for (k, v) in table {
                let (slot, bounds) = match k.as_str() {
                    "width_in" => (&mut width, FigureSize::WIDTH_IN),
                    "height_in" => (&mut height, FigureSize::HEIGHT_IN),
                    other => {
                        return Err(self.bad(
                            &key,
                            format!("unknown key '{other}' (use width_in and height_in)"),
                        ))
                    }
                };
                let x = v.as_float().or(v.as_integer().map(|i| i as f64));
                *slot = Some(x.filter(|x| bounds.contains(x)).ok_or_else(|| {
                    self.bad(
                        &key,
                        format!(
                            "{k} must be a number of inches from {} to {} (got {v})",
                            bounds.start(),
                            bounds.end()
                        ),
                    )
                })?);
            }
            let size = match (width, height) {
                (None, None) => {
                    return Err(self.bad(&key, "give width_in, height_in or both (inches)"))
                }
                (Some(w), None) => FigureSize {
                    width_in: w,
                    height_in: (w * default.height_in / default.width_in)
                        .clamp(*FigureSize::HEIGHT_IN.start(), *FigureSize::HEIGHT_IN.end()),
                },
                (w, Some(h)) => FigureSize {
                    width_in: w.unwrap_or(default.width_in),
                    height_in: h,
                },
            };
            sizes.insert(figure, size);
        }
        Ok(sizes)
    }
}
