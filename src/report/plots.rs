//! The drawing of each figure, one function a plot, from the typed figure
//! data. Sizes are given in SVG pixels (96 an inch) and scaled by `s` for
//! other backends; text sizes are given in points at print size (7 pt for
//! tick labels, legends and notes, 8 pt for axis titles).

use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::element::{Drawable, PointCollection};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::error::{Error, Result};
use crate::report::format::{figure_estimate, tick};
use crate::results::{
    CoefficientPlot, DepthPlot, OptOutRow, ProbabilityCurve, RateRow, SimulationPlot,
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

/// SVG pixels per inch (the CSS convention); PNG is rendered at 300 dpi.
pub const SVG_DPI: f64 = 96.0;
pub const PNG_DPI: f64 = 300.0;

/// The font family the SVG names: the bundled font, then a generic
/// fallback (the bundled font is registered with plotters under this name).
pub const FAMILY: &str = "DejaVu Sans, sans-serif";

/// Text sizes at print, in points: the smallest text (tick labels, legends,
/// notes) and axis titles.
pub const SMALL_PT: f64 = 7.0;
pub const TITLE_PT: f64 = 8.0;

/// plotters writes a font of size `v` into the SVG as `font-size = v /
/// 1.24`; a font is asked for at 1.24 times the size it must have.
const PLOTTERS_FONT_FACTOR: f64 = 1.24;

pub fn map_err<E: std::fmt::Debug>(e: E) -> Error {
    Error::internal(format!("drawing failed: {e:?}"))
}

/// Every chart here has two `f64` axes.
type Chart<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// A numeric axis: its title (in words, with the unit), how many labels at
/// most, and its range.
struct Axis<'t> {
    title: &'t str,
    labels: usize,
    range: std::ops::Range<f64>,
}

impl Axis<'_> {
    /// The tick spacing the labels' decimals are chosen for (plotters'
    /// spacing is at least this).
    fn step(&self) -> f64 {
        (self.range.end - self.range.start).abs() / self.labels.max(1) as f64
    }
}

/// What a legend entry shows beside its text.
#[derive(Clone, Copy)]
enum Key {
    Dot(RGBColor),
    Triangle,
    Bar(RGBAColor),
    Line(RGBColor),
    Dashed,
    Band(RGBAColor),
}

/// Sizes for one backend: `s` scales SVG pixels (1 for SVG at 96 dpi).
struct Scale {
    s: f64,
}

