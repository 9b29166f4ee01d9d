//! Rule regexes: Go (RE2) syntax in, a compiled Rust regex out.
//!
//! Rule files are written for Go's `regexp` (gitleaks' dialect), which the
//! Rust regex parser mostly accepts. Where the two disagree, the pattern is
//! brought to Go's meaning before it is compiled:
//!
//! | construct | Go | what happens here |
//! | --- | --- | --- |
//! | `\w \d \s \b` (and negations) | ASCII only | rewritten to ASCII classes; `\s` is `[\t\n\f\r ]` |
//! | `\Q...\E` | literal text | expanded to escaped literals |
//! | `[` inside a class | a literal `[` | escaped (Rust would open a nested class) |
//! | `&&`, `~~` inside a class | literals | escaped (Rust: set operations) |
//! | `{` not starting `{n}`, `{n,}`, `{n,m}` | a literal `{` | escaped |
//! | `\pL`, `\p{Greek}` | Unicode classes | refused: the module carries no Unicode class tables |
//! | look-around, backreferences, `\C` | refused | refused, with the parser's reason |
//!
//! `(?i)` folds case with Unicode simple case folding, as Go does. Matching
//! happens on UTF-8 text, so `.` and negated classes match whole characters.

use std::fmt;

use regex_automata::meta;
use regex_syntax::ast::{self, Ast, ClassPerlKind, ClassSet, ClassSetItem};
use regex_syntax::hir::{Class, Hir, HirKind};

use super::window::Stops;

/// Largest compiled NFA of one rule regex. Real secret patterns stay far
/// below this; a pattern above it (say `\w{1000}{1000}`) is refused instead
/// of taking the instance's memory.
const NFA_SIZE_LIMIT: usize = 4 << 20;
/// Most memory the lazy DFA of one regex may use for its state cache.
const DFA_CACHE_CAPACITY: usize = 1 << 20;
/// How deeply groups may nest in a pattern.
const NEST_LIMIT: u32 = 100;

/// Why a pattern cannot be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PatternError(String);

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for PatternError {}

/// A compiled rule regex and what the scanner needs to know about it.
#[derive(Clone, Debug)]
pub(crate) struct Pattern {
    pub(crate) regex: meta::Regex,
    /// Explicit capture groups (group 0 not counted).
    pub(crate) groups: usize,
    /// Bytes that can occur in no match, at which the windows around a
    /// keyword stop (see `super::window`).
    pub(crate) stops: Stops,
}

/// A set of bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub(crate) struct ByteSet([u64; 4]);

impl ByteSet {
    pub(crate) fn contains(&self, b: u8) -> bool {
        self.0[usize::from(b >> 6)] & (1 << (b & 63)) != 0
    }

    fn insert_range(&mut self, lo: u8, hi: u8) {
        for b in lo..=hi {
            self.0[usize::from(b >> 6)] |= 1 << (b & 63);
        }
    }

    fn complement(self) -> ByteSet {
        ByteSet(self.0.map(|w| !w))
    }
}

/// Parse `pattern` with Go's meaning into a syntax tree.
pub(crate) fn parse(pattern: &str) -> Result<Hir, PatternError> {
    let prepared = go_literals(pattern);
    let mut tree = ast::parse::ParserBuilder::new()
        .nest_limit(NEST_LIMIT)
        .build()
        .parse(&prepared)
        .map_err(|e| PatternError(describe_ast_error(e.kind())))?;
    if has_nested_repetition(&tree) {
        return Err(PatternError(
            "nested repetition operator (such as the possessive `a++` or `a*+`) is not supported"
                .to_owned(),
        ));
    }
    if has_unicode_class(&tree) {
        // Refused whatever the build's Unicode tables: test builds (whose
        // dev-dependencies enable them) must behave like the module.
        return Err(PatternError(UNICODE_CLASSES.to_owned()));
    }
    ascii_perl_classes(&mut tree);
    regex_syntax::hir::translate::TranslatorBuilder::new()
        .build()
        .translate(&prepared, &tree)
        .map_err(|e| PatternError(describe_hir_error(e.kind())))
}

