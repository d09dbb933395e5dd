//! Publication figures, drawn with plotters from the run's results as SVG
//! at their physical size (journal widths by default: single column 3.5 in,
//! full width 7 in; `[outputs.figure_size]` in a spec sets another), then
//! rendered from that SVG as PNG (300 dpi, stated in the file) and PDF (the
//! page the figure's size, the font embedded): one drawing, three files
//! that agree. Okabe-Ito colour-blind-safe palette; the bundled DejaVu Sans
//! font (no system font is needed); no text under 7 pt at print size.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::FontStyle;

use crate::error::{Error, Result};
use crate::report::format::{pct, svg_number, whole_percent};
use crate::report::plots::{self, map_err, FAMILY, PNG_DPI, SVG_DPI};
use crate::results::{AnalysisResult, FigureData, FigureName, FigureSize, RunResults};

pub static FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// The bundled font's family name.
pub const FAMILY_NAME: &str = "DejaVu Sans";

/// Registers the bundled font with plotters (once), under the family the
/// SVG names ([`FAMILY`]: DejaVu Sans, then a generic fallback).
pub fn register_font() -> Result<()> {
    static ONCE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    let ok = *ONCE.get_or_init(|| {
        plotters::style::register_font(FAMILY, FontStyle::Normal, FONT).is_ok()
            && plotters::style::register_font(FAMILY, FontStyle::Bold, FONT).is_ok()
    });
    if ok {
        Ok(())
    } else {
        Err(Error::internal("the bundled font could not be registered"))
    }
}

/// One figure: its caption, its size at print and what to draw (which
/// names it).
pub struct Figure {
    pub caption: String,
    pub size: FigureSize,
    pub data: FigureData,
}

impl Figure {
    /// The file stem.
    pub fn name(&self) -> &'static str {
        self.data.name().as_str()
    }
}

/// The order of the figures in the report.
const ORDER: [FigureName; 8] = [
    FigureName::ProbabilityCurve,
    FigureName::Timeline,
    FigureName::ParticipationByCost,
    FigureName::Coefficients,
    FigureName::OptOuts,
    FigureName::Simulation,
    FigureName::StateSlopes,
    FigureName::DepthProbabilities,
];

/// The figures of a run, in the order of [`ORDER`]: each drawn from the
/// data of the analysis that carries it, at the size its spec sets (else
/// the figure's default).
pub fn figures(r: &RunResults) -> Vec<Figure> {
    let mut out = Vec::new();
    for name in ORDER {
        for a in &r.analyses {
            for data in a.figures.iter().filter(|d| d.name() == name) {
                out.push(Figure {
                    caption: caption(data, a),
                    size: a
                        .figure_sizes
                        .get(&name)
                        .copied()
                        .unwrap_or_else(|| name.default_size()),
                    data: data.clone(),
                });
            }
        }
    }
    out
}

/// A figure's caption, in words, of what is drawn; `a` is the analysis it
/// comes from.
pub fn caption(data: &FigureData, a: &AnalysisResult) -> String {
    match data {
        FigureData::ProbabilityCurve(p) => format!(
            "Predicted probability that China joins an instrument, against the instrument's sovereignty cost (0–1 index; {}): the line is the {} fit and the shaded band its pointwise {} % confidence band. Each dot is one instrument, drawn at 1 if China joined it by the cutoff and at 0 if not; dots at nearly the same cost are stacked towards the middle so that none hides another.",
            a.title,
            p.method,
            whole_percent(p.level)
        ),
        FigureData::Timeline { .. } => "China's acts on each instrument over time, placed at the year of the act and the instrument's sovereignty cost (0–1 index). Circles are signatures, consents to be bound and votes, coloured by the instrument's cost (up to 0.3, 0.3 to 0.6, above 0.6); black triangles are reservations and declarations.".into(),
        FigureData::ParticipationByCost { .. } => "Share of instruments China joined (dot) with its exact Clopper-Pearson interval (line), for the soft-law benchmark, the full universe, all treaties and the hard-law end.".into(),
        FigureData::Coefficients(c) => format!(
            "Coefficient of {} (log-odds per unit of the 0–1 index) in each model: the dot is the estimate and the line its {} % interval (profile penalized likelihood for Firth fits, Wald for maximum likelihood); the vertical line marks zero. An interval reaching beyond the axis ends in an arrow, and the estimate and interval of that model are written above it.",
            plots::variable_words(&c.term),
            whole_percent(c.level)
        ),
        FigureData::OptOuts { .. } => "Number of delegation provisions China could accept or avoid in the instruments it is bound by, by mechanism: the whole bar counts the provisions, its dark part those China avoided and its light part those it accepted.".into(),
        FigureData::Simulation(p) => {
            let above = |v: &[f64]| {
                let n = v.iter().filter(|&&x| x >= p.threshold).count();
                pct(n as f64 / v.len().max(1) as f64)
            };
            format!(
                "Distribution, over simulated universes of instruments, of the share of soft-law instruments joined by a weakly and by a strongly socialized state (bars side by side in each bin); the dashed line is the share from which a soft-law-only study calls a state strongly socialized. {} of the weakly and {} of the strongly socialized state's universes lie at or above it.",
                above(&p.weak),
                above(&p.strong)
            )
        }
        FigureData::DepthProbabilities(d) => format!(
            "Predicted probability of each depth of China's commitment to a binding instrument, against the instrument's {}, from the ordered-logit fit of {}: at each cost the coloured areas, stacked from the bottom in the order {}, are the probabilities of the levels and sum to one. The cost axis spans the instruments of the sample.",
            d.x_label,
            a.title,
            d.levels.join(", ")
        ),
        FigureData::StateSlopes(p) => format!("Each state's own slope of {} in the probability of joining, with {} % intervals (profile penalized likelihood for Firth fits, Wald for ML), steepest first; China in vermillion.", p.term, whole_percent(p.level)),
    }
}

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
        FigureData::DepthProbabilities(p) => plots::depth_probabilities(root, p, s)?,
    }
    root.present().map_err(map_err)?;
    Ok(())
}

