//! Publication figures, drawn with plotters from the run's results and
//! written as SVG, PNG (300 dpi) and PDF at journal widths (single column
//! 3.5 in, double column 7 in), in the Okabe-Ito colour-blind-safe palette,
//! with the bundled DejaVu Sans font (no system font is needed).

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::FontStyle;

use crate::error::{Error, Result};
use crate::results::AnalysisResult;
use crate::results::RunResults;

pub static FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// Okabe & Ito (2008) palette.
pub const BLACK: RGBColor = RGBColor(0, 0, 0);
pub const ORANGE: RGBColor = RGBColor(230, 159, 0);
pub const SKY: RGBColor = RGBColor(86, 180, 233);
pub const GREEN: RGBColor = RGBColor(0, 158, 115);
pub const BLUE: RGBColor = RGBColor(0, 114, 178);
pub const VERMILLION: RGBColor = RGBColor(213, 94, 0);
pub const PURPLE: RGBColor = RGBColor(204, 121, 167);
pub const GREY: RGBColor = RGBColor(120, 120, 120);

/// SVG pixels per inch (the CSS convention); PNG is drawn at 300 dpi.
pub const SVG_DPI: f64 = 96.0;
pub const PNG_DPI: f64 = 300.0;

/// Registers the bundled font with plotters (once).
pub fn register_font() -> Result<()> {
    static ONCE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    let ok = *ONCE.get_or_init(|| {
        plotters::style::register_font("sans-serif", FontStyle::Normal, FONT).is_ok()
            && plotters::style::register_font("sans-serif", FontStyle::Bold, FONT).is_ok()
    });
    if ok {
        Ok(())
    } else {
        Err(Error::internal("the bundled font could not be registered"))
    }
}

/// One figure: its file stem, caption, width in inches, aspect (height/width)
/// and what to draw.
pub struct Figure {
    pub name: String,
    pub caption: String,
    pub width_in: f64,
    pub aspect: f64,
    pub plot: Plot,
}

pub enum Plot {
    Probability {
        curve: Vec<Vec<f64>>,
        points: Vec<Vec<f64>>,
        labels: Vec<String>,
        x_label: String,
    },
    Timeline {
        points: Vec<Vec<f64>>,
    },
    Coefficients {
        rows: Vec<(String, f64, f64, f64)>,
        term: String,
    },
    Rates {
        rows: Vec<(String, f64, f64, f64)>,
    },
    OptOuts {
        rows: Vec<(String, f64, f64)>,
    },
    Simulation {
        weak: Vec<f64>,
        strong: Vec<f64>,
        threshold: f64,
    },
}

fn find<'a>(r: &'a RunResults, kind: &str) -> Option<&'a AnalysisResult> {
    r.analyses
        .iter()
        .find(|a| a.kind.as_str() == kind && !a.series.is_empty())
}

