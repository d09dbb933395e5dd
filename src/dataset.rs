//! The dataset: China's treaty actions with sovereignty-cost codings, as tidy
//! CSV tables in `datasets/` (see `datasets/CODEBOOK.md`): reading, validation
//! (every problem reported with file, row, column and rule), and adding an
//! instrument from a TOML file, written atomically.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Location, Result};
use crate::table::Table;

pub const TREATIES: &str = "treaties.csv";
pub const ACTIONS: &str = "actions.csv";
pub const PROVISIONS: &str = "provisions.csv";
pub const SOURCES: &str = "sources.csv";
pub const STATUS: &str = "status.csv";

pub const KINDS: &[&str] = crate::outcome::InstrumentKind::NAMES;
pub const ISSUE_AREAS: &[&str] = &[
    "human_rights",
    "humanitarian",
    "international_criminal",
    "labour",
    "arms_control",
    "environment",
    "trade_investment",
    "law_of_the_sea",
    "transnational_crime",
    "treaty_law",
    "dispute_settlement",
];
pub const ADOPTED_EVENTS: &[&str] = &["adoption", "opened_for_signature"];
pub const ACTORS: &[&str] = &["PRC", "ROC"];
pub const ACTIONS_KINDS: &[&str] = crate::outcome::ActionKind::NAMES;
pub const PRECISIONS: &[&str] = &["day", "month", "year", "unknown"];
pub const MECHANISMS: &[&str] = &[
    "state_reporting",
    "review_conference",
    "inquiry",
    "interstate_complaint",
    "individual_complaint",
    "onsite_inspection",
    "icj_compromissory",
    "compulsory_adjudication",
    "arbitration",
    "prosecution",
];
pub const ACCEPTANCE_MODES: &[&str] = &["automatic", "opt_out", "opt_in", "separate_protocol"];
pub const POSITIONS: &[&str] = &["accepted", "avoided", "not_party", "not_applicable"];
pub const SOURCE_KINDS: &[&str] = &[
    "depositary",
    "treaty_text",
    "un_document",
    "press_release",
    "national_decision",
    "secondary",
    "seed_paper",
    "treaty_text_unverified",
];
pub const YES_NO: &[&str] = &["yes", "no"];

/// The delegation level of a mechanism (the codebook's table).
pub fn mechanism_level(mechanism: &str) -> u8 {
    match mechanism {
        "state_reporting" | "review_conference" => 1,
        "inquiry" | "interstate_complaint" => 2,
        "individual_complaint" | "onsite_inspection" => 3,
        "icj_compromissory" | "compulsory_adjudication" | "arbitration" | "prosecution" => 4,
        _ => 0,
    }
}

/// The coding columns and their ranges.
pub const CODINGS: &[(&str, u8)] = &[
    ("obligation", 2),
    ("precision", 2),
    ("delegation_default", 4),
    ("delegation_max", 4),
    ("delegation_avoidable", 1),
    ("trigger", 3),
    ("national_review", 2),
    ("reservations_barred", 1),
    ("non_party_reach", 1),
    ("internal_conduct", 1),
    ("core_sovereignty", 1),
];

#[derive(Debug, Clone, Copy, PartialEq)]
enum Rule {
    /// Non-empty, unique in the column.
    Id,
    Text,
    Required,
    Enum(&'static [&'static str]),
    Integer(u8),
    /// An ISO date (full date), or empty.
    Date,
    /// Semicolon-separated source ids, at least one.
    SourceIds,
}

struct ColumnSpec {
    name: &'static str,
    rule: Rule,
}

const fn col(name: &'static str, rule: Rule) -> ColumnSpec {
    ColumnSpec { name, rule }
}

fn treaty_columns() -> Vec<ColumnSpec> {
    let mut v = vec![
        col("treaty_id", Rule::Id),
        col("short_name", Rule::Required),
        col("full_name", Rule::Required),
        col("kind", Rule::Enum(KINDS)),
        col("parent_id", Rule::Text),
        col("issue_area", Rule::Enum(ISSUE_AREAS)),
        col("mtdsg_no", Rule::Text),
        col("depositary", Rule::Text),
        col("adopted", Rule::Date),
        col("adopted_event", Rule::Enum(ADOPTED_EVENTS)),
        col("entry_into_force", Rule::Date),
    ];
    for (name, max) in CODINGS {
        v.push(col(name, Rule::Integer(*max)));
    }
    v.extend([
        col("coding_rationale", Rule::Required),
        col("source_ids", Rule::SourceIds),
        col("verified", Rule::Enum(YES_NO)),
        col("note", Rule::Text),
    ]);
    v
}