impl Scale {
    fn px(&self, v: f64) -> i32 {
        (v * self.s).round() as i32
    }
    /// Points at print in this backend's pixels.
    fn pt(&self, pt: f64) -> f64 {
        pt * SVG_DPI / 72.0 * self.s
    }
    /// The bundled font at `pt` points at print (rounded up to 1e-4 pixel,
    /// so that the files' rounded numbers never fall below `pt`).
    fn font(&self, pt: f64) -> FontDesc<'static> {
        let px = (self.pt(pt) * 1e4).ceil() / 1e4;
        (FAMILY, px * PLOTTERS_FONT_FACTOR).into_font()
    }
    /// The width in pixels of `text` at `pt` points.
    fn text_width<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        text: &str,
        pt: f64,
    ) -> f64 {
        root.estimate_text_size(text, &TextStyle::from(self.font(pt)))
            .map(|(w, _)| w as f64)
            .unwrap_or(text.chars().count() as f64 * self.pt(pt) * 0.6)
    }
    /// The height of an x label area: tick marks, labels and the title.
    fn x_area(&self) -> f64 {
        (self.pt(SMALL_PT) + self.pt(TITLE_PT)) / self.s + 16.0
    }
    /// The width of a y label area whose widest label is `widest` pixels.
    fn y_area(&self, widest: f64, titled: bool) -> f64 {
        let title = if titled { self.pt(TITLE_PT) + 8.0 } else { 0.0 };
        (widest + title) / self.s + 12.0
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
            .margin_right(self.px(10.0))
            .x_label_area_size(self.px(x_area))
            .y_label_area_size(self.px(y_area))
            .build_cartesian_2d(x, y)
            .map_err(map_err)
    }
    /// A chart with two numeric axes drawn: labels with true minus signs,
    /// no grid lines.
    fn numeric_chart<'a, DB: DrawingBackend>(
        &self,
        root: &'a DrawingArea<DB, Shift>,
        x: Axis,
        y: Axis,
    ) -> Result<Chart<'a, DB>> {
        let (sx, sy) = (x.step(), y.step());
        let fx = move |v: &f64| tick(*v, sx);
        let fy = move |v: &f64| tick(*v, sy);
        let widest = [y.range.start, y.range.end]
            .iter()
            .map(|v| self.text_width(root, &fy(v), SMALL_PT))
            .fold(0.0, f64::max);
        let y_area = self.y_area(widest, true);
        let mut chart = self.chart(root, self.x_area(), y_area, x.range, y.range)?;
        chart
            .configure_mesh()
            .disable_mesh()
            .x_labels(x.labels)
            .y_labels(y.labels)
            .x_label_formatter(&fx)
            .y_label_formatter(&fy)
            .x_label_style(self.font(SMALL_PT))
            .y_label_style(self.font(SMALL_PT))
            .axis_desc_style(self.font(TITLE_PT))
            .x_desc(x.title)
            .y_desc(y.title)
            .draw()
            .map_err(map_err)?;
        Ok(chart)
    }
    /// A chart with one row per name, top to bottom (row k at y = n - 1 - k),
    /// its axes drawn; the label area fits the longest name.
    fn category_chart<'a, DB: DrawingBackend>(
        &self,
        root: &'a DrawingArea<DB, Shift>,
        x: Axis,
        names: &[String],
    ) -> Result<Chart<'a, DB>> {
        let n = names.len();
        let widest = names
            .iter()
            .map(|t| self.text_width(root, t, SMALL_PT))
            .fold(0.0, f64::max);
        let y_area = self.y_area(widest, false);
        let step = x.step();
        let fx = move |v: &f64| tick(*v, step);
        let label_y = |y: &f64| category_label(names, *y);
        let y_range = -0.5f64..(n as f64 - 0.5);
        let mut chart = self.chart(root, self.x_area(), y_area, x.range, y_range)?;
        chart
            .configure_mesh()
            .disable_mesh()
            .x_labels(x.labels)
            .y_labels(n)
            .x_label_formatter(&fx)
            .y_label_formatter(&label_y)
            .x_label_style(self.font(SMALL_PT))
            .y_label_style(self.font(SMALL_PT))
            .axis_desc_style(self.font(TITLE_PT))
            .x_desc(x.title)
            .draw()
            .map_err(map_err)?;
        Ok(chart)
    }
    /// A legend in a white box with a thin border, its top-left corner at
    /// pixel `at` of the root: black text at 7 pt beside each key.
    fn legend<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        at: (i32, i32),
        entries: &[(Key, &str)],
    ) -> Result<()> {
        let row = self.pt(SMALL_PT) * 1.45;
        let (pad, key_w) = (self.pt(SMALL_PT) * 0.45, self.pt(SMALL_PT) * 1.6);
        let text_w = entries
            .iter()
            .map(|(_, t)| self.text_width(root, t, SMALL_PT))
            .fold(0.0, f64::max);
        let (w, h) = (
            pad * 3.0 + key_w + text_w,
            pad * 2.0 + row * entries.len() as f64,
        );
        let corner = |dx: f64, dy: f64| (at.0 + dx.round() as i32, at.1 + dy.round() as i32);
        let frame = [corner(0.0, 0.0), corner(w, h)];
        root.draw(&Rectangle::new(frame, WHITE.filled()))
            .map_err(map_err)?;
        root.draw(&Rectangle::new(frame, GREY.stroke_width(1)))
            .map_err(map_err)?;
        for (k, (key, text)) in entries.iter().enumerate() {
            let cy = pad + row * (k as f64 + 0.5);
            self.legend_key(root, *key, corner(pad, cy), key_w)?;
            let style = self
                .font(SMALL_PT)
                .color(&BLACK)
                .pos(Pos::new(HPos::Left, VPos::Center));
            root.draw(&Text::new(
                text.to_string(),
                corner(pad * 2.0 + key_w, cy),
                style,
            ))
            .map_err(map_err)?;
        }
        Ok(())
    }
    /// One legend key, `w` pixels wide, its left end at `(x, y)` (centre line).
    fn legend_key<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        key: Key,
        (x, y): (i32, i32),
        w: f64,
    ) -> Result<()> {
        let (w, half) = (w.round() as i32, (self.pt(SMALL_PT) * 0.38).round() as i32);
        let mid = (x + w / 2, y);
        let drawn = match key {
            Key::Dot(c) => root.draw(&Circle::new(mid, self.px(2.2), c.filled())),
            Key::Triangle => root.draw(&self.triangle(mid)),
            Key::Bar(c) => root.draw(&Rectangle::new(
                [(x + 2, y - half), (x + w - 2, y + half)],
                c.filled(),
            )),
            Key::Band(c) => root.draw(&Rectangle::new(
                [(x, y - half), (x + w, y + half)],
                c.filled(),
            )),
            Key::Line(c) => root.draw(&PathElement::new(
                vec![(x, y), (x + w, y)],
                c.stroke_width(self.px(1.5) as u32),
            )),
            Key::Dashed => {
                for k in 0..3 {
                    let x0 = x + k * w / 3;
                    root.draw(&PathElement::new(
                        vec![(x0, y), (x0 + w / 5, y)],
                        BLACK.stroke_width(1),
                    ))
                    .map_err(map_err)?;
                }
                Ok(())
            }
        };
        drawn.map_err(map_err)
    }
    /// The marker of a reservation or declaration.
    fn triangle<C>(&self, at: C) -> TriangleMarker<C, i32> {
        TriangleMarker::new(at, self.px(3.2), BLACK.filled())
    }
}

