//! The logit core against R (glm, sandwich, exact profile intervals).
//! Reference values: tests/reference/logit_ml.csv, written by
//! tests/r/reference.R. Tolerance: 1e-6 relative.

mod common;

use common::{assert_close, r_name, r_term_label, repo_path, Reference};
use sovcost::models::inference::VcovType;
use sovcost::models::{fit_table, CiMethod, FitSpec};
use sovcost::results::FitResult;
use sovcost::table::Table;

const REL: f64 = 1e-6;

struct Case {
    model: &'static str,
    data: &'static str,
    formula: &'static str,
    cluster: Option<&'static str>,
    predictions: &'static [(&'static str, &'static str)],
}

const CASES: &[Case] = &[
    Case {
        model: "weisiger",
        data: "tests/data/weisiger.csv",
        formula: "resist ~ polity_conq + lndist + terrain + soldperterr + gdppc2 + coord",
        cluster: None,
        predictions: &[("means", ""), ("coord=1", "coord=1")],
    },
    Case {
        model: "george_epstein",
        data: "tests/data/george_epstein.csv",
        formula: "court ~ dq + cr + pc + ag + sp + pe + cc + ap + dc + st + sg",
        cluster: None,
        predictions: &[("means", "")],
    },
    Case {
        model: "infert",
        data: "tests/data/infert.csv",
        formula: "case ~ spontaneous + induced + C(education) + age",
        cluster: Some("stratum"),
        predictions: &[
            ("means", ""),
            (
                "spontaneous=2,education=6-11yrs",
                "spontaneous=2,education=6-11yrs",
            ),
        ],
    },
    Case {
        model: "infert_interaction",
        data: "tests/data/infert.csv",
        formula: "case ~ spontaneous * induced + C(education, ref=\"6-11yrs\")",
        cluster: Some("stratum"),
        predictions: &[],
    },
    Case {
        model: "weisiger_na",
        data: "tests/data/weisiger_na.csv",
        formula: "resist ~ polity_conq + lndist + terrain + soldperterr + gdppc2 + coord",
        cluster: None,
        predictions: &[],
    },
    Case {
        model: "george_epstein_noint",
        data: "tests/data/george_epstein.csv",
        formula: "court ~ dq + cr + pc - 1",
        cluster: None,
        predictions: &[],
    },
];

fn run(case: &Case, vcov: VcovType, ci: CiMethod, level: f64) -> FitResult {
    let table = Table::read_csv(&repo_path(case.data)).unwrap();
    let mut spec = FitSpec::new(case.formula);
    spec.vcov = vcov;
    spec.ci = ci;
    spec.level = level;
    spec.lr_tests = true;
    spec.marginal_effects = true;
    spec.predict = case
        .predictions
        .iter()
        .map(|(_, s)| s.to_string())
        .collect();
    fit_table(&table, &spec).unwrap()
}

/// The assertion suite shared by every covariance type: the estimates, the
/// fit statistics, and the standard errors of the given type.
fn check_fit(r: &Reference, case: &Case, fit: &FitResult, se_quantity: &str) {
    let m = case.model;
    assert!(fit.converged, "{m} did not converge");
    assert_eq!(fit.n as f64, r.get(m, "n", ""), "{m}: n");
    assert_eq!(
        fit.n_dropped as f64,
        r.get(m, "n_dropped", ""),
        "{m}: n_dropped"
    );
    for (q, v) in [
        ("log_likelihood", fit.log_likelihood),
        ("deviance", fit.deviance),
        ("null_deviance", fit.null_deviance),
        ("null_log_likelihood", fit.null_log_likelihood),
        ("aic", fit.aic),
        ("bic", fit.bic),
        ("mcfadden_r2", fit.mcfadden_r2),
        ("tjur_r2", fit.tjur_r2),
    ] {
        assert_close(v, r.get(m, q, ""), REL, &format!("{m} {q}"));
    }
    assert_eq!(
        fit.coefficients.len(),
        r.terms(m, "estimate").len(),
        "{m}: p"
    );
    for c in &fit.coefficients {
        let t = r_name(&c.term);
        assert_close(
            c.estimate,
            r.get(m, "estimate", &t),
            REL,
            &format!("{m} estimate {t}"),
        );
        assert_close(
            c.std_error,
            r.get(m, se_quantity, &t),
            REL,
            &format!("{m} {se_quantity} {t}"),
        );
    }
}

