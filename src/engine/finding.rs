//! What a scan reports, and the pure functions that fill it in: Shannon
//! entropy, the masked form of a secret, and the fingerprint.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// How bad a leak of this kind is. Rules default to [`Severity::Medium`].
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Immediate, broad compromise (cloud root keys, private keys).
    Critical,
    /// A live credential for a service.
    High,
    /// The default.
    #[default]
    Medium,
    /// Limited or unlikely impact.
    Low,
    /// Worth knowing, not a secret by itself.
    Info,
}

impl Severity {
    /// The lowercase name used in rule files and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
            Severity::Info => "info",
        }
    }

    /// Parse a lowercase name (`"high"`); `None` for anything else.
    pub fn parse(name: &str) -> Option<Severity> {
        Some(match name {
            "critical" => Severity::Critical,
            "high" => Severity::High,
            "medium" => Severity::Medium,
            "low" => Severity::Low,
            "info" => Severity::Info,
            _ => return None,
        })
    }
}

/// One detected secret, exactly as the `scan` action reports it (see
/// `docs/ACTIONS.md`). Serialises to and from that JSON, so tools that read
/// reports (baselines, the `report` action) can reuse it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Finding {
    /// The id of the rule that found it.
    pub rule: String,
    /// The rule's description.
    pub description: String,
    /// The rule's severity.
    pub severity: Severity,
    /// The rule's tags.
    pub tags: Vec<String>,
    /// The id of the document, for batch input that gave one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document: Option<String>,
    /// The document's path, when one was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// 1-based line of the secret's first character.
    pub line: usize,
    /// 1-based column (in characters) of the secret's first character.
    pub column: usize,
    /// 1-based line of the secret's last character.
    pub end_line: usize,
    /// 1-based column (in characters) of the secret's last character.
    pub end_column: usize,
    /// UTF-8 byte offset where the secret starts.
    pub start: usize,
    /// UTF-8 byte offset just past the secret.
    pub end: usize,
    /// The secret, masked (see [`mask`]) unless the caller asked for it.
    pub secret: String,
    /// Shannon entropy of the secret in bits per character, 2 decimals.
    pub entropy: f64,
    /// See [`fingerprint`].
    pub fingerprint: String,
    /// The commit that added the secret, when the caller supplied it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// The commit's author.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// The author's e-mail address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The commit's date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// The commit's message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// Shannon entropy of `s` in bits per character (Unicode scalar value);
/// 0 for the empty string.
///
/// ```
/// use leakguard::engine::entropy;
/// assert_eq!(entropy("aaaa"), 0.0);
/// assert_eq!(entropy("abab"), 1.0);
/// assert_eq!(entropy("abcd"), 2.0);
/// ```
pub fn entropy(s: &str) -> f64 {
    let mut ascii = [0u32; 128];
    let mut other: Vec<(char, u32)> = Vec::new();
    let mut n = 0u32;
    for c in s.chars() {
        n += 1;
        if c.is_ascii() {
            ascii[c as usize] += 1;
        } else if let Some(slot) = other.iter_mut().find(|(k, _)| *k == c) {
            slot.1 += 1;
        } else {
            other.push((c, 1));
        }
    }
    if n == 0 {
        return 0.0;
    }
    let total = f64::from(n);
    let counts = ascii.iter().copied().chain(other.iter().map(|(_, k)| *k));
    let h: f64 = counts
        .filter(|&k| k > 0)
        .map(|k| {
            let p = f64::from(k) / total;
            -p * p.log2()
        })
        .sum();
    // -0.0 and tiny negative rounding noise read as 0.
    h.max(0.0)
}

/// `x` rounded to 2 decimals, as findings carry entropy.
pub(crate) fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// The masked form of a secret: its first 4 characters (for secrets shorter
/// than 12 characters, a third of them, rounded down) and then `****`.
///
/// ```
/// use leakguard::engine::mask;
/// assert_eq!(mask("ghp_abcdefghijklmnop"), "ghp_****");
/// assert_eq!(mask("abcdefghi"), "abc****");
/// assert_eq!(mask("ab"), "****");
/// ```
pub fn mask(secret: &str) -> String {
    let chars = secret.chars().count();
    let keep = if chars >= 12 { 4 } else { chars / 3 };
    let mut out: String = secret.chars().take(keep).collect();
    out.push_str("****");
    out
}