fn action_columns() -> Vec<ColumnSpec> {
    vec![
        col("action_id", Rule::Id),
        col("treaty_id", Rule::Required),
        col("state", Rule::Required),
        col("actor", Rule::Enum(ACTORS)),
        col("action", Rule::Enum(ACTIONS_KINDS)),
        col("date", Rule::Text),
        col("date_precision", Rule::Enum(PRECISIONS)),
        col("article", Rule::Text),
        col("summary", Rule::Required),
        col("source_ids", Rule::SourceIds),
        col("verified", Rule::Enum(YES_NO)),
        col("note", Rule::Text),
    ]
}

fn provision_columns() -> Vec<ColumnSpec> {
    vec![
        col("provision_id", Rule::Id),
        col("treaty_id", Rule::Required),
        col("article", Rule::Required),
        col("mechanism", Rule::Enum(MECHANISMS)),
        col("acceptance_mode", Rule::Enum(ACCEPTANCE_MODES)),
        col("china_position", Rule::Enum(POSITIONS)),
        col("summary", Rule::Required),
        col("source_ids", Rule::SourceIds),
        col("verified", Rule::Enum(YES_NO)),
        col("note", Rule::Text),
    ]
}

fn status_columns() -> Vec<ColumnSpec> {
    vec![
        col("state", Rule::Required),
        col("treaty_id", Rule::Required),
        col("status", Rule::Enum(crate::outcome::Status::NAMES)),
        col("as_of", Rule::Date),
        col("source_ids", Rule::SourceIds),
        col("verified", Rule::Enum(YES_NO)),
        col("note", Rule::Text),
    ]
}

fn source_columns() -> Vec<ColumnSpec> {
    vec![
        col("source_id", Rule::Id),
        col("citation", Rule::Required),
        col("url", Rule::Text),
        col("document_symbol", Rule::Text),
        col("kind", Rule::Enum(SOURCE_KINDS)),
        col("accessed", Rule::Date),
        col("excerpt", Rule::Text),
    ]
}

/// One row of a table, as text by column name (empty string when empty).
pub type Row = BTreeMap<String, String>;

/// A table read from the dataset directory.
#[derive(Debug, Clone, Default)]
pub struct RawTable {
    pub file: String,
    pub header: Vec<String>,
    pub rows: Vec<Row>,
}

impl RawTable {
    fn read(dir: &Path, file: &str) -> Result<RawTable> {
        RawTable::read_file(&dir.join(file))
    }

    /// Reads any CSV file of the dataset as text rows.
    pub fn read_file(path: &Path) -> Result<RawTable> {
        RawTable::from_table(&Table::read_csv(path)?)
    }

    /// A table's cells as text rows (empty cells as empty strings).
    pub fn from_table(table: &Table) -> Result<RawTable> {
        let header = table.column_names();
        let cols: Vec<Vec<Option<String>>> = header
            .iter()
            .map(|h| table.raw_text(h))
            .collect::<Result<_>>()?;
        let rows = (0..table.n_rows())
            .map(|i| {
                header
                    .iter()
                    .zip(&cols)
                    .map(|(h, c)| (h.clone(), c[i].clone().unwrap_or_default()))
                    .collect()
            })
            .collect();
        Ok(RawTable {
            file: table.path().display().to_string(),
            header,
            rows,
        })
    }

    pub fn get<'a>(&'a self, row: &'a Row, column: &str) -> &'a str {
        row.get(column).map(|s| s.as_str()).unwrap_or("")
    }
}

/// The source ids of a `source_ids` cell (`;`-separated, blanks ignored).
pub fn source_id_list(cell: &str) -> Vec<&str> {
    cell.split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect()
}

/// The five tables of the dataset.
#[derive(Debug, Clone, Default)]
pub struct Dataset {
    pub dir: PathBuf,
    pub treaties: RawTable,
    pub actions: RawTable,
    pub provisions: RawTable,
    pub sources: RawTable,
    /// Each state's participation status in each instrument.
    pub status: RawTable,
}

