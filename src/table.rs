//! Tables read from CSV, in polars. Every polars call in the project lives in
//! this module (polars' Rust API changes between minor versions; the version
//! is pinned in Cargo.toml). The rest of the code sees plain Rust vectors.

use std::path::{Path, PathBuf};

use polars::prelude::*;

use crate::error::{Error, Location, Result};

/// How a CSV file is written: the delimiter (`None`: found from the header
/// line), the decimal mark and the cells that mean "missing" (`None`: `NA`).
/// An empty cell is always missing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CsvOptions {
    pub delimiter: Option<u8>,
    /// ',' is the decimal mark (as R's `read.csv2`): `1,5` is 1.5.
    pub decimal_comma: bool,
    /// The cells read as missing (as R's `na.strings`), instead of `NA`.
    pub na: Option<Vec<String>>,
}

impl CsvOptions {
    /// Whether the fast numeric reader reads files this way (commas, decimal
    /// points, `NA`).
    pub fn is_plain(&self) -> bool {
        self.delimiter.is_none_or(|d| d == b',') && !self.decimal_comma && self.na.is_none()
    }

    fn na_strings(&self) -> Vec<String> {
        self.na.clone().unwrap_or_else(|| vec!["NA".into()])
    }
}

/// A CSV table with one header row, held as text columns until a caller asks
/// for a column as numbers or as labels; or a table built in memory from
/// typed columns ([`Table::from_columns`]).
#[derive(Debug, Clone)]
pub struct Table {
    path: PathBuf,
    frame: DataFrame,
    /// Columns held as plain vectors: those read by the fast numeric reader
    /// or the text reader, and those of a table built in memory (the frame
    /// is then empty).
    columns: Vec<(String, Stored)>,
    /// The line of each data row, when some row is not on line `row + 1`.
    row_lines: Option<Vec<usize>>,
    /// The cells read as missing (besides the empty cell).
    na: Vec<String>,
    decimal_comma: bool,
}

/// A column of a table built in memory: numbers or text, `None` for a
/// missing cell.
#[derive(Debug, Clone)]
pub enum Column {
    Numeric(Vec<Option<f64>>),
    Text(Vec<Option<String>>),
}

/// A column held outside the polars frame.
#[derive(Debug, Clone)]
enum Stored {
    /// Finite numbers, `NaN` for a missing cell.
    Numbers(Vec<f64>),
    /// Cells as text, `None` for an empty cell.
    Text(Vec<Option<String>>),
}

impl Stored {
    fn len(&self) -> usize {
        match self {
            Stored::Numbers(v) => v.len(),
            Stored::Text(v) => v.len(),
        }
    }
}

impl Table {
    /// Reads a CSV file with commas, decimal points and `NA` (or any one
    /// delimiter, found from the header). Every column is read as text, so
    /// that a bad cell can be reported with its row and column when it is
    /// converted.
    pub fn read_csv(path: &Path) -> Result<Table> {
        Table::read_csv_with(path, &CsvOptions::default())
    }

    /// [`Table::read_csv`] with the file's dialect.
    pub fn read_csv_with(path: &Path, options: &CsvOptions) -> Result<Table> {
        let (scanned, _) = scan_file(path, options, true)?;
        let mut table = Table::empty(path, options);
        table.row_lines = scanned.row_lines;
        table.columns = scanned
            .header
            .into_iter()
            .zip(scanned.columns.into_iter().map(Stored::Text))
            .collect();
        Ok(table)
    }

    fn empty(path: &Path, options: &CsvOptions) -> Table {
        Table {
            path: path.to_path_buf(),
            frame: DataFrame::empty(),
            columns: Vec::new(),
            row_lines: None,
            na: options.na_strings(),
            decimal_comma: options.decimal_comma,
        }
    }

