//! `sovcost fit --format latex|markdown|html`, `--exponentiate` and
//! `sovcost table` (several `fit --format json` outputs side by side).

mod common;

use common::{repo_path, sovcost, temp_dir};

const FORMULA: &str = "resist ~ polity_conq + lndist";

fn data() -> String {
    repo_path("tests/data/weisiger.csv").display().to_string()
}

fn fit(dir: &std::path::Path, extra: &[&str]) -> (i32, String, String) {
    let d = data();
    let mut args = vec!["fit", "--data", d.as_str(), "--formula", FORMULA];
    args.extend_from_slice(extra);
    sovcost(dir, &args)
}

fn json_estimate(json: &str, term: &str) -> (f64, f64) {
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    let c = v["coefficients"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["term"] == term)
        .unwrap();
    (
        c["estimate"].as_f64().unwrap(),
        c["conf_high"].as_f64().unwrap(),
    )
}

#[test]
fn a_fit_prints_its_regression_table_in_every_format() {
    let dir = temp_dir("fit-tables");
    let (code, json, _) = fit(&dir, &["--format", "json"]);
    assert_eq!(code, 0);
    let (b, high) = json_estimate(&json, "lndist");
    let (code, md, err) = fit(&dir, &["--format", "markdown"]);
    assert_eq!(code, 0, "{err}");
    assert!(md.contains("| Lndist | 4.46 |"), "{md}");
    assert!(md.contains("| N | 35 |"));
    let (code, tex, _) = fit(&dir, &["--format", "latex"]);
    assert_eq!(code, 0);
    assert!(tex.contains("\\begin{tabular}") && tex.contains("S[table-format="));
    assert!(tex.contains("Lndist & 4.46"));
    let (code, html, _) = fit(&dir, &["--format", "html"]);
    assert_eq!(code, 0);
    assert!(html.contains("<td>Lndist</td><td>4.46</td>"), "{html}");
    // Odds ratios: exp of the estimate and of the bounds, three significant digits.
    let (code, or, _) = fit(&dir, &["--format", "markdown", "--exponentiate"]);
    assert_eq!(code, 0);
    let want = format!("| Lndist | {:.1} |", b.exp());
    assert!(or.contains(&want), "{want} not in {or}");
    assert!(or.contains(&format!("{:.1}\\]", high.exp())), "{or}");
    assert!(or.contains("Odds ratios"));
    // Text with odds ratios ends with the table; JSON refuses them.
    let (code, text, _) = fit(&dir, &["--exponentiate"]);
    assert_eq!(code, 0);
    assert!(text.contains("Coefficients (standard errors") && text.contains("Odds ratios"));
    let (code, _, err) = fit(&dir, &["--format", "json", "--exponentiate"]);
    assert_eq!(code, 2);
    assert!(err.contains("--exponentiate"), "{err}");
}

#[test]
fn several_fits_go_side_by_side_and_bad_files_are_refused() {
    let dir = temp_dir("table-cmd");
    let d = data();
    for (name, method) in [("ml.json", "ml"), ("firth.json", "firth")] {
        let (code, _, err) = sovcost(
            &dir,
            &[
                "fit",
                "--data",
                &d,
                "--formula",
                FORMULA,
                "--method",
                method,
                "--format",
                "json",
                "--out",
                name,
            ],
        );
        assert_eq!(code, 0, "{err}");
    }
    let ord = repo_path("tests/data/wvs.csv").display().to_string();
    let (code, _, err) = sovcost(
        &dir,
        &[
            "fit",
            "--family",
            "ordinal",
            "--data",
            &ord,
            "--formula",
            "poverty ~ age",
            "--format",
            "json",
            "--out",
            "ordinal.json",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let (code, md, err) = sovcost(
        &dir,
        &[
            "table",
            "ml.json",
            "firth.json",
            "ordinal.json",
            "--labels",
            "ML,Firth,Ordered",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(md.contains("|  | ML | Firth | Ordered |"), "{md}");
    assert!(
        md.contains("| Estimator | ML | Firth | ordered logit (ML) |"),
        "{md}"
    );
    assert!(md.contains("Threshold 0\\|1"), "{md}");
    let (code, tex, _) = sovcost(
        &dir,
        &[
            "table",
            "ml.json",
            "firth.json",
            "--format",
            "latex",
            "--out",
            "t.tex",
        ],
    );
    assert_eq!(code, 0);
    assert!(tex.is_empty());
    assert!(std::fs::read_to_string(dir.join("t.tex"))
        .unwrap()
        .contains("{ml} & {firth}"));
    // Refused, exit 2, naming the file.
    std::fs::write(dir.join("bad.json"), "{\"x\": 1}").unwrap();
    let (code, _, err) = sovcost(&dir, &["table", "ml.json", "bad.json"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("bad.json") && err.contains("fit --format json"),
        "{err}"
    );
    std::fs::write(dir.join("junk.json"), "not json").unwrap();
    let (code, _, err) = sovcost(&dir, &["table", "junk.json"]);
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = sovcost(&dir, &["table", "ml.json", "--labels", "a,b"]);
    assert_eq!(code, 2);
    assert!(err.contains("2 labels for 1 fits"), "{err}");
    let (code, _, _) = sovcost(&dir, &["table", "ml.json", "--format", "json"]);
    assert_eq!(code, 2);
}
