//! Logit analyses: the main model and its alternatives on one sample, the
//! checks of the hypotheses, and for a cost variable the odds ratio per SD,
//! the cost at which the predicted probability is one half, and the curve.

use std::path::Path;

use super::sample;
use super::spec::{Model, Spec};
use super::{base_result, check_of, fit_model, fit_spec, spec_error, verdict, Context};
use crate::design::Design;
use crate::error::{Error, Location, Result};
use crate::models;
use crate::panel::TreatyRecord;
use crate::results::{
    AnalysisResult, Check, CoefficientPlot, CoefficientRow, CurvePoint, FigureData, FigureName,
    FitResult, InstrumentPoint, NamedFit, Number, ProbabilityCurve,
};
use crate::table::Table;

/// Runs a logit (or the model part of an opt-out) analysis.
pub fn run(ctx: &Context, file: &Path, spec: &Spec, m: &Model) -> Result<AnalysisResult> {
    let (records, sample_notes) = sample::with_notes(ctx, spec);
    let (table, n) = sample::frame_table(ctx, spec, &records)?;
    let level = spec.level();
    // The main fit's design is built once and used again for the cost numbers.
    let fs = fit_spec(&m.fit, level, &m.predict, ctx.fit_seed());
    let main_error = |e| spec_error(file, "model.formula", e);
    let prepared = models::prepare(&table, &fs).map_err(main_error)?;
    let data_label = table.path().display().to_string();
    let main = models::fit_design_with(&prepared.design, &prepared.extras, &fs, &data_label)
        .map_err(main_error)?;
    let mut result = base_result(file, spec, n);
    result.notes.extend(sample_notes);
    let mut fits = vec![NamedFit {
        label: "main".into(),
        fit: main.clone(),
    }];
    fit_alternatives(
        ctx,
        file,
        spec,
        m,
        (&table, &records),
        &mut fits,
        &mut result,
    )?;
    let mut checks = Vec::new();
    for h in &spec.hypotheses {
        let label = h.model.clone().unwrap_or_else(|| "main".into());
        let nf = fits.iter().find(|f| f.label == label).ok_or_else(|| {
            Error::input(
                Location::file(file).column("hypothesis.model"),
                format!("no model labelled '{label}'"),
            )
        })?;
        checks.push(check_of(&label, &nf.fit, h, file)?);
    }
    let curve = match &m.cost_variable {
        Some(var) => cost_numbers(&mut result, &prepared.design, &main, var, level, file)?,
        None => Vec::new(),
    };
    prediction_numbers(&mut result, &main);
    if spec.outputs.figure(FigureName::ProbabilityCurve) {
        if curve.is_empty() {
            result.notes.push(
                "The probability curve is not drawn: the fit has no finite estimates.".into(),
            );
        } else {
            result
                .figures
                .push(FigureData::ProbabilityCurve(ProbabilityCurve {
                    x_label: "sovereignty cost (0–1 index)".into(),
                    method: main.method.clone(),
                    level,
                    curve,
                    instruments: instrument_points(&table, m),
                }));
        }
    }
    if spec.outputs.figure(FigureName::Coefficients) {
        if let Some(plot) = coefficient_plot(&fits, &checks) {
            result.figures.push(FigureData::Coefficients(plot));
        }
    }
    verdict::conclude(&mut result, checks);
    result.fits = fits;
    Ok(result)
}

/// Fits each alternative model on the sample (or its filtered part). A
/// sample the data cannot fit (a constant outcome, too few rows: the fit says
/// `NotEstimable`) is noted, not fatal; a mistake in the spec (an unknown
/// column) is an error.
fn fit_alternatives(
    ctx: &Context,
    file: &Path,
    spec: &Spec,
    m: &Model,
    (table, records): (&Table, &[TreatyRecord]),
    fits: &mut Vec<NamedFit>,
    result: &mut AnalysisResult,
) -> Result<()> {
    for (k, a) in m.alternatives.iter().enumerate() {
        let sub_table;
        let table_for = if a.filter.is_empty() {
            table
        } else {
            let sub: Vec<TreatyRecord> = records
                .iter()
                .filter(|r| sample::matches(r, &a.filter))
                .cloned()
                .collect();
            sub_table = sample::frame_table(ctx, spec, &sub)?.0;
            &sub_table
        };
        let fitted = fit_model(
            table_for,
            file,
            &format!("model.alternatives[{k}]"),
            &a.fit,
            spec.level(),
            &[],
            ctx.fit_seed(),
        );
        let f = match fitted {
            Ok(f) => f,
            Err(Error::NotEstimable { rule, .. }) => {
                result.notes.push(format!(
                    "Model '{}' not estimable on these data: {rule}",
                    a.label
                ));
                continue;
            }
            Err(e) => return Err(e),
        };
        fits.push(NamedFit {
            label: a.label.clone(),
            fit: f,
        });
    }
    Ok(())
}

/// Predicted probabilities at the spec's `predict` values.
fn prediction_numbers(result: &mut AnalysisResult, main: &FitResult) {
    for p in &main.predictions {
        result.numbers.push(Number {
            name: format!("p_{}", p.at.replace([',', '='], "_")),
            label: format!(
                "Predicted probability at {}",
                if p.at.is_empty() {
                    "the means".into()
                } else {
                    p.at.clone()
                }
            ),
            value: p.probability,
            low: Some(p.conf_low),
            high: Some(p.conf_high),
            note: format!("{} (delta method on the logit scale)", main.method),
        });
    }
}

