//! The dataset: China's treaty actions with sovereignty-cost codings, as tidy
//! CSV tables in `datasets/` (see `datasets/CODEBOOK.md`): reading, validation
//! (every problem reported with file, row, column and rule), and adding an
//! instrument from a TOML file, written atomically. The checks are in
//! `validate.rs`, `treaty add` in `add.rs`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::{Error, Location, Result};
use crate::table::Table;

mod add;
mod import;
pub mod untc_names;
mod validate;

pub use add::{add_instrument, NewInstrument};
pub use import::{import_untc, UntcImport};
pub use validate::{check_dated, parse_partial_date};

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
/// The historical actors (`outcome::Actor`); any other actor is the row's
/// own state, by its alpha-3 code.
pub const ACTORS: &[&str] = crate::outcome::Actor::NAMES;
/// The actions that are votes on an instrument's text.
pub const VOTE_ACTIONS: &[&str] = &["vote_yes", "vote_no", "abstention", "consensus_adoption"];
/// Which vote a vote row records, when it is not the adoption of the text on
/// (or within [`VOTE_ADOPTION_DAYS`] of) the instrument's `adopted` date.
pub const VOTE_EVENTS: &[&str] = &["adoption", "pre_adoption", "endorsement", "procedural"];
/// How far from the instrument's `adopted` date a vote on its adoption may be
/// dated without a `vote_event`.
pub const VOTE_ADOPTION_DAYS: i64 = 14;
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
    /// One of the values, or empty.
    EnumOrEmpty(&'static [&'static str]),
    Integer(u8),
    /// An ISO date (full date), or empty.
    Date,
    /// Semicolon-separated source ids, at least one.
    SourceIds,
    /// Semicolon-separated source ids, or empty.
    SourceIdsOrEmpty,
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
        // One of ACTORS or the row's state: checked in validate.rs.
        col("actor", Rule::Required),
        col("action", Rule::Enum(ACTIONS_KINDS)),
        col("date", Rule::Text),
        col("date_precision", Rule::Enum(PRECISIONS)),
        col("article", Rule::Text),
        col("vote_event", Rule::EnumOrEmpty(VOTE_EVENTS)),
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
        // Required except for status unknown: checked in validate.rs.
        col("source_ids", Rule::SourceIdsOrEmpty),
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

    /// The distinct values of a column.
    pub fn values(&self, column: &str) -> BTreeSet<&str> {
        self.rows.iter().map(|r| self.get(r, column)).collect()
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
            ..Default::default()
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

    /// Every action row that counts for its state (for China, the People's
    /// Republic's; `outcome::counts_for`), with its state and instrument, in
    /// file order.
    fn counting_acts(&self) -> impl Iterator<Item = (&str, &str, &Row)> {
        let a = &self.actions;
        a.rows.iter().filter_map(move |r| {
            let state = a.get(r, "state");
            crate::outcome::counts_for(state, a.get(r, "actor"))
                .then(|| (state, a.get(r, "treaty_id"), r))
        })
    }

    /// The action rows of `state` in an instrument that count for the state.
    pub fn acts_counting_for<'a>(&'a self, state: &'a str, treaty_id: &'a str) -> Vec<&'a Row> {
        self.counting_acts()
            .filter(|(s, t, _)| *s == state && *t == treaty_id)
            .map(|(_, _, r)| r)
            .collect()
    }

    /// The acts that count ([`Dataset::acts_counting_for`]), grouped by state
    /// and instrument in file order: one pass, for callers that look up many
    /// pairs.
    pub fn acts_by_state_and_instrument(&self) -> BTreeMap<(&str, &str), Vec<&Row>> {
        let mut index: BTreeMap<(&str, &str), Vec<&Row>> = BTreeMap::new();
        for (state, treaty, r) in self.counting_acts() {
            index.entry((state, treaty)).or_default().push(r);
        }
        index
    }

    /// The acts that count for one state, grouped by instrument in file order.
    pub fn acts_of_state_by_instrument(&self, state: &str) -> BTreeMap<&str, Vec<&Row>> {
        let mut index: BTreeMap<&str, Vec<&Row>> = BTreeMap::new();
        for (_, treaty, r) in self.counting_acts().filter(|(s, _, _)| *s == state) {
            index.entry(treaty).or_default().push(r);
        }
        index
    }

    /// The role of an action row for its instrument's kind (`None` for an
    /// unknown action or instrument).
    pub fn role(&self, action: &Row) -> Option<crate::outcome::Role> {
        let a = &self.actions;
        let kind = self.instrument_kind(a.get(action, "treaty_id"))?;
        Some(crate::outcome::ActionKind::parse(a.get(action, "action"))?.role(kind))
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
