//! Redaction: the text with every detected secret replaced.

use std::collections::BTreeSet;

use super::finding::Finding;
use super::rules::Problem;
use super::{RuleSet, ScanOptions};

/// How a secret is replaced.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum RedactStyle {
    /// `[REDACTED:<rule id>]`.
    #[default]
    Placeholder,
    /// The first `keep` characters stay (never more than half of the
    /// secret's characters), every other character becomes `*`, so lengths
    /// are kept.
    Mask {
        /// How many leading characters stay.
        keep: usize,
    },
    /// `[REDACTED:<first 12 hex digits of the fingerprint>]`.
    Hash,
}

/// The result of [`RuleSet::redact`].
#[derive(Clone, Debug, PartialEq)]
pub struct Redacted {
    /// The text with the secrets replaced.
    pub text: String,
    /// The findings, masked, positions referring to the original text.
    pub findings: Vec<Finding>,
    /// Rule-set problems (see [`RuleSet::scan_with_problems`]).
    pub problems: Vec<Problem>,
}

/// How many times a mask is checked and tightened before it falls back to
/// masking every character.
const MASK_ROUNDS: usize = 3;

impl RuleSet {
    /// Scan `text` and replace every secret found (`opts.reveal` is ignored:
    /// the findings returned are masked).
    ///
    /// The result never contains a secret the scan found:
    ///
    /// - every occurrence of a secret's value is replaced, also where no rule
    ///   matched it (the same value in a context the rule does not accept,
    ///   or on a line with an inline marker): the value is known to be a
    ///   secret, and the replacement can change that context;
    /// - with [`RedactStyle::Mask`] the characters kept could, with the text
    ///   around them, form a secret again (a short secret that is the
    ///   prefix of a longer one), so the masked text is scanned once more
    ///   and a group whose kept characters take part in a found secret is
    ///   masked entirely.
    pub fn redact(&self, text: &str, opts: &ScanOptions, style: RedactStyle) -> Redacted {
        let opts = ScanOptions {
            reveal: false,
            ..opts.clone()
        };
        let (findings, problems) = self.scan_with_problems(text, &opts);
        let groups = merge(text, &with_every_occurrence(text, &findings));
        let mut full = vec![false; groups.len()];
        let (mut out, mut spans) = render(text, &groups, style, &full);
        if matches!(style, RedactStyle::Mask { keep } if keep > 0) && !groups.is_empty() {
            let secrets: BTreeSet<&str> = findings.iter().map(|f| &text[f.start..f.end]).collect();
            let again = ScanOptions {
                reveal: true,
                ..opts.clone()
            };
            for round in 0..=MASK_ROUNDS {
                let left: Vec<(usize, usize)> = self
                    .scan(&out, &again)
                    .into_iter()
                    .filter(|f| secrets.contains(f.secret.as_str()))
                    .map(|f| (f.start, f.end))
                    .collect();
                let mut changed = false;
                for (g, span) in spans.iter().enumerate() {
                    if !full[g] && left.iter().any(|&(a, b)| a < span.1 && span.0 < b) {
                        full[g] = true;
                        changed = true;
                    }
                }
                if !changed {
                    break;
                }
                if round == MASK_ROUNDS {
                    full.fill(true);
                }
                (out, spans) = render(text, &groups, style, &full);
            }
        }
        Redacted {
            text: out,
            findings,
            problems,
        }
    }
}

/// The spans to replace: each finding's secret, and every other occurrence
/// of a secret's value (named after the first finding with that value).
fn with_every_occurrence<'a>(
    text: &str,
    findings: &'a [Finding],
) -> Vec<(usize, usize, &'a Finding)> {
    let mut spans: Vec<(usize, usize, &Finding)> =
        findings.iter().map(|f| (f.start, f.end, f)).collect();
    let mut values: Vec<(&str, &Finding)> = Vec::new();
    for f in findings.iter().filter(|f| f.start < f.end) {
        let value = &text[f.start..f.end];
        if !values.iter().any(|(v, _)| *v == value) {
            values.push((value, f));
        }
    }
    if values.is_empty() {
        return spans;
    }
    // One pass for all values; every occurrence, overlapping or not.
    if let Ok(ac) = aho_corasick::AhoCorasick::new(values.iter().map(|(v, _)| v)) {
        for m in ac.find_overlapping_iter(text) {
            spans.push((m.start(), m.end(), values[m.pattern().as_usize()].1));
        }
    }
    spans
}

/// A run of overlapping secrets, replaced as one.
struct Group<'a> {
    start: usize,
    end: usize,
    /// The finding that names the replacement.
    first: &'a Finding,
}

/// Overlapping spans merged, in order; empty, out-of-range and
/// mid-character spans left out.
fn merge<'a>(text: &str, spans: &[(usize, usize, &'a Finding)]) -> Vec<Group<'a>> {
    let mut order: Vec<(usize, usize, &Finding)> = spans
        .iter()
        .copied()
        .filter(|&(a, b, _)| a < b && b <= text.len())
        .filter(|&(a, b, _)| text.is_char_boundary(a) && text.is_char_boundary(b))
        .collect();
    order.sort_by(|x, y| (x.0, x.1, &x.2.rule).cmp(&(y.0, y.1, &y.2.rule)));
    let mut groups: Vec<Group> = Vec::new();
    for (start, end, f) in order {
        match groups.last_mut() {
            Some(g) if start < g.end => g.end = g.end.max(end),
            _ => groups.push(Group {
                start,
                end,
                first: f,
            }),
        }
    }
    groups
}

