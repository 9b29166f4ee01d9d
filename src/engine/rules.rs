//! Rules and allowlists, and loading them from a rule file.
//!
//! The file format is TOML and a superset of gitleaks' configuration, so a
//! gitleaks rule file loads unchanged. Loading never fails for a problem
//! that concerns one rule or one key: that part is skipped or ignored and a
//! [`Problem`] says so (a scan reports them as `warnings`, `check-rules` as
//! problems). Only text that is not TOML at all fails, with [`ConfigError`].

use std::fmt;
use std::sync::OnceLock;

use regex_automata::meta;
use serde::Serialize;

use super::finding::Severity;
use super::pattern::{self, Pattern, PatternError};
use super::tree::Tree;

/// What kind of problem a rule file has.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProblemKind {
    /// The text is not valid TOML.
    Toml,
    /// A regex (rule, path or allowlist) cannot be compiled.
    Regex,
    /// One of a rule's `examples` is not found by the rule.
    Example,
    /// One of a rule's `negative_examples` is found by the rule.
    NegativeExample,
    /// Two rules have the same id (the later one is used).
    Duplicate,
    /// A key is unknown, unsupported, missing or of the wrong type.
    Schema,
}

/// A problem in a rule file that did not stop it from loading.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Problem {
    /// The rule concerned, if any.
    pub rule: Option<String>,
    /// What kind of problem it is.
    pub kind: ProblemKind,
    /// What is wrong, in one line.
    pub message: String,
}

