//! Glob matching with git's `wildmatch` semantics, which is what
//! `.gitignore` patterns are matched with.
//!
//! Matching is byte by byte, as in git: `?` matches one byte (not one
//! character) and bracket expressions compare bytes. In *pathname* mode `*`,
//! `?` and bracket expressions never match `/`, and a `**` that fills a whole
//! path component (`**/x`, `x/**`, `x/**/y`) matches any number of
//! directories.
//!
//! The matcher is a backtracking one. Two "abort" outcomes stop the
//! backtracking early when no later position of a star can succeed (the
//! text ran out, or a single star would have to cross a `/`), which keeps
//! patterns with many stars linear-ish instead of exponential. They also
//! decide a few corner cases, so they are part of the semantics, not only an
//! optimisation: this follows git's outcomes exactly.

/// The outcome of matching a pattern (or the rest of one) against a text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    Match,
    NoMatch,
    /// No position of any enclosing star can make this match.
    AbortAll,
    /// No position of the enclosing single star can; a `**` further out may
    /// still try.
    AbortToDoubleStar,
}

/// Whether `text` matches `pattern`. `pathname` selects git's `WM_PATHNAME`
/// mode (used for patterns that contain a `/`); without it the text is a
/// single path component.
pub(crate) fn wildmatch(pattern: &[u8], text: &[u8], pathname: bool) -> bool {
    matches(pattern, text, pathname) == Outcome::Match
}

/// The bytes that make a pattern more than a literal string.
pub(crate) fn is_glob_special(c: u8) -> bool {
    matches!(c, b'*' | b'?' | b'[' | b'\\')
}

/// The pattern byte at `i`, or 0 past its end. A pattern never holds a NUL
/// (`.gitignore` lines are cut at one), so 0 means "end" as in git's C code.
fn at(pattern: &[u8], i: usize) -> u8 {
    pattern.get(i).copied().unwrap_or(0)
}

/// Match `pat` against `text`. Each recursive call treats the slice it is
/// given as a pattern of its own: a `**` at the start of the slice counts as
/// starting a path component, as in git.
fn matches(pat: &[u8], text: &[u8], pathname: bool) -> Outcome {
    let mut p = 0;
    let mut t = 0;
    while p < pat.len() {
        let pc = pat[p];
        if t >= text.len() && pc != b'*' {
            return Outcome::AbortAll;
        }
        let tc = text.get(t).copied().unwrap_or(0);
        match pc {
            b'\\' => {
                // The next byte is literal; a trailing backslash matches nothing.
                p += 1;
                if p >= pat.len() || pat[p] != tc {
                    return Outcome::NoMatch;
                }
            }
            b'?' => {
                if pathname && tc == b'/' {
                    return Outcome::NoMatch;
                }
            }
            b'[' => match bracket(pat, p, tc, pathname) {
                Bracket::Matched(close) => p = close,
                Bracket::NoMatch => return Outcome::NoMatch,
                Bracket::Abort => return Outcome::AbortAll,
            },
            b'*' => {
                let first = p;
                p += 1;
                let match_slash = if at(pat, p) == b'*' {
                    while at(pat, p) == b'*' {
                        p += 1;
                    }
                    let starts_component = first == 0 || pat[first - 1] == b'/';
                    let next = at(pat, p);
                    let ends_component =
                        p >= pat.len() || next == b'/' || (next == b'\\' && at(pat, p + 1) == b'/');
                    if starts_component && ends_component {
                        // `**/` may match no directory at all: try the rest
                        // of the pattern right here first.
                        if next == b'/'
                            && matches(&pat[p + 1..], &text[t..], pathname) == Outcome::Match
                        {
                            return Outcome::Match;
                        }
                        true
                    } else {
                        // `**` inside a component is a single star.
                        false
                    }
                } else {
                    // Without pathname mode a single star crosses slashes too.
                    !pathname
                };
                if p >= pat.len() {
                    // A trailing `**` takes everything; a trailing `*` only
                    // what is left of the current component.
                    if !match_slash && text[t..].contains(&b'/') {
                        return Outcome::NoMatch;
                    }
                    return Outcome::Match;
                }
                if !match_slash && pat[p] == b'/' {
                    // `*/`: the star takes the rest of this component and the
                    // slashes are matched against each other.
                    match text[t..].iter().position(|&c| c == b'/') {
                        Some(i) => {
                            t += i + 1;
                            p += 1;
                            continue;
                        }
                        None => return Outcome::NoMatch,
                    }
                }
                return star(&pat[p..], text, t, match_slash, pathname);
            }
            _ => {
                if tc != pc {
                    return Outcome::NoMatch;
                }
            }
        }
        p += 1;
        t += 1;
    }
    if t < text.len() {
        Outcome::NoMatch
    } else {
        Outcome::Match
    }
}