/// The canvas in whole pixels at `dpi` (at least the figure's size).
fn pixels(size: FigureSize, dpi: f64) -> (u32, u32) {
    let px = |inches: f64| (inches * dpi - 1e-6).ceil() as u32;
    (px(size.width_in), px(size.height_in))
}

/// The figure as SVG text, at its physical size: the root element states
/// the width and height in inches, with a viewBox of 96 units an inch (so a
/// font size of 9.33 is 7 pt at print), and the text names the bundled
/// font first.
pub fn svg(fig: &Figure) -> Result<String> {
    register_font()?;
    let mut out = String::new();
    let (w, h) = pixels(fig.size, SVG_DPI);
    {
        let root = SVGBackend::with_string(&mut out, (w, h)).into_drawing_area();
        draw(&root, fig, 1.0)?;
    }
    let drawn = format!("<svg width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\"");
    let physical = format!(
        "<svg width=\"{}in\" height=\"{}in\" viewBox=\"0 0 {} {}\"",
        svg_number(fig.size.width_in),
        svg_number(fig.size.height_in),
        svg_number(fig.size.width_in * SVG_DPI),
        svg_number(fig.size.height_in * SVG_DPI)
    );
    if !out.starts_with(&drawn) {
        return Err(Error::internal("unexpected SVG header from plotters"));
    }
    Ok(out.replacen(&drawn, &physical, 1))
}

/// The SVG read with the bundled font (and nothing else) available.
fn svg_tree(svg_text: &str) -> Result<svg2pdf::usvg::Tree> {
    use svg2pdf::usvg;
    let mut options = usvg::Options::default();
    let db = options.fontdb_mut();
    db.load_font_data(FONT.to_vec());
    db.set_sans_serif_family(FAMILY_NAME);
    options.font_family = FAMILY_NAME.into();
    usvg::Tree::from_str(svg_text, &options)
        .map_err(|e| Error::internal(format!("cannot read the SVG: {e}")))
}

/// The SVG rendered as PNG at [`PNG_DPI`], with the resolution stated in
/// the file (pHYs), so the PNG prints at the figure's size.
pub fn png(svg_text: &str) -> Result<Vec<u8>> {
    let tree = svg_tree(svg_text)?;
    let zoom = PNG_DPI / SVG_DPI;
    let size = tree.size();
    let (w, h) = (
        (f64::from(size.width()) * zoom).round() as u32,
        (f64::from(size.height()) * zoom).round() as u32,
    );
    let mut pixmap = resvg::tiny_skia::Pixmap::new(w, h)
        .ok_or_else(|| Error::internal("cannot allocate the PNG"))?;
    pixmap.fill(resvg::tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::from_scale(zoom as f32, zoom as f32),
        &mut pixmap.as_mut(),
    );
    // Opaque (white under everything): the colour channels are the pixel.
    let rgb: Vec<u8> = pixmap
        .data()
        .chunks_exact(4)
        .flat_map(|p| [p[0], p[1], p[2]])
        .collect();
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        enc.set_compression(png::Compression::Best);
        let per_metre = (PNG_DPI / 0.0254).round() as u32;
        enc.set_pixel_dims(Some(png::PixelDimensions {
            xppu: per_metre,
            yppu: per_metre,
            unit: png::Unit::Meter,
        }));
        let err = |e: png::EncodingError| Error::internal(format!("cannot write the PNG: {e}"));
        let mut writer = enc.write_header().map_err(err)?;
        writer.write_image_data(&rgb).map_err(err)?;
        writer.finish().map_err(err)?;
    }
    Ok(out)
}

/// The SVG converted to PDF, with the bundled font loaded (without it
/// svg2pdf drops the text silently); the page is the figure's size.
pub fn pdf(svg_text: &str) -> Result<Vec<u8>> {
    let tree = svg_tree(svg_text)?;
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
