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

/// Up to this size the Cholesky factor is computed in plain loops (faer's
/// general routine costs more than the work for the 2 x 2 to 8 x 8 systems
/// of resampling refits and simulations).
const SMALL_CHOLESKY: usize = 8;

/// The lower Cholesky factor of a small SPD matrix (row-major), by the
/// Cholesky-Banachiewicz recurrence; `None` if a pivot is not positive.
fn small_cholesky(a: &[f64], p: usize) -> Option<Vec<f64>> {
    let mut l = vec![0.0; p * p];
    for i in 0..p {
        for j in 0..=i {
            let mut s = a[i * p + j];
            for k in 0..j {
                s -= l[i * p + k] * l[j * p + k];
            }
            if i == j {
                if !(s > 0.0 && s.is_finite()) {
                    return None;
                }
                l[i * p + i] = s.sqrt();
            } else {
                l[i * p + j] = s / l[j * p + j];
            }
        }
    }
    Some(l)
}

/// Solves `a x = b` for symmetric positive-definite `a`.
pub fn spd_solve(a: &[f64], p: usize, b: &[f64]) -> Option<Vec<f64>> {
    if p <= SMALL_CHOLESKY {
        let l = small_cholesky(a, p)?;
        // L z = b, then L' x = z.
        let mut x = b.to_vec();
        for i in 0..p {
            let s: f64 = (0..i).map(|k| l[i * p + k] * x[k]).sum();
            x[i] = (x[i] - s) / l[i * p + i];
        }
        for i in (0..p).rev() {
            let s: f64 = (i + 1..p).map(|k| l[k * p + i] * x[k]).sum();
            x[i] = (x[i] - s) / l[i * p + i];
        }
        return x.iter().all(|v| v.is_finite()).then_some(x);
    }
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

/// Rows per sub-block: the weighted copy of a sub-block stays in cache.
const SUB_ROWS: usize = 256;

/// Whether a pass over `n` rows of `p` columns runs in plain loops rather
/// than through matrix products per sub-block: for a few rows of a few
/// columns (resampling refits, simulations), where a product's fixed cost
/// is larger than the work.
fn plain_loops(n: usize, p: usize) -> bool {
    n <= SUB_ROWS && p < 6
}

/// Adds `X_s' [diag(w_s) X_s | r_s]` for the rows `s` of a sub-block to
/// `acc` (p x (p + 1), column-major: the cross-product, then `X_s' r_s`),
/// with faer's matrix product. `scaled` is scratch of at least
/// `rows * (p + 1)`.
fn add_sub_block(
    x: &[f64],
    p: usize,
    w: &[f64],
    r: &[f64],
    scaled: &mut [f64],
    acc: &mut Mat<f64>,
) {
    let rows = w.len();
    let width = p + 1;
    let scaled = &mut scaled[..rows * width];
    // Row by row (contiguous reads and writes): [w_i x_i', r_i].
    for (i, out) in scaled.chunks_exact_mut(width).enumerate() {
        let wi = w[i];
        for (o, v) in out[..p].iter_mut().zip(&x[i * p..(i + 1) * p]) {
            *o = wi * v;
        }
        out[p] = r[i];
    }
    // X_s' is p x rows with unit row stride: column-major with stride p.
    let lhs = MatRef::from_column_major_slice_with_stride(x, p, rows, p);
    let rhs = MatRef::from_row_major_slice(scaled, rows, width);
    faer::linalg::matmul::matmul(
        acc.as_mut(),
        faer::Accum::Add,
        lhs,
        rhs,
        1.0,
        faer::Par::Seq,
    );
    clear_upper_vector_state();
}

/// faer's kernels use 256-bit AVX registers; the scalar code that follows
/// them (and libm's `exp` and `log`) uses the 128-bit encodings. On some CPUs
/// that mix costs a penalty on every later instruction until the upper
/// halves are cleared, which made each pass several times slower.
#[inline]
fn clear_upper_vector_state() {
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("avx") {
        // SAFETY: the CPU supports AVX (checked above); vzeroupper only
        // clears the upper halves of the vector registers, which hold no
        // live values between these calls.
        unsafe { std::arch::x86_64::_mm256_zeroupper() }
    }
}

/// The linear predictor of row `i`: `x_i' beta + offset_i`, summed in the
/// same order everywhere so every pass gives the same value.
#[inline]
fn row_eta(xi: &[f64], beta: &[f64], offset: Option<&[f64]>, i: usize) -> f64 {
    let mut eta = offset.map(|o| o[i]).unwrap_or(0.0);
    for (a, b) in xi.iter().zip(beta) {
        eta += a * b;
    }
    eta
}

/// Which designs may take `(X'WX)^-1` from the Cholesky factor of their
/// information ([`well_conditioned_inverse`]) instead of a QR of the
/// weighted design (see [`inverse_information`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bread {
    /// Large designs, and wide, mostly-zero ones (fixed effects), where the
    /// dense QR costs more than the whole fit.
    LargeOrSparse,
    /// Large designs only: for a covariance whose variances can be far
    /// smaller than the terms they are computed from (a two-way cluster
    /// covariance subtracts the intersection's meat), which magnifies the
    /// bread's rounding. On the 200-state benchmark the Cholesky bread's
    /// ~1e-12 relative error became 2e-10 in its smallest two-way SEs,
    /// where the QR's stays within 5e-11 of an extended-precision value.
    Large,
}

/// `(X'WX)^-1` at an estimate with information `information` (`X'WX`) and
/// per-row weights `w(i)`: for a large design (or, with
/// [`Bread::LargeOrSparse`], a wide, mostly-zero one) whose information is
/// well-conditioned, straight from the information
/// ([`well_conditioned_inverse`]: no dense QR, and an error bounded by its
/// condition guard, ~1e-12 relative on the 200-state benchmark); otherwise
/// from the QR decomposition of `W^(1/2) X`, as R computes it. `None` if
/// singular.
pub fn inverse_information<W>(
    x: &[f64],
    n: usize,
    p: usize,
    information: &[f64],
    w: W,
    bread: Bread,
) -> Option<Vec<f64>>
where
    W: Fn(usize) -> f64 + Sync + Send,
{
    let sparse = bread == Bread::LargeOrSparse && is_wide_and_sparse(x, n, p);
    if n > LARGE_ROWS || sparse {
        if let Some(v) = well_conditioned_inverse(information, p) {
            return Some(v);
        }
    }
    inverse_crossprod_qr(x, n, p, &row_map(n, w))
}