/// Try every position of a star (`rest` is the pattern after it) in
/// `text[t..]`, shortest first.
fn star(rest: &[u8], text: &[u8], mut t: usize, match_slash: bool, pathname: bool) -> Outcome {
    while t < text.len() {
        let next = rest[0];
        if !is_glob_special(next) {
            // The text up to the next occurrence of a literal belongs to
            // the star: skip to it (not past a slash the star cannot take).
            while t < text.len() && (match_slash || text[t] != b'/') && text[t] != next {
                t += 1;
            }
            if t >= text.len() || text[t] != next {
                return if match_slash {
                    Outcome::AbortAll
                } else {
                    Outcome::AbortToDoubleStar
                };
            }
        }
        match matches(rest, &text[t..], pathname) {
            Outcome::NoMatch => {
                if !match_slash && text[t] == b'/' {
                    return Outcome::AbortToDoubleStar;
                }
            }
            Outcome::AbortToDoubleStar if match_slash => {}
            other => return other,
        }
        t += 1;
    }
    Outcome::AbortAll
}

enum Bracket {
    /// The byte is in the set; the index of the closing `]`.
    Matched(usize),
    NoMatch,
    /// A malformed expression (unterminated, unknown class): nothing matches.
    Abort,
}

/// Match `tc` against the bracket expression that opens at `pat[open]`.
///
/// `]` right after the `[` (or after `[!` / `[^`) is a member; `\` escapes
/// the next byte; `a-z` is a range of bytes; `[:name:]` is a character class
/// (ASCII only); a `[` not starting a class is a member.
fn bracket(pat: &[u8], open: usize, tc: u8, pathname: bool) -> Bracket {
    let mut p = open + 1;
    let mut pc = at(pat, p);
    if pc == b'^' {
        pc = b'!';
    }
    let negated = pc == b'!';
    if negated {
        p += 1;
        pc = at(pat, p);
    }
    let mut prev = 0u8;
    let mut matched = false;
    loop {
        if pc == 0 {
            return Bracket::Abort;
        }
        if pc == b'\\' {
            p += 1;
            pc = at(pat, p);
            if pc == 0 {
                return Bracket::Abort;
            }
            matched |= tc == pc;
        } else if pc == b'-' && prev != 0 && at(pat, p + 1) != 0 && at(pat, p + 1) != b']' {
            p += 1;
            pc = at(pat, p);
            if pc == b'\\' {
                p += 1;
                pc = at(pat, p);
                if pc == 0 {
                    return Bracket::Abort;
                }
            }
            matched |= prev <= tc && tc <= pc;
            // A range cannot be the start of another range.
            pc = 0;
        } else if pc == b'[' && at(pat, p + 1) == b':' {
            let name_start = p + 2;
            let mut close = name_start;
            while at(pat, close) != 0 && at(pat, close) != b']' {
                close += 1;
            }
            if at(pat, close) == 0 {
                return Bracket::Abort;
            }
            if close == name_start || pat[close - 1] != b':' {
                // Not `[:name:]` after all: the `[` is an ordinary member.
                matched |= tc == b'[';
            } else {
                match class(&pat[name_start..close - 1]) {
                    Some(is) => matched |= is(tc),
                    None => return Bracket::Abort,
                }
                p = close;
                pc = 0;
            }
        } else {
            matched |= tc == pc;
        }
        prev = pc;
        p += 1;
        pc = at(pat, p);
        if pc == b']' {
            break;
        }
    }
    if matched == negated || (pathname && tc == b'/') {
        Bracket::NoMatch
    } else {
        Bracket::Matched(p)
    }
}

