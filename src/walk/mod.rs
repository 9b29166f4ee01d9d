//! Walking a tree the way every leakguard CLI does (`docs/ACTIONS.md`,
//! "Walking a tree"), so that the Go CLI, `leakguard-host scan` and the
//! module's own `scan` under `wasmtime run` report the same files.
//!
//! * recurse from the root; never follow symbolic links; skip `.git`;
//! * honour `.gitignore` files with git's semantics ([`gitignore`]), and
//!   nothing else (no global excludes, no `.git/info/exclude`);
//! * hidden files are walked;
//! * files over the size limit and binary files (a NUL byte in the first
//!   [`BINARY_SNIFF_LEN`] bytes) are skipped, each with a reason;
//! * paths are relative to the root, `/`-separated, in byte order.
//!
//! Only `std::fs` is used, so the same code runs natively and under
//! `wasm32-wasip1`, where the tree is a directory the runtime preopened.
//! The `.gitignore` matcher is our own (see [`gitignore`]): it must agree
//! with the Go walker case for case, and the shared vectors in
//! `tests/walk/gitignore.jsonl` pin both to git's behaviour.

pub mod gitignore;
mod wildmatch;

use std::fmt;
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

pub use gitignore::{Ignore, Matcher};

/// The default size limit of a walked file: larger files are skipped
/// (10 MiB).
pub const DEFAULT_MAX_SIZE: u64 = 10 << 20;

/// How many leading bytes are searched for a NUL byte to call a file binary.
pub const BINARY_SNIFF_LEN: usize = 8000;

/// A regular file to scan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct File {
    /// The path relative to the root, `/`-separated.
    pub path: String,
    /// Where to read it.
    pub os_path: PathBuf,
    /// Its size when the walk saw it.
    pub size: u64,
}

/// A file the walk (or the read) passed over, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    /// The path relative to the root, `/`-separated.
    pub path: String,
    /// Why, in words; see [`Reason`].
    pub reason: Reason,
}

/// Why a file was skipped. Its [`Display`](fmt::Display) text is what `-v`
/// prints and is shared with the Go CLI word for word.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reason {
    /// A symbolic link: never followed.
    Symlink,
    /// A socket, FIFO, device, ...
    NotRegular,
    /// Over the size limit.
    TooLarge {
        /// The file's size, in bytes.
        size: u64,
        /// The limit, in bytes.
        limit: u64,
    },
    /// A NUL byte in its first [`BINARY_SNIFF_LEN`] bytes.
    Binary,
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Symlink => f.write_str("symbolic link"),
            Reason::NotRegular => f.write_str("not a regular file"),
            Reason::TooLarge { size, limit } => {
                write!(f, "larger than the size limit ({size} bytes > {limit})")
            }
            Reason::Binary => f.write_str("binary"),
        }
    }
}

/// Options of a walk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    /// The largest file walked, in bytes.
    pub max_size: u64,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            max_size: DEFAULT_MAX_SIZE,
        }
    }
}

/// What a walk found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Walk {
    /// The files to scan, sorted by path (byte order).
    pub files: Vec<File>,
    /// The files passed over, sorted by path. Ignored files are not listed:
    /// there are usually far too many to be useful.
    pub skipped: Vec<Skipped>,
}

/// A walk or read that failed, naming what it was doing and where.
#[derive(Debug)]
pub struct Error {
    action: &'static str,
    path: PathBuf,
    source: io::Error,
}

impl Error {
    fn new(action: &'static str, path: &Path, source: io::Error) -> Error {
        Error {
            action,
            path: path.to_owned(),
            source,
        }
    }

