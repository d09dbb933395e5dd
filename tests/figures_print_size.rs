//! The figures at print size: every text element of every figure is at least
//! 7 pt at the figure's physical width, in the SVG (font size × the scale of
//! its viewBox to its width in inches), in the PDF (font size × the
//! transformation in force where the text is shown) and the PNG has the
//! pixels of its width and height at the resolution it states. The size set
//! in an analysis's `[outputs.figure_size]` reaches the files, and a bad size
//! is refused when the spec is read.

mod common;

use common::{copy_inputs, files, repo_path, sovcost, temp_dir};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The smallest text allowed at print size, in points.
const MIN_PT: f64 = 7.0;
/// Slack for floating-point noise only.
const EPS: f64 = 1e-9;

fn fresh_figures(name: &str) -> BTreeMap<PathBuf, Vec<u8>> {
    let out = temp_dir(name).join("reports");
    let (code, _, err) = sovcost(&repo_path(""), &["run", "--out", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    files(&out.join("figures"))
}

fn by_ext<'a>(
    figs: &'a BTreeMap<PathBuf, Vec<u8>>,
    ext: &'a str,
) -> impl Iterator<Item = (String, &'a [u8])> + 'a {
    figs.iter()
        .filter(move |(p, _)| p.extension().is_some_and(|e| e == ext))
        .map(|(p, b)| {
            (
                p.file_stem().unwrap().to_string_lossy().to_string(),
                b.as_slice(),
            )
        })
}

// ---------------------------------------------------------------------------
// SVG

/// The value of attribute `name` in the tag text `tag`.
fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let key = format!(" {name}=\"");
    let start = tag.find(&key)? + key.len();
    let len = tag[start..].find('"')?;
    Some(&tag[start..start + len])
}

/// A length with a unit, in inches (a bare number is CSS pixels, 96 per inch).
fn inches(length: &str) -> f64 {
    let (num, per_inch) = if let Some(v) = length.strip_suffix("in") {
        (v, 1.0)
    } else if let Some(v) = length.strip_suffix("pt") {
        (v, 72.0)
    } else if let Some(v) = length.strip_suffix("mm") {
        (v, 25.4)
    } else if let Some(v) = length.strip_suffix("cm") {
        (v, 2.54)
    } else {
        (length.strip_suffix("px").unwrap_or(length), 96.0)
    };
    num.trim().parse::<f64>().expect("a number") / per_inch
}

/// The physical size of an SVG (inches) and the points per user unit.
fn svg_size(svg: &str) -> ((f64, f64), f64) {
    let start = svg.find("<svg").expect("an <svg> element");
    let tag = &svg[start..start + svg[start..].find('>').unwrap()];
    let w = inches(attr(tag, "width").expect("width"));
    let h = inches(attr(tag, "height").expect("height"));
    let view: Vec<f64> = attr(tag, "viewBox")
        .expect("a viewBox")
        .split([' ', ','])
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().unwrap())
        .collect();
    let (sx, sy) = (w * 72.0 / view[2], h * 72.0 / view[3]);
    assert!(
        (sx - sy).abs() < 1e-3 * sx,
        "the viewBox is not scaled evenly: {sx} and {sy} pt per unit"
    );
    ((w, h), sx)
}

/// Every `<text>` element: (its text, its font size in points at print size,
/// its font family).
fn svg_texts(svg: &str) -> Vec<(String, f64, String)> {
    let (_, pt_per_unit) = svg_size(svg);
    let mut out = Vec::new();
    let mut rest = svg;
    while let Some(k) = rest.find("<text") {
        let after = &rest[k..];
        let tag_end = after.find('>').unwrap();
        let tag = &after[..tag_end];
        let close = after.find("</text>").expect("a closed <text>");
        let text = after[tag_end + 1..close].trim().to_string();
        let size: f64 = attr(tag, "font-size")
            .unwrap_or_else(|| panic!("text '{text}' has no font-size"))
            .trim_end_matches("px")
            .parse()
            .unwrap();
        assert!(
            attr(tag, "transform").is_none_or(|t| t.starts_with("rotate(")),
            "text '{text}' is transformed other than by a rotation: {tag}"
        );
        let family = attr(tag, "font-family").unwrap_or_default().to_string();
        out.push((text, size * pt_per_unit, family));
        rest = &after[close..];
    }
    out
}

