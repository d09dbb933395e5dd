//! The comparative analyses (c1-c4 against the peers, c6 and c7 against
//! every state): China's rows of the state panel are the China panel's outcomes;
//! with China only they are not estimable and say so without failing the
//! run; and on fixture datasets of 17 states (China, 15 synthetic peers
//! under peer codes and one synthetic state outside the peer group, from
//! tests/data/comparative_peers.csv) their verdicts are "supported" where
//! China is more cost-sensitive than the others and flip to "not supported"
//! where it is less.

mod common;

use common::{copy_inputs, repo_path};
use sovcost::analysis::{read_specs, run_one, Context};
use sovcost::dataset::{csv_text, Dataset, RawTable, Row};
use sovcost::panel::{treaty_records, PanelOptions, TreatyRecord, CHINA};
use sovcost::results::{AnalysisResult, Verdict};
use sovcost::state_panel::{state_panel, state_table};
use std::path::Path;

const COMPARATIVE: [&str; 6] = [
    "c1_pooled_states",
    "c2_state_slopes",
    "c3_state_gaps",
    "c4_state_hazard",
    "c6_all_states_pooled",
    "c7_all_states_slopes",
];

/// A pseudo-uniform number in [0, 1) from a text (FNV-1a), so the fixture
/// needs no random stream.
fn uniform(key: &str) -> f64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in key.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x100000001b3);
    }
    (h >> 11) as f64 / (1u64 << 53) as f64
}

