//! Participation analyses: China's participation rate in the soft-law
//! benchmark, the full universe, all treaties and the hard-law end, with
//! exact intervals; the soft-law rate minus the hard-law-end rate (how much a
//! soft-law-only study overstates participation); instruments joined over
//! time and the timeline of China's acts.

use std::collections::BTreeMap;
use std::path::Path;

use super::sample;
use super::spec::{Outcome, ParticipationSpec, Spec};
use super::{base_result, push_table, verdict, Context};
use crate::error::Result;
use crate::models::exact;
use crate::panel::TreatyRecord;
use crate::results::{
    AnalysisResult, Check, Direction, FigureData, FigureName, Number, RateRow, TableOut,
    TimelinePoint,
};

/// Runs a participation analysis.
pub fn run(
    ctx: &Context,
    file: &Path,
    spec: &Spec,
    ps: &ParticipationSpec,
) -> Result<AnalysisResult> {
    let (records, sample_notes) = sample::with_notes(ctx, spec);
    let level = 1.0 - ps.alpha;
    // The sample holds only instruments whose outcome is known.
    let outcome = |r: &TreatyRecord| -> u8 {
        if ps.outcome == Outcome::Bound {
            r.bound.unwrap_or(0)
        } else {
            r.joined.unwrap_or(0)
        }
    };
    let mut result = base_result(file, spec, records.len());
    result.notes.extend(sample_notes);
    let counts = rates(&mut result, spec, ps, &records, &outcome)?;
    // The soft-law study's estimate minus the hard-law end's.
    let (ks, ns) = counts["soft_law"];
    let (kh, nh) = counts["hard_end"];
    let mut checks = Vec::new();
    result.headline = vec!["rate_soft_law".into(), "rate_hard_end".into()];
    if ns > 0 && nh > 0 {
        let (d, lo, hi) = exact::newcombe_difference(ks, ns, kh, nh, level)?;
        result.numbers.push(Number {
            name: "overstatement".into(),
            label: "Soft-law participation rate minus hard-law-end rate".into(),
            value: d,
            low: Some(lo),
            high: Some(hi),
            note: "Newcombe hybrid score interval".into(),
        });
        // Significance at alpha: the interval excludes 0.
        let outcome = verdict::judge_interval(d, lo, 0.0);
        checks.push(Check {
            model: "rates".into(),
            term: "soft minus hard".into(),
            direction: Direction::Positive,
            alpha: ps.alpha,
            estimate: d,
            conf_low: Some(lo),
            conf_high: Some(hi),
            p_value: f64::NAN,
            p_value_method: "Newcombe interval".into(),
            outcome,
        });
    }
    joined_since(&mut result, spec, ps, &records, &outcome);
    if spec.outputs.figure(FigureName::Timeline) {
        result.figures.push(FigureData::Timeline {
            points: timeline(ctx, spec, &records),
        });
    }
    verdict::conclude(&mut result, checks);
    Ok(result)
}

/// The soft-law benchmark: declarations and resolutions (the kinds
/// without obligation).
pub fn in_soft_law(r: &TreatyRecord) -> bool {
    r.soft_law == 1
}

/// The hard-law end: treaties whose sovereignty cost is above the threshold.
pub fn in_hard_end(r: &TreatyRecord, hard_threshold: f64) -> bool {
    r.soft_law == 0 && r.sovereignty_cost > hard_threshold
}

