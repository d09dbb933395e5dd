//! China's signed-not-consented rate against its peers': for each state,
//! the share of the binding instruments it signed or consented to that it
//! has only signed (`signed_only::signed_only`), by cost group; China's rate
//! minus the peers' pooled rate, with a percentile interval from a
//! bootstrap over instruments. The hypothesis: at high cost China's rate is
//! above its peers' (it signs what it will not ratify more often than they
//! do). Depth levels 2 and 3 cannot be told apart for the peers (their
//! opt-outs are not coded), so the comparison uses levels 0/1 against
//! bound, which the state panel holds for every state.
//!
//! Why a bootstrap over instruments, not an exact interval: the peers' pooled
//! rate is taken on the same instruments as China's, many states to an
//! instrument, so its pairs are neither independent of each other nor of
//! China's; an exact two-sample interval would treat them as independent.
//! Drawing instruments with all states' outcomes on each keeps that
//! dependence (as `gaps`).

use std::path::Path;

use super::comparative::{self, Needed};
use super::signed_only::{group_words, signed_only, Counts};
use super::spec::{Outcome, Spec, StateSignedOnlySpec};
use super::{base_result, push_table, verdict, Context};
use crate::error::Result;
use crate::panel::CHINA;
use crate::results::{AnalysisResult, Check, Direction, Number, TableOut};
use crate::rng::Rng;
use crate::state_panel::StatePanel;

/// The sample as one entry per instrument: its cost group and every
/// state's signed-only flag on it (China's apart).
struct Grid {
    high: Vec<bool>,
    china: Vec<Option<bool>>,
    /// Peer (state, signed only) pairs on each instrument.
    peers: Vec<Vec<bool>>,
}

impl Grid {
    fn new(panel: &StatePanel, threshold: f64) -> Grid {
        let n = panel.treaties.len();
        let mut g = Grid {
            high: panel
                .treaties
                .iter()
                .map(|t| t.sovereignty_cost > threshold)
                .collect(),
            china: vec![None; n],
            peers: vec![Vec::new(); n],
        };
        for r in &panel.rows {
            let Some(only) = signed_only(&panel.treaty(r).kind, r.joined, r.consented) else {
                continue;
            };
            if r.state == CHINA {
                g.china[r.treaty] = Some(only);
            } else {
                g.peers[r.treaty].push(only);
            }
        }
        g
    }

    /// China's and the peers' pooled counts over a draw of instruments.
    fn counts(&self, draw: &[usize]) -> (Counts, Counts) {
        let (mut china, mut peers) = (Counts::default(), Counts::default());
        for &t in draw {
            if let Some(only) = self.china[t] {
                china.add(self.high[t], only);
            }
            for &only in &self.peers[t] {
                peers.add(self.high[t], only);
            }
        }
        (china, peers)
    }

    /// China's rate minus the peers' pooled rate in a group (`None`: all
    /// instruments), when both are defined.
    fn difference(&self, draw: &[usize], group: Option<bool>) -> Option<f64> {
        let (c, p) = self.counts(draw);
        let pick = |x: &Counts| match group {
            Some(true) => x.high,
            Some(false) => x.low,
            None => x.all(),
        };
        let rate = |(k, n): (u64, u64)| (n > 0).then(|| k as f64 / n as f64);
        Some(rate(pick(&c))? - rate(pick(&p))?)
    }
}

