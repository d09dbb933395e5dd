//! The model matrix: from a table and a formula to the outcome vector and the
//! design matrix, with listwise deletion of incomplete rows (as R's `na.omit`),
//! treatment coding of categorical terms and a check for aliased columns.

use std::collections::BTreeMap;

use crate::error::{Error, Location, Result};
use crate::formula::{Factor, Formula};
use crate::linalg;
use crate::table::Table;

mod numeric;

pub use numeric::read_numeric_design;

/// The value of one variable in one (complete) row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value {
    Number(f64),
    /// Index into the variable's level list.
    Level(usize),
}

/// A part of a design column: the column is the product of its parts.
#[derive(Debug, Clone, PartialEq)]
pub enum Part {
    /// A numeric variable's value (index into `Design::variables`).
    Number(usize),
    /// 1 if the categorical variable (index) takes this level, else 0.
    Indicator(usize, usize),
}

#[derive(Debug, Clone)]
pub struct Variable {
    pub name: String,
    /// Levels, in order, for a categorical variable; empty for a numeric one.
    pub levels: Vec<String>,
    pub reference: usize,
}

impl Variable {
    pub fn is_categorical(&self) -> bool {
        !self.levels.is_empty()
    }
}

/// Where a variable's values live, per used row. A numeric variable that
/// enters the model as a main effect is its own design column, so its values
/// are not stored twice.
#[derive(Debug, Clone)]
pub enum VariableData {
    /// The values are design column `j`.
    InColumn(usize),
    Numbers(Vec<f64>),
    /// Level indices.
    Levels(Vec<u32>),
}

#[derive(Debug, Clone)]
pub struct Column {
    pub name: String,
    pub parts: Vec<Part>,
    /// Index of the formula term (None for the intercept).
    pub term: Option<usize>,
}

/// A design matrix stored row-major (`x[i * p + j]`), with what is needed to
/// rebuild any row from variable values (for predictions and marginal effects).
#[derive(Debug, Clone)]
pub struct Design {
    pub n: usize,
    pub p: usize,
    pub x: Vec<f64>,
    pub y: Vec<f64>,
    pub columns: Vec<Column>,
    pub variables: Vec<Variable>,
    /// The value of each variable in each used row (see [`Design::value`]).
    pub data: Vec<VariableData>,
    /// 1-based data rows of the table that were used; empty when every row
    /// was used, in order (see [`Design::data_row`]).
    pub rows_used: Vec<usize>,
    pub n_dropped: usize,
    pub term_labels: Vec<String>,
    /// The variables of each term.
    pub term_variables: Vec<Vec<String>>,
    pub intercept: bool,
    /// A logit's evaluation at zero, from the alias screen of a large design.
    pub at_zero: Option<AtZero>,
}

impl Design {
    /// The 1-based data row of design row `i`.
    pub fn data_row(&self, i: usize) -> usize {
        if self.rows_used.is_empty() {
            i + 1
        } else {
            self.rows_used[i]
        }
    }

