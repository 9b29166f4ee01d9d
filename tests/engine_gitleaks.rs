//! A rule file in gitleaks' format loads unchanged: both per-rule allowlist
//! forms, global allowlists (old and new, with `targetRules`), `[extend]`
//! with `useDefault` and `disabledRules`; its rules fire, the default rules
//! still fire, and a rule whose regex the engine cannot compile is reported
//! by id while every other rule keeps working.

use leakguard::engine::{DEFAULT_RULES_TOML, ProblemKind, RuleSet, ScanOptions};

/// The test's own rules for a made-up provider, in gitleaks' format. `{off}`
/// is a default rule to disable.
const GITLEAKS_FORMAT: &str = r#"
title = "acme secrets"

[extend]
useDefault = true
disabledRules = ["{off}"]

[[rules]]
id = "acme-api-key"
description = "ACME API key"
regex = '''(?i)acme[_-]?key\s*[:=]\s*['"]?(acme_[0-9a-f]{24})'''
secretGroup = 1
entropy = 2.0
keywords = ["acme_"]
tags = ["acme", "api"]

    [rules.allowlist]
    description = "documentation spelling, dummy keys"
    regexTarget = "match"
    regexes = ['''(?i)^acme-key''']
    stopwords = ["000000"]
    commits = ["0123456789abcdef0123456789abcdef01234567"]

[[rules]]
id = "acme-session"
description = "ACME session cookie"
regex = '''acme_sess=([A-Za-z0-9]{32})'''
keywords = ["acme_sess="]

    [[rules.allowlists]]
    description = "test fixtures"
    paths = ['''(^|/)testdata/''']

    [[rules.allowlists]]
    description = "dead sessions quoted in comments"
    condition = "AND"
    regexTarget = "line"
    regexes = ['''^\s*#''']
    stopwords = ["dead"]

[[rules]]
id = "acme-lookahead"
description = "look-ahead, which neither RE2 nor this engine has"
regex = '''acme_(?=[0-9]{8})'''
keywords = ["acme_"]

[allowlist]
description = "lock files"
paths = ['''\.lock$''']

[[allowlists]]
description = "sessions on lines with the test marker"
targetRules = ["acme-session"]
regexTarget = "line"
regexes = ['''TESTTEST''']
"#;

const KEY: &str = "acme_0123456789abcdef01234567";
const SESSION: &str = "Zx81Qw72Er63Ty54Ui45Op36As27Df18";

struct Fixture {
    set: RuleSet,
    off: String,
    kept: String,
    kept_example: String,
}

fn fixture() -> Fixture {
    // The shipped default set carries no examples; the file's does.
    let defaults = RuleSet::from_toml(DEFAULT_RULES_TOML).unwrap();
    let with_examples: Vec<_> = defaults
        .rules()
        .iter()
        .filter(|r| r.regex().is_some() && !r.examples().is_empty())
        .collect();
    assert!(
        with_examples.len() >= 2,
        "the default set needs two rules with examples"
    );
    let off = with_examples[0].id().to_owned();
    let kept = with_examples[with_examples.len() - 1];
    let set = RuleSet::from_toml(&GITLEAKS_FORMAT.replace("{off}", &off)).unwrap();
    Fixture {
        set,
        off,
        kept: kept.id().to_owned(),
        kept_example: kept.examples()[0].clone(),
    }
}

fn rules_found(set: &RuleSet, text: &str, path: Option<&str>) -> Vec<String> {
    let opts = ScanOptions {
        path: path.map(str::to_owned),
        ..ScanOptions::default()
    };
    set.scan(text, &opts).into_iter().map(|f| f.rule).collect()
}

#[test]
fn loads_with_only_the_look_ahead_rule_reported() {
    let fx = fixture();
    let problems = fx.set.problems();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].rule.as_deref(), Some("acme-lookahead"));
    assert_eq!(problems[0].kind, ProblemKind::Regex);
    assert!(
        problems[0].message.contains("look-around"),
        "{}",
        problems[0].message
    );
    assert!(fx.set.rule("acme-lookahead").is_none());
    assert!(fx.set.rule("acme-api-key").is_some());
    assert_eq!(fx.set.title(), Some("acme secrets"));
    assert_eq!(
        fx.set.len(),
        RuleSet::default_rules().len() - 1 + 2,
        "defaults minus the disabled one, plus two usable rules"
    );
}

