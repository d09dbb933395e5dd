//! Detection of separation by linear programming (Konis 2007, the method of
//! R's `safeBinaryRegression` and `detectseparation`), independent of any
//! optimiser.
//!
//! With `s_i = 2 y_i - 1`, the ML estimate of a logit exists (is finite) if
//! and only if no direction `d != 0` has `s_i x_i' d >= 0` for every row: along
//! such a direction the log-likelihood never decreases, and it increases
//! without bound unless `X d = 0` (excluded: the design has full rank). The
//! set of such directions is a convex cone C.
//!
//! - Separation is tested by maximising `sum_i s_i x_i' d` over C with
//!   `-1 <= d_j <= 1`: a positive optimum means separation.
//! - Coefficient j has an infinite ML estimate if some direction in C has
//!   `d_j != 0`; two more LPs (maximise `d_j`, maximise `-d_j`) tell whether it
//!   goes to +Inf, -Inf, or either way (not identified).
//! - A row is perfectly predicted (its fitted probability driven to 0 or 1)
//!   when some direction in C has `s_i x_i' d > 0`; such rows are found by
//!   maximising the total margin of the rows not yet found, until no more
//!   rows can be made positive. The others lie on the separating boundary.
//!   Separation is complete when every row is perfectly predicted.
//!
//! Columns are scaled to a maximum absolute value of 1 before solving (the
//! sign of a direction does not depend on a positive scaling).
//!
//! The linear programs cost far more than a fit on wide designs (hundreds of
//! fixed-effect columns), so [`detect`] first tries the exact shortcuts of
//! [`screen`]: a certificate of no separation from the ML estimate, and the
//! removal of one-signed columns (a fixed effect whose rows all share an
//! outcome) with only small programs left to solve. When neither settles
//! the question it solves the full programs ([`detect_by_lp`]).

mod screen;

use microlp::{ComparisonOp, OptimizationDirection, Problem, Variable};

use crate::error::{Error, Result};
use crate::models::logit;
use crate::results::{Divergence, InfiniteEstimate, Separation};

/// Optimum above this (after scaling) counts as separation.
const TOLERANCE: f64 = 1e-7;

struct Lp {
    n: usize,
    p: usize,
    /// s_i * x_i, scaled by column.
    rows: Vec<f64>,
}

impl Lp {
    fn new(x: &[f64], n: usize, p: usize, y: &[f64]) -> Lp {
        let mut scale = vec![0.0f64; p];
        for i in 0..n {
            for j in 0..p {
                scale[j] = scale[j].max(x[i * p + j].abs());
            }
        }
        let mut rows = Vec::with_capacity(n * p);
        for i in 0..n {
            let s = if y[i] == 1.0 { 1.0 } else { -1.0 };
            for j in 0..p {
                let c = if scale[j] > 0.0 { scale[j] } else { 1.0 };
                rows.push(s * x[i * p + j] / c);
            }
        }
        Lp { n, p, rows }
    }

    /// Maximises `objective . d` over the cone with the box; returns d.
    fn solve(&self, objective: &[f64]) -> Result<Vec<f64>> {
        let mut lp = Problem::new(OptimizationDirection::Maximize);
        let vars: Vec<Variable> = objective
            .iter()
            .map(|&c| lp.add_var(c, (-1.0, 1.0)))
            .collect();
        for i in 0..self.n {
            let row = &self.rows[i * self.p..(i + 1) * self.p];
            let expr: Vec<(Variable, f64)> = vars
                .iter()
                .zip(row)
                .filter(|(_, &a)| a != 0.0)
                .map(|(v, &a)| (*v, a))
                .collect();
            if !expr.is_empty() {
                lp.add_constraint(expr, ComparisonOp::Ge, 0.0);
            }
        }
        let outcome = lp
            .solve()
            .map_err(|e| Error::internal(format!("separation LP failed: {e}")))?;
        let solution = outcome
            .solution()
            .ok_or_else(|| Error::internal("separation LP stopped without a solution"))?;
        Ok(vars.iter().map(|v| solution.var_value(*v)).collect())
    }

    fn margins(&self, d: &[f64]) -> Vec<f64> {
        (0..self.n)
            .map(|i| {
                self.rows[i * self.p..(i + 1) * self.p]
                    .iter()
                    .zip(d)
                    .map(|(a, b)| a * b)
                    .sum()
            })
            .collect()
    }
}

/// Checks a design for separation. `names` are the coefficient names;
/// `rows_used` maps design rows to 1-based data rows.
pub fn detect(
    x: &[f64],
    n: usize,
    p: usize,
    y: &[f64],
    names: &[String],
    rows_used: &[usize],
) -> Result<Separation> {
    detect_with_fit(x, n, p, y, names, rows_used, None)
}

