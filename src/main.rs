//! The command line: parses arguments and dispatches to `sovcost::app`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use sovcost::app;

#[global_allocator]
static ALLOCATOR: sovcost::memory::HugePageAllocator = sovcost::memory::HugePageAllocator;

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

// Parsed once per run: the size of the largest variant (fit's options) does
// not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand)]
enum Command {
    /// Run the analyses (all, or those named) and write the reports.
    Run(app::RunArgs),
    /// List the analyses with one line each.
    List {
        /// The directory of analysis specifications.
        #[arg(long, default_value = "analyses")]
        analyses_dir: PathBuf,
    },
    /// Fit a logistic regression (or, with --family ordinal, an ordered logit) to a CSV file.
    Fit(app::FitArgs),
    /// Put several `fit --format json` outputs side by side in one regression
    /// table (LaTeX, Markdown or HTML), as modelsummary does.
    Table(app::TableArgs),
    /// Check the dataset: schema, types, enumerations, unique ids, references,
    /// date order and coding ranges; every problem is listed.
    Validate {
        /// The dataset directory.
        #[arg(long, default_value = "datasets")]
        data_dir: PathBuf,
        /// Also list every unverified fact, one a line (file, row, instrument, what).
        #[arg(long)]
        unverified: bool,
    },
    /// China's participation status and derived outcome in every instrument
    /// (the list in the codebook).
    Status {
        /// The dataset directory.
        #[arg(long, default_value = "datasets")]
        data_dir: PathBuf,
        /// Write the list into DATA_DIR/CODEBOOK.md between its markers.
        #[arg(long)]
        write_codebook: bool,
    },
    /// The dataset's sources as BibTeX (one @misc entry per row of sources.csv).
    Sources {
        /// Write BibTeX (the only output so far; required).
        #[arg(long, required = true)]
        bib: bool,
        /// The dataset directory.
        #[arg(long, default_value = "datasets")]
        data_dir: PathBuf,
        /// Write to this file (atomically) instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Write the analysis panels (treaty, provision, treaty-year) as CSV or JSON.
    Export(app::ExportArgs),
    /// Extend the dataset.
    #[command(subcommand)]
    Treaty(TreatyCommand),
    /// Import depositary data into the dataset.
    #[command(subcommand)]
    Dataset(DatasetCommand),
    /// Exact small-sample tests (Fisher's exact test, intervals for a proportion).
    #[command(subcommand)]
    Exact(app::ExactCommand),
}

#[derive(Subcommand)]
enum TreatyCommand {
    /// Add an instrument with its codings, actions, provisions and sources from
    /// a TOML file (validated first; the CSVs are rewritten atomically).
    Add {
        /// The instrument file (see README: Extending the dataset).
        file: PathBuf,
        /// The dataset directory.
        #[arg(long, default_value = "datasets")]
        data_dir: PathBuf,
    },
}

#[derive(Subcommand)]
enum DatasetCommand {
    /// Import a UN Treaty Collection participant table (Participant,
    /// Signature, "Ratification, Accession(a), Succession(d)") as status and
    /// action rows of one instrument (validated first; written atomically).
    ImportUntc {
        /// The instrument (a treaty_id in treaties.csv).
        #[arg(long)]
        treaty: String,
        /// The participant table (CSV).
        #[arg(long)]
        file: PathBuf,
        /// The source the table was read on (a source_id in sources.csv).
        #[arg(long)]
        source: String,
        /// Only these states (alpha-3, comma-separated); a state named here and
        /// absent from the table gets status none.
        #[arg(long, value_delimiter = ',')]
        states: Vec<String>,
        /// The date the table holds for (default: the source's accessed date).
        #[arg(long, default_value = "")]
        as_of: String,
        /// Replace a state's rows in the instrument if they cite only this source.
        #[arg(long)]
        replace: bool,
        /// The dataset directory.
        #[arg(long, default_value = "datasets")]
        data_dir: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Run(args) => app::run(&args),
        Command::List { analyses_dir } => app::list(&analyses_dir),
        Command::Fit(args) => app::fit(&args),
        Command::Table(args) => app::table(&args),
        Command::Exact(cmd) => app::exact(&cmd),
        Command::Validate {
            data_dir,
            unverified,
        } => app::validate(&data_dir, unverified),
        Command::Status {
            data_dir,
            write_codebook,
        } => app::status(&data_dir, write_codebook),
        Command::Sources {
            bib: _,
            data_dir,
            out,
        } => sovcost::bib::sources_command(&data_dir, out.as_deref()),
        Command::Export(args) => app::export(&args),
        Command::Treaty(TreatyCommand::Add { file, data_dir }) => app::treaty_add(&data_dir, &file),
        Command::Dataset(DatasetCommand::ImportUntc {
            treaty,
            file,
            source,
            states,
            as_of,
            replace,
            data_dir,
        }) => sovcost::dataset::import_untc(&sovcost::dataset::UntcImport {
            data_dir,
            treaty,
            file,
            source,
            states,
            as_of,
            replace,
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
