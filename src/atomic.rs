//! atomic: writes a file whole or not at all: into a temporary file beside it, synced,
//! then renamed over the target, so a reader (or the next nightly run) never sees half of
//! a report or an index.

use std::io::BufWriter;
use std::path::Path;

/// Writes what `fill` writes to `path`, atomically.
pub fn write_with(
    path: &Path,
    fill: impl FnOnce(&mut BufWriter<std::fs::File>) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("output");
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut out = BufWriter::with_capacity(1 << 20, std::fs::File::create(&tmp)?);
        fill(&mut out)?;
        let written = out.into_inner().map_err(std::io::IntoInnerError::into_error)?;
        written.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