/// The figures the results call for.
pub fn figures(r: &RunResults) -> Vec<Figure> {
    let mut out = Vec::new();
    if let Some(a) = r
        .analyses
        .iter()
        .find(|a| a.series.contains_key("curve") && !a.series["curve"].is_empty())
    {
        out.push(Figure {
            name: "probability_curve".into(),
            caption: format!(
                "Predicted probability that China joins an instrument, by sovereignty cost ({}; {} fit, pointwise {} % band). Points: instruments (1 = joined by the cutoff), with vertical jitter-free placement at 0 and 1.",
                a.title,
                a.fits.first().map(|f| f.fit.method.as_str()).unwrap_or(""),
                ((1.0 - a.checks.first().map(|c| c.alpha).unwrap_or(0.05)) * 100.0).round()
            ),
            width_in: 3.5,
            aspect: 0.8,
            plot: Plot::Probability {
                curve: a.series["curve"].clone(),
                points: a.series.get("instruments").cloned().unwrap_or_default(),
                labels: a.labels.get("instruments").cloned().unwrap_or_default(),
                x_label: "Sovereignty cost index".into(),
            },
        });
    }
    if let Some(a) = find(r, "participation") {
        if let Some(t) = a.series.get("timeline") {
            out.push(Figure {
                name: "timeline".into(),
                caption: "China's treaty actions over time (signature, consent, votes; diamonds: reservations and declarations), by the instrument's sovereignty cost.".into(),
                width_in: 7.0,
                aspect: 0.38,
                plot: Plot::Timeline { points: t.clone() },
            });
        }
        if let (Some(s), Some(l)) = (a.series.get("rates"), a.labels.get("rates")) {
            out.push(Figure {
                name: "participation_by_cost".into(),
                caption: "Participation rates with exact (Clopper-Pearson) intervals: the soft-law benchmark, the full universe, all treaties and the hard-law end.".into(),
                width_in: 3.5,
                aspect: 0.75,
                plot: Plot::Rates {
                    rows: l.iter().zip(s).map(|(n, v)| (n.clone(), v[0], v[1], v[2])).collect(),
                },
            });
        }
    }
    // Coefficient of the first hypothesis term across the models that have it.
    if let Some(a) = r.analyses.iter().find(|a| {
        a.kind == crate::results::Kind::Logit && !a.fits.is_empty() && !a.checks.is_empty()
    }) {
        let term = a.checks[0].term.clone();
        let rows: Vec<(String, f64, f64, f64)> = a
            .fits
            .iter()
            .filter_map(|f| {
                let c = f.fit.coefficients.iter().find(|c| c.term == term)?;
                Some((
                    format!("{} ({})", f.label, f.fit.method),
                    c.estimate,
                    c.conf_low.unwrap_or(f64::NEG_INFINITY),
                    c.conf_high.unwrap_or(f64::INFINITY),
                ))
            })
            .collect();
        if !rows.is_empty() {
            out.push(Figure {
                name: "coefficients".into(),
                caption: format!("Coefficient of {term} across models, with {} % intervals (profile penalized likelihood for Firth fits, Wald for ML).", ((1.0 - a.checks[0].alpha) * 100.0).round()),
                width_in: 3.5,
                aspect: 0.6,
                plot: Plot::Coefficients { rows, term },
            });
        }
    }
    if let Some(a) = find(r, "opt_out") {
        if let (Some(s), Some(l)) = (
            a.series.get("opt_out_by_mechanism"),
            a.labels.get("opt_out_by_mechanism"),
        ) {
            out.push(Figure {
                name: "opt_outs".into(),
                caption: "Delegation provisions China could accept or avoid in instruments it is bound by, by mechanism: avoided (dark) and accepted (light).".into(),
                width_in: 3.5,
                aspect: 0.7,
                plot: Plot::OptOuts {
                    rows: l.iter().zip(s).map(|(n, v)| (n.clone(), v[1], v[2])).collect(),
                },
            });
        }
    }
    if let Some(a) = find(r, "simulation") {
        if let Some(s) = a.series.get("soft_rates") {
            out.push(Figure {
                name: "simulation".into(),
                caption: "Simulated soft-law participation rates of a weakly and a strongly socialized state: a soft-law-only study cannot tell them apart (dashed line: the rate above which it calls a state strongly socialized).".into(),
                width_in: 3.5,
                aspect: 0.7,
                plot: Plot::Simulation {
                    weak: s.iter().map(|v| v[0]).collect(),
                    strong: s.iter().map(|v| v[1]).collect(),
                    threshold: a
                        .series
                        .get("threshold")
                        .and_then(|t| t.first())
                        .and_then(|t| t.first())
                        .copied()
                        .unwrap_or(0.8),
                },
            });
        }
    }
    out
}

fn map_err<E: std::fmt::Debug>(e: E) -> Error {
    Error::internal(format!("drawing failed: {e:?}"))
}

