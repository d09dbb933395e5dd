//! What an analysis returns: its verdict and the checks behind it, the
//! numbers the report quotes, its fits, tables and notes.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{FitResult, OrdinalFitResult};

words! {
    /// What an analysis does (the `kind` of an analysis file).
    Kind {
        Logit = "logit",
        Participation = "participation",
        OptOut = "opt_out",
        SeedReplication = "seed_replication",
        Robustness = "robustness",
        Simulation = "simulation",
        /// A pooled state x instrument (or state x instrument x year) logit.
        Pooled = "pooled",
        /// Each state's own cost slope, and China's against the peers'.
        StateSlopes = "state_slopes",
        /// Each state's soft-law/hard-law participation gap.
        StateGaps = "state_gaps",
        /// China's depth of commitment on cost, by the ordered logit.
        Depth = "depth",
        /// The share of signed instruments not (yet) consented, by cost.
        SignedOnly = "signed_only",
        /// China's signed-not-consented rate against its peers'.
        StateSignedOnly = "state_signed_only",
    }
}

impl Kind {
    /// Whether the analysis draws its sample from the panels at a cutoff, so
    /// that a frame and a cutoff describe it (the seed replication reads the
    /// seed paper's tables; the simulation draws its own data).
    pub fn samples_panels(self) -> bool {
        !matches!(self, Kind::SeedReplication | Kind::Simulation)
    }
}

words! {
    /// The unit of observation of an analysis's sample.
    Frame {
        /// One row per instrument.
        Treaty = "treaty",
        /// One row per avoidable delegation provision of an instrument China is bound by.
        Provision = "provision",
        /// One row per instrument and year at risk of joining.
        TreatyYear = "treaty_year",
        /// One row per state and instrument.
        StateTreaty = "state_treaty",
        /// One row per state, instrument and year at risk of joining.
        StateTreatyYear = "state_treaty_year",
    }
}

words! {
    /// The states a comparative analysis compares China with.
    StateSelection {
        /// China and its peers: the P5 and the G20 states (codebook section 11).
        Peers = "peers",
        /// Every state in the dataset.
        All = "all",
    }
}

words! {
    /// The instruments a comparative analysis keeps.
    InstrumentSelection {
        /// Every instrument (a state without a status row in one is left out of it).
        All = "all",
        /// Only the instruments every selected state has a status row for, so
        /// that each state is compared on the same instruments.
        CodedForEveryState = "coded_for_every_state",
    }
}

words! {
    /// The direction a hypothesis expects of its term.
    Direction {
        Negative = "negative",
        Positive = "positive",
        NotPositive = "not_positive",
        NotNegative = "not_negative",
    }
}

