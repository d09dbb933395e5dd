//! `sovcost treaty add`: an instrument from a TOML file, merged, validated
//! and written atomically.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::dataset::{csv_text, Dataset, RawTable, Row};
use crate::error::{Error, Location, Result};

/// The TOML file read by `sovcost treaty add`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewInstrument {
    pub treaty: BTreeMap<String, toml::Value>,
    #[serde(default)]
    pub actions: Vec<BTreeMap<String, toml::Value>>,
    #[serde(default)]
    pub provisions: Vec<BTreeMap<String, toml::Value>>,
    #[serde(default)]
    pub sources: Vec<BTreeMap<String, toml::Value>>,
    /// `[[status]]`: each state's participation status (state defaults to CHN).
    #[serde(default)]
    pub status: Vec<BTreeMap<String, toml::Value>>,
}

fn value_text(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => s.clone(),
        toml::Value::Integer(i) => i.to_string(),
        toml::Value::Float(f) => f.to_string(),
        toml::Value::Boolean(b) => if *b { "yes" } else { "no" }.to_string(),
        toml::Value::Array(a) => a.iter().map(value_text).collect::<Vec<_>>().join(";"),
        toml::Value::Datetime(d) => d.to_string(),
        toml::Value::Table(_) => String::new(),
    }
}

fn to_row(
    table: &RawTable,
    fields: &BTreeMap<String, toml::Value>,
    file: &Path,
    section: &str,
) -> Result<Row> {
    let mut row = Row::new();
    for (k, v) in fields {
        if !table.header.iter().any(|h| h == k) {
            return Err(Error::input(
                Location::file(file).column(format!("{section}.{k}")),
                format!(
                    "unknown key (the columns of {} are: {})",
                    table.file,
                    table.header.join(", ")
                ),
            ));
        }
        row.insert(k.clone(), value_text(v));
    }
    for h in &table.header {
        row.entry(h.clone()).or_default();
    }
    Ok(row)
}

/// Adds an instrument (with its actions, provisions and sources) to the
/// dataset in `dir`. The merged dataset is validated first; only a dataset
/// with no problem is written, each file through a temporary file renamed into
/// place. Returns the new treaty id and the counts added.
pub fn add_instrument(dir: &Path, toml_path: &Path) -> Result<(String, usize, usize, usize)> {
    let text = std::fs::read_to_string(toml_path)
        .map_err(|e| Error::input(Location::file(toml_path), format!("cannot read file: {e}")))?;
    let new: NewInstrument = toml::from_str(&text).map_err(|e| {
        Error::input(
            Location::file(toml_path),
            format!("not a valid instrument file: {e}"),
        )
    })?;
    let mut data = Dataset::read(dir)?;
    let treaty = to_row(&data.treaties, &new.treaty, toml_path, "treaty")?;
    let id = treaty.get("treaty_id").cloned().unwrap_or_default();
    if id.is_empty() {
        return Err(Error::input(
            Location::file(toml_path).column("treaty.treaty_id"),
            "treaty_id is required",
        ));
    }
    data.treaties.rows.push(treaty);
    let (n, m, s) = merge(&mut data, &new, &id, toml_path)?;
    let problems = data.validate();
    if !problems.is_empty() {
        let list: Vec<String> = problems.iter().map(|p| format!("  {p}")).collect();
        return Err(Error::input(
            Location::file(toml_path),
            format!(
                "the instrument was not added: the dataset would have {} problem{}:\n{}",
                problems.len(),
                if problems.len() == 1 { "" } else { "s" },
                list.join("\n")
            ),
        ));
    }
    write_tables(&data)?;
    Ok((id, n, m, s))
}

/// Appends the instrument's actions, provisions, status rows and sources to
/// the dataset's tables (ids of actions and provisions numbered after those
/// already there). Returns the counts of actions, provisions and sources.
fn merge(
    data: &mut Dataset,
    new: &NewInstrument,
    id: &str,
    toml_path: &Path,
) -> Result<(usize, usize, usize)> {
    let mut n = 0;
    let existing = rows_of(&data.actions, id);
    for (k, a) in new.actions.iter().enumerate() {
        let mut row = to_row(&data.actions, a, toml_path, "actions")?;
        row.insert("treaty_id".into(), id.to_string());
        row.entry("state".into()).and_modify(|s| {
            if s.is_empty() {
                *s = "CHN".into()
            }
        });
        if row.get("action_id").is_none_or(|s| s.is_empty()) {
            row.insert("action_id".into(), format!("{id}-{:02}", existing + k + 1));
        }
        data.actions.rows.push(row);
        n += 1;
    }
    let mut m = 0;
    let existing = rows_of(&data.provisions, id);
    for (k, p) in new.provisions.iter().enumerate() {
        let mut row = to_row(&data.provisions, p, toml_path, "provisions")?;
        row.insert("treaty_id".into(), id.to_string());
        if row.get("provision_id").is_none_or(|s| s.is_empty()) {
            row.insert(
                "provision_id".into(),
                format!("{id}-p{:02}", existing + k + 1),
            );
        }
        data.provisions.rows.push(row);
        m += 1;
    }
    for st in &new.status {
        let mut row = to_row(&data.status, st, toml_path, "status")?;
        row.insert("treaty_id".into(), id.to_string());
        if row.get("state").is_none_or(|s| s.is_empty()) {
            row.insert("state".into(), "CHN".into());
        }
        data.status.rows.push(row);
    }
    let mut s = 0;
    for src in &new.sources {
        let mut row = to_row(&data.sources, src, toml_path, "sources")?;
        row.entry("accessed".into()).or_default();
        data.sources.rows.push(row);
        s += 1;
    }
    Ok((n, m, s))
}

/// Writes the dataset's five tables, each to a temporary file first, then
/// renames them all into place.
pub(crate) fn write_tables(data: &Dataset) -> Result<()> {
    // Write every file to a temporary name first, then rename them all.
    let mut staged = Vec::new();
    for table in [
        &data.treaties,
        &data.actions,
        &data.provisions,
        &data.sources,
        &data.status,
    ] {
        let path = PathBuf::from(&table.file);
        let tmp = path.with_extension(format!("csv.tmp-{}", std::process::id()));
        std::fs::write(&tmp, csv_text(&table.header, &table.rows)).map_err(|e| {
            for (t, _) in &staged {
                let _ = std::fs::remove_file(t);
            }
            Error::input(Location::file(&tmp), format!("cannot write: {e}"))
        })?;
        staged.push((tmp, path));
    }
    for (tmp, path) in &staged {
        std::fs::rename(tmp, path).map_err(|e| {
            Error::input(
                Location::file(path),
                format!("cannot replace the file: {e}"),
            )
        })?;
    }
    Ok(())
}

/// How many rows of a table belong to the instrument `id`.
fn rows_of(table: &RawTable, id: &str) -> usize {
    let of_id = |r: &&Row| r.get("treaty_id").map(String::as_str) == Some(id);
    table.rows.iter().filter(of_id).count()
}
