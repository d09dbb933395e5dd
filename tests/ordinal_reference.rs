//! The ordered logit against R (ordinal::clm, MASS::polr, sandwich,
//! nominal_test). Reference values: tests/reference/ordinal.csv, written by
//! tests/r/ordinal.R (which documents each convention). Tolerance: 1e-6
//! relative, except where R's own numbers are coarser (see the constants).

mod common;

use common::{assert_close, r_name, r_term_label, repo_path, sovcost, temp_dir, Reference};
use sovcost::models::inference::VcovType;
use sovcost::models::{ordinal, CiMethod, FitSpec};
use sovcost::results::{Divergence, OrdinalFitResult};
use sovcost::table::Table;

const REL: f64 = 1e-6;
/// `confint()` on a clm interpolates a spline through a grid of the profile
/// (it does not solve for the root); it agrees with the exact roots in the
/// reference (uniroot, tol 1e-12) to about 1e-5 relative.
const CLM_GRID: f64 = 1e-4;
/// polr's covariance is the inverse of a numerical Hessian (optimHess, steps
/// of 1e-3), which in R itself differs from clm's analytic one by up to
/// 2e-4 relative on these data (printed by tests/r/ordinal.R).
const POLR_HESSIAN: f64 = 1e-3;

struct Case {
    model: &'static str,
    data: &'static str,
    formula: &'static str,
    cluster: Option<&'static str>,
    /// (label in the reference, --predict profile).
    predictions: &'static [(&'static str, &'static str)],
}

const CASES: &[Case] = &[
    Case {
        model: "wvs",
        data: "tests/data/wvs.csv",
        formula: "poverty ~ C(religion) + C(degree) + C(country) + age + C(gender)",
        cluster: None,
        predictions: &[
            ("means", ""),
            (
                "country=USA,age=30,religion=yes",
                "country=USA,age=30,religion=yes",
            ),
        ],
    },
    Case {
        model: "wvs_cluster",
        data: "tests/data/wvs.csv",
        formula: "poverty ~ C(religion) + C(degree) + age + C(gender)",
        cluster: Some("country"),
        predictions: &[],
    },
    Case {
        model: "housing",
        data: "tests/data/housing.csv",
        formula: "sat ~ C(infl, ref=Low) + C(type, ref=Tower) + C(cont, ref=Low)",
        cluster: None,
        predictions: &[("means", "")],
    },
    Case {
        model: "wine",
        data: "tests/data/wine.csv",
        formula: "rating ~ C(temp) + C(contact)",
        cluster: Some("judge"),
        predictions: &[("temp=warm", "temp=warm")],
    },
];

fn run(case: &Case, vcov: VcovType, ci: CiMethod) -> OrdinalFitResult {
    let table = Table::read_csv(&repo_path(case.data)).unwrap();
    let mut spec = FitSpec::new(case.formula);
    spec.vcov = vcov;
    spec.ci = ci;
    spec.marginal_effects = true;
    spec.predict = case
        .predictions
        .iter()
        .map(|(_, s)| s.to_string())
        .collect();
    ordinal::fit_table(&table, &spec).unwrap()
}

/// Every parameter (thresholds, then coefficients) with its R name.
fn parameters(fit: &OrdinalFitResult) -> Vec<(String, &sovcost::results::Coefficient)> {
    fit.thresholds
        .iter()
        .chain(&fit.coefficients)
        .map(|c| (r_name(&c.term), c))
        .collect()
}

