//! How certain the facts are: the data-quality section of every report, the
//! list of unverified facts (`sovcost validate --unverified`), what an added
//! instrument's unverified facts do to its outcome (`sovcost treaty add`), and
//! the status list generated into the codebook (`sovcost status`).

use crate::dataset::{source_id_list, Dataset, RawTable, Row};
use crate::outcome::Role;
use crate::panel::{treaty_records, PanelOptions, TreatyRecord, CHINA};
use crate::results::{DataQuality, VerifiedCount};

fn source_kinds<'a>(data: &'a Dataset, ids: &str) -> Vec<&'a str> {
    source_id_list(ids)
        .into_iter()
        .filter_map(|id| {
            data.sources
                .rows
                .iter()
                .find(|r| data.sources.get(r, "source_id") == id)
                .map(|r| data.sources.get(r, "kind"))
        })
        .collect()
}

fn short_name<'a>(data: &'a Dataset, id: &'a str) -> &'a str {
    data.treaties
        .rows
        .iter()
        .find(|r| data.treaties.get(r, "treaty_id") == id)
        .map(|r| data.treaties.get(r, "short_name"))
        .unwrap_or(id)
}

fn single_source(data: &Dataset, row: &Row) -> bool {
    source_id_list(data.status.get(row, "source_ids")).len() == 1
}

/// Whether a status row's sources are all secondary (no depositary record,
/// treaty text, UN document, press release or national decision).
fn secondary_only(data: &Dataset, row: &Row) -> bool {
    let kinds = source_kinds(data, data.status.get(row, "source_ids"));
    !kinds.is_empty() && kinds.iter().all(|k| *k == "secondary")
}

/// Statuses that rest on one source or only on secondary sources: the least
/// certain facts, left out in the report's comparison.
pub fn least_certain_statuses(data: &Dataset) -> Vec<String> {
    data.status
        .rows
        .iter()
        .filter(|r| data.status.get(r, "state") == CHINA)
        .filter(|r| single_source(data, r) || secondary_only(data, r))
        .map(|r| data.status.get(r, "treaty_id").to_string())
        .collect()
}

/// Everything but the main result, which the analysis layer adds.
pub fn data_quality(data: &Dataset, opts: &PanelOptions) -> DataQuality {
    let count = |table: &RawTable, fact: &str, keep: &dyn Fn(&Row) -> bool| {
        let rows: Vec<&Row> = table.rows.iter().filter(|r| keep(r)).collect();
        VerifiedCount {
            fact: fact.to_string(),
            total: rows.len(),
            verified: rows
                .iter()
                .filter(|r| table.get(r, "verified") == "yes")
                .count(),
        }
    };
    // China's acts only: the other states' rows are the comparative data.
    let china = |r: &Row| data.actions.get(r, "state") == CHINA;
    let prc = |r: &Row| china(r) && data.actions.get(r, "actor") == "PRC";
    let has_role = |r: &Row, roles: &[Role]| data.role(r).is_some_and(|x| roles.contains(&x));
    let verified_by_kind = vec![
        count(&data.status, "Participation status (status.csv)", &|r| {
            data.status.get(r, "state") == CHINA
        }),
        count(
            &data.actions,
            "PRC signatures and consents to be bound",
            &|r| prc(r) && has_role(r, &[Role::Signature, Role::Consent]),
        ),
        count(
            &data.actions,
            "PRC votes on declarations and resolutions",
            &|r| prc(r) && has_role(r, &[Role::Support, Role::Oppose, Role::Abstain]),
        ),
        count(
            &data.actions,
            "PRC votes on treaty texts (recorded, never joining)",
            &|r| prc(r) && has_role(r, &[Role::AdoptionVote]),
        ),
        count(
            &data.actions,
            "Other PRC acts (approvals, reservations, declarations)",
            &|r| prc(r) && has_role(r, &[Role::Other, Role::Exit, Role::SignatureWithdrawal]),
        ),
        count(&data.actions, "ROC acts (kept, never counted)", &|r| {
            china(r) && !prc(r)
        }),
        count(&data.provisions, "Delegation provisions", &|_| true),
        count(
            &data.treaties,
            "Instrument facts (dates, articles)",
            &|_| true,
        ),
    ];
    let mut dates_total = 0;
    let mut dates_day_verified = 0;
    let mut reduced_dates = Vec::new();
    for a in &data.actions.rows {
        if !prc(a) || !has_role(a, &[Role::Signature, Role::Consent]) {
            continue;
        }
        dates_total += 1;
        let g = |c: &str| data.actions.get(a, c);
        let day = g("date_precision") == "day";
        let verified = g("verified") == "yes";
        if day && verified {
            dates_day_verified += 1;
        } else {
            reduced_dates.push(format!(
                "{}: {} {} ({}{})",
                short_name(data, g("treaty_id")),
                g("action"),
                if g("date").is_empty() {
                    "no date"
                } else {
                    g("date")
                },
                g("date_precision"),
                if verified { "" } else { ", unverified" }
            ));
        }
    }
    let mut single_source_status = Vec::new();
    let mut secondary_only_status = Vec::new();
    for r in &data.status.rows {
        if data.status.get(r, "state") != CHINA {
            continue;
        }
        let id = data.status.get(r, "treaty_id");
        if single_source(data, r) {
            single_source_status.push(short_name(data, id).to_string());
        }
        if secondary_only(data, r) {
            secondary_only_status.push(short_name(data, id).to_string());
        }
    }
    let unknown_outcomes = treaty_records(data, opts)
        .iter()
        .filter(|r| r.joined.is_none() || r.bound.is_none())
        .map(|r| format!("{}: {}", r.short_name, r.unknown_because))
        .collect();
    DataQuality {
        cutoff: opts.cutoff.clone(),
        verified_by_kind,
        dates_day_verified,
        dates_total,
        reduced_dates,
        single_source_status,
        secondary_only_status,
        unknown_outcomes,
        main_result: Vec::new(),
        main_analysis: String::new(),
        main_term: String::new(),
        states: state_facts(data, opts),
    }
}