    /// The path that could not be read.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The I/O error's kind.
    pub fn kind(&self) -> io::ErrorKind {
        self.source.kind()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cannot {} {}: {}",
            self.action,
            self.path.display(),
            self.source
        )
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

/// List the files under the directory `root` to scan. `root` itself may be
/// a symbolic link (the user named it); nothing below it is followed.
///
/// # Errors
///
/// When `root` or a directory below it cannot be listed, or a `.gitignore`
/// cannot be read (going on without it would scan what the user excluded).
pub fn walk(root: &Path, options: &Options) -> Result<Walk, Error> {
    let mut w = Walker {
        options: *options,
        matcher: Matcher::new(),
        found: Walk::default(),
    };
    w.dir(root, "")?;
    w.found.files.sort_by(|a, b| a.path.cmp(&b.path));
    w.found.skipped.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(w.found)
}

struct Walker {
    options: Options,
    matcher: Matcher,
    found: Walk,
}

impl Walker {
    fn dir(&mut self, os_dir: &Path, rel: &str) -> Result<(), Error> {
        let list_err = |e| Error::new("read directory", os_dir, e);
        let mut entries = Vec::new();
        for entry in fs::read_dir(os_dir).map_err(list_err)? {
            let entry = entry.map_err(list_err)?;
            let kind = entry
                .file_type()
                .map_err(|e| Error::new("stat", &entry.path(), e))?;
            entries.push((entry, kind));
        }
        // git reads a .gitignore only when it is a regular file.
        let ignore = entries
            .iter()
            .find(|(e, kind)| e.file_name() == ".gitignore" && kind.is_file());
        let pushed = match ignore {
            Some((e, _)) => {
                let path = e.path();
                let content = fs::read(&path).map_err(|err| Error::new("read", &path, err))?;
                self.matcher.push(Ignore::parse(rel, &content));
                true
            }
            None => false,
        };
        let result = self.entries(entries, rel);
        if pushed {
            self.matcher.pop();
        }
        result
    }

