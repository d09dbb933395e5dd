//! The design of the common large-data case, read straight from a plain
//! numeric CSV file (see [`read_numeric_design`]).

use super::{check_design, term_variables, Column, Design, Extra, Part, Variable, VariableData};
use crate::error::Result;
use crate::formula::{Factor, Formula};

/// The common large-data case, a formula of numeric main effects read from a
/// plain numeric CSV file: the reader parses the file straight into the
/// row-major design (no intermediate columns). `None` when the formula, the
/// file or a cell needs the general path ([`build`](super::build) on a
/// [`Table`](crate::panel::Table)), which also reports any problem with its
/// row and column.
pub fn read_numeric_design(
    path: &std::path::Path,
    formula: &Formula,
    extra: &Extra,
    csv: &crate::table::CsvOptions,
) -> Result<Option<Design>> {
    if !extra.labels.is_empty() || extra.outcome != super::OutcomeScale::Binary || !csv.is_plain() {
        return Ok(None);
    }
    let Some(names) = numeric_main_effects(formula) else {
        return Ok(None);
    };
    let offset = usize::from(formula.intercept);
    let p = names.len() + offset;
    if p == 0 {
        return Ok(None);
    }
    let mut wanted = vec![formula.response.clone()];
    wanted.extend(names.iter().cloned());
    let mut places = vec![(0, 0)];
    places.extend((0..names.len()).map(|k| (1, k + offset)));
    let layout = crate::numeric_csv::Layout {
        widths: vec![1, p],
        places,
        constants: if formula.intercept {
            vec![(1, 0, 1.0)]
        } else {
            vec![]
        },
    };
    let Some(read) = crate::numeric_csv::read_into(path, &wanted, &layout) else {
        return Ok(None);
    };
    let mut buffers = read.buffers;
    let mut x = buffers.pop().expect("design buffer");
    let mut y = buffers.pop().expect("outcome buffer");
    let n_rows = y.len();
    // A bad outcome is reported by the general path, with its row.
    if n_rows == 0 || y.iter().any(|&v| v != 0.0 && v != 1.0 && !v.is_nan()) {
        return Ok(None);
    }
    let rows_used: Vec<usize> = if !read.any_missing {
        Vec::new()
    } else {
        drop_incomplete(&mut x, &mut y, p)
    };
    let n = if read.any_missing {
        rows_used.len()
    } else {
        n_rows
    };
    if n == 0 {
        return Ok(None);
    }
    let mut design = numeric_design(formula, &names, x, y, rows_used, n_rows);
    design.at_zero = check_design(&design, path, formula)?;
    Ok(Some(design))
}

/// The variables of a formula of distinct numeric main effects (other than
/// the response), in order; `None` for any other formula.
fn numeric_main_effects(formula: &Formula) -> Option<Vec<String>> {
    let mut names: Vec<String> = Vec::new();
    for t in &formula.terms {
        match t.factors.as_slice() {
            [Factor::Numeric(v)] if *v != formula.response && !names.contains(v) => {
                names.push(v.clone())
            }
            _ => return None,
        }
    }
    Some(names)
}

/// Listwise deletion, in place, of the rows of a row-major `x` (width `p`)
/// and `y` with a missing (NaN) value; returns the 1-based rows kept.
fn drop_incomplete(x: &mut Vec<f64>, y: &mut Vec<f64>, p: usize) -> Vec<usize> {
    let n_rows = y.len();
    let complete = |i: usize, x: &[f64], y: &[f64]| {
        !y[i].is_nan() && x[i * p..(i + 1) * p].iter().all(|v| !v.is_nan())
    };
    let mut kept = Vec::new();
    for i in 0..n_rows {
        if complete(i, x, y) {
            let to = kept.len();
            if to != i {
                x.copy_within(i * p..(i + 1) * p, to * p);
                y[to] = y[i];
            }
            kept.push(i + 1);
        }
    }
    x.truncate(kept.len() * p);
    y.truncate(kept.len());
    kept
}

/// The design of numeric main effects `names` read straight into `x` and `y`.
fn numeric_design(
    formula: &Formula,
    names: &[String],
    x: Vec<f64>,
    y: Vec<f64>,
    rows_used: Vec<usize>,
    n_rows: usize,
) -> Design {
    let n = y.len();
    let p = names.len() + usize::from(formula.intercept);
    let var_names: Vec<String> = formula.variables()[1..].to_vec();
    let mut columns = Vec::with_capacity(p);
    if formula.intercept {
        columns.push(Column {
            name: "(Intercept)".into(),
            parts: vec![],
            term: None,
        });
    }
    for (t, name) in names.iter().enumerate() {
        let k = var_names
            .iter()
            .position(|v| v == name)
            .expect("a formula variable");
        columns.push(Column {
            name: name.clone(),
            parts: vec![Part::Number(k)],
            term: Some(t),
        });
    }
    let data = var_names
        .iter()
        .map(|v| {
            let j = columns
                .iter()
                .position(|c| c.name == *v && c.term.is_some())
                .expect("every variable is a column");
            VariableData::InColumn(j)
        })
        .collect();
    Design {
        n,
        p,
        x,
        y,
        columns,
        variables: var_names
            .iter()
            .map(|v| Variable {
                name: v.clone(),
                levels: vec![],
                reference: 0,
            })
            .collect(),
        data,
        rows_used,
        n_dropped: n_rows - n,
        term_labels: formula.terms.iter().map(|t| t.label()).collect(),
        term_variables: term_variables(formula),
        intercept: formula.intercept,
        at_zero: None,
    }
}