/// The fingerprint of a secret found by rule `rule`: the first 32 hex digits
/// of SHA-256 over the rule id, a NUL byte and the secret. It depends on
/// nothing else, so it is stable across files, lines and history rewrites.
///
/// ```
/// use leakguard::engine::fingerprint;
/// let f = fingerprint("github-pat", "ghp_x");
/// assert_eq!(f.len(), 32);
/// assert_ne!(f, fingerprint("github-pat", "ghp_y"));
/// ```
pub fn fingerprint(rule: &str, secret: &str) -> String {
    let mut h = Sha256::new();
    h.update(rule.as_bytes());
    h.update([0u8]);
    h.update(secret.as_bytes());
    let digest = h.finalize();
    let mut out = String::with_capacity(32);
    for b in &digest[..16] {
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 15)]));
    }
    out
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// A finding of rule `rule` with every other field plain (no path, line 1,
/// empty span): tests set what they look at with struct update syntax, so
/// a new field is added here alone.
#[cfg(test)]
pub(crate) fn test_finding(rule: &str) -> Finding {
    Finding {
        rule: rule.to_owned(),
        description: String::new(),
        severity: Severity::High,
        tags: Vec::new(),
        document: None,
        path: None,
        line: 1,
        column: 1,
        end_line: 1,
        end_column: 1,
        start: 0,
        end: 0,
        secret: String::new(),
        entropy: 0.0,
        fingerprint: "0123456789abcdef0123456789abcdef".to_owned(),
        commit: None,
        author: None,
        email: None,
        date: None,
        message: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entropy_by_case() {
        let cases: &[(&str, f64)] = &[
            ("", 0.0),
            ("a", 0.0),
            ("aaaaaaaa", 0.0),
            ("ab", 1.0),
            ("aabb", 1.0),
            ("abcd", 2.0),
            ("abcdefgh", 3.0),
            ("0123456789abcdef", 4.0),
            ("ééaa", 1.0),
            ("日本日本", 1.0),
            ("aaab", 0.811_278_124_459_132_8),
        ];
        for (s, want) in cases {
            let got = entropy(s);
            assert!((got - want).abs() < 1e-12, "{s:?}: {got} != {want}");
        }
    }

    #[test]
    fn round2_by_case() {
        let cases: &[(f64, f64)] = &[(0.811_278, 0.81), (4.216, 4.22), (3.0, 3.0), (0.0, 0.0)];
        for (x, want) in cases {
            assert_eq!(round2(*x), *want, "{x}");
        }
    }

    #[test]
    fn mask_by_case() {
        let cases: &[(&str, &str)] = &[
            ("", "****"),
            ("a", "****"),
            ("abc", "a****"),
            ("abcdef", "ab****"),
            ("abcdefghijk", "abc****"),
            ("abcdefghijkl", "abcd****"),
            ("AKIAABCDEFGHIJKLMNOP", "AKIA****"),
            ("éèêëēėęàáâäæ", "éèêë****"),
            ("日本語のひみつ", "日本****"),
        ];
        for (s, want) in cases {
            assert_eq!(mask(s), *want, "{s:?}");
        }
    }

    #[test]
    fn fingerprint_is_sha256_prefix() {
        // SHA-256("r\0s") computed independently.
        assert_eq!(fingerprint("r", "s"), "436f0e33ded58eff51a7a9fb7ac1a880");
        assert_ne!(fingerprint("ab", "c"), fingerprint("a", "bc"));
    }

    #[test]
    fn finding_json_skips_absent_optionals() {
        let f = Finding {
            description: "d".into(),
            tags: vec!["t".into()],
            column: 2,
            end_column: 3,
            start: 1,
            end: 3,
            secret: "a****".into(),
            entropy: 1.0,
            fingerprint: "f".into(),
            ..test_finding("r")
        };
        let json = serde_json::to_string(&f).unwrap();
        assert_eq!(
            json,
            r#"{"rule":"r","description":"d","severity":"high","tags":["t"],"line":1,"column":2,"end_line":1,"end_column":3,"start":1,"end":3,"secret":"a****","entropy":1.0,"fingerprint":"f"}"#
        );
        let back: Finding = serde_json::from_str(&json).unwrap();
        assert_eq!(back, f);
        let with_commit = json.replace("}", r#","commit":"abc"}"#);
        let back: Finding = serde_json::from_str(&with_commit).unwrap();
        assert_eq!(back.commit.as_deref(), Some("abc"));
        assert!(serde_json::from_str::<Finding>(&json.replace("}", r#","x":1}"#)).is_err());
    }
}
