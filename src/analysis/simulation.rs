//! The simulation: in universes of instruments with random costs, how often
//! a soft-law-only study and a full-universe logit call a weakly and a
//! strongly socialized state strongly socialized.

use std::path::Path;

use super::spec::{SimulationSpec, Spec};
use super::{base_result, push_table, verdict};
use crate::models::logit::logistic;
use crate::results::{
    AnalysisResult, Check, Direction, FigureData, FigureName, Number, SimulationPlot, TableOut,
};
use crate::rng::Rng;

/// Runs the simulation.
pub fn run(file: &Path, spec: &Spec, s: &SimulationSpec, seed: u64) -> AnalysisResult {
    let mut result = base_result(file, spec, s.universes);
    result.seed = Some(seed);
    // For each universe: draw instrument costs uniformly on [0, 1]; a weak
    // and a strong state join with P = logistic((tau - cost) / scale).
    let draws = crate::models::resampling::replicate(
        s.universes,
        seed,
        "simulation",
        |_, rng: &mut Rng| {
            let costs: Vec<f64> = (0..s.instruments).map(|_| rng.uniform()).collect();
            let mut out = Vec::new();
            for tau in [s.tau_weak, s.tau_strong] {
                let y: Vec<f64> = costs
                    .iter()
                    .map(|c| f64::from(u8::from(rng.uniform() < logistic((tau - c) / s.scale))))
                    .collect();
                let soft: Vec<usize> = (0..costs.len())
                    .filter(|&i| costs[i] < s.soft_threshold)
                    .collect();
                let soft_rate = soft.iter().map(|&i| y[i]).sum::<f64>() / soft.len().max(1) as f64;
                let soft_says_strong = soft_rate >= s.strong_rate;
                // Full universe: Firth logit of y on cost; estimated tau = -b0/b1.
                let x: Vec<f64> = costs.iter().flat_map(|&c| [1.0, c]).collect();
                let prob = crate::models::logit::Problem::new(&x, costs.len(), 2, &y);
                let tau_hat = crate::models::firth::fit(&prob, &[None, None], None)
                    .filter(|f| f.converged && f.beta[1] < 0.0)
                    .map(|f| -f.beta[0] / f.beta[1])
                    .unwrap_or(f64::INFINITY);
                let full_says_strong = tau_hat >= (s.tau_weak + s.tau_strong) / 2.0;
                out.push((soft_says_strong, full_says_strong, soft_rate, tau_hat));
            }
            out
        },
    );
    let u = s.universes as f64;
    let rate = |k: usize, strong: bool, which: usize| -> f64 {
        draws
            .iter()
            .filter(|d| {
                if which == 0 {
                    d[k].0 == strong
                } else {
                    d[k].1 == strong
                }
            })
            .count() as f64
            / u
    };
    let soft_wrong_weak = rate(0, true, 0);
    let full_wrong_weak = rate(0, true, 1);
    let soft_right_strong = rate(1, true, 0);
    let full_right_strong = rate(1, true, 1);
    let mc = |p: f64| (p * (1.0 - p) / u).sqrt();
    for (name, label, v) in [
        (
            "soft_misclassifies_weak",
            "Soft-law-only study calls the weakly socialized state strongly socialized",
            soft_wrong_weak,
        ),
        (
            "full_misclassifies_weak",
            "Full-universe logit calls the weakly socialized state strongly socialized",
            full_wrong_weak,
        ),
        (
            "soft_detects_strong",
            "Soft-law-only study calls the strongly socialized state strongly socialized",
            soft_right_strong,
        ),
        (
            "full_detects_strong",
            "Full-universe logit calls the strongly socialized state strongly socialized",
            full_right_strong,
        ),
    ] {
        result.numbers.push(Number {
            name: name.into(),
            label: label.into(),
            value: v,
            low: Some((v - 1.96 * mc(v)).max(0.0)),
            high: Some((v + 1.96 * mc(v)).min(1.0)),
            note: format!(
                "{} universes of {} instruments, seed {}; Monte Carlo interval",
                s.universes, s.instruments, seed
            ),
        });
    }
    push_table(&mut result, spec, TableOut {
        name: "simulation".into(),
        caption: format!(
            "How often each study design calls a state strongly socialized ({} simulated universes; P(join) = logistic((τ - cost)/{}); weak τ = {}, strong τ = {})",
            s.universes, s.scale, s.tau_weak, s.tau_strong
        ),
        header: vec!["State".into(), "Soft-law-only study".into(), "Full-universe logit".into()],
        rows: vec![
            vec![format!("Weak (τ = {})", s.tau_weak), format!("{soft_wrong_weak:.3}"), format!("{full_wrong_weak:.3}")],
            vec![format!("Strong (τ = {})", s.tau_strong), format!("{soft_right_strong:.3}"), format!("{full_right_strong:.3}")],
        ],
    });
    if spec.outputs.figure(FigureName::Simulation) {
        result.figures.push(FigureData::Simulation(SimulationPlot {
            weak: draws.iter().map(|d| d[0].2).collect(),
            strong: draws.iter().map(|d| d[1].2).collect(),
            threshold: s.strong_rate,
        }));
    }
    let diff = soft_wrong_weak - full_wrong_weak;
    let se = (mc(soft_wrong_weak).powi(2) + mc(full_wrong_weak).powi(2)).sqrt();
    let outcome = verdict::judge_interval(diff, diff - 1.96 * se, 0.0);
    result.headline = vec![
        "soft_misclassifies_weak".into(),
        "full_misclassifies_weak".into(),
    ];
    let checks = vec![Check {
        model: "simulation".into(),
        term: "soft-law-only misclassification minus full-universe misclassification (weak state)"
            .into(),
        direction: Direction::Positive,
        alpha: 0.05,
        estimate: diff,
        conf_low: Some(diff - 1.96 * se),
        conf_high: Some(diff + 1.96 * se),
        p_value: f64::NAN,
        p_value_method: "Monte Carlo interval".into(),
        outcome,
    }];
    verdict::conclude(&mut result, checks);
    result
}