/// What one pass over the rows accumulates.
#[derive(Debug, Clone)]
pub struct Pass {
    /// `X' W X` (p x p, row-major).
    pub cross: Vec<f64>,
    /// `X' r`.
    pub xr: Vec<f64>,
    /// Sum over rows of the per-row scalar.
    pub total: f64,
}

/// One pass over the rows at coefficients `beta`: for row i with linear
/// predictor `eta_i = x_i' beta + offset_i`, `row(i, eta_i)` returns
/// `(w_i, r_i, s_i)`; the pass returns `X' W X`, `X' r` and `sum s_i`,
/// without storing any per-row vector. Blocks of rows run in parallel and
/// are summed in a fixed order, so the result does not depend on the number
/// of threads.
pub fn weighted_pass<F>(
    x: &[f64],
    n: usize,
    p: usize,
    beta: &[f64],
    offset: Option<&[f64]>,
    row: F,
) -> Pass
where
    F: Fn(usize, f64) -> (f64, f64, f64) + Sync,
{
    if plain_loops(n, p) {
        return small_weighted_pass(x, n, p, beta, offset, row);
    }
    if beta.iter().all(|b| b.is_finite()) && is_wide_and_sparse(x, n, p) {
        return sparse_weighted_pass(&SparseRows::new(x, n, p), n, p, beta, offset, row);
    }
    sequential();
    let len = p * (p + 1);
    let block = |start: usize, end: usize| -> Vec<f64> {
        let rows = SUB_ROWS.min(end - start);
        let mut acc = Mat::<f64>::zeros(p, p + 1);
        let mut scaled = vec![0.0; rows * (p + 1)];
        let mut w = vec![0.0; rows];
        let mut r = vec![0.0; rows];
        let mut total = 0.0;
        let mut s0 = start;
        while s0 < end {
            let s1 = (s0 + SUB_ROWS).min(end);
            let m = s1 - s0;
            let xs = &x[s0 * p..s1 * p];
            for k in 0..m {
                let i = s0 + k;
                let xi = &xs[k * p..(k + 1) * p];
                let eta = row_eta(xi, beta, offset, i);
                let (wi, ri, si) = row(i, eta);
                w[k] = wi;
                r[k] = ri;
                total += si;
            }
            add_sub_block(xs, p, &w[..m], &r[..m], &mut scaled, &mut acc);
            s0 = s1;
        }
        let mut out = Vec::with_capacity(len + 1);
        for a in 0..p {
            for b in 0..=p {
                out.push(acc[(a, b)]);
            }
        }
        out.push(total);
        out
    };
    let sums = blocked_sum(n, len + 1, block);
    let mut cross = vec![0.0; p * p];
    let mut xr = vec![0.0; p];
    for a in 0..p {
        for b in 0..p {
            cross[a * p + b] = sums[a * (p + 1) + b];
        }
        xr[a] = sums[a * (p + 1) + p];
    }
    symmetrize(&mut cross, p);
    Pass {
        cross,
        xr,
        total: sums[len],
    }
}

/// Columns from which a design may count as wide, and the largest share of
/// nonzero cells of a sparse one (fixed effects: a few nonzeros in each row
/// of hundreds of indicator columns).
const SPARSE_MIN_COLUMNS: usize = 32;
const SPARSE_MAX_DENSITY: f64 = 0.05;

/// Whether the design is wide and mostly zeros (judged on its first rows),
/// so that a pass over the nonzero cells of each row beats dense products.
fn is_wide_and_sparse(x: &[f64], n: usize, p: usize) -> bool {
    if p < SPARSE_MIN_COLUMNS || n == 0 {
        return false;
    }
    let rows = n.min(4096);
    let nonzero = x[..rows * p].iter().filter(|v| **v != 0.0).count();
    (nonzero as f64) <= SPARSE_MAX_DENSITY * (rows * p) as f64
}

/// The nonzero cells of a design, row by row (compressed rows): found once
/// for all the passes of a fit, so that a pass reads a few cells per row
/// instead of scanning every column for them.
#[derive(Debug, Clone)]
pub struct SparseRows {
    /// Row i's cells are `start[i]..start[i + 1]` of `columns` and `values`.
    start: Vec<usize>,
    /// Column of each cell, increasing within a row.
    columns: Vec<usize>,
    values: Vec<f64>,
}

impl SparseRows {
    /// The nonzero cells of a row-major `n x p` design.
    fn new(x: &[f64], n: usize, p: usize) -> SparseRows {
        let mut rows = SparseRows {
            start: Vec::with_capacity(n + 1),
            columns: Vec::new(),
            values: Vec::new(),
        };
        rows.start.push(0);
        for xi in x[..n * p].chunks_exact(p.max(1)) {
            for (a, &v) in xi.iter().enumerate().filter(|(_, v)| **v != 0.0) {
                rows.columns.push(a);
                rows.values.push(v);
            }
            rows.start.push(rows.columns.len());
        }
        rows
    }

    /// The nonzero cells of a design that is wide and mostly zeros (the
    /// designs whose passes go over nonzero cells), `None` for any other.
    pub fn of_wide_sparse(x: &[f64], n: usize, p: usize) -> Option<SparseRows> {
        is_wide_and_sparse(x, n, p).then(|| SparseRows::new(x, n, p))
    }

    /// The columns and values of row i's nonzero cells.
    #[inline]
    fn row(&self, i: usize) -> (&[usize], &[f64]) {
        let cells = self.start[i]..self.start[i + 1];
        (&self.columns[cells.clone()], &self.values[cells])
    }
}