/// The top-left pixel of a chart's plotting area, moved by `(dx, dy)`.
fn inside<DB: DrawingBackend>(chart: &Chart<'_, DB>, dx: i32, dy: i32) -> (i32, i32) {
    let (x, y) = chart.plotting_area().get_pixel_range();
    (x.start + dx, y.start + dy)
}

/// Data units per pixel along x and y in a chart's plotting area.
fn units_per_px<DB: DrawingBackend>(
    chart: &Chart<'_, DB>,
    x: &std::ops::Range<f64>,
    y: &std::ops::Range<f64>,
) -> (f64, f64) {
    let (px, py) = chart.plotting_area().get_pixel_range();
    (
        (x.end - x.start) / (px.end - px.start).max(1) as f64,
        (y.end - y.start) / (py.end - py.start).max(1) as f64,
    )
}

/// A model's or variable's name in words: `sovereignty_cost` is
/// "sovereignty cost", an interaction `a:b` is "a × b".
pub fn variable_words(term: &str) -> String {
    term.replace(':', " × ").replace('_', " ")
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

/// Where each instrument's dot is drawn: at its cost, at 1 (joined) or 0,
/// stacked towards the middle (by `dy`) where dots closer than `dx` in cost
/// would overlap. Deterministic: the key instruments are placed first (on
/// the 0 or 1 line, where their names are written), then the others in
/// cost order.
fn stacked_points(p: &ProbabilityCurve, dx: f64, dy: f64) -> Vec<(f64, f64)> {
    let is_key = |i: usize| key_label(&p.instruments[i].instrument).is_some();
    let mut order: Vec<usize> = (0..p.instruments.len()).collect();
    order.sort_by(|&a, &b| {
        (!is_key(a), p.instruments[a].x)
            .partial_cmp(&(!is_key(b), p.instruments[b].x))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    let mut placed: Vec<(f64, bool, usize)> = Vec::new();
    let mut at = vec![(0.0, 0.0); p.instruments.len()];
    for i in order {
        let v = &p.instruments[i];
        let joined = v.outcome > 0.5;
        let level = (0..)
            .find(|l| {
                !placed
                    .iter()
                    .any(|(x, j, pl)| *j == joined && pl == l && (x - v.x).abs() < dx)
            })
            .unwrap_or(0);
        placed.push((v.x, joined, level));
        let step = level as f64 * dy;
        at[i] = (v.x, if joined { 1.0 - step } else { step });
    }
    at
}

/// The short label of a key instrument.
fn key_label(instrument: &str) -> Option<&'static str> {
    KEY_INSTRUMENTS
        .iter()
        .find(|(k, _)| *k == instrument)
        .map(|(_, short)| *short)
}

/// The predicted probability of joining, its band and the instruments.
pub fn probability_curve<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    p: &ProbabilityCurve,
    s: f64,
) -> Result<()> {
    let st = Scale { s };
    let (xr, yr) = (-0.02f64..1.02f64, -0.12f64..1.12f64);
    let x = Axis {
        title: &p.x_label,
        labels: 6,
        range: xr.clone(),
    };
    let y = Axis {
        title: "probability of joining",
        labels: 6,
        range: yr.clone(),
    };
    let mut chart = st.numeric_chart(root, x, y)?;
    let curve = &p.curve;
    let band: Vec<(f64, f64)> = curve
        .iter()
        .map(|v| (v.x, v.low))
        .chain(curve.iter().rev().map(|v| (v.x, v.high)))
        .collect();
    let band_colour = SKY.mix(0.35);
    one(&mut chart, Polygon::new(band, band_colour.filled()))?;
    chart
        .draw_series(LineSeries::new(
            curve.iter().map(|v| (v.x, v.probability)),
            BLUE.stroke_width(st.px(1.5) as u32),
        ))
        .map_err(map_err)?;
    let (ux, uy) = units_per_px(&chart, &xr, &yr);
    let r = 1.9;
    let at = stacked_points(
        p,
        ux * st.px(2.0 * r + 0.4) as f64,
        uy * (2.0 * r + 0.6) * s,
    );
    chart
        .draw_series(
            at.iter()
                .map(|&xy| Circle::new(xy, st.px(r), VERMILLION.filled())),
        )
        .map_err(map_err)?;
    key_instrument_labels(&st, &mut chart, p, uy * st.px(r + 1.5) as f64)?;
    let level = crate::report::format::whole_percent(p.level);
    let band_text = format!("{level} % confidence band");
    let entries = [
        (Key::Line(BLUE), "predicted probability"),
        (Key::Band(band_colour), band_text.as_str()),
        (Key::Dot(VERMILLION), "instrument (1: joined, 0: not)"),
    ];
    let (_, py) = chart.plotting_area().get_pixel_range();
    let top = ((py.end - py.start) as f64 * 0.5) as i32;
    st.legend(root, inside(&chart, st.px(4.0), top), &entries)
}

/// The key instruments' names, outside the 0 and 1 lines: above a joined
/// instrument's dot, below one not joined (their dots are on the line; `gap`
/// is the distance from the dot's centre in probability units).
fn key_instrument_labels<DB: DrawingBackend>(
    st: &Scale,
    chart: &mut Chart<'_, DB>,
    p: &ProbabilityCurve,
    gap: f64,
) -> Result<()> {
    for v in &p.instruments {
        let Some(short) = key_label(&v.instrument) else {
            continue;
        };
        let (y, v_pos) = if v.outcome > 0.5 {
            (1.0 + gap, VPos::Bottom)
        } else {
            (-gap, VPos::Top)
        };
        let h_pos = if v.x > 0.9 {
            HPos::Right
        } else if v.x < 0.1 {
            HPos::Left
        } else {
            HPos::Center
        };
        let style = st.font(SMALL_PT).color(&BLACK).pos(Pos::new(h_pos, v_pos));
        one(chart, Text::new(short.to_string(), (v.x, y), style))?;
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

/// China's acts in time, by the instrument's sovereignty cost: circles
/// coloured by cost, black triangles for reservations and declarations.
pub fn timeline<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    points: &[TimelinePoint],
    s: f64,
) -> Result<()> {
    let st = Scale { s };
    let years = points.iter().map(|v| v.year);
    let lo = years.clone().fold(f64::INFINITY, f64::min).floor() - 1.0;
    let hi = years.fold(f64::NEG_INFINITY, f64::max).ceil() + 1.0;
    let x = Axis {
        title: "year of China's act",
        labels: 10,
        range: lo..hi,
    };
    let y = Axis {
        title: "sovereignty cost (0–1 index)",
        labels: 6,
        range: -0.02f64..1.02f64,
    };
    let mut chart = st.numeric_chart(root, x, y)?;
    chart
        .draw_series(points.iter().filter(|v| !v.reservation).map(|v| {
            let c = cost_colour(v.sovereignty_cost);
            Circle::new(
                (v.year, v.sovereignty_cost),
                st.px(2.2),
                c.mix(0.8).filled(),
            )
        }))
        .map_err(map_err)?;
    chart
        .draw_series(
            points
                .iter()
                .filter(|v| v.reservation)
                .map(|v| st.triangle((v.year, v.sovereignty_cost))),
        )
        .map_err(map_err)?;
    let entries = [
        (Key::Dot(BLUE), "signature, consent or vote: cost up to 0.3"),
        (
            Key::Dot(ORANGE),
            "signature, consent or vote: cost 0.3 to 0.6",
        ),
        (
            Key::Dot(VERMILLION),
            "signature, consent or vote: cost above 0.6",
        ),
        (Key::Triangle, "reservation or declaration"),
    ];
    st.legend(root, inside(&chart, st.px(4.0), st.px(2.0)), &entries)
}

/// The axis range of a coefficient plot: the intervals of the bulk of the
/// models and zero. A model whose interval is more than three times as wide
/// as the median one, or unbounded, is left out of the range (it is drawn
/// clipped, with arrows and its numbers).
fn coefficient_range(rows: &[ForestRow]) -> (f64, f64) {
    let width = |r: &ForestRow| match (r.low, r.high) {
        (Some(l), Some(h)) => h - l,
        _ => f64::INFINITY,
    };
    let mut widths: Vec<f64> = rows.iter().map(width).filter(|w| w.is_finite()).collect();
    widths.sort_by(f64::total_cmp);
    let median = widths
        .get(widths.len() / 2)
        .copied()
        .unwrap_or(f64::INFINITY);
    let (mut lo, mut hi) = (0.0f64, 0.0f64);
    for r in rows {
        let in_bulk = width(r) <= 3.0 * median;
        for v in [
            Some(r.estimate),
            r.low.filter(|_| in_bulk),
            r.high.filter(|_| in_bulk),
        ]
        .into_iter()
        .flatten()
        .filter(|_| in_bulk)
        {
            (lo, hi) = (lo.min(v), hi.max(v));
        }
    }
    let pad = (hi - lo).max(1e-9) * 0.06;
    (lo - pad, hi + pad)
}

/// The tested coefficient across models, with its intervals; an interval
/// (or estimate) beyond the axis is clipped with an arrow and labelled with
/// its numbers.
pub fn coefficients<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    c: &CoefficientPlot,
    s: f64,
) -> Result<()> {
    let rows: Vec<ForestRow> = c
        .rows
        .iter()
        .map(|r| ForestRow {
            label: r.model.clone(),
            estimate: r.estimate,
            low: r.low,
            high: r.high,
            highlight: false,
        })
        .collect();
    let title = format!("log-odds per unit of {}", variable_words(&c.term));
    forest(root, &rows, &title, s)
}

/// One row of a forest plot.
struct ForestRow {
    label: String,
    estimate: f64,
    low: Option<f64>,
    high: Option<f64>,
    /// Drawn in vermillion and larger (China among the states).
    highlight: bool,
}

/// A forest plot: estimates with intervals, the first row at the top, a
/// line at zero; the axis fits the bulk of the intervals, and a row beyond
/// it ends in an arrow with its value written above.
fn forest<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    rows: &[ForestRow],
    title: &str,
    s: f64,
) -> Result<()> {
    let st = Scale { s };
    let (lo, hi) = coefficient_range(rows);
    let n = rows.len();
    let names: Vec<String> = rows.iter().map(|r| r.label.clone()).collect();
    let x = Axis {
        title,
        labels: 6,
        range: lo..hi,
    };
    let mut chart = st.category_chart(root, x, &names)?;
    let zero = vec![(0.0, -0.5), (0.0, n as f64 - 0.5)];
    one(&mut chart, PathElement::new(zero, GREY.stroke_width(1)))?;
    let (ux, uy) = units_per_px(&chart, &(lo..hi), &(-0.5..n as f64 - 0.5));
    let (head_x, head_y) = (ux * st.pt(SMALL_PT) * 0.55, uy * st.pt(SMALL_PT) * 0.35);
    let arrow = |tip: f64, dir: f64, y: f64, colour: RGBColor| {
        let base = tip - dir * head_x;
        Polygon::new(
            vec![(tip, y), (base, y + head_y), (base, y - head_y)],
            colour.filled(),
        )
    };
    for (k, r) in rows.iter().enumerate() {
        let y = (n - 1 - k) as f64;
        let colour = if r.highlight { VERMILLION } else { BLUE };
        let low = r.low.unwrap_or(f64::NEG_INFINITY);
        let high = r.high.unwrap_or(f64::INFINITY);
        let (l, h) = (low.max(lo), high.min(hi));
        let line = vec![(l.min(hi), y), (h.max(lo), y)];
        one(
            &mut chart,
            PathElement::new(
                line,
                colour.stroke_width(st.px(if r.highlight { 2.0 } else { 1.2 }) as u32),
            ),
        )?;
        let clipped_low = low < lo || r.estimate < lo;
        let clipped_high = high > hi || r.estimate > hi;
        if clipped_low {
            one(&mut chart, arrow(lo, -1.0, y, colour))?;
        }
        if clipped_high {
            one(&mut chart, arrow(hi, 1.0, y, colour))?;
        }
        if (lo..=hi).contains(&r.estimate) {
            one(
                &mut chart,
                Circle::new(
                    (r.estimate, y),
                    st.px(if r.highlight { 3.2 } else { 2.5 }),
                    colour.filled(),
                ),
            )?;
        }
        if clipped_low || clipped_high {
            let text = format!("off scale: {}", figure_estimate(r.estimate, r.low, r.high));
            let style = st
                .font(SMALL_PT)
                .color(&BLACK)
                .pos(Pos::new(HPos::Center, VPos::Bottom));
            one(
                &mut chart,
                Text::new(text, ((lo + hi) / 2.0, y + 0.42), style),
            )?;
        }
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
        .map(|r| {
            let group = r.group.split(" (").next().unwrap_or(&r.group);
            format!("{group} (n = {})", r.n)
        })
        .collect();
    let x = Axis {
        title: "share joined (0–1)",
        labels: 6,
        range: 0.0f64..1.0f64,
    };
    let mut chart = st.category_chart(root, x, &names)?;
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
    let x = Axis {
        title: "number of delegation provisions",
        labels: 8,
        range: 0.0f64..(max + 0.5),
    };
    let mut chart = st.category_chart(root, x, &names)?;
    let (avoided, accepted) = (VERMILLION.to_rgba(), SKY.mix(0.5));
    for (k, r) in rows.iter().enumerate() {
        let y = (n - 1 - k) as f64;
        let bar = |to: usize, style: ShapeStyle| {
            Rectangle::new([(0.0, y - 0.3), (to as f64, y + 0.3)], style)
        };
        one(&mut chart, bar(r.provisions, accepted.filled()))?;
        one(&mut chart, bar(r.avoided, avoided.filled()))?;
    }
    let entries = [
        (Key::Bar(avoided), "avoided by China"),
        (Key::Bar(accepted), "accepted by China"),
    ];
    let (px, _) = chart.plotting_area().get_pixel_range();
    let legend_w = st.pt(SMALL_PT) * 2.5 + st.text_width(root, entries[1].1, SMALL_PT);
    let dx = (px.end - px.start) - legend_w.round() as i32 - st.px(4.0);
    st.legend(root, inside(&chart, dx, st.px(2.0)), &entries)
}

/// The bins of the simulation histogram: the range of the data and the
/// threshold, cut into about 12 bins of a round width (a multiple of 0.01).
fn simulation_bins(p: &SimulationPlot) -> (f64, f64, usize) {
    let all = p
        .weak
        .iter()
        .chain(&p.strong)
        .chain(std::iter::once(&p.threshold));
    let lo = all
        .clone()
        .cloned()
        .fold(f64::INFINITY, f64::min)
        .clamp(0.0, 1.0);
    let hi = all
        .cloned()
        .fold(f64::NEG_INFINITY, f64::max)
        .clamp(0.0, 1.0);
    let width = (((hi - lo) / 12.0 * 100.0).ceil() / 100.0).max(0.01);
    let start = ((lo / width).floor() * width).max(0.0);
    let bins = (((hi - start) / width - 1e-9).ceil() as usize).max(1);
    (start, width, bins)
}

/// Shares of `v` in `bins` bins of `width` from `start` (a value on a bin's
/// upper edge goes to the bin above, the largest to the last).
fn histogram(v: &[f64], (start, width, bins): (f64, f64, usize)) -> Vec<f64> {
    let mut h = vec![0.0; bins];
    for x in v {
        let b = (((x - start) / width + 1e-9).floor().max(0.0) as usize).min(bins - 1);
        h[b] += 1.0;
    }
    let total = v.len().max(1) as f64;
    h.iter().map(|c| c / total).collect()
}

/// Histograms of the simulated soft-law rates of a weak and a strong state,
/// on an axis fitted to the data.
pub fn simulation<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    p: &SimulationPlot,
    s: f64,
) -> Result<()> {
    let st = Scale { s };
    let bins = simulation_bins(p);
    let (start, w, count) = bins;
    let (hw, hs) = (histogram(&p.weak, bins), histogram(&p.strong, bins));
    let top = hw
        .iter()
        .chain(&hs)
        .cloned()
        .fold(0.0f64, f64::max)
        .max(0.01)
        * 1.08;
    let x = Axis {
        title: "share of soft-law instruments joined (0–1)",
        labels: 6,
        range: start..(start + w * count as f64),
    };
    let y = Axis {
        title: "share of simulated universes",
        labels: 6,
        range: 0.0..top,
    };
    let mut chart = st.numeric_chart(root, x, y)?;
    for (k, (a, b)) in hw.iter().zip(&hs).enumerate() {
        let x0 = start + k as f64 * w;
        let bar = |from: f64, to: f64, v: f64, c: RGBColor| {
            Rectangle::new([(x0 + w * from, 0.0), (x0 + w * to, v)], c.filled())
        };
        one(&mut chart, bar(0.05, 0.5, *a, ORANGE))?;
        one(&mut chart, bar(0.5, 0.95, *b, BLUE))?;
    }
    chart
        .draw_series(DashedLineSeries::new(
            vec![(p.threshold, 0.0), (p.threshold, top)],
            st.px(3.0) as u32,
            st.px(2.0) as u32,
            BLACK.stroke_width(1),
        ))
        .map_err(map_err)?;
    let entries = [
        (Key::Bar(ORANGE.to_rgba()), "weakly socialized state"),
        (Key::Bar(BLUE.to_rgba()), "strongly socialized state"),
        (Key::Dashed, "soft-law-only study's threshold"),
    ];
    let threshold_px = chart.backend_coord(&(p.threshold, 0.0)).0;
    let at = (threshold_px + st.px(4.0), inside(&chart, 0, st.px(2.0)).1);
    st.legend(root, at, &entries)
}

