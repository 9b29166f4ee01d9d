//! `.gitignore` files with git's semantics.
//!
//! A file is parsed into [`Ignore`], anchored at the directory holding it.
//! A [`Matcher`] stacks the files of the directories from the root down to
//! the one being walked and answers whether a path is ignored: the deepest
//! file with a matching pattern decides, within a file the last matching
//! pattern does, and a negated (`!`) pattern re-includes.
//!
//! The matcher only judges the path it is asked about. A path below an
//! ignored directory can never be re-included (git does not look inside
//! ignored directories); walkers get that for free by not descending into
//! them, and [`Matcher::is_excluded`] checks it for a path whose directories
//! were never walked.

use super::wildmatch::{is_glob_special, wildmatch};

/// One pattern line of a `.gitignore` file.
#[derive(Clone, Debug)]
struct Pattern {
    /// The glob without its `!`, trailing `/` and (when anchored) leading `/`.
    glob: Vec<u8>,
    /// `!pattern`: re-includes what an earlier pattern excluded.
    negated: bool,
    /// `pattern/`: matches directories only.
    dir_only: bool,
    /// No `/` in the pattern: matched against the last path component, at
    /// any depth below the `.gitignore`.
    basename: bool,
    /// How many leading bytes of `glob` are free of glob characters.
    literal: usize,
}

impl Pattern {
    /// Parse one line (comments and blank lines already dropped, trailing
    /// spaces already trimmed); `None` for a line that matches nothing.
    fn parse(mut line: &[u8]) -> Option<Pattern> {
        let negated = line.first() == Some(&b'!');
        if negated {
            line = &line[1..];
        }
        let dir_only = line.last() == Some(&b'/');
        if dir_only {
            line = &line[..line.len() - 1];
        }
        if line.is_empty() {
            return None;
        }
        let basename = !line.contains(&b'/');
        if !basename && line[0] == b'/' {
            line = &line[1..];
        }
        let literal = line.iter().take_while(|&&c| !is_glob_special(c)).count();
        Some(Pattern {
            glob: line.to_vec(),
            negated,
            dir_only,
            basename,
            literal,
        })
    }

    /// Whether the pattern matches the path whose last component is `name`
    /// and whose path relative to the `.gitignore`'s directory is `rel`.
    fn matches(&self, name: &[u8], rel: &[u8], is_dir: bool) -> bool {
        if self.dir_only && !is_dir {
            return false;
        }
        if self.basename {
            if self.literal == self.glob.len() {
                return name == self.glob.as_slice();
            }
            return wildmatch(&self.glob, name, false);
        }
        // The literal head is compared as such and only the rest is matched
        // as a glob, which starts a new pattern there: a `**` right after
        // the head (`dir**/x`) then counts as a whole component, as in git.
        let head = &self.glob[..self.literal];
        if !rel.starts_with(head) {
            return false;
        }
        let (glob, rest) = (&self.glob[self.literal..], &rel[self.literal..]);
        if glob.is_empty() {
            return rest.is_empty();
        }
        wildmatch(glob, rest, true)
    }
}

/// The patterns of one `.gitignore` file, anchored at its directory.
#[derive(Clone, Debug)]
pub struct Ignore {
    /// The directory, relative to the walk's root, `/`-separated, without a
    /// trailing slash; empty for the root.
    base: String,
    patterns: Vec<Pattern>,
}

impl Ignore {
    /// Parse the content of the `.gitignore` in directory `base` (relative
    /// to the root, `/`-separated, `""` for the root), as git does: one
    /// pattern per line; a UTF-8 byte order mark at the start is skipped; a
    /// CR at the end of a line is dropped (git ends the last line with a
    /// line feed of its own, so that one too); a line starting with `#` is a
    /// comment; trailing spaces are dropped unless escaped with `\`; a NUL
    /// ends the line (git reads lines as C strings).
    pub fn parse(base: &str, content: &[u8]) -> Ignore {
        let content = content.strip_prefix(b"\xef\xbb\xbf").unwrap_or(content);
        let mut patterns = Vec::new();
        for line in content.split(|&c| c == b'\n') {
            let mut line = line.strip_suffix(b"\r").unwrap_or(line);
            if line.first() == Some(&b'#') {
                continue;
            }
            if let Some(nul) = line.iter().position(|&c| c == 0) {
                line = &line[..nul];
            }
            if let Some(p) = Pattern::parse(trim_trailing_spaces(line)) {
                patterns.push(p);
            }
        }
        Ignore {
            base: base.trim_end_matches('/').to_owned(),
            patterns,
        }
    }

    /// The directory this file applies to (relative to the root, `""` for
    /// the root).
    pub fn base(&self) -> &str {
        &self.base
    }

    /// The decision of this file alone for `path` (relative to the root):
    /// `Some(true)` ignored, `Some(false)` re-included, `None` no pattern
    /// matched (or the path is not below this file's directory).
    fn decide(&self, path: &str, name: &[u8], is_dir: bool) -> Option<bool> {
        let rel = if self.base.is_empty() {
            path
        } else {
            path.strip_prefix(self.base.as_str())?.strip_prefix('/')?
        };
        self.patterns
            .iter()
            .rev()
            .find(|p| p.matches(name, rel.as_bytes(), is_dir))
            .map(|p| !p.negated)
    }
}

