//! Redaction: the text with every detected secret replaced.

use super::finding::Finding;
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
}

impl RuleSet {
    /// Scan `text` and replace every secret found. `path` is the document's
    /// path, for rules and allowlists that look at it.
    pub fn redact(&self, text: &str, path: Option<&str>, style: RedactStyle) -> Redacted {
        let opts = ScanOptions {
            path: path.map(str::to_owned),
            ..ScanOptions::default()
        };
        let findings = self.scan(text, &opts);
        Redacted {
            text: redact_text(text, &findings, style),
            findings,
        }
    }
}

/// Replace the secrets of `findings` (positions into `text`) in `text`.
/// Overlapping secrets are merged first and replaced once; the replacement
/// names the finding that starts first (then the shorter, then by rule id).
/// Findings that cover no text (path-only rules) change nothing.
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
    let mut order: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.start < f.end && f.end <= text.len())
        .filter(|f| text.is_char_boundary(f.start) && text.is_char_boundary(f.end))
        .collect();
    order.sort_by(|a, b| (a.start, a.end, &a.rule).cmp(&(b.start, b.end, &b.rule)));

    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut i = 0;
    while i < order.len() {
        let first = order[i];
        let (start, mut end) = (first.start, first.end);
        i += 1;
        while i < order.len() && order[i].start < end {
            end = end.max(order[i].end);
            i += 1;
        }
        // An earlier group may already reach past this one's start.
        let start = start.max(copied);
        if start >= end {
            continue;
        }
        out.push_str(&text[copied..start]);
        let secret = &text[start..end];
        match style {
            RedactStyle::Placeholder => {
                out.push_str("[REDACTED:");
                out.push_str(&first.rule);
                out.push(']');
            }
            RedactStyle::Hash => {
                out.push_str("[REDACTED:");
                out.push_str(first.fingerprint.get(..12).unwrap_or(&first.fingerprint));
                out.push(']');
            }
            RedactStyle::Mask { keep } => {
                let chars = secret.chars().count();
                let keep = keep.min(chars / 2);
                out.extend(secret.chars().take(keep));
                out.extend(std::iter::repeat_n('*', chars - keep));
            }
        }
        copied = end;
    }
    out.push_str(&text[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Severity;

    fn finding(rule: &str, start: usize, end: usize) -> Finding {
        Finding {
            rule: rule.into(),
            description: String::new(),
            severity: Severity::Medium,
            tags: Vec::new(),
            document: None,
            path: None,
            line: 1,
            column: 1,
            end_line: 1,
            end_column: 1,
            start,
            end,
            secret: String::new(),
            entropy: 0.0,
            fingerprint: "0123456789abcdef0123456789abcdef".into(),
            commit: None,
            author: None,
            email: None,
            date: None,
            message: None,
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
