//! The depth-of-commitment outcome (datasets/CODEBOOK.md, section 11, *Depth
//! of commitment*), checked against an independent statement of China's
//! depth in a set of instruments, read from the participant lists and
//! reservations cited in the dataset rather than from the code.

mod common;

use common::repo_path;
use sovcost::dataset::Dataset;
use sovcost::panel::{treaty_records, PanelOptions};
use sovcost::state_panel::state_panel;

/// China's depth in a set of instruments, as the sources say.
/// At 2024-12-15 (the date of the newest Rome Statute status read) the Rome
/// Statute's outcome is known; at the default cutoff (2025-12-31) it is not.
const EXPECTED: &[(&str, Option<u8>, &str)] = &[
    ("iccpr", Some(1), "signed 1998, never ratified"),
    ("ctbt", Some(1), "signed 1996, never ratified"),
    ("unfsa", Some(1), "signed 1996, not ratified"),
    ("rome_statute", Some(0), "voted against, never signed"),
    ("icrmw", Some(0), "never signed"),
    ("opcat", Some(0), "never signed"),
    (
        "cat",
        Some(2),
        "party; Art. 20 inquiry excluded (Art. 28(1) declaration)",
    ),
    ("icerd", Some(2), "party; reservation to Art. 22 (ICJ)"),
    ("unclos", Some(2), "party; 2006 Art. 298 declaration"),
    ("vclt", Some(2), "party; reservation to Art. 66"),
    (
        "crc",
        Some(3),
        "party; no reservation against a delegation provision",
    ),
    (
        "icescr",
        Some(3),
        "party; no mechanism it could reserve away",
    ),
    (
        "npt",
        Some(3),
        "party; safeguards not applicable, nothing reserved",
    ),
    (
        "cbd",
        Some(3),
        "party; not making an opt-in declaration (ICJ, arbitration) is not an opt-out",
    ),
    ("udhr", None, "not in the panel: adopted before 1971"),
    (
        "vdpa_1993",
        None,
        "a declaration: depth is not defined for soft law",
    ),
    (
        "untoc",
        None,
        "party, but its Art. 35 reservation row is unverified",
    ),
    (
        "apartheid_sports_convention",
        None,
        "signed; consent not established at the cutoff",
    ),
];

#[test]
fn china_depth_matches_an_independent_statement() {
    let data = Dataset::read(&repo_path("datasets")).unwrap();
    let opts = PanelOptions {
        cutoff: "2024-12-15".into(),
        include_unverified: false,
    };
    let records = treaty_records(&data, &opts);
    for (id, want, why) in EXPECTED {
        let got = records
            .iter()
            .find(|r| &r.treaty_id == id)
            .and_then(|r| r.depth);
        assert_eq!(got, *want, "{id}: expected {want:?} ({why})");
    }
}

#[test]
fn unknown_facts_give_na_never_zero() {
    let data = Dataset::read(&repo_path("datasets")).unwrap();
    let records = treaty_records(&data, &PanelOptions::default());
    for r in &records {
        if r.joined.is_none() || r.soft_law == 1 {
            assert_eq!(r.depth, None, "{}", r.treaty_id);
            assert!(!r.depth_unknown_because.is_empty(), "{}", r.treaty_id);
        }
        if r.depth == Some(0) {
            assert_eq!(r.joined, Some(0), "{}", r.treaty_id);
        }
    }
    // At the default cutoff the Rome Statute's outcome is unknown (its
    // newest status was read 2024-12-15): NA, not 0.
    let rome = records
        .iter()
        .find(|r| r.treaty_id == "rome_statute")
        .unwrap();
    assert_eq!(rome.depth, None);
    // Counting the unverified reservations settles UNTOC at level 2.
    let all = treaty_records(
        &data,
        &PanelOptions {
            include_unverified: true,
            ..PanelOptions::default()
        },
    );
    let untoc = all.iter().find(|r| r.treaty_id == "untoc").unwrap();
    assert_eq!(untoc.depth, Some(2));
}

#[test]
fn peers_have_no_observable_level_two() {
    let data = Dataset::read(&repo_path("datasets")).unwrap();
    let panel = state_panel(&data, &PanelOptions::default());
    let mut peers_bound = 0;
    for r in &panel.rows {
        if r.state == "CHN" {
            assert_eq!(r.depth, panel.treaty(r).depth);
            continue;
        }
        assert!(matches!(r.depth, None | Some(0) | Some(1)), "{r:?}");
        if r.consented == Some(1) {
            peers_bound += 1;
            assert_eq!(r.depth, None, "{r:?}");
        }
        if r.joined == Some(1) && r.consented == Some(0) && panel.treaty(r).soft_law == 0 {
            assert_eq!(r.depth, Some(1), "{r:?}");
        }
    }
    assert!(peers_bound > 0);
}

// ---------------------------------------------------------------------------
// Counter-data: the same code says "supported" where China commits less
// deeply at high cost and "not supported" where it commits more deeply.

use sovcost::app::{run_analyses, RunArgs};
use sovcost::dataset::{csv_text, Row};
use sovcost::results::Verdict;

/// What China does with one binding instrument in synthetic data.
#[derive(Clone, Copy, PartialEq)]
enum Act {
    Consent,
    SignOnly,
    Nothing,
}

