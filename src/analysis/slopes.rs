//! Each state's own cost slope: a logit of the outcome on the cost variable
//! on that state's instruments (Firth where its outcomes are separated, by
//! the engine's auto rule), with its interval; China's rank among the
//! states (1 = steepest); and the pooled model whose China × cost
//! interaction tests whether China's slope is steeper than the peers'.

use std::path::Path;

use super::comparative::{self, Needed};
use super::spec::{Model, SlopesSpec, Spec};
use super::{base_result, push_table, Context};
use crate::error::{Error, Result};
use crate::models::{self, CiMethod, FitSpec, TestMethod};
use crate::panel::CHINA;
use crate::results::{
    AnalysisResult, FigureData, FigureName, Number, StateSlopePlot, StateSlopeRow, TableOut,
};
use crate::state_panel::{self, StatePanel};
use rayon::prelude::*;

/// What fitting one state's model gives.
enum StateFit {
    Slope(Slope),
    /// The data cannot fit it (the state and the rule, for the note).
    NotEstimable(String),
    /// The fit has no cost coefficient (the term was dropped).
    NoCostTerm,
}

/// One state's fitted slope.
struct Slope {
    row: StateSlopeRow,
    n: usize,
    events: usize,
}

/// Runs a state_slopes analysis.
pub fn run(
    ctx: &Context,
    file: &Path,
    spec: &Spec,
    m: &Model,
    ss: &SlopesSpec,
) -> Result<AnalysisResult> {
    let (panel, notes) = comparative::sample(ctx, spec, Needed::Outcome(ss.outcome));
    let table = state_panel::state_table(&panel)?;
    let mut result = base_result(file, spec, panel.rows.len());
    result.notes.extend(notes);
    if let Some(reason) = comparative::too_few_states(&panel, ss.comparison.min_states) {
        comparative::not_estimable(&mut result, reason);
        return Ok(result);
    }
    let slopes = state_slopes(&panel, spec, ss, &mut result)?;
    rank_numbers(&slopes, &mut result);
    slopes_table(&slopes, spec, ss, &mut result);
    if spec.outputs.figure(FigureName::StateSlopes) {
        result.figures.push(FigureData::StateSlopes(StateSlopePlot {
            term: ss.cost_variable.clone(),
            level: spec.level(),
            rows: slopes.iter().map(|s| s.row.clone()).collect(),
        }));
    }
    let fits = super::pooled::fit_all(ctx, file, spec, m, &table, &mut result)?;
    result.models_table = spec.outputs.table("models");
    result.numbers.extend(comparative::slope_numbers(
        &fits[0].fit,
        &ss.cost_variable,
        spec.level(),
        spec.sample.states,
    ));
    super::pooled::conclude(file, spec, &fits, &mut result)?;
    result.fits = fits;
    Ok(result)
}