/// [`weighted_pass`], over the nonzero cells `rows` of the design when they
/// are given (see [`SparseRows::of_wide_sparse`]) and the coefficients are
/// finite: the same sums as [`weighted_pass`] on that design, to the bit.
pub fn weighted_pass_with<F>(
    x: &[f64],
    n: usize,
    p: usize,
    rows: Option<&SparseRows>,
    beta: &[f64],
    offset: Option<&[f64]>,
    row: F,
) -> Pass
where
    F: Fn(usize, f64) -> (f64, f64, f64) + Sync,
{
    match rows {
        Some(cells) if beta.iter().all(|b| b.is_finite()) => {
            sparse_weighted_pass(cells, n, p, beta, offset, row)
        }
        _ => weighted_pass(x, n, p, beta, offset, row),
    }
}

/// [`weighted_pass`] over the nonzero cells of each row only: `X'WX` gains
/// `w_i x_ia x_ib` for each pair of nonzero cells of row i. Rows are taken
/// in order on one thread, so the result does not depend on the number of
/// threads; it equals the dense pass up to the order of summation. A row's
/// linear predictor is the same sum as the dense pass's (zero cells add
/// nothing), unless a coefficient is not finite, where the dense pass is
/// used.
fn sparse_weighted_pass<F>(
    cells: &SparseRows,
    n: usize,
    p: usize,
    beta: &[f64],
    offset: Option<&[f64]>,
    row: F,
) -> Pass
where
    F: Fn(usize, f64) -> (f64, f64, f64) + Sync,
{
    let mut cross = vec![0.0; p * p];
    let mut xr = vec![0.0; p];
    let mut total = 0.0;
    for i in 0..n {
        let (nz, xi) = cells.row(i);
        let mut eta = offset.map(|o| o[i]).unwrap_or(0.0);
        for (&a, &v) in nz.iter().zip(xi) {
            eta += v * beta[a];
        }
        let (wi, ri, si) = row(i, eta);
        total += si;
        for (&a, &va) in nz.iter().zip(xi) {
            let wa = wi * va;
            xr[a] += va * ri;
            let line = &mut cross[a * p..(a + 1) * p];
            for (&b, &vb) in nz.iter().zip(xi) {
                line[b] += wa * vb;
            }
        }
    }
    Pass { cross, xr, total }
}

/// The lower-triangular `linv` (row-major) by columns: `out[k * p + r] =
/// linv[r * p + k]`, so that `linv x` for a row with a few nonzero cells
/// reads each cell's column contiguously.
fn lower_by_columns(linv: &[f64], p: usize) -> Vec<f64> {
    let mut out = vec![0.0; p * p];
    for r in 0..p {
        for k in 0..=r {
            out[k * p + r] = linv[r * p + k];
        }
    }
    out
}

/// `|linv x_i|^2` for a row given by its nonzero cells, with `cols` the
/// columns of `linv` ([`lower_by_columns`]) and `z` scratch of length p:
/// `linv x_i` is the sum over the cells of value times column, each column
/// zero above its own index.
#[inline]
fn sparse_lower_norm2(cols: &[f64], p: usize, nz: &[usize], xi: &[f64], z: &mut [f64]) -> f64 {
    let Some(&first) = nz.first() else {
        return 0.0;
    };
    z[first..].fill(0.0);
    for (&k, &v) in nz.iter().zip(xi) {
        let col = &cols[k * p..(k + 1) * p];
        for r in k..p {
            z[r] += v * col[r];
        }
    }
    z[first..].iter().map(|v| v * v).sum()
}

/// [`quadratic_pass`] over the nonzero cells of each row (a wide, mostly
/// zero design, [`SparseRows::of_wide_sparse`]; finite coefficients): the
/// same quantities up to the order of summation, at O(k p) per row for k
/// nonzero cells instead of O(p^2). Rows are taken in order on one thread,
/// so the result does not depend on the number of threads.
pub fn sparse_quadratic_pass<F>(
    cells: &SparseRows,
    n: usize,
    p: usize,
    beta: &[f64],
    offset: Option<&[f64]>,
    linv: &[f64],
    row: F,
) -> Vec<f64>
where
    F: Fn(usize, f64, f64) -> f64,
{
    let cols = lower_by_columns(linv, p);
    let mut z = vec![0.0; p];
    let mut acc = vec![0.0; p];
    for i in 0..n {
        let (nz, xi) = cells.row(i);
        let mut eta = offset.map(|o| o[i]).unwrap_or(0.0);
        for (&a, &v) in nz.iter().zip(xi) {
            eta += v * beta[a];
        }
        let r = row(i, eta, sparse_lower_norm2(&cols, p, nz, xi, &mut z));
        for (&a, &v) in nz.iter().zip(xi) {
            acc[a] += r * v;
        }
    }
    acc
}

/// [`quadratic_forms`] over the nonzero cells of each row (see
/// [`sparse_quadratic_pass`]).
pub fn sparse_quadratic_forms(cells: &SparseRows, n: usize, p: usize, linv: &[f64]) -> Vec<f64> {
    let cols = lower_by_columns(linv, p);
    let mut z = vec![0.0; p];
    (0..n)
        .map(|i| {
            let (nz, xi) = cells.row(i);
            sparse_lower_norm2(&cols, p, nz, xi, &mut z)
        })
        .collect()
}

/// `q_k = |linv x_k|^2` for the `m` rows of a sub-block `xs`, from one
/// matrix product `Z = X_s linv'` (scratch `z`, at least m x p).
fn sub_block_quadratic(
    xs: &[f64],
    m: usize,
    p: usize,
    linv: &[f64],
    z: &mut Mat<f64>,
    q: &mut [f64],
) {
    let lhs = MatRef::from_row_major_slice(xs, m, p);
    let rhs = MatRef::from_row_major_slice(linv, p, p).transpose();
    faer::linalg::matmul::matmul(
        z.as_mut().submatrix_mut(0, 0, m, p),
        faer::Accum::Replace,
        lhs,
        rhs,
        1.0,
        faer::Par::Seq,
    );
    clear_upper_vector_state();
    let q = &mut q[..m];
    q.fill(0.0);
    for a in 0..p {
        let col = z.col(a);
        for (k, v) in q.iter_mut().enumerate() {
            let zk = col[k];
            *v += zk * zk;
        }
    }
}

