//! Source files and byte spans. Lines and columns are computed only when a
//! finding is rendered.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Files larger than this are not read; the run reports them.
/// CloudFormation itself accepts templates up to 1 MB.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 64 * 1024 * 1024;

static MAX_FILE_SIZE: AtomicU64 = AtomicU64::new(DEFAULT_MAX_FILE_SIZE);

/// AWS Config exports larger than this are not read. An export is read an
/// item at a time (its text held once, each item dropped when judged), so
/// 100,000 buckets (about 200 MB of JSON) fit with room to spare.
pub const DEFAULT_MAX_EXPORT_SIZE: u64 = 1024 * 1024 * 1024;

static MAX_EXPORT_SIZE: AtomicU64 = AtomicU64::new(DEFAULT_MAX_EXPORT_SIZE);

/// Sets the size limits for the whole process (`--max-file-size`,
/// `--max-export-size`).
pub fn set_max_file_size(bytes: u64, export_bytes: u64) {
    MAX_FILE_SIZE.store(bytes, Ordering::Relaxed);
    MAX_EXPORT_SIZE.store(export_bytes, Ordering::Relaxed);
}

/// Whether a file is an AWS Config export, from its name and the start of
/// its text: a name the delivery channel writes (`..._Config_...`), or an
/// object opening with an export's list of items. This decides the size
/// limit a file gets and whether a file that does not parse was meant to
/// be an export (an error, never passed over).
pub fn looks_like_export(path: &Path, text: &[u8]) -> bool {
    let named = path
        .file_name()
        .is_some_and(|n| n.to_string_lossy().contains("_Config_"));
    let start = &text[..text.len().min(4096)];
    let start = start.strip_prefix(b"\xef\xbb\xbf").unwrap_or(start);
    let object = start.trim_ascii_start().starts_with(b"{");
    let keys: [&[u8]; 7] = [
        b"\"configurationItems\"",
        b"\"ConfigurationItem\"",
        b"\"baseConfigurationItems\"",
        b"\"BaseConfigurationItems\"",
        b"\"Results\"",
        b"\"resourceType\"",
        b"\"configSnapshotId\"",
    ];
    let holds = |k: &[u8]| start.windows(k.len()).any(|w| w == k);
    named || (object && keys.iter().any(|k| holds(k)))
}

/// Replaces a file's contents atomically: a temporary file in the same
/// folder, flushed, given the old file's permissions (0644 for a new one),
/// then renamed over it. An interrupted run leaves the old file or the new
/// one, never a mix.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    let permissions = match std::fs::metadata(path) {
        Ok(meta) => meta.permissions(),
        Err(_) => new_file_permissions(tmp.as_file())?,
    };
    tmp.as_file().set_permissions(permissions)?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(unix)]
fn new_file_permissions(_: &std::fs::File) -> std::io::Result<std::fs::Permissions> {
    use std::os::unix::fs::PermissionsExt;
    Ok(std::fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn new_file_permissions(file: &std::fs::File) -> std::io::Result<std::fs::Permissions> {
    Ok(file.metadata()?.permissions())
}

/// Reads a file as UTF-8 text, without a byte-order mark. Only regular
/// files are opened (a FIFO would block), and no more than the size limit
/// is read, even from a file that grows meanwhile.
pub fn read_text(path: &Path) -> Result<String, String> {
    // Checked before opening, so devices are never opened; then opened
    // without blocking and checked again through the handle, so a file
    // replaced by a FIFO meanwhile can neither hang the run nor be read.
    if !std::fs::metadata(path)
        .map_err(|e| e.to_string())?
        .is_file()
    {
        return Err("not a regular file".into());
    }
    let file = open_nonblocking(path).map_err(|e| e.to_string())?;
    let meta = file.metadata().map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err("not a regular file".into());
    }
    // An export may be larger than a template: the start of its text
    // (decompressed, for a `.json.gz`) says which limit applies.
    let plain = MAX_FILE_SIZE.load(Ordering::Relaxed);
    let export = MAX_EXPORT_SIZE.load(Ordering::Relaxed);
    let gz = path.to_string_lossy().ends_with(".gz");
    let too_big = |limit: u64, flag: &str| format!("larger than the {limit}-byte limit ({flag})");
    // The file as stored: at most the larger limit (an archive's bytes are
    // bounded by the smaller one, since gzip shrinks JSON tenfold).
    let stored = if gz { plain } else { plain.max(export) };
    let both = "--max-file-size; --max-export-size for an AWS Config export";
    if meta.len() > stored {
        return Err(too_big(stored, both));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(stored + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > stored {
        return Err(too_big(stored, both));
    }
    // AWS Config delivers its snapshots gzipped (`.json.gz`); the limit
    // applies to the text, so a small archive cannot expand without bound.
    if gz {
        let head = gunzip_head(&bytes, 4096);
        let limit = match looks_like_export(path, &head) {
            true => export,
            false => plain,
        };
        bytes = gunzip(&bytes, limit)?;
    } else {
        let (limit, flag) = match looks_like_export(path, &bytes) {
            true => (export, "--max-export-size"),
            false => (plain, "--max-file-size"),
        };
        if bytes.len() as u64 > limit {
            return Err(too_big(limit, flag));
        }
    }
    if bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]) {
        return Err("UTF-16 text; templates are read as UTF-8 (convert the file, for example with `iconv -f UTF-16 -t UTF-8`)".into());
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        format!(
            "not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        )
    })?;
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    })
}

