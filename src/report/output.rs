//! The output directory of `sovcost run`: which files sovcost may replace in
//! it, and how the new reports take the place of the old ones.
//!
//! A report directory holds a manifest, `.sovcost-manifest`: one relative
//! path a line, the files the last run wrote. sovcost replaces or removes
//! exactly those files and never touches anything else in the directory (a
//! draft, an edited figure, a subdirectory of one's own). A directory is a
//! report directory when it has a manifest, when it is empty or absent, or
//! when every file in it has a name sovcost writes (`results.json`,
//! `report.md`, `report.html`, `tables/*.tex`, `figures/<figure>.{svg,png,pdf}`:
//! the reports of a version before the manifest). Any other directory, or a
//! regular file, is refused before anything is computed.
//!
//! Why per-file renames rather than one directory swap: swapping the whole
//! directory would carry a user's own files only if they were copied into
//! the new one, and a file saved while the copy is made would be lost. So:
//!
//! 1. every new file is written in a stage directory beside the target
//!    (`.NAME.sovcost-stage-PID`), so a run killed while computing or writing
//!    leaves the previous reports untouched;
//! 2. the manifest is rewritten (atomically) to list the old files and the
//!    new ones, so whatever happens next, every sovcost file in the directory
//!    is listed and a later run may replace it;
//! 3. each new file is renamed into place (each rename atomic: a file is
//!    always whole, old or new; the renames take well under a millisecond,
//!    the only moment at which old and new files stand side by side);
//! 4. the files of the old manifest that this run did not write are removed;
//! 5. the manifest is rewritten to list exactly the new files.
//!
//! A new file whose path holds a file that is not in the old manifest (the
//! user's own) is refused, not overwritten.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

use crate::error::{Error, Location, Result};
use crate::results::FigureName;

/// The manifest's file name inside a report directory.
pub const MANIFEST: &str = ".sovcost-manifest";

const HEADER: &str = "# sovcost report directory: `sovcost run` wrote the files listed below and replaces exactly these; any other file here is left alone";

/// Marks a stage directory as sovcost's, so a stale one may be removed.
const STAGE_MARK: &str = ".sovcost-stage";

fn io_err(path: &Path, what: &str, e: std::io::Error) -> Error {
    Error::input(Location::file(path), format!("cannot {what}: {e}"))
}

/// Whether `rel` is a name `sovcost run` writes.
pub fn is_output_name(rel: &Path) -> bool {
    let parts: Option<Vec<&str>> = rel
        .components()
        .map(|c| match c {
            Component::Normal(s) => s.to_str(),
            _ => None,
        })
        .collect();
    let plain = |s: &str| {
        !s.is_empty()
            && !s.starts_with('.')
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
    };
    match parts.as_deref() {
        Some(["results.json" | "report.md" | "report.html"]) => true,
        Some(["tables", file]) => file.strip_suffix(".tex").is_some_and(plain),
        Some(["figures", file]) => file.rsplit_once('.').is_some_and(|(stem, ext)| {
            matches!(ext, "svg" | "png" | "pdf")
                && FigureName::ALL.iter().any(|f| f.as_str() == stem)
        }),
        _ => false,
    }
}

/// The entries of `dir` (relative to `root`): files, and directories.
fn read_entries(root: &Path, rel: &Path) -> Result<Vec<(PathBuf, bool)>> {
    let here = root.join(rel);
    let mut out = Vec::new();
    let list = std::fs::read_dir(&here).map_err(|e| io_err(&here, "read the directory", e))?;
    for e in list {
        let e = e.map_err(|e| io_err(&here, "read the directory", e))?;
        let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
        out.push((rel.join(e.file_name()), is_dir));
    }
    out.sort();
    Ok(out)
}

/// A directory without a manifest: its report files when it holds nothing
/// else (only `tables/` and `figures/` are looked into, so a large directory
/// such as a home directory is not walked), or the first entries that are
/// not report files.
fn scan_unlisted(out: &Path) -> Result<std::result::Result<BTreeSet<PathBuf>, Vec<String>>> {
    let (mut files, mut foreign) = (BTreeSet::new(), Vec::new());
    let mut pending = read_entries(out, Path::new(""))?;
    while let Some((rel, is_dir)) = pending.pop() {
        let report_dir = rel == Path::new("tables") || rel == Path::new("figures");
        if is_dir && report_dir {
            pending.extend(read_entries(out, &rel)?);
        } else if !is_dir && is_output_name(&rel) {
            files.insert(rel);
        } else {
            foreign.push(rel.display().to_string());
        }
    }
    if foreign.is_empty() {
        return Ok(Ok(files));
    }
    foreign.sort();
    Ok(Err(foreign))
}

fn refuse(out: &Path, why: String) -> Error {
    Error::input(
        Location::file(out),
        format!(
            "refusing to write the reports here: {why}; sovcost run replaces only the files it wrote \
             itself (listed in {MANIFEST}) — choose a new or empty directory with --out"
        ),
    )
}

