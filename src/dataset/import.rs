//! `sovcost dataset import-untc`: a depositary participant table in the UN
//! Treaty Collection layout (columns Participant, Signature, and
//! "Ratification, Accession(a), Succession(d)"; dates such as `19 Dec 1966`
//! with the act's letter after them; footnote markers on names and dates;
//! blank cells) read into status and action rows. The merged dataset is
//! validated before anything is written, and the five tables are replaced
//! together or not at all.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::dataset::untc_names::{alpha3, clean_name};
use crate::dataset::{source_id_list, Dataset, RawTable, Row};
use crate::error::{Error, Location, Result};

/// What to import.
#[derive(Debug, Clone)]
pub struct UntcImport {
    pub data_dir: PathBuf,
    pub treaty: String,
    pub file: PathBuf,
    pub source: String,
    /// Only these states (alpha-3); every participant when empty. A state
    /// named here that is not in the table gets status `none` (a UNTC
    /// participant list is complete).
    pub states: Vec<String>,
    /// The date the table holds for; the source's `accessed` date if empty.
    pub as_of: String,
    /// Replace a state's rows in the instrument when every one of them cites
    /// only this source.
    pub replace: bool,
}

/// One participant read from the table.
#[derive(Debug, Clone)]
struct Participant {
    state: &'static str,
    line: usize,
    signature: Option<String>,
    consent: Option<(String, &'static str)>,
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A UNTC date cell: `d Mon yyyy`, then an optional act code and footnote
/// markers. Returns the ISO date and the code.
fn parse_cell(cell: &str) -> std::result::Result<(String, String), String> {
    let toks: Vec<&str> = cell.split_whitespace().collect();
    let bad = || {
        format!("'{cell}' is not a UNTC date ('19 Dec 1966', optionally followed by a letter code such as a, A, AA, d)")
    };
    if toks.len() < 3 {
        return Err(bad());
    }
    let day: u32 = toks[0].parse().map_err(|_| bad())?;
    let month = MONTHS.iter().position(|m| *m == toks[1]).ok_or_else(bad)? + 1;
    let year = toks[2].trim_end_matches(|c: char| !c.is_ascii_digit());
    if year.len() != 4 || !year.chars().all(|c| c.is_ascii_digit()) {
        return Err(bad());
    }
    let iso = format!("{year}-{month:02}-{day:02}");
    crate::dataset::parse_partial_date(&iso).map_err(|e| format!("'{cell}': {e}"))?;
    let mut code = String::new();
    for t in &toks[3..] {
        let t = t.trim_matches(',');
        if t.is_empty() || t.chars().all(|c| c.is_ascii_digit() || c == ',') {
            continue; // footnote marker
        }
        if !code.is_empty() || !t.chars().all(|c| c.is_ascii_alphabetic()) {
            return Err(bad());
        }
        code = t.to_string();
    }
    Ok((iso, code))
}

/// The act a UNTC letter code stands for.
fn act_of_code(code: &str) -> Option<&'static str> {
    Some(match code {
        "" => "ratification",
        "a" => "accession",
        "A" => "acceptance",
        "AA" => "approval",
        "d" => "succession",
        // Consent to be bound, definitive signature, formal confirmation,
        // simplified procedure: consent whose form has no word of its own.
        "P" | "s" | "c" | "p" => "consent",
        _ => return None,
    })
}

fn at(file: &Path, line: usize, column: &str) -> Location {
    Location::file(file).line(line).column(column)
}

/// Reads the participant table: every problem is collected, with file,
/// line, column and rule.
fn read_table(file: &Path) -> Result<Vec<Participant>> {
    let table = RawTable::read_file(file)?;
    let find = |pred: &dyn Fn(&str) -> bool| table.header.iter().rev().find(|h| pred(h)).cloned();
    let participant = find(&|h| h.trim() == "Participant");
    let signature = table
        .header
        .iter()
        .find(|h| h.trim_start().starts_with("Signature"))
        .cloned();
    let consent = find(&|h| h.contains("Ratification") || h.contains("Accession"));
    let (Some(pc), Some(cc)) = (participant, consent) else {
        return Err(Error::input(
            Location::file(file).line(1),
            "the header needs a 'Participant' column and a 'Ratification, Accession(a), Succession(d)' column (UNTC layout)",
        ));
    };
    let mut out = Vec::new();
    let mut problems = Vec::new();
    let mut unknown_names = Vec::new();
    for (i, r) in table.rows.iter().enumerate() {
        let line = i + 2;
        let name = table.get(r, &pc);
        let Some(state) = alpha3(name) else {
            unknown_names.push(format!("'{}' (line {line})", clean_name(name)));
            continue;
        };
        let mut p = Participant {
            state,
            line,
            signature: None,
            consent: None,
        };
        if let Some(sc) = &signature {
            let cell = table.get(r, sc).trim();
            if !cell.is_empty() {
                match parse_cell(cell) {
                    Ok((d, code)) if code.is_empty() || code == "d" => p.signature = Some(d),
                    Ok((_, code)) => problems.push(
                        Error::input(
                            at(file, line, sc),
                            format!("'{code}' is not a code of a signature"),
                        )
                        .to_string(),
                    ),
                    Err(e) => problems.push(Error::input(at(file, line, sc), e).to_string()),
                }
            }
        }
        let cell = table.get(r, &cc).trim();
        if !cell.is_empty() {
            match parse_cell(cell) {
                Ok((d, code)) => match act_of_code(&code) {
                    Some(a) => p.consent = Some((d, a)),
                    None => problems.push(Error::input(at(file, line, &cc), format!("'{code}' is not a UNTC code of consent (none, a, A, AA, d, P, s, c, p)")).to_string()),
                },
                Err(e) => problems.push(Error::input(at(file, line, &cc), e).to_string()),
            }
        }
        if p.signature.is_none() && p.consent.is_none() {
            problems.push(
                Error::input(
                    at(file, line, &pc),
                    "a participant with neither a signature nor a consent",
                )
                .to_string(),
            );
        }
        if out.iter().any(|q: &Participant| q.state == state) {
            problems.push(
                Error::input(at(file, line, &pc), format!("a second row for {state}")).to_string(),
            );
        }
        out.push(p);
    }
    if !unknown_names.is_empty() {
        problems.insert(
            0,
            Error::input(
                Location::file(file).column(pc.as_str()),
                format!(
                    "unknown participant name{}: {} (not a UNTC name of a state)",
                    if unknown_names.len() == 1 { "" } else { "s" },
                    unknown_names.join(", ")
                ),
            )
            .to_string(),
        );
    }
    if !problems.is_empty() {
        return Err(Error::usage(format!(
            "{} problem{} in {}:\n{}",
            problems.len(),
            if problems.len() == 1 { "" } else { "s" },
            file.display(),
            problems.join("\n")
        )));
    }
    Ok(out)
}

/// The actor of a state's act on `date` (codebook, section 11: successor states).
fn actor(state: &str, date: &str) -> String {
    match state {
        "CHN" => "PRC".into(),
        "RUS" if date < "1991-12-25" => "USSR".into(),
        "DEU" if date < "1990-10-03" => "FRG".into(),
        s => s.into(),
    }
}

/// Imports the table; returns a one-line summary.
pub fn import_untc(opts: &UntcImport) -> Result<String> {
    let mut data = Dataset::read(&opts.data_dir)?;
    let t = opts.treaty.as_str();
    if !data.treaties.values("treaty_id").contains(t) {
        return Err(Error::usage(format!(
            "--treaty: '{t}' is not a treaty_id in treaties.csv"
        )));
    }
    let source = data
        .sources
        .rows
        .iter()
        .find(|r| data.sources.get(r, "source_id") == opts.source)
        .cloned()
        .ok_or_else(|| {
            Error::usage(format!(
                "--source: '{}' is not a source_id in sources.csv (add the source first)",
                opts.source
            ))
        })?;
    let as_of = if opts.as_of.is_empty() {
        source.get("accessed").cloned().unwrap_or_default()
    } else {
        opts.as_of.clone()
    };
    if as_of.len() != 10 || crate::dataset::parse_partial_date(&as_of).is_err() {
        return Err(Error::usage(format!(
            "--as-of: '{as_of}' is not a date (YYYY-MM-DD)"
        )));
    }
    let mut participants = read_table(&opts.file)?;
    let known: BTreeSet<&str> = crate::dataset::untc_names::UNTC_NAMES
        .iter()
        .map(|(_, c)| *c)
        .collect();
    let bad: Vec<&String> = opts
        .states
        .iter()
        .filter(|s| !known.contains(s.as_str()))
        .collect();
    if !bad.is_empty() {
        return Err(Error::usage(format!(
            "--states: not alpha-3 codes of UNTC participants: {}",
            bad.iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    if !opts.states.is_empty() {
        participants.retain(|p| opts.states.iter().any(|s| s == p.state));
    }
    let mut states: Vec<String> = participants.iter().map(|p| p.state.to_string()).collect();
    for s in &opts.states {
        if !states.contains(s) {
            states.push(s.clone());
        }
    }
    let mut conflicts = Vec::new();
    let (mut n_status, mut n_actions) = (0, 0);
    for state in &states {
        let p = participants.iter().find(|p| p.state == state);
        // The new rows.
        let mut acts: Vec<(String, String, String)> = Vec::new(); // (action, date, summary)
        if let Some(p) = p {
            if let Some(d) = &p.signature {
                acts.push((
                    "signature".into(),
                    d.clone(),
                    format!("Signature (UNTC participant table, line {}).", p.line),
                ));
            }
            if let Some((d, a)) = &p.consent {
                acts.push((
                    a.to_string(),
                    d.clone(),
                    format!(
                        "{a} (UNTC participant table, line {}), date of deposit.",
                        p.line
                    ),
                ));
            }
        }
        let status = match p {
            Some(p) if p.consent.is_some() => "party",
            Some(_) => "signatory",
            None => "none",
        };
        // The existing rows of the state in the instrument.
        let st_idx: Vec<usize> = (0..data.status.rows.len())
            .filter(|&i| {
                data.status.rows[i]["state"] == *state && data.status.rows[i]["treaty_id"] == t
            })
            .collect();
        let ac_idx: Vec<usize> = (0..data.actions.rows.len())
            .filter(|&i| {
                data.actions.rows[i]["state"] == *state && data.actions.rows[i]["treaty_id"] == t
            })
            .collect();
        let same_source = |r: &Row| {
            source_id_list(r.get("source_ids").map(String::as_str).unwrap_or(""))
                == [opts.source.as_str()]
        };
        if !st_idx.is_empty() || !ac_idx.is_empty() {
            let old_status = st_idx
                .first()
                .map(|&i| data.status.rows[i]["status"].clone())
                .unwrap_or_default();
            let mut old_acts: Vec<(String, String)> = ac_idx
                .iter()
                .map(|&i| {
                    (
                        data.actions.rows[i]["action"].clone(),
                        data.actions.rows[i]["date"].clone(),
                    )
                })
                .collect();
            let mut new_acts: Vec<(String, String)> = acts
                .iter()
                .map(|(a, d, _)| (a.clone(), d.clone()))
                .collect();
            old_acts.sort();
            new_acts.sort();
            if old_status == status && old_acts == new_acts {
                continue; // the same facts are already there
            }
            let ours = st_idx.iter().all(|&i| same_source(&data.status.rows[i]))
                && ac_idx.iter().all(|&i| same_source(&data.actions.rows[i]));
            if !(opts.replace && ours) {
                conflicts.push(format!("{state} in '{t}': the dataset has status '{old_status}' and acts {old_acts:?}; the table gives '{status}' and {new_acts:?}{}", if opts.replace { " (not replaced: the existing rows cite other sources)" } else { " (use --replace to replace rows that cite only this source)" }));
                continue;
            }
            let drop_st: BTreeSet<usize> = st_idx.into_iter().collect();
            let drop_ac: BTreeSet<usize> = ac_idx.into_iter().collect();
            data.status.rows = std::mem::take(&mut data.status.rows)
                .into_iter()
                .enumerate()
                .filter(|(i, _)| !drop_st.contains(i))
                .map(|(_, r)| r)
                .collect();
            data.actions.rows = std::mem::take(&mut data.actions.rows)
                .into_iter()
                .enumerate()
                .filter(|(i, _)| !drop_ac.contains(i))
                .map(|(_, r)| r)
                .collect();
        }
        let mut row = Row::new();
        for (k, v) in [
            ("state", state.as_str()),
            ("treaty_id", t),
            ("status", status),
            ("as_of", as_of.as_str()),
            ("source_ids", opts.source.as_str()),
            ("verified", "yes"),
        ] {
            row.insert(k.into(), v.into());
        }
        data.status.rows.push(row);
        n_status += 1;
        let prefix = format!("{t}-{}-", state.to_lowercase());
        let used: BTreeSet<String> = data
            .actions
            .values("action_id")
            .into_iter()
            .map(String::from)
            .collect();
        let mut k = 1;
        for (a, d, summary) in acts {
            while used.contains(&format!("{prefix}{k:02}")) {
                k += 1;
            }
            let mut row = Row::new();
            for (c, v) in [
                ("action_id", format!("{prefix}{k:02}")),
                ("treaty_id", t.into()),
                ("state", state.clone()),
                ("actor", actor(state, &d)),
                ("action", a),
                ("date", d),
                ("date_precision", "day".into()),
                ("summary", summary),
                ("source_ids", opts.source.clone()),
                ("verified", "yes".into()),
            ] {
                row.insert(c.into(), v);
            }
            data.actions.rows.push(row);
            k += 1;
            n_actions += 1;
        }
    }
    if !conflicts.is_empty() {
        return Err(Error::usage(format!(
            "{} conflict{} with facts already in {} (nothing written):\n{}",
            conflicts.len(),
            if conflicts.len() == 1 { "" } else { "s" },
            opts.data_dir.display(),
            conflicts.join("\n")
        )));
    }
    let problems = data.validate();
    if !problems.is_empty() {
        let list: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
        return Err(Error::usage(format!(
            "the dataset with the imported rows has {} problem{} (nothing written):\n{}",
            problems.len(),
            if problems.len() == 1 { "" } else { "s" },
            list.join("\n")
        )));
    }
    crate::dataset::add::write_tables(&data)?;
    Ok(format!("imported '{t}' from {}: {n_status} status row{}, {n_actions} action row{} (source {}, as of {as_of}); dataset validated and written to {}\n", opts.file.display(), if n_status == 1 { "" } else { "s" }, if n_actions == 1 { "" } else { "s" }, opts.source, opts.data_dir.display()))
}
