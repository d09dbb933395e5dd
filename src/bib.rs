//! BibTeX of the dataset's sources (`sovcost sources --bib`), generated from
//! `sources.csv` so that `datasets/sources.bib` cannot drift from it.
//!
//! One `@misc` entry per row, in the CSV's order, keyed by `source_id`:
//! `title` from `citation` (double-braced so styles keep its case), `url`,
//! `note` from `document_symbol` ("UN document symbol: ..."), `urldate` from
//! `accessed`; empty cells give no field. `@misc` is read by BibTeX and
//! biblatex alike (biblatex also reads `url` and `urldate`).
//!
//! Text fields are escaped for LaTeX: `\ { } % & # _ $ ~ ^` become
//! `\textbackslash{}`, `\textbraceleft{}`, `\textbraceright{}`, `\%`, `\&`,
//! `\#`, `\_`, `\$`, `\textasciitilde{}`, `\textasciicircum{}`, so every
//! field's braces balance. A URL is kept as a URL (biblatex and `\url` read
//! it verbatim): its braces, backslashes, spaces and control characters are
//! percent-encoded instead.

use std::fmt::Write;
use std::path::Path;

use crate::dataset::RawTable;
use crate::error::{Error, Location, Result};

/// Escapes text for a BibTeX field read as LaTeX.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\textbackslash{}"),
            '{' => out.push_str("\\textbraceleft{}"),
            '}' => out.push_str("\\textbraceright{}"),
            '~' => out.push_str("\\textasciitilde{}"),
            '^' => out.push_str("\\textasciicircum{}"),
            '%' | '&' | '#' | '_' | '$' => {
                out.push('\\');
                out.push(c);
            }
            '\r' | '\n' | '\t' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// A URL for a `url` field: verbatim except braces, backslashes, whitespace
/// and control characters, which are percent-encoded.
pub fn escape_url(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        if matches!(c, '{' | '}' | '\\') || c.is_whitespace() || c.is_control() {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                let _ = write!(out, "%{b:02X}");
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// A source id usable as a BibTeX key (no spaces, commas, braces, quotes, `#`, `%`).
fn check_key(key: &str, row: usize, file: &str) -> Result<()> {
    let bad = |c: char| c.is_whitespace() || ",{}()\"#%'=\\".contains(c);
    if key.is_empty() || key.chars().any(bad) {
        let loc = Location {
            file: Some(file.to_string()),
            row: Some(row),
            column: Some("source_id".into()),
            ..Default::default()
        };
        return Err(Error::input(
            loc,
            format!("'{key}' cannot be a BibTeX key (empty, or has a space, comma, brace, quote, #, % or =)"),
        ));
    }
    Ok(())
}

/// The BibTeX of a sources table (rows in order; duplicate ids are an error).
pub fn sources_bib(table: &RawTable) -> Result<String> {
    if !table.header.iter().any(|h| h == "source_id") {
        return Err(Error::input(
            Location::file(Path::new(&table.file)),
            "no source_id column",
        ));
    }
    let mut seen = std::collections::BTreeSet::new();
    let mut out = String::new();
    for (i, row) in table.rows.iter().enumerate() {
        let key = table.get(row, "source_id");
        check_key(key, i + 2, &table.file)?;
        if !seen.insert(key) {
            return Err(Error::input(
                Location::file(Path::new(&table.file)),
                format!("source_id '{key}' appears twice"),
            ));
        }
        let mut fields: Vec<(&str, String)> = Vec::new();
        let cell = |c: &str| table.get(row, c).trim().to_string();
        if !cell("citation").is_empty() {
            fields.push(("title", format!("{{{}}}", escape(&cell("citation")))));
        }
        if !cell("url").is_empty() {
            fields.push(("url", escape_url(&cell("url"))));
        }
        if !cell("document_symbol").is_empty() {
            let note = format!("UN document symbol: {}", cell("document_symbol"));
            fields.push(("note", escape(&note)));
        }
        if !cell("accessed").is_empty() {
            fields.push(("urldate", escape(&cell("accessed"))));
        }
        let _ = writeln!(out, "@misc{{{key},");
        for (name, value) in &fields {
            let _ = writeln!(out, "  {name} = {{{value}}},");
        }
        out.push_str("}\n\n");
    }
    out.pop(); // one newline at the end, a blank line between entries
    Ok(out)
}

/// `sovcost sources --bib`: the BibTeX of DATA_DIR/sources.csv, printed, or
/// written atomically to `out` (with a one-line message).
pub fn sources_command(data_dir: &Path, out: Option<&Path>) -> Result<String> {
    let table = RawTable::read_file(&data_dir.join("sources.csv"))?;
    let bib = sources_bib(&table)?;
    match out {
        None => Ok(bib),
        Some(path) => {
            crate::io::write_atomic(path, bib.as_bytes())?;
            Ok(format!(
                "wrote {} ({} entries)\n",
                path.display(),
                table.rows.len()
            ))
        }
    }
}
