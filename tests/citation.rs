//! CITATION.cff and LICENSE agree with Cargo.toml: the version is the
//! crate's, the keys CFF 1.2.0 requires are present, and the licence is MIT.
//! The YAML is read by lines (top-level `key: value`), no YAML parser.

use std::path::Path;

fn read(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The value of a top-level key (no indentation), unquoted; None if absent.
fn top_level(cff: &str, key: &str) -> Option<String> {
    cff.lines().find_map(|line| {
        let rest = line.strip_prefix(key)?.strip_prefix(':')?;
        let value = rest.trim().trim_matches('"').trim_matches('\'');
        Some(value.to_string())
    })
}

#[test]
fn citation_version_is_the_crate_version() {
    let cff = read("CITATION.cff");
    assert_eq!(
        top_level(&cff, "version").as_deref(),
        Some(env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn citation_has_the_required_cff_keys() {
    let cff = read("CITATION.cff");
    assert_eq!(top_level(&cff, "cff-version").as_deref(), Some("1.2.0"));
    for key in ["message", "title"] {
        let value = top_level(&cff, key).unwrap_or_else(|| panic!("no {key}"));
        assert!(!value.is_empty(), "{key} is empty");
    }
    // `authors:` opens a list whose first line is an entry.
    assert_eq!(top_level(&cff, "authors").as_deref(), Some(""));
    let after = cff.split("\nauthors:\n").nth(1).expect("authors list");
    let first = after.lines().next().unwrap_or("").trim_start();
    assert!(first.starts_with("- name:") || first.starts_with("- family-names:"));
    assert_eq!(top_level(&cff, "license").as_deref(), Some("MIT"));
    assert_eq!(
        top_level(&cff, "license").as_deref(),
        Some(env!("CARGO_PKG_LICENSE"))
    );
}

#[test]
fn citation_cites_the_seed_paper() {
    let cff = read("CITATION.cff");
    assert!(cff.contains("Why Did China Reject the Rome Statute"));
    assert!(cff.contains("family-names: Tao"));
}

#[test]
fn license_names_mit() {
    let license = read("LICENSE");
    assert!(license.starts_with("MIT License"));
    assert!(license.contains("The sovcost developers"));
}
