//! Publication figures, drawn with plotters from the run's results and
//! written as SVG, PNG (300 dpi) and PDF at journal widths (single column
//! 3.5 in, double column 7 in), in the Okabe-Ito colour-blind-safe palette,
//! with the bundled DejaVu Sans font (no system font is needed).

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::FontStyle;

use crate::error::{Error, Result};
use crate::report::format::whole_percent;
use crate::report::plots::{self, map_err, PNG_DPI, SVG_DPI};
use crate::results::{
    AnalysisResult, CoefficientPlot, CoefficientRow, CurvePoint, FigureData, FigureName,
    InstrumentPoint, OptOutRow, ProbabilityCurve, RateRow, RunResults, SimulationPlot,
    TimelinePoint,
};

pub static FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

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

/// One figure: its caption, width in inches, aspect (height/width) and what
/// to draw (which names it).
pub struct Figure {
    pub caption: String,
    pub width_in: f64,
    pub aspect: f64,
    pub data: FigureData,
}

impl Figure {
    /// The file stem.
    pub fn name(&self) -> &'static str {
        self.data.name().as_str()
    }
}

/// The order of the figures in the report.
const ORDER: [FigureName; 6] = [
    FigureName::ProbabilityCurve,
    FigureName::Timeline,
    FigureName::ParticipationByCost,
    FigureName::Coefficients,
    FigureName::OptOuts,
    FigureName::Simulation,
];

/// The figures the results call for.
pub fn figures(r: &RunResults) -> Vec<Figure> {
    figure_data_from_series(r)
        .into_iter()
        .map(|(data, a)| {
            let (width_in, aspect) = size(data.name());
            Figure {
                caption: caption(&data, a),
                width_in,
                aspect,
                data,
            }
        })
        .collect()
}

/// A figure's width in inches (single column 3.5, double column 7) and its
/// aspect (height/width).
pub fn size(name: FigureName) -> (f64, f64) {
    match name {
        FigureName::ProbabilityCurve => (3.5, 0.8),
        FigureName::Timeline => (7.0, 0.38),
        FigureName::ParticipationByCost => (3.5, 0.75),
        FigureName::Coefficients => (3.5, 0.6),
        FigureName::OptOuts => (3.5, 0.7),
        FigureName::Simulation => (3.5, 0.7),
    }
}

/// A figure's caption; `a` is the analysis it comes from.
pub fn caption(data: &FigureData, a: &AnalysisResult) -> String {
    match data {
        FigureData::ProbabilityCurve(p) => format!(
            "Predicted probability that China joins an instrument, by sovereignty cost ({}; {} fit, pointwise {} % band). Points: instruments (1 = joined by the cutoff), with vertical jitter-free placement at 0 and 1.",
            a.title,
            p.method,
            whole_percent(p.level)
        ),
        FigureData::Timeline { .. } => "China's treaty actions over time (signature, consent, votes; diamonds: reservations and declarations), by the instrument's sovereignty cost.".into(),
        FigureData::ParticipationByCost { .. } => "Participation rates with exact (Clopper-Pearson) intervals: the soft-law benchmark, the full universe, all treaties and the hard-law end.".into(),
        FigureData::Coefficients(c) => format!("Coefficient of {} across models, with {} % intervals (profile penalized likelihood for Firth fits, Wald for ML).", c.term, whole_percent(c.level)),
        FigureData::OptOuts { .. } => "Delegation provisions China could accept or avoid in instruments it is bound by, by mechanism: avoided (dark) and accepted (light).".into(),
        FigureData::Simulation(_) => "Simulated soft-law participation rates of a weakly and a strongly socialized state: a soft-law-only study cannot tell them apart (dashed line: the rate above which it calls a state strongly socialized).".into(),
    }
}

// ---------------------------------------------------------------------------
// Adapter: the typed figure data built from today's positional
// `AnalysisResult.series`/`labels`. It goes once the analyses put their
// `FigureData` on `AnalysisResult` themselves.

/// The figures' data, in report order, each with the analysis it comes from.
fn figure_data_from_series(r: &RunResults) -> Vec<(FigureData, &AnalysisResult)> {
    ORDER
        .iter()
        .filter_map(|&name| {
            let a = source(r, name)?;
            Some((data_from_series(name, a)?, a))
        })
        .collect()
}

/// The analysis whose series a figure is drawn from (the one place they are
/// looked up).
fn source(r: &RunResults, name: FigureName) -> Option<&AnalysisResult> {
    let with_series = |kind: &str| {
        r.analyses
            .iter()
            .find(|a| a.kind.as_str() == kind && !a.series.is_empty())
    };
    match name {
        FigureName::ProbabilityCurve => r
            .analyses
            .iter()
            .find(|a| a.series.contains_key("curve") && !a.series["curve"].is_empty()),
        FigureName::Timeline | FigureName::ParticipationByCost => with_series("participation"),
        // The first hypothesis term across the models that have it.
        FigureName::Coefficients => r.analyses.iter().find(|a| {
            a.kind == crate::results::Kind::Logit && !a.fits.is_empty() && !a.checks.is_empty()
        }),
        FigureName::OptOuts => with_series("opt_out"),
        FigureName::Simulation => with_series("simulation"),
    }
}

