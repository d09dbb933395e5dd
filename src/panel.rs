//! Panels built from the dataset: treaty-level, provision-level and
//! treaty-year frames, as [`Table`]s for the models.

use crate::error::Result;
// Re-exported for the modules that still import them from here (design,
// models, analysis, the tests); this goes once they import from crate::table.
use crate::table::{Column, Table};

use crate::dataset::{mechanism_level, Dataset, Row};
use crate::outcome::{outcome, Act, ActionKind, DateSpan, InstrumentKind, Status};
use std::collections::BTreeMap;

/// The day the PRC took China's seat at the United Nations (General Assembly
/// resolution 2758 (XXVI), 25 October 1971): declarations adopted before it
/// could not receive a PRC vote and are left out of the sample, and the
/// treaty-year risk set starts no earlier than 1971.
pub const PRC_UN_SEAT: &str = "1971-10-25";

/// The state whose outcomes the panels hold.
pub const CHINA: &str = "CHN";

#[derive(Debug, Clone)]
pub struct PanelOptions {
    /// Actions after this date (YYYY-MM-DD) do not count.
    pub cutoff: String,
    /// Count unverified actions and provisions too.
    pub include_unverified: bool,
}

impl Default for PanelOptions {
    fn default() -> Self {
        PanelOptions {
            cutoff: "2025-12-31".into(),
            include_unverified: false,
        }
    }
}

/// One instrument, with its codings, the computed cost indices and China's
/// outcomes at the cutoff.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TreatyRecord {
    pub treaty_id: String,
    pub short_name: String,
    pub kind: String,
    pub issue_area: String,
    pub soft_law: u8,
    pub adopted: String,
    pub adopted_year: i32,
    pub codings: Vec<(String, u8)>,
    pub delegation_unavoidable: u8,
    pub sovereignty_cost: f64,
    pub delegation_only: f64,
    pub hard_law: u8,
    pub sovereignty_cost_max: f64,
    pub core_sovereignty: u8,
    /// Joined (signed or consented; declarations: voted yes or joined the
    /// consensus) by the cutoff; `None` when the facts do not settle it.
    pub joined: Option<u8>,
    /// Consented to be bound by the cutoff; `None` when unknown.
    pub bound: Option<u8>,
    pub voted_no: u8,
    /// The date of the first joining act, at its precision (YYYY, YYYY-MM or
    /// YYYY-MM-DD), when known.
    pub join_date: Option<String>,
    pub join_year: Option<i32>,
    /// China's participation status (status.csv) and the date it was read.
    pub status: String,
    pub status_as_of: String,
    /// The status row cites a single source.
    pub status_single_source: bool,
    /// Why `joined` or `bound` is unknown (empty when both are known).
    pub unknown_because: String,
    /// China avoided at least one delegation provision of the instrument.
    pub opted_out: u8,
    /// Depth of commitment at the cutoff, 0-3 ([`crate::outcome::Depth`]);
    /// `None` when unknown or not defined (declarations and resolutions).
    pub depth: Option<u8>,
    /// Why `depth` is `None` (empty when it is known).
    pub depth_unknown_because: String,
    pub treaty_verified: bool,
}

impl TreatyRecord {
    pub fn coding(&self, name: &str) -> u8 {
        self.codings
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| *v)
            .unwrap_or(0)
    }
}

/// The components of the composite index, each scaled to [0, 1]
/// (datasets/CODEBOOK.md): obligation/2, precision/2,
/// delegation_unavoidable/4, trigger/3, national_review/2,
/// reservations_barred, non_party_reach, internal_conduct.
pub fn sovereignty_cost(codings: &dyn Fn(&str) -> u8, delegation: u8) -> f64 {
    let parts = [
        codings("obligation") as f64 / 2.0,
        codings("precision") as f64 / 2.0,
        delegation as f64 / 4.0,
        codings("trigger") as f64 / 3.0,
        codings("national_review") as f64 / 2.0,
        codings("reservations_barred") as f64,
        codings("non_party_reach") as f64,
        codings("internal_conduct") as f64,
    ];
    parts.iter().sum::<f64>() / parts.len() as f64
}

pub fn year_of(date: &str) -> Option<i32> {
    date.get(..4).and_then(|y| y.parse().ok())
}

