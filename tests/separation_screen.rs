//! The fast separation check (`separation::detect`: the certificate from the
//! ML fit and the removal of one-signed columns) against the full linear
//! programs (`separation::detect_by_lp`) on fixed-effect designs, with and
//! without separated groups, and on random small designs.

use proptest::prelude::*;
use sovcost::models::logit;
use sovcost::models::separation::{detect, detect_by_lp, detect_with_fit};
use sovcost::results::Separation;

/// A state fixed-effects design: intercept, a covariate, `groups - 1`
/// dummies (the first group the reference) and the covariate in group 1.
/// `y[i]` from `outcome(group, row within group, covariate)`.
fn fe_design(
    groups: usize,
    per_group: usize,
    outcome: impl Fn(usize, usize, f64) -> f64,
) -> (Vec<f64>, Vec<f64>, usize, usize, Vec<String>) {
    let p = groups + 2;
    let mut x = Vec::new();
    let mut y = Vec::new();
    for g in 0..groups {
        for t in 0..per_group {
            let cost = ((t * 37 + g * 11) % 17) as f64 / 16.0;
            let mut row = vec![0.0; p];
            row[0] = 1.0;
            row[1] = cost;
            if g > 0 {
                row[1 + g] = 1.0;
            }
            row[p - 1] = if g == 1 { cost } else { 0.0 };
            x.extend(row);
            y.push(outcome(g, t, cost));
        }
    }
    let mut names = vec!["(Intercept)".to_string(), "cost".to_string()];
    names.extend((1..groups).map(|g| format!("g{g}")));
    names.push("cost:g1".into());
    let n = groups * per_group;
    (x, y, n, p, names)
}

/// A deterministic pseudo-random outcome in (0, 1).
fn unit(g: usize, t: usize) -> f64 {
    let h = (g as u64 * 2_654_435_761 + t as u64 * 40_503 + 12_345) % 1_000_003;
    h as f64 / 1_000_003.0
}

fn both(x: &[f64], y: &[f64], n: usize, p: usize, names: &[String]) -> (Separation, Separation) {
    let rows: Vec<usize> = (1..=n).collect();
    let ml = logit::fit(
        &logit::Problem::new(x, n, p, y),
        None,
        &logit::Control::default(),
    );
    let fast = detect_with_fit(x, n, p, y, names, &rows, Some(&ml)).unwrap();
    let lp = detect_by_lp(x, n, p, y, names, &rows).unwrap();
    (fast, lp)
}

fn logistic_outcome(g: usize, t: usize, cost: f64) -> f64 {
    let a = (g % 5) as f64 * 0.4 - 0.8;
    let eta = a + 1.0 - 2.0 * cost;
    f64::from(u8::from(unit(g, t) < 1.0 / (1.0 + (-eta).exp())))
}

#[test]
fn wide_fixed_effects_without_separation_agree_with_the_lp() {
    let (x, y, n, p, names) = fe_design(30, 24, logistic_outcome);
    let (fast, lp) = both(&x, &y, n, p, &names);
    assert!(!lp.separated, "{lp:?}");
    assert_eq!(fast, lp);
}

#[test]
fn wide_fixed_effects_with_separated_groups_agree_with_the_lp() {
    // Groups 4 and 9 never join, group 13 always does.
    let outcome = |g: usize, t: usize, c: f64| match g {
        4 | 9 => 0.0,
        13 => 1.0,
        _ => logistic_outcome(g, t, c),
    };
    let (x, y, n, p, names) = fe_design(30, 24, outcome);
    let (fast, lp) = both(&x, &y, n, p, &names);
    assert!(lp.separated);
    assert_eq!(fast, lp);
    let terms: Vec<(&str, String)> = lp
        .infinite_estimates
        .iter()
        .map(|e| (e.term.as_str(), e.direction.to_string()))
        .collect();
    assert_eq!(terms.len(), 3, "{terms:?}");
    assert_eq!(lp.perfectly_predicted_rows.len(), 3 * 24);
    assert_eq!(lp.kind, "quasi-complete");
}

#[test]
fn a_separated_reference_group_agrees_with_the_lp() {
    // The reference group (only the intercept and the covariate) never
    // joins: the intercept and every dummy diverge together.
    let outcome = |g: usize, t: usize, c: f64| {
        if g == 0 {
            0.0
        } else {
            logistic_outcome(g, t, c)
        }
    };
    let (x, y, n, p, names) = fe_design(12, 20, outcome);
    let (fast, lp) = both(&x, &y, n, p, &names);
    assert!(lp.separated);
    assert_eq!(fast, lp);
}

#[test]
fn a_group_separated_by_its_own_slope_agrees_with_the_lp() {
    // Group 1 (with its own slope) joins exactly below a cost threshold.
    let outcome = |g: usize, t: usize, c: f64| {
        if g == 1 {
            f64::from(u8::from(c < 0.5))
        } else {
            logistic_outcome(g, t, c)
        }
    };
    let (x, y, n, p, names) = fe_design(12, 20, outcome);
    let (fast, lp) = both(&x, &y, n, p, &names);
    assert!(lp.separated);
    assert_eq!(fast, lp);
}

#[test]
fn detect_without_a_fit_agrees_with_the_lp() {
    let outcome = |g: usize, t: usize, c: f64| {
        if g == 3 {
            1.0
        } else {
            logistic_outcome(g, t, c)
        }
    };
    let (x, y, n, p, names) = fe_design(10, 16, outcome);
    let rows: Vec<usize> = (1..=n).collect();
    let fast = detect(&x, n, p, &y, &names, &rows).unwrap();
    assert_eq!(fast, detect_by_lp(&x, n, p, &y, &names, &rows).unwrap());
}

/// Small designs of a few dummies, a covariate and their product, with
/// groups whose outcome is often constant.
fn small_fe() -> impl Strategy<Value = (Vec<f64>, Vec<f64>, usize)> {
    (
        2usize..5,
        prop::collection::vec((0usize..4, -2i32..3, 0.0f64..1.0), 12..40),
        0.0f64..1.0,
    )
        .prop_map(|(groups, rows, bias)| {
            let p = groups + 2;
            let mut x = Vec::new();
            let mut y = Vec::new();
            for (g, c, u) in rows {
                let g = g % groups;
                let mut row = vec![0.0; p];
                row[0] = 1.0;
                row[1] = f64::from(c);
                if g > 0 {
                    row[1 + g] = 1.0;
                }
                row[p - 1] = if g == 1 { f64::from(c) } else { 0.0 };
                x.extend(row);
                // Groups 2 and 3 lean to one outcome.
                let q = match g {
                    2 => bias * 0.2,
                    3 => 0.8 + bias * 0.2,
                    _ => 0.5,
                };
                y.push(f64::from(u8::from(u < q)));
            }
            (x, y, p)
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, .. ProptestConfig::default() })]

    #[test]
    fn the_fast_check_is_the_lp_check((x, y, p) in small_fe()) {
        let n = y.len();
        prop_assume!(sovcost::linalg::aliased_columns(&x, n, p).is_empty());
        prop_assume!(y.contains(&1.0) && y.contains(&0.0));
        let names: Vec<String> = (0..p).map(|j| format!("b{j}")).collect();
        let (fast, lp) = both(&x, &y, n, p, &names);
        prop_assert_eq!(fast, lp);
    }
}
