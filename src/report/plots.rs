//! The drawing of each figure, one function a plot, from the typed figure
//! data. Sizes are given in SVG pixels (96 dpi) and scaled by `s` for other
//! backends; fonts are given in points.

use plotters::chart::MeshStyle;
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::element::{Drawable, PointCollection};
use plotters::prelude::*;

use crate::error::{Error, Result};
use crate::report::format::whole;
use crate::results::{
    CoefficientPlot, CoefficientRow, OptOutRow, ProbabilityCurve, RateRow, SimulationPlot,
    StateSlopePlot, TimelinePoint,
};

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

pub fn map_err<E: std::fmt::Debug>(e: E) -> Error {
    Error::internal(format!("drawing failed: {e:?}"))
}

/// Every chart here has two `f64` axes.
type Chart<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Sizes for one backend: `s` scales SVG pixels (1 for SVG at 96 dpi).
struct Scale {
    s: f64,
}

impl Scale {
    fn px(&self, v: f64) -> i32 {
        (v * self.s).round() as i32
    }
    fn font(&self, pt: f64) -> FontDesc<'static> {
        ("sans-serif", pt * self.s * SVG_DPI / 72.0).into_font()
    }
    /// A chart with the common margin and the given label areas (pixels).
    fn chart<'a, DB: DrawingBackend>(
        &self,
        root: &'a DrawingArea<DB, Shift>,
        x_area: f64,
        y_area: f64,
        x: std::ops::Range<f64>,
        y: std::ops::Range<f64>,
    ) -> Result<Chart<'a, DB>> {
        ChartBuilder::on(root)
            .margin(self.px(6.0))
            .x_label_area_size(self.px(x_area))
            .y_label_area_size(self.px(y_area))
            .build_cartesian_2d(x, y)
            .map_err(map_err)
    }
    /// The axes without grid lines, ticks at 7 pt and titles at 8 pt.
    fn axes<'a, 'b, DB: DrawingBackend>(
        &self,
        chart: &'b mut Chart<'a, DB>,
    ) -> MeshStyle<'a, 'b, RangedCoordf64, RangedCoordf64, DB> {
        let mut mesh = chart.configure_mesh();
        mesh.disable_mesh()
            .x_label_style(self.font(7.0))
            .y_label_style(self.font(7.0))
            .axis_desc_style(self.font(8.0));
        mesh
    }
    /// A chart with one row per name, top to bottom (row k at y = n - 1 - k),
    /// its axes drawn; `whole_x` labels the x axis in whole numbers.
    fn category_chart<'a, DB: DrawingBackend>(
        &self,
        root: &'a DrawingArea<DB, Shift>,
        y_area: f64,
        x: std::ops::Range<f64>,
        names: &[String],
        (x_desc, whole_x): (&str, bool),
    ) -> Result<Chart<'a, DB>> {
        let n = names.len();
        let mut chart = self.chart(root, 28.0, y_area, x, -0.5f64..(n as f64 - 0.5))?;
        let label_y = |y: &f64| category_label(names, *y);
        let mut mesh = self.axes(&mut chart);
        mesh.x_desc(x_desc).y_labels(n);
        if whole_x {
            mesh.x_label_formatter(&whole);
        }
        mesh.y_label_formatter(&label_y).draw().map_err(map_err)?;
        drop(mesh);
        Ok(chart)
    }
}