/// Builds the treaty-level frame.
pub fn treaty_records(data: &Dataset, opts: &PanelOptions) -> Vec<TreatyRecord> {
    let t = &data.treaties;
    let china = ChinaFacts::index(data);
    let mut out = Vec::new();
    for r in &t.rows {
        let get = |c: &str| t.get(r, c).to_string();
        let id = get("treaty_id");
        // An instrument whose own facts (dates) are unverified stays in the
        // universe; verification filters China's actions, i.e. the outcomes.
        let verified = get("verified") == "yes";
        let adopted = get("adopted");
        if adopted.as_str() > opts.cutoff.as_str() {
            continue;
        }
        let soft = matches!(get("kind").as_str(), "declaration" | "resolution")
            && get("obligation") == "0";
        if soft && adopted.as_str() < PRC_UN_SEAT {
            continue;
        }
        let codings: Vec<(String, u8)> = crate::dataset::CODINGS
            .iter()
            .map(|(c, _)| (c.to_string(), t.get(r, c).parse().unwrap_or(0)))
            .collect();
        let code = |c: &str| {
            codings
                .iter()
                .find(|(n, _)| n == c)
                .map(|(_, v)| *v)
                .unwrap_or(0)
        };
        let provisions: Vec<_> = data
            .provisions
            .rows
            .iter()
            .filter(|p| data.provisions.get(p, "treaty_id") == id)
            .collect();
        let automatic_max = provisions
            .iter()
            .filter(|p| data.provisions.get(p, "acceptance_mode") == "automatic")
            .map(|p| mechanism_level(data.provisions.get(p, "mechanism")))
            .max()
            .unwrap_or(0);
        let unavoidable = if code("delegation_avoidable") == 0 {
            code("delegation_default")
        } else {
            automatic_max.min(code("delegation_default"))
        };
        let outcome = state_outcome(
            data,
            china.status.get(id.as_str()).copied(),
            china.acts(&id),
            &get("kind"),
            opts,
        );
        let voted_no = china.acts(&id).iter().any(|a| {
            let g = |c: &str| data.actions.get(a, c);
            g("action") == "vote_no"
                && (opts.include_unverified || g("verified") == "yes")
                && !g("date").is_empty()
                && g("date") <= opts.cutoff.as_str()
        });
        let opted_out = provisions.iter().any(|p| {
            data.provisions.get(p, "china_position") == "avoided"
                && (opts.include_unverified || data.provisions.get(p, "verified") == "yes")
        });
        let (depth, depth_unknown_because) = china_depth(
            &get("kind"),
            &outcome,
            reserved_delegation(data, &provisions, opts),
        );
        out.push(TreatyRecord {
            treaty_id: id.clone(),
            short_name: get("short_name"),
            kind: get("kind"),
            issue_area: get("issue_area"),
            soft_law: u8::from(soft),
            adopted_year: year_of(&adopted).unwrap_or(0),
            adopted,
            delegation_unavoidable: unavoidable,
            sovereignty_cost: sovereignty_cost(&code, unavoidable),
            delegation_only: unavoidable as f64 / 4.0,
            hard_law: u8::from(code("obligation") == 2 && unavoidable >= 3),
            sovereignty_cost_max: sovereignty_cost(&code, code("delegation_max")),
            core_sovereignty: code("core_sovereignty"),
            codings,
            joined: outcome.joined.map(u8::from),
            bound: outcome.bound.map(u8::from),
            voted_no: u8::from(voted_no),
            join_year: outcome.join_date.as_ref().and_then(|d| d.year()),
            join_date: outcome.join_date.map(|d| d.text),
            status: outcome.status,
            status_as_of: outcome.as_of,
            status_single_source: outcome.single_source,
            unknown_because: outcome.unknown_because,
            opted_out: u8::from(opted_out),
            depth,
            depth_unknown_because,
            treaty_verified: verified,
        });
    }
    out
}

/// Whether China excluded a delegation provision of the instrument that
/// would otherwise apply to it: a provision of acceptance mode `opt_out`
/// (or `automatic`) that China `avoided`, i.e. reserved or declared away
/// (the rows `h3_opt_outs` counts as avoided on the opt-out side). Not
/// making an opt-in declaration is not an opt-out: an opt-in mechanism does
/// not apply to a party that does nothing. `None` when no counted row shows
/// an opt-out but an uncounted (unverified) row could: an opt-out row of
/// either position, or an avoided automatic row.
pub fn reserved_delegation(
    data: &Dataset,
    provisions: &[&crate::dataset::Row],
    opts: &PanelOptions,
) -> Option<bool> {
    let p = &data.provisions;
    let mut unsettled = false;
    for r in provisions {
        let mode = p.get(r, "acceptance_mode");
        let avoided = p.get(r, "china_position") == "avoided";
        let counted = opts.include_unverified || p.get(r, "verified") == "yes";
        let could_exclude = mode == "opt_out" || (mode == "automatic" && avoided);
        if !could_exclude {
            continue;
        }
        if counted && avoided {
            return Some(true);
        }
        let open = matches!(p.get(r, "china_position"), "accepted" | "avoided");
        unsettled |= !counted && open;
    }
    (!unsettled).then_some(false)
}

