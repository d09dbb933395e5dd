//! The soft-law/hard-law participation gap of every state: its soft-law
//! participation rate minus its rate at the hard-law end (the definitions
//! of the participation kind, `participation::in_soft_law` and
//! `in_hard_end`), with Newcombe's interval; China's rank (1 = the largest
//! gap); and China's gap minus the peers' mean gap, with a percentile
//! interval from a bootstrap over instruments.
//!
//! Why a bootstrap over instruments: every state's rates are taken on the
//! same instruments, so the states' gaps are not independent — an
//! instrument that is easy to join raises every state's rate at once. Drawing
//! instruments (with all states' outcomes on each) keeps that dependence,
//! needs no model of the rates, and gives the difference of China's gap from
//! the peers' mean directly, on the scale of the gaps themselves.

use std::path::Path;

use super::comparative::{self, Needed};
use super::participation::{in_hard_end, in_soft_law};
use super::spec::{GapsSpec, Spec};
use super::{base_result, push_table, verdict, Context};
use crate::error::Result;
use crate::models::exact;
use crate::panel::CHINA;
use crate::results::{AnalysisResult, Check, Direction, Number, TableOut};
use crate::rng::Rng;
use crate::state_panel::StatePanel;

/// Which end of the universe an instrument is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Soft,
    Hard,
    Neither,
}

/// The sample as counts: for each state, its outcome on each instrument.
struct Grid {
    states: Vec<String>,
    parts: Vec<Part>,
    /// `outcomes[s][t]`: state s on instrument t (`None`: not in the sample).
    outcomes: Vec<Vec<Option<u8>>>,
}

impl Grid {
    fn new(panel: &StatePanel, gs: &GapsSpec) -> Grid {
        let states = comparative::states_in(panel);
        let parts = panel
            .treaties
            .iter()
            .map(|t| {
                if in_soft_law(t) {
                    Part::Soft
                } else if in_hard_end(t, gs.hard_threshold) {
                    Part::Hard
                } else {
                    Part::Neither
                }
            })
            .collect();
        let mut outcomes = vec![vec![None; panel.treaties.len()]; states.len()];
        let index: std::collections::HashMap<&str, usize> = states
            .iter()
            .enumerate()
            .map(|(k, s)| (s.as_str(), k))
            .collect();
        for r in &panel.rows {
            outcomes[index[r.state.as_str()]][r.treaty] = comparative::outcome_of(r, gs.outcome);
        }
        Grid {
            states,
            parts,
            outcomes,
        }
    }

    /// (joined, n) of state `s` at the soft and the hard end, over the
    /// instruments drawn (an instrument drawn twice counts twice).
    fn counts(&self, s: usize, draw: &[usize]) -> [(u64, u64); 2] {
        let mut c = [(0, 0); 2];
        for &t in draw {
            let (Some(y), k) = (self.outcomes[s][t], self.parts[t]) else {
                continue;
            };
            let slot = match k {
                Part::Soft => 0,
                Part::Hard => 1,
                Part::Neither => continue,
            };
            c[slot].0 += u64::from(y);
            c[slot].1 += 1;
        }
        c
    }

    /// Each state's gap over a draw (`None` where an end is empty).
    fn gaps(&self, draw: &[usize]) -> Vec<Option<f64>> {
        (0..self.states.len())
            .map(|s| {
                let [(ks, ns), (kh, nh)] = self.counts(s, draw);
                (ns > 0 && nh > 0).then(|| ks as f64 / ns as f64 - kh as f64 / nh as f64)
            })
            .collect()
    }

    /// China's gap minus the mean gap of the peers with one.
    fn china_minus_peers(&self, draw: &[usize]) -> Option<f64> {
        let gaps = self.gaps(draw);
        let china = self.states.iter().position(|s| s == CHINA)?;
        let peers: Vec<f64> = gaps
            .iter()
            .enumerate()
            .filter(|(k, _)| *k != china)
            .filter_map(|(_, g)| *g)
            .collect();
        if peers.is_empty() {
            return None;
        }
        Some(gaps[china]? - peers.iter().sum::<f64>() / peers.len() as f64)
    }
}

