//! Properties of the engine over generated text:
//!
//! - the windowed scan equals the whole-text reference (same findings, byte
//!   for byte), for rules chosen to stress windows: matches across lines,
//!   anchors, word boundaries, lazy and greedy repetition, alternations that
//!   chain, keywords at either end of a match or outside its alphabet;
//! - scanning twice, and with a freshly loaded rule set, gives the same;
//! - redacting never leaves a detected secret: scanning the redacted text
//!   finds none of the secrets found before, in every style, with rules
//!   whose secrets look like secrets (the stress rules above would find
//!   `ab` in a hash placeholder) and with the default rules on text made of
//!   their own examples.

use leakguard::engine::{DEFAULT_RULES_TOML, RedactStyle, RuleSet, ScanOptions};
use proptest::prelude::*;

/// Rules both sets share.
const SHARED_RULES: &str = r#"
[[rules]]
id = "demo-token"
regex = '''\b(demo_[a-z0-9]{16})\b'''
keywords = ["demo_"]

[[rules]]
id = "generic-assign"
regex = '''(?i)(?:secret|token)\s*[:=]\s*["']?([a-z0-9_]{12,})'''
keywords = ["secret", "token"]
entropy = 2.0
tags = ["generic"]

"#;

/// Rules that stress the windows.
const STRESS_RULES: &str = r#"
[[rules]]
id = "line-anchored"
regex = '''(?m)^key=(\w+)$'''
keywords = ["key="]

[[rules]]
id = "chain"
regex = '''ab|ba'''
keywords = ["ab", "ba"]

[[rules]]
id = "keyword-at-end"
regex = '''a+b'''
keywords = ["b"]

[[rules]]
id = "negated-class"
regex = '''x[^y]*y'''
keywords = ["x"]

[[rules]]
id = "dot-all-lazy"
regex = '''(?s)BEGIN.*?END'''
keywords = ["begin"]

[[rules]]
id = "no-keywords"
regex = '''\d{3}-\d{4}'''

[[rules]]
id = "maybe-empty"
regex = '''q[a-z]*'''
keywords = ["q"]

[[rules]]
id = "keyword-outside-alphabet"
regex = '''[0-9]{4,}'''
keywords = ["pin:"]

[[rules]]
id = "multibyte"
regex = '''é[a-zé]{2,}'''
keywords = ["é"]
"#;

/// Pieces of text that exercise the rules above, and noise around them.
const PIECES: &[&str] = &[
    "demo_",
    "0123456789abcdef",
    "demo_0123456789abcdef",
    "token",
    "secret",
    "=",
    ":",
    " ",
    "  ",
    "\n",
    "\r\n",
    "\"",
    "'",
    "key=",
    "abc",
    "ab",
    "ba",
    "aab",
    "b",
    "x",
    "y",
    "BEGIN",
    "END",
    "begin",
    "555-1234",
    "12",
    "q",
    "qq",
    "pin:",
    "2024",
    "é",
    "日本",
    "€",
    "leakguard:allow",
    "gitleaks:allow",
    "\0",
    "\t",
    "_",
    "Z",
    "zyxwvu9876543210",
    "a",
    "-",
    "{",
    "}",
];

/// With the shared rules: realistic secrets, some the prefix of another.
const REDACT_RULES: &str = r#"
[[rules]]
id = "tok"
regex = '''\b(tok_[a-z]{8,40})\b'''
keywords = ["tok_"]

[[rules]]
id = "pin"
regex = '''pin:\s*([0-9]{8,})'''
keywords = ["pin:"]

[[rules]]
id = "block"
regex = '''(?s)BEGIN KEY(.{8,64}?)END KEY'''
keywords = ["begin key"]
"#;

const REDACT_PIECES: &[&str] = &[
    "demo_",
    "0123456789abcdef",
    "demo_0123456789abcdef",
    "token",
    "secret",
    "=",
    ":",
    " ",
    "\n",
    "\r\n",
    "\"",
    "tok_",
    "abcdefgh",
    "abcdefghijkl",
    "tok_abcdefgh",
    "pin:",
    "12345678",
    "1234",
    "BEGIN KEY",
    "END KEY",
    "é",
    "\0",
    "_",
    "zyxwvu9876543210",
    "leakguard:allow",
    "*",
];

fn text() -> impl Strategy<Value = String> {
    pieces(PIECES)
}

fn pieces(from: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(from), 0..60).prop_map(|v| v.concat())
}

/// Text made of the default rules' examples, mixed with separators.
fn default_examples() -> impl Strategy<Value = String> {
    let mut pieces: Vec<String> = RuleSet::from_toml(DEFAULT_RULES_TOML)
        .unwrap()
        .rules()
        .iter()
        .flat_map(|r| r.examples().iter().cloned())
        .collect();
    pieces.extend([" ", "\n", "=", "\"", "token ", "*"].map(String::from));
    prop::collection::vec(prop::sample::select(pieces), 0..12).prop_map(|v| v.concat())
}

/// Every secret `set` finds in `text` is absent from what a re-scan of the
/// redacted text finds, in every style.
fn check_redaction(set: &RuleSet, text: &str, keep: usize) -> Result<(), TestCaseError> {
    let before: Vec<String> = set
        .scan(text, &reveal())
        .into_iter()
        .map(|f| f.secret)
        .collect();
    for style in [
        RedactStyle::Placeholder,
        RedactStyle::Hash,
        RedactStyle::Mask { keep },
    ] {
        let redacted = set.redact(text, &ScanOptions::default(), style);
        for f in set.scan(&redacted.text, &reveal()) {
            prop_assert!(
                !before.contains(&f.secret),
                "{:?} left secret {:?} of {} in {:?}",
                style,
                f.secret,
                f.rule,
                redacted.text
            );
        }
    }
    Ok(())
}

fn rules() -> RuleSet {
    let set = RuleSet::from_toml(&format!("{SHARED_RULES}{STRESS_RULES}")).unwrap();
    assert!(set.problems().is_empty(), "{:?}", set.problems());
    set
}

fn reveal() -> ScanOptions {
    ScanOptions {
        reveal: true,
        ..ScanOptions::default()
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn windowed_equals_whole_text(text in text()) {
        let set = rules();
        let opts = reveal();
        prop_assert_eq!(set.scan(&text, &opts), set.scan_reference(&text, &opts));
    }

    #[test]
    fn scanning_is_deterministic(text in text()) {
        let set = rules();
        let opts = reveal();
        let first = serde_json::to_string(&set.scan(&text, &opts)).unwrap();
        prop_assert_eq!(&first, &serde_json::to_string(&set.scan(&text, &opts)).unwrap());
        let fresh = rules();
        prop_assert_eq!(&first, &serde_json::to_string(&fresh.scan(&text, &opts)).unwrap());
    }

    #[test]
    fn redaction_leaves_no_detected_secret(text in pieces(REDACT_PIECES), keep in 0usize..40) {
        let set = RuleSet::from_toml(&format!("{SHARED_RULES}{REDACT_RULES}")).unwrap();
        check_redaction(&set, &text, keep)?;
    }

    #[test]
    fn redaction_with_default_rules(text in default_examples(), keep in 0usize..40) {
        check_redaction(RuleSet::default_rules(), &text, keep)?;
    }
}
