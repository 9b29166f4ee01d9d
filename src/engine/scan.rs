//! From text to findings: candidate matches (windowed, or the whole-text
//! reference), secret extraction, entropy, allowlists, inline markers,
//! generic de-duplication, positions and the final sort.

use std::cell::OnceCell;
use std::collections::BTreeSet;
use std::ops::ControlFlow;

use regex_automata::{Anchored, Input};

use super::finding::{Finding, entropy, fingerprint, mask, round2};
use super::pattern::Pattern;
use super::rules::{Problem, ProblemKind, Rule, Subject};
use super::window::{self, Span};
use super::{RuleSet, ScanOptions};

/// The markers that suppress every finding on their line.
const INLINE_MARKERS: [&str; 2] = ["leakguard:allow", "gitleaks:allow"];

/// How candidate matches are found.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Strategy {
    /// Prefilter and windows: the engine.
    Windowed,
    /// Every regex over the whole text, keywords checked naively: the
    /// reference the engine must agree with.
    WholeText,
}

/// A finding before it is given positions and formatted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Candidate {
    rule: usize,
    /// The secret.
    start: usize,
    end: usize,
}

/// A document being scanned, with what is worked out about it on demand
/// (most documents have no candidate at all and never need it).
struct Doc<'a> {
    text: &'a str,
    path: Option<&'a str>,
    lines: OnceCell<Lines>,
    markers: OnceCell<Vec<usize>>,
}

impl<'a> Doc<'a> {
    fn new(text: &'a str, path: Option<&'a str>) -> Self {
        Doc {
            text,
            path,
            lines: OnceCell::new(),
            markers: OnceCell::new(),
        }
    }

    fn lines(&self) -> &Lines {
        self.lines.get_or_init(|| Lines::new(self.text))
    }

    /// Sorted byte offsets of the inline markers.
    fn markers(&self) -> &[usize] {
        self.markers.get_or_init(|| {
            let mut out: Vec<usize> = INLINE_MARKERS
                .iter()
                .flat_map(|m| self.text.match_indices(m).map(|(i, _)| i))
                .collect();
            out.sort_unstable();
            out
        })
    }
}

/// Byte offsets of the text's line breaks, to find lines quickly.
struct Lines {
    breaks: Vec<usize>,
    len: usize,
}

impl Lines {
    fn new(text: &str) -> Lines {
        let breaks = memchr::memchr_iter(b'\n', text.as_bytes()).collect();
        Lines {
            breaks,
            len: text.len(),
        }
    }

    /// 0-based line of byte `at`.
    fn line_of(&self, at: usize) -> usize {
        self.breaks.partition_point(|&b| b < at)
    }

    /// Start of line `line`.
    fn start(&self, line: usize) -> usize {
        if line == 0 {
            0
        } else {
            self.breaks[line - 1] + 1
        }
    }

    /// End of line `line` (its `\n`, or the end of the text).
    fn end(&self, line: usize) -> usize {
        self.breaks.get(line).copied().unwrap_or(self.len)
    }

    /// The lines touched by `span`, without the final line break.
    fn around(&self, span: Span) -> Span {
        let last = span.1.max(span.0 + 1) - 1;
        (
            self.start(self.line_of(span.0)),
            self.end(self.line_of(last.max(span.0))),
        )
    }
}