/// China's depth of commitment ([`crate::outcome::depth`]) and, when it is
/// unknown or not defined, why.
fn china_depth(kind: &str, o: &StateOutcome, reserved: Option<bool>) -> (Option<u8>, String) {
    let Some(kind) = InstrumentKind::parse(kind) else {
        return (None, "invalid kind".into());
    };
    if !kind.is_binding() {
        return (None, "not defined for a declaration or resolution".into());
    }
    match crate::outcome::depth(kind, o.joined, o.bound, reserved) {
        Some(d) => (Some(d.level()), String::new()),
        None if o.joined.is_none() || o.bound.is_none() => (None, o.unknown_because.clone()),
        None => (
            None,
            "bound, but whether a delegation provision was reserved away rests on unverified provision rows".into(),
        ),
    }
}

/// China's status rows and the acts that count for China
/// (`Dataset::acts_counting_for`), by instrument: one pass over each table.
struct ChinaFacts<'a> {
    status: BTreeMap<&'a str, &'a Row>,
    acts: BTreeMap<&'a str, Vec<&'a Row>>,
}

impl<'a> ChinaFacts<'a> {
    fn index(data: &'a Dataset) -> ChinaFacts<'a> {
        let st = &data.status;
        let status = st
            .rows
            .iter()
            .filter(|r| st.get(r, "state") == CHINA)
            .map(|r| (st.get(r, "treaty_id"), r))
            .collect();
        let acts = data.acts_of_state_by_instrument(CHINA);
        ChinaFacts { status, acts }
    }

    fn acts(&self, treaty_id: &str) -> &[&'a Row] {
        self.acts.get(treaty_id).map(Vec::as_slice).unwrap_or(&[])
    }
}

/// A state's outcome on one instrument at the cutoff, by the rules of
/// [`crate::outcome`], from its status row and the acts that count for it
/// (`Dataset::acts_counting_for`). A status row that is missing, not one of
/// the statuses the rule knows (`unknown`: not established), or (by default)
/// unverified leaves both outcomes unknown; an unverified act counts with an
/// unknown date.
pub struct StateOutcome {
    pub joined: Option<bool>,
    pub bound: Option<bool>,
    pub join_date: Option<DateSpan>,
    pub status: String,
    pub as_of: String,
    pub single_source: bool,
    pub unknown_because: String,
}

pub fn state_outcome(
    data: &Dataset,
    status_row: Option<&crate::dataset::Row>,
    acts: &[&crate::dataset::Row],
    kind: &str,
    opts: &PanelOptions,
) -> StateOutcome {
    let st = &data.status;
    let unknown = |why: String, status: &str, as_of: &str, single: bool| StateOutcome {
        joined: None,
        bound: None,
        join_date: None,
        status: status.to_string(),
        as_of: as_of.to_string(),
        single_source: single,
        unknown_because: why,
    };
    let Some(row) = status_row else {
        return unknown("no status row".into(), "", "", false);
    };
    let status_text = st.get(row, "status");
    let as_of = st.get(row, "as_of");
    let single = crate::dataset::source_id_list(st.get(row, "source_ids")).len() == 1;
    let Some(kind) = InstrumentKind::parse(kind) else {
        return unknown("invalid kind or status".into(), status_text, as_of, single);
    };
    let Some(status) = Status::parse(status_text) else {
        let why = if status_text == "unknown" {
            "the status is not established (unknown)".to_string()
        } else {
            "invalid kind or status".to_string()
        };
        return unknown(why, status_text, as_of, single);
    };
    if !opts.include_unverified && st.get(row, "verified") != "yes" {
        return unknown(
            format!("the status ({status_text}) is unverified"),
            status_text,
            as_of,
            single,
        );
    }
    let a = &data.actions;
    let acts: Vec<Act> = acts
        .iter()
        .filter_map(|r| {
            let role = ActionKind::parse(a.get(r, "action"))?.role(kind);
            let counted = opts.include_unverified || a.get(r, "verified") == "yes";
            Some(Act {
                role,
                date: if counted {
                    DateSpan::parse(a.get(r, "date"))
                } else {
                    None
                },
            })
        })
        .collect();
    let o = outcome(kind, status, as_of, &acts, &opts.cutoff);
    StateOutcome {
        joined: o.joined,
        bound: o.bound,
        join_date: o.join_date,
        status: status_text.to_string(),
        as_of: as_of.to_string(),
        single_source: single,
        unknown_because: o.unknown_because,
    }
}

/// A text column, one cell per record.
fn text_column<R>(name: &str, records: &[R], cell: impl Fn(&R) -> &str) -> (String, Column) {
    let cells = records.iter().map(|r| Some(cell(r).to_string())).collect();
    (name.to_string(), Column::Text(cells))
}

/// A numeric column, one cell per record; `None` when unknown.
fn number_column<R>(
    name: &str,
    records: &[R],
    cell: impl Fn(&R) -> Option<f64>,
) -> (String, Column) {
    (
        name.to_string(),
        Column::Numeric(records.iter().map(cell).collect()),
    )
}

/// The treaty-level frame as a table for models.
pub fn treaty_table(records: &[TreatyRecord]) -> Result<Table> {
    let text = |name: &str, cell: fn(&TreatyRecord) -> &str| text_column(name, records, cell);
    let number =
        |name: &str, cell: fn(&TreatyRecord) -> Option<f64>| number_column(name, records, cell);
    let mut cols = vec![
        text("treaty_id", |r| &r.treaty_id),
        text("short_name", |r| &r.short_name),
        text("kind", |r| &r.kind),
        text("issue_area", |r| &r.issue_area),
        number("soft_law", |r| Some(r.soft_law.into())),
        number("adopted_year", |r| Some(r.adopted_year.into())),
    ];
    for (k, (name, _)) in crate::dataset::CODINGS.iter().enumerate() {
        cols.push(number_column(name, records, |r| {
            Some(r.codings[k].1.into())
        }));
    }
    cols.extend([
        number("delegation_unavoidable", |r| {
            Some(r.delegation_unavoidable.into())
        }),
        number("sovereignty_cost", |r| Some(r.sovereignty_cost)),
        number("delegation_only", |r| Some(r.delegation_only)),
        number("hard_law", |r| Some(r.hard_law.into())),
        number("sovereignty_cost_max", |r| Some(r.sovereignty_cost_max)),
        number("joined", |r| r.joined.map(f64::from)),
        number("bound", |r| r.bound.map(f64::from)),
        text("status", |r| &r.status),
        number("voted_no", |r| Some(r.voted_no.into())),
        number("opted_out", |r| Some(r.opted_out.into())),
        number("join_year", |r| r.join_year.map(f64::from)),
        number("depth", |r| r.depth.map(f64::from)),
    ]);
    Table::from_columns("treaty panel", cols)
}

/// One delegation provision China could accept or avoid in an instrument it
/// is bound by.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ProvisionRecord {
    pub provision_id: String,
    pub treaty_id: String,
    pub short_name: String,
    pub article: String,
    pub mechanism: String,
    pub level: u8,
    pub acceptance_mode: String,
    pub avoided: u8,
    pub sovereignty_cost: f64,
    pub issue_area: String,
}