/// The text with each group replaced, and where each replacement landed.
/// `full[i]` masks group `i` entirely (for [`RedactStyle::Mask`]).
fn render(
    text: &str,
    groups: &[Group],
    style: RedactStyle,
    full: &[bool],
) -> (String, Vec<(usize, usize)>) {
    let mut out = String::with_capacity(text.len());
    let mut spans = Vec::with_capacity(groups.len());
    let mut copied = 0;
    for (g, group) in groups.iter().enumerate() {
        out.push_str(&text[copied..group.start]);
        let at = out.len();
        let secret = &text[group.start..group.end];
        match style {
            RedactStyle::Placeholder => {
                out.push_str("[REDACTED:");
                out.push_str(&group.first.rule);
                out.push(']');
            }
            RedactStyle::Hash => {
                let fp = &group.first.fingerprint;
                out.push_str("[REDACTED:");
                out.push_str(fp.get(..12).unwrap_or(fp));
                out.push(']');
            }
            RedactStyle::Mask { keep } => {
                let chars = secret.chars().count();
                let keep = if full[g] { 0 } else { keep.min(chars / 2) };
                out.extend(secret.chars().take(keep));
                out.extend(std::iter::repeat_n('*', chars - keep));
            }
        }
        spans.push((at, out.len()));
        copied = group.end;
    }
    out.push_str(&text[copied..]);
    (out, spans)
}

/// Replace the secrets of `findings` (positions into `text`) in `text`.
/// Overlapping secrets are merged first and replaced once; the replacement
/// names the finding that starts first (then the shorter, then by rule id).
/// Findings that cover no text (path-only rules) change nothing. Unlike
/// [`RuleSet::redact`], only the findings' own spans are replaced and masks
/// are not re-checked (there is no rule set to check them with).
///
/// ```
/// use leakguard::engine::{RedactStyle, RuleSet, ScanOptions, redact_text};
///
/// let rules = RuleSet::from_toml("[[rules]]\nid = 'pin'\nregex = 'pin=(\\d{6})'\n").unwrap();
/// let text = "pin=123456";
/// let findings = rules.scan(text, &ScanOptions::default());
/// assert_eq!(redact_text(text, &findings, RedactStyle::Placeholder), "pin=[REDACTED:pin]");
/// assert_eq!(redact_text(text, &findings, RedactStyle::Mask { keep: 2 }), "pin=12****");
/// assert_eq!(redact_text(text, &findings, RedactStyle::Mask { keep: 5 }), "pin=123***");
/// ```
pub fn redact_text(text: &str, findings: &[Finding], style: RedactStyle) -> String {
    let spans: Vec<_> = findings.iter().map(|f| (f.start, f.end, f)).collect();
    let groups = merge(text, &spans);
    render(text, &groups, style, &vec![false; groups.len()]).0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::finding::test_finding;

    fn finding(rule: &str, start: usize, end: usize) -> Finding {
        Finding {
            start,
            end,
            ..test_finding(rule)
        }
    }

    #[test]
    fn redact_by_case() {
        let text = "a=SECRET1 b=SECRET2 c=é€ñ";
        // (findings, style, expected)
        let cases: Vec<(Vec<Finding>, RedactStyle, &str)> = vec![
            (vec![], RedactStyle::Placeholder, text),
            (
                vec![finding("r", 2, 9)],
                RedactStyle::Placeholder,
                "a=[REDACTED:r] b=SECRET2 c=é€ñ",
            ),
            (
                vec![finding("r", 2, 9), finding("s", 12, 19)],
                RedactStyle::Hash,
                "a=[REDACTED:0123456789ab] b=[REDACTED:0123456789ab] c=é€ñ",
            ),
            (
                vec![finding("r", 2, 9)],
                RedactStyle::Mask { keep: 4 },
                "a=SEC**** b=SECRET2 c=é€ñ",
            ),
            (
                vec![finding("r", 2, 19)],
                RedactStyle::Mask { keep: 4 },
                "a=SECR************* c=é€ñ",
            ),
            (
                vec![finding("r", 2, 9)],
                RedactStyle::Mask { keep: 0 },
                "a=******* b=SECRET2 c=é€ñ",
            ),
            (
                vec![finding("r", 22, 29)],
                RedactStyle::Mask { keep: 1 },
                "a=SECRET1 b=SECRET2 c=é**",
            ),
            // Overlapping findings merge; the first names the replacement.
            (
                vec![finding("z", 4, 9), finding("r", 2, 6)],
                RedactStyle::Placeholder,
                "a=[REDACTED:r] b=SECRET2 c=é€ñ",
            ),
            (
                vec![finding("r", 2, 19), finding("s", 12, 15)],
                RedactStyle::Placeholder,
                "a=[REDACTED:r] c=é€ñ",
            ),
            // Adjacent findings stay separate.
            (
                vec![finding("r", 2, 5), finding("s", 5, 9)],
                RedactStyle::Placeholder,
                "a=[REDACTED:r][REDACTED:s] b=SECRET2 c=é€ñ",
            ),
            // Empty, out-of-range and mid-character spans are ignored.
            (
                vec![
                    finding("r", 0, 0),
                    finding("r", 5, 500),
                    finding("r", 23, 24),
                ],
                RedactStyle::Placeholder,
                text,
            ),
        ];
        for (findings, style, want) in cases {
            assert_eq!(
                redact_text(text, &findings, style),
                want,
                "{findings:?} {style:?}"
            );
        }
    }
}