#[test]
fn estimates_statistics_and_covariances_match_clm() {
    let r = Reference::load("tests/reference/ordinal.csv");
    for case in CASES {
        let m = case.model;
        let mut types = vec![
            (VcovType::Model, "se_model"),
            (VcovType::Hc0, "se_hc0"),
            (VcovType::Hc1, "se_hc1"),
        ];
        if let Some(c) = case.cluster {
            types.push((VcovType::Cluster(c.into()), "se_cluster"));
        }
        for (vcov, q) in types {
            let fit = run(case, vcov, CiMethod::Wald);
            assert!(fit.converged, "{m}: not converged");
            assert!(fit.separation.as_ref().is_some_and(|s| !s.separated));
            assert_eq!(fit.n as f64, r.get(m, "n", ""), "{m}: n");
            assert_eq!(fit.levels as f64, r.get(m, "levels", ""), "{m}: levels");
            for (quantity, v) in [
                ("log_likelihood", fit.log_likelihood),
                ("null_log_likelihood", fit.null_log_likelihood),
                ("aic", fit.aic),
                ("bic", fit.bic),
            ] {
                assert_close(v, r.get(m, quantity, ""), REL, &format!("{m} {quantity}"));
            }
            let params = parameters(&fit);
            assert_eq!(
                params.len(),
                r.terms(m, "estimate").len(),
                "{m}: parameters"
            );
            for (t, c) in params {
                let what = |x: &str| format!("{m} {q} {x} {t}");
                assert_close(c.estimate, r.get(m, "estimate", &t), REL, &what("estimate"));
                assert_close(c.std_error, r.get(m, q, &t), REL, &what("se"));
            }
        }
    }
}

#[test]
fn wald_tests_and_intervals_match_clm() {
    let r = Reference::load("tests/reference/ordinal.csv");
    for case in CASES {
        let m = case.model;
        let fit = run(case, VcovType::Model, CiMethod::Wald);
        for (t, c) in parameters(&fit) {
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
            let (lo, hi) = (c.conf_low.unwrap(), c.conf_high.unwrap());
            assert_close(lo, r.get(m, "wald95_low", &t), REL, &format!("{m} low {t}"));
            assert_close(
                hi,
                r.get(m, "wald95_high", &t),
                REL,
                &format!("{m} high {t}"),
            );
        }
    }
}

#[test]
fn profile_intervals_match_the_exact_roots_and_confint_clm() {
    let r = Reference::load("tests/reference/ordinal.csv");
    for case in CASES {
        let m = case.model;
        // The default interval of a model-based fit is the profile.
        let fit = run(case, VcovType::Model, CiMethod::Default);
        assert_eq!(fit.ci_method.as_str(), "profile");
        for c in &fit.coefficients {
            let t = r_name(&c.term);
            let (lo, hi) = (c.conf_low.unwrap(), c.conf_high.unwrap());
            assert_close(
                lo,
                r.get(m, "profile95_low", &t),
                REL,
                &format!("{m} low {t}"),
            );
            assert_close(
                hi,
                r.get(m, "profile95_high", &t),
                REL,
                &format!("{m} high {t}"),
            );
            let (glo, ghi) = (
                r.get(m, "clm_profile95_low", &t),
                r.get(m, "clm_profile95_high", &t),
            );
            assert_close(lo, glo, CLM_GRID, &format!("{m} confint(clm) low {t}"));
            assert_close(hi, ghi, CLM_GRID, &format!("{m} confint(clm) high {t}"));
        }
    }
}

#[test]
fn predictions_and_marginal_effects_match_r() {
    let r = Reference::load("tests/reference/ordinal.csv");
    for case in CASES {
        let m = case.model;
        let fit = run(case, VcovType::Model, CiMethod::Wald);
        for (label, at) in case.predictions {
            let p = fit.predictions.iter().find(|p| p.at == *at).unwrap();
            let total: f64 = p.levels.iter().map(|l| l.probability).sum();
            assert!((total - 1.0).abs() < 1e-12, "{m} {label}: sum {total}");
            for l in &p.levels {
                let t = format!("{label}:{}", l.level);
                assert_close(
                    l.probability,
                    r.get(m, "pred_prob", &t),
                    REL,
                    &format!("{m} {t}"),
                );
                assert_close(
                    l.std_error,
                    r.get(m, "pred_se", &t),
                    REL,
                    &format!("{m} se {t}"),
                );
            }
        }
        let want = r.terms(m, "ame");
        for e in &fit.marginal_effects {
            let label = if e.contrast == "dy/dx" {
                format!("{}:{}", e.variable, e.level)
            } else {
                format!("{}[{}]:{}", e.variable, e.contrast, e.level)
            };
            let Some(v) = r.try_get(m, "ame", &label) else {
                continue;
            };
            assert_close(e.estimate, v, REL, &format!("{m} AME {label}"));
            let se = r.get(m, "ame_se", &label);
            assert_close(e.std_error, se, REL, &format!("{m} AME se {label}"));
        }
        let checked = fit
            .marginal_effects
            .iter()
            .filter(|e| {
                let l = if e.contrast == "dy/dx" {
                    format!("{}:{}", e.variable, e.level)
                } else {
                    format!("{}[{}]:{}", e.variable, e.contrast, e.level)
                };
                want.contains(&l)
            })
            .count();
        assert_eq!(checked, want.len(), "{m}: every R AME has a sovcost one");
    }
}

