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
    /// Columns read by the fast numeric reader (the frame is then empty).
    numbers: Vec<(String, Vec<f64>)>,
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
            numbers: Vec::new(),
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

    /// Reads only the columns a model needs: `numeric` ones parsed as numbers
    /// by polars' multi-threaded CSV parser (the fast path for large files),
    /// `text` ones as text. Anything the fast path cannot take as it is (a
    /// missing column, a cell that is not a plain number, a header problem)
    /// sends the file through [`Table::read_csv`], whose column-by-column
    /// conversion reports the file, row and column of the problem, or accepts
    /// what the fast path refused (`TRUE`/`FALSE`, padded cells).
    pub fn read_csv_columns(path: &Path, numeric: &[String], text: &[String]) -> Result<Table> {
        if text.is_empty() {
            if let Some(columns) = crate::numeric_csv::read(path, numeric) {
                return Ok(Table {
                    path: path.to_path_buf(),
                    frame: DataFrame::empty(),
                    numbers: numeric.iter().cloned().zip(columns).collect(),
                });
            }
        }
        match Self::read_typed(path, numeric, text) {
            Some(table) => Ok(table),
            None => Table::read_csv(path),
        }
    }

    fn read_typed(path: &Path, numeric: &[String], text: &[String]) -> Option<Table> {
        let header = CsvReadOptions::default()
            .with_has_header(true)
            .with_infer_schema_length(Some(0))
            .with_n_rows(Some(0))
            .with_raise_if_empty(true)
            .try_into_reader_with_file_path(Some(path.to_path_buf()))
            .and_then(|reader| reader.finish())
            .ok()?;
        let names: Vec<String> = header
            .get_column_names()
            .into_iter()
            .map(|s| s.to_string())
            .collect();
        let distinct: std::collections::BTreeSet<&String> = names.iter().collect();
        if distinct.len() != names.len() || names.iter().any(|n| n.trim().is_empty()) {
            return None;
        }
        let mut wanted: Vec<String> = Vec::new();
        for n in numeric.iter().chain(text) {
            if !names.contains(n) {
                return None;
            }
            if !wanted.contains(n) {
                wanted.push(n.clone());
            }
        }
        // A column wanted both as numbers and as labels is read as text.
        let typed: Vec<&String> = numeric.iter().filter(|n| !text.contains(n)).collect();
        let mut schema = Schema::default();
        for n in &typed {
            schema.with_column(n.as_str().into(), DataType::Float64);
        }
        let columns: Arc<[PlSmallStr]> = wanted.iter().map(|n| n.as_str().into()).collect();
        let frame = CsvReadOptions::default()
            .with_has_header(true)
            .with_infer_schema_length(Some(0))
            .with_columns(Some(columns))
            .with_schema_overwrite(Some(Arc::new(schema)))
            .with_parse_options(
                CsvParseOptions::default()
                    .with_null_values(Some(NullValues::AllColumnsSingle("NA".into()))),
            )
            .try_into_reader_with_file_path(Some(path.to_path_buf()))
            .and_then(|reader| reader.finish())
            .ok()?;
        // Infinite and NaN cells are refused by the text path with their row.
        for n in &typed {
            let ca = frame.column(n.as_str()).ok()?.f64().ok()?;
            if ca.iter().any(|v| v.is_some_and(|x| !x.is_finite())) {
                return None;
            }
        }
        Some(Table {
            path: path.to_path_buf(),
            frame,
            numbers: Vec::new(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn n_rows(&self) -> usize {
        match self.numbers.first() {
            Some((_, v)) => v.len(),
            None => self.frame.height(),
        }
    }

    fn stored_numbers(&self, name: &str) -> Option<&[f64]> {
        self.numbers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_slice())
    }

    pub fn column_names(&self) -> Vec<String> {
        if !self.numbers.is_empty() {
            return self.numbers.iter().map(|(n, _)| n.clone()).collect();
        }
        self.frame
            .get_column_names()
            .into_iter()
            .map(|s| s.to_string())
            .collect()
    }

    pub fn has_column(&self, name: &str) -> bool {
        self.frame.column(name).is_ok() || self.stored_numbers(name).is_some()
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

    /// The column as numbers with `NaN` for a missing cell (data values are
    /// always finite, so `NaN` is unambiguous); borrowed from the frame when
    /// it was read as numbers and has no missing cell. Errors as
    /// [`Table::numeric`].
    pub fn numbers(&self, name: &str) -> Result<std::borrow::Cow<'_, [f64]>> {
        use std::borrow::Cow;
        if let Some(v) = self.stored_numbers(name) {
            return Ok(Cow::Borrowed(v));
        }
        if let Ok(column) = self.frame.column(name) {
            if let Ok(ca) = column.f64() {
                if let Ok(slice) = ca.cont_slice() {
                    return Ok(Cow::Borrowed(slice));
                }
                return Ok(Cow::Owned(
                    ca.iter().map(|v| v.unwrap_or(f64::NAN)).collect(),
                ));
            }
        }
        Ok(Cow::Owned(
            self.numeric(name)?
                .into_iter()
                .map(|v| v.unwrap_or(f64::NAN))
                .collect(),
        ))
    }

    /// The column as numbers; `None` marks a missing cell. `TRUE`/`FALSE` read
    /// as 1/0 (as R reads a logical column). Any other non-numeric cell is an
    /// error naming its row and column.
    pub fn numeric(&self, name: &str) -> Result<Vec<Option<f64>>> {
        if let Some(v) = self.stored_numbers(name) {
            return Ok(v.iter().map(|x| (!x.is_nan()).then_some(*x)).collect());
        }
        if let Some(ca) = self.frame.column(name).ok().and_then(|c| c.f64().ok()) {
            return Ok(ca.iter().collect());
        }
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

impl Table {
    /// A table built in memory from text columns (the panels), so that
    /// the formula machinery reads it as it reads a CSV file. `label` names it
    /// in messages.
    pub fn from_columns(label: &str, columns: Vec<(String, Vec<String>)>) -> Result<Table> {
        let height = columns.first().map(|c| c.1.len()).unwrap_or(0);
        let cols: Vec<Column> = columns
            .into_iter()
            .map(|(name, values)| Column::new(name.as_str().into(), values))
            .collect();
        let frame = DataFrame::new(height, cols)
            .map_err(|e| Error::internal(format!("cannot build the panel {label}: {e}")))?;
        Ok(Table {
            path: PathBuf::from(label),
            frame,
            numbers: Vec::new(),
        })
    }
}
