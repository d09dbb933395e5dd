//! `sovcost sources --bib`: the committed datasets/sources.bib is what the
//! command generates from datasets/sources.csv, byte for byte; hostile
//! citations give balanced braces and escaped LaTeX specials.

mod common;

use common::{repo_path, temp_dir};
use sovcost::bib::{escape, escape_url, sources_bib};
use sovcost::dataset::RawTable;

fn cli(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_sovcost"))
        .args(args)
        .current_dir(repo_path(""))
        .output()
        .unwrap()
}

/// Every `{` closes, counting as BibTeX does (a backslash does not hide a brace).
fn balanced(text: &str) -> bool {
    let mut depth = 0i64;
    for c in text.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            _ => {}
        }
        if depth < 0 {
            return false;
        }
    }
    depth == 0
}

fn table(rows: &[[&str; 4]]) -> RawTable {
    let header: Vec<String> = ["source_id", "citation", "url", "accessed"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let rows = rows
        .iter()
        .map(|r| {
            header
                .iter()
                .cloned()
                .zip(r.iter().map(|s| s.to_string()))
                .collect()
        })
        .collect();
    RawTable {
        file: "sources.csv".into(),
        header,
        rows,
    }
}

#[test]
fn committed_sources_bib_is_regenerated_byte_for_byte() {
    let out = cli(&["sources", "--bib", "--data-dir", "datasets"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let committed = std::fs::read(repo_path("datasets/sources.bib")).unwrap();
    assert!(
        out.stdout == committed,
        "datasets/sources.bib is stale: run sovcost sources --bib --out datasets/sources.bib"
    );
    let text = String::from_utf8(committed).unwrap();
    let csv = RawTable::read_file(&repo_path("datasets/sources.csv")).unwrap();
    assert_eq!(text.matches("\n@misc{").count() + 1, csv.rows.len());
    assert!(balanced(&text));
}

#[test]
fn out_writes_the_file_atomically_and_says_so() {
    let dir = temp_dir("bib-out");
    let path = dir.join("sources.bib");
    let p = path.to_str().unwrap();
    let out = cli(&["sources", "--bib", "--out", p]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("wrote "));
    let written = std::fs::read(&path).unwrap();
    assert_eq!(
        written,
        std::fs::read(repo_path("datasets/sources.bib")).unwrap()
    );
    let names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 1, "a temporary file was left: {names:?}");
}

#[test]
fn hostile_citation_gives_balanced_braces() {
    let hostile = r"Evil } {{ title 100% \end{document} & #1 _x $y$ ~a ^b \";
    let bib = sources_bib(&table(&[[
        "evil",
        hostile,
        "https://example.org/a}b{c\\d e%20f",
        "2026-01-01",
    ]]))
    .unwrap();
    assert!(balanced(&bib), "{bib}");
    assert!(bib.starts_with("@misc{evil,\n"));
    assert!(bib.contains(r"100\% \textbackslash{}end\textbraceleft{}document\textbraceright{}"));
    assert!(bib.contains(r"\& \#1 \_x \$y\$ \textasciitilde{}a \textasciicircum{}b"));
    assert!(bib.contains("url = {https://example.org/a%7Db%7Bc%5Cd%20e%20f},"));
    assert!(bib.contains("urldate = {2026-01-01},"));
    // No unescaped special is left in the title.
    let title = bib.lines().find(|l| l.contains("title")).unwrap();
    let stripped = title
        .replace("\\textbackslash{}", "")
        .replace("\\textbraceleft{}", "")
        .replace("\\textbraceright{}", "")
        .replace("\\textasciitilde{}", "")
        .replace("\\textasciicircum{}", "");
    for c in ['%', '&', '#', '_', '$'] {
        for (i, _) in stripped.match_indices(c) {
            assert_eq!(&stripped[i - 1..i], "\\", "unescaped {c} in {title}");
        }
    }
    assert!(!stripped.contains('~') && !stripped.contains('^'));
}

#[test]
fn empty_cells_give_no_field_and_bad_keys_are_refused() {
    let bib = sources_bib(&table(&[["plain", "A title", "", ""]])).unwrap();
    assert_eq!(bib, "@misc{plain,\n  title = {{A title}},\n}\n");
    for key in ["", "has space", "comma,key", "brace{"] {
        let err = sources_bib(&table(&[[key, "t", "", ""]])).unwrap_err();
        assert!(err.to_string().contains("BibTeX key"), "{err}");
    }
    let twice = sources_bib(&table(&[["a", "t", "", ""], ["a", "u", "", ""]])).unwrap_err();
    assert!(twice.to_string().contains("appears twice"));
}

#[test]
fn escape_functions() {
    assert_eq!(escape("a\nb"), "a b");
    assert_eq!(escape("é ü 中"), "é ü 中");
    assert_eq!(
        escape_url("https://x.org/a_b?c=1&d=%41"),
        "https://x.org/a_b?c=1&d=%41"
    );
}