/// The provision-level frame: opt-out and opt-in provisions of the
/// instruments China is bound by at the cutoff.
pub fn provision_records(
    data: &Dataset,
    treaties: &[TreatyRecord],
    opts: &PanelOptions,
) -> Vec<ProvisionRecord> {
    let p = &data.provisions;
    p.rows
        .iter()
        .filter_map(|r| {
            let g = |c: &str| p.get(r, c).to_string();
            let t = treaties.iter().find(|t| t.treaty_id == g("treaty_id"))?;
            if t.bound != Some(1) || t.soft_law == 1 {
                return None;
            }
            if !matches!(g("acceptance_mode").as_str(), "opt_out" | "opt_in") {
                return None;
            }
            if !opts.include_unverified && g("verified") != "yes" {
                return None;
            }
            if !matches!(g("china_position").as_str(), "accepted" | "avoided") {
                return None;
            }
            Some(ProvisionRecord {
                provision_id: g("provision_id"),
                treaty_id: t.treaty_id.clone(),
                short_name: t.short_name.clone(),
                article: g("article"),
                level: mechanism_level(&g("mechanism")),
                mechanism: g("mechanism"),
                acceptance_mode: g("acceptance_mode"),
                avoided: u8::from(g("china_position") == "avoided"),
                sovereignty_cost: t.sovereignty_cost,
                issue_area: t.issue_area.clone(),
            })
        })
        .collect()
}