/// Runs a state_signed_only analysis.
pub fn run(
    ctx: &Context,
    file: &Path,
    spec: &Spec,
    ss: &StateSignedOnlySpec,
) -> Result<AnalysisResult> {
    let (panel, notes) = comparative::sample(ctx, spec, Needed::Outcome(Outcome::Bound));
    let mut result = base_result(file, spec, panel.rows.len());
    result.notes.extend(notes);
    if let Some(reason) = comparative::too_few_states(&panel, ss.comparison.min_states) {
        comparative::not_estimable(&mut result, reason);
        return Ok(result);
    }
    let grid = Grid::new(&panel, ss.hard_threshold);
    let (china, peers) = grid.counts(&(0..grid.high.len()).collect::<Vec<_>>());
    // N: the state-instrument pairs in the rate's base (signed or consented).
    result.n = (china.all().1 + peers.all().1) as usize;
    let level = 1.0 - ss.alpha;
    state_table(&panel, &grid, spec, ss.hard_threshold, &mut result);
    let used: Vec<usize> = (0..grid.high.len()).collect();
    let seed = ctx.seed(ss.seed);
    result.seed = Some(seed);
    let mut checks = Vec::new();
    for (name, group) in [("high", Some(true)), ("low", Some(false)), ("all", None)] {
        let Some(estimate) = grid.difference(&used, group) else {
            result.notes.push(format!(
                "China's rate minus the peers' ({name} cost) is not defined: China or the peers signed or consented to no instrument there."
            ));
            continue;
        };
        let (low, high, valid) = bootstrap(&grid, &used, group, ss.bootstrap, seed, level);
        let label = match group {
            Some(h) => group_words(h, ss.hard_threshold),
            None => "all binding instruments".into(),
        };
        result.numbers.push(Number {
            name: format!("china_minus_peers_{name}"),
            label: format!("China's signed-only rate minus the peers' pooled rate: {label}"),
            value: estimate,
            low: Some(low),
            high: Some(high),
            note: format!(
                "percentile interval, {valid} of {} bootstrap draws of the instruments (seed {seed})",
                ss.bootstrap
            ),
        });
        if group == Some(true) {
            checks.push(Check {
                model: "rates".into(),
                term: "China minus peers, high cost".into(),
                direction: Direction::Positive,
                alpha: ss.alpha,
                estimate,
                conf_low: Some(low),
                conf_high: Some(high),
                p_value: f64::NAN,
                p_value_method: "bootstrap percentile interval over instruments".into(),
                outcome: verdict::judge_interval(estimate, low, 0.0),
            });
        }
    }
    result.headline = vec!["china_minus_peers_high".into()];
    verdict::conclude(&mut result, checks);
    Ok(result)
}

/// The percentile interval of the difference over draws of the instruments
/// with replacement, and the number of draws in which it is defined. Draw r
/// uses stream r of the seed.
fn bootstrap(
    grid: &Grid,
    used: &[usize],
    group: Option<bool>,
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
            grid.difference(&draw, group)
        })
        .collect();
    values.sort_by(f64::total_cmp);
    let q = |p: f64| {
        if values.is_empty() {
            return f64::NAN;
        }
        let h = (values.len() - 1) as f64 * p;
        let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
        values[lo] + (h - lo as f64) * (values[hi] - values[lo])
    };
    (q((1.0 - level) / 2.0), q((1.0 + level) / 2.0), values.len())
}

/// Each state's signed-only counts by cost group, China first, then the
/// peers pooled and each peer.
fn state_table(
    panel: &StatePanel,
    grid: &Grid,
    spec: &Spec,
    threshold: f64,
    result: &mut AnalysisResult,
) {
    let cell = |(k, n): (u64, u64)| {
        if n == 0 {
            "–".to_string()
        } else {
            format!("{k}/{n} ({:.2})", k as f64 / n as f64)
        }
    };
    let row =
        |name: &str, c: &Counts| vec![name.to_string(), cell(c.low), cell(c.high), cell(c.all())];
    let mut per_state: std::collections::BTreeMap<&str, Counts> = Default::default();
    for r in &panel.rows {
        if let Some(only) = signed_only(&panel.treaty(r).kind, r.joined, r.consented) {
            per_state
                .entry(r.state.as_str())
                .or_default()
                .add(grid.high[r.treaty], only);
        }
    }
    let all: Vec<usize> = (0..grid.high.len()).collect();
    let (china, peers) = grid.counts(&all);
    let mut rows = vec![row(CHINA, &china), row("Peers (pooled)", &peers)];
    rows.extend(
        per_state
            .iter()
            .filter(|(s, _)| **s != CHINA)
            .map(|(s, c)| row(s, c)),
    );
    push_table(
        result,
        spec,
        TableOut {
            name: "state_signed_only".into(),
            caption: "Binding instruments each state has only signed, of those it signed or consented to (share in parentheses), by sovereignty cost".into(),
            header: vec![
                "State".into(),
                group_words(false, threshold),
                group_words(true, threshold),
                "All".into(),
            ],
            rows,
        },
    );
}
