//! Models: the logit by maximum likelihood and its inference. `fit_table`
//! runs a whole specification on a table and returns a [`FitResult`].

pub mod effects;
pub mod exact;
pub mod firth;
mod fit;
pub mod inference;
pub mod logit;
pub mod ordinal;
pub mod resampling;
pub mod separation;

pub use fit::fit_design;

use std::collections::BTreeMap;

use crate::design::{self, Design, Extra};
use crate::error::{Error, Result};
use crate::formula;
use crate::results::FitResult;
use crate::results::Separation;
use crate::table::Table;
use inference::VcovType;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Maximum likelihood.
    Ml,
    /// Firth's penalized likelihood.
    Firth,
    /// Firth when the data call for it (see [`choose_method`]), else ML.
    Auto,
}

impl Method {
    pub fn parse(text: &str) -> Result<Method> {
        match text.trim().to_ascii_lowercase().as_str() {
            "ml" => Ok(Method::Ml),
            "firth" => Ok(Method::Firth),
            "auto" => Ok(Method::Auto),
            other => Err(Error::usage(format!(
                "unknown method '{other}' (use ml, firth or auto)"
            ))),
        }
    }
    pub fn label(&self) -> &'static str {
        match self {
            Method::Ml => "ml",
            Method::Firth => "firth",
            Method::Auto => "auto",
        }
    }
}

/// The model family of `sovcost fit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// The binary logit (outcome 0 or 1).
    Logit,
    /// The ordered (cumulative) logit (outcome levels 0, 1, ..., K).
    Ordinal,
}

