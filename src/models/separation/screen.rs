//! The fast path of the separation check: an exact certificate that the
//! data are not separated, taken from an ML fit, and the elimination of
//! one-signed columns (fixed-effect dummies whose rows all have the same
//! outcome). Either settles the check without the full linear program, or
//! the check falls back to it.
//!
//! With `a_i = s_i x_i` (`s_i = 2 y_i - 1`), the cone of diverging directions
//! is `C = {d : A d >= 0}`.
//!
//! **Certificate of no separation (Stiemke's lemma).** Exactly one holds:
//! some `d` has `A d >= 0`, `A d != 0` (separation), or some `lambda > 0`
//! (every component strictly positive) has `A' lambda = 0`. At any `beta`,
//! `lambda_i = 1 - P(y_i | x_i) > 0` and `A' lambda = X'(y - mu) = g`, the
//! score. With `W = diag(lambda_i (1 - lambda_i))` (the IRLS weights),
//! `I = X'WX = A'WA` and the Newton step `delta = I^-1 g`, the vector
//! `lambda' = lambda - W A delta` has `A' lambda' = g - I delta = 0` and
//! components `lambda_i (1 - (1 - lambda_i) s_i x_i' delta)`, all positive
//! when every `(1 - lambda_i) s_i x_i' delta < 1`. So no separation when the
//! Newton step changes no linear predictor (in the direction of its row's
//! outcome) by as much as 1. At a converged fit the step is ~1e-8; the check
//! asks for at most 0.5 (a margin of millions over the rounding errors of
//! `I`, `g` and the solve), from a fresh evaluation at the estimate. In
//! floating point it also asks that no `lambda_i` be below 1e-8 and that
//! the information be well-conditioned: on separated data the iterates
//! drive some `lambda_i` to 0, where they underflow and a computed step can
//! come out tiny. Failing any of these only sends the check to the linear
//! programs.
//!
//! **Elimination.** If a column `j` has `a_ij >= 0` on every row (or `<= 0`),
//! not all zero, then for any values of the other coordinates `d_j` can be
//! made large enough (in its sign) to satisfy every row where `a_ij != 0`:
//! the projection of `C` on the other coordinates is the cone of the other
//! columns on the rows where `a_ij = 0`. Repeating this removes columns `E`
//! and rows `S` (the support of each removed column among the rows left at
//! its removal), leaving a reduced problem on rows `R` and columns `K`; every
//! row of `S` is strictly positive along some direction of `C` (the removed
//! column, with the earlier ones made large enough). If the reduced design
//! has full rank and the certificate above holds for it, its cone is `{0}`,
//! so every `d` in `C` has `d_K = 0`: then `C` is the cone of the columns `E`
//! on the rows `S` (the columns of `E` are zero on `R`), the rows of `R` lie
//! on the boundary, and the directions of the terms of `E` are those of that
//! smaller cone. It splits into independent blocks (columns linked by shared
//! rows); a block of one column is one-signed (its direction is its sign,
//! every row perfectly predicted), a larger block gets the linear program.

use crate::linalg;
use crate::models::logit::{self, Problem};

/// The Newton step at the estimate may move no linear predictor by more
/// than this for the certificate (the theory allows anything below 1).
const STEP_MARGIN: f64 = 0.5;

/// The certificate needs every `lambda_i` (the fitted probability of the
/// outcome not observed) at least this large: on separated data the ML
/// iterates drive some to 0, where they underflow, the weights vanish and
/// the information is singular in exact arithmetic though its computed
/// Cholesky factor may not show it.
const LAMBDA_MIN: f64 = 1e-8;

/// Largest condition number of the information (scaled to unit diagonal)
/// at which the certificate's Newton step is trusted.
const MAX_CONDITION: f64 = 1e12;

/// Whether an ML estimate `beta` of the logit on `x` certifies that the data
/// are not separated (see the module documentation): the design must have
/// positive-definite information at `beta`.
pub fn certifies_no_separation(x: &[f64], n: usize, p: usize, y: &[f64], beta: &[f64]) -> bool {
    if n == 0 || p == 0 || beta.len() != p || beta.iter().any(|b| !b.is_finite()) {
        return false;
    }
    let eta = linalg::x_vec(x, n, p, beta);
    let sign = |i: usize| if y[i] == 1.0 { 1.0 } else { -1.0 };
    // lambda_i = 1 - P(y_i | x_i) = logistic(-s_i eta_i).
    let lambda_ok = |i: usize| (LAMBDA_MIN..=1.0).contains(&logit::logistic(-sign(i) * eta[i]));
    if !(0..n).all(lambda_ok) {
        return false;
    }
    let prob = Problem::new(x, n, p, y);
    let (_, information, score) = logit::evaluate(&prob, beta);
    if !linalg::scaled_condition(&information, p).is_some_and(|c| c <= MAX_CONDITION) {
        return false;
    }
    let Some(step) = linalg::spd_solve(&information, p, &score) else {
        return false;
    };
    let change = linalg::x_vec(x, n, p, &step);
    (0..n).all(|i| {
        let s = sign(i);
        let v = logit::logistic(s * eta[i]) * s * change[i];
        v.is_finite() && v <= STEP_MARGIN
    })
}

