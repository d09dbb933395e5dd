//! Separation in an ordered logit, by the linear program of the binary
//! check ([`crate::models::separation`]) on the stacked data.
//!
//! The cumulative-logit likelihood increases without bound along a
//! direction (d_zeta, d_beta) of the parameters exactly when, for every row
//! i of level j, `d_zeta_j - x_i'd_beta >= 0` (if j < K) and
//! `d_zeta_{j-1} - x_i'd_beta <= 0` (if j > 0), not all zero. With every
//! level observed these inequalities force d_zeta to be non-decreasing, and
//! they are then the same as for the binary logit of the stacked rows (i, k),
//! k = 0..K-1, with outcome 1[y_i <= k] and design [e_k, -x_i]. So the MLE
//! exists iff the stacked binary data are not separated; a stacked term with
//! an infinite estimate is an infinite threshold or coefficient, and a data
//! row is perfectly predicted (its level's fitted probability driven to 1)
//! when both stacked rows that bound its level are.

use crate::error::Result;
use crate::models::separation::detect;
use crate::results::Separation;

/// Checks an ordinal design (no intercept) for separation. `names` are the
/// parameter names (thresholds, then coefficients); `data_rows` the 1-based
/// data row of each design row.
pub fn check(
    x: &[f64],
    n: usize,
    p: usize,
    y: &[usize],
    thresholds: usize,
    names: &[String],
    data_rows: &[usize],
) -> Result<Separation> {
    let width = thresholds + p;
    let mut xs = Vec::with_capacity(n * thresholds * width);
    let mut ys = Vec::with_capacity(n * thresholds);
    for i in 0..n {
        for k in 0..thresholds {
            xs.extend((0..thresholds).map(|m| if m == k { 1.0 } else { 0.0 }));
            xs.extend(x[i * p..(i + 1) * p].iter().map(|v| -v));
            ys.push(if y[i] <= k { 1.0 } else { 0.0 });
        }
    }
    let stacked_rows: Vec<usize> = (1..=n * thresholds).collect();
    let s = detect(&xs, n * thresholds, width, &ys, names, &stacked_rows)?;
    if !s.separated {
        return Ok(s);
    }
    // Stacked row (i, k) is 1 + i K + k.
    let mut stacked_predicted = vec![false; n * thresholds];
    for &r in &s.perfectly_predicted_rows {
        stacked_predicted[r - 1] = true;
    }
    let predicted = |i: usize, k: usize| stacked_predicted[i * thresholds + k];
    let (mut perfect, mut boundary) = (Vec::new(), Vec::new());
    for i in 0..n {
        let j = y[i];
        let upper = j >= thresholds || predicted(i, j);
        let lower = j == 0 || predicted(i, j - 1);
        if upper && lower {
            perfect.push(data_rows[i]);
        } else {
            boundary.push(data_rows[i]);
        }
    }
    let kind = if boundary.is_empty() {
        "complete"
    } else {
        "quasi-complete"
    };
    Ok(Separation {
        separated: true,
        kind: kind.into(),
        infinite_estimates: s.infinite_estimates,
        perfectly_predicted_rows: perfect,
        boundary_rows: boundary,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::Divergence;

    fn names() -> Vec<String> {
        vec!["0|1".into(), "1|2".into(), "x".into()]
    }

    #[test]
    fn levels_ordered_by_a_covariate_are_completely_separated() {
        let x = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0];
        let y = [0, 0, 1, 1, 2, 2];
        let s = check(&x, 6, 1, &y, 2, &names(), &[1, 2, 3, 4, 5, 6]).unwrap();
        assert!(s.separated);
        assert_eq!(s.kind, "complete");
        let slope = s.infinite_estimates.iter().find(|e| e.term == "x").unwrap();
        assert_eq!(slope.direction, Divergence::PlusInf);
        assert_eq!(s.perfectly_predicted_rows.len(), 6);
    }

    #[test]
    fn overlapping_levels_are_not_separated() {
        let x = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
        let y = [0, 1, 0, 2, 1, 2, 1];
        let s = check(&x, 7, 1, &y, 2, &names(), &[1, 2, 3, 4, 5, 6, 7]).unwrap();
        assert!(!s.separated, "{s:?}");
    }
}
