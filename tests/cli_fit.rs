//! End-to-end tests of `sovcost fit`: the real binary in a temporary directory.

mod common;

use common::{repo_path, sovcost, temp_dir};

fn data(name: &str) -> String {
    repo_path(&format!("tests/data/{name}"))
        .display()
        .to_string()
}

#[test]
fn text_output_reads_like_r_summary() {
    let dir = temp_dir("text");
    let (code, out, err) = sovcost(
        &dir,
        &[
            "fit",
            "--data",
            &data("weisiger.csv"),
            "--formula",
            "resist ~ polity_conq + lndist + terrain + soldperterr + gdppc2 + coord",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("(Intercept)"));
    assert!(out.contains("Null deviance:"));
    assert!(
        out.contains("Residual deviance: 15.513  on 28 degrees of freedom"),
        "{out}"
    );
    assert!(out.contains("Signif. codes"));
}

#[test]
fn json_output_has_the_documented_fields() {
    let dir = temp_dir("json");
    let (code, out, err) = sovcost(
        &dir,
        &[
            "fit",
            "--data",
            &data("infert.csv"),
            "--formula",
            "case ~ spontaneous + induced + C(education)",
            "--vcov",
            "cluster:stratum",
            "--ci",
            "profile",
            "--level",
            "0.9",
            "--format",
            "json",
            "--predict",
            "spontaneous=1",
            "--ame",
            "--lrt",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    for key in [
        "method",
        "formula",
        "n",
        "n_dropped",
        "converged",
        "iterations",
        "log_likelihood",
        "null_log_likelihood",
        "deviance",
        "null_deviance",
        "aic",
        "bic",
        "vcov_type",
        "ci_level",
        "ci_method",
        "warnings",
        "coefficients",
        "lr_tests",
        "predictions",
        "marginal_effects",
        "iteration_history",
    ] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    assert_eq!(v["vcov_type"], "cluster:stratum");
    assert_eq!(v["ci_method"], "profile");
    assert_eq!(v["ci_level"], 0.9);
    let c = &v["coefficients"][0];
    assert_eq!(c["term"], "(Intercept)");
    for key in [
        "term",
        "estimate",
        "std_error",
        "statistic",
        "p_value",
        "conf_low",
        "conf_high",
    ] {
        assert!(c.get(key).is_some(), "coefficient lacks {key}");
    }
    assert_eq!(v["coefficients"][3]["term"], "education[12+ yrs]");
}

#[test]
fn out_file_is_written() {
    let dir = temp_dir("out");
    let target = dir.join("sub").join("fit.json");
    let (code, out, err) = sovcost(
        &dir,
        &[
            "fit",
            "--data",
            &data("weisiger.csv"),
            "--formula",
            "resist ~ coord",
            "--format",
            "json",
            "--out",
            target.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.is_empty());
    let text = std::fs::read_to_string(&target).unwrap();
    assert!(text.contains("\"coefficients\""));
    // No temporary file is left behind.
    let names: Vec<_> = std::fs::read_dir(target.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    assert_eq!(names, vec!["fit.json".to_string()]);
}

/// Runs a bad-input case: exit code 2, one line on stderr containing every
/// expected fragment, nothing on stdout, no panic.
fn refuse(dir: &std::path::Path, csv: Option<&str>, formula: &str, expect: &[&str]) {
    let path = dir.join("input.csv");
    match csv {
        Some(text) => std::fs::write(&path, text).unwrap(),
        None => {
            let _ = std::fs::remove_file(&path);
        }
    }
    let (code, out, err) = sovcost(dir, &["fit", "--data", "input.csv", "--formula", formula]);
    assert_eq!(code, 2, "exit code for {expect:?}: stderr {err}");
    assert!(out.is_empty(), "stdout should be empty: {out}");
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    for e in expect {
        assert!(err.contains(e), "stderr lacks '{e}': {err}");
    }
}

#[test]
fn bad_input_is_refused_with_file_row_and_column() {
    let dir = temp_dir("bad");
    refuse(&dir, None, "y ~ x", &["input.csv", "cannot read file"]);
    refuse(&dir, Some(""), "y ~ x", &["input.csv", "empty"]);
    refuse(&dir, Some("y,x\n"), "y ~ x", &["input.csv", "no data rows"]);
    refuse(
        &dir,
        Some("y,x\n0,1\n1,2\n0,3\n"),
        "y ~ z",
        &["input.csv", "column 'z'", "no such column"],
    );
    refuse(
        &dir,
        Some("y,x\n0,1\n1,2\n0,abc\n1,3\n"),
        "y ~ x",
        &[
            "input.csv",
            "row 3 (line 4)",
            "column 'x'",
            "'abc' is not a number",
        ],
    );
    refuse(
        &dir,
        Some("y,x\n0,1\n1,2\n2,3\n1,3\n"),
        "y ~ x",
        &["input.csv", "row 3", "column 'y'", "0 or 1"],
    );
    refuse(
        &dir,
        Some("y,x,z\n0,1,1\n1,2,3\n"),
        "y ~ x + z",
        &["input.csv", "2 complete rows for 3 parameters"],
    );
    refuse(
        &dir,
        Some("y,x\n1,1\n1,2\n1,3\n1,4\n"),
        "y ~ x",
        &["input.csv", "column 'y'", "constant"],
    );
    refuse(
        &dir,
        Some("y,x,z\n0,1,2\n1,2,4\n0,3,6\n1,4,8\n0,5,10\n"),
        "y ~ x + z",
        &["input.csv", "rank-deficient", "z"],
    );
    refuse(
        &dir,
        Some("y,x\n0,1\n1,2\n"),
        "y ~ log(x)",
        &["log(x)", "not supported"],
    );
    refuse(
        &dir,
        Some("y,x\nNA,1\n1,NA\n"),
        "y ~ x",
        &["input.csv", "no row is complete"],
    );
    refuse(
        &dir,
        Some("y,a\n0,p\n1,q\n0,q\n1,p\n"),
        "y ~ C(a, ref=r)",
        &["column 'a'", "reference level 'r'"],
    );
}

#[test]
fn bad_options_are_refused() {
    let dir = temp_dir("opts");
    let d = data("weisiger.csv");
    for (flag, value, expect) in [
        ("--vcov", "hc9", "unknown covariance"),
        ("--method", "bayes", "unknown method"),
        ("--ci", "magic", "unknown interval method"),
        ("--format", "xml", "unknown format"),
        ("--level", "1.5", "between 0 and 1"),
        ("--vcov", "cluster:nope", "no such column"),
    ] {
        let (code, _, err) = sovcost(
            &dir,
            &[
                "fit",
                "--data",
                &d,
                "--formula",
                "resist ~ coord",
                flag,
                value,
            ],
        );
        assert_eq!(code, 2, "{flag} {value}: {err}");
        assert!(err.contains(expect), "{flag} {value}: {err}");
    }
}

#[test]
fn missing_values_are_dropped_listwise_and_counted() {
    let dir = temp_dir("na");
    let (code, out, err) = sovcost(
        &dir,
        &[
            "fit",
            "--data",
            &data("weisiger_na.csv"),
            "--formula",
            "resist ~ terrain + coord",
            "--format",
            "json",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["n"], 32);
    assert_eq!(v["n_dropped"], 3);
}

#[test]
fn exact_commands_print_r_values() {
    let dir = temp_dir("exact");
    let (code, out, err) = sovcost(&dir, &["exact", "fisher", "16", "3", "2", "5"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("p-value = 0.0138"), "{out}");
    let (code, out, _) = sovcost(
        &dir,
        &["exact", "proportion", "19", "26", "--format", "json"],
    );
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!((v["clopper_pearson_low"].as_f64().unwrap() - 0.522125210306).abs() < 1e-9);
    let (code, _, err) = sovcost(&dir, &["exact", "proportion", "30", "26"]);
    assert_eq!(code, 2);
    assert!(err.contains("cannot exceed"), "{err}");
}

#[test]
fn auto_on_separated_data_names_the_term_and_fits_firth() {
    let dir = temp_dir("auto");
    let (code, out, err) = sovcost(
        &dir,
        &[
            "fit",
            "--data",
            &data("separated.csv"),
            "--formula",
            "y ~ x1 + x2",
            "--method",
            "auto",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Firth's penalized likelihood"), "{out}");
    assert!(out.contains("x2 (+Inf)"), "{out}");
    assert!(out.contains("Pr(>Chisq)"), "{out}");
}
