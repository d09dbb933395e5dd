//! Opt-out analyses: on top of the model of avoidance by delegation level,
//! the share of avoidable provisions China avoided with its exact interval,
//! and the provisions by mechanism.

use super::sample;
use super::spec::Spec;
use super::{push_table, Context};
use crate::error::Result;
use crate::models::exact;
use crate::panel::{self, ProvisionRecord};
use crate::results::{AnalysisResult, FigureData, FigureName, Number, OptOutRow, TableOut};

/// Adds the opt-out numbers, tables and figure data to a fitted result.
pub fn add(ctx: &Context, spec: &Spec, result: &mut AnalysisResult) -> Result<()> {
    let level = spec.level();
    let records = sample::records(ctx, spec);
    let prov = panel::provision_records(ctx.data, &records, &sample::options(spec));
    let k = prov.iter().filter(|p| p.avoided == 1).count() as u64;
    let total = prov.len() as u64;
    if total > 0 {
        let pi = exact::proportion(k, total, level)?;
        result.numbers.push(Number {
            name: "avoided_share".into(),
            label: "Share of avoidable provisions China avoided".into(),
            value: pi.estimate,
            low: Some(pi.clopper_pearson_low),
            high: Some(pi.clopper_pearson_high),
            note: format!("{k} of {total}, Clopper-Pearson interval"),
        });
        result.headline.push("avoided_share".into());
    }
    let mut rows = Vec::new();
    let mut by_mechanism = Vec::new();
    for mech in crate::dataset::MECHANISMS {
        let sub: Vec<_> = prov.iter().filter(|p| p.mechanism == *mech).collect();
        if sub.is_empty() {
            continue;
        }
        let av = sub.iter().filter(|p| p.avoided == 1).count();
        rows.push(vec![
            mechanism_label(mech).to_string(),
            crate::dataset::mechanism_level(mech).to_string(),
            sub.len().to_string(),
            av.to_string(),
            format!("{:.2}", av as f64 / sub.len() as f64),
        ]);
        by_mechanism.push(OptOutRow {
            mechanism: mechanism_label(mech).to_string(),
            level: crate::dataset::mechanism_level(mech),
            provisions: sub.len(),
            avoided: av,
        });
    }
    if spec.outputs.figure(FigureName::OptOuts) {
        result
            .figures
            .push(FigureData::OptOuts { rows: by_mechanism });
    }
    push_table(result, spec, opt_outs_table(rows));
    push_table(result, spec, detail_table(&prov));
    Ok(())
}

/// The provisions by mechanism.
fn opt_outs_table(rows: Vec<Vec<String>>) -> TableOut {
    TableOut {
        name: "opt_outs".into(),
        caption: "Delegation provisions China could accept or avoid, in instruments it is bound by"
            .into(),
        header: vec![
            "Mechanism".into(),
            "Level".into(),
            "Provisions".into(),
            "Avoided".into(),
            "Share".into(),
        ],
        rows,
    }
}

/// Each avoidable provision and China's position.
fn detail_table(prov: &[ProvisionRecord]) -> TableOut {
    let detail: Vec<Vec<String>> = prov
        .iter()
        .map(|p| {
            vec![
                p.short_name.clone(),
                p.article.clone(),
                p.mechanism.replace('_', " "),
                p.acceptance_mode.replace('_', "-"),
                if p.avoided == 1 {
                    "avoided".into()
                } else {
                    "accepted".into()
                },
            ]
        })
        .collect();
    TableOut {
        name: "opt_out_detail".into(),
        caption: "Each avoidable provision and China's position".into(),
        header: vec![
            "Instrument".into(),
            "Article".into(),
            "Mechanism".into(),
            "Mode".into(),
            "China".into(),
        ],
        rows: detail,
    }
}

/// A mechanism's name for tables and figures.
pub fn mechanism_label(mechanism: &str) -> &'static str {
    match mechanism {
        "state_reporting" => "state reporting",
        "review_conference" => "review conference",
        "inquiry" => "inquiry",
        "interstate_complaint" => "inter-state complaints",
        "individual_complaint" => "individual complaints",
        "onsite_inspection" => "on-site inspection",
        "icj_compromissory" => "ICJ clause",
        "compulsory_adjudication" => "adjudication",
        "arbitration" => "arbitration",
        "prosecution" => "prosecution",
        _ => "other",
    }
}
