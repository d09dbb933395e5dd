//! What the comparative analyses share: their sample of the state ×
//! instrument panel (the spec's filters, the rows whose outcome is known,
//! a note counting the others by state), the rule that says when the
//! dataset holds too few states to compare, and China's slope from a pooled
//! model with a China × cost interaction.

use super::sample;
use super::spec::{Outcome, Spec};
use super::Context;
use crate::panel::CHINA;
use crate::results::{
    AnalysisResult, FitResult, InstrumentSelection, Number, StateSelection, Verdict,
};
use crate::state_panel::{self, StatePanel, StateRecord};

/// Which outcome a comparative sample needs known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Needed {
    Outcome(Outcome),
    /// `joined` with its year (the state-year frame).
    JoinYear,
}

impl Needed {
    /// From a model's response: `event` needs the year of joining.
    pub fn of_response(response: &str) -> Needed {
        match response {
            "consented" => Needed::Outcome(Outcome::Bound),
            "event" => Needed::JoinYear,
            _ => Needed::Outcome(Outcome::Joined),
        }
    }

    /// Why a record cannot enter the sample, if it cannot.
    fn unknown(self, r: &StateRecord) -> Option<String> {
        match self {
            Needed::Outcome(Outcome::Joined) => {
                r.joined.is_none().then(|| r.unknown_because.clone())
            }
            Needed::Outcome(Outcome::Bound) => {
                r.consented.is_none().then(|| r.unknown_because.clone())
            }
            Needed::JoinYear => state_panel::state_year_left_out(r),
        }
    }
}

/// The outcome of a record (known in a sample).
pub fn outcome_of(r: &StateRecord, outcome: Outcome) -> Option<u8> {
    match outcome {
        Outcome::Joined => r.joined,
        Outcome::Bound => r.consented,
    }
}

/// The spec's sample of the state panel: the rows its filters keep whose
/// needed outcome is known, and a note counting the others by state (they
/// are never counted as "no").
pub fn sample(ctx: &Context, spec: &Spec, need: Needed) -> (StatePanel, Vec<String>) {
    let full = state_panel::state_panel(ctx.data, &sample::options(spec));
    let (selected, mut notes) = select(&full, spec.sample.states, spec.sample.instruments);
    let mut kept = Vec::new();
    let mut unknown: std::collections::BTreeMap<&str, usize> = Default::default();
    for r in full.rows.iter().filter(|r| selected(r)) {
        if !sample::matches(full.treaty(r), &spec.sample.filter) {
            continue;
        }
        match need.unknown(r) {
            Some(_) => *unknown.entry(r.state.as_str()).or_default() += 1,
            None => kept.push(r.clone()),
        }
    }
    if !unknown.is_empty() {
        let total: usize = unknown.values().sum();
        let by_state: Vec<String> = unknown.iter().map(|(s, n)| format!("{s} {n}")).collect();
        notes.push(format!(
            "Left out because the outcome is unknown at the cutoff ({total} state-instrument pair{}): {}.",
            if total == 1 { "" } else { "s" },
            by_state.join(", ")
        ));
    }
    (full.with_rows(kept), notes)
}

