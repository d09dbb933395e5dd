//! Writing output files atomically: the content goes to a temporary file in
//! the same directory, which is then renamed over the target, so an
//! interrupted run never leaves a half-written file.

use std::io::Write;
use std::path::Path;

use crate::error::{Error, Location, Result};

pub fn write_atomic(path: &Path, content: &[u8]) -> Result<()> {
    let loc = || Location::file(path);
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir)
        .map_err(|e| Error::input(loc(), format!("cannot create the directory: {e}")))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "output".into());
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| -> std::io::Result<()> {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(content)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(Error::input(loc(), format!("cannot write the file: {e}")));
    }
    Ok(())
}
