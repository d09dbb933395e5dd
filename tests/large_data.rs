//! The paths taken for large inputs agree with the general ones: the fast
//! numeric CSV reader with the text reader, and (above `LARGE_ROWS` rows) the
//! cross-product covariance and the Gram-matrix alias screen with the QR
//! computations R uses.

mod common;

use common::temp_dir;
use sovcost::linalg;
use sovcost::models::{self, FitSpec, Method};
use sovcost::table::Table;

/// A deterministic logit data set written with varied number formats.
fn write_data(path: &std::path::Path, rows: usize) {
    let mut state = 7u64;
    let mut text = String::from("y,x1,x2,x3,group\n");
    for i in 0..rows {
        let mut u = || {
            let v = sovcost::rng::splitmix64(&mut state);
            (v >> 11) as f64 / (1u64 << 53) as f64
        };
        let x1 = u() * 4.0 - 2.0;
        let x2 = (u() * 1000.0).floor();
        let x3 = u() - 0.5;
        let eta = -0.3 + 0.8 * x1 + 0.001 * x2 - 1.2 * x3;
        let y = u() < 1.0 / (1.0 + (-eta).exp());
        // Some cells in full precision, some short, some with exponents.
        let x3_text = match i % 3 {
            0 => format!("{x3}"),
            1 => format!("{x3:.4}"),
            _ => format!("{x3:e}"),
        };
        // A few missing cells (empty and NA), dropped listwise.
        let x1_text = if i % 101 == 50 {
            String::new()
        } else {
            format!("{x1:.6}")
        };
        let x2_text = if i % 157 == 3 {
            "NA".to_string()
        } else {
            format!("{x2}")
        };
        text.push_str(&format!(
            "{},{x1_text},{x2_text},{x3_text},g{}\n",
            u8::from(y),
            i % 7
        ));
    }
    std::fs::write(path, text).unwrap();
}

fn spec(formula: &str, method: Method) -> FitSpec {
    let mut s = FitSpec::new(formula);
    s.method = method;
    s
}

#[test]
fn fast_reader_gives_the_same_fit_as_the_text_reader() {
    let dir = temp_dir("large-reader");
    let path = dir.join("d.csv");
    write_data(&path, 3_000);
    for method in [Method::Ml, Method::Firth] {
        let s = spec("y ~ x1 + x2 + x3", method);
        let fast = models::fit_csv(&path, &s).unwrap();
        let text = models::fit_table(&Table::read_csv(&path).unwrap(), &s).unwrap();
        // write_data blanks x1 where i % 101 == 50 (30 of 3,000 rows) and
        // writes NA for x2 where i % 157 == 3 (20 rows); no row has both.
        assert_eq!(fast.n_dropped, 50, "rows with a missing cell");
        let a = serde_json::to_string(&fast).unwrap();
        let b = serde_json::to_string(&text).unwrap();
        assert_eq!(a, b, "{method:?}");
    }
    // A categorical term takes the polars path; same answer again.
    let s = spec("y ~ x1 + C(group)", Method::Ml);
    let a = models::fit_csv(&path, &s).unwrap();
    let b = models::fit_table(&Table::read_csv(&path).unwrap(), &s).unwrap();
    assert_eq!(
        serde_json::to_string(&a).unwrap(),
        serde_json::to_string(&b).unwrap()
    );
}

#[test]
fn large_design_shortcuts_agree_with_qr() {
    let dir = temp_dir("large-shortcuts");
    let path = dir.join("d.csv");
    let n = linalg::LARGE_ROWS + 20_000;
    write_data(&path, n);
    let fit = models::fit_csv(&path, &spec("y ~ x1 + x2 + x3", Method::Ml)).unwrap();
    // The same covariance through R's QR route.
    let table = Table::read_csv(&path).unwrap();
    let formula = sovcost::formula::parse("y ~ x1 + x2 + x3").unwrap();
    let (design, _) =
        sovcost::design::build(&table, &formula, &sovcost::design::Extra::default()).unwrap();
    let beta: Vec<f64> = fit.coefficients.iter().map(|c| c.estimate).collect();
    let p = design.p;
    let w: Vec<f64> = (0..design.n)
        .map(|i| {
            let eta: f64 = design.row(i).iter().zip(&beta).map(|(a, b)| a * b).sum();
            let mu = 1.0 / (1.0 + (-eta).exp());
            mu * (1.0 - mu)
        })
        .collect();
    let qr = linalg::inverse_crossprod_qr(&design.x, design.n, p, &w).unwrap();
    for (j, c) in fit.coefficients.iter().enumerate() {
        let se = qr[j * p + j].sqrt();
        assert!(
            (c.std_error - se).abs() <= 1e-9 * se,
            "{}: {} vs {}",
            c.term,
            c.std_error,
            se
        );
    }
    // The alias screen passes a full-rank design and leaves an aliased one
    // to the QR check, which names the aliased column.
    assert!(linalg::aliased_columns(&design.x, design.n, p).is_empty());
    let mut x = Vec::with_capacity(design.n * (p + 1));
    for i in 0..design.n {
        let row = design.row(i);
        x.extend_from_slice(row);
        x.push(2.0 * row[1] - row[3]);
    }
    assert_eq!(linalg::aliased_columns(&x, design.n, p + 1), vec![p]);
}