/// The first `n` bytes of a gzip file's text (fewer when it is shorter or
/// broken: the whole read then says why).
fn gunzip_head(bytes: &[u8], n: u64) -> Vec<u8> {
    let mut out = Vec::new();
    let _ = flate2::read::MultiGzDecoder::new(bytes)
        .take(n)
        .read_to_end(&mut out);
    out
}

/// The text of a gzip file, at most `limit` bytes of it.
fn gunzip(bytes: &[u8], limit: u64) -> Result<Vec<u8>, String> {
    // A gzip member ends with its text's size (modulo 4 GiB): room for
    // exactly that, so a 250 MB text does not grow by doubling to 500.
    let size = bytes
        .len()
        .checked_sub(4)
        .and_then(|at| bytes.get(at..))
        .and_then(|tail| <[u8; 4]>::try_from(tail).ok())
        .map_or(0, |t| u32::from_le_bytes(t) as u64);
    // Deflate expands at most about 1032 times: a trailer claiming more
    // is not believed.
    let most = bytes.len() as u64 * 1032;
    let guess = match size {
        0 => bytes.len() as u64 * 8,
        n => n.min(most) + 1,
    };
    let mut out = Vec::with_capacity(guess.min(limit + 1) as usize);
    let read = flate2::read::MultiGzDecoder::new(bytes)
        .take(limit + 1)
        .read_to_end(&mut out);
    match read {
        Ok(_) if out.len() as u64 > limit => Err(format!(
            "larger than the {limit}-byte limit once decompressed (--max-file-size, or --max-export-size for an AWS Config export)"
        )),
        Ok(_) => Ok(out),
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => Err(format!(
            "the gzip data ends early: the file is truncated (decompressed {} bytes before the end)",
            out.len()
        )),
        Err(e) => Err(format!("not readable as gzip: {e}")),
    }
}

#[cfg(unix)]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}

/// Index of a file within one unit of work (a template or a Terraform module).
pub type FileId = u16;

/// Bytes kept either side of a span in an excerpt of a very long line.
pub const WINDOW: u32 = 240;

/// A byte range in one file of the unit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Span {
        Span {
            file,
            start: start as u32,
            end: end.max(start) as u32,
        }
    }

    pub fn len(&self) -> usize {
        (self.end - self.start) as usize
    }

    pub fn is_empty(&self) -> bool {
        self.end == self.start
    }

    pub fn contains(&self, other: Span) -> bool {
        self.file == other.file && self.start <= other.start && other.end <= self.end
    }
}

