//! Depth analyses: China's depth of commitment to the binding instruments
//! (0 none, 1 signed only, 2 bound with an opt-out, 3 bound without;
//! `crate::outcome::Depth`) on their sovereignty cost, by the ordered logit
//! (`crate::models::ordinal`) — the ordered analogue of H1. The verdict comes
//! from the cost coefficient's test; the likelihood-ratio test of
//! proportional odds is reported, and a note says when it rejects. The
//! predicted probability of each level against cost is the stacked figure.

use std::path::Path;

use super::sample;
use super::spec::{Hypothesis, Model, Spec};
use super::{base_result, fit_spec, push_table, spec_error, verdict, Context};
use crate::error::{Error, Location, Result};
use crate::models::ordinal;
use crate::outcome::{Depth, InstrumentKind};
use crate::panel::TreatyRecord;
use crate::results::{
    AnalysisResult, Check, DepthPlot, DepthPoint, FigureData, FigureName, NamedOrdinalFit, Number,
    OrdinalFitResult, TableOut,
};

/// Points of the predicted-probability curve.
const CURVE_POINTS: usize = 61;

/// Runs a depth analysis.
pub fn run(ctx: &Context, file: &Path, spec: &Spec, m: &Model) -> Result<AnalysisResult> {
    let (records, mut notes) = sample::with_notes(ctx, spec);
    let records = depth_sample(records, &mut notes);
    let mut result = base_result(file, spec, records.len());
    result.notes.extend(notes);
    result.models_table = spec.outputs.table("models");
    let table = crate::panel::treaty_table(&records)?;
    let level = spec.level();
    let grid = m
        .cost_variable
        .as_deref()
        .map(|var| cost_grid(&records, var, file))
        .transpose()?
        .unwrap_or_default();
    let mut fs = fit_spec(&m.fit, level, &[], ctx.fit_seed());
    fs.predict = grid.iter().map(|(at, _)| at.clone()).collect();
    let main = ordinal::fit_table(&table, &fs).map_err(|e| spec_error(file, "model.formula", e))?;
    let mut fits = vec![NamedOrdinalFit {
        label: "main".into(),
        fit: main.clone(),
    }];
    for (k, a) in m.alternatives.iter().enumerate() {
        if !a.filter.is_empty() {
            return Err(Error::input(
                Location::file(file).column(format!("model.alternatives[{k}].where")),
                "a depth analysis fits its alternatives on the whole sample (no where)",
            ));
        }
        let fs = fit_spec(&a.fit, level, &[], ctx.fit_seed());
        let key = format!("model.alternatives[{k}]");
        match ordinal::fit_table(&table, &fs) {
            Ok(fit) => fits.push(NamedOrdinalFit {
                label: a.label.clone(),
                fit,
            }),
            Err(Error::NotEstimable { rule, .. }) => result
                .notes
                .push(format!("Model '{}' is not estimable: {rule}", a.label)),
            Err(e) => return Err(spec_error(file, &key, e)),
        }
    }
    let checks = spec
        .hypotheses
        .iter()
        .map(|h| check_of(&fits, h, file))
        .collect::<Result<Vec<_>>>()?;
    level_numbers(&mut result, spec, &main);
    proportional_odds_numbers(&mut result, &main, spec.alpha());
    if spec.outputs.figure(FigureName::DepthProbabilities) {
        match depth_plot(&main, &grid) {
            Some(plot) => result.figures.push(FigureData::DepthProbabilities(plot)),
            None => result.notes.push(
                "The predicted-probability figure is not drawn: the fit has no finite estimates, or the model has no cost_variable.".into(),
            ),
        }
    }
    verdict::conclude(&mut result, checks);
    result.headline = vec!["depth_po_test".into()];
    result.ordinal_fits = fits;
    Ok(result)
}

/// The instruments with a depth: binding kinds only (declarations and
/// resolutions have none, CODEBOOK.md section 11), and of those the ones
/// whose depth is known at the cutoff (the others named in a note).
fn depth_sample(records: Vec<TreatyRecord>, notes: &mut Vec<String>) -> Vec<TreatyRecord> {
    let binding = |r: &TreatyRecord| InstrumentKind::parse(&r.kind).is_some_and(|k| k.is_binding());
    let soft = records.iter().filter(|r| !binding(r)).count();
    if soft > 0 {
        notes.push(format!(
            "Declarations and resolutions ({soft}) have no depth of commitment and are not in the sample (CODEBOOK.md section 11)."
        ));
    }
    let mut unknown = Vec::new();
    let mut kept = Vec::new();
    for r in records.into_iter().filter(binding) {
        match r.depth {
            Some(_) => kept.push(r),
            None => unknown.push(format!("{} ({})", r.short_name, r.depth_unknown_because)),
        }
    }
    if !unknown.is_empty() {
        notes.push(format!(
            "Left out because the depth is unknown at the cutoff ({} instrument{}): {}.",
            unknown.len(),
            if unknown.len() == 1 { "" } else { "s" },
            unknown.join("; ")
        ));
    }
    kept
}