/// Each state's number of instruments with an established status and of
/// unknown outcomes in the state panel.
pub fn state_facts(data: &Dataset, opts: &PanelOptions) -> Vec<crate::results::StateFacts> {
    let panel = crate::state_panel::state_panel(data, opts);
    panel
        .states
        .iter()
        .map(|state| {
            let rows: Vec<_> = panel.rows.iter().filter(|r| &r.state == state).collect();
            crate::results::StateFacts {
                state: state.clone(),
                peer_group: crate::state_panel::in_peer_group(state),
                instruments: rows.len(),
                known_status: rows
                    .iter()
                    .filter(|r| crate::outcome::Status::parse(&r.status).is_some())
                    .count(),
                unknown_outcomes: rows.iter().filter(|r| r.joined.is_none()).count(),
            }
        })
        .collect()
}

/// One unverified fact: where it is and what is unverified.
#[derive(Debug, Clone, PartialEq)]
pub struct UnverifiedFact {
    pub file: String,
    /// 1-based data row.
    pub row: usize,
    pub treaty_id: String,
    pub what: String,
}

impl std::fmt::Display for UnverifiedFact {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: row {}: {}: {}",
            self.file, self.row, self.treaty_id, self.what
        )
    }
}

/// Every unverified fact (`sovcost validate --unverified` prints one a line).
pub fn unverified_facts(data: &Dataset) -> Vec<UnverifiedFact> {
    let mut out = Vec::new();
    let mut each = |table: &RawTable, what: &dyn Fn(&Row) -> String| {
        for (i, r) in table.rows.iter().enumerate() {
            if table.get(r, "verified") != "no" {
                continue;
            }
            out.push(UnverifiedFact {
                file: table.file.clone(),
                row: i + 1,
                treaty_id: table.get(r, "treaty_id").to_string(),
                what: what(r),
            });
        }
    };
    each(&data.treaties, &|_| {
        "the instrument's dates or article facts are not all confirmed".into()
    });
    each(&data.status, &|r| {
        format!(
            "status '{}' of {} (as of {})",
            data.status.get(r, "status"),
            data.status.get(r, "state"),
            data.status.get(r, "as_of")
        )
    });
    each(&data.actions, &|r| {
        let g = |c: &str| data.actions.get(r, c);
        format!(
            "{} {} by {} ({}){}",
            g("action_id"),
            g("action"),
            g("actor"),
            if g("date").is_empty() {
                "no date".to_string()
            } else {
                format!("{}, {} precision", g("date"), g("date_precision"))
            },
            match data.role(r) {
                Some(Role::Signature | Role::Consent | Role::Support) =>
                    ": the act counts through the status; its date is treated as unknown",
                _ => ": not counted by default",
            }
        )
    });
    each(&data.provisions, &|r| {
        format!(
            "{} {} ({}): China's position '{}'",
            data.provisions.get(r, "provision_id"),
            data.provisions.get(r, "mechanism"),
            data.provisions.get(r, "acceptance_mode"),
            data.provisions.get(r, "china_position")
        )
    });
    out
}

