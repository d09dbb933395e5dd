//! CSV input to `sovcost fit` never gives a silently wrong answer: duplicate
//! column names, ragged rows, other delimiters, decimal commas and missing
//! markers, each through the fast numeric reader (a formula of numeric main
//! effects) and the general reader (a categorical term, or `--na NA`, which
//! the fast reader does not take).

mod common;

use common::{sovcost, temp_dir};
use std::path::Path;

/// 30 rows of `y,x,z,g` that a logit fits (no separation).
fn rows() -> Vec<[String; 4]> {
    (0..30)
        .map(|i| {
            let x = ((i * 7) % 11) as f64 / 4.0 - 1.0;
            let z = ((i * 5) % 13) as f64 / 8.0;
            let y = u8::from((i * 3) % 5 < 2 || i % 7 == 0);
            let g = ["a", "b", "c"][i % 3];
            [y.to_string(), format!("{x}"), format!("{z}"), g.to_string()]
        })
        .collect()
}

fn write(dir: &Path, name: &str, header: &str, lines: &[String]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, format!("{header}\n{}\n", lines.join("\n"))).unwrap();
    path.display().to_string()
}

fn comma_lines() -> Vec<String> {
    rows().iter().map(|r| r.join(",")).collect()
}

fn fit(dir: &Path, data: &str, formula: &str, extra: &[&str]) -> (i32, String, String) {
    let mut args = vec![
        "fit",
        "--data",
        data,
        "--formula",
        formula,
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    sovcost(dir, &args)
}

/// The coefficients part of a JSON fit (the `data` field names the file).
fn coefficients(json: &str) -> serde_json::Value {
    let v: serde_json::Value = serde_json::from_str(json).expect("json output");
    v["coefficients"].clone()
}

/// The formulas and options that take each reader.
const PATHS: [(&str, &[&str]); 3] = [
    ("y ~ x + z", &[]),
    ("y ~ x + z", &["--na", "NA"]),
    ("y ~ x + C(g)", &[]),
];

fn assert_refused(dir: &Path, data: &str, wanted: &[&str]) {
    for (formula, extra) in PATHS {
        let (code, out, err) = fit(dir, data, formula, extra);
        assert_eq!(code, 2, "{formula} {extra:?}: {out}{err}");
        assert!(out.is_empty(), "{out}");
        for w in wanted {
            assert!(
                err.contains(w),
                "{formula} {extra:?}: wanted '{w}' in {err}"
            );
        }
        assert_eq!(err.trim().lines().count(), 1, "{err}");
        for internal in [
            "polars",
            "Schema",
            "truncate_ragged",
            "duplicated",
            "panick",
        ] {
            assert!(!err.contains(internal), "{err}");
        }
    }
}

#[test]
fn duplicate_column_names_are_refused_with_their_positions() {
    let dir = temp_dir("csv-dup");
    let lines: Vec<String> = rows()
        .iter()
        .map(|r| format!("{},{},{},{},{}", r[0], r[1], r[2], r[3], r[2]))
        .collect();
    let data = write(&dir, "dup.csv", "y,x,z,g,x", &lines);
    assert_refused(
        &dir,
        &data,
        &["dup.csv", "line 1", "'x'", "twice", "fields 2 and 5"],
    );
}

#[test]
fn a_ragged_row_is_reported_with_its_line() {
    let dir = temp_dir("csv-ragged");
    let mut lines = comma_lines();
    lines[4] = "1,0.5,a".into(); // one field missing: would shift z <- g
    let data = write(&dir, "ragged.csv", "y,x,z,g", &lines);
    assert_refused(
        &dir,
        &data,
        &["ragged.csv", "row 5 (line 6)", "3 fields", "header has 4"],
    );
    let mut lines = comma_lines();
    lines[2].push_str(",extra");
    lines.insert(1, String::new()); // a blank line: skipped, but counted
    let data = write(&dir, "long.csv", "y,x,z,g", &lines);
    assert_refused(&dir, &data, &["row 3 (line 5)", "5 fields"]);
}

#[test]
fn unbalanced_quotes_and_non_utf8_are_refused() {
    let dir = temp_dir("csv-quotes");
    let mut lines = comma_lines();
    lines[6] = "1,0.5,\"0.25,a".into();
    let data = write(&dir, "quote.csv", "y,x,z,g", &lines);
    assert_refused(&dir, &data, &["line 8", "never closed"]);
    let mut bytes = std::fs::read(write(&dir, "latin.csv", "y,x,z,g", &comma_lines())).unwrap();
    let at = bytes.iter().rposition(|&b| b == b'a').unwrap();
    bytes[at] = 0xE9; // 'é' in Latin-1
    std::fs::write(dir.join("latin.csv"), bytes).unwrap();
    assert_refused(
        &dir,
        &dir.join("latin.csv").display().to_string(),
        &["UTF-8"],
    );
}

#[test]
fn semicolons_with_decimal_commas_read_as_read_csv2_does() {
    let dir = temp_dir("csv-semicolon");
    let comma = write(&dir, "comma.csv", "y,x,z,g", &comma_lines());
    let semi: Vec<String> = rows()
        .iter()
        .map(|r| r.join(";").replace('.', ","))
        .collect();
    let semi = write(&dir, "semi.csv", "y;x;z;g", &semi);
    for (formula, _) in PATHS {
        let (code, want, err) = fit(&dir, &comma, formula, &[]);
        assert_eq!(code, 0, "{err}");
        let (code, out, err) = fit(&dir, &semi, formula, &[]);
        assert_eq!(code, 2, "{out}");
        if formula.contains("x + z") {
            assert!(err.contains("--decimal-comma"), "{err}");
        }
        assert!(!err.contains("truncate_ragged"), "{err}");
        let (code, got, err) = fit(&dir, &semi, formula, &["--decimal-comma"]);
        assert_eq!(code, 0, "{err}");
        assert_eq!(coefficients(&got), coefficients(&want));
    }
    // A decimal point with --decimal-comma is refused, not misread.
    let (code, _, err) = fit(
        &dir,
        &comma,
        "y ~ x",
        &["--decimal-comma", "--delimiter", ","],
    );
    assert_eq!(code, 2, "{err}");
}

#[test]
fn tabs_are_detected_or_given() {
    let dir = temp_dir("csv-tab");
    let comma = write(&dir, "comma.csv", "y,x,z,g", &comma_lines());
    let tsv: Vec<String> = rows().iter().map(|r| r.join("\t")).collect();
    let tsv = write(&dir, "data.tsv", "y\tx\tz\tg", &tsv);
    for (formula, extra) in PATHS {
        let (_, want, _) = fit(&dir, &comma, formula, extra);
        for delimiter in [&[][..], &["--delimiter", "tab"][..]] {
            let args: Vec<&str> = extra.iter().chain(delimiter).copied().collect();
            let (code, got, err) = fit(&dir, &tsv, formula, &args);
            assert_eq!(code, 0, "{err}");
            assert_eq!(coefficients(&got), coefficients(&want));
        }
    }
    let mixed = write(&dir, "mixed.csv", "y,x;z,g", &comma_lines());
    assert_refused(&dir, &mixed, &["line 1", "--delimiter"]);
}

#[test]
fn missing_markers_are_given_as_na_strings_are() {
    let dir = temp_dir("csv-na");
    let mut with_na = comma_lines();
    let mut with_codes = comma_lines();
    for (i, code) in [(3, "-99"), (8, "."), (15, "-99")] {
        let r = &rows()[i];
        with_na[i] = format!("NA,{},{},{}", r[1], r[2], r[3]);
        with_codes[i] = format!("{code},{},{},{}", r[1], r[2], r[3]);
    }
    let na = write(&dir, "na.csv", "y,x,z,g", &with_na);
    let codes = write(&dir, "codes.csv", "y,x,z,g", &with_codes);
    for (formula, _) in PATHS {
        let (code, want, err) = fit(&dir, &na, formula, &[]);
        assert_eq!(code, 0, "{err}");
        let (code, got, err) = fit(&dir, &codes, formula, &["--na=-99,."]);
        assert_eq!(code, 0, "{err}");
        assert_eq!(coefficients(&got), coefficients(&want));
        // Without the markers the codes are values, and refused as outcomes.
        let (code, _, err) = fit(&dir, &codes, formula, &[]);
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("column 'y'"), "{err}");
    }
}

#[test]
fn the_fast_and_general_readers_agree_on_a_valid_file() {
    let dir = temp_dir("csv-agree");
    let mut lines = comma_lines();
    lines.insert(5, String::new());
    let crlf = dir.join("crlf.csv");
    std::fs::write(
        &crlf,
        format!("\u{feff}y,x,z,g\r\n{}\r\n", comma_lines().join("\r\n")),
    )
    .unwrap();
    let plain = write(&dir, "plain.csv", "y,x,z,g", &comma_lines());
    let blank = write(&dir, "blank.csv", "y,x,z,g", &lines);
    let (_, want, _) = fit(&dir, &plain, "y ~ x + z", &[]);
    for data in [plain.as_str(), blank.as_str(), &crlf.display().to_string()] {
        for extra in [&[][..], &["--na", "NA"][..]] {
            let (code, got, err) = fit(&dir, data, "y ~ x + z", extra);
            assert_eq!(code, 0, "{data}: {err}");
            assert_eq!(coefficients(&got), coefficients(&want), "{data}");
        }
    }
}