/// Compile `pattern` (Go syntax) for searching.
pub(crate) fn compile(pattern: &str) -> Result<Pattern, PatternError> {
    let hir = parse(pattern)?;
    let regex = builder()
        .build_from_hir(&hir)
        .map_err(|e| PatternError(format!("cannot compile: {e}")))?;
    Ok(Pattern {
        regex,
        groups: hir.properties().explicit_captures_len(),
        stops: Stops::of(&barrier(&hir)),
    })
}

/// Compile `pattern` (Go syntax) for yes/no tests (allowlists, paths).
pub(crate) fn compile_test(pattern: &str) -> Result<meta::Regex, PatternError> {
    let hir = parse(pattern)?;
    builder()
        .build_from_hir(&hir)
        .map_err(|e| PatternError(format!("cannot compile: {e}")))
}

fn builder() -> meta::Builder {
    let mut b = meta::Builder::new();
    b.configure(
        meta::Config::new()
            .nfa_size_limit(Some(NFA_SIZE_LIMIT))
            .hybrid_cache_capacity(DFA_CACHE_CAPACITY),
    );
    b
}

fn describe_ast_error(kind: &ast::ErrorKind) -> String {
    match kind {
        ast::ErrorKind::UnsupportedLookAround => {
            "look-around ((?=, (?!, (?<=, (?<!) is not supported".to_owned()
        }
        ast::ErrorKind::UnsupportedBackreference => "backreferences are not supported".to_owned(),
        other => other.to_string(),
    }
}

const UNICODE_CLASSES: &str = "Unicode property classes (\\p{...}) are not supported";

fn describe_hir_error(kind: &regex_syntax::hir::ErrorKind) -> String {
    use regex_syntax::hir::ErrorKind as K;
    match kind {
        K::UnicodePropertyNotFound | K::UnicodePropertyValueNotFound | K::UnicodeNotAllowed => {
            UNICODE_CLASSES.to_owned()
        }
        other => other.to_string(),
    }
}

/// Whether a repetition operator applies directly to another (`a++`,
/// `a*+`, `a{2}{3}`): possessive quantifiers elsewhere, refused by Go.
fn has_nested_repetition(tree: &Ast) -> bool {
    match tree {
        Ast::Repetition(r) => matches!(*r.ast, Ast::Repetition(_)) || has_nested_repetition(&r.ast),
        Ast::Group(g) => has_nested_repetition(&g.ast),
        Ast::Alternation(a) => a.asts.iter().any(has_nested_repetition),
        Ast::Concat(c) => c.asts.iter().any(has_nested_repetition),
        _ => false,
    }
}

/// Whether the pattern uses a Unicode property class (`\pL`, `[\p{Greek}]`).
fn has_unicode_class(tree: &Ast) -> bool {
    fn in_set(set: &ClassSet) -> bool {
        match set {
            ClassSet::Item(item) => in_item(item),
            ClassSet::BinaryOp(op) => in_set(&op.lhs) || in_set(&op.rhs),
        }
    }
    fn in_item(item: &ClassSetItem) -> bool {
        match item {
            ClassSetItem::Unicode(_) => true,
            ClassSetItem::Bracketed(class) => in_set(&class.kind),
            ClassSetItem::Union(u) => u.items.iter().any(in_item),
            _ => false,
        }
    }
    match tree {
        Ast::ClassUnicode(_) => true,
        Ast::ClassBracketed(class) => in_set(&class.kind),
        Ast::Repetition(r) => has_unicode_class(&r.ast),
        Ast::Group(g) => has_unicode_class(&g.ast),
        Ast::Alternation(a) => a.asts.iter().any(has_unicode_class),
        Ast::Concat(c) => c.asts.iter().any(has_unicode_class),
        _ => false,
    }
}