fn outcome_text(r: Option<&TreatyRecord>) -> String {
    let Some(r) = r else {
        return "not in the sample at the cutoff".into();
    };
    let v = |x: Option<u8>| x.map(|v| v.to_string()).unwrap_or_else(|| "unknown".into());
    let mut s = format!(
        "joined = {}, bound = {}, first joining act {}",
        v(r.joined),
        v(r.bound),
        r.join_date.as_deref().unwrap_or("of unknown date")
    );
    if !r.unknown_because.is_empty() {
        s.push_str(&format!(" ({})", r.unknown_because));
    }
    s
}

/// What an instrument's unverified facts do to its outcome: its outcome by
/// default (verified facts only) and with unverified facts counted.
pub fn outcome_report(data: &Dataset, treaty_id: &str) -> String {
    let at = |include_unverified: bool| {
        let opts = PanelOptions {
            include_unverified,
            ..PanelOptions::default()
        };
        let records = treaty_records(data, &opts);
        outcome_text(records.iter().find(|r| r.treaty_id == treaty_id))
    };
    let mine: Vec<UnverifiedFact> = unverified_facts(data)
        .into_iter()
        .filter(|f| f.treaty_id == treaty_id)
        .collect();
    let cutoff = PanelOptions::default().cutoff;
    let mut s = format!("outcome at {cutoff} (verified facts only): {}\n", at(false));
    if mine.is_empty() {
        s.push_str("every fact of the instrument is verified\n");
    } else {
        s.push_str(&format!(
            "outcome with unverified facts counted: {}\nunverified facts ({}), left out of the analyses by default:\n",
            at(true),
            mine.len()
        ));
        for l in mine {
            s.push_str(&format!("  {l}\n"));
        }
    }
    s
}

/// Marks around the generated status list in `datasets/CODEBOOK.md`.
pub const CODEBOOK_BEGIN: &str =
    "<!-- status list: generated by `sovcost status --write-codebook`; do not edit -->";
pub const CODEBOOK_END: &str = "<!-- end of status list -->";

/// China's status and outcome for every instrument, as a Markdown table (the
/// list generated into the codebook, so that the two cannot drift apart).
pub fn status_list(data: &Dataset) -> String {
    let opts = PanelOptions::default();
    let records = treaty_records(data, &opts);
    let v = |x: Option<u8>| x.map(|v| v.to_string()).unwrap_or_else(|| "NA".into());
    let mut s = format!(
        "China's status in each instrument (status.csv) and the outcomes the panels derive from it at the default cutoff ({}), verified facts only. `NA`: unknown at the cutoff (the instrument is left out of analyses that need it); `—`: not in the treaty panel (a declaration adopted before 25 October 1971).\n\n| treaty_id | kind | status | as of | joined | bound | first joining act |\n|---|---|---|---|---|---|---|\n",
        opts.cutoff
    );
    let st = &data.status;
    for t in &data.treaties.rows {
        let id = data.treaties.get(t, "treaty_id");
        let row = st
            .rows
            .iter()
            .find(|r| st.get(r, "state") == CHINA && st.get(r, "treaty_id") == id);
        let (status, as_of) = row
            .map(|r| {
                let unverified = if st.get(r, "verified") == "yes" {
                    ""
                } else {
                    " (unverified)"
                };
                (
                    format!("{}{unverified}", st.get(r, "status")),
                    st.get(r, "as_of").to_string(),
                )
            })
            .unwrap_or_default();
        let rec = records.iter().find(|r| r.treaty_id == id);
        let (j, b, d) = match rec {
            Some(r) => (
                v(r.joined),
                v(r.bound),
                r.join_date.clone().unwrap_or_default(),
            ),
            None => ("—".into(), "—".into(), String::new()),
        };
        s.push_str(&format!(
            "| `{id}` | {} | {status} | {as_of} | {j} | {b} | {d} |\n",
            data.treaties.get(t, "kind")
        ));
    }
    let count = |f: &dyn Fn(&TreatyRecord) -> bool| records.iter().filter(|r| f(r)).count();
    s.push_str(&format!(
        "\nAt the cutoff: {} instruments in the treaty panel; bound {}, joined but not bound {}, not joined {}, unknown {}.\n",
        records.len(),
        count(&|r| r.bound == Some(1)),
        count(&|r| r.joined == Some(1) && r.bound == Some(0)),
        count(&|r| r.joined == Some(0)),
        count(&|r| r.joined.is_none() || r.bound.is_none()),
    ));
    s
}

/// The codebook with its status list replaced by `list`; `None` when the
/// markers are missing.
pub fn codebook_with_list(codebook: &str, list: &str) -> Option<String> {
    let a = codebook.find(CODEBOOK_BEGIN)? + CODEBOOK_BEGIN.len();
    let b = codebook[a..].find(CODEBOOK_END)? + a;
    Some(format!("{}\n{}{}", &codebook[..a], list, &codebook[b..]))
}
