//! The "signed, not consented" rate: among the binding instruments China
//! signed or consented to by the cutoff, the share it has only signed
//! (depth 1 among depths 1–3; CODEBOOK.md section 11), for low-cost and
//! high-cost instruments (the cost threshold of the participation kind),
//! with exact Clopper-Pearson intervals, the difference with Newcombe's
//! interval and Fisher's exact test of the 2 × 2 table. The hypothesis: the
//! rate is higher at high cost (China signs what it will not ratify).
//!
//! The base is "signed or consented", not "signed": an accession is consent
//! without a signature, and leaving accessions out would drop most of the
//! instruments China joined after they closed for signature.

use std::path::Path;

use super::sample;
use super::spec::{SignedOnlySpec, Spec};
use super::{base_result, push_table, verdict, Context};
use crate::error::Result;
use crate::models::exact;
use crate::outcome::InstrumentKind;
use crate::panel::TreatyRecord;
use crate::results::{AnalysisResult, Check, Direction, Number, TableOut};

/// Signed-only instruments and the instruments signed or consented to, in
/// the low-cost and the high-cost group.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub low: (u64, u64),
    pub high: (u64, u64),
}

impl Counts {
    /// Adds one instrument: `signed_only` when signed and not bound.
    pub fn add(&mut self, high_cost: bool, signed_only: bool) {
        let g = if high_cost {
            &mut self.high
        } else {
            &mut self.low
        };
        g.0 += u64::from(signed_only);
        g.1 += 1;
    }
    pub fn all(&self) -> (u64, u64) {
        (self.low.0 + self.high.0, self.low.1 + self.high.1)
    }
}

/// Whether an outcome enters the rate: a binding instrument joined (signed
/// or consented) with its consent known at the cutoff; then whether it is
/// signed only. `None`: not in the base.
pub fn signed_only(kind: &str, joined: Option<u8>, bound: Option<u8>) -> Option<bool> {
    let binding = InstrumentKind::parse(kind).is_some_and(|k| k.is_binding());
    (binding && joined == Some(1)).then_some(())?;
    Some(bound? == 0)
}

/// The groups in words, for tables and labels.
pub fn group_words(high: bool, threshold: f64) -> String {
    if high {
        format!("High cost (above {threshold})")
    } else {
        format!("Low cost ({threshold} or below)")
    }
}

/// Runs a signed_only analysis.
pub fn run(ctx: &Context, file: &Path, spec: &Spec, ss: &SignedOnlySpec) -> Result<AnalysisResult> {
    let (records, mut notes) = sample::with_notes(ctx, spec);
    let mut counts = Counts::default();
    let mut unknown = Vec::new();
    let mut base: Vec<&TreatyRecord> = Vec::new();
    for r in &records {
        let binding = InstrumentKind::parse(&r.kind).is_some_and(|k| k.is_binding());
        if binding && r.joined == Some(1) && r.bound.is_none() {
            unknown.push(format!("{} ({})", r.short_name, r.unknown_because));
        }
        if let Some(only) = signed_only(&r.kind, r.joined, r.bound) {
            counts.add(r.sovereignty_cost > ss.hard_threshold, only);
            base.push(r);
        }
    }
    if !unknown.is_empty() {
        notes.push(format!(
            "Signed, but left out because consent is unknown at the cutoff: {}.",
            unknown.join("; ")
        ));
    }
    let mut result = base_result(file, spec, base.len());
    result.notes.extend(notes);
    let level = 1.0 - ss.alpha;
    rate_table(&mut result, spec, ss.hard_threshold, &counts, level, &base)?;
    let ((kl, nl), (kh, nh)) = (counts.low, counts.high);
    let mut checks = Vec::new();
    if nl > 0 && nh > 0 {
        let (d, lo, hi) = exact::newcombe_difference(kh, nh, kl, nl, level)?;
        let f = exact::fisher(kh, nh - kh, kl, nl - kl, level)?;
        result.numbers.push(Number {
            name: "signed_only_difference".into(),
            label: "Signed-only rate at high cost minus at low cost".into(),
            value: d,
            low: Some(lo),
            high: Some(hi),
            note: format!(
                "Newcombe hybrid score interval; Fisher's exact test p = {}, conditional odds ratio {:.3}",
                verdict::p_words(f.p_value),
                f.odds_ratio
            ),
        });
        checks.push(Check {
            model: "rates".into(),
            term: "high minus low cost".into(),
            direction: Direction::Positive,
            alpha: ss.alpha,
            estimate: d,
            conf_low: Some(lo),
            conf_high: Some(hi),
            p_value: f.p_value,
            p_value_method: "Fisher's exact test, two-sided".into(),
            outcome: verdict::judge(Direction::Positive, d, f.p_value, ss.alpha),
        });
    } else {
        result.notes.push(
            "No test: China signed or consented to no instrument in the low-cost or in the high-cost group.".into(),
        );
    }
    result.headline = vec!["signed_only_low".into(), "signed_only_high".into()];
    verdict::conclude(&mut result, checks);
    Ok(result)
}

/// The rate in each group and overall: numbers and the `signed_only` table
/// (with the signed-only instruments named).
fn rate_table(
    result: &mut AnalysisResult,
    spec: &Spec,
    threshold: f64,
    counts: &Counts,
    level: f64,
    base: &[&TreatyRecord],
) -> Result<()> {
    let mut rows = Vec::new();
    for (name, label, (k, n), which) in [
        (
            "low",
            group_words(false, threshold),
            counts.low,
            Some(false),
        ),
        (
            "high",
            group_words(true, threshold),
            counts.high,
            Some(true),
        ),
        (
            "all",
            "All binding instruments".to_string(),
            counts.all(),
            None,
        ),
    ] {
        if n == 0 {
            continue;
        }
        let p = exact::proportion(k, n, level)?;
        let named: Vec<&str> = base
            .iter()
            .filter(|r| r.bound == Some(0))
            .filter(|r| which.is_none_or(|h| (r.sovereignty_cost > threshold) == h))
            .map(|r| r.short_name.as_str())
            .collect();
        result.numbers.push(Number {
            name: format!("signed_only_{name}"),
            label: format!("Signed-only rate: {label}"),
            value: p.estimate,
            low: Some(p.clopper_pearson_low),
            high: Some(p.clopper_pearson_high),
            note: format!("{k} of {n}; Clopper-Pearson interval"),
        });
        rows.push(vec![
            label,
            n.to_string(),
            k.to_string(),
            format!("{:.3}", p.estimate),
            format!(
                "[{:.3}, {:.3}]",
                p.clopper_pearson_low, p.clopper_pearson_high
            ),
            if named.is_empty() {
                "none".to_string()
            } else {
                named.join(", ")
            },
        ]);
    }
    push_table(
        result,
        spec,
        TableOut {
            name: "signed_only".into(),
            caption: format!(
                "Binding instruments China signed or consented to, and the share it has only signed, by sovereignty cost; {:.0} % Clopper-Pearson intervals",
                level * 100.0
            ),
            header: ["Instruments", "N", "Signed only", "Rate", "Interval", "Which"]
                .map(String::from)
                .to_vec(),
            rows,
        },
    );
    Ok(())
}