/// Replaces China's acts and status on every binding instrument by
/// `choose(rank, n)` (instruments ranked by cost, cheapest first);
/// declarations and the peers' rows are left as they are.
fn rewrite_china(data_dir: &std::path::Path, choose: impl Fn(usize, usize) -> Act) {
    let mut data = Dataset::read(data_dir).unwrap();
    let mut records: Vec<_> = treaty_records(&data, &PanelOptions::default())
        .into_iter()
        .filter(|r| matches!(r.kind.as_str(), "treaty" | "protocol" | "amendment"))
        .collect();
    records.sort_by(|a, b| {
        a.sovereignty_cost
            .total_cmp(&b.sovereignty_cost)
            .then_with(|| a.treaty_id.cmp(&b.treaty_id))
    });
    let n = records.len();
    let source = data.sources.rows[0]["source_id"].clone();
    let ids: Vec<&str> = records.iter().map(|r| r.treaty_id.as_str()).collect();
    data.actions
        .rows
        .retain(|r| !(r["state"] == "CHN" && ids.contains(&r["treaty_id"].as_str())));
    for (rank, r) in records.iter().enumerate() {
        let act = choose(rank, n);
        let year: i32 = r.adopted[..4].parse::<i32>().unwrap().max(1972) + 1;
        let action = match act {
            Act::Consent => "accession",
            Act::SignOnly => "signature",
            Act::Nothing => "",
        };
        if !action.is_empty() {
            let mut row = Row::new();
            for (k, v) in [
                ("action_id", format!("{}-synthetic", r.treaty_id)),
                ("treaty_id", r.treaty_id.clone()),
                ("state", "CHN".into()),
                ("actor", "PRC".into()),
                ("action", action.to_string()),
                ("date", format!("{year}-06-01")),
                ("date_precision", "day".into()),
                ("article", String::new()),
                ("vote_event", String::new()),
                ("summary", "depth counter-data".into()),
                ("source_ids", source.clone()),
                ("verified", "yes".into()),
                ("note", String::new()),
            ] {
                row.insert(k.to_string(), v);
            }
            data.actions.rows.push(row);
        }
        let st = data
            .status
            .rows
            .iter_mut()
            .find(|s| s["state"] == "CHN" && s["treaty_id"] == r.treaty_id)
            .unwrap();
        let status = match act {
            Act::Consent => "party",
            Act::SignOnly => "signatory",
            Act::Nothing => "none",
        };
        st.insert("status".into(), status.into());
        st.insert("as_of".into(), "2026-02-03".into());
        st.insert("verified".into(), "yes".into());
    }
    for t in [&data.actions, &data.status] {
        std::fs::write(&t.file, csv_text(&t.header, &t.rows)).unwrap();
    }
    let problems = Dataset::read(data_dir).unwrap().validate();
    assert!(problems.is_empty(), "{problems:?}");
}

const DEPTH_ANALYSES: [&str; 3] = ["h5_depth", "h6_signed_only", "c5_state_signed_only"];

fn depth_verdicts(root: &std::path::Path) -> Vec<(String, Verdict, String)> {
    let results = run_analyses(&RunArgs {
        analyses: DEPTH_ANALYSES.iter().map(|s| s.to_string()).collect(),
        data_dir: root.join("datasets"),
        analyses_dir: root.join("analyses"),
        out: Some(root.join("reports")),
        seed: None,
    })
    .unwrap();
    results
        .analyses
        .iter()
        .map(|a| (a.name.clone(), a.verdict, a.verdict_reason.clone()))
        .collect()
}

/// Every fourth instrument breaks the pattern, so that cost does not
/// separate the levels (the ordered logit then has finite estimates).
fn exception(rank: usize) -> bool {
    rank % 4 == 3
}

#[test]
fn depth_claims_supported_where_china_commits_less_deeply_at_high_cost() {
    let (root, data_dir) = common::copy_inputs("depth-supporting");
    // The cheaper half consented to, the costlier half only signed.
    rewrite_china(&data_dir, |rank, n| {
        let cheap = rank < n / 2;
        match (cheap, exception(rank)) {
            (true, false) => Act::Consent,
            (true, true) => Act::Nothing,
            (false, false) => Act::SignOnly,
            (false, true) => Act::Consent,
        }
    });
    for (name, verdict, reason) in depth_verdicts(&root) {
        assert_eq!(verdict, Verdict::Supported, "{name}: {reason}");
    }
}

#[test]
fn depth_claims_flip_where_china_commits_more_deeply_at_high_cost() {
    let (root, data_dir) = common::copy_inputs("depth-counter");
    // The mirror image: the costlier half consented to, the cheaper half
    // only signed.
    rewrite_china(&data_dir, |rank, n| {
        let cheap = rank < n / 2;
        match (cheap, exception(rank)) {
            (true, false) => Act::SignOnly,
            (true, true) => Act::Consent,
            (false, false) => Act::Consent,
            (false, true) => Act::Nothing,
        }
    });
    for (name, verdict, reason) in depth_verdicts(&root) {
        assert_eq!(verdict, Verdict::NotSupported, "{name}: {reason}");
    }
}