/// Prediction profiles over the observed range of the cost variable: the
/// `name=value` string and the value.
fn cost_grid(records: &[TreatyRecord], var: &str, file: &Path) -> Result<Vec<(String, f64)>> {
    let value = |r: &TreatyRecord| -> Option<f64> {
        match var {
            "sovereignty_cost" => Some(r.sovereignty_cost),
            "delegation_only" => Some(r.delegation_only),
            "sovereignty_cost_max" => Some(r.sovereignty_cost_max),
            _ => None,
        }
    };
    let xs: Vec<f64> = records.iter().filter_map(value).collect();
    if xs.len() != records.len() {
        return Err(Error::input(
            Location::file(file).column("model.cost_variable"),
            format!("'{var}' is not a cost index of the treaty panel (use sovereignty_cost, delegation_only or sovereignty_cost_max)"),
        ));
    }
    let lo = xs.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if lo >= hi || lo.is_nan() || hi.is_nan() {
        return Ok(Vec::new());
    }
    Ok((0..CURVE_POINTS)
        .map(|k| {
            let x = lo + (hi - lo) * k as f64 / (CURVE_POINTS - 1) as f64;
            (format!("{var}={x:.6}"), x)
        })
        .collect())
}

/// The check of a hypothesis on the named ordinal fit.
fn check_of(fits: &[NamedOrdinalFit], h: &Hypothesis, file: &Path) -> Result<Check> {
    let label = h.model.clone().unwrap_or_else(|| "main".into());
    let bad = |key: &str, msg: String| Error::input(Location::file(file).column(key), msg);
    let nf = fits
        .iter()
        .find(|f| f.label == label)
        .ok_or_else(|| bad("hypothesis.model", format!("no model labelled '{label}'")))?;
    let c = nf
        .fit
        .coefficients
        .iter()
        .find(|c| c.term == h.term)
        .ok_or_else(|| {
            let terms: Vec<&str> = nf
                .fit
                .coefficients
                .iter()
                .map(|c| c.term.as_str())
                .collect();
            bad(
                "hypothesis.term",
                format!(
                    "'{}' is not a coefficient of the model (coefficients: {})",
                    h.term,
                    terms.join(", ")
                ),
            )
        })?;
    Ok(Check {
        model: label,
        term: h.term.clone(),
        direction: h.direction,
        alpha: h.alpha,
        estimate: c.estimate,
        conf_low: c.conf_low,
        conf_high: c.conf_high,
        p_value: c.p_value,
        p_value_method: "Wald z test (ordered logit, ML)".into(),
        outcome: verdict::judge(h.direction, c.estimate, c.p_value, h.alpha),
    })
}

/// How many instruments are at each depth: numbers and the `levels` table.
fn level_numbers(result: &mut AnalysisResult, spec: &Spec, fit: &OrdinalFitResult) {
    let n: usize = fit.level_counts.iter().sum();
    let mut rows = Vec::new();
    for (k, &count) in fit.level_counts.iter().enumerate() {
        let words = Depth::from_level(k as u8).map(Depth::words).unwrap_or("");
        result.numbers.push(Number {
            name: format!("depth_{k}"),
            label: format!("Instruments at depth {k} ({words})"),
            value: count as f64,
            low: None,
            high: None,
            note: format!("of {n}"),
        });
        rows.push(vec![
            k.to_string(),
            words.to_string(),
            count.to_string(),
            format!("{:.3}", count as f64 / n.max(1) as f64),
        ]);
    }
    push_table(
        result,
        spec,
        TableOut {
            name: "levels".into(),
            caption: "China's depth of commitment to the binding instruments of the sample".into(),
            header: ["Depth", "Meaning", "Instruments", "Share"]
                .map(String::from)
                .to_vec(),
            rows,
        },
    );
}

/// The proportional-odds tests of the main fit as numbers, and a note for
/// each that rejects at alpha (the cumulative-logit slope is then an average
/// over thresholds that differ).
fn proportional_odds_numbers(result: &mut AnalysisResult, fit: &OrdinalFitResult, alpha: f64) {
    for (k, t) in fit.proportional_odds_tests.iter().enumerate() {
        result.numbers.push(Number {
            name: if k == 0 {
                "depth_po_test".into()
            } else {
                format!("depth_po_test_{k}")
            },
            label: format!(
                "Proportional-odds test of {} (likelihood ratio, p-value)",
                t.term
            ),
            value: t.p_value,
            low: None,
            high: None,
            note: format!("LR = {:.3} on {} df", t.statistic, t.df),
        });
        if t.p_value < alpha {
            result.notes.push(format!(
                "The proportional-odds test rejects for {} (LR = {:.3} on {} df, p = {}): its effect differs across the thresholds of depth, and the ordered-logit coefficient is an average of them.",
                t.term,
                t.statistic,
                t.df,
                verdict::p_words(t.p_value)
            ));
        } else if t.p_value.is_nan() {
            result.notes.push(format!(
                "The proportional-odds test of {} could not be computed (the model with level-specific coefficients cannot be fitted).",
                t.term
            ));
        }
    }
}

/// The stacked probabilities of each level along the cost grid.
fn depth_plot(fit: &OrdinalFitResult, grid: &[(String, f64)]) -> Option<DepthPlot> {
    if grid.is_empty() || fit.predictions.len() != grid.len() {
        return None;
    }
    let curve = fit
        .predictions
        .iter()
        .zip(grid)
        .map(|(p, (_, x))| DepthPoint {
            x: *x,
            probabilities: p.levels.iter().map(|l| l.probability).collect(),
        })
        .collect();
    Some(DepthPlot {
        x_label: "sovereignty cost (0–1 index)".into(),
        levels: (0..fit.levels)
            .map(|k| {
                Depth::from_level(k as u8)
                    .map(|d| d.words().to_string())
                    .unwrap_or_else(|| k.to_string())
            })
            .collect(),
        curve,
    })
}
