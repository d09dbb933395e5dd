//! Robustness: the hypothesis of another analysis re-examined under both
//! estimators, a permutation test, alternative cost indices, with unverified
//! facts counted, and leaving out each instrument in turn. The verdict holds
//! only if every variant gives the same outcome.

use std::path::Path;

use super::spec::{Hypothesis, ModelFit, RobustnessSpec, Spec};
use super::{base_result, fit_model, push_table, sample, spec_error, verdict, Context};
use crate::error::{Error, Location, Result};
use crate::models::{self, FitSpec, Method};
use crate::panel::{self, TreatyRecord};
use crate::results::{AnalysisResult, Check, FitResult, Number, TableOut, Verdict};
use crate::table::Table;

/// The rows of the robustness table and the check of each variant.
struct Variants<'a> {
    h: &'a Hypothesis,
    /// The base model's method, as the spec gives it.
    method: &'static str,
    rows: Vec<Vec<String>>,
    /// One check per variant (the variant's label as its model), in table order.
    checks: Vec<Check>,
}

impl Variants<'_> {
    /// A variant fitted with the base model's test.
    fn add(&mut self, label: String, fit: &FitResult, term: &str) {
        if let Some(c) = fit.coefficients.iter().find(|c| c.term == term) {
            let o = verdict::judge(self.h.direction, c.estimate, c.p_value, self.h.alpha);
            self.rows.push(vec![
                label.clone(),
                fit.method.clone(),
                format!("{:.3}", c.estimate),
                format!("{:.4}", c.p_value),
                fit.p_value_method.short().to_string(),
                o.to_string(),
            ]);
            self.push_check(
                label,
                term,
                c.estimate,
                (c.conf_low, c.conf_high),
                c.p_value,
                fit.p_value_method.description().to_string(),
                o,
            );
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn push_check(
        &mut self,
        label: String,
        term: &str,
        estimate: f64,
        (conf_low, conf_high): (Option<f64>, Option<f64>),
        p_value: f64,
        test: String,
        outcome: Verdict,
    ) {
        self.checks.push(Check {
            model: label,
            term: term.to_string(),
            direction: self.h.direction,
            alpha: self.h.alpha,
            estimate,
            conf_low,
            conf_high,
            p_value,
            p_value_method: test,
            outcome,
        });
    }

    fn outcomes(&self) -> Vec<Verdict> {
        self.checks.iter().map(|c| c.outcome).collect()
    }
}

/// An estimator as the robustness table names it.
fn estimator_words(method: Method) -> &'static str {
    match method {
        Method::Ml => "Maximum-likelihood estimator",
        Method::Firth => "Firth estimator",
        Method::Auto => "Estimator chosen by the data",
    }
}

/// Runs a robustness analysis.
pub fn run(ctx: &Context, file: &Path, spec: &Spec, rs: &RobustnessSpec) -> Result<AnalysisResult> {
    let missing = |what: &str| {
        Error::input(
            Location::file(file).column("robustness.analysis"),
            format!("'{}' {what}", rs.analysis),
        )
    };
    let (base_file, base) = ctx
        .specs
        .iter()
        .find(|(_, s)| s.name == rs.analysis)
        .ok_or_else(|| {
            Error::input(
                Location::file(file).column("robustness.analysis"),
                format!("no analysis named '{}'", rs.analysis),
            )
        })?;
    let m = base.model().ok_or_else(|| missing("has no model"))?;
    let h = base
        .hypotheses
        .first()
        .ok_or_else(|| missing("has no hypothesis"))?;
    let level = 1.0 - h.alpha;
    let (records, sample_notes) = sample::with_notes(ctx, base);
    let mut result = base_result(file, spec, records.len());
    result.notes.extend(sample_notes);
    let mut v = Variants {
        h,
        method: m.fit.method.label(),
        rows: Vec::new(),
        checks: Vec::new(),
    };
    let table = panel::treaty_table(&records)?;
    let fit = |t: &Table, model: &ModelFit| {
        fit_model(
            t,
            base_file,
            "model.formula",
            model,
            level,
            &[],
            ctx.fit_seed(),
        )
    };
    // Estimators.
    for method in [Method::Ml, Method::Firth] {
        let model = ModelFit {
            method,
            ..m.fit.clone()
        };
        let f = fit(&table, &model)?;
        v.add(estimator_words(method).to_string(), &f, &h.term);
    }
    let seed = ctx.seed(rs.seed);
    result.seed = Some(seed);
    permutation(&mut v, &table, base_file, &m.fit, rs.permutations, seed)?;
    // Alternative indices.
    for idx in &rs.indices {
        let text = m.fit.formula_text().replace(&h.term, idx);
        let formula =
            crate::formula::parse(&text).map_err(|e| spec_error(base_file, "model.formula", e))?;
        let f = fit(
            &table,
            &ModelFit {
                formula,
                ..m.fit.clone()
            },
        )?;
        v.add(
            format!(
                "Cost index: {}",
                crate::results::term_words(idx).to_lowercase()
            ),
            &f,
            idx,
        );
    }
    // With unverified facts.
    {
        let mut s2 = base.clone();
        s2.sample.include_unverified = true;
        let rec2 = sample::records(ctx, &s2);
        let f = fit(&panel::treaty_table(&rec2)?, &m.fit)?;
        v.add(
            format!("With unverified facts (N = {})", rec2.len()),
            &f,
            &h.term,
        );
    }
    let flips = leave_one_out(&mut v, &mut result, &records, &|t| fit(t, &m.fit))?;
    push_table(
        &mut result,
        spec,
        TableOut {
            name: "robustness".into(),
            caption: format!(
                "Robustness of {}: the coefficient of {} (outcome: {}), expected {}, under each variant",
                base.title,
                crate::results::term_words(&h.term).to_lowercase(),
                m.fit.formula.response.replace('_', " "),
                h.direction.words()
            ),
            header: vec![
                "Variant".into(),
                "Method".into(),
                "Estimate".into(),
                "p".into(),
                "Test".into(),
                "Outcome".into(),
            ],
            rows: std::mem::take(&mut v.rows),
        },
    );
    let outcomes = v.outcomes();
    let main = outcomes.first().copied();
    let all_same = outcomes.iter().all(|o| Some(*o) == main) && flips.is_empty();
    result.verdict = match main {
        Some(o) if all_same => o,
        _ => Verdict::Inconclusive,
    };
    result.verdict_reason = if all_same {
        format!(
            "every variant gives '{}'",
            main.map(|o| o.as_str()).unwrap_or("")
        )
    } else {
        let differ: Vec<&Check> = v
            .checks
            .iter()
            .filter(|c| Some(c.outcome) != main)
            .collect();
        let mut parts = vec![format!(
            "the first variant ({}) gives '{}'",
            v.checks.first().map(|c| c.model.as_str()).unwrap_or(""),
            main.map(|o| o.as_str()).unwrap_or("")
        )];
        if !differ.is_empty() {
            parts.push(format!(
                "others do not: {}",
                verdict::reason(&differ.into_iter().cloned().collect::<Vec<_>>())
            ));
        }
        if !flips.is_empty() {
            parts.push(format!(
                "leaving out one instrument changes it: {}",
                flips.join(", ")
            ));
        }
        parts.join("; ")
    };
    result.checks = v.checks;
    Ok(result)
}