impl Family {
    pub fn parse(text: &str) -> Result<Family> {
        match text.trim().to_ascii_lowercase().as_str() {
            "logit" | "binomial" => Ok(Family::Logit),
            "ordinal" => Ok(Family::Ordinal),
            other => Err(Error::usage(format!(
                "unknown family '{other}' (use logit or ordinal)"
            ))),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CiMethod {
    /// Wald for ML (as `confint.default`), profile for Firth (as logistf).
    Default,
    Wald,
    Profile,
}

impl CiMethod {
    pub fn parse(text: &str) -> Result<CiMethod> {
        match text.trim().to_ascii_lowercase().as_str() {
            "default" => Ok(CiMethod::Default),
            "wald" => Ok(CiMethod::Wald),
            "profile" => Ok(CiMethod::Profile),
            other => Err(Error::usage(format!(
                "unknown interval method '{other}' (use default, wald or profile)"
            ))),
        }
    }
    /// The method actually used for an estimator.
    pub fn resolve(&self, method: Method) -> CiMethod {
        match (self, method) {
            (CiMethod::Default, Method::Firth) => CiMethod::Profile,
            (CiMethod::Default, _) => CiMethod::Wald,
            (other, _) => *other,
        }
    }
    pub fn label(&self) -> &'static str {
        match self {
            CiMethod::Default => "default",
            CiMethod::Wald => "wald",
            CiMethod::Profile => "profile",
        }
    }
}

/// Coefficient tests: `Default` is Wald for ML and, for Firth, penalized
/// likelihood-ratio tests (logistf) except at scale (see
/// `firth_wald_at_scale`); `Wald` and `Likelihood` ask for one explicitly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestMethod {
    Default,
    Wald,
    /// Penalized likelihood-ratio tests for Firth (Wald for ML).
    Likelihood,
}

impl TestMethod {
    pub fn parse(text: &str) -> Result<TestMethod> {
        match text.trim().to_ascii_lowercase().as_str() {
            "default" => Ok(TestMethod::Default),
            "wald" => Ok(TestMethod::Wald),
            "lr" => Ok(TestMethod::Likelihood),
            other => Err(Error::usage(format!(
                "unknown test method '{other}' (use default, wald or lr)"
            ))),
        }
    }
}

/// Firth designs with more rows than this, and at least
/// `FIRTH_WALD_MIN_EVENTS_PER_PARAMETER` events per parameter, get Wald
/// intervals and tests by default (see `firth_wald_at_scale`).
pub const FIRTH_PROFILE_MAX_ROWS: usize = 50_000;
pub const FIRTH_WALD_MIN_EVENTS_PER_PARAMETER: f64 = 100.0;

/// The size rule of Firth's default inference. Profile penalized-likelihood
/// intervals and penalized likelihood-ratio tests (logistf's) refit the
/// model on all rows, dozens of times; they matter where the penalized
/// likelihood is far from quadratic: few rows, or few events per parameter
/// (rare outcomes, separation). With more than `FIRTH_PROFILE_MAX_ROWS` rows
/// and at least `FIRTH_WALD_MIN_EVENTS_PER_PARAMETER` events (the rarer
/// outcome) per parameter, the defaults are Wald intervals and tests (one
/// fit, as brglm2); the returned note says so and how to ask for the
/// profile. `None`: logistf's defaults.
pub fn firth_wald_at_scale(design: &Design) -> Option<String> {
    if design.n <= FIRTH_PROFILE_MAX_ROWS {
        return None;
    }
    let ones = design.y.iter().filter(|&&v| v == 1.0).count();
    let events = ones.min(design.n - ones);
    let epp = events as f64 / design.p as f64;
    (epp >= FIRTH_WALD_MIN_EVENTS_PER_PARAMETER).then(|| {
        format!(
            "{} rows and {events} events ({epp:.0} per parameter): Firth's default intervals and tests are Wald here \
             (more than {FIRTH_PROFILE_MAX_ROWS} rows and at least {FIRTH_WALD_MIN_EVENTS_PER_PARAMETER} events per parameter); \
             --ci profile --tests lr gives logistf's profile intervals and penalized likelihood-ratio tests (dozens of refits)",
            design.n
        )
    })
}

/// Events per parameter below which `--method auto` uses Firth.
pub const AUTO_MIN_EVENTS_PER_PARAMETER: f64 = 10.0;

/// Designs with more rows than this are checked for separation only when the
/// ML fit does not converge or drives fitted probabilities to 0 or 1 (the LP
/// has one constraint per row).
pub const SEPARATION_CHECK_MAX_ROWS: usize = 50_000;

/// The rule of `--method auto`: Firth when the data are separated, or when
/// there are fewer than 10 events per parameter (events = the rarer outcome;
/// the rule of thumb of Peduzzi et al. 1996); ML otherwise. Returns the
/// method and the reason, in words.
pub fn choose_method(design: &Design, separation: Option<&Separation>) -> (Method, String) {
    if let Some(s) = separation.filter(|s| s.separated) {
        let terms: Vec<String> = s
            .infinite_estimates
            .iter()
            .map(|e| format!("{} ({})", e.term, e.direction))
            .collect();
        return (
            Method::Firth,
            format!(
                "{} separation: the ML estimates of {} are infinite",
                s.kind,
                terms.join(", ")
            ),
        );
    }
    let ones = design.y.iter().filter(|&&v| v == 1.0).count();
    let events = ones.min(design.n - ones) as f64;
    let epp = events / design.p as f64;
    if epp < AUTO_MIN_EVENTS_PER_PARAMETER {
        (
            Method::Firth,
            format!(
                "{events} events for {} parameters ({epp:.1} per parameter, fewer than {AUTO_MIN_EVENTS_PER_PARAMETER})",
                design.p
            ),
        )
    } else {
        (
            Method::Ml,
            format!(
                "no separation and {epp:.1} events per parameter (at least {AUTO_MIN_EVENTS_PER_PARAMETER})"
            ),
        )
    }
}

/// Everything that defines one fit.
#[derive(Debug, Clone)]
pub struct FitSpec {
    pub formula: String,
    pub method: Method,
    pub vcov: VcovType,
    pub level: f64,
    pub ci: CiMethod,
    /// Tests of the coefficients (for Firth: penalized likelihood-ratio or
    /// Wald).
    pub tests: TestMethod,
    /// Prediction profiles, each `name=value,...`.
    pub predict: Vec<String>,
    pub marginal_effects: bool,
    /// Likelihood-ratio test for dropping each term.
    pub lr_tests: bool,
    /// Bootstrap replicates (0: no bootstrap).
    pub bootstrap: usize,
    /// Resample clusters of this column instead of rows.
    pub bootstrap_cluster: Option<String>,
    /// Permutation replicates per term (0: none).
    pub permutation: usize,
    /// Seed of the resampling streams.
    pub seed: u64,
    /// How the CSV file of [`fit_csv`] is written.
    pub csv: crate::table::CsvOptions,
}

impl FitSpec {
    pub fn new(formula: &str) -> FitSpec {
        FitSpec {
            formula: formula.to_string(),
            method: Method::Ml,
            vcov: VcovType::Model,
            level: 0.95,
            ci: CiMethod::Default,
            tests: TestMethod::Default,
            predict: vec![],
            marginal_effects: false,
            lr_tests: false,
            bootstrap: 0,
            bootstrap_cluster: None,
            permutation: 0,
            seed: 1,
            csv: Default::default(),
        }
    }
}

/// Cluster labels to 0-based group ids (in order of first appearance).
fn group_ids(labels: &[String]) -> Vec<usize> {
    let mut ids: BTreeMap<&str, usize> = BTreeMap::new();
    labels
        .iter()
        .map(|l| {
            let next = ids.len();
            *ids.entry(l.as_str()).or_insert(next)
        })
        .collect()
}

/// With the environment variable `SOVCOST_TIMINGS` set, prints the time
/// since `since` for a stage of a fit to stderr (for benchmarks).
pub fn stage(label: &str, since: std::time::Instant) {
    if std::env::var_os("SOVCOST_TIMINGS").is_some() {
        eprintln!("timing: {label}: {:.3} s", since.elapsed().as_secs_f64());
    }
}

fn check_level(spec: &FitSpec) -> Result<()> {
    if !(spec.level > 0.0 && spec.level < 1.0) {
        return Err(Error::usage(format!(
            "the confidence level must be between 0 and 1, got {}",
            spec.level
        )));
    }
    Ok(())
}

/// The label columns a specification reads besides the formula's variables
/// (the cluster columns of the covariance and of the bootstrap), to pass to
/// [`design::build`].
pub fn extra_columns(spec: &FitSpec) -> Extra {
    let mut extra = Extra::default();
    for col in spec.vcov.cluster_columns() {
        extra.labels.push(col.to_string());
    }
    if let Some(col) = &spec.bootstrap_cluster {
        extra.labels.push(col.clone());
    }
    extra
}

/// The parsed formula and the label columns a specification reads.
fn parse_spec(spec: &FitSpec) -> Result<(formula::Formula, Extra)> {
    check_level(spec)?;
    let formula = formula::parse(&spec.formula)?;
    Ok((formula, extra_columns(spec)))
}

/// A specification's formula parsed and its design built on a table, for a
/// caller that fits it ([`fit_design_with`]) and then uses the design or the
/// formula again (predictions on the same design, say).
#[derive(Debug, Clone)]
pub struct Prepared {
    pub formula: formula::Formula,
    pub design: Design,
    /// The label columns of [`extra_columns`], restricted to the rows used.
    pub extras: Vec<Vec<String>>,
}

/// Parses a specification's formula and builds its design on a table.
pub fn prepare(table: &Table, spec: &FitSpec) -> Result<Prepared> {
    let (formula, extra) = parse_spec(spec)?;
    let (design, extras) = design::build(table, &formula, &extra)?;
    Ok(Prepared {
        formula,
        design,
        extras,
    })
}

/// Fits a specification to a CSV file, reading only the columns the model
/// uses and releasing the table before fitting (the design holds the data).
pub fn fit_csv(path: &std::path::Path, spec: &FitSpec) -> Result<FitResult> {
    let (formula, extra) = parse_spec(spec)?;
    let (numeric, text) = design::needed_columns(&formula, &extra);
    let t0 = std::time::Instant::now();
    if let Some(design) = design::read_numeric_design(path, &formula, &extra, &spec.csv)? {
        stage("read the data into the design", t0);
        return fit_built(design, vec![], spec, &path.display().to_string());
    }
    let table = Table::read_csv_columns(path, &numeric, &text, &spec.csv)?;
    stage("read the data", t0);
    let label = table.path().display().to_string();
    let (design, extras) = design::build(&table, &formula, &extra)?;
    drop(table);
    stage("built the design", t0);
    fit_built(design, extras, spec, &label)
}

/// Fits a specification to a table.
pub fn fit_table(table: &Table, spec: &FitSpec) -> Result<FitResult> {
    let (formula, extra) = parse_spec(spec)?;
    let (design, extras) = design::build(table, &formula, &extra)?;
    fit_built(design, extras, spec, &table.path().display().to_string())
}

/// Fits a specification to a design already built for it (see [`prepare`]:
/// `extras` are the columns of [`extra_columns`] on the rows used), without
/// parsing the formula or building the design again. `data_label` names the
/// data in the result (`fit_table` uses the table's path).
pub fn fit_design_with(
    design: &Design,
    extras: &[Vec<String>],
    spec: &FitSpec,
    data_label: &str,
) -> Result<FitResult> {
    check_level(spec)?;
    let (clusters, boot_clusters) = cluster_ids(extras, spec);
    fit_design(
        design,
        spec,
        clusters.as_deref(),
        boot_clusters.as_deref(),
        data_label,
    )
}

/// The group ids of the covariance's and the bootstrap's cluster columns.
fn cluster_ids(
    extras: &[Vec<String>],
    spec: &FitSpec,
) -> (Option<Vec<inference::ClusterIds>>, Option<Vec<usize>>) {
    let mut ids = extras.iter().map(|labels| group_ids(labels));
    let dims = spec.vcov.cluster_columns().len();
    let clusters = (dims > 0).then(|| ids.by_ref().take(dims).collect());
    let boot_clusters = spec.bootstrap_cluster.as_ref().and_then(|_| ids.next());
    (clusters, boot_clusters)
}

/// Fits on a design it owns, releasing the label columns before fitting.
fn fit_built(
    design: Design,
    extras: Vec<Vec<String>>,
    spec: &FitSpec,
    label: &str,
) -> Result<FitResult> {
    let (clusters, boot_clusters) = cluster_ids(&extras, spec);
    drop(extras);
    fit_design(
        &design,
        spec,
        clusters.as_deref(),
        boot_clusters.as_deref(),
        label,
    )
}
