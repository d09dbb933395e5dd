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

#[derive(Debug, Clone)]
pub struct FitArgs {
    pub data: PathBuf,
    pub formula: String,
    pub method: String,
    pub vcov: String,
    pub level: f64,
    pub ci: String,
    pub format: String,
    pub predict: Vec<String>,
    pub ame: bool,
    pub lrt: bool,
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