    /// The 1-based data rows of all design rows.
    pub fn data_rows(&self) -> std::borrow::Cow<'_, [usize]> {
        if self.rows_used.is_empty() {
            std::borrow::Cow::Owned((1..=self.n).collect())
        } else {
            std::borrow::Cow::Borrowed(&self.rows_used)
        }
    }

    pub fn names(&self) -> Vec<String> {
        self.columns.iter().map(|c| c.name.clone()).collect()
    }

    pub fn row(&self, i: usize) -> &[f64] {
        &self.x[i * self.p..(i + 1) * self.p]
    }

    /// The value of variable `k` in used row `i`.
    pub fn value(&self, i: usize, k: usize) -> Value {
        match &self.data[k] {
            VariableData::InColumn(j) => Value::Number(self.x[i * self.p + j]),
            VariableData::Numbers(v) => Value::Number(v[i]),
            VariableData::Levels(v) => Value::Level(v[i] as usize),
        }
    }

    /// The values of every variable in used row `i`.
    pub fn values(&self, i: usize) -> Vec<Value> {
        (0..self.data.len()).map(|k| self.value(i, k)).collect()
    }

    /// The design row for given variable values.
    pub fn build_row(&self, values: &[Value]) -> Vec<f64> {
        self.columns
            .iter()
            .map(|c| column_value(&c.parts, values))
            .collect()
    }

    /// d(row)/d(variable v) for a numeric variable.
    pub fn derivative_row(&self, values: &[Value], v: usize) -> Vec<f64> {
        self.columns
            .iter()
            .map(|c| {
                if !c.parts.contains(&Part::Number(v)) {
                    return 0.0;
                }
                let others: Vec<Part> = c
                    .parts
                    .iter()
                    .filter(|p| **p != Part::Number(v))
                    .cloned()
                    .collect();
                column_value(&others, values)
            })
            .collect()
    }

    /// Columns belonging to formula term `t`.
    pub fn term_columns(&self, t: usize) -> Vec<usize> {
        (0..self.p)
            .filter(|&j| self.columns[j].term == Some(t))
            .collect()
    }

    /// The same design with some columns removed.
    pub fn without_columns(&self, drop: &[usize]) -> Design {
        let keep: Vec<usize> = (0..self.p).filter(|j| !drop.contains(j)).collect();
        let mut x = Vec::with_capacity(self.n * keep.len());
        for i in 0..self.n {
            let row = self.row(i);
            x.extend(keep.iter().map(|&j| row[j]));
        }
        let data = self
            .data
            .iter()
            .map(|d| match d {
                VariableData::InColumn(j) => match keep.iter().position(|k| k == j) {
                    Some(new_j) => VariableData::InColumn(new_j),
                    None => VariableData::Numbers(self.column(*j)),
                },
                other => other.clone(),
            })
            .collect();
        Design {
            n: self.n,
            p: keep.len(),
            x,
            y: self.y.clone(),
            columns: keep.iter().map(|&j| self.columns[j].clone()).collect(),
            variables: self.variables.clone(),
            data,
            rows_used: self.rows_used.clone(),
            n_dropped: self.n_dropped,
            term_labels: self.term_labels.clone(),
            term_variables: self.term_variables.clone(),
            intercept: self.intercept && !drop.iter().any(|&j| self.columns[j].term.is_none()),
            at_zero: None,
        }
    }

    /// Column `j` as a vector.
    pub fn column(&self, j: usize) -> Vec<f64> {
        (0..self.n).map(|i| self.x[i * self.p + j]).collect()
    }
}

fn column_value(parts: &[Part], values: &[Value]) -> f64 {
    let mut v = 1.0;
    for part in parts {
        match *part {
            Part::Number(k) => match values[k] {
                Value::Number(x) => v *= x,
                Value::Level(_) => unreachable!("numeric part on a categorical variable"),
            },
            Part::Indicator(k, level) => match values[k] {
                Value::Level(l) => {
                    if l != level {
                        v = 0.0
                    }
                }
                Value::Number(_) => unreachable!("indicator part on a numeric variable"),
            },
        }
    }
    v
}

/// Sorts labels as R's `factor()` would for the column: numerically when every
/// label is a number, otherwise by their text.
pub fn sort_levels(levels: &mut [String]) {
    let all_numeric = levels.iter().all(|l| l.trim().parse::<f64>().is_ok());
    if all_numeric {
        levels.sort_by(|a, b| {
            let x: f64 = a.trim().parse().unwrap_or(0.0);
            let y: f64 = b.trim().parse().unwrap_or(0.0);
            x.total_cmp(&y)
        });
    } else {
        levels.sort();
    }
}

/// The logit at `beta = 0` with unit weights and no offset: deviance
/// `2 n ln 2`, information `X'X / 4` and score `X'(y - 1/2)`. The alias
/// screen of a large design computes `X'X` and `X'(y - 1/2)` in its pass over
/// the data, which saves the first pass of a fit started at zero.
#[derive(Debug, Clone)]
pub struct AtZero {
    pub deviance: f64,
    pub information: Vec<f64>,
    pub score: Vec<f64>,
}

/// What else (besides the formula's variables) must be complete in a row,
/// and the rule the outcome obeys.
#[derive(Debug, Clone, Default)]
pub struct Extra {
    /// A column whose values are labels (e.g. a cluster id).
    pub labels: Vec<String>,
    pub outcome: OutcomeScale,
}

/// The values an outcome may take.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum OutcomeScale {
    /// 0 or 1 (the logit).
    #[default]
    Binary,
    /// Integer levels 0, 1, ..., K with K >= 2 and every level observed (the
    /// ordered logit).
    Ordinal,
}

/// The fewest levels of an ordinal outcome.
pub const ORDINAL_MIN_LEVELS: usize = 3;

/// The variables of each term of a formula.
fn term_variables(formula: &Formula) -> Vec<Vec<String>> {
    formula
        .terms
        .iter()
        .map(|t| t.factors.iter().map(|f| f.variable().to_string()).collect())
        .collect()
}

