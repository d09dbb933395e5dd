//! Benchmark of the comparative frames at the scale of every state: 200
//! synthetic states x 110 synthetic instruments (the state x instrument
//! panel, 22,000 rows) and their state x instrument x year risk set (about a
//! million rows), built from an in-memory dataset, timed, fitted, and written
//! to CSV for bench/states.R to fit the same models in R.
//!
//! cargo run --release --example bench_states -- [OUT_DIR]
//! (then: Rscript bench/states.R OUT_DIR). Not a test: CI does not run it.

use std::time::Instant;

use sovcost::dataset::{Dataset, RawTable, Row};
use sovcost::models::inference::VcovType;
use sovcost::models::{fit_table, CiMethod, FitSpec, Method};
use sovcost::panel::PanelOptions;
use sovcost::rng::Rng;
use sovcost::state_panel::{state_panel, state_table, state_year_table};

const STATES: usize = 200;
const INSTRUMENTS: usize = 110;

fn row(pairs: &[(&str, String)]) -> Row {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

fn table(header: &[&str], rows: Vec<Row>) -> RawTable {
    RawTable {
        file: "synthetic".into(),
        header: header.iter().map(|h| h.to_string()).collect(),
        rows,
    }
}

/// Instruments adopted 1950-1995 with random codings, and every state's
/// status and act on each: it joins with P = logistic(a - 2.5 cost) (China
/// steeper), in a year 1-30 years after the risk set opens.
fn dataset() -> Dataset {
    let mut rng = Rng::new(20141010, 0);
    let mut treaties = Vec::new();
    for t in 0..INSTRUMENTS {
        let mut r = row(&[
            ("treaty_id", format!("t{t:03}")),
            ("short_name", format!("Instrument {t}")),
            ("kind", "treaty".into()),
            ("issue_area", "human_rights".into()),
            ("adopted", format!("{}-06-01", 1950 + rng.below(46))),
            ("verified", "yes".into()),
        ]);
        for (name, max) in sovcost::dataset::CODINGS {
            r.insert(name.to_string(), rng.below(*max as usize + 1).to_string());
        }
        treaties.push(r);
    }
    let mut status = Vec::new();
    let mut actions = Vec::new();
    for s in 0..STATES {
        let state = if s == 0 {
            "CHN".to_string()
        } else {
            let b = |k: usize| (b'A' + (k % 26) as u8) as char;
            format!("{}{}{}", b(s / 676 + 1), b(s / 26), b(s))
        };
        let a = rng.uniform() * 2.0 - 1.5;
        for t in &treaties {
            let cost = sovcost::panel::sovereignty_cost(
                &|c: &str| t[c].parse().unwrap_or(0),
                t["delegation_default"].parse().unwrap_or(0),
            );
            let slope = if s == 0 { -6.0 } else { -2.5 };
            let join = rng.uniform() < 1.0 / (1.0 + (-(a + slope * cost)).exp());
            let opens: i32 = t["adopted"][..4].parse::<i32>().unwrap().max(1971);
            let year = opens + rng.below(30) as i32;
            let join = join && year <= 2025;
            if join {
                actions.push(row(&[
                    ("treaty_id", t["treaty_id"].clone()),
                    ("state", state.clone()),
                    ("actor", if s == 0 { "PRC".into() } else { state.clone() }),
                    ("action", "accession".into()),
                    ("date", format!("{year}-06-01")),
                    ("verified", "yes".into()),
                ]));
            }
            status.push(row(&[
                ("state", state.clone()),
                ("treaty_id", t["treaty_id"].clone()),
                ("status", if join { "party" } else { "none" }.into()),
                ("as_of", "2026-02-03".into()),
                ("source_ids", "synthetic".into()),
                ("verified", "yes".into()),
            ]));
        }
    }
    Dataset {
        treaties: table(&["treaty_id"], treaties),
        actions: table(&["treaty_id"], actions),
        status: table(&["state"], status),
        ..Default::default()
    }
}

fn time<T>(label: &str, f: impl FnOnce() -> T) -> T {
    let t0 = Instant::now();
    let out = f();
    println!("| {label} | {:.3} |", t0.elapsed().as_secs_f64());
    out
}

fn fit(table: &sovcost::table::Table, formula: &str, vcov: &str) -> sovcost::results::FitResult {
    let mut spec = FitSpec::new(formula);
    spec.method = Method::Ml;
    spec.ci = CiMethod::Wald;
    spec.vcov = VcovType::parse(vcov).unwrap();
    fit_table(table, &spec).unwrap()
}

fn main() {
    let out = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "bench/data/states".into());
    std::fs::create_dir_all(&out).unwrap();
    let data = dataset();
    let opts = PanelOptions::default();
    println!("| step | seconds |\n|---|---|");
    let panel = time("state x instrument panel (records)", || {
        state_panel(&data, &opts)
    });
    let st = time("state x instrument table", || state_table(&panel).unwrap());
    let sy = time("state x instrument x year table", || {
        state_year_table(&panel, &opts).unwrap()
    });
    println!(
        "\nrows: state panel {}, state-year {}\n",
        st.n_rows(),
        sy.n_rows()
    );
    println!("| fit | seconds | coefficient of sovereignty_cost:china | SE |\n|---|---|---|---|");
    let cases = [
        (
            &st,
            "joined ~ sovereignty_cost + C(state) + sovereignty_cost:china",
            "cluster:treaty_id",
        ),
        (
            &st,
            "joined ~ sovereignty_cost + C(state) + sovereignty_cost:china",
            "cluster:state+treaty_id",
        ),
        (
            &sy,
            "event ~ sovereignty_cost * china + log_duration",
            "cluster:treaty_id",
        ),
        (
            &sy,
            "event ~ sovereignty_cost * china + log_duration",
            "cluster:state+treaty_id",
        ),
    ];
    for (t, formula, vcov) in cases {
        let t0 = Instant::now();
        let f = fit(t, formula, vcov);
        let c = f
            .coefficients
            .iter()
            .find(|c| c.term == "sovereignty_cost:china")
            .unwrap();
        println!(
            "| `{formula}`, {vcov} (n = {}) | {:.3} | {:.6} | {:.6} |",
            f.n,
            t0.elapsed().as_secs_f64(),
            c.estimate,
            c.std_error
        );
    }
    for (name, t) in [("state_panel.csv", &st), ("state_year_panel.csv", &sy)] {
        let raw = RawTable::from_table(t).unwrap();
        let text = sovcost::dataset::csv_text(&raw.header, &raw.rows);
        std::fs::write(std::path::Path::new(&out).join(name), text).unwrap();
    }
}