/// One validation problem.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Problem {
    pub file: String,
    /// 1-based data row (0 for the file as a whole).
    pub row: usize,
    pub column: String,
    pub rule: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let loc = Location {
            file: Some(self.file.clone()),
            row: (self.row > 0).then_some(self.row),
            column: (!self.column.is_empty()).then(|| self.column.clone()),
        };
        write!(f, "{loc}: {}", self.rule)
    }
}

impl Dataset {
    /// Reads the four tables (a missing or unreadable file is an error; the
    /// contents are checked by [`Dataset::validate`]).
    pub fn read(dir: &Path) -> Result<Dataset> {
        if !dir.is_dir() {
            return Err(Error::input(
                Location::file(dir),
                "not a directory (expected the dataset directory with treaties.csv, actions.csv, provisions.csv, status.csv and sources.csv)",
            ));
        }
        Ok(Dataset {
            dir: dir.to_path_buf(),
            treaties: RawTable::read(dir, TREATIES)?,
            actions: RawTable::read(dir, ACTIONS)?,
            provisions: RawTable::read(dir, PROVISIONS)?,
            sources: RawTable::read(dir, SOURCES)?,
            status: RawTable::read(dir, STATUS)?,
        })
    }

    /// The kind of an instrument, `None` for an unknown id or kind.
    pub fn instrument_kind(&self, treaty_id: &str) -> Option<crate::outcome::InstrumentKind> {
        let t = &self.treaties;
        t.rows
            .iter()
            .find(|r| t.get(r, "treaty_id") == treaty_id)
            .and_then(|r| crate::outcome::InstrumentKind::parse(t.get(r, "kind")))
    }