/// The Go-vs-Rust differences that are visible before parsing: `\Q...\E`,
/// a literal `[`, `&&` or `~~` inside a class, and a `{` that does not start
/// a counted repetition. Everything else is copied unchanged.
fn go_literals(pattern: &str) -> String {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::with_capacity(pattern.len() + 8);
    let mut i = 0;
    let mut in_class = false;
    // Just after `[` or `[^`, where `]` is a literal, not the end.
    let mut class_start = false;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' {
            match chars.get(i + 1) {
                Some('Q') => {
                    let mut j = i + 2;
                    while j < chars.len() && !(chars[j] == '\\' && chars.get(j + 1) == Some(&'E')) {
                        if regex_syntax::is_meta_character(chars[j]) {
                            out.push('\\');
                        }
                        out.push(chars[j]);
                        j += 1;
                    }
                    i = (j + 2).min(chars.len());
                }
                Some(&next) => {
                    out.push('\\');
                    out.push(next);
                    i += 2;
                    // `\x{41}`, `\p{Greek}`: the braces belong to the escape.
                    if matches!(next, 'x' | 'p' | 'P') && chars.get(i) == Some(&'{') {
                        while i < chars.len() {
                            out.push(chars[i]);
                            i += 1;
                            if chars[i - 1] == '}' {
                                break;
                            }
                        }
                    }
                }
                None => {
                    out.push('\\');
                    i += 1;
                }
            }
            class_start = false;
            continue;
        }
        if in_class {
            if c == ']' && !class_start {
                in_class = false;
                out.push(']');
                i += 1;
                continue;
            }
            class_start = false;
            if c == '['
                && chars.get(i + 1) == Some(&':')
                && let Some(end) = find_posix_end(&chars, i + 2)
            {
                out.extend(&chars[i..end]);
                i = end;
                continue;
            }
            if c == '[' || ((c == '&' || c == '~') && chars.get(i + 1) == Some(&c)) {
                out.push('\\');
            }
            out.push(c);
            i += 1;
            continue;
        }
        match c {
            '[' => {
                in_class = true;
                class_start = true;
                out.push('[');
                i += 1;
                if chars.get(i) == Some(&'^') {
                    out.push('^');
                    i += 1;
                }
            }
            '{' if !counted_repetition(&chars[i..]) => {
                out.push_str("\\{");
                i += 1;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

/// The index just past the `:]` that closes a POSIX class opened at `from`.
fn find_posix_end(chars: &[char], from: usize) -> Option<usize> {
    let mut j = from;
    while j + 1 < chars.len() {
        if chars[j] == ':' && chars[j + 1] == ']' {
            return Some(j + 2);
        }
        if !(chars[j].is_ascii_alphabetic() || chars[j] == '^') {
            return None;
        }
        j += 1;
    }
    None
}

/// Whether `s` starts with `{n}`, `{n,}` or `{n,m}`.
fn counted_repetition(s: &[char]) -> bool {
    let mut i = 1;
    let digits = |i: &mut usize| {
        let start = *i;
        while s.get(*i).is_some_and(char::is_ascii_digit) {
            *i += 1;
        }
        *i > start
    };
    if !digits(&mut i) {
        return false;
    }
    if s.get(i) == Some(&',') {
        i += 1;
        digits(&mut i);
    }
    s.get(i) == Some(&'}')
}

/// Give `\d`, `\s`, `\w` and word boundaries Go's ASCII meaning.
fn ascii_perl_classes(tree: &mut Ast) {
    match tree {
        Ast::ClassPerl(perl) => {
            let class = ascii_class(perl);
            *tree = Ast::class_bracketed(class);
        }
        Ast::ClassBracketed(class) => ascii_in_set(&mut class.kind),
        Ast::Assertion(a) if is_word_boundary(&a.kind) => {
            let span = a.span;
            let inner = std::mem::replace(tree, Ast::empty(span));
            *tree = Ast::group(ast::Group {
                span,
                kind: ast::GroupKind::NonCapturing(ast::Flags {
                    span,
                    items: vec![
                        ast::FlagsItem {
                            span,
                            kind: ast::FlagsItemKind::Negation,
                        },
                        ast::FlagsItem {
                            span,
                            kind: ast::FlagsItemKind::Flag(ast::Flag::Unicode),
                        },
                    ],
                }),
                ast: Box::new(inner),
            });
        }
        Ast::Repetition(r) => ascii_perl_classes(&mut r.ast),
        Ast::Group(g) => ascii_perl_classes(&mut g.ast),
        Ast::Alternation(a) => a.asts.iter_mut().for_each(ascii_perl_classes),
        Ast::Concat(c) => c.asts.iter_mut().for_each(ascii_perl_classes),
        _ => {}
    }
}

fn ascii_in_set(set: &mut ClassSet) {
    match set {
        ClassSet::Item(item) => ascii_in_item(item),
        ClassSet::BinaryOp(op) => {
            ascii_in_set(&mut op.lhs);
            ascii_in_set(&mut op.rhs);
        }
    }
}

fn ascii_in_item(item: &mut ClassSetItem) {
    match item {
        ClassSetItem::Perl(perl) => *item = ClassSetItem::Bracketed(Box::new(ascii_class(perl))),
        ClassSetItem::Bracketed(class) => ascii_in_set(&mut class.kind),
        ClassSetItem::Union(u) => u.items.iter_mut().for_each(ascii_in_item),
        _ => {}
    }
}

fn is_word_boundary(kind: &ast::AssertionKind) -> bool {
    use ast::AssertionKind as K;
    !matches!(kind, K::StartLine | K::EndLine | K::StartText | K::EndText)
}

/// The ASCII class Go gives a Perl class: `\d` = `[0-9]`, `\w` =
/// `[0-9A-Za-z_]`, `\s` = `[\t\n\f\r ]`.
fn ascii_class(perl: &ast::ClassPerl) -> ast::ClassBracketed {
    let span = perl.span;
    let lit = |c: char| ast::Literal {
        span,
        kind: ast::LiteralKind::Verbatim,
        c,
    };
    let range = |a: char, b: char| {
        ClassSetItem::Range(ast::ClassSetRange {
            span,
            start: lit(a),
            end: lit(b),
        })
    };
    let items = match perl.kind {
        ClassPerlKind::Digit => vec![range('0', '9')],
        ClassPerlKind::Word => vec![
            range('0', '9'),
            range('A', 'Z'),
            range('a', 'z'),
            ClassSetItem::Literal(lit('_')),
        ],
        ClassPerlKind::Space => ['\t', '\n', '\x0C', '\r', ' ']
            .into_iter()
            .map(|c| ClassSetItem::Literal(lit(c)))
            .collect(),
    };
    ast::ClassBracketed {
        span,
        negated: perl.negated,
        kind: ClassSet::Item(ClassSetItem::Union(ast::ClassSetUnion { span, items })),
    }
}

/// The bytes that can occur in no match of `hir`.
pub(crate) fn barrier(hir: &Hir) -> ByteSet {
    possible_bytes(hir).complement()
}

/// Every byte that can occur in some match of `hir` (an over-approximation:
/// any non-ASCII character admits every byte >= 0x80).
fn possible_bytes(hir: &Hir) -> ByteSet {
    let mut set = ByteSet::default();
    let mut stack = vec![hir];
    while let Some(h) = stack.pop() {
        match h.kind() {
            HirKind::Empty | HirKind::Look(_) => {}
            HirKind::Literal(lit) => {
                for &b in lit.0.iter() {
                    set.insert_range(b, b);
                }
            }
            HirKind::Class(Class::Unicode(class)) => {
                for r in class.iter() {
                    let (lo, hi) = (u32::from(r.start()), u32::from(r.end()));
                    if lo <= 0x7F {
                        // Both fit in a byte here: lo <= 0x7F, and hi is capped.
                        set.insert_range(lo as u8, hi.min(0x7F) as u8);
                    }
                    if hi > 0x7F {
                        set.insert_range(0x80, 0xFF);
                    }
                }
            }
            HirKind::Class(Class::Bytes(class)) => {
                for r in class.iter() {
                    set.insert_range(r.start(), r.end());
                }
            }
            HirKind::Repetition(r) => stack.push(&r.sub),
            HirKind::Capture(c) => stack.push(&c.sub),
            HirKind::Concat(hs) | HirKind::Alternation(hs) => stack.extend(hs.iter()),
        }
    }
    set
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_semantics_by_case() {
        // (pattern, text, whole match expected or None)
        let cases: &[(&str, &str, Option<&str>)] = &[
            (r"\w+", "é_ab9", Some("_ab9")),
            (r"\d+", "٣12", Some("12")),
            (r"a\sb", "a\u{0B}b", None),
            (r"a\sb", "a\tb", Some("a\tb")),
            (r"[\w.]+", "éx.y", Some("x.y")),
            (r"[^\s]+", " ab ", Some("ab")),
            (r"\W", "aé", Some("é")),
            (r"\bkey\b", "ékey", Some("key")),
            (r"\Qa.b\E+", "a.bb", Some("a.bb")),
            (r"\Qa.b", "axb a.b", Some("a.b")),
            (r"[[]+", "x[[", Some("[[")),
            (r"[a&&b]+", "&&ab", Some("&&ab")),
            (r"[[:digit:]x]+", "a1x2", Some("1x2")),
            (r"a{,3}", "a{,3}", Some("a{,3}")),
            (r"{x}", "a{x}", Some("{x}")),
            (r"a{2}", "aaa", Some("aa")),
            (r"\x{41}+", "xAA", Some("AA")),
            (r"[\x{41}-\x{43}]+", "xABCD", Some("ABC")),
            (r"a{2,}", "aaa", Some("aaa")),
            (r"(?:a+)+", "aaa", Some("aaa")),
            (r"a+?b", "aab", Some("aab")),
            (r"(?i)token", "TOKEN", Some("TOKEN")),
            (r"[]a]+", "]a]", Some("]a]")),
            (r"[^]a]+", "]xy", Some("xy")),
        ];
        for (pat, text, want) in cases {
            let p = compile(pat).unwrap_or_else(|e| panic!("{pat}: {e}"));
            let got = p.regex.find(text).map(|m| &text[m.range()]);
            assert_eq!(got, *want, "pattern {pat:?} on {text:?}");
        }
    }

    #[test]
    fn refused_by_case() {
        let cases: &[(&str, &str)] = &[
            (r"a(?=b)", "look-around"),
            (r"a(?!b)", "look-around"),
            (r"(?<=a)b", "look-around"),
            (r"(a)\1", "backreferences"),
            (r"\pL", "Unicode property"),
            (r"\p{Greek}", "Unicode property"),
            (r"[a\pN]", "Unicode property"),
            (r"(x|[^\PL])", "Unicode property"),
            (r"a++", "possessive"),
            (r"a*+", "possessive"),
            (r"a{2}{3}", "nested repetition"),
            (r"(", ""),
            (r"\C", ""),
        ];
        for (pat, want) in cases {
            let err = compile(pat).expect_err(pat).to_string();
            assert!(err.contains(want), "{pat}: {err}");
            assert!(!err.contains('\n'), "{pat}: one line: {err}");
        }
    }

    #[test]
    fn barrier_bytes() {
        let barrier_of = |re: &str| barrier(&parse(re).unwrap());
        let p = barrier_of(r"ghp_[0-9a-zA-Z]{36}");
        for b in [b'\n', b' ', b'"', b'-', 0xC3] {
            assert!(p.contains(b), "{b}");
        }
        for b in [b'g', b'_', b'Z', b'0'] {
            assert!(!p.contains(b), "{b}");
        }
        let p = barrier_of(r"(?s)a.b");
        assert!(!p.contains(b'\n') && !p.contains(0xC3));
        let p = barrier_of(r"(?i)k");
        // Kelvin sign folds to k: non-ASCII bytes are possible.
        assert!(!p.contains(0xE2) && !p.contains(b'K'));
    }

    #[test]
    fn group_counts() {
        assert_eq!(compile("a(b)(?:c)(?P<d>e)").unwrap().groups, 2);
        assert_eq!(compile("abc").unwrap().groups, 0);
    }
}