/// `q_i = |linv x_i|^2` for every row (lower-triangular `linv`, p x p,
/// row-major): plain loops for a few rows, otherwise sub-blocks of rows
/// through one matrix product each, blocks in parallel.
pub fn quadratic_forms(x: &[f64], n: usize, p: usize, linv: &[f64]) -> Vec<f64> {
    if plain_loops(n, p) {
        return (0..n)
            .map(|i| lower_norm2(linv, p, &x[i * p..(i + 1) * p]))
            .collect();
    }
    sequential();
    let mut q = vec![0.0; n];
    for_each_block_mut(&mut q, |start, out| {
        let mut z = Mat::<f64>::zeros(SUB_ROWS.min(out.len()), p);
        for (s, chunk) in out.chunks_mut(SUB_ROWS).enumerate() {
            let s0 = start + s * SUB_ROWS;
            let xs = &x[s0 * p..(s0 + chunk.len()) * p];
            sub_block_quadratic(xs, chunk.len(), p, linv, &mut z, chunk);
        }
    });
    q
}

/// `X' diag(c) X - 2 (D X)' (P o P) (D X)` with `D = diag(d)`,
/// `P_ij = z_i' z_j` for `z_i = linv x_i`, and `o` the elementwise product:
/// the Hessian of Firth's penalized log-likelihood has this form (see
/// `firth::negative_hessian`). Since `P_ij^2 = vec(z_i z_i')' vec(z_j z_j')`,
/// the second term is `2 K K'` with `K = sum_i d_i x_i vec(z_i z_i')'`
/// (p x p(p+1)/2, each off-diagonal pair once with weight sqrt 2): O(n p^3)
/// work and no n x n matrix.
pub fn squared_hat_form(
    x: &[f64],
    n: usize,
    p: usize,
    linv: &[f64],
    c: &[f64],
    d: &[f64],
) -> Vec<f64> {
    sequential();
    let xm = MatRef::from_row_major_slice(x, n, p);
    let mut z = Mat::<f64>::zeros(n, p);
    faer::linalg::matmul::matmul(
        z.as_mut(),
        faer::Accum::Replace,
        xm,
        MatRef::from_row_major_slice(linv, p, p).transpose(),
        1.0,
        faer::Par::Seq,
    );
    let pairs = p * (p + 1) / 2;
    let mut g = Mat::<f64>::zeros(n, pairs);
    let mut col = 0;
    for r in 0..p {
        for s in r..p {
            let weight = if r == s {
                1.0
            } else {
                std::f64::consts::SQRT_2
            };
            for i in 0..n {
                g[(i, col)] = weight * d[i] * z[(i, r)] * z[(i, s)];
            }
            col += 1;
        }
    }
    let mut k = Mat::<f64>::zeros(p, pairs);
    faer::linalg::matmul::matmul(
        k.as_mut(),
        faer::Accum::Replace,
        xm.transpose(),
        g.as_ref(),
        1.0,
        faer::Par::Seq,
    );
    let cx = Mat::<f64>::from_fn(n, p, |i, a| c[i] * x[i * p + a]);
    let mut out = Mat::<f64>::zeros(p, p);
    faer::linalg::matmul::matmul(
        out.as_mut(),
        faer::Accum::Replace,
        xm.transpose(),
        cx.as_ref(),
        1.0,
        faer::Par::Seq,
    );
    faer::linalg::matmul::matmul(
        out.as_mut(),
        faer::Accum::Add,
        k.as_ref(),
        k.as_ref().transpose(),
        -2.0,
        faer::Par::Seq,
    );
    clear_upper_vector_state();
    let mut h = from_mat(out.as_ref());
    symmetrize(&mut h, p);
    h
}

/// One pass over the rows at coefficients `beta` with the lower-triangular
/// `linv` (p x p, row-major): for row i, `row(i, eta_i, q_i)` with
/// `q_i = |linv x_i|^2` returns `r_i`, and the pass returns `X' r`. With
/// `linv` the inverse Cholesky factor of `X'WX`, `w_i q_i` is the hat value
/// of row i. Blocks are summed in a fixed order.
pub fn quadratic_pass<F>(
    x: &[f64],
    n: usize,
    p: usize,
    beta: &[f64],
    offset: Option<&[f64]>,
    linv: &[f64],
    row: F,
) -> Vec<f64>
where
    F: Fn(usize, f64, f64) -> f64 + Sync,
{
    if plain_loops(n, p) {
        let mut acc = vec![0.0; p];
        for i in 0..n {
            let xi = &x[i * p..(i + 1) * p];
            let eta = row_eta(xi, beta, offset, i);
            let r = row(i, eta, lower_norm2(linv, p, xi));
            for (a, v) in acc.iter_mut().zip(xi) {
                *a += r * v;
            }
        }
        return acc;
    }
    // Sub-blocks of rows: q for all of them from one matrix product.
    sequential();
    let block = |start: usize, end: usize| -> Vec<f64> {
        let rows = SUB_ROWS.min(end - start);
        let mut acc = vec![0.0; p];
        let mut q = vec![0.0; rows];
        let mut z = Mat::<f64>::zeros(rows, p);
        let mut s0 = start;
        while s0 < end {
            let s1 = (s0 + SUB_ROWS).min(end);
            let xs = &x[s0 * p..s1 * p];
            sub_block_quadratic(xs, s1 - s0, p, linv, &mut z, &mut q);
            for (k, xi) in xs.chunks_exact(p).enumerate() {
                let i = s0 + k;
                let eta = row_eta(xi, beta, offset, i);
                let r = row(i, eta, q[k]);
                for (a, v) in acc.iter_mut().zip(xi) {
                    *a += r * v;
                }
            }
            s0 = s1;
        }
        acc
    };
    blocked_sum(n, p, block)
}