// ---------------------------------------------------------------------------
// PDF

struct PdfObject {
    id: usize,
    dict: String,
    stream: Option<Vec<u8>>,
}

/// The objects of a PDF, their streams decompressed.
fn pdf_objects(pdf: &[u8]) -> Vec<PdfObject> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(k) = find(pdf, b" 0 obj", at) {
        let end = find(pdf, b"endobj", k).expect("endobj");
        let digits = pdf[..k]
            .iter()
            .rev()
            .take_while(|c| c.is_ascii_digit())
            .count();
        let id = String::from_utf8_lossy(&pdf[k - digits..k])
            .parse()
            .unwrap_or(0);
        let body = &pdf[k + 6..end];
        let (dict, stream) = match find(body, b"stream", 0) {
            Some(s) if !body[..s].ends_with(b"end") => {
                let mut from = s + 6;
                while body[from] == b'\r' || body[from] == b'\n' {
                    from += 1;
                }
                let to = find(body, b"endstream", from).unwrap();
                let raw = &body[from..to];
                let dict = String::from_utf8_lossy(&body[..s]).to_string();
                let data = if dict.contains("/FlateDecode") {
                    miniz_oxide::inflate::decompress_to_vec_zlib(raw).expect("a flate stream")
                } else {
                    raw.to_vec()
                };
                (dict, Some(data))
            }
            _ => (String::from_utf8_lossy(body).to_string(), None),
        };
        out.push(PdfObject { id, dict, stream });
        at = end;
    }
    assert!(!out.is_empty(), "no PDF objects");
    out
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

type Matrix = [f64; 6];
const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// `m` then `n` (PDF's row-vector convention: m × n).
fn mul(m: &Matrix, n: &Matrix) -> Matrix {
    [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]
}

