//! The peer states' data (codebook, section 11, *Peer states*) against
//! statements made independently of the generator that drafted the rows:
//! the depositaries' footnote facts (withdrawals and "unsignings" that the
//! table copies leave out), published P5 dates, and the rule that an
//! instrument without a source in reach stays unknown.

mod common;
use common::{act_dates as dates, bundled_dataset as data, status_in as status};
use sovcost::dataset::Dataset;

const PEERS: &[&str] = &[
    "USA", "RUS", "GBR", "FRA", "ARG", "AUS", "BRA", "CAN", "DEU", "IND", "IDN", "ITA", "JPN",
    "KOR", "MEX", "SAU", "ZAF", "TUR",
];

fn present(d: &Dataset) -> Vec<&'static str> {
    PEERS
        .iter()
        .copied()
        .filter(|s| d.status.rows.iter().any(|r| r["state"] == *s))
        .collect()
}

#[test]
fn each_peer_present_has_a_status_in_every_instrument() {
    let d = data();
    let n = d.treaties.rows.len();
    for s in present(&d) {
        let rows = d.status.rows.iter().filter(|r| r["state"] == s).count();
        assert_eq!(rows, n, "{s}: {rows} status rows for {n} instruments");
    }
    // The peer rule in the code is the codebook's.
    let mut code: Vec<&str> = sovcost::state_panel::PEERS.to_vec();
    let mut here: Vec<&str> = PEERS.to_vec();
    code.sort();
    here.sort();
    assert_eq!(code, here);
}

#[test]
fn unknown_stays_unknown() {
    let d = data();
    for s in present(&d) {
        for t in [
            "ilo_c029",
            "ilo_c087",
            "ilo_c187",
            "hague_1907_pacific_settlement",
            "icsid_convention",
            "icj_optional_clause",
            "singapore_mediation",
            "wto_agreement",
            "geneva_ap3",
            "agenda_2030",
            "vdpa_1993",
        ] {
            assert_eq!(status(&d, s, t).as_deref(), Some("unknown"), "{s} {t}");
        }
    }
}

#[test]
fn the_footnote_facts_the_tables_leave_out() {
    let d = data();
    if !present(&d).contains(&"USA") {
        return;
    }
    // UNTC XVIII-10 footnotes: the US letter of 6 May 2002; Russia's notice
    // after the decree of 16 Nov 2016 (its date not seen, so unknown).
    assert_eq!(
        status(&d, "USA", "rome_statute").as_deref(),
        Some("signature_withdrawn")
    );
    assert_eq!(
        dates(&d, "USA", "rome_statute", "signature"),
        ["2000-12-31"]
    );
    assert_eq!(
        dates(&d, "USA", "rome_statute", "signature_withdrawal"),
        ["2002-05-06"]
    );
    assert_eq!(
        status(&d, "RUS", "rome_statute").as_deref(),
        Some("signature_withdrawn")
    );
    assert_eq!(
        dates(&d, "RUS", "rome_statute", "signature"),
        ["2000-09-13"]
    );
    assert_eq!(
        dates(&d, "RUS", "rome_statute", "signature_withdrawal"),
        [""]
    );
    // ATT: the US communication received on 18 Jul 2019.
    assert_eq!(
        status(&d, "USA", "att").as_deref(),
        Some("signature_withdrawn")
    );
    assert_eq!(dates(&d, "USA", "att", "signature"), ["2013-09-25"]);
    assert_eq!(
        dates(&d, "USA", "att", "signature_withdrawal"),
        ["2019-07-18"]
    );
    // CTBT: Russia's ratification of 30 Jun 2000, revoked (2023; the date is
    // in no source in reach); the US signed only.
    assert_eq!(status(&d, "RUS", "ctbt").as_deref(), Some("withdrawn"));
    assert_eq!(dates(&d, "RUS", "ctbt", "ratification"), ["2000-06-30"]);
    assert_eq!(status(&d, "USA", "ctbt").as_deref(), Some("signatory"));
    assert_eq!(dates(&d, "USA", "ctbt", "signature"), ["1996-09-24"]);
    // Paris: accepted 3 Sep 2016, withdrawal notified 4 Nov 2019, accepted
    // again 20 Jan 2021, withdrawal recorded by IEADB 2025-01-20; the
    // snapshot (2026-01-23) shows the US out.
    assert_eq!(
        status(&d, "USA", "paris_agreement").as_deref(),
        Some("withdrawn")
    );
    assert_eq!(
        dates(&d, "USA", "paris_agreement", "acceptance"),
        ["2016-09-03", "2021-01-20"]
    );
    assert_eq!(
        dates(&d, "USA", "paris_agreement", "withdrawal"),
        ["2019-11-04", "2025-01-20"]
    );
    // Kyoto: the US signed only (GGO's "ratification 2004-09-30" is false).
    assert_eq!(
        status(&d, "USA", "kyoto_protocol").as_deref(),
        Some("signatory")
    );
    assert_eq!(
        dates(&d, "USA", "kyoto_protocol", "signature"),
        ["1998-11-12"]
    );
}