/// `|L v|^2` for lower-triangular row-major `L`.
#[inline]
pub fn lower_norm2(l: &[f64], p: usize, v: &[f64]) -> f64 {
    let mut q = 0.0;
    for a in 0..p {
        let row = &l[a * p..a * p + a + 1];
        let z: f64 = row.iter().zip(&v[..=a]).map(|(u, w)| u * w).sum();
        q += z * z;
    }
    q
}

/// [`weighted_pass`] for a few rows (resampling refits, profile points):
/// plain loops, no allocation beyond the results.
fn small_weighted_pass<F>(
    x: &[f64],
    n: usize,
    p: usize,
    beta: &[f64],
    offset: Option<&[f64]>,
    row: F,
) -> Pass
where
    F: Fn(usize, f64) -> (f64, f64, f64),
{
    let mut cross = vec![0.0; p * p];
    let mut xr = vec![0.0; p];
    let mut total = 0.0;
    for i in 0..n {
        let xi = &x[i * p..(i + 1) * p];
        let eta = row_eta(xi, beta, offset, i);
        let (w, r, s) = row(i, eta);
        total += s;
        for a in 0..p {
            let wa = w * xi[a];
            xr[a] += r * xi[a];
            let acc = &mut cross[a * p..(a + 1) * p];
            for b in a..p {
                acc[b] += wa * xi[b];
            }
        }
    }
    for a in 0..p {
        for b in 0..a {
            cross[a * p + b] = cross[b * p + a];
        }
    }
    Pass { cross, xr, total }
}

/// One pass over the rows at `beta` that stores `m_i` of
/// `row(i, eta_i) = (m_i, s_i)` for every row and returns them with
/// `sum s_i`, summed in the same blocks and order as [`weighted_pass`] (so the
/// sum equals that pass's total).
pub fn fitted_pass<F>(
    x: &[f64],
    n: usize,
    p: usize,
    beta: &[f64],
    offset: Option<&[f64]>,
    row: F,
) -> (Vec<f64>, f64)
where
    F: Fn(usize, f64) -> (f64, f64) + Sync,
{
    let mut m = vec![0.0; n];
    let parts = for_each_block_mut(&mut m, |start, m| {
        let mut total = 0.0;
        for (k, v) in m.iter_mut().enumerate() {
            let i = start + k;
            let (mi, si) = row(i, row_eta(&x[i * p..(i + 1) * p], beta, offset, i));
            *v = mi;
            total += si;
        }
        total
    });
    let mut total = 0.0;
    for v in parts {
        total += v;
    }
    (m, total)
}

/// `X' diag(w) X` over all rows.
pub fn weighted_crossprod(x: &[f64], n: usize, p: usize, w: &[f64]) -> Vec<f64> {
    let zeros = vec![0.0; p];
    weighted_pass(x, n, p, &zeros, None, |i, _| (w[i], 0.0, 0.0)).cross
}

/// The lower-triangular inverse of the Cholesky factor of an SPD matrix
/// (row-major), with `log det`; `None` if the matrix is not numerically
/// positive definite.
pub fn cholesky_inverse_factor(a: &[f64], p: usize) -> Option<(Vec<f64>, f64)> {
    if p <= SMALL_CHOLESKY {
        let l = small_cholesky(a, p)?;
        return lower_inverse(|r, c| l[r * p + c], p);
    }
    let m = to_mat(a, p);
    let llt = m.llt(Side::Lower).ok()?;
    let l = llt.L();
    lower_inverse(|r, c| l[(r, c)], p)
}

/// The inverse of a lower-triangular matrix with entries `l(r, c)`, and
/// `2 sum log l(i, i)` (the log determinant of `L L'`); `None` if not finite.
fn lower_inverse<L: Fn(usize, usize) -> f64>(l: L, p: usize) -> Option<(Vec<f64>, f64)> {
    let logdet = (0..p).map(|i| 2.0 * l(i, i).ln()).sum();
    // Forward substitution, column by column of the identity.
    let mut inv = vec![0.0; p * p];
    for c in 0..p {
        for r in c..p {
            let mut s = if r == c { 1.0 } else { 0.0 };
            for k in c..r {
                s -= l(r, k) * inv[k * p + c];
            }
            inv[r * p + c] = s / l(r, r);
        }
    }
    inv.iter().all(|v| v.is_finite()).then_some((inv, logdet))
}

/// `sum_i f(i)` over `0..n`, in blocks summed in a fixed order (in parallel
/// for many rows).
pub fn row_sum<F>(n: usize, f: F) -> f64
where
    F: Fn(usize) -> f64 + Sync,
{
    blocked_sum(n, 1, |start, end| vec![(start..end).map(&f).sum()])[0]
}

/// Two sums over rows at once, as [`row_sum`].
pub fn row_sum2<F>(n: usize, f: F) -> (f64, f64)
where
    F: Fn(usize) -> (f64, f64) + Sync,
{
    let s = blocked_sum(n, 2, |start, end| {
        let mut acc = vec![0.0, 0.0];
        for i in start..end {
            let (a, b) = f(i);
            acc[0] += a;
            acc[1] += b;
        }
        acc
    });
    (s[0], s[1])
}

