//! The seed paper's own evidence, replicated from the data: the Rome Statute
//! adoption vote and China's position, and Jiang Zemin's human-rights
//! articles by framing and audience (exact interval, Fisher's exact test).

use std::path::Path;

use super::spec::Spec;
use super::{base_result, push_table, verdict, Context};
use crate::error::Result;
use crate::models::exact;
use crate::results::{AnalysisResult, Check, Direction, Number, TableOut};

/// Runs the seed replication.
pub fn run(ctx: &Context, file: &Path, spec: &Spec) -> Result<AnalysisResult> {
    let mut result = base_result(file, spec, 0);
    let level = spec.level();
    // Read, not derived from the level: 1 - (1 - 0.05) is not 0.05.
    let alpha = spec.alpha();
    votes(ctx, spec, &mut result)?;
    // Jiang Zemin's human-rights articles: framing by audience.
    let jiang = crate::dataset::RawTable::read_file(&ctx.data.dir.join("jiang_discourse.csv"))?;
    let count = |framing: &str, audience: &str| -> u64 {
        jiang
            .rows
            .iter()
            .find(|r| jiang.get(r, "framing") == framing && jiang.get(r, "audience") == audience)
            .and_then(|r| jiang.get(r, "articles").parse().ok())
            .unwrap_or(0)
    };
    let (a, b) = (
        count("instrumental", "domestic"),
        count("instrumental", "international"),
    );
    let (c, d) = (
        count("not_instrumental", "domestic"),
        count("not_instrumental", "international"),
    );
    let total = a + b + c + d;
    result.n = total as usize;
    let fisher = exact::fisher(a, b, c, d, level)?;
    let prop = exact::proportion(a + b, total, level)?;
    result.numbers.push(Number {
        name: "instrumental_share".into(),
        label: "Share of Jiang Zemin's human-rights articles that treat human rights as a tool of hostile forces".into(),
        value: prop.estimate,
        low: Some(prop.clopper_pearson_low),
        high: Some(prop.clopper_pearson_high),
        note: format!("{} of {total}; Clopper-Pearson interval", a + b),
    });
    result.numbers.push(Number {
        name: "framing_audience_odds_ratio".into(),
        label: "Odds ratio, instrumental framing × domestic audience (conditional MLE)".into(),
        value: fisher.odds_ratio,
        low: Some(fisher.conf_low),
        high: Some(fisher.conf_high),
        note: format!("Fisher's exact test p = {:.4}", fisher.p_value),
    });
    push_table(
        &mut result,
        spec,
        TableOut {
            name: "jiang".into(),
            caption:
                "Jiang Zemin's 26 human-rights articles (1989-2000), as reported in the seed paper"
                    .into(),
            header: vec![
                "Framing".into(),
                "Domestic audience".into(),
                "International audience".into(),
            ],
            rows: vec![
                vec![
                    "Instrumental (a tool of hostile forces)".into(),
                    a.to_string(),
                    b.to_string(),
                ],
                vec!["Not instrumental".into(), c.to_string(), d.to_string()],
            ],
        },
    );
    let share_outcome = verdict::judge_interval(prop.estimate, prop.clopper_pearson_low, 0.5);
    let fisher_outcome = verdict::judge(
        Direction::Positive,
        fisher.odds_ratio.ln(),
        fisher.p_value,
        alpha,
    );
    let checks = vec![
        Check {
            model: "Jiang articles".into(),
            term: "instrumental share above one half".into(),
            direction: Direction::Positive,
            alpha,
            estimate: prop.estimate,
            conf_low: Some(prop.clopper_pearson_low),
            conf_high: Some(prop.clopper_pearson_high),
            p_value: prop.binomial_p_value,
            p_value_method: "exact binomial".into(),
            outcome: share_outcome,
        },
        Check {
            model: "Jiang articles".into(),
            term: "instrumental framing with domestic audiences".into(),
            direction: Direction::Positive,
            alpha,
            estimate: fisher.odds_ratio,
            conf_low: Some(fisher.conf_low),
            conf_high: Some(fisher.conf_high),
            p_value: fisher.p_value,
            p_value_method: "Fisher exact".into(),
            outcome: fisher_outcome,
        },
    ];
    verdict::conclude(&mut result, checks);
    Ok(result)
}

/// The adoption votes and China's position; the Rome Statute's tally as
/// numbers.
fn votes(ctx: &Context, spec: &Spec, result: &mut AnalysisResult) -> Result<()> {
    // The Rome Statute vote: China's vote and the recorded tally.
    let votes_path = ctx.data.dir.join("votes.csv");
    let votes = crate::dataset::RawTable::read_file(&votes_path)?;
    let mut rows = Vec::new();
    for r in &votes.rows {
        let g = |c: &str| votes.get(r, c).to_string();
        let china = ctx
            .data
            .actions
            .rows
            .iter()
            .find(|a| {
                ctx.data.actions.get(a, "treaty_id") == g("treaty_id")
                    && ctx.data.actions.get(a, "state") == crate::panel::CHINA
                    && crate::dataset::VOTE_ACTIONS.contains(&ctx.data.actions.get(a, "action"))
            })
            .map(|a| ctx.data.actions.get(a, "action").replace('_', " "))
            .unwrap_or_else(|| "not recorded".into());
        rows.push(vec![
            g("treaty_id"),
            g("date"),
            g("yes"),
            g("no"),
            g("abstentions"),
            g("recorded"),
            china,
        ]);
        if g("treaty_id") == "rome_statute" {
            for (k, c) in ["yes", "no", "abstentions"].iter().enumerate() {
                result.numbers.push(Number {
                    name: format!("rome_{c}"),
                    label: format!("Rome Statute adoption vote: {c}"),
                    value: g(c).parse().unwrap_or(f64::NAN),
                    low: None,
                    high: None,
                    note: if k == 0 {
                        format!("source: {}", g("source_ids"))
                    } else {
                        String::new()
                    },
                });
            }
        }
    }
    push_table(
        result,
        spec,
        TableOut {
            name: "votes".into(),
            caption: "Adoption votes and China's position".into(),
            header: vec![
                "Instrument".into(),
                "Date".into(),
                "Yes".into(),
                "No".into(),
                "Abstentions".into(),
                "Recorded vote".into(),
                "China".into(),
            ],
            rows,
        },
    );
    Ok(())
}
