//! Dense linear algebra for the estimators: weighted cross-products over row
//! blocks (in parallel, summed in a fixed order so results do not depend on
//! the number of threads), and faer's Cholesky and QR for the p x p systems.
//! Matrices are row-major `&[f64]` slices.

use faer::linalg::solvers::{DenseSolveCore, Solve};
use faer::prelude::*;
use faer::Side;
use rayon::prelude::*;

/// Rows per block in the blocked cross-products. Fixed, so that the order of
/// floating-point sums never depends on the thread count.
pub const BLOCK_ROWS: usize = 16_384;

/// Below this many rows a cross-product runs on one thread.
const PARALLEL_MIN_ROWS: usize = 4 * BLOCK_ROWS;

/// faer's own parallelism (its blocked QR and products) would make rounding
/// depend on the thread count; the decompositions here are small, so they
/// run sequentially and results are identical whatever the number of threads.
fn sequential() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| faer::set_global_parallelism(faer::Par::Seq));
}

fn to_mat(a: &[f64], p: usize) -> Mat<f64> {
    sequential();
    Mat::from_fn(p, p, |i, j| a[i * p + j])
}

fn from_mat(m: MatRef<'_, f64>) -> Vec<f64> {
    let (r, c) = (m.nrows(), m.ncols());
    let mut out = Vec::with_capacity(r * c);
    for i in 0..r {
        for j in 0..c {
            out.push(m[(i, j)]);
        }
    }
    out
}

/// Inverse of a symmetric positive-definite matrix; `None` if it is not
/// numerically positive definite.
pub fn spd_inverse(a: &[f64], p: usize) -> Option<Vec<f64>> {
    let m = to_mat(a, p);
    let llt = m.llt(Side::Lower).ok()?;
    let inv = llt.inverse();
    let mut out = from_mat(inv.as_ref());
    symmetrize(&mut out, p);
    if out.iter().all(|v| v.is_finite()) {
        Some(out)
    } else {
        None
    }
}

/// Solves `a x = b` for symmetric positive-definite `a`.
pub fn spd_solve(a: &[f64], p: usize, b: &[f64]) -> Option<Vec<f64>> {
    let m = to_mat(a, p);
    let llt = m.llt(Side::Lower).ok()?;
    let mut rhs = Mat::from_fn(p, 1, |i, _| b[i]);
    llt.solve_in_place(rhs.as_mut());
    let x: Vec<f64> = (0..p).map(|i| rhs[(i, 0)]).collect();
    if x.iter().all(|v| v.is_finite()) {
        Some(x)
    } else {
        None
    }
}

/// log det of a symmetric positive-definite matrix.
pub fn spd_logdet(a: &[f64], p: usize) -> Option<f64> {
    let m = to_mat(a, p);
    let llt = m.llt(Side::Lower).ok()?;
    let l = llt.L();
    Some((0..p).map(|i| 2.0 * l[(i, i)].ln()).sum())
}

fn symmetrize(a: &mut [f64], p: usize) {
    for i in 0..p {
        for j in 0..i {
            let v = 0.5 * (a[i * p + j] + a[j * p + i]);
            a[i * p + j] = v;
            a[j * p + i] = v;
        }
    }
}

/// `X' diag(w) X` over all rows.
pub fn weighted_crossprod(x: &[f64], n: usize, p: usize, w: &[f64]) -> Vec<f64> {
    let block = |start: usize, end: usize| -> Vec<f64> {
        let mut acc = vec![0.0; p * p];
        for i in start..end {
            let wi = w[i];
            if wi == 0.0 {
                continue;
            }
            let row = &x[i * p..(i + 1) * p];
            for a in 0..p {
                let wa = wi * row[a];
                let acc_row = &mut acc[a * p..(a + 1) * p];
                for b in a..p {
                    acc_row[b] += wa * row[b];
                }
            }
        }
        acc
    };
    let mut total = blocked_sum(n, p * p, block);
    for a in 0..p {
        for b in 0..a {
            total[a * p + b] = total[b * p + a];
        }
    }
    total
}

/// `X' v`.
pub fn xt_vec(x: &[f64], n: usize, p: usize, v: &[f64]) -> Vec<f64> {
    let block = |start: usize, end: usize| -> Vec<f64> {
        let mut acc = vec![0.0; p];
        for i in start..end {
            let vi = v[i];
            let row = &x[i * p..(i + 1) * p];
            for a in 0..p {
                acc[a] += vi * row[a];
            }
        }
        acc
    };
    blocked_sum(n, p, block)
}

