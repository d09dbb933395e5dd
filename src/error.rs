//! Errors. Every failure that a user can cause (bad file, bad formula, bad
//! data) is an [`Error::Input`], or an [`Error::NotEstimable`] when the data
//! cannot support the model asked for: the CLI prints either on one line and
//! exits with code 2. Anything else is an internal failure (exit code 1).

use std::fmt;
use std::path::Path;

/// Where in an input file a problem is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Location {
    pub file: Option<String>,
    /// 1-based data row (the header is not counted).
    pub row: Option<usize>,
    /// The line in the file, when it is not `row + 1` (blank lines skipped,
    /// a quoted cell over several lines) or there is no row (the header).
    pub line: Option<usize>,
    pub column: Option<String>,
}

impl Location {
    pub fn file(path: &Path) -> Self {
        Location {
            file: Some(path.display().to_string()),
            ..Default::default()
        }
    }
    pub fn row(mut self, row: usize) -> Self {
        self.row = Some(row);
        self
    }
    pub fn line(mut self, line: usize) -> Self {
        self.line = Some(line);
        self
    }
    pub fn column(mut self, column: impl Into<String>) -> Self {
        self.column = Some(column.into());
        self
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        if let Some(file) = &self.file {
            parts.push(file.clone());
        }
        match (self.row, self.line) {
            // Data row r sits on line r + 1 of a file with one header line
            // and no blank line.
            (Some(row), line) => {
                parts.push(format!("row {row} (line {})", line.unwrap_or(row + 1)))
            }
            (None, Some(line)) => parts.push(format!("line {line}")),
            (None, None) => {}
        }
        if let Some(column) = &self.column {
            parts.push(format!("column '{column}'"));
        }
        write!(f, "{}", parts.join(", "))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Error {
    /// Bad input from the user: exit code 2.
    Input { location: Location, rule: String },
    /// Input that is well-formed but that the data cannot support: a model
    /// the data do not identify (a constant outcome, no complete rows, fewer
    /// rows than parameters, collinear terms, a singular information
    /// matrix). Exit code 2 and displayed as [`Error::Input`]; callers that
    /// fit alternative models note it instead of failing.
    NotEstimable { location: Location, rule: String },
    /// A failure that is not the input's fault: exit code 1.
    Internal(String),
}

impl Error {
    pub fn input(location: Location, rule: impl Into<String>) -> Self {
        Error::Input {
            location,
            rule: rule.into(),
        }
    }
    /// An input error with no file position (a bad option or formula).
    pub fn usage(rule: impl Into<String>) -> Self {
        Error::Input {
            location: Location::default(),
            rule: rule.into(),
        }
    }
    /// A model the data cannot support, with no file position.
    pub fn not_estimable(rule: impl Into<String>) -> Self {
        Error::NotEstimable {
            location: Location::default(),
            rule: rule.into(),
        }
    }
    /// A model the data cannot support, at a place in an input file.
    pub fn not_estimable_at(location: Location, rule: impl Into<String>) -> Self {
        Error::NotEstimable {
            location,
            rule: rule.into(),
        }
    }
    pub fn internal(msg: impl Into<String>) -> Self {
        Error::Internal(msg.into())
    }
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Input { .. } | Error::NotEstimable { .. } => 2,
            Error::Internal(_) => 1,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Input { location, rule } | Error::NotEstimable { location, rule } => {
                let loc = location.to_string();
                if loc.is_empty() {
                    write!(f, "{rule}")
                } else {
                    write!(f, "{loc}: {rule}")
                }
            }
            Error::Internal(msg) => write!(f, "internal error: {msg}"),
        }
    }
}

impl std::error::Error for Error {}

pub type Result<T> = std::result::Result<T, Error>;