impl RuleSet {
    /// Scan one document; rule-file problems met on the way (a regex that
    /// fails to compile on first use) go to `problems`.
    pub(crate) fn scan_document(
        &self,
        text: &str,
        opts: &ScanOptions,
        strategy: Strategy,
        problems: &mut BTreeSet<Problem>,
    ) -> Vec<Finding> {
        let doc = Doc::new(text, opts.path.as_deref());
        let occurrences = match (strategy, self.prefilter()) {
            (Strategy::Windowed, Some(pf)) => Some(pf.occurrences(text, self.rules.len())),
            _ => None,
        };
        let mut candidates: Vec<Candidate> = Vec::new();
        let full = |n: usize| opts.max_findings.is_some_and(|max| n > max);
        'rules: for (index, rule) in self.rules.iter().enumerate() {
            let windowed = occurrences.as_ref().map(|occ| occ[index].as_slice());
            if !rule.keywords.is_empty() && windowed.is_some_and(<[Span]>::is_empty) {
                // None of its keywords occurs: the rule cannot report, and
                // its regex is not even compiled.
                continue;
            }
            if let Some(p) = &rule.path {
                match p.get() {
                    Ok(re) => {
                        if !doc.path.is_some_and(|p| re.is_match(p)) {
                            continue;
                        }
                    }
                    Err(e) => {
                        problems.insert(Problem::new(
                            Some(&rule.id),
                            ProblemKind::Regex,
                            format!("path: {e}; rule skipped"),
                        ));
                        continue;
                    }
                }
            }
            let Some(compiled) = rule.pattern() else {
                // A path-only rule reports the document itself.
                let c = Candidate {
                    rule: index,
                    start: 0,
                    end: 0,
                };
                if !self.allowed(rule, c, (0, 0), &doc) {
                    candidates.push(c);
                }
                continue;
            };
            let pattern = match compiled {
                Ok(p) => p,
                Err(e) => {
                    problems.insert(Problem::new(
                        Some(&rule.id),
                        ProblemKind::Regex,
                        format!("regex: {e}; rule skipped"),
                    ));
                    continue;
                }
            };
            let mut on_match = |m: Span| {
                let (start, end) = secret_span(text, rule, pattern, m);
                if start < end {
                    let c = Candidate {
                        rule: index,
                        start,
                        end,
                    };
                    if !self.allowed(rule, c, m, &doc) {
                        candidates.push(c);
                        if full(candidates.len()) {
                            return ControlFlow::Break(());
                        }
                    }
                }
                ControlFlow::Continue(())
            };
            let flow = match windowed {
                Some(occ) => windowed_matches(text, rule, pattern, occ, &mut on_match),
                None => whole_text_matches(text, rule, pattern, &mut on_match),
            };
            if flow.is_break() {
                break 'rules;
            }
        }
        self.finish(&doc, candidates, opts)
    }

    /// Entropy, allowlists and inline markers: whether `c` (found in match
    /// `m`) is suppressed.
    fn allowed(&self, rule: &Rule, c: Candidate, m: Span, doc: &Doc<'_>) -> bool {
        let text = doc.text;
        let secret = &text[c.start..c.end];
        if rule.regex.is_some() && rule.entropy.is_some_and(|min| entropy(secret) < min) {
            return true;
        }
        let line = doc.lines().around(m);
        // A marker anywhere on the lines of the match.
        let markers = doc.markers();
        let first = markers.partition_point(|&p| p < line.0);
        if markers.get(first).is_some_and(|&p| p < line.1) {
            return true;
        }
        let subject = Subject {
            secret,
            matched: &text[m.0..m.1],
            line: &text[line.0..line.1],
            path: doc.path,
        };
        rule.allowlists.iter().any(|a| a.allows(&subject))
            || self
                .allowlists
                .iter()
                .any(|a| a.applies_to(&rule.id) && a.allows(&subject))
    }

    /// Generic de-duplication, sorting, positions and formatting.
    fn finish(
        &self,
        doc: &Doc<'_>,
        mut candidates: Vec<Candidate>,
        opts: &ScanOptions,
    ) -> Vec<Finding> {
        let text = doc.text;
        candidates.sort_by(|a, b| {
            (a.start, a.end)
                .cmp(&(b.start, b.end))
                .then_with(|| self.rules[a.rule].id.cmp(&self.rules[b.rule].id))
        });
        candidates.dedup();
        // A generic finding gives way to a specific one on the same secret.
        let specific: BTreeSet<Span> = candidates
            .iter()
            .filter(|c| !self.rules[c.rule].generic)
            .map(|c| (c.start, c.end))
            .collect();
        candidates.retain(|c| !self.rules[c.rule].generic || !specific.contains(&(c.start, c.end)));

        // Each secret's first and last character, located in one ordered
        // pass so that many findings on one long line stay linear.
        let last_char = |c: &Candidate| {
            text[..c.end]
                .char_indices()
                .next_back()
                .map_or(c.start, |(i, _)| i.max(c.start))
        };
        let mut offsets: Vec<usize> = candidates
            .iter()
            .flat_map(|c| [c.start, last_char(c)])
            .collect();
        offsets.sort_unstable();
        offsets.dedup();
        let mut locator = Locator::new(text, doc.lines());
        let positions: Vec<(usize, usize)> = offsets.iter().map(|&o| locator.locate(o)).collect();
        let position = |at: usize| positions[offsets.partition_point(|&o| o < at)];
        candidates
            .into_iter()
            .map(|c| {
                let rule = &self.rules[c.rule];
                let secret = &text[c.start..c.end];
                let (line, column) = position(c.start);
                let (end_line, end_column) = position(last_char(&c));
                let (secret_shown, fp) = if c.start == c.end {
                    // A path-only finding: the path stands in for the secret.
                    let p = opts.path.as_deref().unwrap_or_default();
                    (String::new(), fingerprint(&rule.id, p))
                } else if opts.reveal {
                    (secret.to_owned(), fingerprint(&rule.id, secret))
                } else {
                    (mask(secret), fingerprint(&rule.id, secret))
                };
                Finding {
                    rule: rule.id.clone(),
                    description: rule.description.clone(),
                    severity: rule.severity,
                    tags: rule.tags.clone(),
                    document: opts.document.clone(),
                    path: opts.path.clone(),
                    line,
                    column,
                    end_line,
                    end_column,
                    start: c.start,
                    end: c.end,
                    secret: secret_shown,
                    entropy: round2(entropy(secret)),
                    fingerprint: fp,
                    commit: None,
                    author: None,
                    email: None,
                    date: None,
                    message: None,
                }
            })
            .collect()
    }
}

