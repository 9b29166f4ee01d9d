//! The prefilter and the windows it yields.
//!
//! One Aho-Corasick pass finds every occurrence of every rule's keywords
//! (ASCII case-insensitively, overlapping, so a keyword inside another is
//! found too). A rule reports a match only if one of its keyword occurrences
//! overlaps that match, so it is enough to search near the occurrences.
//!
//! How near, exactly: for each rule, the bytes no match of its regex can
//! contain are *barriers* (for most rules: newline, quotes, spaces, ...); up
//! to three of them, the likeliest in text, are the rule's *stops*. A match
//! that overlaps an occurrence lies between the last stop before the
//! occurrence and the first stop after it, so that span is the window. It
//! is also exact: a match of the whole-text search cannot cross a stop, so
//! the whole-text search is at a match boundary just after one, which makes
//! a search started there report the very same matches. The
//! windows of one rule are merged when they touch; together they are
//! scanned once, so a rule's work is linear in the text even when the text
//! is one 5 MB line full of keywords.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

use super::pattern::ByteSet;
use super::rules::Rule;

/// A keyword occurrence or a window: byte offsets, end exclusive.
pub(crate) type Span = (usize, usize);

/// The keyword automaton of a rule set.
#[derive(Debug)]
pub(crate) struct Prefilter {
    keywords: Vec<String>,
    /// The automaton that is cheap to build (an NFA, about a millisecond for
    /// a few hundred keywords), used first so a fresh instance answers fast.
    nfa: Option<AhoCorasick>,
    /// The automaton that is fast to run (a DFA, several times faster than
    /// the NFA but slower to build), built once the set has scanned enough
    /// text to pay for it.
    dfa: OnceLock<Option<AhoCorasick>>,
    scanned: AtomicUsize,
    /// Pattern index -> the rules that have that keyword.
    rules_of: Vec<Vec<usize>>,
}

/// Bytes a rule set scans with the NFA before it builds the DFA: about
/// where the DFA's build time is repaid by its speed.
const DFA_AFTER_BYTES: usize = 1 << 20;

impl Prefilter {
    /// Build the automaton over the distinct keywords of `rules`. `None` if
    /// it cannot be built (then the caller uses the whole-text search).
    pub(crate) fn new(rules: &[Rule]) -> Option<Prefilter> {
        let mut keywords: Vec<String> = Vec::new();
        let mut rules_of: Vec<Vec<usize>> = Vec::new();
        for (i, rule) in rules.iter().enumerate() {
            for k in &rule.keywords {
                match keywords.iter().position(|x| x == k) {
                    Some(p) => rules_of[p].push(i),
                    None => {
                        keywords.push(k.clone());
                        rules_of.push(vec![i]);
                    }
                }
            }
        }
        let nfa = if keywords.is_empty() {
            None
        } else {
            Some(automaton(&keywords, AhoCorasickKind::ContiguousNFA)?)
        };
        Some(Prefilter {
            keywords,
            nfa,
            dfa: OnceLock::new(),
            scanned: AtomicUsize::new(0),
            rules_of,
        })
    }

    /// Every keyword occurrence in `text`, per rule (indexed like the rule
    /// set), each list sorted.
    pub(crate) fn occurrences(&self, text: &str, rules: usize) -> Vec<Vec<Span>> {
        let mut out: Vec<Vec<Span>> = vec![Vec::new(); rules];
        let Some(nfa) = &self.nfa else {
            return out;
        };
        let before = self.scanned.fetch_add(text.len(), Ordering::Relaxed);
        let ac = if before.saturating_add(text.len()) >= DFA_AFTER_BYTES {
            self.dfa
                .get_or_init(|| automaton(&self.keywords, AhoCorasickKind::DFA))
                .as_ref()
                .unwrap_or(nfa)
        } else {
            nfa
        };
        for m in ac.find_overlapping_iter(text) {
            for &r in &self.rules_of[m.pattern().as_usize()] {
                out[r].push((m.start(), m.end()));
            }
        }
        for list in &mut out {
            // Overlapping search reports by end; windows want starts in order.
            list.sort_unstable();
            list.dedup();
        }
        out
    }
}