pub fn provision_table(records: &[ProvisionRecord]) -> Result<Table> {
    let text = |name: &str, cell: fn(&ProvisionRecord) -> &str| text_column(name, records, cell);
    let number =
        |name: &str, cell: fn(&ProvisionRecord) -> Option<f64>| number_column(name, records, cell);
    Table::from_columns(
        "provision panel",
        vec![
            text("provision_id", |r| &r.provision_id),
            text("treaty_id", |r| &r.treaty_id),
            text("mechanism", |r| &r.mechanism),
            number("level", |r| Some(r.level.into())),
            text("acceptance_mode", |r| &r.acceptance_mode),
            number("opt_out_mode", |r| {
                Some(u8::from(r.acceptance_mode == "opt_out").into())
            }),
            number("avoided", |r| Some(r.avoided.into())),
            number("sovereignty_cost", |r| Some(r.sovereignty_cost)),
            text("issue_area", |r| &r.issue_area),
        ],
    )
}

/// Why an instrument is left out of the treaty-year frame: its outcome at the
/// cutoff is unknown, or it was joined in a year that is not known.
pub fn treaty_year_left_out(r: &TreatyRecord) -> Option<String> {
    match r.joined {
        None => Some(r.unknown_because.clone()),
        Some(1) if r.join_year.is_none() => {
            Some("joined, but the year of the first joining act is not known".into())
        }
        _ => None,
    }
}

/// The treaty-year risk set for discrete-time hazard models: one row per
/// instrument and year from max(adoption year, 1971) to the year China joined
/// (event = 1) or the cutoff year (event = 0 throughout).
pub fn treaty_year_table(records: &[TreatyRecord], opts: &PanelOptions) -> Result<Table> {
    let cutoff_year = year_of(&opts.cutoff).unwrap_or(2025);
    let seat_year = year_of(PRC_UN_SEAT).unwrap_or(1971);
    const NUMERIC: [&str; 9] = [
        "year",
        "duration",
        "log_duration",
        "event",
        "sovereignty_cost",
        "soft_law",
        "core_sovereignty",
        "after_1998",
        "after_2001",
    ];
    let mut ids = Vec::new();
    let mut numbers: Vec<Vec<Option<f64>>> = vec![Vec::new(); NUMERIC.len()];
    let mut periods = Vec::new();
    for r in records {
        // An instrument whose year of joining is unknown cannot be placed in
        // the risk set: it is left out (see `treaty_year_left_out`), never
        // counted as "never joined".
        if treaty_year_left_out(r).is_some() {
            continue;
        }
        let start = r.adopted_year.max(seat_year);
        if let Some(y) = r.join_year {
            if y < start {
                // Joined (signed) before the PRC risk set opens: not at risk.
                continue;
            }
        }
        let end = r.join_year.unwrap_or(cutoff_year).min(cutoff_year);
        for year in start..=end {
            let d = year - start + 1;
            let event = u8::from(r.join_year == Some(year));
            let period = if year < 1998 {
                "before_1998"
            } else if year < 2002 {
                "1998_2001"
            } else {
                "from_2002"
            };
            let values = [
                f64::from(year),
                f64::from(d),
                (d as f64).ln(),
                f64::from(event),
                r.sovereignty_cost,
                f64::from(r.soft_law),
                f64::from(r.core_sovereignty),
                f64::from(u8::from(year >= 1998)),
                f64::from(u8::from(year >= 2002)),
            ];
            for (c, v) in numbers.iter_mut().zip(values) {
                c.push(Some(v));
            }
            ids.push(Some(r.treaty_id.clone()));
            periods.push(Some(period.to_string()));
        }
    }
    let mut cols = vec![("treaty_id".to_string(), Column::Text(ids))];
    for (name, values) in NUMERIC.iter().zip(numbers) {
        cols.push((name.to_string(), Column::Numeric(values)));
    }
    cols.push(("period".to_string(), Column::Text(periods)));
    Table::from_columns("treaty-year panel", cols)
}