/// A forest plot of each state's cost slope with its interval, steepest at
/// the top, China in vermillion and larger, the others in blue; a slope
/// beyond the bulk of the intervals (a separated state's) is drawn off scale
/// with its value.
pub fn state_slopes<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    p: &StateSlopePlot,
    s: f64,
) -> Result<()> {
    let rows: Vec<ForestRow> = p
        .rows
        .iter()
        .map(|r| ForestRow {
            label: r.state.clone(),
            estimate: r.estimate,
            low: r.low,
            high: r.high,
            highlight: r.china,
        })
        .collect();
    let title = format!("log-odds per unit of {}", variable_words(&p.term));
    forest(root, &rows, &title, s)
}

/// The colour of each depth level, lowest first: none vermillion, signed
/// only orange, bound with an opt-out sky blue, bound without blue.
const DEPTH_COLOURS: [RGBColor; 4] = [VERMILLION, ORANGE, SKY, BLUE];

/// The predicted probability of each depth level against cost, stacked to
/// one (level 0 at the bottom); the key above the chart in two columns,
/// read top to bottom in the order of the stack.
pub fn depth_probabilities<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    p: &DepthPlot,
    s: f64,
) -> Result<()> {
    let st = Scale { s };
    let colour = |k: usize| DEPTH_COLOURS[k % DEPTH_COLOURS.len()].mix(0.85);
    let rows = p.levels.len().div_ceil(2);
    let key_h = st.pt(SMALL_PT) * (1.45 * rows as f64 + 0.9) + st.px(8.0) as f64;
    let (top, chart_area) = root.split_vertically(key_h.round() as i32);
    let lo = p.curve.first().map(|c| c.x).unwrap_or(0.0);
    let hi = p.curve.last().map(|c| c.x).unwrap_or(1.0);
    let x = Axis {
        title: &p.x_label,
        labels: 6,
        range: lo..hi,
    };
    let y = Axis {
        title: "probability (stacked)",
        labels: 6,
        range: 0.0..1.0,
    };
    let mut chart = st.numeric_chart(&chart_area, x, y)?;
    let mut below: Vec<f64> = vec![0.0; p.curve.len()];
    for k in 0..p.levels.len() {
        let above: Vec<f64> = p
            .curve
            .iter()
            .zip(&below)
            .map(|(c, b)| (b + c.probabilities.get(k).copied().unwrap_or(0.0)).min(1.0))
            .collect();
        let area: Vec<(f64, f64)> = p
            .curve
            .iter()
            .zip(&below)
            .map(|(c, b)| (c.x, *b))
            .chain(p.curve.iter().zip(&above).rev().map(|(c, a)| (c.x, *a)))
            .collect();
        one(&mut chart, Polygon::new(area, colour(k).filled()))?;
        if k + 1 < p.levels.len() {
            chart
                .draw_series(LineSeries::new(
                    p.curve.iter().zip(&above).map(|(c, a)| (c.x, *a)),
                    WHITE.stroke_width(st.px(0.8).max(1) as u32),
                ))
                .map_err(map_err)?;
        }
        below = above;
    }
    let (px, _) = chart.plotting_area().get_pixel_range();
    let ordered: Vec<usize> = (0..p.levels.len()).rev().collect();
    let (left, right) = ordered.split_at(rows.min(ordered.len()));
    let entries = |ks: &[usize]| -> Vec<(Key, String)> {
        ks.iter()
            .map(|&k| (Key::Bar(colour(k)), format!("{k}: {}", p.levels[k])))
            .collect()
    };
    let (le, re) = (entries(left), entries(right));
    let (pad, key_w) = (st.pt(SMALL_PT) * 0.45, st.pt(SMALL_PT) * 1.6);
    let left_w = le
        .iter()
        .map(|(_, t)| st.text_width(&top, t, SMALL_PT))
        .fold(0.0, f64::max)
        + pad * 3.0
        + key_w;
    let y0 = st.px(4.0);
    st.legend(&top, (px.start, y0), &key_refs(&le))?;
    if !re.is_empty() {
        let x1 = px.start + (left_w + st.pt(SMALL_PT)).round() as i32;
        st.legend(&top, (x1, y0), &key_refs(&re))?;
    }
    Ok(())
}

/// Legend entries with borrowed texts.
fn key_refs(entries: &[(Key, String)]) -> Vec<(Key, &str)> {
    entries.iter().map(|(k, t)| (*k, t.as_str())).collect()
}