/// Draws one element on a chart.
fn one<DB, E>(chart: &mut Chart<'_, DB>, element: E) -> Result<()>
where
    DB: DrawingBackend,
    for<'b> &'b E: PointCollection<'b, (f64, f64)>,
    E: Drawable<DB>,
{
    chart
        .draw_series(std::iter::once(element))
        .map_err(map_err)?;
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

/// Key instruments labelled on the probability curve: name, short label.
const KEY_INSTRUMENTS: [(&str, &str); 4] = [
    ("Rome Statute of the ICC", "Rome Statute"),
    ("CAT", "CAT"),
    ("ICCPR", "ICCPR"),
    ("WTO Agreement", "WTO"),
];

/// The predicted probability of joining, its band and the instruments.
pub fn probability_curve<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    p: &ProbabilityCurve,
    s: f64,
) -> Result<()> {
    let st = Scale { s };
    let curve = &p.curve;
    let mut chart = st.chart(root, 30.0, 36.0, -0.02f64..1.02f64, -0.05f64..1.05f64)?;
    st.axes(&mut chart)
        .x_desc(p.x_label.as_str())
        .y_desc("P(China joins)")
        .x_labels(6)
        .y_labels(6)
        .draw()
        .map_err(map_err)?;
    let band: Vec<(f64, f64)> = curve
        .iter()
        .map(|v| (v.x, v.low))
        .chain(curve.iter().rev().map(|v| (v.x, v.high)))
        .collect();
    one(&mut chart, Polygon::new(band, SKY.mix(0.35).filled()))?;
    chart
        .draw_series(LineSeries::new(
            curve.iter().map(|v| (v.x, v.probability)),
            BLUE.stroke_width(st.px(1.5) as u32),
        ))
        .map_err(map_err)?;
    chart
        .draw_series(p.instruments.iter().map(|v| {
            let y = if v.outcome > 0.5 { 1.0 } else { 0.0 };
            Circle::new((v.x, y), st.px(2.0), VERMILLION.mix(0.6).filled())
        }))
        .map_err(map_err)?;
    // Key instruments, labelled above (joined) or below (not joined),
    // with a leader line to their point.
    let mut used: Vec<(f64, f64)> = Vec::new();
    for v in &p.instruments {
        let Some((_, short)) = KEY_INSTRUMENTS.iter().find(|(k, _)| *k == v.instrument) else {
            continue;
        };
        let joined = v.outcome > 0.5;
        let mut y = if joined { 0.88 } else { 0.12 };
        while used
            .iter()
            .any(|(x0, y0)| (x0 - v.x).abs() < 0.15 && (y0 - y).abs() < 0.05)
        {
            y += if joined { -0.06 } else { 0.06 };
        }
        used.push((v.x, y));
        // Text width in data units, roughly: 0.017 per character.
        let width = short.chars().count() as f64 * 0.017;
        let x = if v.x + width > 1.0 {
            v.x - width
        } else {
            v.x - 0.01
        };
        let y_point = if joined { 1.0 } else { 0.0 };
        one(
            &mut chart,
            PathElement::new(
                vec![
                    (v.x, y_point),
                    (v.x, if joined { y + 0.005 } else { y - 0.035 }),
                ],
                GREY.stroke_width(1),
            ),
        )?;
        one(
            &mut chart,
            Text::new(short.to_string(), (x, y), st.font(6.5).color(&BLACK)),
        )?;
    }
    Ok(())
}

/// The colour of an act on the timeline, by the instrument's cost.
fn cost_colour(cost: f64) -> RGBColor {
    if cost > 0.6 {
        VERMILLION
    } else if cost > 0.3 {
        ORANGE
    } else {
        BLUE
    }
}

/// China's acts in time, by the instrument's sovereignty cost.
pub fn timeline<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    points: &[TimelinePoint],
    s: f64,
) -> Result<()> {
    let st = Scale { s };
    let lo = points
        .iter()
        .map(|v| v.year)
        .fold(f64::INFINITY, f64::min)
        .floor()
        - 1.0;
    let hi = points
        .iter()
        .map(|v| v.year)
        .fold(f64::NEG_INFINITY, f64::max)
        .ceil()
        + 1.0;
    let mut chart = st.chart(root, 28.0, 36.0, lo..hi, -0.02f64..1.02f64)?;
    st.axes(&mut chart)
        .x_desc("Year")
        .y_desc("Sovereignty cost")
        .x_label_formatter(&whole)
        .draw()
        .map_err(map_err)?;
    let triangle = |at: (f64, f64)| {
        TriangleMarker::new(at, st.px(3.0), BLACK.stroke_width(st.px(0.8).max(1) as u32))
    };
    chart
        .draw_series(points.iter().filter(|v| !v.reservation).map(|v| {
            let c = cost_colour(v.sovereignty_cost);
            Circle::new(
                (v.year, v.sovereignty_cost),
                st.px(2.2),
                c.mix(0.75).filled(),
            )
        }))
        .map_err(map_err)?;
    chart
        .draw_series(
            points
                .iter()
                .filter(|v| v.reservation)
                .map(|v| triangle((v.year, v.sovereignty_cost))),
        )
        .map_err(map_err)?;
    // Legend, top left.
    let entries: [(&str, RGBColor); 3] = [
        ("cost up to 0.3", BLUE),
        ("0.3 to 0.6", ORANGE),
        ("above 0.6", VERMILLION),
    ];
    let step = (hi - lo) * 0.11;
    let legend_text = |text: &str, x: f64| {
        Text::new(
            text.to_string(),
            (x + step * 0.06, 0.975),
            st.font(6.5).color(&BLACK),
        )
    };
    for (k, (text, colour)) in entries.iter().enumerate() {
        let x = lo + 1.0 + k as f64 * step;
        one(
            &mut chart,
            Circle::new((x, 0.95), st.px(2.2), colour.mix(0.75).filled()),
        )?;
        one(&mut chart, legend_text(text, x))?;
    }
    let x = lo + 1.0 + 3.0 * step;
    one(&mut chart, triangle((x, 0.95)))?;
    one(&mut chart, legend_text("reservation or declaration", x))?;
    Ok(())
}

