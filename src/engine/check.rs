//! Checking a rule set: load problems, every regex compiled, and every
//! rule's `examples` and `negative_examples` run against that rule alone.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use super::rules::{Problem, ProblemKind, Rule};
use super::scan::Strategy;
use super::{RuleSet, ScanOptions};

/// Longest piece of an example quoted in a problem message.
const QUOTE_CHARS: usize = 60;

impl RuleSet {
    /// Everything wrong with this rule set: the problems found while loading,
    /// then, rule by rule (sorted by id), regexes that do not compile and
    /// examples that fail. Each rule's examples run against that rule alone
    /// (with the global allowlists), so a generic rule's example is not
    /// hidden by a specific rule. For a rule with only a `path`, examples are
    /// paths; for a rule with both, the examples test the text part.
    pub fn check(&self) -> Vec<Problem> {
        let mut problems = self.problems.clone();
        for rule in &self.rules {
            let id = Some(rule.id.as_str());
            if let Some(Err(e)) = rule.pattern() {
                push_new(
                    &mut problems,
                    Problem::new(id, ProblemKind::Regex, format!("regex: {e}; rule skipped")),
                );
                continue;
            }
            if let Some(Err(e)) = rule.path.as_ref().map(|p| p.get()) {
                push_new(
                    &mut problems,
                    Problem::new(id, ProblemKind::Regex, format!("path: {e}; rule skipped")),
                );
                continue;
            }
            let alone = self.alone(rule);
            let path_only = rule.regex.is_none();
            let found = |example: &str| {
                let (text, path) = if path_only {
                    ("", Some(example.to_owned()))
                } else {
                    (example, None)
                };
                let opts = ScanOptions {
                    path,
                    ..ScanOptions::default()
                };
                !alone
                    .scan_document(text, &opts, Strategy::Windowed, &mut BTreeSet::new())
                    .is_empty()
            };
            for (i, example) in rule.examples.iter().enumerate() {
                if !found(example) {
                    problems.push(Problem::new(
                        id,
                        ProblemKind::Example,
                        format!("example {} is not found: {}", i + 1, quote(example)),
                    ));
                }
            }
            for (i, example) in rule.negative_examples.iter().enumerate() {
                if found(example) {
                    problems.push(Problem::new(
                        id,
                        ProblemKind::NegativeExample,
                        format!("negative example {} is found: {}", i + 1, quote(example)),
                    ));
                }
            }
        }
        problems
    }

    /// A set holding only `rule` (its text part, if it has one) and the
    /// global allowlists.
    fn alone(&self, rule: &Rule) -> RuleSet {
        let mut rule = rule.clone();
        if rule.regex.is_some() {
            rule.path = None;
        }
        RuleSet {
            title: None,
            rules: vec![rule],
            allowlists: self.allowlists.clone(),
            problems: Vec::new(),
            defined: 1,
            prefilter: OnceLock::new(),
        }
    }

    /// How many rules the rule file defined, usable or not.
    pub fn defined(&self) -> usize {
        self.defined
    }
}

fn push_new(problems: &mut Vec<Problem>, p: Problem) {
    if !problems.contains(&p) {
        problems.push(p);
    }
}

/// `s` in backquotes, cut to [`QUOTE_CHARS`] characters, on one line.
fn quote(s: &str) -> String {
    let mut q: String = s
        .chars()
        .take(QUOTE_CHARS)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if s.chars().count() > QUOTE_CHARS {
        q.push_str("...");
    }
    format!("`{q}`")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_by_case() {
        // (rule file, expected (rule, kind) problems)
        let cases: &[(&str, &[(&str, ProblemKind)])] = &[
            (
                "[[rules]]\nid='a'\nregex='tok_[0-9]{4}'\nexamples=['x tok_1234']\nnegative_examples=['tok_12']",
                &[],
            ),
            (
                "[[rules]]\nid='a'\nregex='tok_[0-9]{4}'\nexamples=['tok_12']\nnegative_examples=['tok_1234']",
                &[
                    ("a", ProblemKind::Example),
                    ("a", ProblemKind::NegativeExample),
                ],
            ),
            (
                "[[rules]]\nid='a'\nregex='(?=x)'\nexamples=['x']\n[[rules]]\nid='b'\nregex='b'\nexamples=['b']",
                &[("a", ProblemKind::Regex)],
            ),
            (
                "[[rules]]\nid='p'\npath='\\.pem$'\nexamples=['k/a.pem']\nnegative_examples=['a.pem.txt']",
                &[],
            ),
            (
                "[[rules]]\nid='p'\npath='\\.pem$'\nregex='KEY'\nexamples=['KEY']",
                &[],
            ),
            // A generic rule's example also found by a specific rule passes.
            (
                "[[rules]]\nid='generic-x'\nregex='t=(\\w{4})'\nexamples=['t=ab12']\n[[rules]]\nid='s'\nregex='ab12'\nexamples=['ab12']",
                &[],
            ),
            // The global allowlist applies to examples too.
            (
                "[allowlist]\nstopwords=['1234']\n[[rules]]\nid='a'\nregex='tok_[0-9]{4}'\nexamples=['tok_1234']",
                &[("a", ProblemKind::Example)],
            ),
        ];
        for (text, want) in cases {
            let set = RuleSet::from_toml(text).unwrap();
            let got: Vec<(String, ProblemKind)> = set
                .check()
                .into_iter()
                .map(|p| (p.rule.unwrap_or_default(), p.kind))
                .collect();
            let want: Vec<(String, ProblemKind)> =
                want.iter().map(|(r, k)| ((*r).to_owned(), *k)).collect();
            assert_eq!(got, want, "{text}");
        }
    }

    #[test]
    fn quote_is_short_and_one_line() {
        assert_eq!(quote("a\nb"), "`a b`");
        assert_eq!(quote(&"x".repeat(100)), format!("`{}...`", "x".repeat(60)));
    }
}