    /// The action rows of `state` in an instrument that count for the state
    /// (for China, the People's Republic's; `outcome::counts_for`).
    pub fn acts_counting_for<'a>(&'a self, state: &'a str, treaty_id: &'a str) -> Vec<&'a Row> {
        let a = &self.actions;
        a.rows
            .iter()
            .filter(|r| {
                a.get(r, "treaty_id") == treaty_id
                    && a.get(r, "state") == state
                    && crate::outcome::counts_for(state, a.get(r, "actor"))
            })
            .collect()
    }

    /// The role of an action row for its instrument's kind (`None` for an
    /// unknown action or instrument).
    pub fn role(&self, action: &Row) -> Option<crate::outcome::Role> {
        let a = &self.actions;
        let kind = self.instrument_kind(a.get(action, "treaty_id"))?;
        Some(crate::outcome::ActionKind::parse(a.get(action, "action"))?.role(kind))
    }

    /// Every problem in the dataset, sorted by file, row and column.
    pub fn validate(&self) -> Vec<Problem> {
        let mut problems = Vec::new();
        let source_ids: BTreeSet<&str> = self
            .sources
            .rows
            .iter()
            .map(|r| self.sources.get(r, "source_id"))
            .collect();
        for (table, spec) in [
            (&self.treaties, treaty_columns()),
            (&self.actions, action_columns()),
            (&self.provisions, provision_columns()),
            (&self.sources, source_columns()),
            (&self.status, status_columns()),
        ] {
            check_table(table, &spec, &source_ids, &mut problems);
        }
        self.check_references(&mut problems);
        self.check_status(&mut problems);
        self.check_small_tables(&source_ids, &mut problems);
        problems.sort();
        problems.dedup();
        problems
    }

    /// The two small tables used by the seed replication, when present:
    /// `votes.csv` and `jiang_discourse.csv`.
    fn check_small_tables(&self, source_ids: &BTreeSet<&str>, problems: &mut Vec<Problem>) {
        let treaty_ids: BTreeSet<&str> = self
            .treaties
            .rows
            .iter()
            .map(|r| self.treaties.get(r, "treaty_id"))
            .collect();
        let counts = |n: &'static str| col(n, Rule::Integer(u8::MAX));
        let votes = [
            col("treaty_id", Rule::Id),
            col("date", Rule::Date),
            counts("yes"),
            counts("no"),
            counts("abstentions"),
            col("recorded", Rule::Enum(YES_NO)),
            col("source_ids", Rule::SourceIds),
            col("note", Rule::Text),
        ];
        let jiang = [
            col("framing", Rule::Enum(&["instrumental", "not_instrumental"])),
            col("audience", Rule::Enum(&["domestic", "international"])),
            counts("articles"),
            col("source_ids", Rule::SourceIds),
            col("note", Rule::Text),
        ];
        for (file, spec) in [
            ("votes.csv", &votes[..]),
            ("jiang_discourse.csv", &jiang[..]),
        ] {
            let path = self.dir.join(file);
            if !path.exists() {
                continue;
            }
            match RawTable::read_file(&path) {
                Ok(table) => {
                    check_table(&table, spec, source_ids, problems);
                    if file == "votes.csv" {
                        for (i, r) in table.rows.iter().enumerate() {
                            let id = table.get(r, "treaty_id");
                            if !treaty_ids.contains(id) {
                                problems.push(Problem {
                                    file: table.file.clone(),
                                    row: i + 1,
                                    column: "treaty_id".into(),
                                    rule: format!("'{id}' is not a treaty_id in treaties.csv"),
                                });
                            }
                        }
                    }
                }
                Err(e) => problems.push(Problem {
                    file: path.display().to_string(),
                    row: 0,
                    column: String::new(),
                    rule: e.to_string(),
                }),
            }
        }
    }

    fn check_references(&self, problems: &mut Vec<Problem>) {
        let t = &self.treaties;
        let mut push = |file: &str, row: usize, column: &str, rule: String| {
            problems.push(Problem {
                file: file.to_string(),
                row,
                column: column.to_string(),
                rule,
            })
        };
        let adopted: BTreeMap<&str, &str> = t
            .rows
            .iter()
            .map(|r| (t.get(r, "treaty_id"), t.get(r, "adopted")))
            .collect();
        for (i, r) in t.rows.iter().enumerate() {
            let parent = t.get(r, "parent_id");
            if !parent.is_empty() && !adopted.contains_key(parent) {
                push(
                    &t.file,
                    i + 1,
                    "parent_id",
                    format!("parent '{parent}' is not a treaty_id in treaties.csv"),
                );
            }
            if parent == t.get(r, "treaty_id") && !parent.is_empty() {
                push(
                    &t.file,
                    i + 1,
                    "parent_id",
                    "an instrument cannot be its own parent".into(),
                );
            }
            let int = |c: &str| t.get(r, c).parse::<u8>().ok();
            if let (Some(d), Some(m)) = (int("delegation_default"), int("delegation_max")) {
                if d > m {
                    push(
                        &t.file,
                        i + 1,
                        "delegation_max",
                        format!("delegation_max ({m}) is below delegation_default ({d})"),
                    );
                }
            }
            let (a, e) = (t.get(r, "adopted"), t.get(r, "entry_into_force"));
            if !a.is_empty() && !e.is_empty() && e < a {
                push(
                    &t.file,
                    i + 1,
                    "entry_into_force",
                    format!("entry into force {e} is before adoption {a}"),
                );
            }
        }
        let a = &self.actions;
        // Earliest signature and earliest consent to be bound, per treaty and actor.
        let mut signed: BTreeMap<(&str, &str), (&str, usize)> = BTreeMap::new();
        let mut bound: BTreeMap<(&str, &str), (&str, usize)> = BTreeMap::new();
        for (i, r) in a.rows.iter().enumerate() {
            let treaty = a.get(r, "treaty_id");
            let date = a.get(r, "date");
            let precision = a.get(r, "date_precision");
            match adopted.get(treaty) {
                None => push(
                    &a.file,
                    i + 1,
                    "treaty_id",
                    format!("'{treaty}' is not a treaty_id in treaties.csv"),
                ),
                Some(adoption) => {
                    if let Err(rule) = check_dated(date, precision) {
                        push(&a.file, i + 1, "date", rule);
                    } else if !date.is_empty() && !adoption.is_empty() {
                        // Compare at the action's precision.
                        let cut = &adoption[..date.len().min(adoption.len())];
                        let action = a.get(r, "action");
                        let votes = ["vote_yes", "vote_no", "abstention", "consensus_adoption"];
                        if date < cut && !votes.contains(&action) {
                            push(
                                &a.file,
                                i + 1,
                                "date",
                                format!("{date} is before the instrument's adoption ({adoption})"),
                            );
                        }
                    }
                }
            }
            if date.len() == 10 {
                let key = (treaty, a.get(r, "actor"));
                match a.get(r, "action") {
                    "signature" => {
                        let e = signed.entry(key).or_insert((date, i + 1));
                        if date < e.0 {
                            *e = (date, i + 1);
                        }
                    }
                    "ratification" | "acceptance" | "approval" => {
                        let e = bound.entry(key).or_insert((date, i + 1));
                        if date < e.0 {
                            *e = (date, i + 1);
                        }
                    }
                    _ => {}
                }
            }
        }
        for (key, (bdate, brow)) in &bound {
            if let Some((sdate, _)) = signed.get(key) {
                if bdate < sdate {
                    push(&a.file, *brow, "date", format!("consent to be bound ({bdate}) precedes signature ({sdate}) for {} by {}", key.0, key.1));
                }
            }
        }
        // Sources: an excerpt is required, except for treaty articles cited
        // without having been read (kind treaty_text_unverified); a fact
        // marked verified must cite at least one source that was read.
        let s = &self.sources;
        let mut read: BTreeMap<&str, bool> = BTreeMap::new();
        for (i, r) in s.rows.iter().enumerate() {
            let unread = s.get(r, "kind") == "treaty_text_unverified";
            read.insert(s.get(r, "source_id"), !unread);
            if !unread && s.get(r, "excerpt").trim().is_empty() {
                push(
                    &s.file,
                    i + 1,
                    "excerpt",
                    "no excerpt: a source that was read must quote the text that proves the fact"
                        .into(),
                );
            }
        }
        for table in [
            &self.treaties,
            &self.actions,
            &self.provisions,
            &self.status,
        ] {
            for (i, r) in table.rows.iter().enumerate() {
                if table.get(r, "verified") != "yes" {
                    continue;
                }
                let ids = source_id_list(table.get(r, "source_ids"));
                if !ids.is_empty() && ids.iter().all(|id| read.get(id) == Some(&false)) {
                    push(&table.file, i + 1, "verified", "marked verified, but every source cited is a treaty article not read (treaty_text_unverified)".into());
                }
            }
        }
        let p = &self.provisions;
        for (i, r) in p.rows.iter().enumerate() {
            let treaty = p.get(r, "treaty_id");
            if !adopted.contains_key(treaty) {
                push(
                    &p.file,
                    i + 1,
                    "treaty_id",
                    format!("'{treaty}' is not a treaty_id in treaties.csv"),
                );
            }
        }
    }
}

