//! The default rule set (`src/rules/default.toml`) checks itself: it loads
//! without problems, every regex compiles, every rule carries examples, each
//! example is found by its rule and no negative example is. A failure lists
//! every failing rule, not just the first.

use std::collections::BTreeMap;

use leakguard::engine::{DEFAULT_RULES_TOML, RuleSet, ScanOptions};

/// Every problem of the default set, grouped by rule id.
fn problems_by_rule(set: &RuleSet) -> BTreeMap<String, Vec<String>> {
    let mut by_rule: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for p in set.check() {
        by_rule
            .entry(p.rule.clone().unwrap_or_else(|| "(file)".to_owned()))
            .or_default()
            .push(format!("{:?}: {}", p.kind, p.message));
    }
    for rule in set.rules() {
        let mut missing = Vec::new();
        if rule.examples().len() < 2 {
            missing.push(format!(
                "has {} examples; at least 2 required",
                rule.examples().len()
            ));
        }
        if rule.negative_examples().is_empty() {
            missing.push("has no negative example; at least 1 required".to_owned());
        }
        if rule.description().is_empty() {
            missing.push("has no description".to_owned());
        }
        if !missing.is_empty() {
            by_rule
                .entry(rule.id().to_owned())
                .or_default()
                .extend(missing);
        }
    }
    by_rule
}

#[test]
fn every_default_rule_passes_its_examples() {
    let set = RuleSet::from_toml(DEFAULT_RULES_TOML).expect("the default rules are valid TOML");
    assert!(!set.is_empty(), "the default rule set has no rules");
    let failing = problems_by_rule(&set);
    let report: Vec<String> = failing
        .iter()
        .map(|(rule, problems)| format!("{rule}:\n  {}", problems.join("\n  ")))
        .collect();
    assert!(
        failing.is_empty(),
        "{} of {} default rules fail:\n{}",
        failing.len(),
        set.len(),
        report.join("\n")
    );
}

#[test]
fn the_shipped_set_is_the_checked_set() {
    // The set the actions use is compiled into the module as data by
    // build.rs (without the examples); it must be the TOML file's set.
    let shipped = RuleSet::default_rules();
    let checked = RuleSet::from_toml(DEFAULT_RULES_TOML).unwrap();
    let describe = |s: &RuleSet| {
        s.rules()
            .iter()
            .map(|r| {
                format!(
                    "{} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?}",
                    r.id(),
                    r.description(),
                    r.severity(),
                    r.tags(),
                    r.keywords(),
                    r.entropy(),
                    r.regex(),
                    r.path(),
                    r.is_generic()
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(describe(shipped), describe(&checked));
    assert_eq!(shipped.title(), checked.title());
    assert!(shipped.problems().is_empty(), "{:?}", shipped.problems());
    assert!(shipped.rules().iter().all(|r| r.examples().is_empty()));
}

#[test]
fn examples_are_found_in_context_by_the_full_set() {
    // Beyond the rule alone: in the full shipped set, every example still
    // yields a finding (from its rule, or a more specific one for a
    // generic rule), and every allowlist of the shipped set behaves as the
    // file's does on the negative examples.
    let shipped = RuleSet::default_rules();
    let checked = RuleSet::from_toml(DEFAULT_RULES_TOML).unwrap();
    let mut misses = Vec::new();
    for rule in checked.rules().iter().filter(|r| r.regex().is_some()) {
        for (i, example) in rule.examples().iter().enumerate() {
            if shipped.scan(example, &ScanOptions::default()).is_empty() {
                misses.push(format!("{} example {}", rule.id(), i + 1));
            }
        }
        for (i, example) in rule.negative_examples().iter().enumerate() {
            let found = |s: &RuleSet| {
                s.scan(example, &ScanOptions::default())
                    .into_iter()
                    .any(|f| f.rule == rule.id())
            };
            if found(shipped) != found(&checked) {
                misses.push(format!("{} negative example {} differs", rule.id(), i + 1));
            }
        }
    }
    assert!(misses.is_empty(), "{}", misses.join("\n"));
}