#[test]
fn estimates_and_every_covariance_type_match_r() {
    let r = Reference::load("tests/reference/logit_ml.csv");
    for case in CASES {
        let mut types = vec![
            (VcovType::Model, "se_model"),
            (VcovType::Hc0, "se_hc0"),
            (VcovType::Hc1, "se_hc1"),
            (VcovType::Hc2, "se_hc2"),
            (VcovType::Hc3, "se_hc3"),
        ];
        if let Some(c) = case.cluster {
            types.push((VcovType::Cluster(c.into()), "se_cluster"));
        }
        for (vcov, q) in types {
            let fit = run(case, vcov, CiMethod::Wald, 0.95);
            check_fit(&r, case, &fit, q);
        }
    }
}

#[test]
fn wald_tests_and_intervals_match_r() {
    let r = Reference::load("tests/reference/logit_ml.csv");
    for case in CASES {
        let m = case.model;
        for (level, tag) in [(0.95, "wald95"), (0.90, "wald90")] {
            let fit = run(case, VcovType::Model, CiMethod::Wald, level);
            for c in &fit.coefficients {
                let t = r_name(&c.term);
                assert_close(
                    c.statistic,
                    r.get(m, "z_model", &t),
                    REL,
                    &format!("{m} z {t}"),
                );
                assert_close(
                    c.p_value,
                    r.get(m, "p_model", &t),
                    REL,
                    &format!("{m} p {t}"),
                );
                let lo = r.get(m, &format!("{tag}_low"), &t);
                let hi = r.get(m, &format!("{tag}_high"), &t);
                assert_close(c.conf_low.unwrap(), lo, REL, &format!("{m} {tag} low {t}"));
                assert_close(
                    c.conf_high.unwrap(),
                    hi,
                    REL,
                    &format!("{m} {tag} high {t}"),
                );
            }
        }
    }
}

#[test]
fn profile_likelihood_intervals_match_r() {
    let r = Reference::load("tests/reference/logit_ml.csv");
    for case in CASES {
        let m = case.model;
        let fit = run(case, VcovType::Model, CiMethod::Profile, 0.95);
        assert_eq!(fit.ci_method, "profile");
        for c in &fit.coefficients {
            let t = r_name(&c.term);
            let lo = r.get(m, "profile95_low", &t);
            let hi = r.get(m, "profile95_high", &t);
            assert_close(
                c.conf_low.unwrap(),
                lo,
                REL,
                &format!("{m} profile low {t}"),
            );
            assert_close(
                c.conf_high.unwrap(),
                hi,
                REL,
                &format!("{m} profile high {t}"),
            );
        }
    }
}

#[test]
fn likelihood_ratio_tests_predictions_and_marginal_effects_match_r() {
    let r = Reference::load("tests/reference/logit_ml.csv");
    for case in CASES {
        let m = case.model;
        let fit = run(case, VcovType::Model, CiMethod::Wald, 0.95);
        let want_lr = r.terms(m, "lr_stat");
        if !want_lr.is_empty() {
            assert_eq!(fit.lr_tests.len(), want_lr.len(), "{m}: LR tests");
            for t in &fit.lr_tests {
                let label = r_term_label(&t.term);
                assert_close(
                    t.statistic,
                    r.get(m, "lr_stat", &label),
                    REL,
                    &format!("{m} LR {label}"),
                );
                assert_close(
                    t.p_value,
                    r.get(m, "lr_p", &label),
                    REL,
                    &format!("{m} LR p {label}"),
                );
            }
        }
        for (label, _) in case.predictions {
            let p = fit.predictions.iter().find(|p| {
                let at = if p.at.is_empty() {
                    "means"
                } else {
                    p.at.as_str()
                };
                at == *label
            });
            let p = p.unwrap_or_else(|| panic!("{m}: no prediction {label}"));
            assert_close(
                p.probability,
                r.get(m, "pred_prob", label),
                REL,
                &format!("{m} pred {label}"),
            );
            assert_close(
                p.std_error,
                r.get(m, "pred_se", label),
                REL,
                &format!("{m} pred se {label}"),
            );
            assert_close(
                p.conf_low,
                r.get(m, "pred_low", label),
                REL,
                &format!("{m} pred low {label}"),
            );
            assert_close(
                p.conf_high,
                r.get(m, "pred_high", label),
                REL,
                &format!("{m} pred high {label}"),
            );
        }
        for v in r.terms(m, "ame") {
            let e = fit
                .marginal_effects
                .iter()
                .find(|e| e.variable == v)
                .unwrap_or_else(|| panic!("{m}: no AME for {v}"));
            assert_close(
                e.estimate,
                r.get(m, "ame", &v),
                REL,
                &format!("{m} AME {v}"),
            );
            assert_close(
                e.std_error,
                r.get(m, "ame_se", &v),
                REL,
                &format!("{m} AME se {v}"),
            );
        }
    }
}
