//! The comparative models against R: a pooled state x instrument logit with
//! state fixed effects and the China x cost interaction, with one-way
//! (instrument) and two-way (state and instrument) cluster-robust standard
//! errors, by ML and by Firth's penalized likelihood (chosen by the auto rule
//! where a state's outcomes are separated). Reference values:
//! tests/reference/comparative.csv, written by tests/r/comparative_reference.R
//! (sandwich::vcovCL, brglm2). Tolerance: 1e-6 relative.

mod common;

use common::{assert_close, r_name, repo_path, Reference};
use sovcost::models::inference::VcovType;
use sovcost::models::{fit_table, CiMethod, FitSpec, Method};
use sovcost::results::FitResult;
use sovcost::table::Table;

const REL: f64 = 1e-6;
const FORMULA: &str = "joined ~ sovereignty_cost + C(state) + sovereignty_cost:china";

fn fit(data: &str, method: Method, vcov: VcovType) -> FitResult {
    let table = Table::read_csv(&repo_path(data)).unwrap();
    let mut spec = FitSpec::new(FORMULA);
    spec.method = method;
    spec.vcov = vcov;
    spec.ci = CiMethod::Wald;
    fit_table(&table, &spec).unwrap()
}

/// Every coefficient's estimate and standard error; a standard error R
/// cannot take (a negative variance: NaN) must be NaN here too.
fn check(r: &Reference, model: &str, fit: &FitResult, se_quantity: &str) {
    assert_eq!(fit.n as f64, r.get(model, "n", ""), "{model}: n");
    assert_eq!(fit.coefficients.len(), r.terms(model, "estimate").len());
    for c in &fit.coefficients {
        let t = r_name(&c.term);
        let what = format!("{model} {se_quantity} {t}");
        assert_close(c.estimate, r.get(model, "estimate", &t), REL, &what);
        let want = r.get(model, se_quantity, &t);
        if want.is_nan() {
            assert!(
                c.std_error.is_nan(),
                "{what}: R has no SE, got {}",
                c.std_error
            );
        } else {
            assert_close(c.std_error, want, REL, &what);
        }
    }
}

#[test]
fn pooled_ml_one_and_two_way_cluster_errors_match_r() {
    let r = Reference::load("tests/reference/comparative.csv");
    let data = "tests/data/state_panel.csv";
    for (vcov, q) in [
        (VcovType::Model, "se_model"),
        (VcovType::Cluster("treaty_id".into()), "se_cluster_treaty"),
        (
            VcovType::parse("cluster:state+treaty_id").unwrap(),
            "se_cluster_two_way",
        ),
    ] {
        let f = fit(data, Method::Ml, vcov);
        assert_eq!(f.method, "ml");
        check(&r, "pooled_ml", &f, q);
    }
    // R's two-way matrix has a negative eigenvalue: the fit says so.
    assert!(r.get("pooled_ml", "min_eigenvalue_two_way", "") < 0.0);
    let f = fit(
        data,
        Method::Ml,
        VcovType::parse("cluster:state+treaty_id").unwrap(),
    );
    assert_eq!(f.vcov_type, "cluster:state+treaty_id");
    assert!(
        f.warnings
            .iter()
            .any(|w| w.contains("not positive semi-definite")),
        "{:?}",
        f.warnings
    );
}

#[test]
fn separated_state_gets_firth_and_its_cluster_errors_match_r() {
    let r = Reference::load("tests/reference/comparative.csv");
    let data = "tests/data/state_panel_separated.csv";
    for (vcov, q) in [
        (VcovType::Model, "se_model"),
        (VcovType::Cluster("treaty_id".into()), "se_cluster_treaty"),
        (
            VcovType::TwoWayCluster("state".into(), "treaty_id".into()),
            "se_cluster_two_way",
        ),
    ] {
        let f = fit(data, Method::Auto, vcov);
        assert_eq!(f.method, "firth", "the auto rule sees the separation");
        check(&r, "pooled_firth", &f, q);
    }
}

/// A wide panel (120 states, 122 columns, about 2.5 % of the cells
/// nonzero), where the Firth fit's passes go over each row's nonzero cells:
/// the same estimates and standard errors as brglm2 and sandwich.
#[test]
fn wide_sparse_firth_fit_matches_r() {
    let r = Reference::load("tests/reference/comparative.csv");
    let data = "tests/data/state_panel_wide.csv";
    for (vcov, q) in [
        (VcovType::Model, "se_model"),
        (VcovType::Cluster("treaty_id".into()), "se_cluster_treaty"),
    ] {
        let f = fit(data, Method::Auto, vcov);
        assert_eq!(f.method, "firth", "three states join every instrument");
        assert_eq!(f.coefficients.len(), 122);
        check(&r, "pooled_firth_wide", &f, q);
    }
}

#[test]
fn two_way_cluster_specifications_are_checked() {
    for bad in ["cluster:", "cluster:a+", "cluster:a+a", "cluster:a+b+c"] {
        assert!(VcovType::parse(bad).is_err(), "{bad}");
    }
    let v = VcovType::parse("cluster: state + treaty_id").unwrap();
    assert_eq!(v.label(), "cluster:state+treaty_id");
    assert_eq!(v.cluster_columns(), vec!["state", "treaty_id"]);
}