fn read_manifest(out: &Path) -> Result<BTreeSet<PathBuf>> {
    let path = out.join(MANIFEST);
    let text = std::fs::read_to_string(&path).map_err(|e| io_err(&path, "read", e))?;
    let mut files = BTreeSet::new();
    for (k, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let rel = PathBuf::from(line);
        if !is_output_name(&rel) {
            return Err(Error::input(
                Location::file(&path),
                format!(
                    "line {}: '{line}' is not a file sovcost writes (the manifest was edited?): \
                     restore it or remove that line",
                    k + 1
                ),
            ));
        }
        files.insert(rel);
    }
    Ok(files)
}

/// The files of the previous run in `out` (those a new run may replace), or
/// a refusal when `out` is not a report directory.
pub fn previous_outputs(out: &Path) -> Result<BTreeSet<PathBuf>> {
    let meta = match std::fs::metadata(out) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeSet::new()),
        Err(e) => return Err(io_err(out, "read", e)),
    };
    if !meta.is_dir() {
        return Err(refuse(out, "it is a file, not a directory".into()));
    }
    if out.join(MANIFEST).exists() {
        return read_manifest(out);
    }
    let foreign = match scan_unlisted(out)? {
        Ok(files) => return Ok(files),
        Err(foreign) => foreign,
    };
    let shown: Vec<&str> = foreign.iter().take(3).map(|s| s.as_str()).collect();
    let more = foreign.len() - shown.len();
    Err(refuse(
        out,
        format!(
            "the directory is not empty and not a sovcost report directory (no {MANIFEST}; \
             it holds {}{})",
            shown.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        ),
    ))
}

fn write_manifest(out: &Path, files: &BTreeSet<PathBuf>) -> Result<()> {
    let mut text = format!("{HEADER}\n");
    for f in files {
        // Always '/', whatever the platform, so the manifest is the same file everywhere.
        let parts: Vec<String> = f
            .components()
            .map(|c| c.as_os_str().to_string_lossy().to_string())
            .collect();
        text.push_str(&parts.join("/"));
        text.push('\n');
    }
    crate::io::write_atomic(&out.join(MANIFEST), text.as_bytes())
}

/// The target made absolute when it exists (so `.` has a parent and a
/// name), and the directory its stage goes in.
pub fn stage_for(out: &Path) -> Result<(PathBuf, PathBuf)> {
    let out = std::fs::canonicalize(out).unwrap_or_else(|_| out.to_path_buf());
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(|e| io_err(&parent, "create the directory", e))?;
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "reports".into());
    remove_stale_stages(&parent, &name);
    let stage = parent.join(format!(".{name}.sovcost-stage-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&stage);
    std::fs::create_dir_all(&stage).map_err(|e| io_err(&stage, "create the directory", e))?;
    std::fs::write(stage.join(STAGE_MARK), b"").map_err(|e| io_err(&stage, "write", e))?;
    Ok((out, stage))
}

/// Removes the stages of killed runs into the same target: directories named
/// as this run's stage, marked as sovcost's, whose process no longer exists.
fn remove_stale_stages(parent: &Path, name: &str) {
    let prefix = format!(".{name}.sovcost-stage-");
    let Ok(list) = std::fs::read_dir(parent) else {
        return;
    };
    for e in list.flatten() {
        let file = e.file_name().to_string_lossy().to_string();
        let Some(pid) = file
            .strip_prefix(&prefix)
            .and_then(|p| p.parse::<i32>().ok())
        else {
            continue;
        };
        // kill(pid, 0) sends nothing: it fails with ESRCH when there is no such process.
        let gone = unsafe { libc::kill(pid, 0) } != 0
            && std::io::Error::last_os_error().raw_os_error() == Some(libc::ESRCH);
        if gone && e.path().join(STAGE_MARK).is_file() {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// Moves the staged files into `out` (steps 2-5 of the module comment).
pub fn commit(stage: &Path, out: &Path, old: &BTreeSet<PathBuf>, new: &[PathBuf]) -> Result<()> {
    for rel in new {
        let target = out.join(rel);
        if std::fs::symlink_metadata(&target).is_ok() && !old.contains(rel) {
            return Err(refuse(
                out,
                format!(
                    "{} is not a file sovcost wrote (it is not in {MANIFEST}) and this run would \
                     replace it; move it elsewhere",
                    target.display()
                ),
            ));
        }
    }
    std::fs::create_dir_all(out).map_err(|e| io_err(out, "create the directory", e))?;
    let new_set: BTreeSet<PathBuf> = new.iter().cloned().collect();
    write_manifest(out, &old.union(&new_set).cloned().collect())?;
    for rel in new {
        let target = out.join(rel);
        if let Some(dir) = target.parent() {
            std::fs::create_dir_all(dir).map_err(|e| io_err(dir, "create the directory", e))?;
        }
        std::fs::rename(stage.join(rel), &target).map_err(|e| io_err(&target, "write", e))?;
    }
    for rel in old.difference(&new_set) {
        let target = out.join(rel);
        match std::fs::remove_file(&target) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(io_err(&target, "remove", e))
            }
            _ => {}
        }
    }
    for dir in ["tables", "figures"] {
        // A directory the old files emptied goes too; one holding a user's
        // file stays (remove_dir removes only an empty directory).
        if old.difference(&new_set).any(|rel| rel.starts_with(dir)) {
            let _ = std::fs::remove_dir(out.join(dir));
        }
    }
    write_manifest(out, &new_set)?;
    let _ = std::fs::remove_dir_all(stage);
    Ok(())
}