/// Every non-empty match of `pattern` in the windows around the rule's
/// keyword occurrences that overlaps one of them, in order; the whole text
/// for a rule without keywords.
fn windowed_matches(
    text: &str,
    rule: &Rule,
    pattern: &Pattern,
    occ: &[Span],
    f: &mut dyn FnMut(Span) -> ControlFlow<()>,
) -> ControlFlow<()> {
    if rule.keywords.is_empty() {
        return each_match(text, pattern, (0, text.len()), f);
    }
    let longest = rule.keywords.iter().map(String::len).max().unwrap_or(0);
    for w in window::windows(text.as_bytes(), occ, &pattern.stops) {
        each_match(text, pattern, w, &mut |m| {
            if window::overlaps_any(occ, longest, m) {
                f(m)
            } else {
                ControlFlow::Continue(())
            }
        })?;
    }
    ControlFlow::Continue(())
}

/// The reference: every non-empty match over the whole text that overlaps
/// one of the rule's keywords, checked naively.
fn whole_text_matches(
    text: &str,
    rule: &Rule,
    pattern: &Pattern,
    f: &mut dyn FnMut(Span) -> ControlFlow<()>,
) -> ControlFlow<()> {
    each_match(text, pattern, (0, text.len()), &mut |m| {
        if rule.keywords.is_empty()
            || window::keyword_overlaps_naive(text.as_bytes(), &rule.keywords, m)
        {
            f(m)
        } else {
            ControlFlow::Continue(())
        }
    })
}

/// Each non-empty match within `range`, the text around it visible to
/// `\b`, `^` and `$`.
fn each_match(
    text: &str,
    pattern: &Pattern,
    range: Span,
    f: &mut dyn FnMut(Span) -> ControlFlow<()>,
) -> ControlFlow<()> {
    for m in pattern
        .regex
        .find_iter(Input::new(text).range(range.0..range.1))
    {
        if !m.is_empty() {
            f((m.start(), m.end()))?;
        }
    }
    ControlFlow::Continue(())
}

/// The secret within match `m`: `secretGroup` if set, else group 1 if the
/// regex has groups, else the whole match; a group that did not take part
/// gives way to the first that did, then to the whole match.
fn secret_span(text: &str, rule: &Rule, pattern: &Pattern, m: Span) -> Span {
    if pattern.groups == 0 {
        return m;
    }
    let mut caps = pattern.regex.create_captures();
    let input = Input::new(text).range(m.0..m.1).anchored(Anchored::Yes);
    pattern.regex.search_captures(&input, &mut caps);
    let wanted = rule.secret_group.unwrap_or(1);
    caps.get_group(wanted)
        .or_else(|| (1..=pattern.groups).find_map(|g| caps.get_group(g)))
        .map_or(m, |s| (s.start, s.end))
}

/// Turns byte offsets into 1-based (line, column in characters). Queries
/// come mostly in increasing order; each continues from the previous one on
/// the same line, so a long line is not recounted for every finding.
struct Locator<'a> {
    text: &'a str,
    lines: &'a Lines,
    /// The last query: offset, line (0-based), column (1-based).
    last: Option<(usize, usize, usize)>,
}

impl<'a> Locator<'a> {
    fn new(text: &'a str, lines: &'a Lines) -> Self {
        Locator {
            text,
            lines,
            last: None,
        }
    }

    fn locate(&mut self, at: usize) -> (usize, usize) {
        let line = self.lines.line_of(at);
        let (from, col) = match self.last {
            Some((p, l, c)) if l == line && p <= at => (p, c),
            _ => (self.lines.start(line), 1),
        };
        let col = col + count_chars(&self.text.as_bytes()[from..at]);
        self.last = Some((at, line, col));
        (line + 1, col)
    }
}

fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_locator_by_case() {
        let text = "ab\nçd€f\r\n\nxyz";
        let lines = Lines::new(text);
        let mut loc = Locator::new(text, &lines);
        // (byte offset, line, column)
        let cases: &[(usize, usize, usize)] = &[
            (0, 1, 1),
            (1, 1, 2),
            (2, 1, 3),
            (3, 2, 1),
            (5, 2, 2),
            (6, 2, 3),
            (9, 2, 4),
            (10, 2, 5),
            (12, 3, 1),
            (13, 4, 1),
            (15, 4, 3),
            (0, 1, 1),
        ];
        for &(at, line, col) in cases {
            assert_eq!(loc.locate(at), (line, col), "offset {at}");
        }
        assert_eq!(lines.around((3, 5)), (3, 11));
        assert_eq!(lines.around((0, 4)), (0, 11));
        assert_eq!(lines.around((12, 12)), (12, 12));
    }
}