/// Draws a figure on any backend; `s` scales sizes (1 for SVG at 96 dpi).
pub fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, fig: &Figure, s: f64) -> Result<()>
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE).map_err(map_err)?;
    let px = |v: f64| (v * s).round() as i32;
    let font = |pt: f64| ("sans-serif", pt * s * SVG_DPI / 72.0).into_font();
    let tick = font(7.0);
    let label = font(8.0);
    match &fig.plot {
        Plot::Probability {
            curve,
            points,
            labels,
            x_label,
        } => {
            let mut chart = ChartBuilder::on(root)
                .margin(px(6.0))
                .x_label_area_size(px(30.0))
                .y_label_area_size(px(36.0))
                .build_cartesian_2d(-0.02f64..1.02f64, -0.05f64..1.05f64)
                .map_err(map_err)?;
            chart
                .configure_mesh()
                .disable_mesh()
                .x_desc(x_label.as_str())
                .y_desc("P(China joins)")
                .x_label_style(tick.clone())
                .y_label_style(tick.clone())
                .axis_desc_style(label.clone())
                .x_labels(6)
                .y_labels(6)
                .draw()
                .map_err(map_err)?;
            let band: Vec<(f64, f64)> = curve
                .iter()
                .map(|v| (v[0], v[2]))
                .chain(curve.iter().rev().map(|v| (v[0], v[3])))
                .collect();
            chart
                .draw_series(std::iter::once(Polygon::new(band, SKY.mix(0.35).filled())))
                .map_err(map_err)?;
            chart
                .draw_series(LineSeries::new(
                    curve.iter().map(|v| (v[0], v[1])),
                    BLUE.stroke_width(px(1.5) as u32),
                ))
                .map_err(map_err)?;
            chart
                .draw_series(points.iter().map(|v| {
                    let y = if v[1] > 0.5 { 1.0 } else { 0.0 };
                    Circle::new((v[0], y), px(2.0), VERMILLION.mix(0.6).filled())
                }))
                .map_err(map_err)?;
            // Key instruments, labelled above (joined) or below (not joined),
            // with a leader line to their point.
            let keys = [
                ("Rome Statute of the ICC", "Rome Statute"),
                ("CAT", "CAT"),
                ("ICCPR", "ICCPR"),
                ("WTO Agreement", "WTO"),
            ];
            let mut used: Vec<(f64, f64)> = Vec::new();
            for (v, name) in points.iter().zip(labels) {
                let Some((_, short)) = keys.iter().find(|(k, _)| k == name) else {
                    continue;
                };
                let joined = v[1] > 0.5;
                let mut y = if joined { 0.88 } else { 0.12 };
                while used
                    .iter()
                    .any(|(x0, y0)| (x0 - v[0]).abs() < 0.15 && (y0 - y).abs() < 0.05)
                {
                    y += if joined { -0.06 } else { 0.06 };
                }
                used.push((v[0], y));
                // Text width in data units, roughly: 0.017 per character.
                let width = short.chars().count() as f64 * 0.017;
                let x = if v[0] + width > 1.0 {
                    v[0] - width
                } else {
                    v[0] - 0.01
                };
                let y_point = if joined { 1.0 } else { 0.0 };
                chart
                    .draw_series(std::iter::once(PathElement::new(
                        vec![
                            (v[0], y_point),
                            (v[0], if joined { y + 0.005 } else { y - 0.035 }),
                        ],
                        GREY.stroke_width(1),
                    )))
                    .map_err(map_err)?;
                chart
                    .draw_series(std::iter::once(Text::new(
                        short.to_string(),
                        (x, y),
                        font(6.5).color(&BLACK),
                    )))
                    .map_err(map_err)?;
            }
        }
        Plot::Timeline { points } => {
            let lo = points
                .iter()
                .map(|v| v[0])
                .fold(f64::INFINITY, f64::min)
                .floor()
                - 1.0;
            let hi = points
                .iter()
                .map(|v| v[0])
                .fold(f64::NEG_INFINITY, f64::max)
                .ceil()
                + 1.0;
            let mut chart = ChartBuilder::on(root)
                .margin(px(6.0))
                .x_label_area_size(px(28.0))
                .y_label_area_size(px(36.0))
                .build_cartesian_2d(lo..hi, -0.02f64..1.02f64)
                .map_err(map_err)?;
            chart
                .configure_mesh()
                .disable_mesh()
                .x_desc("Year")
                .y_desc("Sovereignty cost")
                .x_label_style(tick.clone())
                .y_label_style(tick.clone())
                .axis_desc_style(label.clone())
                .x_label_formatter(&|x| format!("{x:.0}"))
                .draw()
                .map_err(map_err)?;
            chart
                .draw_series(points.iter().filter(|v| v[2] == 0.0).map(|v| {
                    let c = if v[1] > 0.6 {
                        VERMILLION
                    } else if v[1] > 0.3 {
                        ORANGE
                    } else {
                        BLUE
                    };
                    Circle::new((v[0], v[1]), px(2.2), c.mix(0.75).filled())
                }))
                .map_err(map_err)?;
            chart
                .draw_series(points.iter().filter(|v| v[2] == 1.0).map(|v| {
                    TriangleMarker::new(
                        (v[0], v[1]),
                        px(3.0),
                        BLACK.stroke_width(px(0.8).max(1) as u32),
                    )
                }))
                .map_err(map_err)?;
            // Legend, top left.
            let entries: [(&str, RGBColor); 3] = [
                ("cost up to 0.3", BLUE),
                ("0.3 to 0.6", ORANGE),
                ("above 0.6", VERMILLION),
            ];
            let step = (hi - lo) * 0.11;
            for (k, (text, colour)) in entries.iter().enumerate() {
                let x = lo + 1.0 + k as f64 * step;
                chart
                    .draw_series(std::iter::once(Circle::new(
                        (x, 0.95),
                        px(2.2),
                        colour.mix(0.75).filled(),
                    )))
                    .map_err(map_err)?;
                chart
                    .draw_series(std::iter::once(Text::new(
                        text.to_string(),
                        (x + step * 0.06, 0.975),
                        font(6.5).color(&BLACK),
                    )))
                    .map_err(map_err)?;
            }
            let x = lo + 1.0 + 3.0 * step;
            chart
                .draw_series(std::iter::once(TriangleMarker::new(
                    (x, 0.95),
                    px(3.0),
                    BLACK.stroke_width(px(0.8).max(1) as u32),
                )))
                .map_err(map_err)?;
            chart
                .draw_series(std::iter::once(Text::new(
                    "reservation or declaration".to_string(),
                    (x + step * 0.06, 0.975),
                    font(6.5).color(&BLACK),
                )))
                .map_err(map_err)?;
        }
        Plot::Coefficients { rows, term } => {
            let lo = rows
                .iter()
                .map(|r| r.2)
                .filter(|v| v.is_finite())
                .fold(0.0f64, f64::min);
            let hi = rows
                .iter()
                .map(|r| r.3)
                .filter(|v| v.is_finite())
                .fold(0.0f64, f64::max);
            let pad = (hi - lo).max(1e-9) * 0.08;
            let n = rows.len();
            let mut chart = ChartBuilder::on(root)
                .margin(px(6.0))
                .x_label_area_size(px(28.0))
                .y_label_area_size(px(110.0))
                .build_cartesian_2d((lo - pad)..(hi + pad), -0.5f64..(n as f64 - 0.5))
                .map_err(map_err)?;
            let names: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
            chart
                .configure_mesh()
                .disable_mesh()
                .x_desc(format!("Coefficient of {term}"))
                .x_label_style(tick.clone())
                .y_label_style(tick.clone())
                .axis_desc_style(label.clone())
                .y_labels(n)
                .y_label_formatter(&|y| category_label(&names, *y))
                .draw()
                .map_err(map_err)?;
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(0.0, -0.5), (0.0, n as f64 - 0.5)],
                    GREY.stroke_width(1),
                )))
                .map_err(map_err)?;
            for (k, r) in rows.iter().enumerate() {
                let y = (n - 1 - k) as f64;
                let (l, h) = (r.2.max(lo - pad), r.3.min(hi + pad));
                chart
                    .draw_series(std::iter::once(PathElement::new(
                        vec![(l, y), (h, y)],
                        BLUE.stroke_width(px(1.2) as u32),
                    )))
                    .map_err(map_err)?;
                chart
                    .draw_series(std::iter::once(Circle::new(
                        (r.1, y),
                        px(2.5),
                        BLUE.filled(),
                    )))
                    .map_err(map_err)?;
            }
        }
        Plot::Rates { rows } => {
            let n = rows.len();
            let mut chart = ChartBuilder::on(root)
                .margin(px(6.0))
                .x_label_area_size(px(28.0))
                .y_label_area_size(px(92.0))
                .build_cartesian_2d(0.0f64..1.0f64, -0.5f64..(n as f64 - 0.5))
                .map_err(map_err)?;
            let names: Vec<String> = rows
                .iter()
                .map(|r| r.0.split(" (").next().unwrap_or(&r.0).to_string())
                .collect();
            chart
                .configure_mesh()
                .disable_mesh()
                .x_desc("Share of instruments China joined")
                .x_label_style(tick.clone())
                .y_label_style(tick.clone())
                .axis_desc_style(label.clone())
                .y_labels(n)
                .y_label_formatter(&|y| category_label(&names, *y))
                .draw()
                .map_err(map_err)?;
            let colours = [GREEN, BLUE, SKY, VERMILLION];
            for (k, r) in rows.iter().enumerate() {
                let y = (n - 1 - k) as f64;
                let c = colours[k % colours.len()];
                chart
                    .draw_series(std::iter::once(PathElement::new(
                        vec![(r.2, y), (r.3, y)],
                        c.stroke_width(px(1.5) as u32),
                    )))
                    .map_err(map_err)?;
                chart
                    .draw_series(std::iter::once(Circle::new((r.1, y), px(3.0), c.filled())))
                    .map_err(map_err)?;
            }
        }
        Plot::OptOuts { rows } => {
            let n = rows.len();
            let max = rows.iter().map(|r| r.1).fold(1.0f64, f64::max);
            let mut chart = ChartBuilder::on(root)
                .margin(px(6.0))
                .x_label_area_size(px(28.0))
                .y_label_area_size(px(92.0))
                .build_cartesian_2d(0.0f64..(max + 0.5), -0.5f64..(n as f64 - 0.5))
                .map_err(map_err)?;
            let names: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
            chart
                .configure_mesh()
                .disable_mesh()
                .x_desc("Provisions")
                .x_label_style(tick.clone())
                .y_label_style(tick.clone())
                .axis_desc_style(label.clone())
                .y_labels(n)
                .x_label_formatter(&|x| format!("{x:.0}"))
                .y_label_formatter(&|y| category_label(&names, *y))
                .draw()
                .map_err(map_err)?;
            for (k, (text, colour)) in [
                ("avoided", VERMILLION.to_rgba()),
                ("accepted", SKY.mix(0.5)),
            ]
            .into_iter()
            .enumerate()
            {
                let x = max * 0.55;
                let y = n as f64 - 0.9 - k as f64 * 0.55;
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(x, y - 0.15), (x + max * 0.05, y + 0.15)],
                        colour.filled(),
                    )))
                    .map_err(map_err)?;
                chart
                    .draw_series(std::iter::once(Text::new(
                        text.to_string(),
                        (x + max * 0.08, y + 0.2),
                        font(7.0).color(&BLACK),
                    )))
                    .map_err(map_err)?;
            }
            for (k, r) in rows.iter().enumerate() {
                let y = (n - 1 - k) as f64;
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(0.0, y - 0.3), (r.1, y + 0.3)],
                        SKY.mix(0.5).filled(),
                    )))
                    .map_err(map_err)?;
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(0.0, y - 0.3), (r.2, y + 0.3)],
                        VERMILLION.filled(),
                    )))
                    .map_err(map_err)?;
            }
        }
        Plot::Simulation {
            weak,
            strong,
            threshold,
        } => {
            let bins = 20usize;
            let hist = |v: &[f64]| -> Vec<f64> {
                let mut h = vec![0.0; bins];
                for x in v {
                    let b = ((x * bins as f64).floor() as usize).min(bins - 1);
                    h[b] += 1.0;
                }
                let total = v.len().max(1) as f64;
                h.iter().map(|c| c / total).collect()
            };
            let (hw, hs) = (hist(weak), hist(strong));
            let top = hw.iter().chain(&hs).cloned().fold(0.0f64, f64::max) * 1.1;
            let mut chart = ChartBuilder::on(root)
                .margin(px(6.0))
                .x_label_area_size(px(28.0))
                .y_label_area_size(px(36.0))
                .build_cartesian_2d(0.0f64..1.0f64, 0.0f64..top.max(0.01))
                .map_err(map_err)?;
            chart
                .configure_mesh()
                .disable_mesh()
                .x_desc("Soft-law participation rate in a simulated universe")
                .y_desc("Share of universes")
                .x_label_style(tick.clone())
                .y_label_style(tick.clone())
                .axis_desc_style(label.clone())
                .draw()
                .map_err(map_err)?;
            let w = 1.0 / bins as f64;
            for (k, (a, b)) in hw.iter().zip(&hs).enumerate() {
                let x0 = k as f64 * w;
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(x0, 0.0), (x0 + w * 0.5, *a)],
                        ORANGE.filled(),
                    )))
                    .map_err(map_err)?;
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(x0 + w * 0.5, 0.0), (x0 + w, *b)],
                        BLUE.filled(),
                    )))
                    .map_err(map_err)?;
            }
            chart
                .draw_series(DashedLineSeries::new(
                    vec![(*threshold, 0.0), (*threshold, top)],
                    px(3.0) as u32,
                    px(2.0) as u32,
                    BLACK.stroke_width(1),
                ))
                .map_err(map_err)?;
            chart
                .draw_series(std::iter::once(Text::new(
                    "weak state",
                    (0.05, top * 0.92),
                    font(7.0).color(&ORANGE),
                )))
                .map_err(map_err)?;
            chart
                .draw_series(std::iter::once(Text::new(
                    "strong state",
                    (0.05, top * 0.82),
                    font(7.0).color(&BLUE),
                )))
                .map_err(map_err)?;
        }
    }
    root.present().map_err(map_err)?;
    Ok(())
}