fn row(pairs: &[(&str, String)]) -> Row {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

/// One state's act on an instrument and its status row: joined (an
/// accession, or a yes vote on a declaration) or not (no act, or a no vote).
fn add_state(data: &mut Dataset, state: &str, r: &TreatyRecord, join: bool, year_shift: i32) {
    let source = data.sources.rows[0]["source_id"].clone();
    let soft = matches!(r.kind.as_str(), "declaration" | "resolution");
    let actor = if state == CHINA { "PRC" } else { state };
    let year: i32 = r.adopted[..4].parse::<i32>().unwrap().max(1972) + year_shift;
    let act = match (soft, join) {
        (true, true) => Some(("vote_yes", r.adopted.clone())),
        (true, false) => Some(("vote_no", r.adopted.clone())),
        (false, true) => Some(("accession", format!("{}-06-01", year.min(2025)))),
        (false, false) => None,
    };
    if let Some((action, date)) = &act {
        data.actions.rows.push(row(&[
            ("action_id", format!("{}-{state}-synthetic", r.treaty_id)),
            ("treaty_id", r.treaty_id.clone()),
            ("state", state.into()),
            ("actor", actor.into()),
            ("action", action.to_string()),
            ("date", date.clone()),
            ("date_precision", "day".into()),
            ("article", String::new()),
            ("vote_event", String::new()),
            ("summary", "comparative fixture".into()),
            ("source_ids", source.clone()),
            ("verified", "yes".into()),
            ("note", String::new()),
        ]));
    }
    let status = match (soft, join, act.is_some()) {
        (true, true, _) => "supported",
        (true, false, _) => "opposed",
        (false, true, _) => "party",
        _ => "none",
    };
    data.status.rows.push(row(&[
        ("state", state.into()),
        ("treaty_id", r.treaty_id.clone()),
        ("status", status.into()),
        ("as_of", "2026-02-03".into()),
        ("source_ids", source),
        ("verified", "yes".into()),
        ("note", String::new()),
    ]));
}

/// A copy of the bundled dataset in which China joins the instruments
/// `china_joins` picks (given the median cost) and each peer of
/// tests/data/comparative_peers.csv joins by its mild cost gradient.
fn fixture(
    name: &str,
    china_joins: impl Fn(&TreatyRecord, f64) -> bool,
) -> (std::path::PathBuf, Dataset) {
    let (root, dir) = copy_inputs(name);
    let mut data = Dataset::read(&dir).unwrap();
    let records = treaty_records(&data, &PanelOptions::default());
    let mut costs: Vec<f64> = records.iter().map(|r| r.sovereignty_cost).collect();
    costs.sort_by(f64::total_cmp);
    let median = costs[costs.len() / 2];
    // Only the fixture's states: China's acts replaced, any peer rows dropped.
    let in_frame = |id: &str| records.iter().any(|r| r.treaty_id == id);
    data.actions
        .rows
        .retain(|a| a["state"] == CHINA && !in_frame(&a["treaty_id"]));
    data.status
        .rows
        .retain(|a| a["state"] == CHINA && !in_frame(&a["treaty_id"]));
    for r in &records {
        add_state(&mut data, CHINA, r, china_joins(r, median), 1);
    }
    let peers = RawTable::read_file(&repo_path("tests/data/comparative_peers.csv")).unwrap();
    for p in &peers.rows {
        let num = |c: &str| p[c].parse::<f64>().unwrap();
        let every = p["no_status_every"].parse::<usize>().unwrap();
        for (k, r) in records.iter().enumerate() {
            if every > 0 && k % every == every - 1 {
                continue; // no status row: the outcome is unknown
            }
            let eta = num("intercept") + num("slope") * r.sovereignty_cost;
            let key = format!("{}|{}", p["state"], r.treaty_id);
            let join = uniform(&key) < 1.0 / (1.0 + (-eta).exp());
            let shift = 1 + (uniform(&format!("{key}|year")) * 8.0) as i32;
            add_state(&mut data, &p["state"], r, join, shift);
        }
    }
    for t in [&data.actions, &data.status] {
        std::fs::write(&t.file, csv_text(&t.header, &t.rows)).unwrap();
    }
    let data = Dataset::read(&dir).unwrap();
    // Valid but for the actor column, whose vocabulary (PRC, ROC) has no
    // peer actors yet.
    let problems = data.validate();
    assert!(
        problems.iter().all(|p| p.column == "actor"),
        "{:#?}",
        problems
            .iter()
            .filter(|p| p.column != "actor")
            .collect::<Vec<_>>()
    );
    (root, data)
}

fn run_comparative(root: &Path, data: &Dataset) -> Vec<AnalysisResult> {
    let specs = read_specs(&root.join("analyses")).unwrap();
    let ctx = Context {
        data,
        specs: &specs,
        seed_override: None,
    };
    COMPARATIVE
        .iter()
        .map(|name| {
            let (file, spec) = specs.iter().find(|(_, s)| s.name == *name).unwrap();
            run_one(&ctx, file, spec).unwrap()
        })
        .collect()
}

fn number(a: &AnalysisResult, name: &str) -> f64 {
    a.numbers
        .iter()
        .find(|n| n.name == name)
        .unwrap_or_else(|| panic!("{}: no number {name}", a.name))
        .value
}

#[test]
fn china_rows_of_the_state_panel_are_the_china_panel() {
    let (_root, data) = fixture("state-panel", |r, median| r.sovereignty_cost < median);
    let opts = PanelOptions::default();
    let china = treaty_records(&data, &opts);
    let panel = state_panel(&data, &opts);
    assert_eq!(panel.states.len(), 17);
    let rows: Vec<_> = panel.rows.iter().filter(|r| r.state == CHINA).collect();
    assert_eq!(rows.len(), china.len());
    for (s, t) in rows.iter().zip(&china) {
        assert_eq!(panel.treaty(s).treaty_id, t.treaty_id);
        assert_eq!(
            (s.joined, s.consented),
            (t.joined, t.bound),
            "{}",
            t.treaty_id
        );
        assert_eq!(s.join_year, t.join_year, "{}", t.treaty_id);
    }
    // A missing status row is unknown, never "no".
    let fra: Vec<_> = panel.rows.iter().filter(|r| r.state == "FRA").collect();
    assert!(fra[16].joined.is_none() && fra[16].unknown_because == "no status row");
    // And the bundled (China-only) dataset: the same outcomes.
    let bundled = Dataset::read(&repo_path("datasets")).unwrap();
    let china = treaty_records(&bundled, &opts);
    let panel = state_panel(&bundled, &opts);
    let rows: Vec<_> = panel.rows.iter().filter(|r| r.state == CHINA).collect();
    for (s, t) in rows.iter().zip(&china) {
        assert_eq!(
            (s.joined, s.consented),
            (t.joined, t.bound),
            "{}",
            t.treaty_id
        );
    }
    let table = state_table(&panel).unwrap();
    assert_eq!(table.n_rows(), panel.rows.len());
}

#[test]
fn with_china_only_the_comparisons_are_not_estimable_and_say_so() {
    let data = Dataset::read(&repo_path("datasets")).unwrap();
    let only_china = sovcost::state_panel::states(&data) == vec![CHINA.to_string()];
    if !only_china {
        return; // the peer data have arrived: the other tests cover them
    }
    for a in run_comparative(&repo_path(""), &data) {
        assert_eq!(a.verdict, Verdict::Inconclusive, "{}", a.name);
        assert!(
            a.notes
                .iter()
                .any(|n| n.starts_with("not estimable: the dataset holds fewer than 5 states")),
            "{}: {:?}",
            a.name,
            a.notes
        );
    }
}

#[test]
fn comparative_verdicts_are_supported_where_china_is_more_cost_sensitive() {
    // China joins all soft law and the cheaper half of the treaties.
    let (root, data) = fixture("cmp-supporting", |r, median| {
        r.soft_law == 1 || r.sovereignty_cost < median
    });
    let results = run_comparative(&root, &data);
    for a in &results {
        println!("{}: {} ({})", a.name, a.verdict, a.verdict_reason);
        assert_eq!(
            a.verdict,
            Verdict::Supported,
            "{}: {}",
            a.name,
            a.verdict_reason
        );
    }
    let slopes = &results[1];
    assert_eq!(number(slopes, "china_slope_rank"), 1.0);
    assert_eq!(number(&results[2], "china_gap_rank"), 1.0);
    assert_eq!(number(&results[5], "china_slope_rank"), 1.0);
    // C1-C4 compare China with its peers (16 here); C6 with every state,
    // XAP included, on the instruments every state has a status for (FRA
    // and CAN lack some rows).
    let says = |a: &AnalysisResult, what: &str| a.notes.iter().any(|n| n.contains(what));
    assert!(
        says(
            &results[0],
            "China and its peers, the P5 and the G20 states (16 in the dataset)"
        ),
        "{:?}",
        results[0].notes
    );
    let c6 = &results[4];
    assert!(says(c6, "every one of the 17 states"), "{:?}", c6.notes);
    assert!(!says(c6, "China and its peers"), "{:?}", c6.notes);
}

#[test]
fn comparative_verdicts_flip_on_counter_data() {
    // China is less cost-sensitive than its peers: it joins the costly half
    // of the treaties and votes against soft law.
    let (root, data) = fixture("cmp-counter", |r, median| {
        r.soft_law == 0 && r.sovereignty_cost >= median
    });
    let results = run_comparative(&root, &data);
    for a in &results {
        println!("{}: {} ({})", a.name, a.verdict, a.verdict_reason);
        assert_eq!(
            a.verdict,
            Verdict::NotSupported,
            "{} on counter-data: {}",
            a.name,
            a.verdict_reason
        );
    }
    let slopes = &results[1];
    assert_eq!(number(slopes, "china_slope_rank"), 16.0);
    // Among all 17 states (C7), XAP included: the least steep.
    assert_eq!(number(&results[5], "china_slope_rank"), 17.0);
    assert!(number(&results[2], "china_gap_minus_peers") < 0.0);
}
