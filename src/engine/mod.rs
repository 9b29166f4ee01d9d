//! The scanner: rules, the keyword prefilter, matching and redaction.
//!
//! The actions `scan`, `redact`, `rules` and `check-rules` are thin layers
//! over this module; native programs and benchmarks can use it directly.
//!
//! ```
//! use leakguard::engine::{RuleSet, ScanOptions};
//!
//! let rules = RuleSet::from_toml(r#"
//! [[rules]]
//! id = "demo-token"
//! description = "Demo service token"
//! regex = '''\b(demo_[a-z0-9]{16})\b'''
//! keywords = ["demo_"]
//! severity = "high"
//! "#).unwrap();
//!
//! let text = "line one\ntoken = demo_0123456789abcdef\n";
//! let findings = rules.scan(text, &ScanOptions::default());
//! assert_eq!(findings.len(), 1);
//! let f = &findings[0];
//! assert_eq!((f.rule.as_str(), f.line, f.column), ("demo-token", 2, 9));
//! assert_eq!(f.secret, "demo****"); // masked unless `reveal`
//! assert_eq!(&text[f.start..f.end], "demo_0123456789abcdef");
//! ```
//!
//! Redaction replaces only the secrets:
//!
//! ```
//! use leakguard::engine::{RedactStyle, RuleSet, ScanOptions};
//!
//! let rules = RuleSet::from_toml(
//!     "[[rules]]\nid = 'demo'\nregex = 'demo_[a-z0-9]{16}'\nkeywords = ['demo_']\n",
//! ).unwrap();
//! let opts = ScanOptions::default();
//! let out = rules.redact("key: demo_0123456789abcdef!", &opts, RedactStyle::Placeholder);
//! assert_eq!(out.text, "key: [REDACTED:demo]!");
//! let out = rules.redact("key: demo_0123456789abcdef!", &opts, RedactStyle::Mask { keep: 4 });
//! assert_eq!(out.text, "key: demo*****************!");
//! ```
//!
//! # How a scan works
//!
//! 1. One Aho-Corasick pass finds every keyword of every rule (ASCII
//!    case-insensitively). Rules with keywords run only if one occurs, and
//!    only in windows around the occurrences (see the `window` module docs
//!    for why the windows give exactly the whole-text result). Rules
//!    without keywords search the whole text.
//! 2. A match counts only if one of its rule's keywords overlaps it.
//! 3. The secret is the rule's `secretGroup`, else group 1 if the regex has
//!    groups, else the whole match; a group that did not take part gives
//!    way to the first one that did, then to the whole match.
//! 4. Dropped: a secret below the rule's minimum `entropy`; one an allowlist
//!    (the rule's, or a global one) accepts; one on a line with
//!    `leakguard:allow` or `gitleaks:allow`; a generic rule's finding where
//!    a specific rule found the same secret.
//! 5. Findings are sorted by position, then rule id.
//!
//! Regexes compile on first use (one `OnceLock` per rule), so a fresh
//! instance pays only for the rules the text actually needs.

mod cache;
mod check;
mod finding;
mod pattern;
mod redact;
mod rules;
mod scan;
mod tree;
mod window;

use std::collections::BTreeSet;
use std::sync::{Arc, OnceLock};

#[cfg(test)]
pub(crate) use finding::test_finding;
pub use finding::{Finding, Severity, entropy, fingerprint, mask};
pub use pattern::PatternError;
pub use redact::{RedactStyle, Redacted, redact_text};
pub use rules::{ConfigError, Problem, ProblemKind, Rule};

use rules::Allowlist;
use scan::Strategy;
use window::Prefilter;

/// The default rule set's source, `src/rules/default.toml`. The set the
/// engine uses ([`RuleSet::default_rules`]) is compiled from it into static
/// data by `build.rs`, without the examples; this text, which nothing in
/// the module refers to, is for tests and tools that want the examples.
pub const DEFAULT_RULES_TOML: &str = include_str!("../rules/default.toml");

/// Per-document options of a scan.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ScanOptions {
    /// The document's path: rules with a `path` and path allowlists use it,
    /// and findings carry it.
    pub path: Option<String>,
    /// The document's id, carried by its findings.
    pub document: Option<String>,
    /// Show secrets in full instead of masked.
    pub reveal: bool,
    /// Stop early once more than this many findings are collected (to bound
    /// memory on hostile input). The result then has more than
    /// `max_findings` entries and is incomplete; `None` means no limit.
    pub max_findings: Option<usize>,
}

/// A set of rules, ready to scan. Cheap to create: regexes compile on first
/// use, the keyword automaton on the first scan.
#[derive(Debug)]
pub struct RuleSet {
    title: Option<String>,
    /// Sorted by id, ids unique.
    rules: Vec<Rule>,
    /// Global allowlists.
    allowlists: Vec<Allowlist>,
    problems: Vec<Problem>,
    /// Rules the file defined (with an id), usable or not.
    defined: usize,
    prefilter: OnceLock<Option<Prefilter>>,
}