impl Dataset {
    /// `status.csv` against the instruments and the acts: one row per state
    /// and instrument (every instrument has one for China), a status the
    /// instrument's kind allows, no contradiction with the state's acts in
    /// `actions.csv`, and no act dated after the date the status was read.
    fn check_status(&self, problems: &mut Vec<Problem>) {
        use crate::outcome::{DateSpan, InstrumentKind, Role, Status};
        let st = &self.status;
        let t = &self.treaties;
        let kinds: BTreeMap<&str, Option<InstrumentKind>> = t
            .rows
            .iter()
            .map(|r| {
                (
                    t.get(r, "treaty_id"),
                    InstrumentKind::parse(t.get(r, "kind")),
                )
            })
            .collect();
        let mut push = |row: usize, column: &str, rule: String| {
            problems.push(Problem {
                file: st.file.clone(),
                row,
                column: column.to_string(),
                rule,
            })
        };
        let mut seen: BTreeMap<(&str, &str), usize> = BTreeMap::new();
        for (i, r) in st.rows.iter().enumerate() {
            let state = st.get(r, "state");
            let treaty = st.get(r, "treaty_id");
            if !state.is_empty()
                && (state.len() != 3 || !state.chars().all(|c| c.is_ascii_uppercase()))
            {
                push(
                    i + 1,
                    "state",
                    format!("'{state}' is not an ISO 3166 alpha-3 code (three capital letters)"),
                );
            }
            if st.get(r, "as_of").is_empty() {
                push(
                    i + 1,
                    "as_of",
                    "must not be empty: the date the status was read on its source".into(),
                );
            }
            if let Some(first) = seen.insert((state, treaty), i + 1) {
                push(
                    i + 1,
                    "treaty_id",
                    format!("a second status row for {state} and '{treaty}' (also row {first})"),
                );
            }
            let Some(kind) = kinds.get(treaty) else {
                push(
                    i + 1,
                    "treaty_id",
                    format!("'{treaty}' is not a treaty_id in treaties.csv"),
                );
                continue;
            };
            let (Some(kind), Some(status)) = (*kind, Status::parse(st.get(r, "status"))) else {
                continue;
            };
            if !Status::allowed(kind).contains(&status.as_str()) {
                push(
                    i + 1,
                    "status",
                    format!(
                        "'{}' is not a status of a {} (allowed: {})",
                        status.as_str(),
                        kind.as_str(),
                        Status::allowed(kind).join(", ")
                    ),
                );
                continue;
            }
            let acts: Vec<(Role, &str)> = self
                .acts_counting_for(state, treaty)
                .into_iter()
                .filter_map(|x| Some((self.role(x)?, self.actions.get(x, "date"))))
                .collect();
            let roles: Vec<Role> = acts.iter().map(|(r, _)| *r).collect();
            if let Some(why) = status.contradiction(&roles) {
                push(
                    i + 1,
                    "status",
                    format!(
                        "status '{}' of {state} in '{treaty}' {why}",
                        status.as_str()
                    ),
                );
            }
            let as_of = st.get(r, "as_of");
            for (role, date) in &acts {
                let participation = matches!(
                    role,
                    Role::Signature
                        | Role::Consent
                        | Role::Exit
                        | Role::SignatureWithdrawal
                        | Role::Support
                );
                if let Some(d) = DateSpan::parse(date) {
                    if participation && !as_of.is_empty() && d.first.as_str() > as_of {
                        push(i + 1, "as_of", format!("the status was read as of {as_of}, before an act of {state} in '{treaty}' dated {date}: a source that cannot show the act cannot give the status"));
                    }
                }
            }
        }
        for (id, _) in kinds {
            if !seen.contains_key(&("CHN", id)) {
                push(
                    0,
                    "treaty_id",
                    format!("no status row for CHN in '{id}': every instrument needs China's status with its source"),
                );
            }
        }
    }
}

