//! `sovcost run` never deletes or overwrites a file it did not write: a
//! user's files in the report directory survive every run (and a run killed
//! at any moment); a directory that is not a report directory (the analyses,
//! the dataset, the repository root, a file) is refused; a partial run leaves
//! the full reports alone; a directory without analyses is an error.

mod common;

use common::{copy_inputs, files, sovcost};
use std::path::Path;

const MANIFEST: &str = ".sovcost-manifest";

fn listed(out: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(out.join(MANIFEST)).expect("a manifest");
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .map(String::from)
        .collect()
}

fn put(path: &Path, bytes: &[u8]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

/// The user's own files dropped into a report directory.
const USER_FILES: [(&str, &[u8]); 3] = [
    ("draft.docx", b"my draft paper"),
    ("figures/my_edit.png", b"my edited figure"),
    ("notes/todo.txt", b"reply to reviewer 2"),
];

fn assert_user_files(out: &Path, when: &str) {
    for (rel, bytes) in USER_FILES {
        let got = std::fs::read(out.join(rel)).unwrap_or_default();
        assert_eq!(
            got, bytes,
            "{when}: the user's {rel} was removed or changed"
        );
    }
}

#[test]
fn a_run_keeps_the_users_files_and_replaces_only_its_own() {
    let (root, _) = copy_inputs("keep");
    let (code, _, err) = sovcost(&root, &["run"]);
    assert_eq!(code, 0, "{err}");
    let out = root.join("reports");
    let reports = files(&out);
    for (rel, bytes) in USER_FILES {
        put(&out.join(rel), bytes);
    }
    let (code, _, err) = sovcost(&root, &["run", "--seed", "7"]);
    assert_eq!(code, 0, "{err}");
    assert_user_files(&out, "after a second run");
    // The manifest lists what the run wrote, and nothing of the user's.
    let mine = listed(&out);
    let expected: Vec<String> = reports
        .keys()
        .map(|p| p.to_string_lossy().to_string())
        .filter(|p| p != MANIFEST)
        .collect();
    assert_eq!(mine, expected);
    let json = std::fs::read_to_string(out.join("results.json")).unwrap();
    assert!(
        json.contains("\"seed\": 7"),
        "the reports were not replaced"
    );
    // A file of the user's where this run would write is refused, not overwritten.
    std::fs::write(out.join(MANIFEST), "# edited\nresults.json\n").unwrap();
    let before = files(&out);
    let (code, _, err) = sovcost(&root, &["run", "h3_opt_outs", "--out", "reports"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("is not a file sovcost wrote"), "{err}");
    assert_eq!(before, files(&out), "a refused run changed the directory");
}

#[test]
fn a_run_refuses_directories_that_are_not_report_directories() {
    let (root, _) = copy_inputs("refuse");
    std::fs::write(root.join("README.md"), "my notes\n").unwrap();
    let before = files(&root);
    for out in ["analyses", ".", "datasets", "README.md", "./analyses/"] {
        let (code, stdout, err) = sovcost(&root, &["run", "--out", out]);
        assert_eq!(code, 2, "--out {out}: {stdout} {err}");
        assert!(
            err.contains("refusing to write the reports"),
            "--out {out}: {err}"
        );
        assert!(err.contains("--out"), "--out {out}: {err}");
        assert!(!err.contains("panicked"), "{err}");
        assert_eq!(before, files(&root), "--out {out} changed the inputs");
    }
    let (code, stdout, err) = sovcost(&root, &["list"]);
    assert_eq!(code, 0, "{err}");
    assert!(stdout.contains("h1_cost_gradient"), "{stdout}");
}

#[test]
fn a_partial_run_leaves_the_full_reports_alone() {
    let (root, _) = copy_inputs("partial");
    let (code, _, err) = sovcost(&root, &["run"]);
    assert_eq!(code, 0, "{err}");
    let full = files(&root.join("reports"));
    let (code, stdout, err) = sovcost(&root, &["run", "h3_opt_outs"]);
    assert_eq!(code, 0, "{err}");
    assert!(stdout.contains("reports-partial"), "{stdout}");
    assert_eq!(
        full,
        files(&root.join("reports")),
        "a partial run changed reports/"
    );
    let partial = files(&root.join("reports-partial"));
    assert!(partial.contains_key(Path::new("tables/h3_opt_outs_models.tex")));
    assert!(!partial.contains_key(Path::new("tables/h1_cost_gradient_models.tex")));
    // Reports written before the manifest existed (a directory holding only
    // sovcost's report names) are a report directory; with a file of the
    // user's in it, there is no telling what sovcost wrote: refused.
    let dir = root.join("reports-partial");
    std::fs::remove_file(dir.join(MANIFEST)).unwrap();
    let (code, _, err) = sovcost(&root, &["run", "h3_opt_outs"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        partial,
        files(&dir),
        "the manifest was not rewritten as it was"
    );
    std::fs::remove_file(dir.join(MANIFEST)).unwrap();
    put(&dir.join("draft.docx"), b"mine");
    let before = files(&dir);
    let (code, _, err) = sovcost(&root, &["run", "h3_opt_outs"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("not a sovcost report directory") && err.contains("draft.docx"),
        "{err}"
    );
    assert_eq!(before, files(&dir));
    let (code, stdout, _) = sovcost(&root, &["run", "--help"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("reports-partial"), "{stdout}");
}

#[test]
fn list_and_run_refuse_a_directory_without_analyses() {
    let (root, _) = copy_inputs("noanalyses");
    std::fs::create_dir_all(root.join("empty")).unwrap();
    for args in [
        &["list", "--analyses-dir", "empty"][..],
        &["run", "--analyses-dir", "empty", "--out", "fresh"][..],
    ] {
        let (code, stdout, err) = sovcost(&root, args);
        assert_eq!(code, 2, "{args:?}: {stdout} {err}");
        assert!(err.contains("empty"), "{args:?}: {err}");
        assert!(err.contains("no analysis files"), "{args:?}: {err}");
        assert!(stdout.is_empty(), "{args:?}: {stdout}");
    }
    assert!(!root.join("fresh").exists(), "a refused run wrote reports");
}

#[test]
fn a_killed_run_leaves_the_previous_reports_intact() {
    let (root, _) = copy_inputs("kill");
    let out = root.join("reports");
    let (code, _, err) = sovcost(&root, &["run"]);
    assert_eq!(code, 0, "{err}");
    for (rel, bytes) in USER_FILES {
        put(&out.join(rel), bytes);
    }
    let mut before = files(&out);
    let mut killed = 0;
    for (k, delay) in [20u64, 80, 200, 350, 500, 700, 1000]
        .into_iter()
        .enumerate()
    {
        // Each run has its own seed, so its reports differ from the ones before.
        let seed = (1000 + k).to_string();
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_sovcost"))
            .args(["run", "--seed", &seed])
            .current_dir(&root)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay));
        let finished = child.try_wait().unwrap().is_some();
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let after = files(&out);
        assert_user_files(&out, &format!("killed after {delay} ms"));
        if finished {
            assert_eq!(
                before.keys().collect::<Vec<_>>(),
                after.keys().collect::<Vec<_>>()
            );
            before = after;
        } else {
            killed += 1;
            for (rel, bytes) in &before {
                assert!(
                    after.get(rel) == Some(bytes),
                    "killed after {delay} ms: {} is missing or changed",
                    rel.display()
                );
            }
            assert_eq!(
                before.len(),
                after.len(),
                "killed after {delay} ms: files added"
            );
        }
    }
    assert!(killed > 0, "every run finished before it could be killed");
    // A run that completes replaces the reports, keeps the user's files and
    // removes the stages the killed runs left beside the directory.
    let (code, _, err) = sovcost(&root, &["run"]);
    assert_eq!(code, 0, "{err}");
    assert_user_files(&out, "after a completed run");
    let stages: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains("sovcost-stage"))
        .collect();
    assert!(stages.is_empty(), "stale stages left: {stages:?}");
}