impl RuleSet {
    /// The default rule set (`src/rules/default.toml`), loaded once.
    pub fn default_rules() -> &'static RuleSet {
        default_shared()
    }

    /// Load a rule file (gitleaks-compatible TOML; see `docs/ACTIONS.md`).
    /// Every regex is parsed now, so problems are known up front (see
    /// [`RuleSet::problems`]); compiling waits for first use.
    ///
    /// # Errors
    ///
    /// [`ConfigError`] when the text is not TOML. Anything else wrong (an
    /// unknown key, a regex the engine cannot compile) skips that part and
    /// is reported as a [`Problem`].
    pub fn from_toml(text: &str) -> Result<RuleSet, ConfigError> {
        let mut loaded = rules::load(text)?;
        loaded.validate();
        Ok(RuleSet::assemble(loaded, false))
    }

    /// [`RuleSet::from_toml`], remembered: the same text again returns the
    /// same set without parsing (a few recent texts are kept).
    ///
    /// # Errors
    ///
    /// As [`RuleSet::from_toml`].
    pub fn from_toml_cached(text: &str) -> Result<Arc<RuleSet>, ConfigError> {
        cache::get_or_load(text)
    }

    fn assemble(loaded: rules::Loaded, is_default: bool) -> RuleSet {
        let mut problems = loaded.problems;
        let defined = loaded.defined;
        let mut rules: Vec<Rule> = Vec::new();
        let mut allowlists: Vec<Allowlist> = Vec::new();
        if loaded.use_default && is_default {
            problems.push(Problem::new(
                None,
                ProblemKind::Schema,
                "`extend.useDefault` in the default rule set itself; ignored",
            ));
        } else if loaded.use_default {
            let base = RuleSet::default_rules();
            rules.extend(
                base.rules
                    .iter()
                    .filter(|r| !loaded.disabled.contains(&r.id))
                    .cloned(),
            );
            allowlists.extend(base.allowlists.iter().cloned());
            for id in &loaded.disabled {
                if base.rule(id).is_none() {
                    problems.push(Problem::new(
                        Some(id),
                        ProblemKind::Schema,
                        "`extend.disabledRules` names a rule the default set does not have",
                    ));
                }
            }
        } else if !loaded.disabled.is_empty() {
            problems.push(Problem::new(
                None,
                ProblemKind::Schema,
                "`extend.disabledRules` needs `extend.useDefault = true`; ignored",
            ));
        }
        // A rule of the file replaces a default rule with the same id.
        for r in loaded.rules {
            match rules.iter().position(|x| x.id == r.id) {
                Some(i) => rules[i] = r,
                None => rules.push(r),
            }
        }
        rules.sort_by(|a, b| a.id.cmp(&b.id));
        allowlists.extend(loaded.allowlists);
        RuleSet {
            title: loaded.title,
            rules,
            allowlists,
            problems,
            defined,
            prefilter: OnceLock::new(),
        }
    }

    /// The rule file's `title`.
    pub fn title(&self) -> Option<&str> {
        self.title.as_deref()
    }

    /// The usable rules, sorted by id.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The rule with id `id`.
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules
            .binary_search_by(|r| r.id.as_str().cmp(id))
            .ok()
            .map(|i| &self.rules[i])
    }

    /// How many rules are usable.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// Whether no rule is usable.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Problems found while loading, in file order.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }

    /// Scan `text` and return its findings, sorted by position, then rule.
    ///
    /// Every input is fine: empty text, no line breaks, NUL and control
    /// characters, lines of any length (the work per rule is linear).
    pub fn scan(&self, text: &str, opts: &ScanOptions) -> Vec<Finding> {
        self.scan_with_problems(text, opts).0
    }

    /// [`RuleSet::scan`], also returning the rule set's problems plus any
    /// met during this scan (a regex that failed to compile on first use).
    pub fn scan_with_problems(
        &self,
        text: &str,
        opts: &ScanOptions,
    ) -> (Vec<Finding>, Vec<Problem>) {
        let mut met = BTreeSet::new();
        let findings = self.scan_document(text, opts, Strategy::Windowed, &mut met);
        (findings, self.with_problems(met))
    }

    /// The reference semantics, without prefilter or windows: every regex
    /// over the whole text, keywords checked naively around each match.
    /// Always the same result as [`RuleSet::scan`], only slower; for
    /// differential tests and benchmarks.
    pub fn scan_reference(&self, text: &str, opts: &ScanOptions) -> Vec<Finding> {
        self.scan_document(text, opts, Strategy::WholeText, &mut BTreeSet::new())
    }

    /// Load problems followed by `met` (those not already listed).
    pub(crate) fn with_problems(&self, met: BTreeSet<Problem>) -> Vec<Problem> {
        let mut all = self.problems.clone();
        for p in met {
            if !all.contains(&p) {
                all.push(p);
            }
        }
        all
    }

    fn prefilter(&self) -> Option<&Prefilter> {
        self.prefilter
            .get_or_init(|| Prefilter::new(&self.rules))
            .as_ref()
    }
}

fn default_shared() -> &'static Arc<RuleSet> {
    static DEFAULT: OnceLock<Arc<RuleSet>> = OnceLock::new();
    DEFAULT.get_or_init(|| {
        // Compiled into the module as data (no TOML to parse), and not
        // validated here (that is the tests' job): a fresh instance should
        // not parse ~250 regexes before its first scan.
        let set = match &tree::DEFAULT {
            Ok(tree) => RuleSet::assemble(rules::load_tree(tree), true),
            Err(e) => RuleSet {
                title: None,
                rules: Vec::new(),
                allowlists: Vec::new(),
                problems: vec![Problem::new(
                    None,
                    ProblemKind::Toml,
                    format!("the built-in rule set: {e}"),
                )],
                defined: 0,
                prefilter: OnceLock::new(),
            },
        };
        Arc::new(set)
    })
}

/// The rule set for an optional rule file: the default set, or the file's
/// (cached per text).
///
/// # Errors
///
/// As [`RuleSet::from_toml`].
pub fn rule_set(config: Option<&str>) -> Result<Arc<RuleSet>, ConfigError> {
    match config {
        None => Ok(Arc::clone(default_shared())),
        Some(text) => RuleSet::from_toml_cached(text),
    }
}
