//! Pooled comparative logits: every state's outcomes on every instrument in
//! one model (state × instrument, or state × instrument × year for the
//! discrete-time hazard), typically with state fixed effects and a China ×
//! cost interaction, SEs clustered by instrument (and two-way by state and
//! instrument). The hypotheses are checked as in the logit kind; with too
//! few states the analysis is not estimable and says so.

use std::path::Path;

use super::comparative::{self, Needed};
use super::spec::{Comparison, Model, Spec};
use super::{base_result, check_of, fit_model, Context};
use crate::error::{Error, Location, Result};
use crate::results::{AnalysisResult, Frame, NamedFit};
use crate::state_panel::{self, StatePanel};
use crate::table::Table;

/// The table of a comparative frame.
pub fn frame_table(spec: &Spec, panel: &StatePanel) -> Result<Table> {
    match spec.sample.frame {
        Frame::StateTreatyYear => {
            state_panel::state_year_table(panel, &super::sample::options(spec))
        }
        _ => state_panel::state_table(panel),
    }
}

/// Fits the main model and its alternatives on a table: an alternative the
/// data cannot fit is noted; the main model's failure is the caller's.
pub fn fit_all(
    ctx: &Context,
    file: &Path,
    spec: &Spec,
    m: &Model,
    table: &Table,
    result: &mut AnalysisResult,
) -> Result<Vec<NamedFit>> {
    let level = spec.level();
    let main = fit_model(
        table,
        file,
        "model.formula",
        &m.fit,
        level,
        &[],
        ctx.fit_seed(),
    )?;
    let mut fits = vec![NamedFit {
        label: "main".into(),
        fit: main,
    }];
    for (k, a) in m.alternatives.iter().enumerate() {
        let key = format!("model.alternatives[{k}]");
        match fit_model(table, file, &key, &a.fit, level, &[], ctx.fit_seed()) {
            Ok(fit) => fits.push(NamedFit {
                label: a.label.clone(),
                fit,
            }),
            Err(Error::NotEstimable { rule, .. }) => result.notes.push(format!(
                "Model '{}' not estimable on these data: {rule}",
                a.label
            )),
            Err(e) => return Err(e),
        }
    }
    Ok(fits)
}

/// The checks of the spec's hypotheses on the fits, and the verdict.
pub fn conclude(
    file: &Path,
    spec: &Spec,
    fits: &[NamedFit],
    result: &mut AnalysisResult,
) -> Result<()> {
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
    super::verdict::conclude(result, checks);
    Ok(())
}

/// Runs a pooled analysis.
pub fn run(
    ctx: &Context,
    file: &Path,
    spec: &Spec,
    m: &Model,
    c: &Comparison,
) -> Result<AnalysisResult> {
    let need = Needed::of_response(&m.fit.formula.response);
    let (panel, notes) = comparative::sample(ctx, spec, need);
    let table = frame_table(spec, &panel)?;
    let mut result = base_result(file, spec, table.n_rows());
    result.models_table = spec.outputs.table("models");
    result.notes.extend(notes);
    if let Some(reason) = comparative::too_few_states(&panel, c.min_states) {
        comparative::not_estimable(&mut result, reason);
        result.models_table = false;
        return Ok(result);
    }
    let fits = fit_all(ctx, file, spec, m, &table, &mut result)?;
    result.numbers.extend(comparative::slope_numbers(
        &fits[0].fit,
        "sovereignty_cost",
        spec.level(),
        spec.sample.states,
    ));
    result.headline = vec!["peer_slope".into(), "china_slope_pooled".into()];
    conclude(file, spec, &fits, &mut result)?;
    result.fits = fits;
    Ok(result)
}
