//! `sovcost export` writes beside the panels a data dictionary
//! (`dictionary.csv`) that covers every column of every panel, with types and
//! allowed values the exported data obey, and `export.json` recording the
//! options that produced them and the dataset's hash.

mod common;

use common::{repo_path, temp_dir};
use sovcost::dataset::RawTable;
use std::path::Path;

fn export(out: &Path, extra: &[&str]) {
    let data = repo_path("datasets").display().to_string();
    let mut args = vec![
        "export",
        "--data-dir",
        &data,
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_sovcost"))
        .args(&args)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        stdout.contains("dictionary.csv") && stdout.contains("export.json"),
        "{stdout}"
    );
}

/// Whether a value obeys a dictionary entry's type and allowed values.
fn obeys(value: &str, kind: &str, allowed: &str) -> bool {
    if value == "NA" {
        return allowed.contains("NA");
    }
    let type_ok = match kind {
        "integer" => value.parse::<i64>().is_ok(),
        "number" => value.parse::<f64>().is_ok_and(f64::is_finite),
        "string" => true,
        _ => false,
    };
    let listed: Vec<&str> = allowed.split(" | ").collect();
    let enumerated = listed.len() > 1 && listed.iter().all(|v| !v.contains(' '));
    type_ok && (!enumerated || listed.contains(&value))
}

#[test]
fn dictionary_covers_every_panel_column_and_the_data_obey_it() {
    let out = temp_dir("dictionary").join("export");
    export(&out, &[]);
    let dict = RawTable::read_file(&out.join("dictionary.csv")).unwrap();
    assert_eq!(
        dict.header,
        ["file", "column", "type", "meaning", "allowed_values"]
    );
    for file in [
        "treaty_panel.csv",
        "provision_panel.csv",
        "treaty_year_panel.csv",
        "state_panel.csv",
        "state_year_panel.csv",
    ] {
        let panel = RawTable::read_file(&out.join(file)).unwrap();
        let entries: Vec<_> = dict.rows.iter().filter(|r| r["file"] == file).collect();
        let columns: Vec<&str> = entries.iter().map(|r| r["column"].as_str()).collect();
        assert_eq!(columns, panel.header, "{file}: dictionary columns differ");
        for e in &entries {
            assert!(
                !e["meaning"].is_empty(),
                "{file}.{}: no meaning",
                e["column"]
            );
            for (i, row) in panel.rows.iter().enumerate() {
                let v = panel.get(row, &e["column"]);
                assert!(
                    obeys(v, &e["type"], &e["allowed_values"]),
                    "{file} row {}: {}={v:?} is not {} ({})",
                    i + 2,
                    e["column"],
                    e["type"],
                    e["allowed_values"]
                );
            }
        }
    }
}

#[test]
fn export_json_records_the_options_and_the_dataset_hash() {
    let root = temp_dir("export-json");
    let default = root.join("default");
    export(&default, &[]);
    let read = |dir: &Path| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(dir.join("export.json")).unwrap()).unwrap()
    };
    let m = read(&default);
    assert_eq!(m["cutoff"], "2025-12-31");
    assert_eq!(m["include_unverified"], false);
    assert_eq!(m["format"], "csv");
    assert_eq!(m["sovcost_version"], env!("CARGO_PKG_VERSION"));
    let results: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(repo_path("reports/results.json")).unwrap())
            .unwrap();
    assert_eq!(m["dataset_sha256"], results["dataset_sha256"]);
    let files = m["files"].as_array().unwrap();
    assert_eq!(files.len(), 5);
    let treaty = RawTable::read_file(&default.join("treaty_panel.csv")).unwrap();
    assert_eq!(files[0]["file"], "treaty_panel.csv");
    assert_eq!(files[0]["rows"], treaty.rows.len());

    let other = root.join("other");
    export(
        &other,
        &[
            "--cutoff",
            "2000-12-31",
            "--include-unverified",
            "--format",
            "json",
        ],
    );
    let m = read(&other);
    assert_eq!(m["cutoff"], "2000-12-31");
    assert_eq!(m["include_unverified"], true);
    assert_eq!(m["format"], "json");
    assert_eq!(m["files"][1]["file"], "provision_panel.json");
    assert!(other.join("dictionary.csv").exists());
}

/// `datapackage.json` (Frictionless tabular data package): one resource per
/// exported file, every column a field, and the data obey the fields' types,
/// enumerations and ranges; the options are recorded.
#[test]
fn the_data_package_describes_every_exported_file_and_the_data_obey_it() {
    let out = temp_dir("datapackage");
    export(&out, &["--cutoff", "2010-12-31"]);
    let text = std::fs::read_to_string(out.join("datapackage.json")).unwrap();
    let pkg: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(pkg["profile"], "tabular-data-package");
    assert_eq!(pkg["sovcost"]["cutoff"], "2010-12-31");
    assert_eq!(pkg["sovcost"]["include_unverified"], false);
    let resources = pkg["resources"].as_array().unwrap();
    assert!(resources.len() >= 3);
    for r in resources {
        let path = r["path"].as_str().unwrap();
        assert_eq!(r["profile"], "tabular-data-resource");
        let table = RawTable::read_file(&out.join(path)).unwrap();
        let fields = r["schema"]["fields"].as_array().unwrap();
        let names: Vec<&str> = fields.iter().map(|f| f["name"].as_str().unwrap()).collect();
        assert_eq!(
            names,
            table.header.iter().map(String::as_str).collect::<Vec<_>>(),
            "{path}"
        );
        for f in fields {
            let name = f["name"].as_str().unwrap();
            let kind = f["type"].as_str().unwrap();
            assert!(!f["description"].as_str().unwrap().is_empty());
            for row in &table.rows {
                let v = table.get(row, name);
                if v == "NA" {
                    continue;
                }
                let x = v.parse::<f64>();
                match kind {
                    "integer" => assert!(
                        v.parse::<i64>().is_ok(),
                        "{path}.{name}: {v} is not an integer"
                    ),
                    "number" => assert!(x.is_ok(), "{path}.{name}: {v} is not a number"),
                    _ => {}
                }
                let c = &f["constraints"];
                if let Some(values) = c["enum"].as_array() {
                    let ok = values.iter().any(|e| match e {
                        serde_json::Value::String(s) => s == v,
                        n => n.as_f64() == x.as_ref().ok().copied(),
                    });
                    assert!(ok, "{path}.{name}: {v} is not among {values:?}");
                }
                if let (Some(lo), Ok(x)) = (c["minimum"].as_f64(), &x) {
                    assert!(
                        *x >= lo && *x <= c["maximum"].as_f64().unwrap(),
                        "{path}.{name}: {v}"
                    );
                }
            }
        }
    }
}