/// Runs a state_gaps analysis.
pub fn run(ctx: &Context, file: &Path, spec: &Spec, gs: &GapsSpec) -> Result<AnalysisResult> {
    let (panel, notes) = comparative::sample(ctx, spec, Needed::Outcome(gs.outcome));
    let mut result = base_result(file, spec, panel.rows.len());
    result.notes.extend(notes);
    if let Some(reason) = comparative::too_few_states(&panel, gs.comparison.min_states) {
        comparative::not_estimable(&mut result, reason);
        return Ok(result);
    }
    let grid = Grid::new(&panel, gs);
    let level = 1.0 - gs.alpha;
    gap_table(&grid, spec, level, &mut result)?;
    let used: Vec<usize> = (0..grid.parts.len())
        .filter(|&t| grid.outcomes.iter().any(|o| o[t].is_some()))
        .collect();
    let Some(estimate) = grid.china_minus_peers(&used) else {
        comparative::not_estimable(
            &mut result,
            "not estimable: China or every peer lacks a soft-law or a hard-law-end instrument with a known outcome".into(),
        );
        return Ok(result);
    };
    let seed = ctx.seed(gs.seed);
    result.seed = Some(seed);
    let (low, high, valid) = bootstrap(&grid, &used, gs.bootstrap, seed, level);
    result.numbers.push(Number {
        name: "china_gap_minus_peers".into(),
        label: "China's soft-law/hard-law gap minus the peers' mean gap".into(),
        value: estimate,
        low: Some(low),
        high: Some(high),
        note: format!(
            "percentile interval, {valid} of {} bootstrap draws of the instruments (seed {seed})",
            gs.bootstrap
        ),
    });
    let check = Check {
        model: "gaps".into(),
        term: "China's gap minus the peers' mean gap".into(),
        direction: Direction::Positive,
        alpha: gs.alpha,
        estimate,
        conf_low: Some(low),
        conf_high: Some(high),
        p_value: f64::NAN,
        p_value_method: "bootstrap percentile interval over instruments".into(),
        outcome: verdict::judge_interval(estimate, low, 0.0),
    };
    verdict::conclude(&mut result, vec![check]);
    Ok(result)
}

/// The percentile interval of China's gap minus the peers' mean over
/// `replicates` draws of the instruments with replacement, and the number
/// of draws in which it is defined. Draw r uses stream r of the seed.
fn bootstrap(
    grid: &Grid,
    used: &[usize],
    replicates: usize,
    seed: u64,
    level: f64,
) -> (f64, f64, usize) {
    let mut values: Vec<f64> = (0..replicates)
        .filter_map(|r| {
            let mut rng = Rng::new(seed, r as u64);
            let draw: Vec<usize> = (0..used.len())
                .map(|_| used[rng.below(used.len())])
                .collect();
            grid.china_minus_peers(&draw)
        })
        .collect();
    values.sort_by(f64::total_cmp);
    let q = |p: f64| quantile7(&values, p);
    (q((1.0 - level) / 2.0), q((1.0 + level) / 2.0), values.len())
}

/// R's `quantile(type = 7)` of sorted values (NaN if empty).
fn quantile7(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let h = (sorted.len() - 1) as f64 * p;
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// Each state's gap with Newcombe's interval, largest first, China's rank.
fn gap_table(grid: &Grid, spec: &Spec, level: f64, result: &mut AnalysisResult) -> Result<()> {
    let all: Vec<usize> = (0..grid.parts.len()).collect();
    let mut rows = Vec::new();
    for (s, state) in grid.states.iter().enumerate() {
        let [(ks, ns), (kh, nh)] = grid.counts(s, &all);
        if ns == 0 || nh == 0 {
            continue;
        }
        let (d, lo, hi) = exact::newcombe_difference(ks, ns, kh, nh, level)?;
        rows.push((state.clone(), ks, ns, kh, nh, d, lo, hi));
    }
    rows.sort_by(|a, b| b.5.total_cmp(&a.5).then_with(|| a.0.cmp(&b.0)));
    if let Some(k) = rows.iter().position(|r| r.0 == CHINA) {
        let r = &rows[k];
        result.numbers.push(Number {
            name: "china_gap".into(),
            label: "China's soft-law rate minus its hard-law-end rate".into(),
            value: r.5,
            low: Some(r.6),
            high: Some(r.7),
            note: "Newcombe hybrid score interval".into(),
        });
        result.numbers.push(Number {
            name: "china_gap_rank".into(),
            label: format!(
                "China's rank among the {} states by gap (1 = largest)",
                rows.len()
            ),
            value: (k + 1) as f64,
            low: None,
            high: None,
            note: format!("of {} states with both ends known", rows.len()),
        });
        result.headline = vec!["china_gap".into(), "china_gap_rank".into()];
    }
    let table_rows = rows
        .iter()
        .enumerate()
        .map(|(k, (state, ks, ns, kh, nh, d, lo, hi))| {
            vec![
                (k + 1).to_string(),
                state.clone(),
                format!("{ks}/{ns}"),
                format!("{kh}/{nh}"),
                format!("{d:.3}"),
                format!("[{lo:.3}, {hi:.3}]"),
            ]
        })
        .collect();
    push_table(
        result,
        spec,
        TableOut {
            name: "gaps".into(),
            caption: format!(
                "Soft-law participation rate minus hard-law-end rate by state, {:.0} % Newcombe intervals, largest first",
                level * 100.0
            ),
            header: ["Rank", "State", "Soft law", "Hard-law end", "Gap", "Interval"]
                .map(String::from)
                .to_vec(),
            rows: table_rows,
        },
    );
    Ok(())
}