/// The columns and rows removed by [`eliminate`].
#[derive(Debug, Clone)]
pub struct Elimination {
    /// Per column: `Some(sign)` (+1, -1, or 0 for a column left with no
    /// nonzero entry on the remaining rows) if removed.
    pub removed: Vec<Option<f64>>,
    /// Per row: whether removed (the support of a removed column).
    pub row_removed: Vec<bool>,
}

impl Elimination {
    pub fn any(&self) -> bool {
        self.removed.iter().any(Option::is_some)
    }
}

/// Removes one-signed columns and their supports until none is left (see
/// the module documentation). A column that only becomes empty after
/// earlier removals is removed too (sign 0).
pub fn eliminate(x: &[f64], n: usize, p: usize, y: &[f64]) -> Elimination {
    let mut removed: Vec<Option<f64>> = vec![None; p];
    let mut row_removed = vec![false; n];
    let sign = |i: usize| if y[i] == 1.0 { 1.0 } else { -1.0 };
    loop {
        let mut changed = false;
        for j in 0..p {
            if removed[j].is_some() {
                continue;
            }
            let (mut pos, mut neg) = (false, false);
            for i in (0..n).filter(|&i| !row_removed[i]) {
                let a = sign(i) * x[i * p + j];
                pos |= a > 0.0;
                neg |= a < 0.0;
                if pos && neg {
                    break;
                }
            }
            let s = match (pos, neg) {
                (true, true) => continue,
                (true, false) => 1.0,
                (false, true) => -1.0,
                // Empty from the start: not a removable column.
                (false, false) if !row_removed.iter().any(|&r| r) => continue,
                (false, false) => 0.0,
            };
            removed[j] = Some(s);
            for i in 0..n {
                if x[i * p + j] != 0.0 {
                    row_removed[i] = true;
                }
            }
            changed = true;
        }
        if !changed {
            return Elimination {
                removed,
                row_removed,
            };
        }
    }
}

/// Whether the reduced problem of an elimination (the rows and columns
/// left) has only the zero direction: no columns left, or a full-rank
/// design whose ML fit converges and certifies no separation.
pub fn reduced_cone_is_zero(x: &[f64], n: usize, p: usize, y: &[f64], e: &Elimination) -> bool {
    let rows: Vec<usize> = (0..n).filter(|&i| !e.row_removed[i]).collect();
    let cols: Vec<usize> = (0..p).filter(|&j| e.removed[j].is_none()).collect();
    if cols.is_empty() {
        return true;
    }
    if rows.len() <= cols.len() {
        return false;
    }
    let (m, k) = (rows.len(), cols.len());
    let mut xr = Vec::with_capacity(m * k);
    for &i in &rows {
        xr.extend(cols.iter().map(|&j| x[i * p + j]));
    }
    let yr: Vec<f64> = rows.iter().map(|&i| y[i]).collect();
    if !linalg::aliased_columns(&xr, m, k).is_empty() {
        return false;
    }
    let fit = logit::fit(&Problem::new(&xr, m, k, &yr), None, &Default::default());
    fit.converged && certifies_no_separation(&xr, m, k, &yr, &fit.beta)
}

/// The blocks of the removed columns: columns linked by a removed row on
/// which both are nonzero. Each block: its columns and its rows, in order.
pub fn blocks(x: &[f64], n: usize, p: usize, e: &Elimination) -> Vec<(Vec<usize>, Vec<usize>)> {
    let mut parent: Vec<usize> = (0..p).collect();
    fn root(parent: &mut [usize], mut j: usize) -> usize {
        while parent[j] != j {
            parent[j] = parent[parent[j]];
            j = parent[j];
        }
        j
    }
    let row_cols =
        |i: usize| (0..p).filter(move |&j| e.removed[j].is_some() && x[i * p + j] != 0.0);
    for i in (0..n).filter(|&i| e.row_removed[i]) {
        let mut first = None;
        for j in row_cols(i) {
            match first {
                None => first = Some(j),
                Some(f) => {
                    let (a, b) = (root(&mut parent, f), root(&mut parent, j));
                    parent[a.max(b)] = a.min(b);
                }
            }
        }
    }
    let mut index = vec![usize::MAX; p];
    let mut out: Vec<(Vec<usize>, Vec<usize>)> = Vec::new();
    for j in (0..p).filter(|&j| e.removed[j].is_some()) {
        let r = root(&mut parent, j);
        if index[r] == usize::MAX {
            index[r] = out.len();
            out.push((vec![], vec![]));
        }
        out[index[r]].0.push(j);
    }
    for i in (0..n).filter(|&i| e.row_removed[i]) {
        if let Some(j) = row_cols(i).next() {
            out[index[root(&mut parent, j)]].1.push(i);
        }
    }
    out
}
