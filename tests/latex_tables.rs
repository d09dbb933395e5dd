//! Every LaTeX table the reports write compiles with pdflatex inside a
//! journal-width document (`\textwidth` 6.5 in) with no overfull box, and its
//! caption is in words. Skipped, with a message, where pdflatex is absent,
//! unless `SOVCOST_REQUIRE_TEX=1` (CI sets it and installs TeX).

use std::path::Path;
use std::process::Command;

mod common;

fn pdflatex_available() -> bool {
    Command::new("pdflatex")
        .arg("--version")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

fn document(table: &Path) -> String {
    format!(
        "\\documentclass[10pt]{{article}}\n\\usepackage[textwidth=6.5in,textheight=9in]{{geometry}}\n\\usepackage[T1]{{fontenc}}\n{}\\begin{{document}}\n\\input{{{}}}\n\\end{{document}}\n",
        sovcost::report::latex::PREAMBLE,
        table.display()
    )
}

#[test]
fn every_table_compiles_at_journal_width_without_overfull_boxes() {
    if !pdflatex_available() {
        assert!(
            std::env::var("SOVCOST_REQUIRE_TEX").as_deref() != Ok("1"),
            "SOVCOST_REQUIRE_TEX=1 but pdflatex is not installed"
        );
        eprintln!("SKIPPED: pdflatex is not installed (Debian: texlive-latex-base texlive-latex-recommended texlive-science)");
        return;
    }
    let dir = common::temp_dir("latex-tables");
    let out = dir.join("reports");
    let status = Command::new(env!("CARGO_BIN_EXE_sovcost"))
        .current_dir(common::repo_path(""))
        .args(["run", "--out"])
        .arg(&out)
        .output()
        .expect("run sovcost");
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let mut tables: Vec<_> = std::fs::read_dir(out.join("tables"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    tables.sort();
    assert!(
        tables.len() >= 10,
        "expected the report's tables, found {}",
        tables.len()
    );
    let mut failures = Vec::new();
    for (k, t) in tables.iter().enumerate() {
        let tex = std::fs::read_to_string(t).unwrap();
        let caption = tex
            .lines()
            .find_map(|l| l.strip_prefix("\\caption{"))
            .unwrap_or_else(|| panic!("{} has no caption", t.display()));
        if caption.contains("\\_") || caption.contains("textasciitilde") {
            failures.push(format!(
                "{}: caption has an internal name: {caption}",
                t.display()
            ));
        }
        let job = format!("t{k}");
        std::fs::write(dir.join(format!("{job}.tex")), document(t)).unwrap();
        let run = Command::new("pdflatex")
            .current_dir(&dir)
            .args([
                "-interaction=nonstopmode",
                "-halt-on-error",
                &format!("{job}.tex"),
            ])
            .output()
            .expect("run pdflatex");
        let log = std::fs::read_to_string(dir.join(format!("{job}.log"))).unwrap_or_default();
        if !run.status.success() {
            let err: String = log
                .lines()
                .skip_while(|l| !l.starts_with('!'))
                .take(6)
                .collect::<Vec<_>>()
                .join("\n");
            failures.push(format!("{}: pdflatex failed:\n{err}", t.display()));
        }
        for l in log.lines().filter(|l| {
            l.starts_with("Overfull") || l.starts_with("Underfull \\hbox (badness 10000)")
        }) {
            failures.push(format!("{}: {l}", t.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