/// Points for the probability figure: each instrument's cost and outcome.
fn instrument_points(table: &Table, m: &Model) -> Vec<InstrumentPoint> {
    let var = m
        .cost_variable
        .clone()
        .unwrap_or_else(|| "sovereignty_cost".into());
    let (Ok(xs), Ok(ys)) = (table.numeric(&var), table.numeric(&m.fit.formula.response)) else {
        return Vec::new();
    };
    let names = table.text("short_name").unwrap_or_default();
    (0..xs.len())
        .filter_map(|i| {
            Some(InstrumentPoint {
                instrument: names.get(i).cloned().flatten().unwrap_or_default(),
                x: xs[i]?,
                outcome: ys[i]?,
            })
        })
        .collect()
}

/// The first hypothesis's term across the models that have it.
fn coefficient_plot(fits: &[NamedFit], checks: &[Check]) -> Option<CoefficientPlot> {
    let first = checks.first()?;
    let rows: Vec<CoefficientRow> = fits
        .iter()
        .filter_map(|f| {
            let c = f.fit.coefficients.iter().find(|c| c.term == first.term)?;
            Some(CoefficientRow {
                // The estimator, unless the label names it already.
                model: if f.label.to_lowercase().contains(&f.fit.method) {
                    f.label.clone()
                } else {
                    format!("{} ({})", f.label, estimator_label(&f.fit.method))
                },
                estimate: c.estimate,
                low: c.conf_low,
                high: c.conf_high,
            })
        })
        .collect();
    (!rows.is_empty()).then(|| CoefficientPlot {
        term: first.term.clone(),
        level: 1.0 - first.alpha,
        rows,
    })
}

/// Odds ratio per SD of the cost variable, the cost at which P = 0.5 (other
/// variables at their means, reference levels) with a delta-method interval,
/// and the predicted-probability curve over the observed range.
fn cost_numbers(
    result: &mut AnalysisResult,
    design: &Design,
    fit: &FitResult,
    var: &str,
    level: f64,
    file: &Path,
) -> Result<Vec<CurvePoint>> {
    let j = fit
        .coefficients
        .iter()
        .position(|c| c.term == var)
        .ok_or_else(|| {
            Error::input(
                Location::file(file).column("model.cost_variable"),
                format!("'{var}' is not a coefficient of the model"),
            )
        })?;
    let xs = design.column(j);
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let sd = (xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    let b = fit.coefficients[j].estimate;
    result.numbers.push(Number {
        name: "odds_ratio_per_sd".into(),
        label: format!("Odds ratio per standard deviation of {var} (SD = {sd:.3})"),
        value: (b * sd).exp(),
        low: fit.coefficients[j].conf_low.map(|l| (l * sd).exp()),
        high: fit.coefficients[j].conf_high.map(|h| (h * sd).exp()),
        note: format!("interval: {} at {:.0} %", fit.ci_method, level * 100.0),
    });
    result.headline.push("odds_ratio_per_sd".into());
    // Linear predictor without the cost term, at the means of the others.
    let base_values = crate::models::effects::profile_values(design, "")?;
    let row = design.build_row(&base_values);
    let beta: Vec<f64> = fit.coefficients.iter().map(|c| c.estimate).collect();
    let vcov: Vec<f64> = fit.vcov.iter().flatten().copied().collect();
    if let Some(t) = crate::models::effects::value_at_half(&row, &beta, &vcov, j, level) {
        result.numbers.push(Number {
            name: "threshold_p50".into(),
            label: format!("{var} at which the predicted probability of joining is 0.5"),
            value: t.value,
            low: Some(t.low),
            high: Some(t.high),
            note: "delta-method interval; other variables at their means or reference levels"
                .into(),
        });
    }
    // Curve with a pointwise band (FLIC intercept for Firth fits).
    let mut beta_pred = beta.clone();
    if let (Some(a0), true) = (fit.flic_intercept, design.intercept) {
        beta_pred[0] = a0;
    }
    let lo = xs.iter().cloned().fold(f64::INFINITY, f64::min).min(0.0);
    let hi = xs
        .iter()
        .cloned()
        .fold(f64::NEG_INFINITY, f64::max)
        .max(1.0);
    let mut curve = Vec::new();
    if beta_pred.iter().all(|v| v.is_finite()) {
        for k in 0..=100 {
            let x = lo + (hi - lo) * k as f64 / 100.0;
            let mut r = row.clone();
            r[j] = x;
            let pr = crate::models::effects::predict_row(&r, &beta_pred, &vcov, level, "");
            curve.push(CurvePoint {
                x,
                probability: pr.probability,
                low: pr.conf_low,
                high: pr.conf_high,
            });
        }
        for (name, at) in [("p_soft_end", lo), ("p_hard_end", hi)] {
            let mut r = row.clone();
            r[j] = at;
            let pr = crate::models::effects::predict_row(&r, &beta_pred, &vcov, level, "");
            result.numbers.push(Number {
                name: name.into(),
                label: format!("Predicted probability of joining at {var} = {at:.2}"),
                value: pr.probability,
                low: Some(pr.conf_low),
                high: Some(pr.conf_high),
                note: "delta method on the logit scale".into(),
            });
        }
    }
    Ok(curve)
}

/// An estimator as a figure labels it.
fn estimator_label(method: &str) -> &str {
    match method {
        "ml" => "ML",
        "firth" => "Firth",
        other => other,
    }
}
