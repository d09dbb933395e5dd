//! The command line: parses arguments and dispatches to `sovcost::app`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "sovcost",
    version,
    about = "Sovereignty costs and China's treaty behaviour: sourced data, logit models, verdicts and reports"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Fit a logistic regression to a CSV file (output laid out as R's summary(glm)).
    Fit {
        /// CSV file with a header row; NA or an empty cell is missing.
        #[arg(long)]
        data: PathBuf,
        /// Model formula, e.g. "y ~ x1 + x2", "y ~ a*b", "y ~ C(area, ref=trade) - 1".
        #[arg(long)]
        formula: String,
        /// Estimator: ml.
        #[arg(long, default_value = "ml")]
        method: String,
        /// Covariance: model, hc0, hc1, hc2, hc3 or cluster:COLUMN.
        #[arg(long, default_value = "model")]
        vcov: String,
        /// Confidence level of the intervals.
        #[arg(long, default_value_t = 0.95)]
        level: f64,
        /// Interval method: wald or profile (profile likelihood).
        #[arg(long, default_value = "wald")]
        ci: String,
        /// Output format: text or json.
        #[arg(long, default_value = "text")]
        format: String,
        /// Predicted probability at given values, e.g. "x1=1,area=trade"
        /// (other variables at their mean or reference level). Repeatable.
        #[arg(long)]
        predict: Vec<String>,
        /// Average marginal effects of every variable.
        #[arg(long)]
        ame: bool,
        /// Likelihood-ratio test for dropping each term.
        #[arg(long)]
        lrt: bool,
        /// Write the output to this file (atomically) instead of stdout.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Fit {
            data,
            formula,
            method,
            vcov,
            level,
            ci,
            format,
            predict,
            ame,
            lrt,
            out,
        } => sovcost::app::fit(&sovcost::app::FitArgs {
            data,
            formula,
            method,
            vcov,
            level,
            ci,
            format,
            predict,
            ame,
            lrt,
            out,
        }),
    };
    match outcome {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("sovcost: error: {e}");
            ExitCode::from(e.exit_code() as u8)
        }
    }
}