/// Drop trailing spaces that are not escaped with a backslash. Only spaces
/// count (not tabs), as in git; `\ ` keeps that space and everything before.
fn trim_trailing_spaces(line: &[u8]) -> &[u8] {
    let mut end = line.len();
    let mut first_space: Option<usize> = None;
    let mut i = 0;
    while i < line.len() {
        match line[i] {
            b' ' => {
                first_space.get_or_insert(i);
            }
            b'\\' => {
                i += 1;
                if i >= line.len() {
                    return line;
                }
                first_space = None;
            }
            _ => first_space = None,
        }
        i += 1;
    }
    if let Some(s) = first_space {
        end = s;
    }
    &line[..end]
}

/// The `.gitignore` files in effect for a directory being walked: those of
/// the root and of every directory down to it, outermost first.
#[derive(Clone, Debug, Default)]
pub struct Matcher {
    stack: Vec<Ignore>,
}

impl Matcher {
    /// A matcher with no `.gitignore` files.
    pub fn new() -> Matcher {
        Matcher::default()
    }

    /// Add the `.gitignore` of a directory below those already pushed.
    pub fn push(&mut self, ignore: Ignore) {
        self.stack.push(ignore);
    }

    /// Remove the most recently pushed `.gitignore`.
    pub fn pop(&mut self) -> Option<Ignore> {
        self.stack.pop()
    }

    /// Whether `path` (relative to the root, `/`-separated) is ignored by
    /// its own name, given that none of its parent directories is.
    pub fn is_ignored(&self, path: &str, is_dir: bool) -> bool {
        let name = path.rsplit('/').next().unwrap_or(path).as_bytes();
        self.stack
            .iter()
            .rev()
            .find_map(|ig| ig.decide(path, name, is_dir))
            .unwrap_or(false)
    }

    /// Whether a walk from the root would leave `path` out: it or one of its
    /// parent directories is ignored. `ignores` holds every `.gitignore` of
    /// the tree; the ones inside an ignored directory are never consulted,
    /// as git never reads them. Used to check a single path without walking.
    pub fn is_excluded(ignores: &[Ignore], path: &str, is_dir: bool) -> bool {
        let mut m = Matcher::new();
        let push_for = |m: &mut Matcher, dir: &str| {
            if let Some(ig) = ignores.iter().find(|ig| ig.base == dir) {
                m.push(ig.clone());
            }
        };
        push_for(&mut m, "");
        let mut dir_end = 0;
        while let Some(i) = path[dir_end..].find('/') {
            let dir = &path[..dir_end + i];
            if m.is_ignored(dir, true) {
                return true;
            }
            push_for(&mut m, dir);
            dir_end += i + 1;
        }
        m.is_ignored(path, is_dir)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trim_trailing_spaces_by_case() {
        let cases: &[(&str, &str)] = &[
            ("a", "a"),
            ("a   ", "a"),
            ("a b ", "a b"),
            ("a\\ ", "a\\ "),
            ("a\\  ", "a\\ "),
            ("a\\ \\ ", "a\\ \\ "),
            ("a\t", "a\t"),
            ("a\\", "a\\"),
            ("   ", ""),
        ];
        for &(line, want) in cases {
            assert_eq!(
                trim_trailing_spaces(line.as_bytes()),
                want.as_bytes(),
                "{line:?}"
            );
        }
    }

    #[test]
    fn parse_by_case() {
        // (line, parsed: (glob, negated, dir_only, basename, literal) or None)
        type Parsed = Option<(&'static str, bool, bool, bool, usize)>;
        let cases: &[(&str, Parsed)] = &[
            ("*.log", Some(("*.log", false, false, true, 0))),
            ("!keep.log", Some(("keep.log", true, false, true, 8))),
            ("build/", Some(("build", false, true, true, 5))),
            ("/build", Some(("build", false, false, false, 5))),
            ("a/b*", Some(("a/b*", false, false, false, 3))),
            ("!/x/", Some(("x", true, true, false, 1))),
            ("!", None),
            ("/", None),
            ("!/", None),
            ("\\!x", Some(("\\!x", false, false, true, 0))),
        ];
        for &(line, want) in cases {
            let got = Pattern::parse(line.as_bytes()).map(|p| {
                (
                    String::from_utf8(p.glob).unwrap(),
                    p.negated,
                    p.dir_only,
                    p.basename,
                    p.literal,
                )
            });
            let want = want.map(|(g, n, d, b, l)| (g.to_owned(), n, d, b, l));
            assert_eq!(got, want, "{line:?}");
        }
    }

    #[test]
    fn parse_file_handles_bom_crlf_comments_and_nul() {
        let ig = Ignore::parse("sub/", b"\xef\xbb\xbf*.a\r\n# c\r\n\r\nb\x00c\n  \nlast\r");
        let globs: Vec<&[u8]> = ig.patterns.iter().map(|p| p.glob.as_slice()).collect();
        assert_eq!(globs, [&b"*.a"[..], b"b", b"last"]);
        assert_eq!(ig.base(), "sub");
    }
}