/// The tested coefficient across models, with its intervals.
pub fn coefficients<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    c: &CoefficientPlot,
    s: f64,
) -> Result<()> {
    let st = Scale { s };
    let rows = &c.rows;
    let low = |r: &CoefficientRow| r.low.unwrap_or(f64::NEG_INFINITY);
    let high = |r: &CoefficientRow| r.high.unwrap_or(f64::INFINITY);
    let lo = rows
        .iter()
        .map(low)
        .filter(|v| v.is_finite())
        .fold(0.0f64, f64::min);
    let hi = rows
        .iter()
        .map(high)
        .filter(|v| v.is_finite())
        .fold(0.0f64, f64::max);
    let pad = (hi - lo).max(1e-9) * 0.08;
    let n = rows.len();
    let names: Vec<String> = rows.iter().map(|r| r.model.clone()).collect();
    let x_desc = format!("Coefficient of {}", c.term);
    let mut chart = st.category_chart(
        root,
        110.0,
        (lo - pad)..(hi + pad),
        &names,
        (&x_desc, false),
    )?;
    one(
        &mut chart,
        PathElement::new(
            vec![(0.0, -0.5), (0.0, n as f64 - 0.5)],
            GREY.stroke_width(1),
        ),
    )?;
    for (k, r) in rows.iter().enumerate() {
        let y = (n - 1 - k) as f64;
        let (l, h) = (low(r).max(lo - pad), high(r).min(hi + pad));
        one(
            &mut chart,
            PathElement::new(vec![(l, y), (h, y)], BLUE.stroke_width(st.px(1.2) as u32)),
        )?;
        one(
            &mut chart,
            Circle::new((r.estimate, y), st.px(2.5), BLUE.filled()),
        )?;
    }
    Ok(())
}

/// Participation rates with their exact intervals.
pub fn participation_rates<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    rows: &[RateRow],
    s: f64,
) -> Result<()> {
    let st = Scale { s };
    let n = rows.len();
    let names: Vec<String> = rows
        .iter()
        .map(|r| r.group.split(" (").next().unwrap_or(&r.group).to_string())
        .collect();
    let x_axis = ("Share of instruments China joined", false);
    let mut chart = st.category_chart(root, 92.0, 0.0f64..1.0f64, &names, x_axis)?;
    let colours = [GREEN, BLUE, SKY, VERMILLION];
    for (k, r) in rows.iter().enumerate() {
        let y = (n - 1 - k) as f64;
        let c = colours[k % colours.len()];
        one(
            &mut chart,
            PathElement::new(
                vec![(r.low, y), (r.high, y)],
                c.stroke_width(st.px(1.5) as u32),
            ),
        )?;
        one(&mut chart, Circle::new((r.rate, y), st.px(3.0), c.filled()))?;
    }
    Ok(())
}

/// Delegation provisions by mechanism: avoided and accepted.
pub fn opt_outs<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    rows: &[OptOutRow],
    s: f64,
) -> Result<()> {
    let st = Scale { s };
    let n = rows.len();
    let max = rows
        .iter()
        .map(|r| r.provisions as f64)
        .fold(1.0f64, f64::max);
    let names: Vec<String> = rows.iter().map(|r| r.mechanism.clone()).collect();
    let x = 0.0f64..(max + 0.5);
    let mut chart = st.category_chart(root, 92.0, x, &names, ("Provisions", true))?;
    for (k, (text, colour)) in [
        ("avoided", VERMILLION.to_rgba()),
        ("accepted", SKY.mix(0.5)),
    ]
    .into_iter()
    .enumerate()
    {
        let x = max * 0.55;
        let y = n as f64 - 0.9 - k as f64 * 0.55;
        one(
            &mut chart,
            Rectangle::new([(x, y - 0.15), (x + max * 0.05, y + 0.15)], colour.filled()),
        )?;
        one(
            &mut chart,
            Text::new(
                text.to_string(),
                (x + max * 0.08, y + 0.2),
                st.font(7.0).color(&BLACK),
            ),
        )?;
    }
    for (k, r) in rows.iter().enumerate() {
        let y = (n - 1 - k) as f64;
        let bar = |to: usize, style: ShapeStyle| {
            Rectangle::new([(0.0, y - 0.3), (to as f64, y + 0.3)], style)
        };
        one(&mut chart, bar(r.provisions, SKY.mix(0.5).filled()))?;
        one(&mut chart, bar(r.avoided, VERMILLION.filled()))?;
    }
    Ok(())
}

/// Shares of `v` in `bins` equal bins of [0, 1].
fn histogram(v: &[f64], bins: usize) -> Vec<f64> {
    let mut h = vec![0.0; bins];
    for x in v {
        let b = ((x * bins as f64).floor() as usize).min(bins - 1);
        h[b] += 1.0;
    }
    let total = v.len().max(1) as f64;
    h.iter().map(|c| c / total).collect()
}