/// [`detect`], given the ML fit of the same design when there is one (a
/// converged fit usually proves that there is no separation at the cost of
/// one pass over the data). The result is that of [`detect_by_lp`].
pub fn detect_with_fit(
    x: &[f64],
    n: usize,
    p: usize,
    y: &[f64],
    names: &[String],
    rows_used: &[usize],
    ml: Option<&logit::Fit>,
) -> Result<Separation> {
    if let Some(fit) = ml.filter(|f| f.converged && !f.singular) {
        if screen::certifies_no_separation(x, n, p, y, &fit.beta) {
            return Ok(not_separated());
        }
    }
    let elimination = screen::eliminate(x, n, p, y);
    if elimination.any() && screen::reduced_cone_is_zero(x, n, p, y, &elimination) {
        if let Some(s) = by_blocks(x, n, p, y, names, rows_used, &elimination)? {
            return Ok(s);
        }
    }
    detect_by_lp(x, n, p, y, names, rows_used)
}

fn not_separated() -> Separation {
    Separation {
        separated: false,
        kind: "none".into(),
        infinite_estimates: vec![],
        perfectly_predicted_rows: vec![],
        boundary_rows: vec![],
    }
}

/// The separation of a design whose diverging directions all lie in the
/// removed columns (see [`screen`]): each block of removed columns is solved
/// on its own rows, the rows left are on the boundary. `None` if a block's
/// program finds no separation (it cannot in exact arithmetic; the caller
/// then solves the full programs).
fn by_blocks(
    x: &[f64],
    n: usize,
    p: usize,
    y: &[f64],
    names: &[String],
    rows_used: &[usize],
    elimination: &screen::Elimination,
) -> Result<Option<Separation>> {
    let mut direction: Vec<Option<Divergence>> = vec![None; p];
    let mut positive = vec![false; n];
    for (cols, rows) in screen::blocks(x, n, p, elimination) {
        if let [j] = cols[..] {
            direction[j] = match elimination.removed[j] {
                Some(s) if s > 0.0 => Some(Divergence::PlusInf),
                Some(s) if s < 0.0 => Some(Divergence::MinusInf),
                _ => return Ok(None),
            };
            rows.iter().for_each(|&i| positive[i] = true);
            continue;
        }
        let (m, k) = (rows.len(), cols.len());
        let mut xb = Vec::with_capacity(m * k);
        for &i in &rows {
            xb.extend(cols.iter().map(|&j| x[i * p + j]));
        }
        let yb: Vec<f64> = rows.iter().map(|&i| y[i]).collect();
        let block_names: Vec<String> = cols.iter().map(|&j| names[j].clone()).collect();
        let block_rows: Vec<usize> = (0..m).collect();
        let s = detect_by_lp(&xb, m, k, &yb, &block_names, &block_rows)?;
        if !s.separated {
            return Ok(None);
        }
        for e in s.infinite_estimates {
            if let Some(b) = block_names.iter().position(|nm| *nm == e.term) {
                direction[cols[b]] = Some(e.direction);
            }
        }
        s.perfectly_predicted_rows
            .iter()
            .for_each(|&b| positive[rows[b]] = true);
    }
    let infinite_estimates = (0..p)
        .filter_map(|j| {
            direction[j].map(|direction| InfiniteEstimate {
                term: names[j].clone(),
                direction,
            })
        })
        .collect();
    Ok(Some(separated(infinite_estimates, &positive, rows_used)))
}

/// A separated result from the rows found perfectly predicted.
fn separated(
    infinite_estimates: Vec<InfiniteEstimate>,
    positive: &[bool],
    rows_used: &[usize],
) -> Separation {
    let mut predicted = Vec::new();
    let mut boundary = Vec::new();
    for (i, &pos) in positive.iter().enumerate() {
        if pos {
            predicted.push(rows_used[i]);
        } else {
            boundary.push(rows_used[i]);
        }
    }
    let kind = if boundary.is_empty() {
        "complete"
    } else {
        "quasi-complete"
    };
    Separation {
        separated: true,
        kind: kind.into(),
        infinite_estimates,
        perfectly_predicted_rows: predicted,
        boundary_rows: boundary,
    }
}

/// The check by the linear programs alone, on the whole design (the
/// reference for [`detect`]).
pub fn detect_by_lp(
    x: &[f64],
    n: usize,
    p: usize,
    y: &[f64],
    names: &[String],
    rows_used: &[usize],
) -> Result<Separation> {
    let lp = Lp::new(x, n, p, y);
    // Objective of the first LP: the sum of all margins.
    let mut total_obj = vec![0.0; p];
    for i in 0..n {
        for j in 0..p {
            total_obj[j] += lp.rows[i * p + j];
        }
    }
    let d0 = lp.solve(&total_obj)?;
    let best: f64 = lp.margins(&d0).iter().sum();
    if best <= TOLERANCE {
        return Ok(not_separated());
    }
    let mut sum_dir = d0.clone();
    let infinite = infinite_estimates(&lp, names, &mut sum_dir)?;
    let positive = strictly_predicted(&lp, sum_dir)?;
    Ok(separated(infinite, &positive, rows_used))
}