/// Checks a date string against its precision.
pub fn check_dated(date: &str, precision: &str) -> std::result::Result<(), String> {
    let want = match precision {
        "day" => 10,
        "month" => 7,
        "year" => 4,
        "unknown" => 0,
        _ => return Ok(()), // reported by the enumeration rule
    };
    if date.len() != want {
        return Err(if want == 0 {
            format!("date '{date}' is given but date_precision is 'unknown'")
        } else {
            format!(
                "date '{date}' does not match date_precision '{precision}' (expected {})",
                ["YYYY", "YYYY-MM", "YYYY-MM-DD"]
                    [[4, 7, 10].iter().position(|&w| w == want).unwrap_or(0)]
            )
        });
    }
    if want > 0 {
        parse_partial_date(date).map_err(|e| format!("date '{date}': {e}"))?;
    }
    Ok(())
}

/// Validates YYYY, YYYY-MM or YYYY-MM-DD (a real calendar date).
pub fn parse_partial_date(text: &str) -> std::result::Result<(i32, u32, u32), String> {
    let parts: Vec<&str> = text.split('-').collect();
    let num = |s: &str, len: usize| -> std::result::Result<u32, String> {
        if s.len() != len || !s.chars().all(|c| c.is_ascii_digit()) {
            return Err("not an ISO date (YYYY-MM-DD)".into());
        }
        s.parse().map_err(|_| "not an ISO date".to_string())
    };
    let year = num(parts[0], 4)? as i32;
    let month = if parts.len() > 1 {
        num(parts[1], 2)?
    } else {
        1
    };
    let day = if parts.len() > 2 {
        num(parts[2], 2)?
    } else {
        1
    };
    if parts.len() > 3 || !(1..=12).contains(&month) {
        return Err("not a valid month".into());
    }
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ][month as usize - 1];
    if day == 0 || day > days {
        return Err("not a valid day of the month".into());
    }
    Ok((year, month, day))
}