/// `out[i] = f(i)` (in parallel for many rows).
pub fn row_map<F>(n: usize, f: F) -> Vec<f64>
where
    F: Fn(usize) -> f64 + Sync + Send,
{
    if n >= PARALLEL_MIN_ROWS {
        (0..n).into_par_iter().map(f).collect()
    } else {
        (0..n).map(f).collect()
    }
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

/// `f(first row, rows of out)` for each block of `BLOCK_ROWS` rows of a
/// per-row output (in parallel for many rows); the results in block order.
fn for_each_block_mut<T, F>(out: &mut [f64], f: F) -> Vec<T>
where
    T: Send,
    F: Fn(usize, &mut [f64]) -> T + Sync,
{
    if out.len() >= PARALLEL_MIN_ROWS {
        out.par_chunks_mut(BLOCK_ROWS)
            .enumerate()
            .map(|(b, rows)| f(b * BLOCK_ROWS, rows))
            .collect()
    } else {
        out.chunks_mut(BLOCK_ROWS)
            .enumerate()
            .map(|(b, rows)| f(b * BLOCK_ROWS, rows))
            .collect()
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

/// The upper-triangular R factor (k x p, k = min(rows, p)) of a QR
/// decomposition of a column-major matrix.
fn qr_r(m: Mat<f64>) -> Mat<f64> {
    let p = m.ncols();
    let qr = m.qr();
    let thin = qr.thin_R();
    let k = thin.nrows();
    let r = Mat::from_fn(k, p, |i, j| if j >= i { thin[(i, j)] } else { 0.0 });
    clear_upper_vector_state();
    r
}

/// The R factor of `diag(sqrt(w)) X` (TSQR): the blocks of rows are
/// factored in parallel, and their stacked R factors once more, in a fixed
/// order, so the result does not depend on the number of threads.
pub fn tall_qr_r_weighted(x: &[f64], n: usize, p: usize, w: Option<&[f64]>) -> Vec<f64> {
    sequential();
    let n_blocks = n.div_ceil(BLOCK_ROWS).max(1);
    let block_r = |b: usize| -> Mat<f64> {
        let start = b * BLOCK_ROWS;
        let end = ((b + 1) * BLOCK_ROWS).min(n);
        qr_r(Mat::from_fn(end - start, p, |i, j| {
            let row = start + i;
            let scale = w.map(|w| w[row].max(0.0).sqrt()).unwrap_or(1.0);
            scale * x[row * p + j]
        }))
    };
    let parts: Vec<Mat<f64>> = if n >= PARALLEL_MIN_ROWS {
        (0..n_blocks).into_par_iter().map(block_r).collect()
    } else {
        (0..n_blocks).map(block_r).collect()
    };
    let r = if parts.len() == 1 {
        parts.into_iter().next().expect("one block")
    } else {
        let rows: usize = parts.iter().map(|m| m.nrows()).sum();
        let mut stacked = Mat::<f64>::zeros(rows, p);
        let mut at = 0;
        for m in &parts {
            for i in 0..m.nrows() {
                for j in 0..p {
                    stacked[(at + i, j)] = m[(i, j)];
                }
            }
            at += m.nrows();
        }
        qr_r(stacked)
    };
    let mut out = vec![0.0; p * p];
    for i in 0..r.nrows().min(p) {
        for j in 0..p {
            out[i * p + j] = r[(i, j)];
        }
    }
    out
}

/// Designs with more rows than this get their covariance from the
/// cross-product when it is well-conditioned ([`well_conditioned_inverse`]),
/// and their alias check from a screen of `X'X` ([`aliased_columns`]; so do
/// wide, mostly-zero designs of any size).
pub const LARGE_ROWS: usize = 200_000;

/// Largest condition number (1-norm, after scaling to unit diagonal) at
/// which the inverse of a cross-product is taken from its Cholesky factor.
/// The relative error of that inverse is then about `p * 1e-16 * 1e6`, far
/// below what any reported digit needs.
const CHOLESKY_MAX_CONDITION: f64 = 1e6;

/// An SPD matrix scaled to unit diagonal, `D^-1/2 A D^-1/2`: the scale
/// `D^-1/2`, the inverse of the scaled matrix, and its 1-norm condition
/// number; `None` if it is not numerically positive definite.
fn scaled_inverse(a: &[f64], p: usize) -> Option<(Vec<f64>, Vec<f64>, f64)> {
    let d: Vec<f64> = (0..p).map(|i| a[i * p + i]).collect();
    if d.iter().any(|v| v.is_nan() || *v <= 0.0) {
        return None;
    }
    let scale: Vec<f64> = d.iter().map(|v| 1.0 / v.sqrt()).collect();
    let scaled: Vec<f64> = (0..p * p)
        .map(|k| a[k] * scale[k / p] * scale[k % p])
        .collect();
    let inv = spd_inverse(&scaled, p)?;
    let norm1 = |m: &[f64]| -> f64 {
        (0..p)
            .map(|j| (0..p).map(|i| m[i * p + j].abs()).sum::<f64>())
            .fold(0.0, f64::max)
    };
    let condition = norm1(&scaled) * norm1(&inv);
    Some((scale, inv, condition))
}

/// The inverse of an SPD cross-product through its Cholesky factor, after
/// scaling it to unit diagonal; `None` if it is not clearly well-conditioned.
fn well_conditioned_inverse(a: &[f64], p: usize) -> Option<Vec<f64>> {
    let (scale, inv, condition) = scaled_inverse(a, p)?;
    if condition > CHOLESKY_MAX_CONDITION {
        return None;
    }
    Some(
        (0..p * p)
            .map(|k| inv[k] * scale[k / p] * scale[k % p])
            .collect(),
    )
}

/// The 1-norm condition number of an SPD matrix after scaling it to unit
/// diagonal (from its inverse); `None` if it is not numerically positive
/// definite.
pub fn scaled_condition(a: &[f64], p: usize) -> Option<f64> {
    scaled_inverse(a, p).map(|(_, _, condition)| condition)
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
/// `ALIAS_TOLERANCE` times its own norm is aliased. A large design, or a
/// wide, mostly-zero one (whose `X'X` is one cheap pass over its nonzero
/// cells, where the dense QR costs more than its whole fit), is first
/// screened by [`clearly_full_rank`].
pub fn aliased_columns(x: &[f64], n: usize, p: usize) -> Vec<usize> {
    if p == 0 {
        return vec![];
    }
    if (n > LARGE_ROWS || is_wide_and_sparse(x, n, p)) && clearly_full_rank(x, n, p) {
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

/// A screen for large designs: from one pass for `X'X`, the share of each
/// column's squared norm left after projecting it on the columns before it
/// (the Cholesky pivots over the diagonal). When every share is above 1e-8,
/// far above the aliasing threshold (`ALIAS_TOLERANCE^2` = 1e-14) and the
/// rounding error of the Cholesky factor (about `p * 1e-16`), no column is
/// aliased; otherwise the exact QR check decides.
fn clearly_full_rank(x: &[f64], n: usize, p: usize) -> bool {
    let zeros = vec![0.0; p];
    let g = weighted_pass(x, n, p, &zeros, None, |_, _| (1.0, 0.0, 0.0)).cross;
    clearly_full_rank_gram(&g, p)
}

/// `X'X` and `X'(y - 1/2)` in one pass (the alias screen's pass, which also
/// gives a logit its evaluation at zero).
pub fn gram_pass(x: &[f64], n: usize, p: usize, y: &[f64]) -> Pass {
    let zeros = vec![0.0; p];
    weighted_pass(x, n, p, &zeros, None, |i, _| (1.0, y[i] - 0.5, 0.0))
}

/// The screen of [`clearly_full_rank`] on a Gram matrix `X'X`.
pub fn clearly_full_rank_gram(g: &[f64], p: usize) -> bool {
    let mut l = vec![0.0; p * p];
    for j in 0..p {
        let gjj = g[j * p + j];
        if gjj.is_nan() || gjj <= 0.0 {
            return false;
        }
        for i in j..p {
            let mut v = g[i * p + j];
            for k in 0..j {
                v -= l[i * p + k] * l[j * p + k];
            }
            if i == j {
                if v.is_nan() || v <= 1e-8 * gjj {
                    return false;
                }
                l[j * p + j] = v.sqrt();
            } else {
                l[i * p + j] = v / l[j * p + j];
            }
        }
    }
    true
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

/// Whether a symmetric p x p row-major matrix is positive semi-definite: no
/// eigenvalue below `-1e-12` times the largest absolute eigenvalue (the
/// rounding of a sandwich product). `None` if the decomposition fails.
pub fn is_positive_semidefinite(a: &[f64], p: usize) -> Option<bool> {
    let m = to_mat(a, p);
    let values = m.self_adjoint_eigenvalues(Side::Lower).ok()?;
    let scale = values.iter().fold(0.0f64, |s, v| s.max(v.abs()));
    Some(values.iter().all(|&v| v >= -1e-12 * scale))
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
    /// The pass over nonzero cells of a wide fixed-effects design equals the
    /// dense products (to rounding), and is the one `weighted_pass` takes.
    /// A fixed-effects design of `n` rows (p = states + 2): an intercept, a
    /// cost (shifted by `shift`), a dummy for each state but the first (row
    /// i is state i % states), and the cost again for state `china`'s rows
    /// in the last column.
    fn cost_and_states_design(n: usize, states: usize, shift: f64, china: usize) -> Vec<f64> {
        let p = states + 2;
        let mut x = vec![0.0; n * p];
        for i in 0..n {
            x[i * p] = 1.0;
            x[i * p + 1] = ((i * 37) % 101) as f64 / 101.0 + shift;
            let s = i % states;
            if s > 0 {
                x[i * p + 1 + s] = 1.0;
            }
            if s == china {
                x[i * p + p - 1] = x[i * p + 1];
            }
        }
        x
    }

    #[test]
    fn sparse_pass_matches_the_dense_products() {
        let (n, states) = (600, 100);
        let p = states + 2;
        let x = cost_and_states_design(n, states, 0.0, 3);
        assert!(is_wide_and_sparse(&x, n, p));
        let beta: Vec<f64> = (0..p).map(|j| 0.01 * j as f64 - 0.2).collect();
        let row = |i: usize, eta: f64| (1.0 + (i % 7) as f64 * eta.abs(), eta - 0.5, eta * eta);
        let sparse = weighted_pass(&x, n, p, &beta, None, row);
        // The dense reference, in plain loops.
        let mut cross = vec![0.0; p * p];
        let mut xr = vec![0.0; p];
        let mut total = 0.0;
        for i in 0..n {
            let xi = &x[i * p..(i + 1) * p];
            let (w, r, t) = row(i, row_eta(xi, &beta, None, i));
            total += t;
            for a in 0..p {
                xr[a] += xi[a] * r;
                for b in 0..p {
                    cross[a * p + b] += w * xi[a] * xi[b];
                }
            }
        }
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-12 * (1.0 + b.abs());
        assert!(cross.iter().zip(&sparse.cross).all(|(a, b)| close(*b, *a)));
        assert!(xr.iter().zip(&sparse.xr).all(|(a, b)| close(*b, *a)));
        assert!(close(sparse.total, total));
        // The nonzero cells found once give the same sums to the bit.
        let cells = SparseRows::of_wide_sparse(&x, n, p).unwrap();
        let again = weighted_pass_with(&x, n, p, Some(&cells), &beta, None, row);
        let bits = |v: &[f64]| v.iter().map(|a| a.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&again.cross), bits(&sparse.cross));
        assert_eq!(bits(&again.xr), bits(&sparse.xr));
        assert_eq!(again.total.to_bits(), sparse.total.to_bits());
        assert!(SparseRows::of_wide_sparse(&x[..20 * 4], 20, 4).is_none());
    }

    #[test]
    fn sparse_quadratic_pass_matches_the_dense_one() {
        let (n, states) = (700, 90);
        let p = states + 2;
        let x = cost_and_states_design(n, states, -0.3, 5);
        let cells = SparseRows::of_wide_sparse(&x, n, p).unwrap();
        // An SPD information and its inverse Cholesky factor.
        let w: Vec<f64> = (0..n).map(|i| 0.1 + (i % 11) as f64 / 20.0).collect();
        let info = weighted_crossprod(&x, n, p, &w);
        let (linv, _) = cholesky_inverse_factor(&info, p).unwrap();
        let beta: Vec<f64> = (0..p).map(|j| 0.02 * j as f64 - 0.5).collect();
        let row = |i: usize, eta: f64, q: f64| (i % 5) as f64 * q - 0.3 * eta;
        let dense = quadratic_pass(&x, n, p, &beta, None, &linv, row);
        let sparse = sparse_quadratic_pass(&cells, n, p, &beta, None, &linv, row);
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-11 * (1.0 + b.abs());
        assert!(dense.iter().zip(&sparse).all(|(a, b)| close(*b, *a)));
        let qd = quadratic_forms(&x, n, p, &linv);
        let qs = sparse_quadratic_forms(&cells, n, p, &linv);
        assert!(qd.iter().zip(&qs).all(|(a, b)| close(*b, *a)));
        // The same with every row's pass in plain loops: q_i = |linv x_i|^2.
        for i in [0, 1, 5, 95, n - 1] {
            let want = lower_norm2(&linv, p, &x[i * p..(i + 1) * p]);
            assert!(close(qs[i], want), "row {i}");
        }
    }

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
    fn blocked_quadratic_forms_match_the_row_by_row_ones() {
        // More rows than a sub-block, so the matrix-product route runs,
        // with a last sub-block that is not full.
        let (n, p) = (3 * SUB_ROWS + 17, 4);
        let x: Vec<f64> = (0..n * p)
            .map(|k| ((k * 37) % 17) as f64 / 7.0 - 1.0 + (k % p) as f64)
            .collect();
        let w = vec![0.25; n];
        let (linv, _) = cholesky_inverse_factor(&weighted_crossprod(&x, n, p, &w), p).unwrap();
        let q = quadratic_forms(&x, n, p, &linv);
        let beta = vec![0.0; p];
        let xr = quadratic_pass(&x, n, p, &beta, None, &linv, |_, _, q| q);
        let mut want_xr = vec![0.0; p];
        for i in 0..n {
            let xi = &x[i * p..(i + 1) * p];
            let want = lower_norm2(&linv, p, xi);
            assert!((q[i] - want).abs() <= 1e-13 * want.max(1.0), "row {i}");
            for a in 0..p {
                want_xr[a] += want * xi[a];
            }
        }
        for (g, v) in xr.iter().zip(&want_xr) {
            assert!((g - v).abs() <= 1e-12 * v.abs().max(1.0));
        }
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

    /// A wide fixed-effects design (an intercept, a covariate and the
    /// dummies of `states - 1` states) and IRLS-like weights; the covariate
    /// is the last state's dummy plus `spread` times a varying value (an
    /// ill-conditioned design when `spread` is small).
    fn fixed_effects_design(n: usize, states: usize, spread: f64) -> (Vec<f64>, Vec<f64>) {
        let p = states + 1;
        let mut x = vec![0.0; n * p];
        for i in 0..n {
            let s = i % states;
            x[i * p] = 1.0;
            if s > 0 {
                x[i * p + 1 + s] = 1.0;
            }
            x[i * p + 1] = x[i * p + p - 1] + spread * ((i * 37) % 101) as f64 / 101.0;
        }
        let w = (0..n).map(|i| 0.05 + (i % 9) as f64 / 40.0).collect();
        (x, w)
    }

    /// On a wide, mostly-zero design with well-conditioned information the
    /// bread comes from the information's Cholesky factor and agrees with
    /// the QR's to 1e-10; with `Bread::Large`, or when the information is
    /// ill-conditioned, it is the QR's.
    #[test]
    fn sparse_bread_from_the_information_agrees_with_the_qr() {
        let (n, states) = (1200, 60);
        let p = states + 1;
        let bits = |v: &[f64]| v.iter().map(|a| a.to_bits()).collect::<Vec<_>>();
        let (x, w) = fixed_effects_design(n, states, 0.5);
        assert!(is_wide_and_sparse(&x, n, p));
        let info = weighted_crossprod(&x, n, p, &w);
        let qr = inverse_crossprod_qr(&x, n, p, &w).unwrap();
        let fast = inverse_information(&x, n, p, &info, |i| w[i], Bread::LargeOrSparse).unwrap();
        assert_eq!(
            bits(&fast),
            bits(&well_conditioned_inverse(&info, p).unwrap())
        );
        for a in 0..p {
            for b in 0..p {
                let scale = (qr[a * p + a] * qr[b * p + b]).sqrt();
                let d = (fast[a * p + b] - qr[a * p + b]).abs();
                assert!(d <= 1e-10 * scale, "({a}, {b}): {d:e} of {scale:e}");
            }
        }
        let large = inverse_information(&x, n, p, &info, |i| w[i], Bread::Large).unwrap();
        assert_eq!(bits(&large), bits(&qr));
        // The covariate nearly a copy of the last dummy.
        let (x, w) = fixed_effects_design(n, states, 1e-4);
        let info = weighted_crossprod(&x, n, p, &w);
        assert!(scaled_condition(&info, p).unwrap() > CHOLESKY_MAX_CONDITION);
        assert!(well_conditioned_inverse(&info, p).is_none());
        let qr = inverse_crossprod_qr(&x, n, p, &w).unwrap();
        let v = inverse_information(&x, n, p, &info, |i| w[i], Bread::LargeOrSparse).unwrap();
        assert_eq!(bits(&v), bits(&qr));
    }

    /// A wide fixed-effects design: its alias check is screened from `X'X`,
    /// and a column that is aliased still goes to the QR and is named.
    #[test]
    fn wide_sparse_aliasing_is_screened_and_still_found() {
        let (n, states) = (900, 80);
        let p = states + 1;
        let mut x = vec![0.0; n * p];
        for i in 0..n {
            let s = i % states;
            x[i * p] = 1.0;
            x[i * p + 1] = ((i * 37) % 101) as f64 / 101.0;
            if s > 0 {
                x[i * p + 1 + s] = 1.0;
            }
        }
        assert!(is_wide_and_sparse(&x, n, p));
        assert!(clearly_full_rank(&x, n, p));
        assert!(aliased_columns(&x, n, p).is_empty());
        // The last dummy's column made a copy of the one before it.
        for i in 0..n {
            x[i * p + p - 1] = x[i * p + p - 2];
        }
        assert!(!clearly_full_rank(&x, n, p));
        assert_eq!(aliased_columns(&x, n, p), vec![p - 1]);
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