/// `X b` (the linear predictor).
pub fn x_vec(x: &[f64], n: usize, p: usize, b: &[f64]) -> Vec<f64> {
    let row_dot = |i: usize| -> f64 {
        let row = &x[i * p..(i + 1) * p];
        row.iter().zip(b).map(|(a, c)| a * c).sum()
    };
    if n >= PARALLEL_MIN_ROWS {
        (0..n).into_par_iter().map(row_dot).collect()
    } else {
        (0..n).map(row_dot).collect()
    }
}

/// Sums per-block vectors in block order; blocks are computed in parallel
/// when there are many rows.
fn blocked_sum<F>(n: usize, len: usize, block: F) -> Vec<f64>
where
    F: Fn(usize, usize) -> Vec<f64> + Sync,
{
    let n_blocks = n.div_ceil(BLOCK_ROWS).max(1);
    let parts: Vec<Vec<f64>> = if n >= PARALLEL_MIN_ROWS {
        (0..n_blocks)
            .into_par_iter()
            .map(|b| block(b * BLOCK_ROWS, ((b + 1) * BLOCK_ROWS).min(n)))
            .collect()
    } else {
        (0..n_blocks)
            .map(|b| block(b * BLOCK_ROWS, ((b + 1) * BLOCK_ROWS).min(n)))
            .collect()
    };
    let mut total = vec![0.0; len];
    for part in parts {
        for (t, v) in total.iter_mut().zip(part) {
            *t += v;
        }
    }
    total
}

/// The R factor (p x p, row-major, upper triangular) of a QR decomposition of
/// X, computed block by block (TSQR), so that a tall X is never copied whole.
pub fn tall_qr_r(x: &[f64], n: usize, p: usize) -> Vec<f64> {
    tall_qr_r_weighted(x, n, p, None)
}

/// The R factor of `diag(sqrt(w)) X` (TSQR, block by block).
pub fn tall_qr_r_weighted(x: &[f64], n: usize, p: usize, w: Option<&[f64]>) -> Vec<f64> {
    sequential();
    let mut r: Option<Mat<f64>> = None;
    let mut start = 0;
    while start < n {
        let end = (start + BLOCK_ROWS).min(n);
        let prev = r.as_ref().map(|m| m.nrows()).unwrap_or(0);
        let rows = end - start + prev;
        let stacked = Mat::from_fn(rows, p, |i, j| {
            if i < prev {
                r.as_ref().map(|m| m[(i, j)]).unwrap_or(0.0)
            } else {
                let row = start + i - prev;
                let scale = w.map(|w| w[row].max(0.0).sqrt()).unwrap_or(1.0);
                scale * x[row * p + j]
            }
        });
        let qr = stacked.qr();
        let thin = qr.thin_R();
        let k = thin.nrows();
        r = Some(Mat::from_fn(
            k,
            p,
            |i, j| if j >= i { thin[(i, j)] } else { 0.0 },
        ));
        start = end;
    }
    let r = r.unwrap_or_else(|| Mat::zeros(p, p));
    let mut out = vec![0.0; p * p];
    for i in 0..r.nrows().min(p) {
        for j in 0..p {
            out[i * p + j] = r[(i, j)];
        }
    }
    out
}

/// `(X' W X)^-1` computed from the QR decomposition of `W^(1/2) X`, as R's
/// `summary.glm` does: more accurate than inverting the cross-product when X
/// is ill-conditioned (the cross-product squares the condition number).
pub fn inverse_crossprod_qr(x: &[f64], n: usize, p: usize, w: &[f64]) -> Option<Vec<f64>> {
    let r = tall_qr_r_weighted(x, n, p, Some(w));
    let max_diag = (0..p).map(|i| r[i * p + i].abs()).fold(0.0, f64::max);
    if (0..p).any(|i| r[i * p + i].abs() <= 1e-13 * max_diag) {
        return None;
    }
    // R^-1 by back-substitution (upper triangular).
    let mut rinv = vec![0.0; p * p];
    for j in 0..p {
        rinv[j * p + j] = 1.0 / r[j * p + j];
        for i in (0..j).rev() {
            let mut s = 0.0;
            for k in i + 1..=j {
                s += r[i * p + k] * rinv[k * p + j];
            }
            rinv[i * p + j] = -s / r[i * p + i];
        }
    }
    let mut v = vec![0.0; p * p];
    for a in 0..p {
        for b in a..p {
            let s: f64 = (b..p).map(|k| rinv[a * p + k] * rinv[b * p + k]).sum();
            v[a * p + b] = s;
            v[b * p + a] = s;
        }
    }
    if v.iter().all(|x| x.is_finite()) {
        Some(v)
    } else {
        None
    }
}

/// Relative tolerance for declaring a column aliased (as `lm`'s 1e-7 for its
/// pivoted QR).
pub const ALIAS_TOLERANCE: f64 = 1e-7;

