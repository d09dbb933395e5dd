//! What each command does. `main.rs` only parses the command line and calls
//! these functions; they return the text to print.

use std::path::PathBuf;

use crate::error::{Error, Result};
use crate::models::inference::VcovType;
use crate::models::{self, CiMethod, FitSpec, Method, TestMethod};
use crate::report::summary;
use crate::results::RunResults;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    /// A regression table: LaTeX (booktabs, siunitx), Markdown or HTML.
    Latex,
    Markdown,
    Html,
}

impl Format {
    pub fn parse(text: &str) -> Result<Format> {
        match text.trim().to_ascii_lowercase().as_str() {
            "text" => Ok(Format::Text),
            "json" => Ok(Format::Json),
            "latex" | "tex" => Ok(Format::Latex),
            "markdown" | "md" => Ok(Format::Markdown),
            "html" => Ok(Format::Html),
            other => Err(Error::usage(format!(
                "unknown format '{other}' (use text, json, latex, markdown or html)"
            ))),
        }
    }

    /// The regression table in this format; None for text and JSON.
    fn table(self, t: &crate::results::TableOut) -> Option<String> {
        use crate::report::document::{html, markdown, Block};
        let doc = [Block::Table(t.clone())];
        match self {
            Format::Latex => Some(crate::report::latex::table(t)),
            Format::Markdown => Some(markdown(&doc)),
            Format::Html => Some(html(&doc, &[])),
            Format::Text | Format::Json => None,
        }
    }
}

/// A format only a regression table has, asked of another output.
fn not_a_table(format: Format) -> Error {
    Error::usage(format!(
        "--format {format:?} is for regression tables (sovcost fit, sovcost table); use text or json here"
    ))
}

/// A one-model regression table of a fit, captioned with its formula and data.
fn fit_table(
    column: crate::report::regression::ModelColumn,
    args: &FitArgs,
) -> crate::results::TableOut {
    let mut t = crate::report::regression::models_table(&[column], args.exponentiate);
    t.caption = format!("{}: {} ({})", t.caption, args.formula, args.data.display());
    t
}

/// The text of a fit in the asked format; with --exponentiate the text
/// output ends with the odds-ratio table.
fn fit_output(
    format: Format,
    args: &FitArgs,
    text: impl FnOnce() -> String,
    json: impl FnOnce() -> Result<String>,
    column: impl FnOnce() -> crate::report::regression::ModelColumn,
) -> Result<String> {
    match format {
        Format::Json if args.exponentiate => Err(Error::usage(
            "--exponentiate applies to --format text, latex, markdown or html (the JSON holds log-odds)",
        )),
        Format::Json => json(),
        Format::Text if args.exponentiate => {
            let t = fit_table(column(), args);
            Ok(format!("{}\n{}", text(), Format::Markdown.table(&t).unwrap_or_default()))
        }
        Format::Text => Ok(text()),
        table => Ok(table.table(&fit_table(column(), args)).unwrap_or_default()),
    }
}