#[test]
fn proportional_odds_tests_match_nominal_test() {
    let r = Reference::load("tests/reference/ordinal.csv");
    for case in CASES {
        let m = case.model;
        let fit = run(case, VcovType::Model, CiMethod::Wald);
        assert_eq!(
            fit.proportional_odds_tests.len(),
            r.terms(m, "nominal_lr").len()
        );
        for t in &fit.proportional_odds_tests {
            let label = r_term_label(&t.term);
            assert_eq!(
                t.df as f64,
                r.get(m, "nominal_df", &label),
                "{m} df {label}"
            );
            let what = format!("{m} nominal LR {label}");
            assert_close(t.statistic, r.get(m, "nominal_lr", &label), REL, &what);
            let what = format!("{m} nominal p {label}");
            assert_close(t.p_value, r.get(m, "nominal_p", &label), REL, &what);
        }
    }
}

#[test]
fn estimates_match_polr() {
    let r = Reference::load("tests/reference/ordinal.csv");
    for case in CASES {
        let m = case.model;
        let fit = run(case, VcovType::Model, CiMethod::Wald);
        let hc0 = run(case, VcovType::Hc0, CiMethod::Wald);
        let ll = r.get(m, "polr_log_likelihood", "");
        assert_close(fit.log_likelihood, ll, REL, &format!("{m} polr logLik"));
        for ((t, c), (_, h)) in parameters(&fit).into_iter().zip(parameters(&hc0)) {
            let what = |x: &str| format!("{m} polr {x} {t}");
            assert_close(
                c.estimate,
                r.get(m, "polr_estimate", &t),
                REL,
                &what("estimate"),
            );
            let se = r.get(m, "polr_se", &t);
            assert_close(c.std_error, se, POLR_HESSIAN, &what("se"));
            let se = r.get(m, "polr_se_hc0", &t);
            assert_close(h.std_error, se, POLR_HESSIAN, &what("HC0 se"));
        }
    }
}

#[test]
fn quasi_separation_is_reported_with_the_limits_of_the_finite_estimates() {
    let r = Reference::load("tests/reference/ordinal.csv");
    let table = Table::read_csv(&repo_path("tests/data/ordinal_separated.csv")).unwrap();
    let fit = ordinal::fit_table(&table, &FitSpec::new("y ~ x + g")).unwrap();
    let sep = fit.separation.as_ref().expect("checked");
    assert!(sep.separated);
    assert_eq!(sep.kind, "quasi-complete");
    assert_eq!(sep.infinite_estimates.len(), 1, "{sep:?}");
    assert_eq!(sep.infinite_estimates[0].term, "g");
    assert_eq!(sep.infinite_estimates[0].direction, Divergence::PlusInf);
    assert_eq!(sep.perfectly_predicted_rows, (25..=32).collect::<Vec<_>>());
    let g = fit.coefficients.iter().find(|c| c.term == "g").unwrap();
    assert_eq!(g.estimate, f64::INFINITY);
    assert!(g.std_error.is_nan() && g.p_value.is_nan());
    assert!(fit.warnings.iter().any(|w| w.starts_with("SEPARATION")));
    // What R does: clm stops with a singular Hessian and a large finite
    // estimate (about 24) with no standard error; polr reports about 19.
    assert!(r.get("separated", "clm_estimate", "g") > 10.0);
    assert!(r.get("separated", "clm_se", "g").is_nan());
    assert!(r.get("separated", "polr_estimate", "g") > 10.0);
    // The other estimates are the limits: the fit on the g == 0 rows.
    for c in fit.thresholds.iter().chain(&fit.coefficients) {
        if c.term == "g" {
            continue;
        }
        let t = r_name(&c.term);
        let what = |x: &str| format!("separated limit {x} {t}");
        assert_close(
            c.estimate,
            r.get("separated", "limit_estimate", &t),
            REL,
            &what("estimate"),
        );
        assert_close(
            c.std_error,
            r.get("separated", "limit_se", &t),
            REL,
            &what("se"),
        );
    }
    let ll = r.get("separated", "limit_log_likelihood", "");
    assert_close(fit.log_likelihood, ll, REL, "separated log-likelihood");
}