impl Problem {
    pub(crate) fn new(rule: Option<&str>, kind: ProblemKind, message: impl Into<String>) -> Self {
        Problem {
            rule: rule.map(str::to_owned),
            kind,
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.rule {
            Some(r) => write!(f, "rule `{r}`: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// A rule file that is not valid TOML.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    message: String,
}

impl ConfigError {
    /// What is wrong and where, in one line.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ConfigError {}

/// A regex compiled on first use.
#[derive(Clone, Debug)]
pub(crate) struct LazyRegex {
    pub(crate) source: String,
    compiled: OnceLock<Result<meta::Regex, PatternError>>,
}

impl LazyRegex {
    fn new(source: String) -> Self {
        LazyRegex {
            source,
            compiled: OnceLock::new(),
        }
    }

    pub(crate) fn get(&self) -> Result<&meta::Regex, &PatternError> {
        self.compiled
            .get_or_init(|| pattern::compile_test(&self.source))
            .as_ref()
    }

    /// Whether the regex matches `s`; a regex that does not compile matches
    /// nothing (load reported it), so it never hides a finding.
    pub(crate) fn is_match(&self, s: &str) -> bool {
        self.get().is_ok_and(|r| r.is_match(s))
    }

    /// Parse without compiling, recording a failure so it is not retried.
    fn validate(&self) -> Result<(), PatternError> {
        match pattern::parse(&self.source) {
            Ok(_) => Ok(()),
            Err(e) => {
                let _ = self.compiled.set(Err(e.clone()));
                Err(e)
            }
        }
    }
}

/// What an allowlist's regexes are matched against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Target {
    Secret,
    Match,
    Line,
}

/// Conditions under which a finding is not reported.
#[derive(Clone, Debug)]
pub(crate) struct Allowlist {
    /// All given criteria must hold (`condition = "AND"`), not just one.
    pub(crate) and: bool,
    pub(crate) regexes: Vec<LazyRegex>,
    pub(crate) target: Target,
    /// Lowercased.
    pub(crate) stopwords: Vec<String>,
    pub(crate) paths: Vec<LazyRegex>,
    /// Accepted for compatibility; text carries no commit, so never matches.
    pub(crate) commits: Vec<String>,
    /// For global allowlists: the rules it applies to (empty: all).
    pub(crate) target_rules: Vec<String>,
}

/// What an allowlist looks at for one candidate finding.
pub(crate) struct Subject<'a> {
    pub(crate) secret: &'a str,
    pub(crate) matched: &'a str,
    pub(crate) line: &'a str,
    pub(crate) path: Option<&'a str>,
}

impl Allowlist {
    /// Whether this allowlist suppresses the candidate.
    pub(crate) fn allows(&self, s: &Subject<'_>) -> bool {
        let stopwords = || {
            let lower = s.secret.to_lowercase();
            self.stopwords.iter().any(|w| lower.contains(w.as_str()))
        };
        let paths = || {
            s.path
                .is_some_and(|p| self.paths.iter().any(|r| r.is_match(p)))
        };
        let regexes = || {
            let target = match self.target {
                Target::Secret => s.secret,
                Target::Match => s.matched,
                Target::Line => s.line,
            };
            self.regexes.iter().any(|r| r.is_match(target))
        };
        let criteria: [(bool, &dyn Fn() -> bool); 4] = [
            (!self.stopwords.is_empty(), &stopwords),
            (!self.paths.is_empty(), &paths),
            (!self.regexes.is_empty(), &regexes),
            (!self.commits.is_empty(), &|| false),
        ];
        let mut given = criteria.iter().filter(|(present, _)| *present);
        if self.and {
            given.all(|(_, test)| test())
        } else {
            given.any(|(_, test)| test())
        }
    }

    pub(crate) fn applies_to(&self, rule: &str) -> bool {
        self.target_rules.is_empty() || self.target_rules.iter().any(|r| r == rule)
    }

    fn validate(&self, rule: Option<&str>, where_: &str, problems: &mut Vec<Problem>) {
        for (what, list) in [("regexes", &self.regexes), ("paths", &self.paths)] {
            for r in list {
                if let Err(e) = r.validate() {
                    problems.push(Problem::new(
                        rule,
                        ProblemKind::Regex,
                        format!("{where_} {what} `{}`: {e}", r.source),
                    ));
                }
            }
        }
    }
}

/// One detection rule.
#[derive(Clone, Debug)]
pub struct Rule {
    pub(crate) id: String,
    pub(crate) description: String,
    pub(crate) severity: Severity,
    pub(crate) tags: Vec<String>,
    /// ASCII-lowercased, non-empty, deduplicated.
    pub(crate) keywords: Vec<String>,
    pub(crate) entropy: Option<f64>,
    pub(crate) secret_group: Option<usize>,
    pub(crate) regex: Option<String>,
    pub(crate) path: Option<LazyRegex>,
    pub(crate) allowlists: Vec<Allowlist>,
    pub(crate) examples: Vec<String>,
    pub(crate) negative_examples: Vec<String>,
    pub(crate) generic: bool,
    compiled: OnceLock<Result<Pattern, PatternError>>,
}

impl Rule {
    /// The rule's id.
    pub fn id(&self) -> &str {
        &self.id
    }
    /// The rule's description.
    pub fn description(&self) -> &str {
        &self.description
    }
    /// The rule's severity.
    pub fn severity(&self) -> Severity {
        self.severity
    }
    /// The rule's tags.
    pub fn tags(&self) -> &[String] {
        &self.tags
    }
    /// The keywords (lowercase) of which one must occur in a match.
    pub fn keywords(&self) -> &[String] {
        &self.keywords
    }
    /// The minimum Shannon entropy of a secret, if the rule sets one.
    pub fn entropy(&self) -> Option<f64> {
        self.entropy
    }
    /// The regex (Go syntax) on the text, if any.
    pub fn regex(&self) -> Option<&str> {
        self.regex.as_deref()
    }
    /// The regex (Go syntax) on the document's path, if any.
    pub fn path(&self) -> Option<&str> {
        self.path.as_ref().map(|p| p.source.as_str())
    }
    /// Texts this rule must find.
    pub fn examples(&self) -> &[String] {
        &self.examples
    }
    /// Texts this rule must not find.
    pub fn negative_examples(&self) -> &[String] {
        &self.negative_examples
    }
    /// Whether this is a generic rule (tagged `generic` or with an id that
    /// starts with `generic`), whose findings give way to specific ones.
    pub fn is_generic(&self) -> bool {
        self.generic
    }

    /// The compiled regex, compiled now if this is its first use.
    pub(crate) fn pattern(&self) -> Option<Result<&Pattern, &PatternError>> {
        let source = self.regex.as_deref()?;
        Some(
            self.compiled
                .get_or_init(|| pattern::compile(source))
                .as_ref(),
        )
    }

    /// Parse the regexes without compiling them; `false` when the rule
    /// cannot be used.
    fn validate(&self, problems: &mut Vec<Problem>) -> bool {
        let id = Some(self.id.as_str());
        let mut usable = true;
        if let Some(source) = &self.regex {
            match pattern::parse(source) {
                Ok(hir) => {
                    let groups = hir.properties().explicit_captures_len();
                    if let Some(g) = self.secret_group.filter(|&g| g > groups) {
                        problems.push(Problem::new(
                            id,
                            ProblemKind::Schema,
                            format!(
                                "`secretGroup` is {g} but the regex has {groups} capture group(s); the first group that matched is used"
                            ),
                        ));
                    }
                }
                Err(e) => {
                    problems.push(Problem::new(
                        id,
                        ProblemKind::Regex,
                        format!("regex: {e}; rule skipped"),
                    ));
                    let _ = self.compiled.set(Err(e));
                    usable = false;
                }
            }
        }
        if let Some(p) = &self.path
            && let Err(e) = p.validate()
        {
            problems.push(Problem::new(
                id,
                ProblemKind::Regex,
                format!("path: {e}; rule skipped"),
            ));
            usable = false;
        }
        for a in &self.allowlists {
            a.validate(id, "allowlist", problems);
        }
        usable
    }
}

/// The parts of a rule file, before they are assembled into a rule set.
pub(crate) struct Loaded {
    pub(crate) title: Option<String>,
    /// In file order; of two rules with the same id only the later is kept.
    pub(crate) rules: Vec<Rule>,
    pub(crate) allowlists: Vec<Allowlist>,
    pub(crate) use_default: bool,
    pub(crate) disabled: Vec<String>,
    pub(crate) problems: Vec<Problem>,
    /// Rules the file defines with an id, before anything is dropped.
    pub(crate) defined: usize,
}

impl Loaded {
    /// Parse-check every regex of the file's own rules and allowlists,
    /// dropping the rules that cannot be used.
    pub(crate) fn validate(&mut self) {
        let problems = &mut self.problems;
        self.rules.retain(|r| r.validate(problems));
        for a in &self.allowlists {
            a.validate(None, "global allowlist", problems);
        }
    }
}

/// Parse a rule file.
pub(crate) fn load(text: &str) -> Result<Loaded, ConfigError> {
    let table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
        let at = e
            .span()
            .map(|s| {
                let (line, col) = line_col(text, s.start);
                format!(" at line {line}, column {col}")
            })
            .unwrap_or_default();
        ConfigError {
            message: format!(
                "the rule file is not valid TOML{at}: {}",
                e.message().trim()
            ),
        }
    })?;
    Ok(load_tree(&Tree::of_table(&table)))
}

/// Read a rule file's tree (a table).
pub(crate) fn load_tree(root: &Tree<'_>) -> Loaded {
    let mut l = Loader::default();
    let mut out = Loaded {
        title: None,
        rules: Vec::new(),
        allowlists: Vec::new(),
        use_default: false,
        disabled: Vec::new(),
        problems: Vec::new(),
        defined: 0,
    };
    for (key, value) in entries(root) {
        match *key {
            "title" => out.title = l.string(None, "title", value),
            // gitleaks' minimum-version marker: nothing to check here.
            "minVersion" => {}
            "rules" => {
                if let Some(items) = l.tables(None, "rules", value) {
                    for (i, t) in items.iter().enumerate() {
                        if let Some(rule) = l.rule(i, t) {
                            out.rules.push(rule);
                        }
                    }
                }
            }
            "allowlist" => {
                if let Some(t) = l.table(None, "allowlist", value) {
                    out.allowlists
                        .extend(l.allowlist(None, "allowlist", t, true));
                }
            }
            "allowlists" => {
                if let Some(items) = l.tables(None, "allowlists", value) {
                    for t in items {
                        out.allowlists
                            .extend(l.allowlist(None, "allowlists", t, true));
                    }
                }
            }
            "extend" => {
                if let Some(t) = l.table(None, "extend", value) {
                    l.extend(t, &mut out);
                }
            }
            other => l.unknown(None, other),
        }
    }
    out.defined = out.rules.len();
    // The later of two rules with one id wins, as in gitleaks.
    let mut seen: Vec<&str> = Vec::new();
    let mut keep = vec![true; out.rules.len()];
    for i in (0..out.rules.len()).rev() {
        let id = out.rules[i].id.as_str();
        if seen.contains(&id) {
            keep[i] = false;
            l.problems.push(Problem::new(
                Some(id),
                ProblemKind::Duplicate,
                "defined more than once; the last definition is used",
            ));
        } else {
            seen.push(id);
        }
    }
    let mut keep = keep.into_iter();
    out.rules.retain(|_| keep.next().unwrap_or(true));
    out.problems = l.problems;
    out
}

/// The entries of a table (none for anything else).
fn entries<'v, 't>(t: &'v Tree<'t>) -> &'v [(&'t str, Tree<'t>)] {
    match t {
        Tree::Table(e) => e,
        _ => &[],
    }
}