/// The columns a design reads: (read as numbers, read as labels).
pub fn needed_columns(formula: &Formula, extra: &Extra) -> (Vec<String>, Vec<String>) {
    let mut numeric = vec![formula.response.clone()];
    let mut text = extra.labels.clone();
    for t in &formula.terms {
        for f in &t.factors {
            match f {
                Factor::Numeric(n) => numeric.push(n.clone()),
                Factor::Categorical { name, .. } => text.push(name.clone()),
            }
        }
    }
    numeric.sort();
    numeric.dedup();
    text.sort();
    text.dedup();
    (numeric, text)
}

/// A variable as read from the table. Numbers carry NaN for a missing cell.
enum Raw<'t> {
    Numeric(std::borrow::Cow<'t, [f64]>),
    Text(Vec<Option<String>>),
}

/// The formula's variables read from the table, each once.
struct RawData<'t> {
    /// Per variable: `None` if numeric, else the categorical reference (if given).
    kinds: BTreeMap<String, Option<Option<String>>>,
    /// The variables besides the response, in formula order.
    var_names: Vec<String>,
    response: std::borrow::Cow<'t, [f64]>,
    raws: Vec<Raw<'t>>,
    extras: Vec<Vec<Option<String>>>,
}

/// Builds the design. Returns it with the extra label columns, restricted to
/// the rows used.
pub fn build(
    table: &Table,
    formula: &Formula,
    extra: &Extra,
) -> Result<(Design, Vec<Vec<String>>)> {
    let loc = || Location::file(table.path());
    let n_rows = table.n_rows();
    if n_rows == 0 {
        return Err(Error::not_estimable_at(
            loc(),
            "the table has a header but no data rows",
        ));
    }
    let raw = read_raw(table, formula, extra)?;
    let complete = complete_rows(&raw, n_rows);
    let n = complete.len();
    let n_dropped = n_rows - n;
    if n == 0 {
        return Err(Error::not_estimable_at(
            loc(),
            "no row is complete: every row has a missing value in a variable the model uses",
        ));
    }
    let RawData {
        kinds,
        var_names,
        response,
        raws,
        extras,
    } = raw;
    let y = match extra.outcome {
        OutcomeScale::Binary => outcome(&response, &complete, loc, &formula.response)?,
        OutcomeScale::Ordinal => ordinal_outcome(&response, &complete, loc, &formula.response)?,
    };
    drop(response);
    let variables = read_variables(&var_names, &raws, &kinds, &complete, loc)?;
    let level_index = level_indices(&raws, &variables, &complete);
    let columns = design_columns(formula, &var_names, &variables);
    let p = columns.len();
    let x = fill_matrix(&columns, &raws, &level_index, &complete, var_names.len());
    let data = variable_data(&raws, level_index, &columns, &complete);
    drop(raws);
    let design = Design {
        n,
        p,
        x,
        y,
        columns,
        variables,
        data,
        rows_used: complete.iter().map(|i| i + 1).collect(),
        n_dropped,
        term_labels: formula.terms.iter().map(|t| t.label()).collect(),
        term_variables: term_variables(formula),
        intercept: formula.intercept,
        at_zero: None,
    };
    let mut design = design;
    design.at_zero = match extra.outcome {
        OutcomeScale::Binary => check_design(&design, table.path(), formula)?,
        OutcomeScale::Ordinal => {
            check_aliasing(&design, Location::file(table.path()))?;
            None
        }
    };
    let extra_cols = extras
        .into_iter()
        .map(|e| {
            complete
                .iter()
                .map(|&i| e[i].clone().unwrap_or_default())
                .collect()
        })
        .collect();
    Ok((design, extra_cols))
}

/// Reads each variable of the formula (and the extra label columns) once.
fn read_raw<'t>(table: &'t Table, formula: &Formula, extra: &Extra) -> Result<RawData<'t>> {
    let mut kinds: BTreeMap<String, Option<Option<String>>> = BTreeMap::new();
    for t in &formula.terms {
        for f in &t.factors {
            match f {
                Factor::Numeric(n) => {
                    kinds.insert(n.clone(), None);
                }
                Factor::Categorical { name, reference } => {
                    kinds.insert(name.clone(), Some(reference.clone()));
                }
            }
        }
    }
    let var_names: Vec<String> = formula.variables()[1..].to_vec();
    let response = table.numbers(&formula.response)?;
    let mut raws: Vec<Raw> = Vec::new();
    for name in &var_names {
        let raw = match kinds[name] {
            None => Raw::Numeric(table.numbers(name)?),
            Some(_) => Raw::Text(table.text(name)?),
        };
        raws.push(raw);
    }
    let mut extras: Vec<Vec<Option<String>>> = Vec::new();
    for name in &extra.labels {
        extras.push(table.text(name)?);
    }
    Ok(RawData {
        kinds,
        var_names,
        response,
        raws,
        extras,
    })
}