fn data(name: &str) -> String {
    repo_path(&format!("tests/data/{name}"))
        .display()
        .to_string()
}

#[test]
fn the_binary_fits_an_ordinal_model_as_json() {
    let r = Reference::load("tests/reference/ordinal.csv");
    let dir = temp_dir("ordinal-json");
    let args = [
        "fit",
        "--family",
        "ordinal",
        "--data",
        &data("wine.csv"),
        "--formula",
        "rating ~ C(temp) + C(contact)",
        "--vcov",
        "cluster:judge",
        "--predict",
        "temp=warm",
        "--ame",
        "--format",
        "json",
    ];
    let (code, out, err) = sovcost(&dir, &args);
    assert_eq!(code, 0, "{err}");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["model"], "cumulative_logit");
    assert_eq!(json["levels"], 5);
    assert_eq!(json["ci_method"], "wald");
    assert_eq!(json["thresholds"][0]["term"], "0|1");
    for c in json["coefficients"].as_array().unwrap() {
        let t = r_name(c["term"].as_str().unwrap());
        let se = c["std_error"].as_f64().unwrap();
        assert_close(
            se,
            r.get("wine", "se_cluster", &t),
            REL,
            &format!("cli {t}"),
        );
    }
    let ll = json["log_likelihood"].as_f64().unwrap();
    assert_close(ll, r.get("wine", "log_likelihood", ""), REL, "cli logLik");
    assert_eq!(json["proportional_odds_tests"].as_array().unwrap().len(), 2);
    // Text: thresholds and coefficients in one table each.
    let (code, text, err) = sovcost(&dir, &args[..args.len() - 2]);
    assert_eq!(code, 0, "{err}");
    assert!(text.contains("Thresholds"), "{text}");
    assert!(
        text.contains("temp[warm]") && text.contains("3|4"),
        "{text}"
    );
}

#[test]
fn bad_ordinal_outcomes_exit_2_naming_the_column_and_rule() {
    let dir = temp_dir("ordinal-errors");
    let cases = [
        (
            "two.csv",
            "y,x\n0,1\n1,2\n0,3\n1,4\n0,5\n",
            "at least 3 levels",
        ),
        (
            "frac.csv",
            "y,x\n0,1\n1.5,2\n2,3\n1,4\n0,5\n",
            "integer level",
        ),
        (
            "gap.csv",
            "y,x\n0,1\n2,2\n3,3\n0,4\n2,5\n",
            "level 1 of the ordinal outcome",
        ),
        (
            "neg.csv",
            "y,x\n0,1\n-1,2\n2,3\n1,4\n0,5\n",
            "integer level",
        ),
    ];
    for (name, text, rule) in cases {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        let p = path.display().to_string();
        let args = [
            "fit",
            "--family",
            "ordinal",
            "--data",
            &p,
            "--formula",
            "y ~ x",
        ];
        let (code, _, err) = sovcost(&dir, &args);
        assert_eq!(code, 2, "{name}: {err}");
        assert!(
            err.contains("column 'y'") && err.contains(rule),
            "{name}: {err}"
        );
        assert!(!err.contains("panicked"), "{name}: {err}");
    }
    let frac = dir.join("frac.csv").display().to_string();
    let (_, _, err) = sovcost(
        &dir,
        &[
            "fit",
            "--family",
            "ordinal",
            "--data",
            &frac,
            "--formula",
            "y ~ x",
        ],
    );
    assert!(err.contains("row 2"), "{err}");
    // Options of the binary logit's other estimators are refused.
    let wine = data("wine.csv");
    let args = [
        "fit",
        "--family",
        "ordinal",
        "--data",
        &wine,
        "--formula",
        "rating ~ C(temp)",
        "--method",
        "firth",
    ];
    let (code, _, err) = sovcost(&dir, &args);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--method"), "{err}");
    let args = [
        "fit",
        "--family",
        "ordinal",
        "--data",
        &wine,
        "--formula",
        "rating ~ C(temp) - 1",
    ];
    let (code, _, err) = sovcost(&dir, &args);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("thresholds"), "{err}");
}