words! {
    /// The outcome of a check, and an analysis's verdict.
    Verdict {
        Supported = "supported",
        NotSupported = "not supported",
        Inconclusive = "inconclusive",
        /// An analysis with no checks.
        Descriptive = "descriptive",
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Check {
    pub model: String,
    pub term: String,
    pub direction: Direction,
    pub alpha: f64,
    pub estimate: f64,
    pub conf_low: Option<f64>,
    pub conf_high: Option<f64>,
    pub p_value: f64,
    pub p_value_method: String,
    /// Supported, not supported or inconclusive.
    pub outcome: Verdict,
}

impl Check {
    /// Alpha as a spec writes it: `0.05`, never `0.050000000000000044`.
    pub fn alpha_words(&self) -> String {
        trimmed(self.alpha)
    }
    /// The interval level in percent: `95`.
    pub fn level_words(&self) -> String {
        trimmed(100.0 * (1.0 - self.alpha))
    }
}

/// A decimal to six places without trailing zeros.
fn trimmed(x: f64) -> String {
    let t = format!("{x:.6}");
    t.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// A number the report quotes, with its interval where it has one.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Number {
    pub name: String,
    pub label: String,
    pub value: f64,
    pub low: Option<f64>,
    pub high: Option<f64>,
    pub note: String,
}

/// A plain table for the reports.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TableOut {
    pub name: String,
    pub caption: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct NamedFit {
    pub label: String,
    pub fit: FitResult,
}

/// An ordered-logit fit of an analysis, in the `sovcost fit --family
/// ordinal --format json` schema.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct NamedOrdinalFit {
    pub label: String,
    pub fit: OrdinalFitResult,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AnalysisResult {
    pub name: String,
    pub title: String,
    pub question: String,
    pub kind: Kind,
    pub file: String,
    /// The panel frame and the cutoff, for kinds that sample the panels.
    pub frame: Option<Frame>,
    pub cutoff: Option<String>,
    pub include_unverified: bool,
    pub n: usize,
    /// The seed of the analysis's random streams (permutations,
    /// simulations), when it has any.
    pub seed: Option<u64>,
    pub verdict: Verdict,
    pub verdict_reason: String,
    pub checks: Vec<Check>,
    pub numbers: Vec<Number>,
    pub fits: Vec<NamedFit>,
    /// The ordered-logit fits (the depth analyses), shown side by side as
    /// the table `<name>_models`; absent from the JSON when there are none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ordinal_fits: Vec<NamedOrdinalFit>,
    /// The fits are shown side by side as the table `<name>_models`.
    pub models_table: bool,
    pub tables: Vec<TableOut>,
    /// The figures the analysis draws, with the data drawn in them.
    pub figures: Vec<FigureData>,
    /// The size at print of each figure the analysis lists (its spec's
    /// `[outputs.figure_size]`, else the figure's default).
    pub figure_sizes: BTreeMap<FigureName, FigureSize>,
    /// Remarks, e.g. an alternative model that the data cannot identify.
    pub notes: Vec<String>,
    /// The names of the numbers the screen summary shows beside the checks
    /// that decide the verdict.
    pub headline: Vec<String>,
}

// ---------------------------------------------------------------------------
// Figure data: what each figure draws, typed, produced by the analysis that
// owns the figure.

/// The figures an analysis can produce (the file stem of each).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FigureName {
    ProbabilityCurve,
    Coefficients,
    ParticipationByCost,
    Timeline,
    OptOuts,
    Simulation,
    StateSlopes,
    DepthProbabilities,
}

impl FigureName {
    pub const ALL: [FigureName; 8] = [
        FigureName::ProbabilityCurve,
        FigureName::Coefficients,
        FigureName::ParticipationByCost,
        FigureName::Timeline,
        FigureName::OptOuts,
        FigureName::Simulation,
        FigureName::StateSlopes,
        FigureName::DepthProbabilities,
    ];
    /// The name in analysis specs and the figure's file stem.
    pub fn as_str(self) -> &'static str {
        match self {
            FigureName::ProbabilityCurve => "probability_curve",
            FigureName::Coefficients => "coefficients",
            FigureName::ParticipationByCost => "participation_by_cost",
            FigureName::Timeline => "timeline",
            FigureName::OptOuts => "opt_outs",
            FigureName::Simulation => "simulation",
            FigureName::StateSlopes => "state_slopes",
            FigureName::DepthProbabilities => "depth_probabilities",
        }
    }
    pub fn parse(s: &str) -> Option<FigureName> {
        FigureName::ALL.into_iter().find(|f| f.as_str() == s)
    }
    /// The size at print when the spec sets none: a journal's single column
    /// (3.5 in) or full width (7 in; the timeline, whose years need the
    /// room).
    pub fn default_size(self) -> FigureSize {
        let (width_in, height_in) = match self {
            FigureName::ProbabilityCurve => (3.5, 2.8),
            FigureName::Coefficients => (3.5, 2.6),
            FigureName::ParticipationByCost => (3.5, 2.2),
            FigureName::Timeline => (7.0, 2.8),
            FigureName::OptOuts => (3.5, 2.6),
            FigureName::Simulation => (3.5, 2.4),
            FigureName::StateSlopes => (3.5, 3.6),
            FigureName::DepthProbabilities => (3.5, 2.8),
        };
        FigureSize {
            width_in,
            height_in,
        }
    }
}

/// A figure's size at print, in inches.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct FigureSize {
    pub width_in: f64,
    pub height_in: f64,
}

impl FigureSize {
    /// The bounds a spec may set (inches): from a narrow column to a
    /// landscape page or slide.
    pub const WIDTH_IN: std::ops::RangeInclusive<f64> = 2.0..=10.0;
    pub const HEIGHT_IN: std::ops::RangeInclusive<f64> = 1.5..=10.0;
}