/// The rows a sample's `states` and `instruments` keep, and a note saying
/// which they are. With `coded_for_every_state`, an instrument is kept when
/// every selected state has a status row for it (a status read, `unknown`
/// included), so that the states are compared on the same instruments.
fn select(
    full: &StatePanel,
    states: StateSelection,
    instruments: InstrumentSelection,
) -> (impl Fn(&StateRecord) -> bool + '_, Vec<String>) {
    let state_ok = move |s: &str| match states {
        StateSelection::All => true,
        StateSelection::Peers => state_panel::in_peer_group(s),
    };
    let chosen: Vec<&String> = full.states.iter().filter(|s| state_ok(s)).collect();
    let mut notes = Vec::new();
    let mut keep_treaty = vec![true; full.treaties.len()];
    if instruments == InstrumentSelection::CodedForEveryState {
        for r in full.rows.iter().filter(|r| state_ok(&r.state)) {
            if r.status.is_empty() {
                keep_treaty[r.treaty] = false;
            }
        }
        let kept = keep_treaty.iter().filter(|k| **k).count();
        notes.push(format!(
            "Instruments: the {kept} of {} that every one of the {} states has a status for (the others are left out, so that each state is compared on the same instruments).",
            full.treaties.len(),
            chosen.len()
        ));
    }
    if states == StateSelection::Peers {
        notes.push(format!(
            "States: China and its peers, the P5 and the G20 states ({} in the dataset).",
            chosen.len()
        ));
    }
    let keep = move |r: &StateRecord| state_ok(&r.state) && keep_treaty[r.treaty];
    (keep, notes)
}

/// The states with at least one row in the sample, in order.
pub fn states_in(panel: &StatePanel) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for r in &panel.rows {
        if out.last() != Some(&r.state) && !out.contains(&r.state) {
            out.push(r.state.clone());
        }
    }
    out
}

/// `Some(reason)` when the sample cannot compare China with its peers:
/// China absent, or fewer than `min_states` states with a known outcome.
pub fn too_few_states(panel: &StatePanel, min_states: usize) -> Option<String> {
    let states = states_in(panel);
    let listed = if states.is_empty() {
        "none".to_string()
    } else {
        states.join(", ")
    };
    if states.len() < min_states {
        return Some(format!(
            "not estimable: the dataset holds fewer than {min_states} states with a known outcome ({}: {listed})",
            states.len()
        ));
    }
    if !states.iter().any(|s| s == CHINA) {
        return Some(format!(
            "not estimable: China ({CHINA}) has no known outcome in the sample (states: {listed})"
        ));
    }
    None
}

/// Marks a result as not estimable: the reason as a note and as the
/// verdict's reason, the verdict inconclusive (as a not-estimable
/// alternative model is).
pub fn not_estimable(result: &mut AnalysisResult, reason: String) {
    result.verdict = Verdict::Inconclusive;
    result.verdict_reason = reason.clone();
    result.notes.push(reason);
}

/// The others' pooled slope (the cost coefficient: the peers', or every
/// other state's) and China's slope (cost plus China × cost, with its
/// delta-method Wald interval from the fit's covariance), when the fit has
/// both terms.
pub fn slope_numbers(
    fit: &FitResult,
    cost: &str,
    level: f64,
    states: StateSelection,
) -> Vec<Number> {
    let others = match states {
        StateSelection::Peers => "The peers'",
        StateSelection::All => "The other states'",
    };
    let interaction = format!("{cost}:china");
    let find = |t: &str| fit.coefficients.iter().position(|c| c.term == t);
    let (Some(j), Some(k)) = (find(cost), find(&interaction)) else {
        return Vec::new();
    };
    let (b, c) = (&fit.coefficients[j], &fit.coefficients[k]);
    let var = fit.vcov[j][j] + fit.vcov[k][k] + 2.0 * fit.vcov[j][k];
    let china = b.estimate + c.estimate;
    let w = crate::models::inference::wald(china, var, level);
    let words = crate::results::term_words(cost).to_lowercase();
    vec![
        Number {
            name: "peer_slope".into(),
            label: format!("{others} pooled slope of {words}"),
            value: b.estimate,
            low: b.conf_low,
            high: b.conf_high,
            note: format!("{} fit, {} covariance", fit.method, fit.vcov_type),
        },
        Number {
            name: "china_slope_pooled".into(),
            label: format!(
                "China's slope of {words} in the pooled model ({} slope plus China's difference)",
                others.to_lowercase()
            ),
            value: china,
            low: Some(w.low),
            high: Some(w.high),
            note: format!(
                "Wald interval from the {} covariance (delta method)",
                fit.vcov_type
            ),
        },
    ]
}
