//! Tables read from CSV, in polars. Every polars call in the project lives in
//! this module (polars' Rust API changes between minor versions; the version
//! is pinned in Cargo.toml). The rest of the code sees plain Rust vectors.

use std::path::{Path, PathBuf};

use polars::prelude::*;

use crate::error::{Error, Location, Result};

/// Text that means "missing" in an input cell (as R's `read.csv` default, plus
/// the empty cell).
pub fn is_missing_marker(cell: &str) -> bool {
    let t = cell.trim();
    t.is_empty() || t == "NA"
}

/// A CSV table with one header row, held as text columns until a caller asks
/// for a column as numbers or as labels.
#[derive(Debug, Clone)]
pub struct Table {
    path: PathBuf,
    frame: DataFrame,
}

impl Table {
    /// Reads a CSV file. Every column is read as text, so that a bad cell can
    /// be reported with its row and column when it is converted.
    pub fn read_csv(path: &Path) -> Result<Table> {
        let loc = Location::file(path);
        let meta = std::fs::metadata(path)
            .map_err(|e| Error::input(loc.clone(), format!("cannot read file: {e}")))?;
        if meta.is_dir() {
            return Err(Error::input(loc, "is a directory, not a CSV file"));
        }
        if meta.len() == 0 {
            return Err(Error::input(loc, "the file is empty (no header row)"));
        }
        let frame = CsvReadOptions::default()
            .with_has_header(true)
            .with_infer_schema_length(Some(0))
            .with_raise_if_empty(true)
            .try_into_reader_with_file_path(Some(path.to_path_buf()))
            .and_then(|reader| reader.finish())
            .map_err(|e| Error::input(loc.clone(), format!("not a readable CSV table: {e}")))?;
        let table = Table {
            path: path.to_path_buf(),
            frame,
        };
        let mut seen = std::collections::BTreeSet::new();
        for name in table.column_names() {
            if name.trim().is_empty() {
                return Err(Error::input(loc, "the header has an empty column name"));
            }
            if !seen.insert(name.clone()) {
                return Err(Error::input(
                    loc.column(name),
                    "the column name appears twice in the header",
                ));
            }
        }
        Ok(table)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn n_rows(&self) -> usize {
        self.frame.height()
    }

    pub fn column_names(&self) -> Vec<String> {
        self.frame
            .get_column_names()
            .into_iter()
            .map(|s| s.to_string())
            .collect()
    }

    pub fn has_column(&self, name: &str) -> bool {
        self.frame.column(name).is_ok()
    }

    fn location(&self) -> Location {
        Location::file(&self.path)
    }

    fn strings(&self, name: &str) -> Result<&StringChunked> {
        let column = self.frame.column(name).map_err(|_| {
            Error::input(
                self.location().column(name),
                format!(
                    "no such column (the columns are: {})",
                    self.column_names().join(", ")
                ),
            )
        })?;
        column
            .str()
            .map_err(|e| Error::internal(format!("column {name} was not read as text: {e}")))
    }

    /// The column's text exactly as in the file; `None` for an empty cell.
    pub fn raw_text(&self, name: &str) -> Result<Vec<Option<String>>> {
        let column = self.strings(name)?;
        Ok(column.iter().map(|c| c.map(|v| v.to_string())).collect())
    }

    /// The column as labels; `None` marks a missing cell.
    pub fn text(&self, name: &str) -> Result<Vec<Option<String>>> {
        let column = self.strings(name)?;
        Ok(column
            .iter()
            .map(|cell| match cell {
                Some(c) if !is_missing_marker(c) => Some(c.trim().to_string()),
                _ => None,
            })
            .collect())
    }

    /// The column as numbers; `None` marks a missing cell. `TRUE`/`FALSE` read
    /// as 1/0 (as R reads a logical column). Any other non-numeric cell is an
    /// error naming its row and column.
    pub fn numeric(&self, name: &str) -> Result<Vec<Option<f64>>> {
        let column = self.strings(name)?;
        let mut out = Vec::with_capacity(column.len());
        for (i, cell) in column.iter().enumerate() {
            let value = match cell {
                None => None,
                Some(c) if is_missing_marker(c) => None,
                Some(c) => Some(parse_number(c).ok_or_else(|| {
                    Error::input(
                        self.location().row(i + 1).column(name),
                        format!("'{}' is not a number", c.trim()),
                    )
                })?),
            };
            out.push(value);
        }
        Ok(out)
    }
}

/// Parses one numeric cell. Infinite and NaN values are refused: they are not
/// data a logit can use.
pub fn parse_number(cell: &str) -> Option<f64> {
    let t = cell.trim();
    match t {
        "TRUE" | "true" | "True" => return Some(1.0),
        "FALSE" | "false" | "False" => return Some(0.0),
        _ => {}
    }
    let v: f64 = t.parse().ok()?;
    if v.is_finite() {
        Some(v)
    } else {
        None
    }
}