/// One point of a predicted-probability curve with its pointwise band.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CurvePoint {
    pub x: f64,
    pub probability: f64,
    pub low: f64,
    pub high: f64,
}

/// An instrument placed by its cost and its outcome (0 or 1).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InstrumentPoint {
    pub instrument: String,
    pub x: f64,
    pub outcome: f64,
}

/// The predicted probability of joining against the cost variable, with the
/// instruments as points.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProbabilityCurve {
    pub x_label: String,
    /// The estimator of the fit the curve comes from.
    pub method: String,
    pub level: f64,
    pub curve: Vec<CurvePoint>,
    pub instruments: Vec<InstrumentPoint>,
}

/// One of China's acts on an instrument of the sample, in time.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimelinePoint {
    pub instrument: String,
    /// Year plus the fraction of the year.
    pub year: f64,
    pub sovereignty_cost: f64,
    /// A reservation or declaration (else a signature, consent or vote).
    pub reservation: bool,
}

/// One model's estimate of the tested coefficient. An infinite interval
/// bound is `None`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CoefficientRow {
    pub model: String,
    pub estimate: f64,
    pub low: Option<f64>,
    pub high: Option<f64>,
}

/// The tested coefficient across an analysis's models.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CoefficientPlot {
    pub term: String,
    pub level: f64,
    pub rows: Vec<CoefficientRow>,
}

/// A participation rate of one part of the universe, with its exact interval.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RateRow {
    pub group: String,
    pub rate: f64,
    pub low: f64,
    pub high: f64,
    pub n: usize,
}

/// The delegation provisions of one mechanism and how many China avoided.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OptOutRow {
    pub mechanism: String,
    pub level: u8,
    pub provisions: usize,
    pub avoided: usize,
}

/// Simulated soft-law participation rates of a weakly and a strongly
/// socialized state, and the rate above which a soft-law-only study calls a
/// state strongly socialized.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimulationPlot {
    pub weak: Vec<f64>,
    pub strong: Vec<f64>,
    pub threshold: f64,
}

/// One state's cost slope with its interval (`None`: an infinite bound).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StateSlopeRow {
    pub state: String,
    pub estimate: f64,
    pub low: Option<f64>,
    pub high: Option<f64>,
    /// The estimator of the state's fit (ml or firth).
    pub method: String,
    pub china: bool,
}

/// Each state's cost slope, China highlighted, ordered from the steepest.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StateSlopePlot {
    pub term: String,
    pub level: f64,
    pub rows: Vec<StateSlopeRow>,
}

/// The predicted probability of each depth level at one value of the cost
/// variable; the probabilities sum to one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DepthPoint {
    pub x: f64,
    pub probabilities: Vec<f64>,
}

/// P(depth = k | cost) from an ordered logit, stacked to one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DepthPlot {
    pub x_label: String,
    /// The levels in words, lowest first.
    pub levels: Vec<String>,
    pub curve: Vec<DepthPoint>,
}

/// What a figure draws.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "figure", rename_all = "snake_case")]
pub enum FigureData {
    ProbabilityCurve(ProbabilityCurve),
    Coefficients(CoefficientPlot),
    ParticipationByCost { rows: Vec<RateRow> },
    Timeline { points: Vec<TimelinePoint> },
    OptOuts { rows: Vec<OptOutRow> },
    Simulation(SimulationPlot),
    StateSlopes(StateSlopePlot),
    DepthProbabilities(DepthPlot),
}

impl FigureData {
    pub fn name(&self) -> FigureName {
        match self {
            FigureData::ProbabilityCurve(_) => FigureName::ProbabilityCurve,
            FigureData::Coefficients(_) => FigureName::Coefficients,
            FigureData::ParticipationByCost { .. } => FigureName::ParticipationByCost,
            FigureData::Timeline { .. } => FigureName::Timeline,
            FigureData::OptOuts { .. } => FigureName::OptOuts,
            FigureData::Simulation(_) => FigureName::Simulation,
            FigureData::StateSlopes(_) => FigureName::StateSlopes,
            FigureData::DepthProbabilities(_) => FigureName::DepthProbabilities,
        }
    }
}