/// The participation rate of each part of the universe: numbers, the table
/// and the figure data; returns (joined, n) by part.
fn rates(
    result: &mut AnalysisResult,
    spec: &Spec,
    ps: &ParticipationSpec,
    records: &[TreatyRecord],
    outcome: &dyn Fn(&TreatyRecord) -> u8,
) -> Result<BTreeMap<&'static str, (u64, u64)>> {
    let level = 1.0 - ps.alpha;
    let groups: Vec<(&str, &str, Vec<&TreatyRecord>)> = vec![
        (
            "soft_law",
            "Soft-law benchmark (declarations and resolutions)",
            records.iter().filter(|r| in_soft_law(r)).collect(),
        ),
        ("all", "Full universe", records.iter().collect()),
        (
            "treaties",
            "All treaties",
            records.iter().filter(|r| r.soft_law == 0).collect(),
        ),
        (
            "hard_end",
            "Hard-law end (sovereignty cost above the threshold)",
            records
                .iter()
                .filter(|r| in_hard_end(r, ps.hard_threshold))
                .collect(),
        ),
    ];
    let mut rows = Vec::new();
    let mut figure = Vec::new();
    let mut counts = BTreeMap::new();
    for (name, label, g) in &groups {
        let k = g.iter().filter(|r| outcome(r) == 1).count() as u64;
        let n = g.len() as u64;
        counts.insert(*name, (k, n));
        if n == 0 {
            continue;
        }
        let p = exact::proportion(k, n, level)?;
        rows.push(vec![
            label.to_string(),
            n.to_string(),
            k.to_string(),
            format!("{:.3}", p.estimate),
            format!(
                "[{:.3}, {:.3}]",
                p.clopper_pearson_low, p.clopper_pearson_high
            ),
        ]);
        result.numbers.push(Number {
            name: format!("rate_{name}"),
            label: format!("Participation rate: {label}"),
            value: p.estimate,
            low: Some(p.clopper_pearson_low),
            high: Some(p.clopper_pearson_high),
            note: format!("{k} of {n}; Clopper-Pearson interval"),
        });
        figure.push(RateRow {
            group: label.to_string(),
            rate: p.estimate,
            low: p.clopper_pearson_low,
            high: p.clopper_pearson_high,
            n: n as usize,
        });
    }
    if spec.outputs.figure(FigureName::ParticipationByCost) {
        result
            .figures
            .push(FigureData::ParticipationByCost { rows: figure });
    }
    push_table(
        result,
        spec,
        TableOut {
            name: "participation".into(),
            caption: format!(
                "China's participation ({}) by part of the universe, {:.0} % exact intervals",
                ps.outcome.as_str(),
                level * 100.0
            ),
            header: vec![
                "Instruments".into(),
                "N".into(),
                "Joined".into(),
                "Rate".into(),
                "Interval".into(),
            ],
            rows,
        },
    );
    Ok(counts)
}

/// The number of instruments joined from `from_year` to the cutoff
/// ("pro-social change"), soft-law and at the hard-law end.
fn joined_since(
    result: &mut AnalysisResult,
    spec: &Spec,
    ps: &ParticipationSpec,
    records: &[TreatyRecord],
    outcome: &dyn Fn(&TreatyRecord) -> u8,
) {
    // Instruments joined per year since from_year ("pro-social change").
    let cutoff_year: i32 = spec.sample.cutoff[..4].parse().unwrap_or(2025);
    let mut total = 0usize;
    let mut soft_total = 0usize;
    let mut hard_total = 0usize;
    for year in ps.from_year..=cutoff_year {
        for r in records
            .iter()
            .filter(|r| outcome(r) == 1 && r.join_year == Some(year))
        {
            total += 1;
            if r.soft_law == 1 {
                soft_total += 1;
            }
            if r.soft_law == 0 && r.sovereignty_cost > ps.hard_threshold {
                hard_total += 1;
            }
        }
    }
    result.numbers.push(Number {
        name: "joined_since_from_year".into(),
        label: format!(
            "Instruments China joined from {} to the cutoff",
            ps.from_year
        ),
        value: total as f64,
        low: None,
        high: None,
        note: format!("{soft_total} soft-law, {hard_total} at the hard-law end"),
    });
}

/// Timeline of China's (PRC) actions on the instruments of the sample: each
/// dated act (signature, consent, vote, reservation or declaration) at its
/// time, by the instrument's sovereignty cost.
fn timeline(ctx: &Context, spec: &Spec, records: &[TreatyRecord]) -> Vec<TimelinePoint> {
    let mut timeline = Vec::new();
    let acts = &ctx.data.actions;
    for a in &acts.rows {
        let g = |c: &str| acts.get(a, c);
        if g("actor") != "PRC"
            || g("date").len() != 10
            || (!spec.sample.include_unverified && g("verified") != "yes")
        {
            continue;
        }
        let Some(r) = records.iter().find(|r| r.treaty_id == g("treaty_id")) else {
            continue;
        };
        let kind = g("action");
        let reservation = matches!(kind, "reservation" | "declaration");
        let joins = match (
            crate::outcome::ActionKind::parse(kind),
            crate::outcome::InstrumentKind::parse(&r.kind),
        ) {
            (Some(a), Some(k)) => matches!(
                a.role(k),
                crate::outcome::Role::Signature
                    | crate::outcome::Role::Consent
                    | crate::outcome::Role::Support
            ),
            _ => false,
        };
        if !reservation && !joins {
            continue;
        }
        let (y, m, d) = crate::dataset::parse_partial_date(g("date")).unwrap_or((0, 1, 1));
        timeline.push(TimelinePoint {
            instrument: r.short_name.clone(),
            year: y as f64 + ((m - 1) as f64 * 30.5 + d as f64) / 366.0,
            sovereignty_cost: r.sovereignty_cost,
            reservation,
        });
    }
    timeline
}