/// Fits each state's model; a state the data cannot fit (a constant
/// outcome) is noted. Sorted from the steepest slope (ties by state).
fn state_slopes(
    panel: &StatePanel,
    spec: &Spec,
    ss: &SlopesSpec,
    result: &mut AnalysisResult,
) -> Result<Vec<Slope>> {
    let mut fs = FitSpec::new(&format!(
        "{} ~ {}",
        match ss.outcome {
            super::spec::Outcome::Joined => "joined",
            super::spec::Outcome::Bound => "consented",
        },
        ss.cost_variable
    ));
    fs.method = ss.method;
    fs.level = spec.level();
    fs.ci = CiMethod::Default;
    // Without the slopes table or the forest plot only the estimates rank
    // the states, and only China's interval is shown: the others skip the
    // profile intervals and likelihood-ratio tests (dozens of refits each).
    let shown = spec.outputs.table("slopes") || spec.outputs.figure(FigureName::StateSlopes);
    let mut quick = fs.clone();
    quick.ci = CiMethod::Wald;
    quick.tests = TestMethod::Wald;
    // Each state's fit on its own rows, in parallel; collected in the
    // states' order, so the result does not depend on the thread count.
    let fit_state = |state: String| -> Result<StateFit> {
        let rows: Vec<_> = panel
            .rows
            .iter()
            .filter(|r| r.state == state)
            .cloned()
            .collect();
        let events = rows
            .iter()
            .filter(|r| comparative::outcome_of(r, ss.outcome) == Some(1))
            .count();
        let n = rows.len();
        let table = state_panel::state_table(&panel.with_rows(rows))?;
        let how = if shown || state == CHINA { &fs } else { &quick };
        let fit = match models::fit_table(&table, how) {
            Ok(f) => f,
            Err(Error::NotEstimable { rule, .. }) => {
                return Ok(StateFit::NotEstimable(format!("{state} ({rule})")))
            }
            Err(e) => return Err(e),
        };
        let Some(c) = fit.coefficients.iter().find(|c| c.term == ss.cost_variable) else {
            return Ok(StateFit::NoCostTerm);
        };
        Ok(StateFit::Slope(Slope {
            row: StateSlopeRow {
                china: state == CHINA,
                state,
                estimate: c.estimate,
                low: c.conf_low,
                high: c.conf_high,
                method: fit.method.clone(),
            },
            n,
            events,
        }))
    };
    let fitted: Vec<_> = comparative::states_in(panel)
        .into_par_iter()
        .map(fit_state)
        .collect::<Result<_>>()?;
    let mut out = Vec::new();
    let mut skipped = Vec::new();
    for f in fitted {
        match f {
            StateFit::Slope(slope) => out.push(slope),
            StateFit::NotEstimable(why) => skipped.push(why),
            StateFit::NoCostTerm => {}
        }
    }
    if !skipped.is_empty() {
        result.notes.push(format!(
            "No slope for {} state{} the data cannot fit: {}.",
            skipped.len(),
            if skipped.len() == 1 { "" } else { "s" },
            skipped.join("; ")
        ));
    }
    out.sort_by(|a, b| {
        a.row
            .estimate
            .total_cmp(&b.row.estimate)
            .then_with(|| a.row.state.cmp(&b.row.state))
    });
    Ok(out)
}

/// China's slope and its rank among the states with a slope.
fn rank_numbers(slopes: &[Slope], result: &mut AnalysisResult) {
    let Some(k) = slopes.iter().position(|s| s.row.china) else {
        result
            .notes
            .push("China's own slope is not estimable on these data.".into());
        return;
    };
    let c = &slopes[k].row;
    result.numbers.push(Number {
        name: "china_slope".into(),
        label: "China's own cost slope".into(),
        value: c.estimate,
        low: c.low,
        high: c.high,
        note: format!("{} fit on China's instruments alone", c.method),
    });
    result.numbers.push(Number {
        name: "china_slope_rank".into(),
        label: format!(
            "China's rank among the {} states by cost slope (1 = steepest)",
            slopes.len()
        ),
        value: (k + 1) as f64,
        low: None,
        high: None,
        note: format!("of {} states with an estimable slope", slopes.len()),
    });
    result.headline = vec!["china_slope".into(), "china_slope_rank".into()];
}

fn fmt_num(x: f64) -> String {
    format!("{x:.3}")
}

fn slopes_table(slopes: &[Slope], spec: &Spec, ss: &SlopesSpec, result: &mut AnalysisResult) {
    let bound = |v: Option<f64>| v.map(fmt_num).unwrap_or_else(|| "∞".into());
    let rows = slopes
        .iter()
        .enumerate()
        .map(|(k, s)| {
            vec![
                (k + 1).to_string(),
                s.row.state.clone(),
                s.n.to_string(),
                s.events.to_string(),
                s.row.method.clone(),
                fmt_num(s.row.estimate),
                format!("[{}, {}]", bound(s.row.low), bound(s.row.high)),
            ]
        })
        .collect();
    push_table(
        result,
        spec,
        TableOut {
            name: "slopes".into(),
            caption: format!(
                "Each state's slope of {} in the probability of joining ({:.0} % intervals), steepest first",
                crate::results::term_words(&ss.cost_variable).to_lowercase(),
                spec.level() * 100.0
            ),
            header: ["Rank", "State", "N", "Joined", "Method", "Slope", "Interval"]
                .map(String::from)
                .to_vec(),
            rows,
        },
    );
}
