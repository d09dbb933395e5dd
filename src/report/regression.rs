//! Regression tables, as modelsummary builds them for R users: models side by
//! side, each term's estimate, standard error in parentheses and interval,
//! then N, log-likelihood, AIC and the methods. The same table serves the
//! reports, `sovcost fit --format latex|markdown|html` and `sovcost table`
//! (several `fit --format json` outputs side by side).

use serde_json::Value;

use crate::error::{Error, Location, Result};
use crate::report::format::{fixed, sig_decimals};
use crate::results::{term_words, Coefficient, FitResult, OrdinalFitResult, TableOut};

/// One model's column: what the table shows of a fit.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelColumn {
    pub label: String,
    /// Thresholds (ordinal) first, then coefficients, in the fit's order.
    pub coefficients: Vec<Coefficient>,
    pub n: usize,
    pub log_likelihood: f64,
    pub aic: f64,
    pub estimator: String,
    pub interval: String,
    pub test: String,
}

impl ModelColumn {
    /// A binary logit.
    pub fn from_fit(label: &str, f: &FitResult) -> ModelColumn {
        ModelColumn {
            label: label.to_string(),
            coefficients: f.coefficients.clone(),
            n: f.n,
            log_likelihood: f.log_likelihood,
            aic: f.aic,
            estimator: estimator_words(&f.method).to_string(),
            interval: f.ci_method.clone(),
            test: f.p_value_method.short().to_string(),
        }
    }

    /// An ordered logit: thresholds, then coefficients.
    pub fn from_ordinal(label: &str, f: &OrdinalFitResult) -> ModelColumn {
        let mut coefficients = f.thresholds.clone();
        coefficients.extend(f.coefficients.iter().cloned());
        ModelColumn {
            label: label.to_string(),
            coefficients,
            n: f.n,
            log_likelihood: f.log_likelihood,
            aic: f.aic,
            estimator: "ordered logit (ML)".into(),
            interval: f.ci_method.to_string(),
            test: "Wald".into(),
        }
    }

    /// The output of `sovcost fit --format json` (binary or ordinal), read
    /// from `file`.
    pub fn from_json(label: &str, file: &std::path::Path, text: &str) -> Result<ModelColumn> {
        let bad = |what: String| Error::input(Location::file(file), what);
        let v: Value = serde_json::from_str(text).map_err(|e| {
            bad(format!(
                "not JSON ({e}); write it with sovcost fit --format json"
            ))
        })?;
        let num = |key: &str| -> Result<f64> {
            v.get(key).and_then(json_number).ok_or_else(|| {
                bad(format!(
                    "no number '{key}': not a sovcost fit --format json output"
                ))
            })
        };
        let coefficients = |key: &str| -> Result<Vec<Coefficient>> {
            match v.get(key) {
                None | Some(Value::Null) => Ok(Vec::new()),
                Some(Value::Array(items)) => items
                    .iter()
                    .enumerate()
                    .map(|(k, c)| {
                        coefficient_from_json(c).ok_or_else(|| {
                            bad(format!("{key}[{k}] lacks term, estimate or std_error"))
                        })
                    })
                    .collect(),
                Some(_) => Err(bad(format!("'{key}' is not a list"))),
            }
        };
        let mut all = coefficients("thresholds")?;
        all.extend(coefficients("coefficients")?);
        if all.is_empty() {
            return Err(bad(
                "no coefficients: not a sovcost fit --format json output".into(),
            ));
        }
        let word = |key: &str| v.get(key).and_then(Value::as_str).unwrap_or("").to_string();
        let ordinal = v.get("thresholds").is_some();
        Ok(ModelColumn {
            label: label.to_string(),
            coefficients: all,
            n: num("n")? as usize,
            log_likelihood: num("log_likelihood")?,
            aic: num("aic")?,
            estimator: if ordinal {
                "ordered logit (ML)".into()
            } else {
                estimator_words(&word("method")).to_string()
            },
            interval: word("ci_method"),
            test: match word("p_value_method").as_str() {
                "penalized_lrt" => "penalized LR".into(),
                _ => "Wald".into(),
            },
        })
    }
}

/// A JSON number, or the strings serde writes for non-finite values.
fn json_number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::Null => Some(f64::NAN),
        Value::String(s) => match s.as_str() {
            "Inf" | "+Inf" | "inf" => Some(f64::INFINITY),
            "-Inf" | "-inf" => Some(f64::NEG_INFINITY),
            "NaN" | "NA" => Some(f64::NAN),
            _ => None,
        },
        _ => None,
    }
}

fn coefficient_from_json(c: &Value) -> Option<Coefficient> {
    let bound = |k: &str| c.get(k).and_then(json_number).filter(|x| x.is_finite());
    Some(Coefficient {
        term: c.get("term")?.as_str()?.to_string(),
        estimate: c.get("estimate").and_then(json_number)?,
        std_error: c.get("std_error").and_then(json_number)?,
        statistic: c.get("statistic").and_then(json_number).unwrap_or(f64::NAN),
        p_value: c.get("p_value").and_then(json_number).unwrap_or(f64::NAN),
        conf_low: bound("conf_low"),
        conf_high: bound("conf_high"),
    })
}

