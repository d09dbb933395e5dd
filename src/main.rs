//! The command line: parses arguments and dispatches to `sovcost::app`.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use sovcost::app;

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
    Fit(app::FitArgs),
    /// Exact small-sample tests (Fisher's exact test, intervals for a proportion).
    #[command(subcommand)]
    Exact(app::ExactCommand),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Fit(args) => app::fit(&args),
        Command::Exact(cmd) => app::exact(&cmd),
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