/// Listwise deletion: the 0-based rows with no missing value.
fn complete_rows(raw: &RawData, n_rows: usize) -> Vec<usize> {
    let RawData {
        response,
        raws,
        extras,
        ..
    } = raw;
    let is_complete = |i: usize| {
        !response[i].is_nan()
            && raws.iter().all(|r| match r {
                Raw::Numeric(v) => !v[i].is_nan(),
                Raw::Text(v) => v[i].is_some(),
            })
            && extras.iter().all(|e| e[i].is_some())
    };
    (0..n_rows).filter(|&i| is_complete(i)).collect()
}

/// The outcome on the complete rows: 0/1.
fn outcome(
    response: &[f64],
    complete: &[usize],
    loc: impl Fn() -> Location,
    name: &str,
) -> Result<Vec<f64>> {
    let mut y = Vec::with_capacity(complete.len());
    for &i in complete {
        let v = response[i];
        if v != 0.0 && v != 1.0 {
            return Err(Error::input(
                loc().row(i + 1).column(name),
                format!("the outcome must be 0 or 1 for a logit, found {v}"),
            ));
        }
        y.push(v);
    }
    Ok(y)
}

/// The outcome on the complete rows of an ordinal model: integer levels
/// 0..K, K + 1 >= [`ORDINAL_MIN_LEVELS`], every level observed.
fn ordinal_outcome(
    response: &[f64],
    complete: &[usize],
    loc: impl Fn() -> Location,
    name: &str,
) -> Result<Vec<f64>> {
    let mut counts: Vec<usize> = Vec::new();
    for &i in complete {
        let v = response[i];
        if !(v >= 0.0 && v == v.trunc() && v < 1e6) {
            return Err(Error::input(
                loc().row(i + 1).column(name),
                format!(
                    "the outcome of an ordinal model must be an integer level 0, 1, ..., K, found {v}"
                ),
            ));
        }
        let level = v as usize;
        if counts.len() <= level {
            counts.resize(level + 1, 0);
        }
        counts[level] += 1;
    }
    let missing: Vec<String> = (0..counts.len())
        .filter(|&l| counts[l] == 0)
        .map(|l| l.to_string())
        .collect();
    if !missing.is_empty() {
        return Err(Error::not_estimable_at(
            loc().column(name),
            format!(
                "level {} of the ordinal outcome (0..{}) never occurs in the complete rows: the levels must be 0, 1, ..., K with every level observed (recode them consecutively)",
                missing.join(", "),
                counts.len() - 1
            ),
        ));
    }
    if counts.len() < ORDINAL_MIN_LEVELS {
        return Err(Error::not_estimable_at(
            loc().column(name),
            format!(
                "an ordinal outcome needs at least {ORDINAL_MIN_LEVELS} levels (0, 1, 2, ...), found {}: use the binary logit (--family logit)",
                counts.len()
            ),
        ));
    }
    Ok(complete.iter().map(|&i| response[i]).collect())
}

/// Variables and their levels (those of a categorical variable on the
/// complete rows, sorted as R's `factor()`).
fn read_variables(
    var_names: &[String],
    raws: &[Raw],
    kinds: &BTreeMap<String, Option<Option<String>>>,
    complete: &[usize],
    loc: impl Fn() -> Location,
) -> Result<Vec<Variable>> {
    let mut variables = Vec::new();
    for (k, name) in var_names.iter().enumerate() {
        match &raws[k] {
            Raw::Numeric(_) => variables.push(Variable {
                name: name.clone(),
                levels: vec![],
                reference: 0,
            }),
            Raw::Text(v) => {
                let mut levels: Vec<String> = complete
                    .iter()
                    .filter_map(|&i| v[i].clone())
                    .collect::<std::collections::BTreeSet<_>>()
                    .into_iter()
                    .collect();
                sort_levels(&mut levels);
                let reference = match kinds[name].clone().flatten() {
                    None => 0,
                    Some(r) => levels.iter().position(|l| *l == r).ok_or_else(|| {
                        Error::input(
                            loc().column(name.clone()),
                            format!(
                                "reference level '{r}' does not occur (levels: {})",
                                levels.join(", ")
                            ),
                        )
                    })?,
                };
                variables.push(Variable {
                    name: name.clone(),
                    levels,
                    reference,
                });
            }
        }
    }
    Ok(variables)
}

