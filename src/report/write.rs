//! write: puts a rendered report where it goes. A file is written atomically (a
//! temporary file beside it, then a rename), so a scheduler never sees half a report.

use std::io::Write;
use std::path::Path;

/// Writes `text` to `path` atomically.
pub fn to_file(path: &Path, text: &str) -> std::io::Result<()> {
    to_file_with(path, &mut |out| out.write_all(text.as_bytes()))
}

/// Writes to `path` atomically what `write` writes, through a buffer.
pub fn to_file_with(path: &Path, write: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>) -> std::io::Result<()> {
    crate::atomic::write_with(path, |out| write(out))
}

/// Writes `text` to standard output. A closed pipe (`leftover scan | head`) is not an
/// error.
pub fn to_stdout(text: &str) -> std::io::Result<()> {
    to_stdout_with(&mut |out| out.write_all(text.as_bytes()))
}

/// Writes to standard output what `write` writes, through a buffer. A closed pipe is not
/// an error.
pub fn to_stdout_with(write: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::with_capacity(1 << 20, std::io::stdout().lock());
    match write(&mut out).and_then(|()| out.flush()) {
        Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_atomically_and_replaces() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("report.json");
        to_file(&path, "one").expect("write");
        to_file(&path, "two").expect("write");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "two");
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).expect("dir").collect();
        assert_eq!(leftovers.len(), 1, "no temporary file is left behind");
    }
}
