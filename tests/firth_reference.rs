//! Firth's penalized likelihood against R: brglm2 estimates, and logistf's
//! definitions (penalized LR tests, profile penalized-likelihood intervals,
//! FLIC) written out in tests/r/firth_reference.R. Tolerance 1e-6 relative.

mod common;

use common::{assert_close, r_name, repo_path, Reference};
use sovcost::models::inference::VcovType;
use sovcost::models::{fit_table, CiMethod, FitSpec, Method};
use sovcost::results::FitResult;
use sovcost::table::Table;

const REL: f64 = 1e-6;

const MODELS: &[(&str, &str, &str)] = &[
    (
        "weisiger",
        "tests/data/weisiger.csv",
        "resist ~ polity_conq + lndist + terrain + soldperterr + gdppc2 + coord",
    ),
    (
        "george_epstein",
        "tests/data/george_epstein.csv",
        "court ~ dq + cr + pc + ag + sp + pe + cc + ap + dc + st + sg",
    ),
    (
        "infert",
        "tests/data/infert.csv",
        "case ~ spontaneous + induced + age",
    ),
    ("separated", "tests/data/separated.csv", "y ~ x1 + x2"),
];

fn run(
    data: &str,
    formula: &str,
    method: Method,
    vcov: VcovType,
    ci: CiMethod,
    level: f64,
) -> FitResult {
    let table = Table::read_csv(&repo_path(data)).unwrap();
    let mut spec = FitSpec::new(formula);
    spec.method = method;
    spec.vcov = vcov;
    spec.ci = ci;
    spec.level = level;
    spec.predict = vec![String::new()];
    fit_table(&table, &spec).unwrap()
}

#[test]
fn firth_estimates_tests_and_profile_intervals_match_r() {
    let r = Reference::load("tests/reference/firth.csv");
    for (m, data, formula) in MODELS {
        for (level, tag) in [(0.95, "profile95"), (0.90, "profile90")] {
            let fit = run(
                data,
                formula,
                Method::Firth,
                VcovType::Model,
                CiMethod::Default,
                level,
            );
            assert_eq!(fit.method, "firth");
            assert_eq!(fit.ci_method, "profile");
            assert_eq!(fit.p_value_method.as_str(), "penalized_lrt");
            assert!(fit.converged, "{m}");
            assert_close(
                fit.penalized_log_likelihood.unwrap(),
                r.get(m, "penalized_loglik", ""),
                REL,
                &format!("{m} penalized loglik"),
            );
            assert_close(
                fit.log_likelihood,
                r.get(m, "loglik", ""),
                REL,
                &format!("{m} loglik"),
            );
            assert_close(
                fit.flic_intercept.unwrap(),
                r.get(m, "flic_intercept", ""),
                REL,
                &format!("{m} FLIC intercept"),
            );
            assert_close(
                fit.predictions[0].probability,
                r.get(m, "flic_pred_means", ""),
                REL,
                &format!("{m} FLIC prediction at the means"),
            );
            for c in &fit.coefficients {
                let t = r_name(&c.term);
                assert_close(
                    c.estimate,
                    r.get(m, "estimate", &t),
                    REL,
                    &format!("{m} estimate {t}"),
                );
                assert_close(c.std_error, r.get(m, "se", &t), REL, &format!("{m} se {t}"));
                assert_close(
                    c.statistic,
                    r.get(m, "plr_stat", &t),
                    REL,
                    &format!("{m} PLR {t}"),
                );
                assert_close(
                    c.p_value,
                    r.get(m, "plr_p", &t),
                    REL,
                    &format!("{m} PLR p {t}"),
                );
                assert_close(
                    c.conf_low.unwrap(),
                    r.get(m, &format!("{tag}_low"), &t),
                    REL,
                    &format!("{m} {tag} low {t}"),
                );
                assert_close(
                    c.conf_high.unwrap(),
                    r.get(m, &format!("{tag}_high"), &t),
                    REL,
                    &format!("{m} {tag} high {t}"),
                );
            }
        }
    }
}

