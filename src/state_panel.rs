//! The comparative panels: one row per state and instrument (and a state ×
//! instrument × year risk set for hazard models), for every state the
//! dataset holds (`status.csv` and `actions.csv`), over the instruments of
//! the treaty-level frame. Each state's outcomes come from the same rule as
//! China's ([`crate::panel::state_outcome`], the acts counting for the state
//! as `Dataset::acts_counting_for` selects them), so China's rows are the
//! treaty panel's outcomes; the instrument's codings and cost indices are the
//! treaty panel's.

use std::collections::{BTreeSet, HashMap};

use crate::dataset::{Dataset, Row};
use crate::error::Result;
use crate::panel::{self, PanelOptions, TreatyRecord, CHINA, PRC_UN_SEAT};
use crate::table::{Column, Table};

/// One state's outcome on one instrument at the cutoff.
#[derive(Debug, Clone, PartialEq)]
pub struct StateRecord {
    pub state: String,
    /// Index of the instrument in [`StatePanel::treaties`].
    pub treaty: usize,
    /// Signed or consented (declarations: voted yes or joined the
    /// consensus) by the cutoff; `None` when the facts do not settle it.
    pub joined: Option<u8>,
    /// Consented to be bound by the cutoff; `None` when unknown.
    pub consented: Option<u8>,
    pub join_year: Option<i32>,
    /// Depth of commitment ([`crate::outcome::Depth`]): China's as in the
    /// treaty panel; a peer's 0 or 1 where known, and `None` where it is
    /// bound (provisions.csv codes China's opt-outs only, so a peer's levels
    /// 2 and 3 cannot be told apart).
    pub depth: Option<u8>,
    /// The status row's status (empty without one) and its date.
    pub status: String,
    pub status_as_of: String,
    /// Why `joined` or `consented` is unknown (empty when both are known).
    pub unknown_because: String,
}

/// The state × instrument panel: the instruments (the treaty-level frame)
/// and one record per state and instrument, ordered by state, then
/// instrument.
#[derive(Debug, Clone)]
pub struct StatePanel {
    pub treaties: Vec<TreatyRecord>,
    pub states: Vec<String>,
    pub rows: Vec<StateRecord>,
}

impl StatePanel {
    pub fn treaty(&self, r: &StateRecord) -> &TreatyRecord {
        &self.treaties[r.treaty]
    }
    /// The same panel over fewer rows (a sample).
    pub fn with_rows(&self, rows: Vec<StateRecord>) -> StatePanel {
        StatePanel {
            treaties: self.treaties.clone(),
            states: self.states.clone(),
            rows,
        }
    }
}

/// China's peers (codebook section 11, *Peer states*): the other permanent
/// members of the Security Council and the G20 member states. Who the peers
/// are does not depend on what they did with any instrument.
pub const PEERS: [&str; 18] = [
    "USA", "RUS", "GBR", "FRA", "ARG", "AUS", "BRA", "CAN", "DEU", "IND", "IDN", "ITA", "JPN",
    "KOR", "MEX", "SAU", "ZAF", "TUR",
];

/// Whether a state is China or one of its peers.
pub fn in_peer_group(state: &str) -> bool {
    state == CHINA || PEERS.contains(&state)
}