/// An estimator's name in a table.
fn estimator_words(method: &str) -> &str {
    match method {
        "ml" => "ML",
        "firth" => "Firth",
        other => other,
    }
}

/// The regression table of any models, side by side; odds ratios (estimates
/// and bounds exponentiated, standard errors by the delta method) with
/// `exponentiate`. Thresholds of an ordered logit are never exponentiated.
/// The unit identifiers of the state frames (`C(state)`, `C(treaty_id)`):
/// their level terms are fixed effects, which the table reports in one row
/// ("Fixed effects: state (19 levels) | yes") instead of a coefficient per
/// level, as modelsummary does; every coefficient stays in the fit's JSON.
const UNIT_FACTORS: &[&str] = &["state", "treaty_id"];

/// The unit factor of a level term (`state[ARG]` -> `state`), `None` for
/// any other term.
fn factor_of(term: &str) -> Option<&str> {
    let (factor, rest) = term.split_once('[')?;
    (rest.ends_with(']') && UNIT_FACTORS.contains(&factor)).then_some(factor)
}

/// The unit factors with level terms among `terms`, with the number of
/// levels (the terms plus the reference level).
fn fixed_effects(terms: &[String]) -> Vec<(String, usize)> {
    let mut counts: Vec<(String, usize)> = Vec::new();
    for f in terms.iter().filter_map(|t| factor_of(t)) {
        match counts.iter_mut().find(|(g, _)| g == f) {
            Some((_, n)) => *n += 1,
            None => counts.push((f.to_string(), 1)),
        }
    }
    counts.into_iter().map(|(f, n)| (f, n + 1)).collect()
}

pub fn models_table(columns: &[ModelColumn], exponentiate: bool) -> TableOut {
    let mut terms: Vec<String> = Vec::new();
    for m in columns {
        for c in &m.coefficients {
            if !terms.contains(&c.term) {
                terms.push(c.term.clone());
            }
        }
    }
    let absorbed = fixed_effects(&terms);
    terms.retain(|t| {
        !absorbed
            .iter()
            .any(|(f, _)| factor_of(t) == Some(f.as_str()))
    });
    let mut rows = Vec::new();
    for t in &terms {
        let threshold = t.contains('|');
        let label = if threshold {
            format!("Threshold {t}")
        } else {
            term_words(t)
        };
        let mut est = vec![label];
        let mut se = vec![String::new()];
        let mut ci = vec![String::new()];
        for m in columns {
            let cells = m
                .coefficients
                .iter()
                .find(|c| &c.term == t)
                .map(|c| coefficient_cells(c, exponentiate && !threshold && t != "(Intercept)"))
                .unwrap_or_default();
            est.push(cells.0);
            se.push(cells.1);
            ci.push(cells.2);
        }
        rows.extend([est, se, ci]);
    }
    let stat = |label: &str, f: &dyn Fn(&ModelColumn) -> String| {
        let mut r = vec![label.to_string()];
        r.extend(columns.iter().map(f));
        r
    };
    for (factor, levels) in &absorbed {
        rows.push(stat(
            &format!(
                "Fixed effects: {} ({levels} levels)",
                term_words(factor).to_lowercase()
            ),
            &|m| {
                let has = m
                    .coefficients
                    .iter()
                    .any(|c| factor_of(&c.term) == Some(factor));
                if has { "yes" } else { "" }.to_string()
            },
        ));
    }
    rows.push(stat("N", &|m| m.n.to_string()));
    rows.push(stat("Log-likelihood", &|m| fixed(m.log_likelihood, 2)));
    rows.push(stat("AIC", &|m| fixed(m.aic, 2)));
    rows.push(stat("Estimator", &|m| m.estimator.clone()));
    rows.push(stat("Interval", &|m| m.interval.clone()));
    rows.push(stat("Test", &|m| m.test.clone()));
    let mut header = vec![String::new()];
    header.extend(columns.iter().map(|m| m.label.clone()));
    TableOut {
        name: "models".into(),
        caption: format!(
            "{}, standard errors (in parentheses) and intervals",
            if exponentiate {
                "Odds ratios (the intercept and thresholds as log-odds)"
            } else {
                "Coefficients (log-odds)"
            }
        ),
        header,
        rows,
    }
}

/// A coefficient's estimate, `(standard error)` and `[low, high]`, at the
/// precision of the estimate (three significant digits, one to three
/// decimals).
pub fn coefficient_cells(c: &Coefficient, exponentiate: bool) -> (String, String, String) {
    let (est, se, low, high) = if exponentiate {
        let or = c.estimate.exp();
        (
            or,
            or * c.std_error,
            c.conf_low.map(f64::exp),
            c.conf_high.map(f64::exp),
        )
    } else {
        (c.estimate, c.std_error, c.conf_low, c.conf_high)
    };
    let d = sig_decimals(est, 3).clamp(1, 3);
    let bound = |b: Option<f64>, inf: &str| b.map(|b| fixed(b, d)).unwrap_or_else(|| inf.into());
    (
        fixed(est, d),
        format!("({})", fixed(se, d)),
        if c.conf_low.is_none() && c.conf_high.is_none() {
            String::new()
        } else {
            format!(
                "[{}, {}]",
                bound(low, if exponentiate { "0" } else { "−∞" }),
                bound(high, "∞")
            )
        },
    )
}