#[test]
fn firth_wald_intervals_and_robust_standard_errors_match_r() {
    let r = Reference::load("tests/reference/firth.csv");
    for (m, data, formula) in MODELS {
        let fit = run(
            data,
            formula,
            Method::Firth,
            VcovType::Hc0,
            CiMethod::Wald,
            0.95,
        );
        assert_eq!(fit.ci_method, "wald");
        for c in &fit.coefficients {
            let t = r_name(&c.term);
            assert_close(
                c.std_error,
                r.get(m, "se_robust", &t),
                REL,
                &format!("{m} robust se {t}"),
            );
        }
        let fit = run(
            data,
            formula,
            Method::Firth,
            VcovType::Model,
            CiMethod::Wald,
            0.95,
        );
        for c in &fit.coefficients {
            let t = r_name(&c.term);
            let z = r.get(m, "wald_z", &t);
            let se = r.get(m, "se", &t);
            let q = 1.959963984540054;
            assert_close(
                c.conf_low.unwrap(),
                c.estimate - q * se,
                REL,
                &format!("{m} wald low {t}"),
            );
            assert_close(c.estimate / c.std_error, z, REL, &format!("{m} wald z {t}"));
        }
    }
    let fit = run(
        "tests/data/infert.csv",
        "case ~ spontaneous + induced + age",
        Method::Firth,
        VcovType::Cluster("stratum".into()),
        CiMethod::Wald,
        0.95,
    );
    for c in &fit.coefficients {
        let t = r_name(&c.term);
        assert_close(
            c.std_error,
            r.get("infert", "se_cluster", &t),
            REL,
            &format!("cluster se {t}"),
        );
    }
}

#[test]
fn separation_is_detected_as_the_lp_in_r_finds_it() {
    let r = Reference::load("tests/reference/firth.csv");
    for (m, data, formula) in MODELS {
        let fit = run(
            data,
            formula,
            Method::Ml,
            VcovType::Model,
            CiMethod::Wald,
            0.95,
        );
        let sep = fit.separation.as_ref().expect("separation checked");
        for c in &fit.coefficients {
            let t = r_name(&c.term);
            let want = r.get(m, "separation_direction", &t);
            let got = sep
                .infinite_estimates
                .iter()
                .find(|e| e.term == c.term)
                .map(|e| match e.direction.as_str() {
                    "+Inf" => 1.0,
                    "-Inf" => -1.0,
                    _ => f64::NAN,
                })
                .unwrap_or(0.0);
            assert_eq!(got, want, "{m} separation direction of {t}");
        }
        assert_eq!(sep.separated, *m == "separated", "{m}");
    }
}

#[test]
fn ml_on_separated_data_reports_the_term_as_infinite() {
    let r = Reference::load("tests/reference/firth.csv");
    // R's glm reports a finite estimate with an enormous standard error.
    assert!(r.get("separated", "ml_se", "x2") > 1000.0);
    let fit = run(
        "tests/data/separated.csv",
        "y ~ x1 + x2",
        Method::Ml,
        VcovType::Model,
        CiMethod::Wald,
        0.95,
    );
    let x2 = fit.coefficients.iter().find(|c| c.term == "x2").unwrap();
    assert_eq!(x2.estimate, f64::INFINITY);
    assert!(x2.p_value.is_nan());
    assert!(fit.warnings.iter().any(|w| w.starts_with("SEPARATION")));
    let sep = fit.separation.unwrap();
    assert_eq!(sep.kind, "quasi-complete");
    assert_eq!(
        sep.perfectly_predicted_rows,
        vec![2, 6, 10, 14, 18, 22, 26, 30]
    );
}

#[test]
fn auto_chooses_firth_on_separated_data_and_says_why() {
    let fit = run(
        "tests/data/separated.csv",
        "y ~ x1 + x2",
        Method::Auto,
        VcovType::Model,
        CiMethod::Default,
        0.95,
    );
    assert_eq!(fit.method, "firth");
    let why = fit.method_choice.unwrap();
    assert!(
        why.contains("separation") && why.contains("x2 (+Inf)"),
        "{why}"
    );
    assert_eq!(fit.ci_method, "profile");
    // A large sample with overlap stays with ML.
    let fit = run(
        "tests/data/infert.csv",
        "case ~ spontaneous + induced",
        Method::Auto,
        VcovType::Model,
        CiMethod::Default,
        0.95,
    );
    assert_eq!(fit.method, "ml");
    assert!(fit.method_choice.unwrap().contains("events per parameter"));
}