/// The coefficients with an infinite ML estimate and their directions (two
/// LPs each); adds the directions found to `sum_dir`.
fn infinite_estimates(
    lp: &Lp,
    names: &[String],
    sum_dir: &mut [f64],
) -> Result<Vec<InfiniteEstimate>> {
    let p = lp.p;
    let mut infinite = Vec::new();
    for j in 0..p {
        let mut obj = vec![0.0; p];
        obj[j] = 1.0;
        let up = lp.solve(&obj)?;
        obj[j] = -1.0;
        let down = lp.solve(&obj)?;
        let can_up = up[j] > TOLERANCE;
        let can_down = down[j] < -TOLERANCE;
        for k in 0..p {
            sum_dir[k] += up[k] + down[k];
        }
        let direction = match (can_up, can_down) {
            (true, false) => Divergence::PlusInf,
            (false, true) => Divergence::MinusInf,
            (true, true) => Divergence::Either,
            (false, false) => continue,
        };
        infinite.push(InfiniteEstimate {
            term: names[j].clone(),
            direction,
        });
    }
    Ok(infinite)
}

/// Rows that some direction of the cone predicts strictly: repeatedly
/// maximise the total margin of the rows not yet found positive; each
/// solution adds at least one row, and the sum of all the directions
/// (starting from `sum_dir`) is strictly positive on every row found.
fn strictly_predicted(lp: &Lp, mut sum_dir: Vec<f64>) -> Result<Vec<bool>> {
    let (n, p) = (lp.n, lp.p);
    let mut positive = vec![false; n];
    let mut margins = lp.margins(&sum_dir);
    loop {
        for (i, m) in margins.iter().enumerate() {
            if *m > TOLERANCE {
                positive[i] = true;
            }
        }
        let mut obj = vec![0.0; p];
        for i in (0..n).filter(|&i| !positive[i]) {
            for j in 0..p {
                obj[j] += lp.rows[i * p + j];
            }
        }
        if positive.iter().all(|&b| b) {
            break;
        }
        let d = lp.solve(&obj)?;
        let gain: f64 = lp
            .margins(&d)
            .iter()
            .zip(&positive)
            .filter(|(_, &pos)| !pos)
            .map(|(m, _)| m)
            .sum();
        if gain <= TOLERANCE {
            break;
        }
        for k in 0..p {
            sum_dir[k] += d[k];
        }
        margins = lp.margins(&sum_dir);
    }
    Ok(positive)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(p: usize) -> Vec<String> {
        (0..p).map(|j| format!("b{j}")).collect()
    }

    #[test]
    fn overlap_is_not_separation() {
        let x = [1.0, 0.0, 1.0, 1.0, 1.0, 2.0, 1.0, 3.0];
        let y = [0.0, 1.0, 0.0, 1.0];
        let s = detect(&x, 4, 2, &y, &names(2), &[1, 2, 3, 4]).unwrap();
        assert!(!s.separated);
    }

    #[test]
    fn complete_separation_on_a_slope() {
        let x = [1.0, 0.0, 1.0, 1.0, 1.0, 2.0, 1.0, 3.0];
        let y = [0.0, 0.0, 1.0, 1.0];
        let s = detect(&x, 4, 2, &y, &names(2), &[1, 2, 3, 4]).unwrap();
        assert!(s.separated);
        assert_eq!(s.kind, "complete", "{s:?}");
        let slope = s
            .infinite_estimates
            .iter()
            .find(|e| e.term == "b1")
            .unwrap();
        assert_eq!(slope.direction, Divergence::PlusInf);
    }

    #[test]
    fn quasi_complete_separation_on_a_dummy() {
        // y = 1 whenever d = 1; both outcomes when d = 0.
        let d = [0.0, 0.0, 0.0, 0.0, 1.0, 1.0];
        let y = [0.0, 1.0, 0.0, 1.0, 1.0, 1.0];
        let x: Vec<f64> = d.iter().flat_map(|&v| [1.0, v]).collect();
        let s = detect(&x, 6, 2, &y, &names(2), &[1, 2, 3, 4, 5, 6]).unwrap();
        assert!(s.separated);
        assert_eq!(s.kind, "quasi-complete");
        assert_eq!(s.infinite_estimates.len(), 1);
        assert_eq!(s.infinite_estimates[0].term, "b1");
        assert_eq!(s.infinite_estimates[0].direction, Divergence::PlusInf);
        assert_eq!(s.perfectly_predicted_rows, vec![5, 6]);
        assert_eq!(s.boundary_rows, vec![1, 2, 3, 4]);
    }
}
