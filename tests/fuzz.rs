//! Fuzzing the loaders: the fast numeric CSV reader, the general (polars and
//! text) CSV reader, `sovcost fit` on a CSV file, the dataset CSV files,
//! instrument TOML (`treaty add`), analysis TOML and formulas. Each gets
//! arbitrary bytes and near-valid inputs (a valid file with a byte flipped, a
//! field deleted, quotes unbalanced, huge numbers, NaN/inf, a BOM, CRLF,
//! blank lines, non-UTF-8) and must return, never panic. The fast and the
//! general CSV readers must agree: same numbers, or both an error.
//!
//! 200 cases per target by default; `SOVCOST_FUZZ_CASES=N` for a long local
//! campaign.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use sovcost::table::{CsvOptions, Table};

fn cases() -> u32 {
    std::env::var("SOVCOST_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200)
}

fn runner() -> TestRunner {
    TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    })
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sovcost-fuzz-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `f`, failing the case on a panic.
fn no_panic<T>(what: &str, f: impl FnOnce() -> T) -> Result<T, TestCaseError> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|e| {
        let msg = e
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        TestCaseError::fail(format!("{what} panicked: {msg}"))
    })
}

/// Cells that readers find hard.
fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => (-1000i64..1000).prop_map(|v| format!("{}", v as f64 / 8.0)),
        2 => prop::sample::select(vec![
            "0", "1", "NA", "", "TRUE", "false", "NaN", "inf", "-inf", "1e999", "-1e-400",
            "1e308", "99999999999999999999999", " 1", "1 ", "1,5", "0x10", "\"1\"", "\"",
            "\"a,b\"", "\"a\"\"b\"", "é", "1.2.3", "+.5", "5.", ".", "-", "\r", "\"\n\"",
        ])
        .prop_map(String::from),
        1 => "[ -~]{0,6}",
    ]
}

/// A CSV file: a header of `y`, `x`, `z` (sometimes a duplicate or odd name)
/// and rows of cells, with its line ends, BOM and blank lines varied.
fn csv_text() -> impl Strategy<Value = Vec<u8>> {
    let header = prop::sample::select(vec![
        "y,x,z",
        "y,x,z",
        "y,x,x",
        "y,x,",
        "\"y\",x,z",
        "y;x;z",
    ]);
    let rows = prop::collection::vec(prop::collection::vec(cell(), 2..=4), 0..12);
    (header, rows, any::<bool>(), any::<bool>(), any::<bool>()).prop_map(
        |(header, rows, crlf, bom, trailing)| {
            let end = if crlf { "\r\n" } else { "\n" };
            let mut text = String::new();
            if bom {
                text.push('\u{feff}');
            }
            text.push_str(header);
            for row in rows {
                text.push_str(end);
                text.push_str(&row.join(","));
            }
            if trailing {
                text.push_str(end);
            }
            text.into_bytes()
        },
    )
}

/// A valid file mutated: a byte flipped, deleted or inserted.
fn mutated(base: Vec<u8>) -> impl Strategy<Value = Vec<u8>> {
    let n = base.len().max(1);
    prop::collection::vec((0..n, any::<u8>(), 0u8..3), 1..4).prop_map(move |edits| {
        let mut b = base.clone();
        for (at, byte, kind) in edits {
            let at = at.min(b.len());
            match kind {
                0 if at < b.len() => b[at] = byte,
                1 if at < b.len() => {
                    b.remove(at);
                }
                _ => b.insert(at, byte),
            }
        }
        b
    })
}

fn any_csv() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        3 => csv_text(),
        2 => csv_text().prop_flat_map(mutated),
        1 => prop::collection::vec(any::<u8>(), 0..200),
    ]
}

/// The model columns read by the fast reader and by the general reader.
fn both_readers(path: &Path) -> Result<(), TestCaseError> {
    let wanted = vec!["y".to_string(), "x".to_string()];
    let fast = no_panic("numeric_csv::read", || {
        sovcost::numeric_csv::read(path, &wanted)
    })?;
    let general = no_panic("Table::read_csv_columns", || {
        let forced = CsvOptions {
            na: Some(vec!["NA".into()]),
            ..CsvOptions::default()
        };
        let t = Table::read_csv_columns(path, &wanted, &[], &forced)?;
        wanted
            .iter()
            .map(|w| t.numbers(w).map(|c| c.to_vec()))
            .collect::<Result<Vec<_>, _>>()
    })?;
    if let Some(fast) = fast {
        let general = general.map_err(|e| {
            TestCaseError::fail(format!(
                "the fast reader read a file the general one refuses: {e}"
            ))
        })?;
        for (f, g) in fast.iter().zip(&general) {
            let same = f.len() == g.len()
                && f.iter()
                    .zip(g)
                    .all(|(a, b)| a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()));
            prop_assert!(same, "the readers disagree: {f:?} vs {g:?}");
        }
    }
    no_panic("Table::read_csv", || {
        if let Ok(t) = Table::read_csv(path) {
            for name in t.column_names() {
                let _ = t.numeric(&name);
                let _ = t.text(&name);
            }
        }
    })?;
    Ok(())
}