/// The states of the dataset: every `state` of status.csv and actions.csv,
/// in byte order.
pub fn states(data: &Dataset) -> Vec<String> {
    let mut set: BTreeSet<&str> = data.status.values("state");
    set.extend(data.actions.values("state"));
    set.into_iter()
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// Builds the state × instrument panel. The status rows and the acts are
/// indexed once by (state, instrument); the acts kept are those
/// `Dataset::acts_counting_for` keeps (for China, the PRC's only).
pub fn state_panel(data: &Dataset, opts: &PanelOptions) -> StatePanel {
    let treaties = panel::treaty_records(data, opts);
    let states = states(data);
    let st = &data.status;
    let mut status: HashMap<(&str, &str), &Row> = HashMap::new();
    for r in &st.rows {
        status
            .entry((st.get(r, "state"), st.get(r, "treaty_id")))
            .or_insert(r);
    }
    let acts = data.acts_by_state_and_instrument();
    let mut rows = Vec::with_capacity(states.len() * treaties.len());
    for state in &states {
        for (k, t) in treaties.iter().enumerate() {
            let key = (state.as_str(), t.treaty_id.as_str());
            let mine = acts.get(&key).map(Vec::as_slice).unwrap_or(&[]);
            let o = panel::state_outcome(data, status.get(&key).copied(), mine, &t.kind, opts);
            let depth = if state == CHINA {
                t.depth
            } else {
                crate::outcome::InstrumentKind::parse(&t.kind)
                    .and_then(|kind| crate::outcome::depth(kind, o.joined, o.bound, None))
                    .map(|d| d.level())
            };
            rows.push(StateRecord {
                state: state.clone(),
                treaty: k,
                joined: o.joined.map(u8::from),
                consented: o.bound.map(u8::from),
                depth,
                join_year: o.join_date.as_ref().and_then(|d| d.year()),
                status: o.status,
                status_as_of: o.as_of,
                unknown_because: o.unknown_because,
            });
        }
    }
    StatePanel {
        treaties,
        states,
        rows,
    }
}

/// The panel as a table for models and for `sovcost export`.
pub fn state_table(panel: &StatePanel) -> Result<Table> {
    let rows = &panel.rows;
    let t = |r: &StateRecord| panel.treaty(r);
    let text = |name: &str, cell: &dyn Fn(&StateRecord) -> String| {
        (
            name.to_string(),
            Column::Text(rows.iter().map(|r| Some(cell(r))).collect()),
        )
    };
    let number = |name: &str, cell: &dyn Fn(&StateRecord) -> Option<f64>| {
        (
            name.to_string(),
            Column::Numeric(rows.iter().map(cell).collect()),
        )
    };
    let mut cols = vec![
        text("state", &|r| r.state.clone()),
        text("treaty_id", &|r| t(r).treaty_id.clone()),
        text("short_name", &|r| t(r).short_name.clone()),
        text("kind", &|r| t(r).kind.clone()),
        text("issue_area", &|r| t(r).issue_area.clone()),
        number("soft_law", &|r| Some(t(r).soft_law.into())),
        number("adopted_year", &|r| Some(t(r).adopted_year.into())),
    ];
    for (k, (name, _)) in crate::dataset::CODINGS.iter().enumerate() {
        cols.push(number(name, &|r| Some(t(r).codings[k].1.into())));
    }
    cols.extend([
        number("delegation_unavoidable", &|r| {
            Some(t(r).delegation_unavoidable.into())
        }),
        number("sovereignty_cost", &|r| Some(t(r).sovereignty_cost)),
        number("delegation_only", &|r| Some(t(r).delegation_only)),
        number("hard_law", &|r| Some(t(r).hard_law.into())),
        number("sovereignty_cost_max", &|r| Some(t(r).sovereignty_cost_max)),
        number("china", &|r| Some(f64::from(u8::from(r.state == CHINA)))),
        number("joined", &|r| r.joined.map(f64::from)),
        number("consented", &|r| r.consented.map(f64::from)),
        text("status", &|r| r.status.clone()),
        number("join_year", &|r| r.join_year.map(f64::from)),
        number("depth", &|r| r.depth.map(f64::from)),
    ]);
    Table::from_columns("state panel", cols)
}

/// Why a state's instrument is left out of the state-year frame: its
/// outcome at the cutoff is unknown, or it was joined in a year not known.
pub fn state_year_left_out(r: &StateRecord) -> Option<String> {
    match r.joined {
        None => Some(r.unknown_because.clone()),
        Some(1) if r.join_year.is_none() => {
            Some("joined, but the year of the first joining act is not known".into())
        }
        _ => None,
    }
}

/// The numeric columns of the state-year frame.
const YEAR_NUMERIC: [&str; 11] = [
    "year",
    "duration",
    "log_duration",
    "event",
    "sovereignty_cost",
    "soft_law",
    "hard_law",
    "core_sovereignty",
    "china",
    "after_1998",
    "after_2001",
];

/// The state × instrument × year risk set: for each state and instrument,
/// one row per year from max(adoption year, 1971) (the treaty-year frame's
/// window, for every state, so that the risk sets are comparable) to the
/// year the state joined (event = 1) or the cutoff year. A record left out
/// by [`state_year_left_out`], or joined before its window opens, has no
/// rows.
pub fn state_year_table(panel: &StatePanel, opts: &PanelOptions) -> Result<Table> {
    let cutoff_year = panel::year_of(&opts.cutoff).unwrap_or(2025);
    let seat_year = panel::year_of(PRC_UN_SEAT).unwrap_or(1971);
    let mut states = Vec::new();
    let mut ids = Vec::new();
    let mut numbers: Vec<Vec<Option<f64>>> = vec![Vec::new(); YEAR_NUMERIC.len()];
    for r in &panel.rows {
        if state_year_left_out(r).is_some() {
            continue;
        }
        let t = panel.treaty(r);
        let start = t.adopted_year.max(seat_year);
        if r.join_year.is_some_and(|y| y < start) {
            continue;
        }
        let end = r.join_year.unwrap_or(cutoff_year).min(cutoff_year);
        let china = f64::from(u8::from(r.state == CHINA));
        for year in start..=end {
            let d = year - start + 1;
            let values = [
                f64::from(year),
                f64::from(d),
                f64::from(d).ln(),
                f64::from(u8::from(r.join_year == Some(year))),
                t.sovereignty_cost,
                f64::from(t.soft_law),
                f64::from(t.hard_law),
                f64::from(t.core_sovereignty),
                china,
                f64::from(u8::from(year >= 1998)),
                f64::from(u8::from(year >= 2002)),
            ];
            for (c, v) in numbers.iter_mut().zip(values) {
                c.push(Some(v));
            }
            states.push(Some(r.state.clone()));
            ids.push(Some(t.treaty_id.clone()));
        }
    }
    let mut cols = vec![
        ("state".to_string(), Column::Text(states)),
        ("treaty_id".to_string(), Column::Text(ids)),
    ];
    for (name, values) in YEAR_NUMERIC.iter().zip(numbers) {
        cols.push((name.to_string(), Column::Numeric(values)));
    }
    Table::from_columns("state-year panel", cols)
}
