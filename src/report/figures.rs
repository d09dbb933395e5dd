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
use crate::results::{AnalysisResult, FigureData, FigureName, RunResults};

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
const ORDER: [FigureName; 7] = [
    FigureName::ProbabilityCurve,
    FigureName::Timeline,
    FigureName::ParticipationByCost,
    FigureName::Coefficients,
    FigureName::OptOuts,
    FigureName::Simulation,
    FigureName::StateSlopes,
];

/// The figures of a run, in the order of [`ORDER`]: each drawn from the
/// data of the analysis that carries it.
pub fn figures(r: &RunResults) -> Vec<Figure> {
    let mut out = Vec::new();
    for name in ORDER {
        for a in &r.analyses {
            for data in a.figures.iter().filter(|d| d.name() == name) {
                let (width_in, aspect) = size(name);
                out.push(Figure {
                    caption: caption(data, a),
                    width_in,
                    aspect,
                    data: data.clone(),
                });
            }
        }
    }
    out
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
        FigureName::StateSlopes => (3.5, 1.0),
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
        FigureData::StateSlopes(p) => format!("Each state's own slope of {} in the probability of joining, with {} % intervals (profile penalized likelihood for Firth fits, Wald for ML), steepest first; China in vermillion.", p.term, whole_percent(p.level)),
        FigureData::Simulation(_) => "Simulated soft-law participation rates of a weakly and a strongly socialized state: a soft-law-only study cannot tell them apart (dashed line: the rate above which it calls a state strongly socialized).".into(),
    }
}

// ---------------------------------------------------------------------------
// Adapter: the typed figure data built from today's positional
// `AnalysisResult.series`/`labels`. It goes once the analyses put their
// `FigureData` on `AnalysisResult` themselves.

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
        FigureData::StateSlopes(p) => plots::state_slopes(root, p, s)?,
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