fn check_table(
    table: &RawTable,
    spec: &[ColumnSpec],
    source_ids: &BTreeSet<&str>,
    problems: &mut Vec<Problem>,
) {
    let mut push = |row: usize, column: &str, rule: String| {
        problems.push(Problem {
            file: table.file.clone(),
            row,
            column: column.to_string(),
            rule,
        })
    };
    let expected: Vec<&str> = spec.iter().map(|c| c.name).collect();
    for name in &expected {
        if !table.header.iter().any(|h| h == name) {
            push(0, name, "required column is missing from the header".into());
        }
    }
    for h in &table.header {
        if !expected.contains(&h.as_str()) {
            push(
                0,
                h,
                format!("unknown column (the columns are: {})", expected.join(", ")),
            );
        }
    }
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for (i, row) in table.rows.iter().enumerate() {
        for c in spec {
            let Some(value) = row.get(c.name) else {
                continue;
            };
            let v = value.as_str();
            match c.rule {
                Rule::Id => {
                    if v.is_empty() {
                        push(i + 1, c.name, "id is empty".into());
                    } else if !v
                        .chars()
                        .all(|ch| ch.is_ascii_alphanumeric() || "_-.:".contains(ch))
                    {
                        push(
                            i + 1,
                            c.name,
                            format!("id '{v}' may contain only letters, digits and _ - . :"),
                        );
                    } else if let Some(first) = seen.insert(v.to_string(), i + 1) {
                        push(
                            i + 1,
                            c.name,
                            format!("id '{v}' is not unique (also row {first})"),
                        );
                    }
                }
                Rule::Text => {}
                Rule::Required => {
                    if v.trim().is_empty() {
                        push(i + 1, c.name, "must not be empty".into());
                    }
                }
                Rule::Enum(allowed) => {
                    if !allowed.contains(&v) {
                        push(
                            i + 1,
                            c.name,
                            format!("'{v}' is not one of: {}", allowed.join(", ")),
                        );
                    }
                }
                Rule::Integer(max) => match v.parse::<u8>() {
                    Ok(x) if x <= max => {}
                    _ => push(
                        i + 1,
                        c.name,
                        format!("'{v}' is not a whole number from 0 to {max}"),
                    ),
                },
                Rule::Date => {
                    if !v.is_empty() {
                        if v.len() != 10 {
                            push(
                                i + 1,
                                c.name,
                                format!("'{v}' is not a full ISO date (YYYY-MM-DD)"),
                            );
                        } else if let Err(e) = parse_partial_date(v) {
                            push(i + 1, c.name, format!("'{v}': {e}"));
                        }
                    }
                }
                Rule::SourceIds => {
                    let ids = source_id_list(v);
                    if ids.is_empty() {
                        push(
                            i + 1,
                            c.name,
                            "no source: every fact needs a source a reader can check".into(),
                        );
                    }
                    for id in ids {
                        if !source_ids.contains(id) {
                            push(
                                i + 1,
                                c.name,
                                format!("source '{id}' is not a source_id in sources.csv"),
                            );
                        }
                    }
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Writing CSV (minimal quoting, as Python's csv module and R's write.csv read).

/// Quotes a field if it contains a comma, a quote or a line break.
pub fn csv_field(value: &str) -> String {
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_string()
    }
}

pub fn csv_text(header: &[String], rows: &[Row]) -> String {
    let mut out = header
        .iter()
        .map(|h| csv_field(h))
        .collect::<Vec<_>>()
        .join(",");
    out.push('\n');
    for r in rows {
        let line: Vec<String> = header
            .iter()
            .map(|h| csv_field(r.get(h).map(|s| s.as_str()).unwrap_or("")))
            .collect();
        out.push_str(&line.join(","));
        out.push('\n');
    }
    out
}

// ---------------------------------------------------------------------------
// Adding an instrument from TOML.

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
    let mut n = 0;
    let existing = data
        .actions
        .rows
        .iter()
        .filter(|r| r.get("treaty_id") == Some(&id))
        .count();
    for (k, a) in new.actions.iter().enumerate() {
        let mut row = to_row(&data.actions, a, toml_path, "actions")?;
        row.insert("treaty_id".into(), id.clone());
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
    let existing = data
        .provisions
        .rows
        .iter()
        .filter(|r| r.get("treaty_id") == Some(&id))
        .count();
    for (k, p) in new.provisions.iter().enumerate() {
        let mut row = to_row(&data.provisions, p, toml_path, "provisions")?;
        row.insert("treaty_id".into(), id.clone());
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
        row.insert("treaty_id".into(), id.clone());
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
    Ok((id, n, m, s))
}