/// Options of `sovcost fit` (parsed by clap in `main.rs`).
#[derive(Debug, Clone, clap::Args)]
pub struct FitArgs {
    /// CSV file with a header row; NA or an empty cell is missing.
    #[arg(long)]
    pub data: PathBuf,
    /// Model formula, e.g. "y ~ x1 + x2", "y ~ a*b", "y ~ C(area, ref=trade) - 1".
    #[arg(long)]
    pub formula: String,
    /// Model family: logit (a 0/1 outcome) or ordinal (the ordered logit of
    /// an outcome with levels 0, 1, ..., K, K >= 2, as R's ordinal::clm).
    #[arg(long, default_value = "logit")]
    pub family: String,
    /// Estimator: ml, firth (Firth's penalized likelihood) or auto (Firth
    /// when the data are separated or have fewer than 10 events per parameter).
    #[arg(long, default_value = "ml")]
    pub method: String,
    /// Covariance: model, hc0, hc1, hc2, hc3, cluster:COLUMN or cluster:COLUMN+COLUMN (two-way).
    #[arg(long, default_value = "model")]
    pub vcov: String,
    /// Confidence level of the intervals.
    #[arg(long, default_value_t = 0.95)]
    pub level: f64,
    /// Interval method: default (wald for ml, profile for firth), wald, or
    /// profile (profile likelihood; profile penalized likelihood for firth).
    #[arg(long, default_value = "default")]
    pub ci: String,
    /// Coefficient tests: default (Wald for ml; for firth, penalized
    /// likelihood-ratio tests, one refit per coefficient, as logistf, except
    /// above 50,000 rows with at least 100 events per parameter, where the
    /// default intervals and tests are Wald), wald (Wald z tests, as brglm2's
    /// summary; no refits) or lr (penalized likelihood-ratio tests for firth
    /// at any size). With `--ci wald` and wald tests, a Firth fit is a single
    /// fit.
    #[arg(long, default_value = "default")]
    pub tests: String,
    /// Output format: text, json, or a regression table as the reports
    /// build them: latex, markdown or html.
    #[arg(long, default_value = "text")]
    pub format: String,
    /// Odds ratios (exponentiated estimates and bounds; standard errors by
    /// the delta method) in the regression table; with text, the table of
    /// odds ratios follows the summary.
    #[arg(long)]
    pub exponentiate: bool,
    /// Predicted probability at given values, e.g. "x1=1,area=trade"
    /// (other variables at their mean or reference level). Repeatable.
    #[arg(long)]
    pub predict: Vec<String>,
    /// Average marginal effects of every variable.
    #[arg(long)]
    pub ame: bool,
    /// Likelihood-ratio test for dropping each term.
    #[arg(long)]
    pub lrt: bool,
    /// Bootstrap the coefficients with this many replicates (percentile and
    /// BCa intervals).
    #[arg(long, default_value_t = 0)]
    pub bootstrap: usize,
    /// Cluster bootstrap: resample the clusters of this column.
    #[arg(long)]
    pub bootstrap_cluster: Option<String>,
    /// Permutation test of each single-column term with this many permutations.
    #[arg(long, default_value_t = 0)]
    pub permutation: usize,
    /// Seed of the bootstrap and permutation streams.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Write the output to this file (atomically) instead of stdout.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// The field delimiter: ',', ';', tab (or '\t'), or any one character;
    /// by default the one of ',', ';' and tab found in the header line.
    #[arg(long)]
    pub delimiter: Option<String>,
    /// ',' is the decimal mark (as R's read.csv2); the delimiter is then ';'
    /// unless the header shows another.
    #[arg(long)]
    pub decimal_comma: bool,
    /// The cells that mean "missing", comma-separated (as R's na.strings;
    /// replaces the default NA). An empty cell is always missing.
    #[arg(long)]
    pub na: Option<String>,
}

/// The CSV dialect of `sovcost fit`'s options.
fn csv_options(args: &FitArgs) -> Result<crate::table::CsvOptions> {
    let delimiter = match args.delimiter.as_deref() {
        None => None,
        Some("tab" | "\\t" | "\t") => Some(b'\t'),
        Some(d) if d.len() == 1 && !matches!(d, "\"" | "\n" | "\r") => Some(d.as_bytes()[0]),
        Some(other) => {
            return Err(Error::usage(format!(
                "--delimiter '{other}' is not one ASCII character other than a quote or a line end \
                 (e.g. ',', ';', tab)"
            )))
        }
    };
    let na = args.na.as_ref().map(|list| {
        list.split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect()
    });
    Ok(crate::table::CsvOptions {
        delimiter,
        decimal_comma: args.decimal_comma,
        na,
    })
}

