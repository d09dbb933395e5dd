//! Reports: what the tool prints and writes.
//!
//! `write_reports` writes, under the output directory: `results.json`,
//! `report.md`, `report.html` (self-contained, figures inline), `tables/*.tex`
//! (booktabs) and `figures/*.{svg,png,pdf}`, and the manifest
//! `.sovcost-manifest` listing them. Everything is first written to a stage
//! directory beside the target, and then moved into it file by file, so an
//! interrupted run leaves the previous reports intact; only files an earlier
//! run wrote are replaced (`output`). No timestamp is written: the same
//! inputs and seed give byte-identical files.

pub mod document;
pub mod figures;
pub mod format;
pub mod latex;
pub mod ordinal_summary;
pub mod output;
pub mod plots;
pub mod regression;
pub mod screen;
pub mod summary;

use std::path::{Path, PathBuf};

use crate::error::{Error, Location, Result};
use crate::results::RunResults;

fn io_err(path: &Path, e: std::io::Error) -> Error {
    Error::input(Location::file(path), format!("cannot write: {e}"))
}

/// Writes every report file; returns the paths written (relative to `out`).
/// Only the files of the previous run in `out` are replaced (see `output`).
pub fn write_reports(results: &RunResults, out: &Path) -> Result<Vec<PathBuf>> {
    let old = output::previous_outputs(out)?;
    let (target, stage) = output::stage_for(out)?;
    let committed = stage_reports(results, &stage)
        .and_then(|written| output::commit(&stage, &target, &old, &written).map(|()| written));
    if committed.is_err() {
        let _ = std::fs::remove_dir_all(&stage);
    }
    committed
}

/// A figure as SVG text, PNG bytes and PDF bytes.
type DrawnFigure = (String, Vec<u8>, Vec<u8>);

fn stage_reports(results: &RunResults, dir: &Path) -> Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    let mut put = |rel: &str, bytes: &[u8]| -> Result<()> {
        let path = dir.join(rel);
        if let Some(p) = path.parent() {
            std::fs::create_dir_all(p).map_err(|e| io_err(p, e))?;
        }
        std::fs::write(&path, bytes).map_err(|e| io_err(&path, e))?;
        written.push(PathBuf::from(rel));
        Ok(())
    };
    let mut json = serde_json::to_string_pretty(results)
        .map_err(|e| Error::internal(format!("cannot serialise the results: {e}")))?;
    json.push('\n');
    put("results.json", json.as_bytes())?;
    let figs = figures::figures(results);
    // The figures are drawn in parallel (the PNG and PDF rendered from the
    // SVG) and written in order.
    let figure_dir = dir.join("figures");
    std::fs::create_dir_all(&figure_dir).map_err(|e| io_err(&figure_dir, e))?;
    let rendered: Vec<Result<DrawnFigure>> = {
        use rayon::prelude::*;
        figs.par_iter()
            .map(|f| {
                let svg = figures::svg(f)?;
                let png = figures::png(&svg)?;
                let pdf = figures::pdf(&svg)?;
                Ok((svg, png, pdf))
            })
            .collect()
    };
    let mut svgs = Vec::new();
    let mut names = Vec::new();
    for (f, drawn) in figs.iter().zip(rendered) {
        let (svg, png, pdf) = drawn?;
        let name = f.name();
        put(&format!("figures/{name}.svg"), svg.as_bytes())?;
        put(&format!("figures/{name}.png"), &png)?;
        put(&format!("figures/{name}.pdf"), &pdf)?;
        names.push((name.to_string(), f.caption.clone()));
        svgs.push((name.to_string(), svg));
    }
    let doc = document::build(results, &names);
    put("report.md", document::markdown(&doc).as_bytes())?;
    put("report.html", document::html(&doc, &svgs).as_bytes())?;
    for b in &doc {
        if let document::Block::Table(t) = b {
            put(
                &format!("tables/{}.tex", t.name),
                latex::table(t).as_bytes(),
            )?;
        }
    }
    Ok(written)
}