/// Histograms of the simulated soft-law rates of a weak and a strong state.
pub fn simulation<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    p: &SimulationPlot,
    s: f64,
) -> Result<()> {
    let st = Scale { s };
    let bins = 20usize;
    let (hw, hs) = (histogram(&p.weak, bins), histogram(&p.strong, bins));
    let top = hw.iter().chain(&hs).cloned().fold(0.0f64, f64::max) * 1.1;
    let mut chart = st.chart(root, 28.0, 36.0, 0.0f64..1.0f64, 0.0f64..top.max(0.01))?;
    st.axes(&mut chart)
        .x_desc("Soft-law participation rate in a simulated universe")
        .y_desc("Share of universes")
        .draw()
        .map_err(map_err)?;
    let w = 1.0 / bins as f64;
    for (k, (a, b)) in hw.iter().zip(&hs).enumerate() {
        let x0 = k as f64 * w;
        one(
            &mut chart,
            Rectangle::new([(x0, 0.0), (x0 + w * 0.5, *a)], ORANGE.filled()),
        )?;
        one(
            &mut chart,
            Rectangle::new([(x0 + w * 0.5, 0.0), (x0 + w, *b)], BLUE.filled()),
        )?;
    }
    let threshold = p.threshold;
    chart
        .draw_series(DashedLineSeries::new(
            vec![(threshold, 0.0), (threshold, top)],
            st.px(3.0) as u32,
            st.px(2.0) as u32,
            BLACK.stroke_width(1),
        ))
        .map_err(map_err)?;
    for (text, y, colour) in [("weak state", 0.92, ORANGE), ("strong state", 0.82, BLUE)] {
        one(
            &mut chart,
            Text::new(text, (0.05, top * y), st.font(7.0).color(&colour)),
        )?;
    }
    Ok(())
}

/// A tick label with a true minus sign (U+2212), two decimals at most.
fn signed_tick(x: &f64) -> String {
    let t = format!("{x:.2}");
    let t = t.trim_end_matches('0').trim_end_matches('.');
    let t = if t == "-0" { "0" } else { t };
    t.replace('-', "\u{2212}")
}

/// A forest plot of each state's cost slope with its interval, steepest at
/// the top, China in vermillion and bold, the others in blue; a vertical
/// line at zero. An infinite bound runs to the edge of the plot.
pub fn state_slopes<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    p: &StateSlopePlot,
    s: f64,
) -> Result<()> {
    let st = Scale { s };
    let rows = &p.rows;
    let n = rows.len();
    let finite = |v: Option<f64>| v.filter(|x| x.is_finite());
    let lo = rows
        .iter()
        .filter_map(|r| finite(r.low).or(Some(r.estimate)))
        .fold(0.0f64, f64::min);
    let hi = rows
        .iter()
        .filter_map(|r| finite(r.high).or(Some(r.estimate)))
        .fold(0.0f64, f64::max);
    let pad = (hi - lo).max(1e-9) * 0.06;
    let (x0, x1) = (lo - pad, hi + pad);
    let names: Vec<String> = rows.iter().map(|r| r.state.clone()).collect();
    let mut chart = st.chart(root, 28.0, 34.0, x0..x1, -0.5f64..(n as f64 - 0.5))?;
    let label_y = |y: &f64| category_label(&names, *y);
    let x_desc = format!("Slope of {} (log-odds)", p.term);
    let mut mesh = st.axes(&mut chart);
    mesh.x_desc(x_desc.as_str())
        .y_labels(n)
        .x_label_formatter(&signed_tick)
        .y_label_formatter(&label_y)
        .draw()
        .map_err(map_err)?;
    drop(mesh);
    one(
        &mut chart,
        PathElement::new(
            vec![(0.0, -0.5), (0.0, n as f64 - 0.5)],
            GREY.stroke_width(1),
        ),
    )?;
    for (k, r) in rows.iter().enumerate() {
        let y = (n - 1 - k) as f64;
        let colour = if r.china { VERMILLION } else { BLUE };
        let width = if r.china { 2.0 } else { 1.2 };
        let l = finite(r.low).unwrap_or(x0).max(x0);
        let h = finite(r.high).unwrap_or(x1).min(x1);
        one(
            &mut chart,
            PathElement::new(
                vec![(l, y), (h, y)],
                colour.stroke_width(st.px(width) as u32),
            ),
        )?;
        let radius = if r.china { 3.2 } else { 2.4 };
        one(
            &mut chart,
            Circle::new((r.estimate, y), st.px(radius), colour.filled()),
        )?;
    }
    Ok(())
}