/// `sovcost fit`: returns the text to print on stdout.
pub fn fit(args: &FitArgs) -> Result<String> {
    let format = Format::parse(&args.format)?;
    let mut spec = FitSpec::new(&args.formula);
    spec.method = Method::parse(&args.method)?;
    spec.vcov = VcovType::parse(&args.vcov)?;
    spec.level = args.level;
    spec.ci = CiMethod::parse(&args.ci)?;
    spec.tests = TestMethod::parse(&args.tests)?;
    spec.predict = args.predict.clone();
    spec.marginal_effects = args.ame;
    spec.lr_tests = args.lrt;
    spec.bootstrap = args.bootstrap;
    spec.bootstrap_cluster = args.bootstrap_cluster.clone();
    spec.permutation = args.permutation;
    spec.seed = args.seed;
    spec.csv = csv_options(args)?;
    if spec.bootstrap_cluster.is_some() && spec.bootstrap == 0 {
        return Err(Error::usage("--bootstrap-cluster needs --bootstrap N"));
    }
    // Parse the formula before reading the data, so a typo is reported first.
    crate::formula::parse(&spec.formula)?;
    if models::Family::parse(&args.family)? == models::Family::Ordinal {
        return fit_ordinal(args, &spec, format);
    }
    let result = models::fit_csv(&args.data, &spec)?;
    let text = fit_output(
        format,
        args,
        || summary::render(&result),
        || to_json(&result),
        || crate::report::regression::ModelColumn::from_fit("model", &result),
    )?;
    if let Some(out) = &args.out {
        crate::io::write_atomic(out, text.as_bytes())?;
        return Ok(String::new());
    }
    Ok(text)
}

/// `sovcost fit --family ordinal`: the ordered logit; the options of the
/// binary logit's other estimators and resampling do not apply.
fn fit_ordinal(args: &FitArgs, spec: &FitSpec, format: Format) -> Result<String> {
    let unsupported = [
        (spec.method != Method::Ml, "--method"),
        (spec.tests != TestMethod::Default, "--tests"),
        (args.lrt, "--lrt"),
        (args.bootstrap > 0, "--bootstrap"),
        (args.permutation > 0, "--permutation"),
    ];
    if let Some((_, option)) = unsupported.iter().find(|(set, _)| *set) {
        return Err(Error::usage(format!(
            "{option} is not available with --family ordinal (maximum likelihood; the proportional-odds tests are always reported)"
        )));
    }
    let result = models::ordinal::fit_csv(&args.data, spec)?;
    let text = fit_output(
        format,
        args,
        || crate::report::ordinal_summary::render(&result),
        || to_json(&result),
        || crate::report::regression::ModelColumn::from_ordinal("model", &result),
    )?;
    if let Some(out) = &args.out {
        crate::io::write_atomic(out, text.as_bytes())?;
        return Ok(String::new());
    }
    Ok(text)
}

