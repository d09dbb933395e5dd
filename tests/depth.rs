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