/// The tokens of a content stream: numbers and operators (strings, names
/// and arrays are kept as operands but not interpreted).
fn tokens(content: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < content.len() {
        let c = content[i];
        if c.is_ascii_whitespace() {
            i += 1;
        } else if c == b'%' {
            while i < content.len() && content[i] != b'\n' {
                i += 1;
            }
        } else if c == b'(' {
            let mut depth = 0;
            while i < content.len() {
                match content[i] {
                    b'\\' => i += 1,
                    b'(' => depth += 1,
                    b')' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            i += 1;
            out.push("(string)".into());
        } else if c == b'<' || c == b'>' || c == b'[' || c == b']' {
            out.push((c as char).to_string());
            i += 1;
        } else {
            let start = i;
            while i < content.len()
                && !content[i].is_ascii_whitespace()
                && !b"()<>[]/%".contains(&content[i])
            {
                i += 1;
            }
            if i == start {
                i += 1; // a name's slash
            }
            out.push(String::from_utf8_lossy(&content[start..i]).to_string());
        }
    }
    out
}

/// The size in points of every text shown in a content stream, as drawn on
/// the page: the font size times the length of the text space's vertical
/// unit under the text matrix and the current transformation.
fn pdf_text_sizes(content: &[u8]) -> Vec<f64> {
    let mut sizes = Vec::new();
    let (mut ctm, mut stack) = (IDENTITY, Vec::new());
    let (mut tm, mut line, mut font_size) = (IDENTITY, IDENTITY, 0.0);
    let mut operands: Vec<f64> = Vec::new();
    for t in tokens(content) {
        if let Ok(v) = t.parse::<f64>() {
            operands.push(v);
            continue;
        }
        let m = |o: &[f64]| -> Matrix { [o[0], o[1], o[2], o[3], o[4], o[5]] };
        let last6 = || operands[operands.len().saturating_sub(6)..].to_vec();
        match t.as_str() {
            "q" => stack.push(ctm),
            "Q" => ctm = stack.pop().expect("balanced q/Q"),
            "cm" => ctm = mul(&m(&last6()), &ctm),
            "BT" => (tm, line) = (IDENTITY, IDENTITY),
            "Tm" => {
                tm = m(&last6());
                line = tm;
            }
            "Td" | "TD" => {
                let o = &operands[operands.len() - 2..];
                line = mul(&[1.0, 0.0, 0.0, 1.0, o[0], o[1]], &line);
                tm = line;
            }
            "Tf" => font_size = *operands.last().expect("a size"),
            "Tj" | "TJ" | "'" | "\"" => {
                let r = mul(&tm, &ctm);
                sizes.push(font_size * (r[2] * r[2] + r[3] * r[3]).sqrt());
            }
            _ => {}
        }
        if t.chars()
            .all(|c| c.is_ascii_alphabetic() || c == '*' || c == '\'' || c == '"')
        {
            operands.clear();
        }
    }
    sizes
}

/// The page size in points and the size of every text on the page.
fn pdf_page(pdf: &[u8]) -> ((f64, f64), Vec<f64>) {
    let objects = pdf_objects(pdf);
    for o in &objects {
        if o.dict.contains("/Subtype /Form") {
            let s = o.stream.as_deref().unwrap_or_default();
            assert!(
                !tokens(s).iter().any(|t| t == "Tf"),
                "text inside a form XObject: this test measures page text only"
            );
        }
    }
    let page = objects
        .iter()
        .find(|o| o.dict.contains("/Type /Page") && !o.dict.contains("/Type /Pages"))
        .expect("a page");
    let media = &page.dict[page.dict.find("/MediaBox").expect("a MediaBox")..];
    let media: Vec<f64> = media[media.find('[').unwrap() + 1..media.find(']').unwrap()]
        .split_whitespace()
        .map(|s| s.parse().unwrap())
        .collect();
    let contents = &page.dict[page.dict.find("/Contents").expect("contents") + 9..];
    let id: usize = contents.split_whitespace().next().unwrap().parse().unwrap();
    let content = objects
        .iter()
        .find(|o| o.id == id)
        .and_then(|o| o.stream.as_deref())
        .expect("the page's content stream");
    (
        (media[2] - media[0], media[3] - media[1]),
        pdf_text_sizes(content),
    )
}

// ---------------------------------------------------------------------------
// PNG

/// Width, height and the stated pixels per inch (pHYs) of a PNG.
fn png_size(png: &[u8]) -> (u32, u32, Option<f64>) {
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    let (mut at, mut dims, mut dpi) = (8, (0, 0), None);
    while at + 8 <= png.len() {
        let len = be(&png[at..]) as usize;
        let kind = &png[at + 4..at + 8];
        let data = &png[at + 8..at + 8 + len];
        match kind {
            b"IHDR" => dims = (be(data), be(&data[4..])),
            b"pHYs" if data[8] == 1 => dpi = Some(be(data) as f64 * 0.0254),
            _ => {}
        }
        at += 12 + len;
    }
    (dims.0, dims.1, dpi)
}

// ---------------------------------------------------------------------------

#[test]
fn every_text_is_at_least_7_pt_at_print_size_and_the_files_have_the_physical_size() {
    let figs = fresh_figures("print");
    let mut sizes = BTreeMap::new();
    let mut problems = Vec::new();
    for (name, bytes) in by_ext(&figs, "svg") {
        let svg = std::str::from_utf8(bytes).unwrap();
        let (size, _) = svg_size(svg);
        sizes.insert(name.clone(), size);
        let texts = svg_texts(svg);
        assert!(!texts.is_empty(), "{name}.svg has no text");
        for (text, pt, family) in &texts {
            if *pt < MIN_PT - EPS {
                problems.push(format!("{name}.svg: '{text}' at {pt:.2} pt"));
            }
            if !family.contains("DejaVu Sans") {
                problems.push(format!(
                    "{name}.svg: '{text}' in font-family '{family}', not the bundled DejaVu Sans"
                ));
            }
            let hyphen_minus = text
                .as_bytes()
                .windows(2)
                .any(|w| w[0] == b'-' && w[1].is_ascii_digit());
            if hyphen_minus && text.parse::<f64>().is_ok() {
                problems.push(format!("{name}.svg: '{text}' has a hyphen for a minus"));
            }
        }
    }
    for (name, bytes) in by_ext(&figs, "pdf") {
        let ((w, h), texts) = pdf_page(bytes);
        let (want_w, want_h) = sizes[&name];
        if (w - want_w * 72.0).abs() > 0.5 || (h - want_h * 72.0).abs() > 0.5 {
            problems.push(format!(
                "{name}.pdf: page {w} × {h} pt, the SVG says {want_w} × {want_h} in"
            ));
        }
        assert!(!texts.is_empty(), "{name}.pdf shows no text");
        let min = texts.iter().cloned().fold(f64::INFINITY, f64::min);
        if min < MIN_PT - EPS {
            problems.push(format!("{name}.pdf: text at {min:.2} pt"));
        }
    }
    for (name, bytes) in by_ext(&figs, "png") {
        let (w, h, dpi) = png_size(bytes);
        let Some(dpi) = dpi else {
            problems.push(format!("{name}.png states no resolution (pHYs)"));
            continue;
        };
        let (want_w, want_h) = sizes[&name];
        let (ew, eh) = (want_w * dpi, want_h * dpi);
        if (w as f64 - ew).abs() > 1.0 || (h as f64 - eh).abs() > 1.0 {
            problems.push(format!(
                "{name}.png: {w} × {h} px at {dpi:.1} dpi, not {want_w} × {want_h} in"
            ));
        }
        if bytes.len() > 400_000 {
            problems.push(format!("{name}.png: {} bytes", bytes.len()));
        }
    }
    assert!(
        sizes.len() >= 6,
        "figures missing: {:?}",
        sizes.keys().collect::<Vec<_>>()
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

fn set_h2_outputs(root: &Path, figure_size: &str) {
    let h2 = root.join("analyses/h2_soft_law_benchmark.toml");
    let text = std::fs::read_to_string(&h2).unwrap();
    let listed = "figures = [\"participation_by_cost\", \"timeline\"]";
    assert!(
        text.contains(listed),
        "the h2 spec no longer lists its figures"
    );
    let text = text.replace(listed, &format!("{listed}\n{figure_size}"));
    std::fs::write(&h2, text).unwrap();
}

#[test]
fn a_size_set_in_the_spec_reaches_the_files() {
    let (root, _) = copy_inputs("figsize");
    set_h2_outputs(
        &root,
        "figure_size = { timeline = { width_in = 6.0, height_in = 2.5 } }",
    );
    let out = root.join("out");
    let (code, _, err) = sovcost(
        &root,
        &[
            "run",
            "h2_soft_law_benchmark",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{err}");
    let svg = std::fs::read_to_string(out.join("figures/timeline.svg")).unwrap();
    let ((w, h), _) = svg_size(&svg);
    assert!(
        (w - 6.0).abs() < 1e-9 && (h - 2.5).abs() < 1e-9,
        "{w} × {h}"
    );
    let (pw, ph, dpi) = png_size(&std::fs::read(out.join("figures/timeline.png")).unwrap());
    let dpi = dpi.expect("a stated resolution");
    assert_eq!(
        (pw, ph),
        ((6.0 * dpi).round() as u32, (2.5 * dpi).round() as u32)
    );
    let ((pdf_w, pdf_h), _) = pdf_page(&std::fs::read(out.join("figures/timeline.pdf")).unwrap());
    assert!((pdf_w - 432.0).abs() < 0.5 && (pdf_h - 180.0).abs() < 0.5);
    // The other figure keeps its default size.
    let svg = std::fs::read_to_string(out.join("figures/participation_by_cost.svg")).unwrap();
    assert!((svg_size(&svg).0 .0 - 3.5).abs() < 1e-9);
}

#[test]
fn a_bad_figure_size_is_refused_when_the_spec_is_read() {
    for (size, expect) in [
        (
            "figure_size = { timeline = { width_in = 0.0 } }",
            "width_in",
        ),
        (
            "figure_size = { timeline = { width_in = 40.0 } }",
            "width_in",
        ),
        (
            "figure_size = { timeline = { width_in = 7.0, height_in = -1.0 } }",
            "height_in",
        ),
        (
            "figure_size = { opt_outs = { width_in = 3.5 } }",
            "not listed",
        ),
        (
            "figure_size = { timeline = { width = 3.5 } }",
            "figure_size",
        ),
    ] {
        let (root, _) = copy_inputs("badsize");
        set_h2_outputs(&root, size);
        let (code, stdout, err) = sovcost(&root, &["list"]);
        assert_eq!(code, 2, "{size}: {stdout} {err}");
        assert!(err.contains("h2_soft_law_benchmark.toml"), "{size}: {err}");
        assert!(err.contains("outputs.figure_size"), "{size}: {err}");
        assert!(err.contains(expect), "{size}: '{expect}' not in {err}");
    }
}