/// `sovcost exact`: exact small-sample tests.
#[derive(Debug, Clone, clap::Subcommand)]
pub enum ExactCommand {
    /// Fisher's exact test of the 2 x 2 table [[A, B], [C, D]] (as R's fisher.test).
    Fisher {
        a: u64,
        b: u64,
        c: u64,
        d: u64,
        /// Confidence level of the odds-ratio interval.
        #[arg(long, default_value_t = 0.95)]
        level: f64,
        /// Output format: text or json.
        #[arg(long, default_value = "text")]
        format: String,
    },
    /// Clopper-Pearson and Wilson intervals for K successes in N trials.
    Proportion {
        k: u64,
        n: u64,
        /// Confidence level.
        #[arg(long, default_value_t = 0.95)]
        level: f64,
        /// Output format: text or json.
        #[arg(long, default_value = "text")]
        format: String,
    },
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String> {
    let mut j = serde_json::to_string_pretty(value)
        .map_err(|e| Error::internal(format!("cannot serialise the result: {e}")))?;
    j.push('\n');
    Ok(j)
}

/// `sovcost exact ...`: returns the text to print.
pub fn exact(cmd: &ExactCommand) -> Result<String> {
    use crate::models::exact;
    use crate::report::format::{pct, pval, sig};
    match cmd {
        ExactCommand::Fisher {
            a,
            b,
            c,
            d,
            level,
            format,
        } => {
            let t = exact::fisher(*a, *b, *c, *d, *level)?;
            match Format::parse(format)? {
                Format::Json => to_json(&t),
                Format::Text => Ok(format!(
                    "Fisher's exact test (two-sided)\nTable: [[{a}, {b}], [{c}, {d}]]\np-value = {}\nOdds ratio (conditional MLE) = {}\n{} interval: [{}, {}]\n",
                    pval(t.p_value),
                    sig(t.odds_ratio, 6),
                    pct(t.conf_level),
                    sig(t.conf_low, 6),
                    sig(t.conf_high, 6)
                )),
                other => Err(not_a_table(other)),
            }
        }
        ExactCommand::Proportion {
            k,
            n,
            level,
            format,
        } => {
            let p = exact::proportion(*k, *n, *level)?;
            match Format::parse(format)? {
                Format::Json => to_json(&p),
                Format::Text => Ok(format!(
                    "Proportion {k}/{n} = {}\n{} Clopper-Pearson interval: [{}, {}]\n{} Wilson interval: [{}, {}]\nExact binomial test of p = 0.5: p-value = {}\n",
                    sig(p.estimate, 6),
                    pct(p.conf_level),
                    sig(p.clopper_pearson_low, 6),
                    sig(p.clopper_pearson_high, 6),
                    pct(p.conf_level),
                    sig(p.wilson_low, 6),
                    sig(p.wilson_high, 6),
                    pval(p.binomial_p_value)
                )),
                other => Err(not_a_table(other)),
            }
        }
    }
}

/// `sovcost validate`: every problem of the dataset, or a one-line summary.
/// Problems are an input error (exit code 2) listing all of them.
pub fn validate(data_dir: &std::path::Path, list_unverified: bool) -> Result<String> {
    let data = crate::dataset::Dataset::read(data_dir)?;
    let problems = data.validate();
    if problems.is_empty() && list_unverified {
        let lines = crate::quality::unverified_facts(&data);
        let mut s = format!(
            "{}: valid; {} unverified fact{} (file: row: instrument: what):\n",
            data_dir.display(),
            lines.len(),
            if lines.len() == 1 { "" } else { "s" }
        );
        for l in lines {
            s.push_str(&format!("{l}\n"));
        }
        return Ok(s);
    }
    if problems.is_empty() {
        let unverified = data
            .actions
            .rows
            .iter()
            .filter(|r| r.get("verified").map(|s| s.as_str()) == Some("no"))
            .count();
        return Ok(format!(
            "{}: valid ({} instruments, {} actions of which {} unverified, {} provisions, {} sources)\n",
            data_dir.display(),
            data.treaties.rows.len(),
            data.actions.rows.len(),
            unverified,
            data.provisions.rows.len(),
            data.sources.rows.len()
        ));
    }
    let list: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
    Err(Error::usage(format!(
        "{} problem{} in {}:\n{}",
        problems.len(),
        if problems.len() == 1 { "" } else { "s" },
        data_dir.display(),
        list.join("\n")
    )))
}

/// `sovcost treaty add FILE.toml`.
pub fn treaty_add(data_dir: &std::path::Path, file: &std::path::Path) -> Result<String> {
    let (id, a, p, s) = crate::dataset::add_instrument(data_dir, file)?;
    let data = crate::dataset::Dataset::read(data_dir)?;
    Ok(format!(
        "added {id}: 1 instrument, {a} action{}, {p} provision{}, {s} source{} (dataset validated and written to {})\n{}",
        if a == 1 { "" } else { "s" },
        if p == 1 { "" } else { "s" },
        if s == 1 { "" } else { "s" },
        data_dir.display(),
        crate::quality::outcome_report(&data, &id)
    ))
}

/// `sovcost status`: China's status and outcome in every instrument (the
/// list generated into the codebook); with `write_codebook`, that list is
/// written into `CODEBOOK.md` between its markers (atomically).
pub fn status(data_dir: &std::path::Path, write_codebook: bool) -> Result<String> {
    let data = crate::dataset::Dataset::read(data_dir)?;
    let problems = data.validate();
    if !problems.is_empty() {
        return Err(Error::usage(format!(
            "the dataset has {} problems: run sovcost validate",
            problems.len()
        )));
    }
    let list = crate::quality::status_list(&data);
    if !write_codebook {
        return Ok(list);
    }
    let path = data_dir.join("CODEBOOK.md");
    let text = std::fs::read_to_string(&path).map_err(|e| {
        Error::input(
            crate::error::Location::file(&path),
            format!("cannot read: {e}"),
        )
    })?;
    let new = crate::quality::codebook_with_list(&text, &list).ok_or_else(|| {
        Error::input(
            crate::error::Location::file(&path),
            format!(
                "the markers of the status list are missing (a line '{}' followed by '{}')",
                crate::quality::CODEBOOK_BEGIN,
                crate::quality::CODEBOOK_END
            ),
        )
    })?;
    crate::io::write_atomic(&path, new.as_bytes())?;
    Ok(format!("wrote the status list into {}\n", path.display()))
}

/// SHA-256 over the files of a directory with the given extension.
pub fn content_hash(dir: &std::path::Path, ext: &str) -> Result<String> {
    use sha2::{Digest, Sha256};
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| {
            Error::input(
                crate::error::Location::file(dir),
                format!("cannot read the directory: {e}"),
            )
        })?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .collect();
    files.sort();
    let mut h = Sha256::new();
    for f in files {
        let bytes = std::fs::read(&f).map_err(|e| {
            Error::input(
                crate::error::Location::file(&f),
                format!("cannot read: {e}"),
            )
        })?;
        h.update(
            f.file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default()
                .as_bytes(),
        );
        h.update([0u8]);
        h.update((bytes.len() as u64).to_le_bytes());
        h.update(&bytes);
    }
    Ok(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

/// Options of `sovcost run`.
#[derive(Debug, Clone, clap::Args)]
pub struct RunArgs {
    /// Analyses to run (names as `sovcost list` shows them); all if none.
    pub analyses: Vec<String>,
    /// The dataset directory.
    #[arg(long, default_value = "datasets")]
    pub data_dir: PathBuf,
    /// The directory of analysis specifications.
    #[arg(long, default_value = "analyses")]
    pub analyses_dir: PathBuf,
    /// Where the reports are written [default: reports; with ANALYSES named,
    /// reports-partial, so a partial run never replaces the full reports].
    /// Only files an earlier run wrote there (listed in its
    /// .sovcost-manifest) are replaced or removed; a directory holding other
    /// files, or a file, is refused.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Seed of every resampling and simulation stream. Given, it overrides
    /// the seeds in the analysis files; not given, each analysis uses its
    /// file's seed (20141010 where the file names none). The report shows
    /// the seed each analysis used.
    #[arg(long)]
    pub seed: Option<u64>,
}

impl RunArgs {
    /// The report directory: `--out`, or `reports` for a run of every
    /// analysis and `reports-partial` for a run of the ones named.
    pub fn out_dir(&self) -> PathBuf {
        match &self.out {
            Some(out) => out.clone(),
            None if self.analyses.is_empty() => PathBuf::from("reports"),
            None => PathBuf::from("reports-partial"),
        }
    }
}

/// The analysis specs of a directory; a directory with none is an error.
fn read_analyses(dir: &std::path::Path) -> Result<Vec<(PathBuf, crate::analysis::Spec)>> {
    let specs = crate::analysis::read_specs(dir)?;
    if specs.is_empty() {
        return Err(Error::input(
            crate::error::Location::file(dir),
            "no analysis files in this directory (an analysis is a .toml file, README: Analyses): \
             pass the directory that holds them with --analyses-dir",
        ));
    }
    Ok(specs)
}

/// Runs the analyses; returns the results (nothing written).
pub fn run_analyses(args: &RunArgs) -> Result<RunResults> {
    let data = crate::dataset::Dataset::read(&args.data_dir)?;
    let problems = data.validate();
    if !problems.is_empty() {
        let list: Vec<String> = problems.iter().take(20).map(|p| p.to_string()).collect();
        return Err(Error::usage(format!(
            "the dataset has {} problem{} (run sovcost validate for all of them):\n{}",
            problems.len(),
            if problems.len() == 1 { "" } else { "s" },
            list.join("\n")
        )));
    }
    let specs = read_analyses(&args.analyses_dir)?;
    for name in &args.analyses {
        if !specs.iter().any(|(_, s)| &s.name == name) {
            return Err(Error::usage(format!(
                "no analysis named '{name}' (the analyses are: {})",
                specs
                    .iter()
                    .map(|(_, s)| s.name.clone())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
    }
    let ctx = crate::analysis::Context {
        data: &data,
        specs: &specs,
        seed_override: args.seed,
    };
    // The analyses are independent of one another: they run in parallel and
    // are collected in their order (the first error in that order wins).
    let chosen: Vec<&(PathBuf, crate::analysis::Spec)> = specs
        .iter()
        .filter(|(_, spec)| args.analyses.is_empty() || args.analyses.contains(&spec.name))
        .collect();
    let results: Vec<crate::results::AnalysisResult> = {
        use rayon::prelude::*;
        chosen
            .par_iter()
            .map(|(path, spec)| {
                let started = std::time::Instant::now();
                let result = crate::analysis::run_one(&ctx, path, spec);
                crate::models::stage(&format!("analysis {}", spec.name), started);
                result
            })
            .collect::<Vec<_>>()
            .into_iter()
            .collect::<Result<Vec<_>>>()?
    };
    let mut data_quality =
        crate::quality::data_quality(&data, &crate::panel::PanelOptions::default());
    if let Some((name, term, variants)) = crate::analysis::main_result_variants(&ctx)? {
        data_quality.main_analysis = name;
        data_quality.main_term = term;
        data_quality.main_result = variants;
    }
    Ok(RunResults {
        data_quality,
        sovcost_version: env!("CARGO_PKG_VERSION").to_string(),
        dataset_sha256: content_hash(&args.data_dir, "csv")?,
        analyses_sha256: content_hash(&args.analyses_dir, "toml")?,
        seed: args.seed.unwrap_or(crate::analysis::DEFAULT_SEED),
        seed_overrides_specs: args.seed.is_some(),
        instruments: data.treaties.rows.len(),
        // China's acts: the report is about China; the other states' rows
        // are the comparative data.
        actions: data
            .actions
            .rows
            .iter()
            .filter(|r| data.actions.get(r, "state") == crate::panel::CHINA)
            .count(),
        analyses: results,
    })
}

/// `sovcost run`: runs, writes the reports, returns the summary.
pub fn run(args: &RunArgs) -> Result<String> {
    let started = std::time::Instant::now();
    let out = args.out_dir();
    // A directory the reports may not go in is refused before the analyses run.
    crate::report::output::previous_outputs(&out)?;
    let results = run_analyses(args)?;
    crate::models::stage("all analyses", started);
    let written = crate::report::write_reports(&results, &out)?;
    crate::models::stage("analyses and reports", started);
    let mut summary = crate::report::screen::verdicts(&results);
    summary.push_str(&format!(
        "\nwrote {} files to {} (report.md, report.html, results.json, tables/, figures/)\n",
        written.len(),
        out.display()
    ));
    Ok(summary)
}

/// `sovcost list`.
pub fn list(analyses_dir: &std::path::Path) -> Result<String> {
    let specs = read_analyses(analyses_dir)?;
    let width = specs.iter().map(|(_, s)| s.name.len()).max().unwrap_or(0);
    Ok(specs
        .iter()
        .map(|(_, s)| format!("{:<width$}  {}\n", s.name, s.title))
        .collect())
}

/// Options of `sovcost export`.
#[derive(Debug, Clone, clap::Args)]
pub struct ExportArgs {
    /// csv or json.
    #[arg(long, default_value = "csv")]
    pub format: String,
    /// The dataset directory.
    #[arg(long, default_value = "datasets")]
    pub data_dir: PathBuf,
    /// Where the panels are written.
    #[arg(long, default_value = "export")]
    pub out: PathBuf,
    /// Actions after this date do not count (YYYY-MM-DD).
    #[arg(long, default_value = "2025-12-31")]
    pub cutoff: String,
    /// Count unverified actions and provisions too.
    #[arg(long)]
    pub include_unverified: bool,
}

/// `sovcost export`: the analysis panels for R, Stata or Python users.
pub fn export(args: &ExportArgs) -> Result<String> {
    let format = args.format.to_ascii_lowercase();
    if format != "csv" && format != "json" {
        return Err(Error::usage(format!(
            "unknown export format '{}' (use csv or json)",
            args.format
        )));
    }
    if crate::dataset::check_dated(&args.cutoff, "day").is_err() {
        return Err(Error::usage(format!(
            "--cutoff '{}' is not a date (YYYY-MM-DD)",
            args.cutoff
        )));
    }
    let data = crate::dataset::Dataset::read(&args.data_dir)?;
    let problems = data.validate();
    if !problems.is_empty() {
        return Err(Error::usage(format!(
            "the dataset has {} problems: run sovcost validate",
            problems.len()
        )));
    }
    let opts = crate::panel::PanelOptions {
        cutoff: args.cutoff.clone(),
        include_unverified: args.include_unverified,
    };
    let records = crate::panel::treaty_records(&data, &opts);
    let provisions = crate::panel::provision_records(&data, &records, &opts);
    let states = crate::state_panel::state_panel(&data, &opts);
    let tables = [
        ("treaty_panel", crate::panel::treaty_table(&records)?),
        (
            "provision_panel",
            crate::panel::provision_table(&provisions)?,
        ),
        (
            "treaty_year_panel",
            crate::panel::treaty_year_table(&records, &opts)?,
        ),
        ("state_panel", crate::state_panel::state_table(&states)?),
        (
            "state_year_panel",
            crate::state_panel::state_year_table(&states, &opts)?,
        ),
    ];
    let mut lines = Vec::new();
    let mut files = Vec::new();
    for (name, table) in &tables {
        let raw = crate::dataset::RawTable::from_table(table)?;
        let file = format!("{name}.{format}");
        let path = args.out.join(&file);
        let bytes = panel_bytes(&format, &raw.header, &raw.rows)?;
        crate::io::write_atomic(&path, bytes.as_bytes())?;
        lines.push(format!("{} ({} rows)", path.display(), raw.rows.len()));
        files.push((file, raw.header, raw.rows.len()));
    }
    let headers: Vec<(String, Vec<String>)> = files
        .iter()
        .map(|(f, h, _)| (f.clone(), h.clone()))
        .collect();
    let dictionary = crate::dictionary::dictionary_csv(&headers)?;
    let path = args.out.join("dictionary.csv");
    crate::io::write_atomic(&path, dictionary.as_bytes())?;
    lines.push(path.display().to_string());
    let manifest = export_manifest(args, &format, &files)?;
    let path = args.out.join("export.json");
    crate::io::write_atomic(&path, manifest.as_bytes())?;
    lines.push(path.display().to_string());
    let options = serde_json::json!({
        "sovcost_version": env!("CARGO_PKG_VERSION"),
        "cutoff": args.cutoff,
        "include_unverified": args.include_unverified,
        "dataset_sha256": content_hash(&args.data_dir, "csv")?,
    });
    let package = crate::dictionary::datapackage_json(&headers, &format, options)?;
    let path = args.out.join("datapackage.json");
    crate::io::write_atomic(&path, to_json(&package)?.as_bytes())?;
    lines.push(path.display().to_string());
    Ok(format!("wrote {}\n", lines.join(", ")))
}

/// A panel as CSV, or as JSON objects (numbers as numbers, `NA` as null).
fn panel_bytes(format: &str, header: &[String], rows: &[crate::dataset::Row]) -> Result<String> {
    if format == "csv" {
        return Ok(crate::dataset::csv_text(header, rows));
    }
    let objects: Vec<serde_json::Map<String, serde_json::Value>> = rows
        .iter()
        .map(|r| {
            header
                .iter()
                .map(|h| {
                    let v = &r[h];
                    let value = match v.parse::<f64>() {
                        Ok(x) if x.is_finite() && x.fract() == 0.0 && x.abs() < 9e15 => {
                            serde_json::json!(x as i64)
                        }
                        Ok(x) if x.is_finite() => serde_json::json!(x),
                        _ if v == "NA" => serde_json::Value::Null,
                        _ => serde_json::Value::String(v.clone()),
                    };
                    (h.clone(), value)
                })
                .collect()
        })
        .collect();
    to_json(&objects)
}

/// `export.json`: the options that produced the panels, and the dataset's hash
/// (the same `dataset_sha256` as in reports/results.json).
fn export_manifest(
    args: &ExportArgs,
    format: &str,
    files: &[(String, Vec<String>, usize)],
) -> Result<String> {
    let files: Vec<serde_json::Value> = files
        .iter()
        .map(|(f, h, n)| serde_json::json!({"file": f, "rows": n, "columns": h.len()}))
        .collect();
    let manifest = serde_json::json!({
        "sovcost_version": env!("CARGO_PKG_VERSION"),
        "format": format,
        "cutoff": args.cutoff,
        "include_unverified": args.include_unverified,
        "dataset_sha256": content_hash(&args.data_dir, "csv")?,
        "files": files,
        "dictionary": "dictionary.csv",
    });
    to_json(&manifest)
}

/// Options of `sovcost table`.
#[derive(Debug, Clone, clap::Args)]
pub struct TableArgs {
    /// `sovcost fit --format json` outputs, one column each (binary or ordinal).
    #[arg(required = true)]
    pub fits: Vec<PathBuf>,
    /// latex, markdown or html.
    #[arg(long, default_value = "markdown")]
    pub format: String,
    /// Odds ratios (exponentiated estimates and bounds; delta-method standard errors).
    #[arg(long)]
    pub exponentiate: bool,
    /// The column labels, comma-separated (default: the file names without extension).
    #[arg(long)]
    pub labels: Option<String>,
    /// The table's caption (default: what the cells hold).
    #[arg(long)]
    pub caption: Option<String>,
    /// Write the table to this file (atomically) instead of stdout.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// `sovcost table`: several fits side by side, as modelsummary does.
pub fn table(args: &TableArgs) -> Result<String> {
    let format = Format::parse(&args.format)?;
    if matches!(format, Format::Text | Format::Json) {
        return Err(Error::usage(
            "sovcost table writes latex, markdown or html (--format)",
        ));
    }
    let labels: Vec<String> = match &args.labels {
        Some(l) => l.split(',').map(|s| s.trim().to_string()).collect(),
        None => args
            .fits
            .iter()
            .map(|p| {
                p.file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default()
            })
            .collect(),
    };
    if labels.len() != args.fits.len() {
        return Err(Error::usage(format!(
            "--labels gives {} labels for {} fits",
            labels.len(),
            args.fits.len()
        )));
    }
    let mut columns = Vec::new();
    for (path, label) in args.fits.iter().zip(&labels) {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Error::input(
                crate::error::Location::file(path),
                format!("cannot read: {e}"),
            )
        })?;
        columns.push(crate::report::regression::ModelColumn::from_json(
            label, path, &text,
        )?);
    }
    let mut t = crate::report::regression::models_table(&columns, args.exponentiate);
    if let Some(c) = &args.caption {
        t.caption = c.clone();
    }
    let text = format.table(&t).unwrap_or_default();
    if let Some(out) = &args.out {
        crate::io::write_atomic(out, text.as_bytes())?;
        return Ok(String::new());
    }
    Ok(text)
}