    /// Reads only the columns a model needs: `numeric` ones parsed as numbers
    /// by the fast numeric reader or polars' multi-threaded CSV parser (the
    /// fast paths for large files), `text` ones as text. The structure of the
    /// file (header, quotes, fields per row) is checked first; anything the
    /// fast paths cannot take as it is (a cell that is not a plain number, a
    /// decimal comma) sends the file through [`Table::read_csv_with`], whose
    /// column-by-column conversion reports the file, row and column of the
    /// problem, or accepts what the fast paths refused (`TRUE`/`FALSE`,
    /// padded cells).
    pub fn read_csv_columns(
        path: &Path,
        numeric: &[String],
        text: &[String],
        options: &CsvOptions,
    ) -> Result<Table> {
        if text.is_empty() && options.is_plain() {
            if let Some(columns) = crate::numeric_csv::read(path, numeric) {
                let mut table = Table::empty(path, options);
                table.columns = numeric
                    .iter()
                    .cloned()
                    .zip(columns.into_iter().map(Stored::Numbers))
                    .collect();
                return Ok(table);
            }
        }
        let (scanned, delimiter) = scan_file(path, options, false)?;
        if !options.decimal_comma {
            if let Some(frame) = read_typed(path, delimiter, options, &scanned, numeric, text) {
                let mut table = Table::empty(path, options);
                table.frame = frame;
                table.row_lines = scanned.row_lines;
                return Ok(table);
            }
        }
        Table::read_csv_with(path, options)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn n_rows(&self) -> usize {
        match self.columns.first() {
            Some((_, c)) => c.len(),
            None => self.frame.height(),
        }
    }

    fn stored(&self, name: &str) -> Option<&Stored> {
        self.columns.iter().find(|(n, _)| n == name).map(|(_, c)| c)
    }

    fn stored_numbers(&self, name: &str) -> Option<&[f64]> {
        match self.stored(name)? {
            Stored::Numbers(v) => Some(v.as_slice()),
            Stored::Text(_) => None,
        }
    }

    pub fn column_names(&self) -> Vec<String> {
        if !self.columns.is_empty() {
            return self.columns.iter().map(|(n, _)| n.clone()).collect();
        }
        self.frame
            .get_column_names()
            .into_iter()
            .map(|s| s.to_string())
            .collect()
    }

    pub fn has_column(&self, name: &str) -> bool {
        self.frame.column(name).is_ok() || self.stored(name).is_some()
    }

    fn location(&self) -> Location {
        Location::file(&self.path)
    }

    /// The place of the data row with 0-based index `i`.
    fn row_location(&self, i: usize) -> Location {
        let at = self.location().row(i + 1);
        match self.row_lines.as_ref().and_then(|l| l.get(i)) {
            Some(&line) => at.line(line),
            None => at,
        }
    }

    /// Whether a cell is missing: empty, or one of the missing markers.
    fn is_missing(&self, cell: &str) -> bool {
        let t = cell.trim();
        t.is_empty() || self.na.iter().any(|m| m == t)
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

    /// The column's text exactly as in the file; `None` for an empty cell. A
    /// column of numbers held outside the frame gives each number's shortest
    /// text that reads back to it, and `NA` for a missing one (as the panels
    /// are written out).
    pub fn raw_text(&self, name: &str) -> Result<Vec<Option<String>>> {
        match self.stored(name) {
            Some(Stored::Text(v)) => Ok(v.clone()),
            Some(Stored::Numbers(v)) => Ok(v
                .iter()
                .map(|x| {
                    Some(if x.is_nan() {
                        "NA".into()
                    } else {
                        format!("{x}")
                    })
                })
                .collect()),
            None => {
                let column = self.strings(name)?;
                Ok(column.iter().map(|c| c.map(|v| v.to_string())).collect())
            }
        }
    }

    /// The column as labels; `None` marks a missing cell.
    pub fn text(&self, name: &str) -> Result<Vec<Option<String>>> {
        let label = |cell: Option<&str>| match cell {
            Some(c) if !self.is_missing(c) => Some(c.trim().to_string()),
            _ => None,
        };
        if self.stored(name).is_some() {
            let cells = self.raw_text(name)?;
            return Ok(cells.iter().map(|c| label(c.as_deref())).collect());
        }
        let column = self.strings(name)?;
        Ok(column.iter().map(label).collect())
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
        if let Some(Stored::Text(v)) = self.stored(name) {
            return self.parse_cells(name, v.len(), v.iter().map(|c| c.as_deref()));
        }
        let column = self.strings(name)?;
        self.parse_cells(name, column.len(), column.iter())
    }

    /// The rule a non-numeric cell breaks, with a hint when the decimal mark
    /// looks like the other one.
    fn not_a_number(&self, cell: &str) -> String {
        let hint = if !self.decimal_comma && cell.contains(',') {
            " (if ',' is the decimal mark, give --decimal-comma)"
        } else if self.decimal_comma && cell.contains('.') {
            " (with --decimal-comma the decimal mark is ',', and '.' is not read as a thousands separator)"
        } else {
            ""
        };
        format!("'{cell}' is not a number{hint}")
    }

    fn parse_cells<'a>(
        &self,
        name: &str,
        len: usize,
        cells: impl Iterator<Item = Option<&'a str>>,
    ) -> Result<Vec<Option<f64>>> {
        let mut out = Vec::with_capacity(len);
        for (i, cell) in cells.enumerate() {
            let value = match cell {
                None => None,
                Some(c) if self.is_missing(c) => None,
                Some(c) => Some(parse_number_with(c, self.decimal_comma).ok_or_else(|| {
                    Error::input(
                        self.row_location(i).column(name),
                        self.not_a_number(c.trim()),
                    )
                })?),
            };
            out.push(value);
        }
        Ok(out)
    }
}

/// The file's structure checked (and its cells collected when `collect` is
/// set), with the delimiter used.
fn scan_file(
    path: &Path,
    options: &CsvOptions,
    collect: bool,
) -> Result<(crate::csv_scan::Scanned, u8)> {
    let loc = Location::file(path);
    let file = std::fs::File::open(path)
        .map_err(|e| Error::input(loc.clone(), format!("cannot read file: {e}")))?;
    let meta = file
        .metadata()
        .map_err(|e| Error::input(loc.clone(), format!("cannot read file: {e}")))?;
    if meta.is_dir() {
        return Err(Error::input(loc, "is a directory, not a CSV file"));
    }
    if meta.len() == 0 {
        return Err(Error::input(loc, "the file is empty (no header row)"));
    }
    // SAFETY: the map is only read; a file changed by another process while
    // it is being read could give wrong cells, as it would for any reader.
    let map = unsafe { memmap2::MmapOptions::new().map(&file) }
        .map_err(|e| Error::input(loc.clone(), format!("cannot read file: {e}")))?;
    let fallback = if options.decimal_comma { b';' } else { b',' };
    let delimiter = match options.delimiter {
        Some(d) => d,
        None => crate::csv_scan::detect_delimiter(&map, fallback)
            .map_err(|rule| Error::input(loc.clone().line(1), rule))?,
    };
    if options.decimal_comma && delimiter == b',' {
        return Err(Error::input(
            loc,
            "with --decimal-comma the fields cannot also be separated by ',': \
             give --delimiter ';' (or the delimiter the file uses)",
        ));
    }
    let scanned = crate::csv_scan::scan(&map, delimiter, collect).map_err(|e| {
        let mut at = loc.clone().line(e.line);
        at.row = e.row;
        Error::input(at, e.rule)
    })?;
    Ok((scanned, delimiter))
}

/// The wanted columns read by polars (numbers as `f64`), when polars reads
/// them as they are: `None` when a cell is not a plain number, the file is
/// not what polars expects, or polars' rows are not the scan's.
fn read_typed(
    path: &Path,
    delimiter: u8,
    options: &CsvOptions,
    scanned: &crate::csv_scan::Scanned,
    numeric: &[String],
    text: &[String],
) -> Option<DataFrame> {
    let mut wanted: Vec<String> = Vec::new();
    for n in numeric.iter().chain(text) {
        if !scanned.header.contains(n) {
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
    let na: Vec<PlSmallStr> = options.na_strings().iter().map(|s| s.into()).collect();
    let frame = CsvReadOptions::default()
        .with_has_header(true)
        .with_infer_schema_length(Some(0))
        .with_columns(Some(columns))
        .with_schema_overwrite(Some(Arc::new(schema)))
        .with_parse_options(
            CsvParseOptions::default()
                .with_separator(delimiter)
                .with_null_values(Some(NullValues::AllColumns(na))),
        )
        .try_into_reader_with_file_path(Some(path.to_path_buf()))
        .and_then(|reader| reader.finish())
        .ok()?;
    if frame.height() != scanned.n_rows {
        return None;
    }
    // Infinite and NaN cells are refused by the text path with their row.
    for n in &typed {
        let ca = frame.column(n.as_str()).ok()?.f64().ok()?;
        if ca.iter().any(|v| v.is_some_and(|x| !x.is_finite())) {
            return None;
        }
    }
    Some(frame)
}

/// Parses one numeric cell (decimal point). Infinite and NaN values are
/// refused: they are not data a logit can use.
pub fn parse_number(cell: &str) -> Option<f64> {
    parse_number_with(cell, false)
}

/// [`parse_number`], with ',' as the decimal mark when `decimal_comma` is set
/// (a '.' is then refused, as a thousands separator would be misread).
pub fn parse_number_with(cell: &str, decimal_comma: bool) -> Option<f64> {
    let t = cell.trim();
    match t {
        "TRUE" | "true" | "True" => return Some(1.0),
        "FALSE" | "false" | "False" => return Some(0.0),
        _ => {}
    }
    let v: f64 = if decimal_comma {
        if t.contains('.') {
            return None;
        }
        t.replacen(',', ".", 1).parse().ok()?
    } else {
        t.parse().ok()?
    };
    if v.is_finite() {
        Some(v)
    } else {
        None
    }
}
impl Table {
    /// A table built in memory from typed columns (the panels), so that the
    /// formula machinery reads it as it reads a CSV file: a numeric column
    /// gives its numbers as they are, and reads as labels in the shortest
    /// text of each number. `label` names the table in messages.
    pub fn from_columns(label: &str, columns: Vec<(String, Column)>) -> Result<Table> {
        let mut stored = Vec::with_capacity(columns.len());
        for (name, column) in columns {
            let column = match column {
                Column::Text(v) => Stored::Text(v),
                Column::Numeric(v) => {
                    if let Some(x) = v.iter().flatten().find(|x| !x.is_finite()) {
                        return Err(Error::internal(format!(
                            "cannot build the panel {label}: column {name} holds {x}"
                        )));
                    }
                    Stored::Numbers(v.into_iter().map(|x| x.unwrap_or(f64::NAN)).collect())
                }
            };
            stored.push((name, column));
        }
        if let Some((name, c)) = stored.iter().find(|(_, c)| c.len() != stored[0].1.len()) {
            return Err(Error::internal(format!(
                "cannot build the panel {label}: column {name} has {} rows, not {}",
                c.len(),
                stored[0].1.len()
            )));
        }
        let mut table = Table::empty(Path::new(label), &CsvOptions::default());
        table.columns = stored;
        Ok(table)
    }
}
