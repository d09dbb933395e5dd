//! `sovcost dataset import-untc` on made-up UNTC participant tables
//! (tests/data/untc/), run through the real binary on a copy of the dataset.

mod common;
use common::{repo_path, sovcost, temp_dir};
use sovcost::dataset::{csv_text, Dataset};
use std::path::{Path, PathBuf};

const FILES: &[&str] = &[
    "treaties.csv",
    "actions.csv",
    "provisions.csv",
    "sources.csv",
    "status.csv",
];

/// A copy of the dataset with China's and the peers' rows only: the
/// made-up tables name states (Chile, Côte d'Ivoire, ...) whose real rows
/// the bundled data hold, and the import must meet them as new facts.
fn copy_dataset(name: &str) -> PathBuf {
    let dir = temp_dir(name).join("datasets");
    std::fs::create_dir_all(&dir).unwrap();
    for f in FILES {
        std::fs::copy(repo_path("datasets").join(f), dir.join(f)).unwrap();
    }
    let mut d = Dataset::read(&dir).unwrap();
    for t in [&mut d.status, &mut d.actions] {
        t.rows
            .retain(|r| sovcost::state_panel::in_peer_group(&r["state"]));
        std::fs::write(&t.file, csv_text(&t.header, &t.rows)).unwrap();
    }
    dir
}

fn snapshot(dir: &Path) -> Vec<Vec<u8>> {
    FILES
        .iter()
        .map(|f| std::fs::read(dir.join(f)).unwrap())
        .collect()
}

fn fixture(name: &str) -> String {
    repo_path("tests/data/untc")
        .join(name)
        .display()
        .to_string()
}

fn import(dir: &Path, file: &str, extra: &[&str]) -> (i32, String, String) {
    let mut args = vec![
        "dataset",
        "import-untc",
        "--treaty",
        "cped",
        "--source",
        "untc2026-cped",
        "--as-of",
        "2026-02-03",
        "--data-dir",
        dir.to_str().unwrap(),
        "--file",
    ];
    let f = fixture(file);
    args.push(&f);
    args.extend_from_slice(extra);
    sovcost(dir.parent().unwrap(), &args)
}

fn status_of(d: &Dataset, state: &str) -> Option<(String, String)> {
    d.status
        .rows
        .iter()
        .find(|r| r["state"] == state && r["treaty_id"] == "cped")
        .map(|r| (r["status"].clone(), r["as_of"].clone()))
}

fn acts_of(d: &Dataset, state: &str) -> Vec<(String, String, String)> {
    d.actions
        .rows
        .iter()
        .filter(|r| r["state"] == state && r["treaty_id"] == "cped")
        .map(|r| (r["action"].clone(), r["date"].clone(), r["actor"].clone()))
        .collect()
}

#[test]
fn a_participant_table_becomes_status_and_action_rows() {
    let dir = copy_dataset("import-ok");
    let (code, out, err) = import(&dir, "participants.csv", &[]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("4 status rows, 5 action rows"), "{out}");
    let d = Dataset::read(&dir).unwrap();
    assert!(d.validate().is_empty());
    let s = |a: &str, d: &str, who: &str| (a.to_string(), d.to_string(), who.to_string());
    assert_eq!(
        status_of(&d, "CHL"),
        Some(("party".into(), "2026-02-03".into()))
    );
    assert_eq!(
        acts_of(&d, "CHL"),
        [
            s("signature", "2007-02-06", "CHL"),
            s("ratification", "2009-12-08", "CHL")
        ]
    );
    assert_eq!(acts_of(&d, "CIV"), [s("accession", "2021-12-01", "CIV")]);
    assert_eq!(acts_of(&d, "MNE"), [s("succession", "2011-09-20", "MNE")]);
    assert_eq!(status_of(&d, "NOR").unwrap().0, "signatory");
    // The same table again changes nothing; --states limits the import, and
    // a state named but absent from the (complete) list gets status none.
    let before = snapshot(&dir);
    let (code, _, err) = import(&dir, "participants.csv", &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(snapshot(&dir), before);
    let (code, out, err) = import(&dir, "participants.csv", &["--states", "NOR,ISL"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("1 status row, 0 action rows"), "{out}");
    let d = Dataset::read(&dir).unwrap();
    assert_eq!(status_of(&d, "ISL").unwrap().0, "none");
}

#[test]
fn bad_tables_are_refused_and_leave_every_file_byte_identical() {
    let dir = copy_dataset("import-bad");
    let before = snapshot(&dir);
    let (code, out, err) = import(&dir, "bad_name.csv", &[]);
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty());
    assert!(
        err.contains("unknown participant names: 'Atlantis' (line 3), 'Freedonia' (line 5)"),
        "{err}"
    );
    assert!(err.contains("bad_name.csv"), "{err}");
    let (code, _, err) = import(&dir, "bad_date.csv", &[]);
    assert_eq!(code, 2);
    for needle in [
        "line 2, column 'Signature': '31 Feb 2007'",
        "line 3, column 'Signature': '21 Dcm 2007' is not a UNTC date",
        "line 4, column 'Ratification, Accession(a), Succession(d)': 'q' is not a UNTC code",
    ] {
        assert!(err.contains(needle), "{needle}: {err}");
    }
    // A conflict with a fact already in the dataset (Türkiye's status in
    // CPED, read on another source).
    let (code, _, err) = import(&dir, "conflict.csv", &[]);
    assert_eq!(code, 2);
    assert!(
        err.contains("TUR in 'cped': the dataset has status 'none'"),
        "{err}"
    );
    let (code, _, err) = import(&dir, "conflict.csv", &["--replace"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("not replaced: the existing rows cite other sources"),
        "{err}"
    );
    // Bad arguments.
    let (code, _, err) = import(&dir, "participants.csv", &["--states", "XXX"]);
    assert_eq!(code, 2);
    assert!(err.contains("--states"), "{err}");
    let (code, _, err) = sovcost(
        dir.parent().unwrap(),
        &[
            "dataset",
            "import-untc",
            "--treaty",
            "no_such",
            "--source",
            "untc2026-cped",
            "--data-dir",
            dir.to_str().unwrap(),
            "--file",
            &fixture("participants.csv"),
        ],
    );
    assert_eq!(code, 2);
    assert!(err.contains("'no_such' is not a treaty_id"), "{err}");
    let (code, _, err) = import(&dir, "no_such_file.csv", &[]);
    assert_eq!(code, 2, "{err}");
    assert_eq!(
        snapshot(&dir),
        before,
        "a failed import changed a dataset file"
    );
}

#[test]
fn replace_changes_only_rows_of_the_same_source() {
    let dir = copy_dataset("import-replace");
    assert_eq!(import(&dir, "participants.csv", &[]).0, 0);
    let before = snapshot(&dir);
    let (code, _, err) = import(&dir, "participants_corrected.csv", &[]);
    assert_eq!(code, 2);
    assert!(
        err.contains("CHL in 'cped'") && err.contains("--replace"),
        "{err}"
    );
    assert_eq!(snapshot(&dir), before);
    let (code, _, err) = import(&dir, "participants_corrected.csv", &["--replace"]);
    assert_eq!(code, 0, "{err}");
    let d = Dataset::read(&dir).unwrap();
    assert!(acts_of(&d, "CHL").iter().any(|a| a.1 == "2009-12-09"));
    assert!(!acts_of(&d, "CHL").iter().any(|a| a.1 == "2009-12-08"));
    assert!(d.validate().is_empty());
}