/// The label of a category axis drawn top to bottom: row k (from the top) sits
/// at y = n - 1 - k; other ticks get no label.
fn category_label(names: &[String], y: f64) -> String {
    let k = y.round();
    let n = names.len() as f64;
    if (y - k).abs() < 1e-6 && k >= 0.0 && k < n {
        names[(n - 1.0 - k) as usize].clone()
    } else {
        String::new()
    }
}

fn pixels(fig: &Figure, dpi: f64) -> (u32, u32) {
    let w = (fig.width_in * dpi).round() as u32;
    (w, (w as f64 * fig.aspect).round() as u32)
}

/// The figure as SVG text.
pub fn svg(fig: &Figure) -> Result<String> {
    register_font()?;
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, pixels(fig, SVG_DPI)).into_drawing_area();
        draw(&root, fig, 1.0)?;
    }
    Ok(out)
}

/// The figure as PNG bytes at 300 dpi.
pub fn png(fig: &Figure, tmp: &std::path::Path) -> Result<Vec<u8>> {
    register_font()?;
    {
        let root = BitMapBackend::new(tmp, pixels(fig, PNG_DPI)).into_drawing_area();
        draw(&root, fig, PNG_DPI / SVG_DPI)?;
    }
    let bytes =
        std::fs::read(tmp).map_err(|e| Error::internal(format!("cannot read the PNG: {e}")))?;
    let _ = std::fs::remove_file(tmp);
    Ok(bytes)
}