/// Level indices of the categorical variables, per used row.
fn level_indices(
    raws: &[Raw],
    variables: &[Variable],
    complete: &[usize],
) -> Vec<Option<Vec<u32>>> {
    raws.iter()
        .enumerate()
        .map(|(k, r)| match r {
            Raw::Numeric(_) => None,
            Raw::Text(v) => {
                let index: BTreeMap<&str, u32> = variables[k]
                    .levels
                    .iter()
                    .enumerate()
                    .map(|(l, label)| (label.as_str(), l as u32))
                    .collect();
                Some(
                    complete
                        .iter()
                        .map(|&i| index[v[i].as_deref().unwrap_or("")])
                        .collect(),
                )
            }
        })
        .collect()
}

/// Columns, with R's rule for coding a categorical variable inside a term:
/// contrasts (drop the reference) when the term without it is in the
/// model (the intercept, for a main effect), else one column per level.
fn design_columns(formula: &Formula, var_names: &[String], variables: &[Variable]) -> Vec<Column> {
    let mut columns = Vec::new();
    if formula.intercept {
        columns.push(Column {
            name: "(Intercept)".into(),
            parts: vec![],
            term: None,
        });
    }
    for (t, term) in formula.terms.iter().enumerate() {
        let mut combos: Vec<(Vec<Part>, Vec<String>)> = vec![(vec![], vec![])];
        for f in &term.factors {
            let k = var_names
                .iter()
                .position(|v| v == f.variable())
                .expect("variable listed");
            let options = factor_options(formula, term, k, &variables[k]);
            let mut next = Vec::new();
            for (parts, names) in &combos {
                for (part, name) in &options {
                    let mut p2 = parts.clone();
                    p2.push(part.clone());
                    let mut n2 = names.clone();
                    n2.push(name.clone());
                    next.push((p2, n2));
                }
            }
            combos = next;
        }
        for (parts, names) in combos {
            columns.push(Column {
                name: names.join(":"),
                parts,
                term: Some(t),
            });
        }
    }
    columns
}

/// The parts (and their names) variable `k` contributes to the columns of
/// `term`: its indicators (contrasts or all levels) or its value.
fn factor_options(
    formula: &Formula,
    term: &crate::formula::Term,
    k: usize,
    var: &Variable,
) -> Vec<(Part, String)> {
    if var.is_categorical() {
        let margin: Vec<Factor> = term
            .factors
            .iter()
            .filter(|g| g.variable() != var.name)
            .cloned()
            .collect();
        let contrasts = if margin.is_empty() {
            formula.intercept
        } else {
            let m = crate::formula::Term { factors: margin };
            formula.terms.iter().any(|x| x.same_as(&m))
        };
        var.levels
            .iter()
            .enumerate()
            .filter(|(l, _)| !contrasts || *l != var.reference)
            .map(|(l, label)| (Part::Indicator(k, l), format!("{}[{}]", var.name, label)))
            .collect()
    } else {
        vec![(Part::Number(k), var.name.clone())]
    }
}

/// The row-major design matrix on the complete rows.
fn fill_matrix(
    columns: &[Column],
    raws: &[Raw],
    level_index: &[Option<Vec<u32>>],
    complete: &[usize],
    n_vars: usize,
) -> Vec<f64> {
    let (n, p) = (complete.len(), columns.len());
    let mut x = vec![0.0; n * p];
    // Rows are filled in parallel chunks (each row depends only on its own
    // values); a column that is one numeric variable is copied directly.
    let direct: Vec<Option<usize>> = columns
        .iter()
        .map(|c| match c.parts.as_slice() {
            [Part::Number(k)] => Some(*k),
            _ => None,
        })
        .collect();
    let simple = direct
        .iter()
        .zip(columns)
        .all(|(d, c)| d.is_some() || c.parts.is_empty());
    let fill = |first: usize, out: &mut [f64]| {
        let mut row_values = vec![Value::Number(0.0); n_vars];
        for (r, row) in out.chunks_mut(p).enumerate() {
            let u = first + r;
            let i = complete[u];
            if simple {
                for (slot, d) in row.iter_mut().zip(&direct) {
                    *slot = match d {
                        Some(k) => match &raws[*k] {
                            Raw::Numeric(v) => v[i],
                            Raw::Text(_) => unreachable!("direct columns are numeric"),
                        },
                        None => 1.0,
                    };
                }
                continue;
            }
            for (k, raw) in raws.iter().enumerate() {
                row_values[k] = match raw {
                    Raw::Numeric(v) => Value::Number(v[i]),
                    Raw::Text(_) => {
                        Value::Level(level_index[k].as_ref().map(|l| l[u] as usize).unwrap_or(0))
                    }
                };
            }
            for (slot, c) in row.iter_mut().zip(columns) {
                *slot = column_value(&c.parts, &row_values);
            }
        }
    };
    const CHUNK_ROWS: usize = 8192;
    if p > 0 {
        use rayon::prelude::*;
        x.par_chunks_mut(CHUNK_ROWS * p)
            .enumerate()
            .for_each(|(c, out)| fill(c * CHUNK_ROWS, out));
    }
    x
}