/// An ASCII case-insensitive automaton reporting every occurrence of every
/// keyword; both kinds find exactly the same.
fn automaton(keywords: &[String], kind: AhoCorasickKind) -> Option<AhoCorasick> {
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::Standard)
        .kind(Some(kind))
        .build(keywords)
        .ok()
}

/// The barrier bytes a rule's windows stop at: at most three, so they are
/// found with `memchr` at memory speed. Any subset of the barriers keeps
/// the windows exact (only wider), so the bytes chosen are those most
/// likely to occur in text, line breaks first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Stops {
    bytes: [u8; 3],
    len: usize,
}

/// Barrier candidates, most frequent in source code and logs first.
const STOP_PRIORITY: &[u8] = b"\n \"',;()=:{}<>[]\t|&";

impl Stops {
    pub(crate) fn of(barrier: &ByteSet) -> Stops {
        let mut bytes = [0u8; 3];
        let mut len = 0;
        for &b in STOP_PRIORITY {
            if len < bytes.len() && barrier.contains(b) {
                bytes[len] = b;
                len += 1;
            }
        }
        Stops { bytes, len }
    }

    fn find(&self, hay: &[u8]) -> Option<usize> {
        let [a, b, c] = self.bytes;
        match self.len {
            1 => memchr::memchr(a, hay),
            2 => memchr::memchr2(a, b, hay),
            3 => memchr::memchr3(a, b, c, hay),
            _ => None,
        }
    }

    fn rfind(&self, hay: &[u8]) -> Option<usize> {
        let [a, b, c] = self.bytes;
        match self.len {
            1 => memchr::memrchr(a, hay),
            2 => memchr::memrchr2(a, b, hay),
            3 => memchr::memrchr3(a, b, c, hay),
            _ => None,
        }
    }
}

/// The merged windows around `occurrences` (sorted) for a rule whose
/// matches cannot contain a byte of `stops`. Linear in the text: every byte
/// is looked at at most once backwards and once forwards.
pub(crate) fn windows(text: &[u8], occurrences: &[Span], stops: &Stops) -> Vec<Span> {
    if stops.len == 0 {
        // Nothing to stop at: one window, the whole text.
        return if occurrences.is_empty() {
            Vec::new()
        } else {
            vec![(0, text.len())]
        };
    }
    let mut out: Vec<Span> = Vec::new();
    let next_stop = |from: usize| stops.find(&text[from..]).map_or(text.len(), |p| from + p);
    for &(k0, k1) in occurrences {
        match out.last_mut() {
            // Touches the current window: `end` is a stop (or the end of
            // the text) at or after `k0`, so the window start still holds.
            Some(w) if k0 <= w.1 => {
                if k1 > w.1 {
                    w.1 = next_stop(k1);
                }
            }
            last => {
                // The previous window ends on a stop, which bounds the look
                // back.
                let floor = last.map_or(0, |w| w.1);
                let start = stops
                    .rfind(&text[floor..k0])
                    .map_or(floor, |p| floor + p + 1);
                out.push((start, next_stop(k1)));
            }
        }
    }
    out
}

/// Whether some occurrence overlaps `m`. `occurrences` is sorted and its
/// spans are at most `longest` bytes long.
pub(crate) fn overlaps_any(occurrences: &[Span], longest: usize, m: Span) -> bool {
    let first = occurrences.partition_point(|&(k0, _)| k0 + longest <= m.0);
    occurrences[first..]
        .iter()
        .take_while(|&&(k0, _)| k0 < m.1)
        .any(|&(_, k1)| k1 > m.0)
}

