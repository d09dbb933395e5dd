//! What each command does. `main.rs` only parses the command line and calls
//! these functions; they return the text to print.

use std::path::PathBuf;

use crate::error::{Error, Result};
use crate::models::inference::VcovType;
use crate::models::{self, CiMethod, FitSpec, Method};
use crate::panel::Table;
use crate::report::summary;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
}

impl Format {
    pub fn parse(text: &str) -> Result<Format> {
        match text.trim().to_ascii_lowercase().as_str() {
            "text" => Ok(Format::Text),
            "json" => Ok(Format::Json),
            other => Err(Error::usage(format!(
                "unknown format '{other}' (use text or json)"
            ))),
        }
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
    /// Estimator: ml, firth (Firth's penalized likelihood) or auto (Firth
    /// when the data are separated or have fewer than 10 events per parameter).
    #[arg(long, default_value = "ml")]
    pub method: String,
    /// Covariance: model, hc0, hc1, hc2, hc3 or cluster:COLUMN.
    #[arg(long, default_value = "model")]
    pub vcov: String,
    /// Confidence level of the intervals.
    #[arg(long, default_value_t = 0.95)]
    pub level: f64,
    /// Interval method: default (wald for ml, profile for firth), wald, or
    /// profile (profile likelihood; profile penalized likelihood for firth).
    #[arg(long, default_value = "default")]
    pub ci: String,
    /// Output format: text or json.
    #[arg(long, default_value = "text")]
    pub format: String,
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
    /// Write the output to this file (atomically) instead of stdout.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// `sovcost fit`: returns the text to print on stdout.
pub fn fit(args: &FitArgs) -> Result<String> {
    let format = Format::parse(&args.format)?;
    let mut spec = FitSpec::new(&args.formula);
    spec.method = Method::parse(&args.method)?;
    spec.vcov = VcovType::parse(&args.vcov)?;
    spec.level = args.level;
    spec.ci = CiMethod::parse(&args.ci)?;
    spec.predict = args.predict.clone();
    spec.marginal_effects = args.ame;
    spec.lr_tests = args.lrt;
    // Parse the formula before reading the data, so a typo is reported first.
    crate::formula::parse(&spec.formula)?;
    let table = Table::read_csv(&args.data)?;
    let result = models::fit_table(&table, &spec)?;
    let text = match format {
        Format::Text => summary::render(&result),
        Format::Json => {
            let mut j = serde_json::to_string_pretty(&result)
                .map_err(|e| Error::internal(format!("cannot serialise the result: {e}")))?;
            j.push('\n');
            j
        }
    };
    if let Some(out) = &args.out {
        crate::io::write_atomic(out, text.as_bytes())?;
        return Ok(String::new());
    }
    Ok(text)
}