/// The SVG converted to PDF, with the bundled font loaded (without it
/// svg2pdf drops the text silently).
pub fn pdf(svg_text: &str) -> Result<Vec<u8>> {
    use svg2pdf::usvg;
    let mut options = usvg::Options::default();
    let db = options.fontdb_mut();
    db.load_font_data(FONT.to_vec());
    db.set_sans_serif_family("DejaVu Sans");
    options.font_family = "DejaVu Sans".into();
    let tree = usvg::Tree::from_str(svg_text, &options)
        .map_err(|e| Error::internal(format!("cannot read the SVG: {e}")))?;
    let pdf = svg2pdf::to_pdf(
        &tree,
        svg2pdf::ConversionOptions::default(),
        svg2pdf::PageOptions {
            dpi: SVG_DPI as f32,
        },
    )
    .map_err(|e| Error::internal(format!("cannot convert to PDF: {e:?}")))?;
    Ok(canonical_resource_order(&pdf))
}

/// svg2pdf writes the entries of a page's resource dictionaries (`/xo3 14 0
/// R` lines) in hash-map order, which changes from run to run. Sorting each
/// run of such lines keeps every byte offset (the run's length is unchanged,
/// so the cross-reference table stays valid) and makes the file
/// reproducible.
pub fn canonical_resource_order(pdf: &[u8]) -> Vec<u8> {
    fn is_entry(line: &[u8]) -> bool {
        let t: &[u8] = {
            let start = line.iter().position(|&c| c != b' ').unwrap_or(line.len());
            &line[start..]
        };
        if t.first() != Some(&b'/') || !t.ends_with(b" 0 R") {
            return false;
        }
        let mid = &t[1..t.len() - 4];
        let mut parts = mid.split(|&c| c == b' ');
        let name = parts.next().unwrap_or(&[]);
        let number = parts.next().unwrap_or(&[]);
        parts.next().is_none()
            && !name.is_empty()
            && name.iter().all(|c| c.is_ascii_alphanumeric())
            && !number.is_empty()
            && number.iter().all(|c| c.is_ascii_digit())
    }
    let lines: Vec<&[u8]> = pdf.split(|&c| c == b'\n').collect();
    let mut out: Vec<Vec<u8>> = Vec::with_capacity(lines.len());
    let mut i = 0;
    while i < lines.len() {
        if is_entry(lines[i]) {
            let mut j = i;
            while j < lines.len() && is_entry(lines[j]) {
                j += 1;
            }
            let mut run: Vec<&[u8]> = lines[i..j].to_vec();
            run.sort();
            out.extend(run.into_iter().map(|l| l.to_vec()));
            i = j;
        } else {
            out.push(lines[i].to_vec());
            i += 1;
        }
    }
    out.join(&b'\n')
}