#[test]
fn p5_facts_from_independent_statements() {
    let d = data();
    if !present(&d).contains(&"USA") {
        return;
    }
    let facts: &[(&str, &str, &str, &str, &[&str])] = &[
        // (state, instrument, status, action, dates)
        ("USA", "iccpr", "party", "signature", &["1977-10-05"]),
        ("USA", "iccpr", "party", "ratification", &["1992-06-08"]),
        ("USA", "crc", "signatory", "signature", &["1995-02-16"]),
        ("USA", "icerd", "party", "ratification", &["1994-10-21"]),
        ("USA", "geneva_ap1", "signatory", "signature", &[""]),
        ("USA", "unclos", "none", "signature", &[]),
        ("USA", "npt", "party", "ratification", &["1970-03-05"]),
        (
            "USA",
            "genocide_convention",
            "party",
            "ratification",
            &["1988-11-25"],
        ),
        ("USA", "udhr", "supported", "vote_yes", &["1948-12-10"]),
        ("USA", "undrip_2007", "opposed", "vote_no", &["2007-09-13"]),
        ("RUS", "udhr", "abstained", "abstention", &["1948-12-10"]),
        ("RUS", "iccpr_op1", "party", "accession", &["1991-10-01"]),
        ("RUS", "npt", "party", "ratification", &["1970-03-05"]),
        (
            "GBR",
            "genocide_convention",
            "party",
            "accession",
            &["1970-01-30"],
        ),
        (
            "GBR",
            "decl_right_to_development",
            "abstained",
            "abstention",
            &["1986-12-04"],
        ),
        ("GBR", "apmbc", "party", "ratification", &["1998-07-31"]),
        (
            "FRA",
            "rome_statute",
            "party",
            "ratification",
            &["2000-06-09"],
        ),
        (
            "FRA",
            "genocide_convention",
            "party",
            "ratification",
            &["1950-10-14"],
        ),
        ("FRA", "npt", "party", "accession", &["1992-08-02"]),
        ("FRA", "ptbt", "none", "signature", &[]),
        ("FRA", "geneva_ap1", "party", "consent", &["2001-04-11"]),
        ("FRA", "tpnw", "none", "signature", &[]),
    ];
    for (s, t, st, action, want) in facts {
        assert_eq!(status(&d, s, t).as_deref(), Some(*st), "{s} {t}");
        assert_eq!(dates(&d, s, t, action), *want, "{s} {t} {action}");
    }
    // Soviet acts are Russia's, with actor USSR.
    let npt = d
        .actions
        .rows
        .iter()
        .find(|r| r["state"] == "RUS" && r["treaty_id"] == "npt" && r["action"] == "ratification")
        .unwrap();
    assert_eq!(npt["actor"], "USSR");
}

#[test]
fn g20_facts_from_independent_statements() {
    let d = data();
    if !present(&d).contains(&"IND") {
        return;
    }
    // India: not party to the Refugee Convention or the NPT.
    assert_eq!(
        status(&d, "IND", "refugee_convention").as_deref(),
        Some("none")
    );
    assert_eq!(status(&d, "IND", "npt").as_deref(), Some("none"));
    // Canada's Kyoto withdrawal (effective 15 Dec 2012) and its UNCCD spells.
    assert_eq!(
        status(&d, "CAN", "kyoto_protocol").as_deref(),
        Some("withdrawn")
    );
    assert_eq!(
        dates(&d, "CAN", "kyoto_protocol", "withdrawal"),
        ["2012-12-15"]
    );
    assert_eq!(status(&d, "CAN", "unccd").as_deref(), Some("party"));
    assert_eq!(dates(&d, "CAN", "unccd", "withdrawal"), ["2013-03-28"]);
    assert_eq!(dates(&d, "CAN", "unccd", "accession"), ["2016-12-21"]);
    // The Federal Republic's abstention on the Right to Development (the
    // roll-call copy gives it no country code), and its acts are Germany's.
    assert_eq!(
        status(&d, "DEU", "decl_right_to_development").as_deref(),
        Some("abstained")
    );
    let a = d
        .actions
        .rows
        .iter()
        .find(|r| r["state"] == "DEU" && r["treaty_id"] == "decl_right_to_development")
        .unwrap();
    assert_eq!(a["actor"], "FRG");
    // Members admitted after 1948 had no UDHR vote.
    for s in ["DEU", "ITA", "JPN", "KOR", "IDN"] {
        assert_eq!(status(&d, s, "udhr").as_deref(), Some("none"), "{s}");
    }
}