/// 1-based line and column (in characters) of byte offset `at` in `text`.
fn line_col(text: &str, at: usize) -> (usize, usize) {
    let before = &text[..text.floor_char_boundary(at.min(text.len()))];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// Typed access to TOML values that records a problem instead of failing.
#[derive(Default)]
struct Loader {
    problems: Vec<Problem>,
}

impl Loader {
    fn schema(&mut self, rule: Option<&str>, message: String) {
        self.problems
            .push(Problem::new(rule, ProblemKind::Schema, message));
    }

    fn unknown(&mut self, rule: Option<&str>, key: &str) {
        self.schema(rule, format!("unknown key `{key}` ignored"));
    }

    fn wrong_type(&mut self, rule: Option<&str>, key: &str, want: &str, v: &Tree<'_>) {
        self.schema(
            rule,
            format!("`{key}` must be {want}, not {}; ignored", v.type_str()),
        );
    }

    fn string(&mut self, rule: Option<&str>, key: &str, v: &Tree<'_>) -> Option<String> {
        match v {
            Tree::Str(s) => Some((*s).to_owned()),
            _ => {
                self.wrong_type(rule, key, "a string", v);
                None
            }
        }
    }

    fn strings(&mut self, rule: Option<&str>, key: &str, v: &Tree<'_>) -> Vec<String> {
        let Tree::Array(items) = v else {
            self.wrong_type(rule, key, "an array of strings", v);
            return Vec::new();
        };
        let mut out = Vec::with_capacity(items.len());
        for item in items.iter() {
            match item {
                Tree::Str(s) => out.push((*s).to_owned()),
                other => self.wrong_type(rule, key, "an array of strings", other),
            }
        }
        out
    }

    /// `v` if it is a table.
    fn table<'v, 't>(
        &mut self,
        rule: Option<&str>,
        key: &str,
        v: &'v Tree<'t>,
    ) -> Option<&'v Tree<'t>> {
        match v {
            Tree::Table(_) => Some(v),
            _ => {
                self.wrong_type(rule, key, "a table", v);
                None
            }
        }
    }

    /// The tables of `v` if it is an array of tables.
    fn tables<'v, 't>(
        &mut self,
        rule: Option<&str>,
        key: &str,
        v: &'v Tree<'t>,
    ) -> Option<Vec<&'v Tree<'t>>> {
        let Tree::Array(items) = v else {
            self.wrong_type(rule, key, "an array of tables", v);
            return None;
        };
        let mut out = Vec::with_capacity(items.len());
        for item in items.iter() {
            match item {
                Tree::Table(_) => out.push(item),
                other => self.wrong_type(rule, key, "an array of tables", other),
            }
        }
        Some(out)
    }

    fn rule(&mut self, index: usize, t: &Tree<'_>) -> Option<Rule> {
        let id = match t.get("id") {
            Some(Tree::Str(s)) if !s.trim().is_empty() => (*s).to_owned(),
            Some(Tree::Str(_)) | None => {
                self.schema(None, format!("rule #{} has no `id`; skipped", index + 1));
                return None;
            }
            Some(v) => {
                self.schema(
                    None,
                    format!(
                        "rule #{}: `id` must be a string, not {}; skipped",
                        index + 1,
                        v.type_str()
                    ),
                );
                return None;
            }
        };
        let r = Some(id.as_str());
        let mut rule = Rule {
            generic: id.starts_with("generic"),
            id: id.clone(),
            description: String::new(),
            severity: Severity::Medium,
            tags: Vec::new(),
            keywords: Vec::new(),
            entropy: None,
            secret_group: None,
            regex: None,
            path: None,
            allowlists: Vec::new(),
            examples: Vec::new(),
            negative_examples: Vec::new(),
            compiled: OnceLock::new(),
        };
        for (key, v) in entries(t) {
            let key = *key;
            match key {
                "id" => {}
                "description" => rule.description = self.string(r, key, v).unwrap_or_default(),
                "regex" => rule.regex = self.string(r, key, v),
                "path" => rule.path = self.string(r, key, v).map(LazyRegex::new),
                "secretGroup" => match v {
                    Tree::Int(n) if *n >= 0 => {
                        rule.secret_group = usize::try_from(*n).ok().filter(|&g| g > 0);
                    }
                    _ => self.wrong_type(r, key, "a non-negative integer", v),
                },
                "entropy" => match v {
                    Tree::Float(x) if x.is_finite() && *x >= 0.0 => {
                        rule.entropy = Some(*x).filter(|&x| x > 0.0);
                    }
                    // Whole numbers are exact in f64 at any plausible entropy.
                    Tree::Int(n) if *n >= 0 => {
                        rule.entropy = Some(*n as f64).filter(|&x| x > 0.0);
                    }
                    _ => self.wrong_type(r, key, "a non-negative number", v),
                },
                "keywords" => {
                    for k in self.strings(r, key, v) {
                        let k = k.to_ascii_lowercase();
                        if k.is_empty() {
                            self.schema(r, "an empty keyword ignored".to_owned());
                        } else if !rule.keywords.contains(&k) {
                            rule.keywords.push(k);
                        }
                    }
                }
                "tags" => rule.tags = self.strings(r, key, v),
                "severity" => {
                    if let Some(s) = self.string(r, key, v) {
                        match Severity::parse(&s.to_ascii_lowercase()) {
                            Some(sev) => rule.severity = sev,
                            None => self.schema(
                                r,
                                format!(
                                    "`severity` must be critical, high, medium, low or info, not `{s}`; medium used"
                                ),
                            ),
                        }
                    }
                }
                "examples" => rule.examples = self.strings(r, key, v),
                "negative_examples" => rule.negative_examples = self.strings(r, key, v),
                "allowlist" => {
                    if let Some(t) = self.table(r, key, v) {
                        rule.allowlists.extend(self.allowlist(r, key, t, false));
                    }
                }
                "allowlists" => {
                    if let Some(items) = self.tables(r, key, v) {
                        for t in items {
                            rule.allowlists.extend(self.allowlist(r, key, t, false));
                        }
                    }
                }
                "required" | "skipReport" => self.schema(
                    r,
                    format!("`{key}` (composite rules) is not supported; ignored, the rule reports on its own"),
                ),
                other => self.unknown(r, other),
            }
        }
        if rule.tags.iter().any(|t| t.eq_ignore_ascii_case("generic")) {
            rule.generic = true;
        }
        if rule.regex.is_none() && rule.path.is_none() {
            self.schema(r, "has neither `regex` nor `path`; skipped".to_owned());
            return None;
        }
        if rule.regex.is_none() && (!rule.keywords.is_empty() || rule.entropy.is_some()) {
            self.schema(
                r,
                "`keywords` and `entropy` need a `regex`; ignored for this path-only rule"
                    .to_owned(),
            );
        }
        Some(rule)
    }

    fn allowlist(
        &mut self,
        rule: Option<&str>,
        key: &str,
        t: &Tree<'_>,
        global: bool,
    ) -> Option<Allowlist> {
        let mut a = Allowlist {
            and: false,
            regexes: Vec::new(),
            target: Target::Secret,
            stopwords: Vec::new(),
            paths: Vec::new(),
            commits: Vec::new(),
            target_rules: Vec::new(),
        };
        for (k, v) in entries(t) {
            let k = *k;
            match k {
                "description" => {
                    self.string(rule, k, v);
                }
                "condition" => {
                    if let Some(c) = self.string(rule, k, v) {
                        match c.to_ascii_uppercase().as_str() {
                            "OR" => a.and = false,
                            "AND" => a.and = true,
                            _ => self.schema(
                                rule,
                                format!("`{key}.condition` must be OR or AND, not `{c}`; OR used"),
                            ),
                        }
                    }
                }
                "regexes" => {
                    a.regexes = self
                        .strings(rule, k, v)
                        .into_iter()
                        .map(LazyRegex::new)
                        .collect();
                }
                "regexTarget" => {
                    if let Some(s) = self.string(rule, k, v) {
                        match s.as_str() {
                            "secret" | "" => a.target = Target::Secret,
                            "match" => a.target = Target::Match,
                            "line" => a.target = Target::Line,
                            _ => self.schema(
                                rule,
                                format!("`{key}.regexTarget` must be secret, match or line, not `{s}`; secret used"),
                            ),
                        }
                    }
                }
                "stopwords" => {
                    a.stopwords = self
                        .strings(rule, k, v)
                        .into_iter()
                        .filter(|w| !w.is_empty())
                        .map(|w| w.to_lowercase())
                        .collect();
                }
                "paths" => {
                    a.paths = self
                        .strings(rule, k, v)
                        .into_iter()
                        .map(LazyRegex::new)
                        .collect();
                }
                "commits" => a.commits = self.strings(rule, k, v),
                "targetRules" if global => a.target_rules = self.strings(rule, k, v),
                other => self.unknown(rule, &format!("{key}.{other}")),
            }
        }
        if a.regexes.is_empty()
            && a.stopwords.is_empty()
            && a.paths.is_empty()
            && a.commits.is_empty()
        {
            self.schema(
                rule,
                format!("`{key}` has no regexes, stopwords, paths or commits; ignored"),
            );
            return None;
        }
        Some(a)
    }

    fn extend(&mut self, t: &Tree<'_>, out: &mut Loaded) {
        for (k, v) in entries(t) {
            let k = *k;
            match k {
                "useDefault" => match v {
                    Tree::Bool(b) => out.use_default = *b,
                    _ => self.wrong_type(None, "extend.useDefault", "a boolean", v),
                },
                "disabledRules" => out.disabled = self.strings(None, "extend.disabledRules", v),
                "path" | "url" => self.schema(
                    None,
                    format!(
                        "`extend.{k}` is not supported (the engine reads no files or URLs); ignored — pass that file's rules in the config itself"
                    ),
                ),
                other => self.unknown(None, &format!("extend.{other}")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subject<'a>(secret: &'a str, line: &'a str, path: Option<&'a str>) -> Subject<'a> {
        Subject {
            secret,
            matched: line,
            line,
            path,
        }
    }

    #[test]
    fn allowlist_conditions_by_case() {
        // (allowlist TOML, secret, line, path, allowed?)
        let cases: &[(&str, &str, &str, Option<&str>, bool)] = &[
            (
                "stopwords = ['example']",
                "AKIAEXAMPLE",
                "k=AKIAEXAMPLE",
                None,
                true,
            ),
            ("stopwords = ['EXAMPLE']", "akiaexample", "", None, true),
            (
                "stopwords = ['example']",
                "AKIAREAL",
                "example",
                None,
                false,
            ),
            ("regexes = ['^AKIA']", "AKIAX", "", None, true),
            ("regexes = ['^AKIA']", "XAKIA", "", None, false),
            (
                "regexes = ['^k='] \nregexTarget = 'match'",
                "v",
                "k=v",
                None,
                true,
            ),
            (
                "regexes = ['^k='] \nregexTarget = 'line'",
                "v",
                "k=v",
                None,
                true,
            ),
            ("regexes = ['^k=']", "v", "k=v", None, false),
            ("paths = ['\\.md$']", "s", "", Some("docs/a.md"), true),
            ("paths = ['\\.md$']", "s", "", Some("a.go"), false),
            ("paths = ['\\.md$']", "s", "", None, false),
            ("commits = ['abc']", "s", "", None, false),
            (
                "condition = 'AND'\nstopwords = ['x']\npaths = ['\\.md$']",
                "x",
                "",
                Some("a.md"),
                true,
            ),
            (
                "condition = 'AND'\nstopwords = ['x']\npaths = ['\\.md$']",
                "x",
                "",
                Some("a.go"),
                false,
            ),
            (
                "condition = 'AND'\nstopwords = ['x']\npaths = ['\\.md$']",
                "y",
                "",
                Some("a.md"),
                false,
            ),
            (
                "condition = 'OR'\nstopwords = ['x']\npaths = ['\\.md$']",
                "y",
                "",
                Some("a.md"),
                true,
            ),
            (
                "condition = 'and'\nstopwords = ['x']\ncommits = ['c']",
                "x",
                "",
                None,
                false,
            ),
            (
                "regexes = ['(?=bad']\nstopwords = ['x']",
                "x",
                "",
                None,
                true,
            ),
            ("regexes = ['(?=bad']", "x", "", None, false),
        ];
        for (toml_text, secret, line, path, want) in cases {
            let text = format!("[allowlist]\n{toml_text}\n");
            let loaded = load(&text).unwrap();
            assert_eq!(loaded.allowlists.len(), 1, "{toml_text}");
            let got = loaded.allowlists[0].allows(&subject(secret, line, *path));
            assert_eq!(got, *want, "{toml_text} / {secret} / {line} / {path:?}");
        }
    }

    #[test]
    fn load_problems_by_case() {
        // (file, problem kind, substring of the message, rules loaded)
        let cases: &[(&str, ProblemKind, &str, usize)] = &[
            ("[[rules]]\nregex = 'a'", ProblemKind::Schema, "no `id`", 0),
            ("[[rules]]\nid = 'a'", ProblemKind::Schema, "neither", 0),
            (
                "[[rules]]\nid = 'a'\nregex = 'a'\nbogus = 1",
                ProblemKind::Schema,
                "unknown key `bogus`",
                1,
            ),
            (
                "[[rules]]\nid = 'a'\nregex = 'a'\nentropy = 'x'",
                ProblemKind::Schema,
                "`entropy` must be",
                1,
            ),
            (
                "[[rules]]\nid = 'a'\nregex = 'a'\nseverity = 'huge'",
                ProblemKind::Schema,
                "severity",
                1,
            ),
            (
                "[[rules]]\nid = 'a'\nregex = 'a'\n[[rules]]\nid = 'a'\nregex = 'b'",
                ProblemKind::Duplicate,
                "more than once",
                1,
            ),
            (
                "[[rules]]\nid = 'a'\nregex = 'a'\n[rules.allowlist]\ndescription = 'x'",
                ProblemKind::Schema,
                "no regexes",
                1,
            ),
            (
                "[[rules]]\nid = 'a'\nregex = 'a'\n[rules.allowlist]\nregexes = ['x']\nbad = 1",
                ProblemKind::Schema,
                "unknown key `allowlist.bad`",
                1,
            ),
            (
                "[extend]\npath = 'x.toml'",
                ProblemKind::Schema,
                "not supported",
                0,
            ),
            (
                "[[rules]]\nid = 'a'\nregex = 'a'\n[[rules.required]]\nid = 'b'",
                ProblemKind::Schema,
                "composite",
                1,
            ),
            (
                "whatever = 1",
                ProblemKind::Schema,
                "unknown key `whatever`",
                0,
            ),
            (
                "[[rules]]\nid = 'a'\nregex = 'a'\nkeywords = ['']",
                ProblemKind::Schema,
                "empty keyword",
                1,
            ),
        ];
        for (text, kind, needle, n) in cases {
            let loaded = load(text).unwrap();
            assert!(
                loaded
                    .problems
                    .iter()
                    .any(|p| p.kind == *kind && p.message.contains(needle)),
                "{text}: {:?}",
                loaded.problems
            );
            assert_eq!(loaded.rules.len(), *n, "{text}");
        }
    }

    #[test]
    fn later_duplicate_wins() {
        let loaded =
            load("[[rules]]\nid = 'a'\nregex = 'one'\n[[rules]]\nid = 'a'\nregex = 'two'").unwrap();
        assert_eq!(loaded.rules[0].regex.as_deref(), Some("two"));
    }

    #[test]
    fn toml_error_is_one_line_with_position() {
        let err = load("title = 'x'\n[[rules]\n").err().unwrap();
        assert!(err.message().contains("line 2"), "{err}");
        assert!(!err.message().contains('\n'), "{err}");
    }

    #[test]
    fn fields_and_defaults() {
        let loaded = load(
            "[[rules]]\nid = 'generic-x'\nregex = '(a)(b)'\nsecretGroup = 2\nentropy = 3\nkeywords = ['AbC', 'abc']\ntags = ['t']\n",
        )
        .unwrap();
        let r = &loaded.rules[0];
        assert_eq!(r.keywords, vec!["abc"]);
        assert_eq!(r.entropy, Some(3.0));
        assert_eq!(r.secret_group, Some(2));
        assert_eq!(r.severity, Severity::Medium);
        assert!(r.generic);
        let loaded = load("[[rules]]\nid = 'x'\nregex = 'a'\ntags = ['Generic']").unwrap();
        assert!(loaded.rules[0].generic);
    }
}
