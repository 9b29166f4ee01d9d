//! The engine's scanning semantics through its public API, case by case:
//! positions (lines, columns in characters, CRLF, multibyte text), secret
//! groups, entropy, stopwords, inline markers, generic de-duplication, path
//! rules, windowing edge cases and odd input.

use leakguard::engine::{RedactStyle, RuleSet, ScanOptions, fingerprint};

const RULES: &str = r#"
title = "engine tests"

[[rules]]
id = "demo-token"
description = "Demo token"
regex = '''\b(demo_[a-z0-9]{16})\b'''
keywords = ["demo_"]
severity = "high"
tags = ["demo"]

[[rules]]
id = "generic-assign"
description = "Generic secret assignment"
regex = '''(?i)(?:secret|token)\s*[:=]\s*["']?([a-z0-9_]{12,})'''
keywords = ["secret", "token"]
entropy = 2.5
tags = ["generic"]
[rules.allowlist]
stopwords = ["placeholder"]

[[rules]]
id = "either-group"
regex = '''pw=(?:(\d{6})|([a-z]{6}))'''
keywords = ["pw="]

[[rules]]
id = "second-group"
regex = '''(user)=(\w{8})'''
secretGroup = 2
keywords = ["user="]

[[rules]]
id = "no-keyword"
regex = '''XKEY-[0-9]{8}'''

[[rules]]
id = "test-key"
regex = '''-----BEGIN TEST KEY-----[\s\S]{10,200}?-----END TEST KEY-----'''
keywords = ["-----begin test key"]

[[rules]]
id = "key-file"
path = '''\.key$'''

[[rules]]
id = "cfg-password"
regex = '''cfgpass:(\w{6,})'''
path = '''\.cfg$'''
keywords = ["cfgpass:"]
"#;

/// (rule, secret, line, column, end_line, end_column)
type Want<'a> = (&'a str, &'a str, usize, usize, usize, usize);

fn scan(text: &str, path: Option<&str>) -> Vec<(String, String, usize, usize, usize, usize)> {
    let set = RuleSet::from_toml(RULES).unwrap();
    assert!(set.problems().is_empty(), "{:?}", set.problems());
    let opts = ScanOptions {
        path: path.map(str::to_owned),
        reveal: true,
        ..ScanOptions::default()
    };
    let findings = set.scan(text, &opts);
    assert_eq!(
        findings,
        set.scan_reference(text, &opts),
        "windowed vs whole text on {text:?}"
    );
    findings
        .into_iter()
        .map(|f| {
            if !f.secret.is_empty() {
                assert_eq!(&text[f.start..f.end], f.secret, "span of {}", f.rule);
            }
            (f.rule, f.secret, f.line, f.column, f.end_line, f.end_column)
        })
        .collect()
}