/// The reference check, for the whole-text search: whether a keyword
/// (lowercase ASCII) occurs, ignoring ASCII case, overlapping `m`.
pub(crate) fn keyword_overlaps_naive(text: &[u8], keywords: &[String], m: Span) -> bool {
    keywords.iter().any(|k| {
        let k = k.as_bytes();
        let lo = (m.0 + 1).saturating_sub(k.len());
        let hi = (m.1 + k.len() - 1).min(text.len());
        lo < hi
            && text[lo..hi]
                .windows(k.len())
                .any(|w| w.eq_ignore_ascii_case(k))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::pattern;

    #[test]
    fn windows_by_case() {
        let re = pattern::compile("[a-z]+").unwrap();
        // (text, keyword occurrences, windows)
        let cases: &[(&str, &[Span], &[Span])] = &[
            ("abc def ghi", &[(4, 5)], &[(4, 7)]),
            ("abc def ghi", &[(0, 1)], &[(0, 3)]),
            ("abc def ghi", &[(10, 11)], &[(8, 11)]),
            ("abc def ghi", &[(0, 1), (1, 2)], &[(0, 3)]),
            ("abc def ghi", &[(0, 1), (8, 9)], &[(0, 3), (8, 11)]),
            // A keyword that spans a barrier joins both sides.
            ("abc def ghi", &[(2, 5)], &[(0, 7)]),
            // A keyword that starts on the previous window's end merges.
            ("abc def ghi", &[(0, 1), (3, 5)], &[(0, 7)]),
            ("", &[], &[]),
            ("abc\r\ndef", &[(5, 6)], &[(5, 8)]),
        ];
        for (text, occ, want) in cases {
            assert_eq!(
                windows(text.as_bytes(), occ, &re.stops),
                *want,
                "{text:?} {occ:?}"
            );
        }
    }

    #[test]
    fn stops_by_case() {
        // (regex, stop bytes)
        let cases: &[(&str, &[u8])] = &[
            ("[a-z]+", b"\n \""),
            (r"[^\n]+", b"\n"),
            ("(?s).", b""),
            (r"key\s*=\s*[a-z]+", b"\"',"),
            (r"[^ ]+", b" "),
        ];
        for (re, want) in cases {
            let stops = pattern::compile(re).unwrap().stops;
            assert_eq!(&stops.bytes[..stops.len], *want, "{re}");
        }
        // No stops: the whole text is the one window.
        let all = pattern::compile("(?s).").unwrap().stops;
        assert_eq!(windows(b"ab\ncd", &[(1, 2)], &all), vec![(0, 5)]);
        assert_eq!(windows(b"ab\ncd", &[], &all), vec![]);
    }

    #[test]
    fn overlap_by_case() {
        let occ: &[Span] = &[(2, 5), (10, 12)];
        // (match, overlaps?)
        let cases: &[(Span, bool)] = &[
            ((0, 2), false),
            ((0, 3), true),
            ((4, 6), true),
            ((5, 10), false),
            ((5, 11), true),
            ((11, 20), true),
            ((12, 20), false),
        ];
        for (m, want) in cases {
            assert_eq!(overlaps_any(occ, 3, *m), *want, "{m:?}");
            let text = b"xxKEYxxxxxKExxxxxxxx";
            let naive = keyword_overlaps_naive(text, &["key".into(), "ke".into()], *m);
            assert_eq!(naive, *want, "naive {m:?}");
        }
    }

    #[test]
    fn nfa_and_dfa_find_the_same() {
        let rules = crate::engine::RuleSet::from_toml(
            "[[rules]]\nid='a'\nregex='x'\nkeywords=['api_key','key','k','é']\n",
        )
        .unwrap();
        let pf = Prefilter::new(rules.rules()).unwrap();
        let text = "KEY api_KEY é kk\nApI_kEy".repeat(100);
        let small = pf.occurrences(&text, 1);
        // Push the set past the threshold, so the DFA answers.
        pf.scanned.store(DFA_AFTER_BYTES, Ordering::Relaxed);
        assert_eq!(pf.occurrences(&text, 1), small);
        assert!(pf.dfa.get().is_some_and(Option::is_some));
    }

    #[test]
    fn occurrences_are_overlapping_and_case_insensitive() {
        let rules = crate::engine::RuleSet::from_toml(
            "[[rules]]\nid='a'\nregex='x'\nkeywords=['api_key','key']\n[[rules]]\nid='b'\nregex='x'\nkeywords=['key']\n",
        )
        .unwrap();
        let pf = Prefilter::new(rules.rules()).unwrap();
        let occ = pf.occurrences("API_KEY keY", 2);
        assert_eq!(occ[0], vec![(0, 7), (4, 7), (8, 11)]);
        assert_eq!(occ[1], vec![(4, 7), (8, 11)]);
    }
}