/// One file's text plus the data needed to turn offsets into positions.
/// It may hold only an excerpt (some whole lines) of the file: offsets and
/// lines stay those of the whole file.
#[derive(Debug)]
pub struct SourceFile {
    /// The path as the user gave it (or as found under a given folder).
    pub path: PathBuf,
    /// Held as the `String` it was read into: making an `Arc<str>` of it
    /// would copy it, and a 250 MB export would be held twice at once.
    pub text: Arc<String>,
    /// Where `text` starts in the file, and its first line (0-based).
    pub offset: u32,
    pub first_line: usize,
    /// Characters of the first line before `text` (an excerpt of a very
    /// long line starts inside it).
    pub first_column: usize,
    /// Offsets (in the file) where the lines of `text` start.
    line_starts: Vec<u32>,
    /// Whether `text` is ASCII: columns are then byte counts, found without
    /// walking the line (a `select` export is one 50 MB line).
    ascii: bool,
    /// Whether lines end with CRLF: found once, since every fix asks.
    crlf: bool,
}

impl SourceFile {
    pub fn new(path: PathBuf, text: impl Into<String>) -> SourceFile {
        let text = Arc::new(text.into());
        let mut line_starts = vec![0u32];
        line_starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i as u32 + 1),
        );
        SourceFile {
            ascii: text.is_ascii(),
            crlf: text.contains("\r\n"),
            path,
            text,
            offset: 0,
            first_line: 0,
            first_column: 0,
            line_starts,
        }
    }

    /// The whole lines holding `start..end`, with `context` lines either
    /// side: enough to show a finding once the file itself is released.
    /// Lines much longer than the span are cut to [`WINDOW`] bytes either
    /// side of it.
    pub fn excerpt(&self, start: u32, end: u32, context: usize) -> SourceFile {
        let line_of = |offset: u32| match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let first = line_of(start.max(self.offset)).saturating_sub(context);
        let last = (line_of(end.max(start)) + context + 1).min(self.line_starts.len());
        let from = self.line_starts[first];
        let to = self
            .line_starts
            .get(last)
            .copied()
            .unwrap_or(self.offset + self.text.len() as u32);
        let local = |o: u32| (o - self.offset) as usize;
        // A very long line (a `select` export holds 50 MB on one line) is
        // kept as a window around the span: shown from there, as if its
        // line began there.
        let (start, end) = (start.max(from), end.clamp(start.max(from), to));
        if to - from > end - start + 2 * WINDOW {
            let mut a = local(start.saturating_sub(WINDOW).max(from));
            let mut b = local((end + WINDOW).min(to));
            while !self.text.is_char_boundary(a) {
                a -= 1;
            }
            while !self.text.is_char_boundary(b) {
                b += 1;
            }
            let (a, b) = (a as u32 + self.offset, b as u32 + self.offset);
            let line = line_of(a);
            let mut line_starts = vec![a];
            line_starts.extend(self.line_starts.iter().copied().filter(|&o| a < o && o < b));
            let column = self.position(a).1 - 1;
            return SourceFile {
                path: self.path.clone(),
                text: Arc::new(self.text[local(a)..local(b)].to_string()),
                offset: a,
                first_line: self.first_line + line,
                first_column: column,
                line_starts,
                ascii: self.ascii,
                crlf: self.crlf,
            };
        }
        SourceFile {
            path: self.path.clone(),
            text: Arc::new(self.text[local(from)..local(to)].to_string()),
            offset: from,
            first_line: self.first_line + first,
            first_column: match first {
                0 => self.first_column,
                _ => 0,
            },
            line_starts: self.line_starts[first..last].to_vec(),
            ascii: self.ascii,
            crlf: self.crlf,
        }
    }

    /// Displayed name: the path with forward slashes.
    pub fn name(&self) -> String {
        self.path.to_string_lossy().replace('\\', "/")
    }

    /// 1-based line and 1-based column counted in characters.
    pub fn position(&self, offset: u32) -> (usize, usize) {
        let offset = offset.clamp(self.offset, self.offset + self.text.len() as u32);
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = (self.line_starts[line] - self.offset) as usize;
        let mut end = (offset - self.offset) as usize;
        while !self.text.is_char_boundary(end) {
            end -= 1;
        }
        let mut column = match self.ascii {
            true => end - start,
            false => self.text[start..end].chars().count(),
        } + 1;
        if line == 0 {
            column += self.first_column;
        }
        (self.first_line + line + 1, column)
    }

    /// Whether the file is JSON: by its name, or by its first character.
    pub fn is_json(&self) -> bool {
        self.path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"))
            || self.text.trim_start().starts_with('{')
    }

    /// The file's line ending, so inserted lines match it.
    pub fn newline(&self) -> &'static str {
        if self.crlf { "\r\n" } else { "\n" }
    }

    /// The text of a byte range of the file ("" outside what is held).
    pub fn slice(&self, span: Span) -> &str {
        self.text_at(span.start, span.end)
    }

    pub fn text_at(&self, start: u32, end: u32) -> &str {
        let (Some(start), Some(end)) =
            (start.checked_sub(self.offset), end.checked_sub(self.offset))
        else {
            return "";
        };
        self.text.get(start as usize..end as usize).unwrap_or("")
    }
}