/// The permutation p-value of the term.
fn permutation(
    v: &mut Variants,
    table: &Table,
    base_file: &Path,
    model: &ModelFit,
    permutations: usize,
    seed: u64,
) -> Result<()> {
    let mut fs = FitSpec::new(&model.formula_text());
    fs.method = model.method;
    fs.permutation = permutations;
    fs.seed = seed;
    let f = models::fit_table(table, &fs).map_err(|e| spec_error(base_file, "model.formula", e))?;
    if let (Some(pt), Some(c)) = (
        f.permutation.iter().find(|p| p.term == v.h.term),
        f.coefficients.iter().find(|c| c.term == v.h.term),
    ) {
        let o = verdict::judge(v.h.direction, c.estimate, pt.p_value, v.h.alpha);
        let label = format!(
            "Permutation test ({} permutations, seed {})",
            pt.replicates, pt.seed
        );
        v.push_check(
            label.clone(),
            &v.h.term.clone(),
            c.estimate,
            (None, None),
            pt.p_value,
            "permutation".into(),
            o,
        );
        v.rows.push(vec![
            label,
            f.method.clone(),
            format!("{:.3}", c.estimate),
            format!("{:.4} ± {:.4}", pt.p_value, pt.monte_carlo_se),
            "permutation".into(),
            o.to_string(),
        ]);
    }
    Ok(())
}

/// Refits leaving out each instrument; returns the instruments whose removal
/// changes the outcome (or whose fit fails).
fn leave_one_out(
    v: &mut Variants,
    result: &mut AnalysisResult,
    records: &[TreatyRecord],
    fit: &dyn Fn(&Table) -> Result<FitResult>,
) -> Result<Vec<String>> {
    let mut flips = Vec::new();
    let mut loo_p = Vec::new();
    for (k, r) in records.iter().enumerate() {
        let sub: Vec<TreatyRecord> = records
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != k)
            .map(|(_, r)| r.clone())
            .collect();
        let Ok(f) = fit(&panel::treaty_table(&sub)?) else {
            flips.push(format!("{} (fit failed)", r.short_name));
            continue;
        };
        if let Some(c) = f.coefficients.iter().find(|c| c.term == v.h.term) {
            let o = verdict::judge(v.h.direction, c.estimate, c.p_value, v.h.alpha);
            loo_p.push(vec![r.sovereignty_cost, c.estimate, c.p_value]);
            if Some(o) != v.checks.first().map(|c| c.outcome) {
                flips.push(format!("{} ({o})", r.short_name));
            }
        }
    }
    let max_p = loo_p.iter().map(|v| v[2]).fold(0.0, f64::max);
    let changes = if flips.is_empty() {
        "no instrument changes the verdict".to_string()
    } else {
        format!("changes the verdict: {}", flips.join(", "))
    };
    v.rows.push(vec![
        format!("Leave one instrument out ({} fits)", records.len()),
        v.method.to_string(),
        String::new(),
        format!("max {max_p:.4}"),
        String::new(),
        changes,
    ]);
    result.numbers.push(Number {
        name: "loo_max_p".into(),
        label: "Largest p-value when one instrument is left out".into(),
        value: max_p,
        low: None,
        high: None,
        note: if flips.is_empty() {
            "no instrument changes the verdict".into()
        } else {
            format!("verdict changes without: {}", flips.join(", "))
        },
    });
    Ok(flips)
}