#[test]
fn scan_by_case() {
    const T: &str = "demo_0123456789abcdef";
    let key = "-----BEGIN TEST KEY-----\nabcdefghijklmnop\n-----END TEST KEY-----";
    let pem = format!("x\n{key}\n");
    let long_line = format!("{}{T}{}", "a ".repeat(100_000), " b".repeat(100_000));
    let cases: Vec<(&str, String, Option<&str>, Vec<Want>)> = vec![
        ("empty text", String::new(), None, vec![]),
        (
            "secret is the whole text",
            T.into(),
            None,
            vec![("demo-token", T, 1, 1, 1, 21)],
        ),
        (
            "at the end, no newline",
            format!("x = {T}"),
            None,
            vec![("demo-token", T, 1, 5, 1, 25)],
        ),
        (
            "second line",
            format!("a\n{T}\n"),
            None,
            vec![("demo-token", T, 2, 1, 2, 21)],
        ),
        (
            "CRLF lines",
            format!("a\r\nb\r\n  {T}\r\n"),
            None,
            vec![("demo-token", T, 3, 3, 3, 23)],
        ),
        (
            "multibyte before",
            format!("é日€ {T}"),
            None,
            vec![("demo-token", T, 1, 5, 1, 25)],
        ),
        (
            "multibyte lines",
            format!("日本\n語 {T} ü"),
            None,
            vec![("demo-token", T, 2, 3, 2, 23)],
        ),
        (
            "NUL and controls",
            format!("\0\x01\x1b[2J {T}\0"),
            None,
            vec![("demo-token", T, 1, 8, 1, 28)],
        ),
        (
            "two on one line",
            format!("{T} {T}"),
            None,
            vec![
                ("demo-token", T, 1, 1, 1, 21),
                ("demo-token", T, 1, 23, 1, 43),
            ],
        ),
        ("not a word boundary", format!("x{T}"), None, vec![]),
        (
            "keyword case is ignored",
            "TOKEN=AbCdEf0123456789".into(),
            None,
            vec![("generic-assign", "AbCdEf0123456789", 1, 7, 1, 22)],
        ),
        (
            "keyword far from secret, across lines",
            "token =\n\n   \"abcdefgh12345678".into(),
            None,
            vec![("generic-assign", "abcdefgh12345678", 3, 5, 3, 20)],
        ),
        (
            "generic gives way to specific",
            format!("token = {T}"),
            None,
            vec![("demo-token", T, 1, 9, 1, 29)],
        ),
        (
            "generic alone",
            "secret: zyxwvu9876543210".into(),
            None,
            vec![("generic-assign", "zyxwvu9876543210", 1, 9, 1, 24)],
        ),
        (
            "stopword",
            "secret: placeholder_123456".into(),
            None,
            vec![],
        ),
        (
            "stopword ignores case",
            "secret: PLACEHOLDER_123456".into(),
            None,
            vec![],
        ),
        (
            "entropy below minimum",
            "secret: aaaaaaaaaaaaaaaa".into(),
            None,
            vec![],
        ),
        (
            "leakguard:allow",
            format!("{T} # leakguard:allow"),
            None,
            vec![],
        ),
        (
            "gitleaks:allow",
            format!("{T} // gitleaks:allow"),
            None,
            vec![],
        ),
        (
            "marker on another line",
            format!("# leakguard:allow\n{T}"),
            None,
            vec![("demo-token", T, 2, 1, 2, 21)],
        ),
        (
            "group 1 did not take part",
            "pw=abcdef".into(),
            None,
            vec![("either-group", "abcdef", 1, 4, 1, 9)],
        ),
        (
            "group 1 took part",
            "pw=123456".into(),
            None,
            vec![("either-group", "123456", 1, 4, 1, 9)],
        ),
        (
            "secretGroup 2",
            "user=abcd1234".into(),
            None,
            vec![("second-group", "abcd1234", 1, 6, 1, 13)],
        ),
        (
            "rule without keywords",
            "id XKEY-12345678.".into(),
            None,
            vec![("no-keyword", "XKEY-12345678", 1, 4, 1, 16)],
        ),
        (
            "multi-line match",
            pem.clone(),
            None,
            vec![("test-key", key, 2, 1, 4, 22)],
        ),
        (
            "marker on any line of a multi-line match",
            pem.replace("abcdefghijklmnop", "abcdefghijklmnop leakguard:allow"),
            None,
            vec![],
        ),
        (
            "path-only rule",
            "anything".into(),
            Some("keys/server.key"),
            vec![("key-file", "", 1, 1, 1, 1)],
        ),
        (
            "path-only rule, other path",
            "anything".into(),
            Some("keys/server.txt"),
            vec![],
        ),
        (
            "path and regex",
            "cfgpass:hunter22".into(),
            Some("app.cfg"),
            vec![("cfg-password", "hunter22", 1, 9, 1, 16)],
        ),
        (
            "path and regex, other path",
            "cfgpass:hunter22".into(),
            Some("app.txt"),
            vec![],
        ),
        (
            "path and regex, no path",
            "cfgpass:hunter22".into(),
            None,
            vec![],
        ),
        (
            "5 MB line? 400 kB of words around",
            long_line.clone(),
            None,
            vec![("demo-token", T, 1, 200_001, 1, 200_021)],
        ),
    ];
    let mut failures = Vec::new();
    for (name, text, path, want) in &cases {
        let got = scan(text, *path);
        let want: Vec<_> = want
            .iter()
            .map(|&(r, s, l, c, el, ec)| (r.to_owned(), s.to_owned(), l, c, el, ec))
            .collect();
        if got != want {
            failures.push(format!("{name}:\n  got  {got:?}\n  want {want:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn masking_fingerprint_and_entropy_in_findings() {
    let set = RuleSet::from_toml(RULES).unwrap();
    let f = &set.scan("demo_0123456789abcdef", &ScanOptions::default())[0];
    assert_eq!(f.secret, "demo****");
    assert_eq!(
        f.fingerprint,
        fingerprint("demo-token", "demo_0123456789abcdef")
    );
    assert_eq!(f.entropy, 4.2); // 4.2018... bits per character
    assert_eq!(f.severity.as_str(), "high");
    assert_eq!(f.tags, vec!["demo"]);
    assert_eq!(f.description, "Demo token");
    // Path-only findings hash the path in place of the secret.
    let opts = ScanOptions {
        path: Some("a.key".into()),
        ..ScanOptions::default()
    };
    let f = &set.scan("", &opts)[0];
    assert_eq!((f.secret.as_str(), f.start, f.end), ("", 0, 0));
    assert_eq!(f.fingerprint, fingerprint("key-file", "a.key"));
}

#[test]
fn findings_sort_by_position_then_rule() {
    let rules = "[[rules]]\nid='b'\nregex='x(y)'\n[[rules]]\nid='a'\nregex='xy'\n[[rules]]\nid='c'\nregex='z'\n";
    let set = RuleSet::from_toml(rules).unwrap();
    let got: Vec<(String, usize, usize)> = set
        .scan("z xy", &ScanOptions::default())
        .into_iter()
        .map(|f| (f.rule, f.start, f.end))
        .collect();
    let want = vec![("c".into(), 0, 1), ("a".into(), 2, 4), ("b".into(), 3, 4)];
    assert_eq!(got, want);
}

#[test]
fn a_huge_single_line_stays_linear() {
    // 5 MB on one line, a keyword every few bytes: every rule's windows
    // merge and each is searched once. This would take minutes if a window
    // per occurrence were searched to the end of the line.
    let set = RuleSet::from_toml(RULES).unwrap();
    let text = "token secret demo_ pw= user= ".repeat(5 << 20 >> 5);
    let findings = set.scan(&text, &ScanOptions::default());
    assert!(findings.is_empty());
    let text = format!("{}demo_0123456789abcdef", "demo_ ".repeat(1 << 20));
    assert_eq!(set.scan(&text, &ScanOptions::default()).len(), 1);
}

#[test]
fn redact_styles() {
    let set = RuleSet::from_toml(RULES).unwrap();
    let text = "a=demo_0123456789abcdef\nsecret: zyxwvu9876543210\n";
    // (style, expected text)
    let cases = [
        (
            RedactStyle::Placeholder,
            "a=[REDACTED:demo-token]\nsecret: [REDACTED:generic-assign]\n".to_owned(),
        ),
        (
            RedactStyle::Mask { keep: 4 },
            "a=demo*****************\nsecret: zyxw************\n".to_owned(),
        ),
        (
            RedactStyle::Hash,
            format!(
                "a=[REDACTED:{}]\nsecret: [REDACTED:{}]\n",
                &fingerprint("demo-token", "demo_0123456789abcdef")[..12],
                &fingerprint("generic-assign", "zyxwvu9876543210")[..12]
            ),
        ),
    ];
    for (style, want) in cases {
        let out = set.redact(text, &ScanOptions::default(), style);
        assert_eq!(out.text, want, "{style:?}");
        assert_eq!(out.findings.len(), 2);
        assert!(out.findings.iter().all(|f| f.secret.ends_with("****")));
    }
}

#[test]
fn regexes_compile_on_first_use_only() {
    // Parses fine, but its compiled form is far over the size limit: the
    // failure shows only once a keyword makes the engine compile it.
    let rules = "[[rules]]\nid = 'huge'\nregex = '(?:[a-z]{2000}){1000}'\nkeywords = ['huge']\n\
                 [[rules]]\nid = 'small'\nregex = 'small_[0-9]{4}'\nkeywords = ['small_']\n";
    let set = RuleSet::from_toml(rules).unwrap();
    assert!(set.problems().is_empty(), "{:?}", set.problems());
    let (found, problems) = set.scan_with_problems("small_1234", &ScanOptions::default());
    assert_eq!(found.len(), 1);
    assert!(problems.is_empty(), "{problems:?}");
    let (found, problems) = set.scan_with_problems("huge small_1234", &ScanOptions::default());
    assert_eq!(found.len(), 1, "the other rules still run");
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].rule.as_deref(), Some("huge"));
    assert!(
        problems[0].message.contains("cannot compile"),
        "{}",
        problems[0].message
    );
}