/// `path` with `.` and `name/..` removed, without touching the disk:
/// `examples/complete/../../main.tf` is `main.tf`. Leading `..` stay.
pub fn normalize(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out: Vec<Component> = Vec::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.last() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(c),
            },
            _ => out.push(c),
        }
    }
    let joined: PathBuf = out.iter().collect();
    match joined.as_os_str().is_empty() {
        true => PathBuf::from("."),
        false => joined,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_and_count_characters() {
        let f = SourceFile::new("t".into(), "ab\nçé x\n");
        assert_eq!(f.position(0), (1, 1));
        assert_eq!(f.position(3), (2, 1));
        // 'x' sits after two 2-byte characters and a space.
        assert_eq!(f.position(8), (2, 4));
        assert_eq!(f.position(100), (3, 1));
    }

    #[test]
    fn an_excerpt_of_a_very_long_line_is_a_window_with_true_positions() {
        let line = format!("{}\"é\"{}", "x".repeat(10_000), "y".repeat(10_000));
        let file = SourceFile::new(PathBuf::from("a.json"), format!("{{\n{line}\n}}\n"));
        let at = 2 + 10_000;
        let (start, end) = (at as u32, at as u32 + 4);
        let part = file.excerpt(start, end, 2);
        assert!(part.text.len() < 600, "{}", part.text.len());
        assert_eq!(part.text_at(start, end), "\"é\"");
        assert_eq!(part.position(start), file.position(start));
        assert_eq!(part.position(end), (2, 10_004));
    }

    #[test]
    fn excerpts_keep_offsets_and_lines_of_the_file() {
        let f = SourceFile::new("t".into(), "l1\nl2\nl3 x\nl4\nl5\nl6\n");
        // `x` is at offset 9, on line 3; one line of context either side.
        let e = f.excerpt(9, 10, 1);
        assert_eq!(&*e.text, "l2\nl3 x\nl4\n");
        assert_eq!((e.offset, e.first_line), (3, 1));
        assert_eq!(e.position(9), (3, 4));
        assert_eq!(e.text_at(9, 10), "x");
        assert_eq!(e.text_at(0, 2), "");
        // At the ends of the file the context is cut short.
        let head = f.excerpt(0, 1, 2);
        assert_eq!(&*head.text, "l1\nl2\nl3 x\n");
        let tail = f.excerpt(17, 19, 2);
        assert_eq!(&*tail.text, "l4\nl5\nl6\n");
        assert_eq!(tail.position(17), (6, 1));
        // An excerpt of an excerpt is still placed in the file.
        let inner = e.excerpt(9, 10, 0);
        assert_eq!(
            (inner.text.as_str(), inner.offset, inner.first_line),
            ("l3 x\n", 6, 2)
        );
    }
}

/// A place in a file, ready to show.
#[derive(Clone, Debug)]
pub struct Location {
    pub file: Arc<SourceFile>,
    pub start: u32,
    pub end: u32,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

impl Location {
    pub fn new(file: &Arc<SourceFile>, span: Span) -> Location {
        let (line, column) = file.position(span.start);
        let (end_line, end_column) = file.position(span.end);
        Location {
            file: Arc::clone(file),
            start: span.start,
            end: span.end,
            line,
            column,
            end_line,
            end_column,
        }
    }
}