/// One figure's data from its analysis's series, if they hold it.
fn data_from_series(name: FigureName, a: &AnalysisResult) -> Option<FigureData> {
    // A labelled series: each row with its label.
    let labelled = |key: &str| {
        let (s, l) = (a.series.get(key)?, a.labels.get(key)?);
        Some(l.iter().zip(s))
    };
    let data = match name {
        FigureName::ProbabilityCurve => FigureData::ProbabilityCurve(probability_from_series(a)),
        FigureName::Timeline => FigureData::Timeline {
            points: timeline_from_series(a)?,
        },
        FigureName::ParticipationByCost => FigureData::ParticipationByCost {
            rows: labelled("rates")?
                .map(|(n, v)| RateRow {
                    group: n.clone(),
                    rate: v[0],
                    low: v[1],
                    high: v[2],
                    n: v.get(3).map_or(0, |n| *n as usize),
                })
                .collect(),
        },
        FigureName::Coefficients => FigureData::Coefficients(coefficients_from_fits(a)?),
        FigureName::OptOuts => FigureData::OptOuts {
            rows: labelled("opt_out_by_mechanism")?
                .map(|(n, v)| OptOutRow {
                    mechanism: n.clone(),
                    level: v[0] as u8,
                    provisions: v[1] as usize,
                    avoided: v[2] as usize,
                })
                .collect(),
        },
        FigureName::Simulation => {
            let s = a.series.get("soft_rates")?;
            FigureData::Simulation(SimulationPlot {
                weak: s.iter().map(|v| v[0]).collect(),
                strong: s.iter().map(|v| v[1]).collect(),
                threshold: a
                    .series
                    .get("threshold")
                    .and_then(|t| t.first())
                    .and_then(|t| t.first())
                    .copied()
                    .unwrap_or(0.8),
            })
        }
    };
    Some(data)
}

/// The rows of a series (none if it is missing), each with its label, or an
/// empty one where the labels run out.
fn rows_with_labels<'a>(
    a: &'a AnalysisResult,
    key: &str,
) -> impl Iterator<Item = (String, &'a Vec<f64>)> {
    let labels = a.labels.get(key);
    let rows = a.series.get(key).map(|s| s.as_slice()).unwrap_or_default();
    rows.iter().enumerate().map(move |(i, v)| {
        let label = labels.and_then(|l| l.get(i)).cloned().unwrap_or_default();
        (label, v)
    })
}

fn probability_from_series(a: &AnalysisResult) -> ProbabilityCurve {
    ProbabilityCurve {
        x_label: "Sovereignty cost index".into(),
        method: a
            .fits
            .first()
            .map(|f| f.fit.method.clone())
            .unwrap_or_default(),
        level: 1.0 - a.checks.first().map(|c| c.alpha).unwrap_or(0.05),
        curve: a.series["curve"]
            .iter()
            .map(|v| CurvePoint {
                x: v[0],
                probability: v[1],
                low: v[2],
                high: v[3],
            })
            .collect(),
        // An instrument without a label gets an empty one (so no key label).
        instruments: rows_with_labels(a, "instruments")
            .map(|(instrument, v)| InstrumentPoint {
                instrument,
                x: v[0],
                outcome: v[1],
            })
            .collect(),
    }
}

fn timeline_from_series(a: &AnalysisResult) -> Option<Vec<TimelinePoint>> {
    a.series.get("timeline")?;
    Some(
        rows_with_labels(a, "timeline")
            .map(|(instrument, v)| TimelinePoint {
                instrument,
                year: v[0],
                sovereignty_cost: v[1],
                reservation: v[2] == 1.0,
            })
            .collect(),
    )
}

/// The first check's term across the fits that have it; none if no fit has
/// it.
fn coefficients_from_fits(a: &AnalysisResult) -> Option<CoefficientPlot> {
    let term = a.checks[0].term.clone();
    let rows: Vec<CoefficientRow> = a
        .fits
        .iter()
        .filter_map(|f| {
            let c = f.fit.coefficients.iter().find(|c| c.term == term)?;
            Some(CoefficientRow {
                model: format!("{} ({})", f.label, f.fit.method),
                estimate: c.estimate,
                low: c.conf_low,
                high: c.conf_high,
            })
        })
        .collect();
    if rows.is_empty() {
        return None;
    }
    Some(CoefficientPlot {
        term,
        level: 1.0 - a.checks[0].alpha,
        rows,
    })
}

// ---------------------------------------------------------------------------
// Output.

/// Draws a figure on any backend; `s` scales sizes (1 for SVG at 96 dpi).
pub fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, fig: &Figure, s: f64) -> Result<()>
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE).map_err(map_err)?;
    match &fig.data {
        FigureData::ProbabilityCurve(p) => plots::probability_curve(root, p, s)?,
        FigureData::Timeline { points } => plots::timeline(root, points, s)?,
        FigureData::Coefficients(c) => plots::coefficients(root, c, s)?,
        FigureData::ParticipationByCost { rows } => plots::participation_rates(root, rows, s)?,
        FigureData::OptOuts { rows } => plots::opt_outs(root, rows, s)?,
        FigureData::Simulation(p) => plots::simulation(root, p, s)?,
    }
    root.present().map_err(map_err)?;
    Ok(())
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