    fn entries(
        &mut self,
        entries: Vec<(fs::DirEntry, fs::FileType)>,
        rel: &str,
    ) -> Result<(), Error> {
        for (entry, kind) in entries {
            let os_name = entry.file_name();
            if os_name == ".git" {
                continue;
            }
            let name = decode_lossy(os_name.as_encoded_bytes());
            let path = if rel.is_empty() {
                name
            } else {
                format!("{rel}/{name}")
            };
            if kind.is_dir() {
                if !self.matcher.is_ignored(&path, true) {
                    self.dir(&entry.path(), &path)?;
                }
                continue;
            }
            // git matches anything that is not a directory, symbolic links
            // included, as a file.
            if self.matcher.is_ignored(&path, false) {
                continue;
            }
            let reason = if kind.is_symlink() {
                Reason::Symlink
            } else if !kind.is_file() {
                Reason::NotRegular
            } else {
                let os_path = entry.path();
                let size = entry
                    .metadata()
                    .map_err(|e| Error::new("stat", &os_path, e))?
                    .len();
                if size <= self.options.max_size {
                    self.found.files.push(File {
                        path,
                        os_path,
                        size,
                    });
                    continue;
                }
                Reason::TooLarge {
                    size,
                    limit: self.options.max_size,
                }
            };
            self.found.skipped.push(Skipped { path, reason });
        }
        Ok(())
    }
}

/// Read a file to scan: its text, or why it is skipped after all (binary,
/// or grown past the size limit since the walk saw it). Reads at most
/// `max_size + 1` bytes, so a growing file cannot exhaust memory.
///
/// # Errors
///
/// When the file cannot be opened or read.
pub fn read_text(path: &Path, max_size: u64) -> Result<Result<String, Reason>, Error> {
    let err = |e| Error::new("read", path, e);
    let file = fs::File::open(path).map_err(err)?;
    let mut bytes = Vec::new();
    file.take(max_size.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(err)?;
    let len = bytes.len() as u64;
    if len > max_size {
        return Ok(Err(Reason::TooLarge {
            size: len,
            limit: max_size,
        }));
    }
    if is_binary(&bytes) {
        return Ok(Err(Reason::Binary));
    }
    Ok(Ok(decode_lossy(&bytes)))
}

/// Whether `data` (a file's content from its start) is binary: a NUL byte
/// within its first [`BINARY_SNIFF_LEN`] bytes.
pub fn is_binary(data: &[u8]) -> bool {
    data[..data.len().min(BINARY_SNIFF_LEN)].contains(&0)
}

/// `bytes` as text, every byte that is not part of a valid UTF-8 sequence
/// replaced by U+FFFD (one per byte, unlike `String::from_utf8_lossy`,
/// which replaces a broken sequence as a whole). This is what Go does when
/// it ranges over a string, so all CLIs scan the same text.
///
/// ```
/// use leakguard::walk::decode_lossy;
/// assert_eq!(decode_lossy(b"a\xffb"), "a\u{fffd}b");
/// // A 4-byte sequence cut short after 3 bytes: 3 replacements.
/// assert_eq!(decode_lossy(b"\xf0\x9f\x98!"), "\u{fffd}\u{fffd}\u{fffd}!");
/// ```
pub fn decode_lossy(mut bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    loop {
        match std::str::from_utf8(bytes) {
            Ok(valid) => {
                out.push_str(valid);
                return out;
            }
            Err(e) => {
                let (valid, rest) = bytes.split_at(e.valid_up_to());
                // from_utf8 vouched for this prefix: the default is never used.
                out.push_str(std::str::from_utf8(valid).unwrap_or_default());
                let bad = e.error_len().unwrap_or(rest.len());
                out.extend(std::iter::repeat_n('\u{fffd}', bad));
                bytes = &rest[bad..];
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_lossy_by_case() {
        let cases: &[(&[u8], &str)] = &[
            (b"", ""),
            (b"plain", "plain"),
            ("héllo ☃".as_bytes(), "héllo ☃"),
            (b"\xff", "\u{fffd}"),
            (b"\xff\xfe", "\u{fffd}\u{fffd}"),
            (b"a\xc3", "a\u{fffd}"), // truncated at the end
            (b"\xc3(", "\u{fffd}("), // bad continuation
            (b"\xe2\x82", "\u{fffd}\u{fffd}"),
            (b"\xed\xa0\x80", "\u{fffd}\u{fffd}\u{fffd}"), // a surrogate
            (b"\xc0\xaf", "\u{fffd}\u{fffd}"),             // overlong
            (b"\xf4\x90\x80\x80", "\u{fffd}\u{fffd}\u{fffd}\u{fffd}"), // > U+10FFFF
            (b"\xf0\x9f\x98\x80", "\u{1f600}"),
        ];
        for &(bytes, want) in cases {
            assert_eq!(decode_lossy(bytes), want, "{bytes:?}");
        }
    }

    #[test]
    fn is_binary_by_case() {
        let mut at_limit = vec![b'a'; BINARY_SNIFF_LEN - 1];
        at_limit.push(0);
        let mut past_limit = vec![b'a'; BINARY_SNIFF_LEN];
        past_limit.push(0);
        let cases: &[(&[u8], bool)] = &[
            (b"", false),
            (b"text\n", false),
            (b"\x00", true),
            (b"\x01\x1b[31m\x7f", false),
            (b"\xff\xfe", false),
            (&at_limit, true),
            (&past_limit, false),
        ];
        for &(data, want) in cases {
            assert_eq!(is_binary(data), want, "{} bytes", data.len());
        }
    }

    #[test]
    fn reasons_read_as_the_go_cli_prints_them() {
        let cases = [
            (Reason::Symlink, "symbolic link"),
            (Reason::NotRegular, "not a regular file"),
            (
                Reason::TooLarge {
                    size: 11,
                    limit: 10,
                },
                "larger than the size limit (11 bytes > 10)",
            ),
            (Reason::Binary, "binary"),
        ];
        for (reason, want) in cases {
            assert_eq!(reason.to_string(), want);
        }
    }
}
