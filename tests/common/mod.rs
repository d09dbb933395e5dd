//! Shared test helpers: reading the R reference files and comparing numbers.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub fn repo_path(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// Splits one CSV line with double-quoted fields.
pub fn split_csv_line(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    out.push(cur);
    out
}

/// Reference values keyed by (model, quantity, term).
pub struct Reference {
    pub values: BTreeMap<(String, String, String), f64>,
}

impl Reference {
    pub fn load(rel: &str) -> Reference {
        let text = std::fs::read_to_string(repo_path(rel)).expect("reference file");
        let mut values = BTreeMap::new();
        for line in text.lines().skip(1) {
            let f = split_csv_line(line);
            let v: f64 = f[3].parse().unwrap_or(f64::NAN);
            values.insert((f[0].clone(), f[1].clone(), f[2].clone()), v);
        }
        Reference { values }
    }
    pub fn get(&self, model: &str, quantity: &str, term: &str) -> f64 {
        *self
            .values
            .get(&(model.into(), quantity.into(), term.into()))
            .unwrap_or_else(|| panic!("no reference value {model}/{quantity}/{term}"))
    }
    pub fn try_get(&self, model: &str, quantity: &str, term: &str) -> Option<f64> {
        self.values
            .get(&(model.into(), quantity.into(), term.into()))
            .copied()
    }
    /// Terms with a value of this quantity, in file order is not kept: sorted.
    pub fn terms(&self, model: &str, quantity: &str) -> Vec<String> {
        self.values
            .keys()
            .filter(|(m, q, _)| m == model && q == quantity)
            .map(|(_, _, t)| t.clone())
            .collect()
    }
}

/// Relative agreement, with an absolute floor for values near zero.
pub fn assert_close(got: f64, want: f64, rel: f64, what: &str) {
    let tol = rel * want.abs().max(1e-8);
    assert!(
        (got - want).abs() <= tol,
        "{what}: got {got:.17e}, R gives {want:.17e} (relative difference {:.3e}, tolerance {rel:e})",
        (got - want).abs() / want.abs().max(1e-300)
    );
}

/// sovcost's coefficient name in R's spelling: `education[6-11yrs]` is
/// `education6-11yrs` in R.
pub fn r_name(term: &str) -> String {
    term.split(':')
        .map(|part| match part.find('[') {
            Some(k) if part.ends_with(']') => {
                format!("{}{}", &part[..k], &part[k + 1..part.len() - 1])
            }
            _ => part.to_string(),
        })
        .collect::<Vec<_>>()
        .join(":")
}

/// A formula term label in R's drop1 spelling (`C(education)` is `education`).
pub fn r_term_label(label: &str) -> String {
    label
        .split(':')
        .map(|part| {
            if let Some(inner) = part.strip_prefix("C(") {
                inner
                    .trim_end_matches(')')
                    .split(',')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_string()
            } else {
                part.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(":")
}

/// A fresh empty directory for one test.
pub fn temp_dir(name: &str) -> PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let k = COUNTER.fetch_add(1, Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!("sovcost-test-{}-{name}-{k}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs the sovcost binary in `dir`; returns (exit code, stdout, stderr).
pub fn sovcost(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_sovcost"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run sovcost");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

/// Every file under `dir` (hidden ones too), by path relative to it.
pub fn files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.insert(
                    p.strip_prefix(dir).unwrap().to_path_buf(),
                    std::fs::read(&p).unwrap(),
                );
            }
        }
    }
    out
}

/// A temporary copy of the bundled datasets and analyses: returns the root
/// (holding `datasets/` and `analyses/`) and its dataset directory.
pub fn copy_inputs(name: &str) -> (PathBuf, PathBuf) {
    let root = temp_dir(name);
    let data = root.join("datasets");
    let analyses = root.join("analyses");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::create_dir_all(&analyses).unwrap();
    for e in std::fs::read_dir(repo_path("datasets")).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, data.join(p.file_name().unwrap())).unwrap();
    }
    for e in std::fs::read_dir(repo_path("analyses")).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, analyses.join(p.file_name().unwrap())).unwrap();
    }
    (root, data)
}

/// The bundled dataset.
pub fn bundled_dataset() -> sovcost::dataset::Dataset {
    sovcost::dataset::Dataset::read(&repo_path("datasets")).unwrap()
}

/// A state's status in an instrument (`None` without a status row).
pub fn status_in(d: &sovcost::dataset::Dataset, state: &str, treaty: &str) -> Option<String> {
    d.status
        .rows
        .iter()
        .find(|r| r["state"] == state && r["treaty_id"] == treaty)
        .map(|r| r["status"].clone())
}

/// The dates of a state's acts of one kind in an instrument, sorted.
pub fn act_dates(
    d: &sovcost::dataset::Dataset,
    state: &str,
    treaty: &str,
    action: &str,
) -> Vec<String> {
    let mut v: Vec<String> = d
        .actions
        .rows
        .iter()
        .filter(|r| r["state"] == state && r["treaty_id"] == treaty && r["action"] == action)
        .map(|r| r["date"].clone())
        .collect();
    v.sort();
    v
}