#[test]
fn rules_allowlists_and_extension_by_case() {
    let fx = fixture();
    let key = |s: &str| vec![s.to_owned()];
    // (name, text, path, rules expected)
    let cases: Vec<(&str, String, Option<&str>, Vec<String>)> = vec![
        (
            "own rule fires",
            format!("acme_key = \"{KEY}\""),
            None,
            key("acme-api-key"),
        ),
        (
            "old allowlist: match regex",
            format!("acme-key: {KEY}"),
            None,
            vec![],
        ),
        (
            "old allowlist: stopword",
            "ACME_KEY=acme_000000abcdef0123456789ab".into(),
            None,
            vec![],
        ),
        (
            "second rule fires",
            format!("Cookie: acme_sess={SESSION}"),
            Some("src/main.go"),
            key("acme-session"),
        ),
        (
            "new allowlist: path",
            format!("acme_sess={SESSION}"),
            Some("pkg/testdata/req.txt"),
            vec![],
        ),
        (
            "new allowlist: AND, both hold",
            "  # acme_sess=deadbeefdeadbeefdeadbeefdeadbeef".into(),
            None,
            vec![],
        ),
        (
            "new allowlist: AND, only the stopword",
            "acme_sess=deadbeefdeadbeefdeadbeefdeadbeef".into(),
            None,
            key("acme-session"),
        ),
        (
            "new allowlist: AND, only the line",
            format!("# acme_sess={SESSION}"),
            None,
            key("acme-session"),
        ),
        (
            "global old allowlist: path",
            format!("acme_key={KEY}"),
            Some("Cargo.lock"),
            vec![],
        ),
        (
            "global new allowlist: targeted rule",
            format!("acme_sess={SESSION} # TESTTEST"),
            None,
            vec![],
        ),
        (
            "global new allowlist: other rules untouched",
            format!("acme_key={KEY} # TESTTEST"),
            None,
            key("acme-api-key"),
        ),
    ];
    let mut failures = Vec::new();
    for (name, text, path, want) in &cases {
        let got = rules_found(&fx.set, text, *path);
        if &got != want {
            failures.push(format!("{name}: got {got:?}, want {want:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn default_rules_still_fire_and_disabled_ones_do_not() {
    let fx = fixture();
    let found = rules_found(&fx.set, &fx.kept_example, None);
    assert!(
        found.contains(&fx.kept),
        "{} on {:?}: {found:?}",
        fx.kept,
        fx.kept_example
    );
    assert!(fx.set.rule(&fx.off).is_none());
    let defaults = RuleSet::from_toml(DEFAULT_RULES_TOML).unwrap();
    let off_example = defaults.rule(&fx.off).unwrap().examples()[0].clone();
    let found = rules_found(&fx.set, &off_example, None);
    assert!(!found.contains(&fx.off), "{found:?}");
}

#[test]
fn without_use_default_only_the_files_rules() {
    let text = GITLEAKS_FORMAT
        .replace("useDefault = true", "useDefault = false")
        .replace("disabledRules = [\"{off}\"]", "");
    let set = RuleSet::from_toml(&text).unwrap();
    let ids: Vec<&str> = set.rules().iter().map(|r| r.id()).collect();
    assert_eq!(ids, vec!["acme-api-key", "acme-session"]);
}

#[test]
fn a_file_rule_replaces_the_default_rule_with_its_id() {
    let defaults = RuleSet::default_rules();
    let id = defaults.rules()[0].id();
    let text = format!(
        "[extend]\nuseDefault = true\n[[rules]]\nid = \"{id}\"\ndescription = \"mine\"\nregex = 'mine_[0-9]{{4}}'\nkeywords = ['mine_']\n"
    );
    let set = RuleSet::from_toml(&text).unwrap();
    assert_eq!(set.len(), defaults.len());
    assert_eq!(set.rule(id).unwrap().description(), "mine");
    assert_eq!(rules_found(&set, "mine_1234", None), vec![id.to_owned()]);
}