/// Columns of X that are (numerically) linear combinations of the columns
/// before them, found as R's `lm`/`glm` find them: columns are taken in
/// order, and a column whose residual on the kept columns before it is below
/// `ALIAS_TOLERANCE` times its own norm is aliased.
pub fn aliased_columns(x: &[f64], n: usize, p: usize) -> Vec<usize> {
    if p == 0 {
        return vec![];
    }
    // Columns of R have the same inner products as the columns of X.
    let r = tall_qr_r(x, n, p);
    let col = |j: usize| -> Vec<f64> { (0..p).map(|i| r[i * p + j]).collect() };
    let mut basis: Vec<Vec<f64>> = Vec::new();
    let mut aliased = Vec::new();
    for j in 0..p {
        let mut v = col(j);
        let norm0 = v.iter().map(|a| a * a).sum::<f64>().sqrt();
        if norm0 == 0.0 {
            aliased.push(j);
            continue;
        }
        // Modified Gram-Schmidt, twice for stability.
        for _ in 0..2 {
            for q in &basis {
                let d: f64 = v.iter().zip(q).map(|(a, b)| a * b).sum();
                for (a, b) in v.iter_mut().zip(q) {
                    *a -= d * b;
                }
            }
        }
        let norm = v.iter().map(|a| a * a).sum::<f64>().sqrt();
        if norm < ALIAS_TOLERANCE * norm0 {
            aliased.push(j);
        } else {
            basis.push(v.iter().map(|a| a / norm).collect());
        }
    }
    aliased
}

/// Quadratic form `a' M b` for row-major M.
pub fn quad_form(m: &[f64], p: usize, a: &[f64], b: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..p {
        if a[i] == 0.0 {
            continue;
        }
        let row = &m[i * p..(i + 1) * p];
        s += a[i] * row.iter().zip(b).map(|(x, y)| x * y).sum::<f64>();
    }
    s
}

/// `A B A` for symmetric p x p row-major matrices (a sandwich).
pub fn sandwich(bread: &[f64], meat: &[f64], p: usize) -> Vec<f64> {
    let a = to_mat(bread, p);
    let b = to_mat(meat, p);
    let prod = &a * &b * &a;
    let mut out = from_mat(prod.as_ref());
    symmetrize(&mut out, p);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inverse_of_spd() {
        let a = vec![4.0, 1.0, 1.0, 3.0];
        let inv = spd_inverse(&a, 2).unwrap();
        let det = 11.0;
        let want = [3.0 / det, -1.0 / det, -1.0 / det, 4.0 / det];
        for (g, w) in inv.iter().zip(want) {
            assert!((g - w).abs() < 1e-14);
        }
        assert!((spd_logdet(&a, 2).unwrap() - det.ln()).abs() < 1e-14);
        assert!(spd_inverse(&[1.0, 1.0, 1.0, 1.0], 2).is_none());
    }

    #[test]
    fn qr_inverse_matches_cholesky_inverse() {
        let n = 50;
        let p = 3;
        let x: Vec<f64> = (0..n * p)
            .map(|k| ((k * 37) % 17) as f64 / 7.0 + (k % p) as f64)
            .collect();
        let w: Vec<f64> = (0..n).map(|i| 0.1 + (i % 5) as f64 / 10.0).collect();
        let a = inverse_crossprod_qr(&x, n, p, &w).unwrap();
        let b = spd_inverse(&weighted_crossprod(&x, n, p, &w), p).unwrap();
        for (u, v) in a.iter().zip(&b) {
            assert!((u - v).abs() < 1e-10 * v.abs().max(1.0));
        }
    }

    #[test]
    fn aliasing_names_the_later_column() {
        // x2 = 2 * x1: x2 is aliased, as in R.
        let n = 6;
        let mut x = Vec::new();
        for i in 0..n {
            let x1 = i as f64;
            x.extend([1.0, x1, 2.0 * x1, (i * i) as f64]);
        }
        assert_eq!(aliased_columns(&x, n, 4), vec![2]);
    }

    #[test]
    fn blocked_tsqr_matches_crossprod() {
        let n = 40_000;
        let p = 3;
        let x: Vec<f64> = (0..n * p)
            .map(|k| ((k * 7919) % 101) as f64 / 50.0)
            .collect();
        let r = tall_qr_r(&x, n, p);
        let xtx = weighted_crossprod(&x, n, p, &vec![1.0; n]);
        for a in 0..p {
            for b in 0..p {
                let rtr: f64 = (0..p).map(|k| r[k * p + a] * r[k * p + b]).sum();
                assert!((rtr - xtx[a * p + b]).abs() < 1e-8 * xtx[a * p + b].abs().max(1.0));
            }
        }
    }
}
