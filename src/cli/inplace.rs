//! `--in-place`: the new content goes to a temporary file in the same directory, which is synced
//! and renamed over the original only when everything succeeded. On any failure the temporary
//! file is removed and the original is left byte for byte as it was.

use std::ffi::{OsStr, OsString};
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use super::fail::Problem;

/// Size of the buffer in front of the temporary file.
const BUFFER: usize = 64 * 1024;

/// Rewrites the file `path` with what `convert` writes when given the file's content. A
/// symbolic link is followed: the file it points to is rewritten and the link stays.
/// The file keeps its permissions (not its owner, nor its other hard links).
pub fn rewrite(
    path: &Path,
    convert: impl FnOnce(&mut dyn Read, &mut dyn Write) -> Result<(), Problem>,
) -> Result<(), Problem> {
    let name = path.display().to_string();
    let fail = |e: io::Error| Problem::input(&name, &e);
    let target = if fs::symlink_metadata(path).map_err(fail)?.file_type().is_symlink() {
        fs::canonicalize(path).map_err(fail)?
    } else {
        path.to_path_buf()
    };
    let mut input = File::open(&target).map_err(fail)?;
    let meta = input.metadata().map_err(fail)?;
    if !meta.is_file() {
        return Err(Problem::Input(format!("{name}: not a regular file")));
    }
    let dir = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let file_name = target.file_name().unwrap_or(OsStr::new("jazu"));
    let (mut temp, file) = TempFile::create(dir, file_name).map_err(|e| {
        Problem::Input(format!(
            "{name}: cannot create a temporary file in {}: {}",
            dir.display(),
            super::fail::describe(&e)
        ))
    })?;

    let mut out = BufWriter::with_capacity(BUFFER, file);
    convert(&mut input, &mut out).map_err(|p| match p {
        Problem::Output(e) => fail(e),
        input_problem => input_problem,
    })?;
    let file = out.into_inner().map_err(|e| fail(e.into_error()))?;
    file.set_permissions(meta.permissions()).map_err(fail)?;
    file.sync_all().map_err(fail)?;
    drop(file);
    drop(input);
    fs::rename(&temp.path, &target).map_err(fail)?;
    temp.renamed = true;
    sync_dir(dir);
    Ok(())
}

/// A temporary file, removed when dropped unless it was renamed.
#[derive(Debug)]
struct TempFile {
    path: PathBuf,
    renamed: bool,
}

impl TempFile {
    /// Creates `.NAME.jazu-PID-N.tmp` in `dir`, readable by the owner only until the original's
    /// permissions are copied onto it.
    fn create(dir: &Path, name: &OsStr) -> io::Result<(TempFile, File)> {
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        for n in 0..1000 {
            let mut temp_name = OsString::from(".");
            temp_name.push(name);
            temp_name.push(format!(".jazu-{}-{n}.tmp", std::process::id()));
            let path = dir.join(temp_name);
            match options.open(&path) {
                Ok(file) => return Ok((TempFile { path, renamed: false }, file)),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
        Err(io::Error::new(io::ErrorKind::AlreadyExists, "too many temporary files"))
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if !self.renamed {
            let _ = fs::remove_file(&self.path);
        }
    }
}

/// Makes the rename durable. Best effort: not every system can sync a directory.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}
