//! The rows of the UN member states outside the peer group (codebook,
//! section 11, *All UN member states*) against statements made
//! independently of the rule that drafted them: the exits that the 2026 UNTC
//! table leaves out, read in other sources; the 2013-2015 copy of the table
//! for the states whose names the 2026 copy spells differently; and the
//! coverage rule (UNTC Chapters IV and XXVI and the recorded votes only).

mod common;
use common::{act_dates as dates, bundled_dataset as data, status_in as status};
use sovcost::dataset::Dataset;

/// The instruments of UNTC Chapters IV and XXVI in the dataset.
const UNTC_2026: &[&str] = &[
    "icerd",
    "iccpr",
    "iccpr_op1",
    "iccpr_op2",
    "icescr",
    "icescr_op",
    "cedaw",
    "cedaw_op",
    "cat",
    "opcat",
    "crc",
    "crc_opac",
    "crc_opsc",
    "crc_opic",
    "icrmw",
    "crpd",
    "crpd_op",
    "cped",
    "ccw",
    "cwc",
    "ctbt",
    "apmbc",
    "ccm",
    "att",
    "tpnw",
];
const VOTES: &[&str] = &[
    "udhr",
    "decl_right_to_development",
    "undrip_2007",
    "dp_moratorium_2007",
    "gcm_2018",
];

fn states(d: &Dataset) -> Vec<String> {
    d.status
        .values("state")
        .into_iter()
        .map(String::from)
        .collect()
}

#[test]
fn every_un_member_state_is_coded_on_the_untc_instruments() {
    let d = data();
    let all = states(&d);
    // 193 UN member states; no observer state or other participant.
    assert_eq!(all.len(), 193, "{all:?}");
    for s in ["PSE", "VAT", "COK", "NIU"] {
        assert!(!all.iter().any(|x| x == s), "{s} is not a UN member state");
    }
    for s in &all {
        for t in UNTC_2026 {
            assert!(status(&d, s, t).is_some(), "{s} has no status in {t}");
        }
    }
}

#[test]
fn states_outside_the_peer_group_are_coded_only_where_the_rule_reaches() {
    let d = data();
    for r in &d.status.rows {
        let s = r["state"].as_str();
        if sovcost::state_panel::in_peer_group(s) {
            continue;
        }
        let t = r["treaty_id"].as_str();
        assert!(
            UNTC_2026.contains(&t) || VOTES.contains(&t),
            "{s} has a status in {t}, outside UNTC Chapters IV and XXVI and the recorded votes"
        );
    }
    // A state with no vote in a session has no row (it was not then voting in
    // the Assembly): South Sudan joined the United Nations in 2011.
    assert_eq!(status(&d, "SSD", "undrip_2007"), None);
    assert_eq!(status(&d, "SSD", "gcm_2018").as_deref(), Some("supported"));
    // Present in the session, no vote on the declaration: none.
    assert_eq!(status(&d, "MNE", "undrip_2007").as_deref(), Some("none"));
}

/// Exits that the 2026 scrape leaves out (the page puts the rows in brackets
/// and gives the exit in an end note), with the notification dates the end
/// notes and the other sources give.
#[test]
fn the_exits_the_2026_table_leaves_out() {
    let d = data();
    let cases: &[(&str, &str, &str, &[&str])] = &[
        // UN press release HR/CT/583 (2000).
        ("JAM", "iccpr_op1", "denunciation", &["1997-10-23"]),
        // Denounced, re-acceded with a reservation, denounced again.
        (
            "TTO",
            "iccpr_op1",
            "denunciation",
            &["1998-05-26", "2000-03-27"],
        ),
        ("BLR", "iccpr_op1", "denunciation", &["2022-11-08"]),
        ("EST", "apmbc", "withdrawal", &["2025-06-27"]),
        ("LVA", "apmbc", "withdrawal", &["2025-06-27"]),
        ("LTU", "apmbc", "withdrawal", &["2025-06-27"]),
        ("FIN", "apmbc", "withdrawal", &["2025-07-10"]),
        // End note 3 of XXVI-6 (C.N.347.2024).
        ("LTU", "ccm", "withdrawal", &["2024-09-06"]),
        // Listed as a party on 2026-02-03: the withdrawal notified on
        // 20 Aug 2025 takes effect on 20 Feb 2026 (end note 8 of XXVI-5).
        ("POL", "apmbc", "withdrawal", &["2025-08-20"]),
    ];
    for (s, t, action, want) in cases {
        assert_eq!(status(&d, s, t).as_deref(), Some("withdrawn"), "{s} {t}");
        assert_eq!(dates(&d, s, t, action), *want, "{s} {t}");
    }
    assert_eq!(
        dates(&d, "TTO", "iccpr_op1", "accession"),
        ["1980-11-14", "1998-08-26"]
    );
    // Each exit cites the depositary's end note.
    for (s, t, _, _) in cases {
        let row = d
            .status
            .rows
            .iter()
            .find(|r| r["state"] == *s && r["treaty_id"] == *t)
            .unwrap();
        assert!(row["source_ids"].contains("-note"), "{row:?}");
    }
    // No state that the 2013-2015 copy shows as a party is `none` in 2026
    // without an explanation: every `withdrawn` and `unknown` row has a note.
    for r in &d.status.rows {
        if !sovcost::state_panel::in_peer_group(&r["state"])
            && matches!(r["status"].as_str(), "withdrawn" | "unknown")
        {
            assert!(!r["note"].is_empty(), "{r:?}");
        }
    }
}

/// The 2026 copy spells these names "Bahamas (The)", "St. Lucia", ...; the
/// 2013-2015 copy of UNTC IV-11 gives their Convention on the Rights of the
/// Child dates (signature, ratification).
#[test]
fn names_the_2026_copy_spells_differently_are_read() {
    let d = data();
    for (s, sig, rat) in [
        ("BHS", "1990-10-30", "1991-02-20"),
        ("KNA", "1990-01-26", "1990-07-24"),
        ("LCA", "1990-09-30", "1993-06-16"),
        ("VCT", "1993-09-20", "1993-10-26"),
    ] {
        assert_eq!(status(&d, s, "crc").as_deref(), Some("party"), "{s}");
        assert_eq!(dates(&d, s, "crc", "signature"), [sig], "{s}");
        assert_eq!(dates(&d, s, "crc", "ratification"), [rat], "{s}");
    }
}