/// Where each variable's values live (see [`VariableData`]).
fn variable_data(
    raws: &[Raw],
    level_index: Vec<Option<Vec<u32>>>,
    columns: &[Column],
    complete: &[usize],
) -> Vec<VariableData> {
    raws.iter()
        .zip(level_index)
        .enumerate()
        .map(|(k, (r, levels))| match (r, levels) {
            (_, Some(levels)) => VariableData::Levels(levels),
            (Raw::Numeric(v), None) => {
                match columns.iter().position(|c| c.parts == [Part::Number(k)]) {
                    Some(j) => VariableData::InColumn(j),
                    None => VariableData::Numbers(complete.iter().map(|&i| v[i]).collect()),
                }
            }
            (Raw::Text(_), None) => unreachable!("text variables have levels"),
        })
        .collect()
}

/// Checks the design; returns the logit's evaluation at zero when the alias
/// screen of a large design computed it.
fn check_design(
    design: &Design,
    path: &std::path::Path,
    formula: &Formula,
) -> Result<Option<AtZero>> {
    let loc = Location::file(path);
    if design.n <= design.p {
        return Err(Error::not_estimable_at(
            loc,
            format!(
                "{} complete rows for {} parameters: a logit needs more rows than parameters",
                design.n, design.p
            ),
        ));
    }
    let ones = design.y.iter().filter(|&&v| v == 1.0).count();
    if ones == 0 || ones == design.n {
        return Err(Error::not_estimable_at(
            loc.column(formula.response.clone()),
            format!(
                "the outcome is constant (all {} complete rows are {}): nothing to explain",
                design.n,
                if ones == 0 { 0 } else { 1 }
            ),
        ));
    }
    let (n, p) = (design.n, design.p);
    let mut at_zero = None;
    let aliased = if n > linalg::LARGE_ROWS && p > 0 {
        let pass = linalg::gram_pass(&design.x, n, p, &design.y);
        if linalg::clearly_full_rank_gram(&pass.cross, p) {
            at_zero = Some(AtZero {
                deviance: 2.0 * n as f64 * std::f64::consts::LN_2,
                information: pass.cross.iter().map(|v| 0.25 * v).collect(),
                score: pass.xr,
            });
            vec![]
        } else {
            linalg::aliased_columns(&design.x, n, p)
        }
    } else {
        linalg::aliased_columns(&design.x, n, p)
    };
    if !aliased.is_empty() {
        return Err(rank_deficient(design, loc, &aliased));
    }
    Ok(at_zero)
}

/// The rank check of a design whose outcome is not binary (no logit at zero).
fn check_aliasing(design: &Design, loc: Location) -> Result<()> {
    let aliased = linalg::aliased_columns(&design.x, design.n, design.p);
    if aliased.is_empty() {
        Ok(())
    } else {
        Err(rank_deficient(design, loc, &aliased))
    }
}

/// The error for aliased columns.
fn rank_deficient(design: &Design, loc: Location, aliased: &[usize]) -> Error {
    let names: Vec<String> = aliased
        .iter()
        .map(|&j| design.columns[j].name.clone())
        .collect();
    let (verb, pron) = if names.len() == 1 {
        ("is", "it")
    } else {
        ("are", "them")
    };
    Error::not_estimable_at(
        loc,
        format!(
            "the design is rank-deficient: {} {verb} a linear combination of the columns before {pron} (R's glm would report NA for {pron}); drop or recode {pron}",
            names.join(", "),
        ),
    )
}