#[test]
fn csv_readers_never_panic_and_agree() {
    let dir = temp_dir("csv");
    let path = dir.join("data.csv");
    runner()
        .run(&any_csv(), |bytes| {
            std::fs::write(&path, &bytes).unwrap();
            both_readers(&path)
        })
        .unwrap();
}

#[test]
fn fit_never_panics_on_a_csv_file() {
    let dir = temp_dir("fit");
    let path = dir.join("data.csv");
    let formulas = prop::sample::select(vec!["y ~ x", "y ~ x + z", "y ~ C(x)", "y ~ x:z"]);
    runner()
        .run(
            &(any_csv(), formulas, any::<bool>()),
            |(bytes, formula, comma)| {
                std::fs::write(&path, &bytes).unwrap();
                let mut spec = sovcost::models::FitSpec::new(formula);
                spec.csv.decimal_comma = comma;
                let _ = no_panic("fit_csv", || sovcost::models::fit_csv(&path, &spec))?;
                Ok(())
            },
        )
        .unwrap();
}

#[test]
fn formulas_never_panic() {
    let near = prop::sample::select(vec![
        "y ~ x",
        "y ~ a*b - 1",
        "y ~ C(area, ref=\"6-11yrs\")",
        "y ~ `odd name` + 0",
        "y ~ x:z:w",
    ])
    .prop_flat_map(|f| mutated(f.as_bytes().to_vec()));
    let text = prop_oneof![
        near.prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
        "[ -~]{0,30}",
        ".{0,20}",
    ];
    runner()
        .run(&text, |f| {
            let _ = no_panic("formula::parse", || sovcost::formula::parse(&f))?;
            Ok(())
        })
        .unwrap();
}

fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

#[test]
fn analysis_files_never_panic() {
    let dir = temp_dir("spec");
    let path = dir.join("a.toml");
    let files: Vec<Vec<u8>> = std::fs::read_dir(repo("analyses"))
        .unwrap()
        .map(|e| std::fs::read(e.unwrap().path()).unwrap())
        .collect();
    let text = prop::sample::select(files).prop_flat_map(mutated);
    runner()
        .run(&text, |bytes| {
            std::fs::write(&path, &bytes).unwrap();
            let _ = no_panic("analysis::read_spec", || {
                sovcost::analysis::read_spec(&path)
            })?;
            Ok(())
        })
        .unwrap();
}

/// A copy of the bundled dataset in a fresh directory.
fn dataset_copy(name: &str) -> PathBuf {
    let dir = temp_dir(name);
    for e in std::fs::read_dir(repo("datasets")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), dir.join(e.file_name())).unwrap();
    }
    dir
}

#[test]
fn dataset_files_never_panic() {
    let dir = dataset_copy("dataset");
    let names = [
        "treaties.csv",
        "actions.csv",
        "status.csv",
        "provisions.csv",
        "sources.csv",
    ];
    let originals: Vec<Vec<u8>> = names
        .iter()
        .map(|n| std::fs::read(dir.join(n)).unwrap())
        .collect();
    // Mutations near the start of a file, where the header and first rows are.
    let strategy = (0..names.len()).prop_flat_map(move |k| {
        let head: Vec<u8> = originals[k].iter().take(600).copied().collect();
        let tail: Vec<u8> = originals[k][head.len()..].to_vec();
        (Just(k), mutated(head), Just(tail))
    });
    runner()
        .run(&strategy, |(k, head, tail)| {
            let file = dir.join(names[k]);
            let original = std::fs::read(&file).unwrap();
            std::fs::write(&file, [head, tail].concat()).unwrap();
            let result = no_panic("Dataset::read", || {
                if let Ok(d) = sovcost::dataset::Dataset::read(&dir) {
                    let _ = d.validate();
                }
            });
            std::fs::write(&file, original).unwrap();
            result
        })
        .unwrap();
}

/// The instrument file of README's "Extending the dataset".
fn instrument_example() -> Vec<u8> {
    let readme = std::fs::read_to_string(repo("README.md")).unwrap();
    let start = readme
        .find("```toml\n# new_instrument.toml")
        .expect("the example")
        + 8;
    let end = start + readme[start..].find("```").unwrap();
    readme.as_bytes()[start..end].to_vec()
}

#[test]
fn instrument_files_never_panic() {
    let dir = dataset_copy("treaty");
    let toml = dir.join("new.toml");
    let text = prop_oneof![
        4 => mutated(instrument_example()),
        1 => prop::collection::vec(any::<u8>(), 0..100),
    ];
    runner()
        .run(&text, |bytes| {
            std::fs::write(&toml, &bytes).unwrap();
            let _ = no_panic("treaty add", || sovcost::app::treaty_add(&dir, &toml))?;
            Ok(())
        })
        .unwrap();
}