/// The POSIX character class called `name`, over ASCII as git defines it.
fn class(name: &[u8]) -> Option<fn(u8) -> bool> {
    Some(match name {
        b"alnum" => |c: u8| c.is_ascii_alphanumeric(),
        b"alpha" => |c: u8| c.is_ascii_alphabetic(),
        b"blank" => |c: u8| c == b' ' || c == b'\t',
        b"cntrl" => |c: u8| c < 0x20 || c == 0x7f,
        b"digit" => |c: u8| c.is_ascii_digit(),
        b"graph" => |c: u8| c.is_ascii_graphic(),
        b"lower" => |c: u8| c.is_ascii_lowercase(),
        b"print" => |c: u8| (0x20..0x7f).contains(&c),
        b"punct" => |c: u8| c.is_ascii_punctuation(),
        // git's own isspace: no vertical tab, no form feed.
        b"space" => |c: u8| matches!(c, b' ' | b'\t' | b'\n' | b'\r'),
        b"upper" => |c: u8| c.is_ascii_uppercase(),
        b"xdigit" => |c: u8| c.is_ascii_hexdigit(),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildmatch_by_case() {
        // (pattern, text, pathname mode, expected)
        let cases: &[(&str, &str, bool, bool)] = &[
            ("abc", "abc", true, true),
            ("abc", "abd", true, false),
            ("abc", "ab", true, false),
            ("ab", "abc", true, false),
            ("", "", true, true),
            ("", "a", true, false),
            ("?", "a", true, true),
            ("?", "", true, false),
            ("a?c", "a/c", true, false),
            ("a?c", "a/c", false, true),
            ("?", "é", true, false), // `?` is one byte; é is two
            ("??", "é", true, true),
            ("*", "", true, true),
            ("*", "abc", true, true),
            ("*", "a/b", true, false),
            ("*", "a/b", false, true),
            ("*.txt", "notes.txt", true, true),
            ("*.txt", "dir/notes.txt", true, false),
            ("*/notes.txt", "dir/notes.txt", true, true),
            ("*/notes.txt", "a/dir/notes.txt", true, false),
            ("*/*/z", "x/y/z", true, true),
            ("a*b*c", "aXbYc", true, true),
            ("a*b*c", "aXbY/c", true, false),
            ("**/z", "z", true, true),
            ("**/z", "x/y/z", true, true),
            ("**/z", "x/yz", true, false),
            ("x/**/z", "x/z", true, true),
            ("x/**/z", "x/a/b/z", true, true),
            ("x/**/z", "xz", true, false),
            ("x/**", "x/a/b", true, true),
            ("x/**", "x", true, false),
            ("**", "a/b/c", true, true),
            ("x**", "xy/z", true, false), // `**` inside a component is one star
            ("x**z", "xyyz", true, true),
            ("x**z", "xy/yz", true, false),
            ("**z", "a/z", true, false),
            ("x/**\\/z", "x/a/z", true, true),
            ("[abc]", "b", true, true),
            ("[abc]", "x", true, false),
            ("[!abc]", "x", true, true),
            ("[^abc]", "a", true, false),
            ("[a-f]1", "c1", true, true),
            ("[a-f]1", "g1", true, false),
            ("[]x]", "]", true, true),
            ("[!]x]", "]", true, false),
            ("[a-]", "-", true, true),
            ("[-a]", "-", true, true),
            ("[\\]]", "]", true, true),
            ("[a\\-z]", "m", true, false),
            ("[a\\-z]", "-", true, true),
            ("[[:digit:]x]", "7", true, true),
            ("[[:digit:]x]", "x", true, true),
            ("[[:upper:]]", "q", true, false),
            ("[[:space:]]", "\t", true, true),
            ("[[:space:]]", "\x0b", true, false), // git: no vertical tab
            ("[[:punct:]]", "!", true, true),
            ("[[:nope:]]", "n", true, false),
            ("[[:digit:]", "1", true, false), // unterminated
            ("[abc", "a", true, false),
            ("[[]", "[", true, true),
            ("[[:]", "[", true, true),
            ("[/]", "/", true, false),
            ("[!a]", "/", true, false),
            ("\\*", "*", true, true),
            ("\\*", "a", true, false),
            ("\\", "\\", true, false),
            ("a\\", "a", true, false),
            ("\\[x]", "[x]", true, true),
            (
                "*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b",
                &"a".repeat(80),
                true,
                false,
            ),
            ("**/*a*a*a*a*a*a*a*a*b", &"a/".repeat(40), true, false),
        ];
        for &(pattern, text, pathname, want) in cases {
            assert_eq!(
                wildmatch(pattern.as_bytes(), text.as_bytes(), pathname),
                want,
                "wildmatch({pattern:?}, {text:?}, pathname={pathname})"
            );
        }
    }
}
