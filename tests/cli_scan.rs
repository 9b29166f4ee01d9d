//! The module's `scan` command and its pipeline (`leakguard::cli`), run
//! natively with `leakguard::call` as the caller, on a fixture tree with
//! planted secrets built by the test.

mod cli_fixture;

use cli_fixture::{Tree, github_token, run_native, slack_token};
use serde_json::Value;

/// Run `leakguard <args>` with `stdin`; (exit status, stdout, stderr).
fn run(args: &[&str], stdin: &str) -> (i32, String, String) {
    let (code, out, err) = run_native(args, stdin);
    (code, String::from_utf8(out).unwrap(), err)
}

/// (path, rule, line, column) of each finding of a JSON report.
fn summary(json: &str) -> Vec<(String, String, u64, u64)> {
    let v: Value = serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {json}"));
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap_or("-").to_owned(),
                f["rule"].as_str().unwrap().to_owned(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn owned(rows: &[(&str, &str, u64, u64)]) -> Vec<(String, String, u64, u64)> {
    rows.iter()
        .map(|(p, r, l, c)| ((*p).to_owned(), (*r).to_owned(), *l, *c))
        .collect()
}

const GH: &str = "github-pat-classic";
const SLACK: &str = "slack-bot-oauth-token";

#[test]
fn scan_json_reports_exact_findings() {
    let tree = Tree::planted("json");
    let root = tree.path();
    let (code, out, err) = run(&["scan", "--format", "json", root], "");
    assert_eq!(code, 1, "{err}");
    assert_eq!(err, "");
    assert_eq!(
        summary(&out),
        owned(&[
            (".env", GH, 1, 14),
            ("deep/a/b/c/notes.md", GH, 3, 1),
            ("latin1.txt", GH, 1, 6),
            ("src/config.yml", SLACK, 2, 10),
        ])
    );
    assert!(out.starts_with("{\n  \"findings\": [\n"));
    assert!(out.ends_with("\n  ]\n}\n"));
    assert!(!out.contains(&github_token()), "secrets are masked");
}

#[test]
fn scan_cases() {
    let tree = Tree::planted("cases");
    let root = tree.path().to_owned();
    let env_file = format!("{root}/.env");
    let clean = Tree::new("clean", &[("a.txt", b"nothing here\n" as &[u8])]);
    let gh = github_token();
    // (name, args, stdin, exit status, check of stdout, check of stderr)
    type Check = Box<dyn Fn(&str) -> Result<(), String>>;
    let has = |s: String| -> Check {
        Box::new(move |t: &str| {
            if t.contains(&s) {
                Ok(())
            } else {
                Err(format!("lacks {s:?}"))
            }
        })
    };
    let is = |s: String| -> Check {
        Box::new(move |t: &str| {
            if t == s {
                Ok(())
            } else {
                Err(format!("is not {s:?}"))
            }
        })
    };
    let findings = |want: Vec<(&'static str, &'static str, u64, u64)>| -> Check {
        Box::new(move |t: &str| {
            let got = summary(t);
            if got == owned(&want) {
                Ok(())
            } else {
                Err(format!("findings {got:?}"))
            }
        })
    };
    type Case = (&'static str, Vec<String>, String, i32, Check, Check);
    let cases: Vec<Case> = vec![
        (
            "-v says what was skipped, in path order",
            vec!["scan".into(), "-v".into(), "--format=json".into(), root.clone()],
            String::new(),
            1,
            has("\"findings\"".into()),
            is(concat!(
                "leakguard: skipped blob.bin: binary\n",
                "leakguard: skipped link-to-env: symbolic link\n",
            )
            .into()),
        ),
        (
            "the size limit",
            vec!["scan".into(), "-v".into(), "--max-size".into(), "55".into(), "--format".into(), "json".into(), root.clone()],
            String::new(),
            1,
            findings(vec![(".env", GH, 1, 14), ("deep/a/b/c/notes.md", GH, 3, 1), ("latin1.txt", GH, 1, 6)]),
            is(concat!(
                "leakguard: skipped blob.bin: binary\n",
                "leakguard: skipped link-to-env: symbolic link\n",
                "leakguard: skipped src/config.yml: larger than the size limit (73 bytes > 55)\n",
            )
            .into()),
        ),
        (
            "a file argument keeps the path as given",
            vec!["scan".into(), "--format".into(), "jsonl".into(), env_file.clone()],
            String::new(),
            1,
            has(format!("\"path\":\"{env_file}\"")),
            is(String::new()),
        ),
        (
            "standard input has no path",
            vec!["scan".into(), "-".into()],
            format!("line one\nkey: {gh}\n"),
            1,
            has("-:2:6: github-pat-classic (high)".into()),
            is(String::new()),
        ),
        (
            "a clean tree",
            vec!["scan".into(), clean.path().into()],
            String::new(),
            0,
            is("no leaks found\n".into()),
            is(String::new()),
        ),
        (
            "several paths, in the order given",
            vec!["scan".into(), "--format".into(), "json".into(), format!("{root}/src"), env_file.clone()],
            String::new(),
            1,
            Box::new({
                let env_file = env_file.clone();
                move |t: &str| {
                    let got: Vec<String> = summary(t).into_iter().map(|r| r.0).collect();
                    if got == ["config.yml".to_owned(), env_file.clone()] {
                        Ok(())
                    } else {
                        Err(format!("paths {got:?}"))
                    }
                }
            }),
            is(String::new()),
        ),
        (
            "secrets in full with --reveal",
            vec!["scan".into(), "--reveal".into(), "--format".into(), "jsonl".into(), env_file.clone()],
            String::new(),
            1,
            has(format!("\"secret\":\"{gh}\"")),
            is(String::new()),
        ),
        (
            "a missing path",
            vec!["scan".into(), format!("{root}/missing")],
            String::new(),
            2,
            is(String::new()),
            has("leakguard: cannot scan ".into()),
        ),
        (
            "an unknown format",
            vec!["scan".into(), "--format".into(), "xml".into(), root.clone()],
            String::new(),
            2,
            is(String::new()),
            is("leakguard: unknown format \"xml\" (text, json, jsonl or sarif)\nRun 'leakguard help' for usage.\n".into()),
        ),
        (
            "an unknown command",
            vec!["scna".into()],
            String::new(),
            2,
            is(String::new()),
            has("unknown command \"scna\"".into()),
        ),
        (
            "a bad rule file",
            vec!["scan".into(), "--config".into(), format!("{root}/.env"), root.clone()],
            String::new(),
            2,
            is(String::new()),
            has("config".into()),
        ),
        (
            "help",
            vec!["scan".into(), "-h".into()],
            String::new(),
            0,
            has("usage: leakguard scan".into()),
            is(String::new()),
        ),
    ];
    for (name, args, stdin, want_code, check_out, check_err) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, out, err) = run(&args, &stdin);
        assert_eq!(code, want_code, "{name}: stdout {out:?} stderr {err:?}");
        if let Err(m) = check_out(&out) {
            panic!("{name}: stdout {m}: {out:?}");
        }
        if let Err(m) = check_err(&err) {
            panic!("{name}: stderr {m}: {err:?}");
        }
    }
}

#[test]
fn every_format_reports_the_same_findings() {
    let tree = Tree::planted("formats");
    let root = tree.path();
    let (_, json, _) = run(&["scan", "--format", "json", root], "");
    let want: Value = serde_json::from_str(&json).unwrap();
    let want = want["findings"].as_array().unwrap().clone();
    assert_eq!(want.len(), 4);

    let (code, jsonl, _) = run(&["scan", "--format", "jsonl", root], "");
    assert_eq!(code, 1);
    let lines: Vec<Value> = jsonl
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines, want);

    let (code, sarif, _) = run(&["scan", "--format", "sarif", root], "");
    assert_eq!(code, 1);
    let log: Value = serde_json::from_str(&sarif).unwrap();
    let uris: Vec<&str> = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert_eq!(
        uris,
        [
            ".env",
            "deep/a/b/c/notes.md",
            "latin1.txt",
            "src/config.yml"
        ]
    );

    let (code, text, _) = run(&["scan", root], "");
    assert_eq!(code, 1);
    assert!(
        text.starts_with(".env:1:14: github-pat-classic (high)\n"),
        "{text}"
    );
    assert!(text.ends_with("\n4 findings in 4 files\n"), "{text}");
    let (_, always, _) = run(&["scan", "--color", "always", root], "");
    assert!(always.contains("\x1b[1m.env:1:14\x1b[0m"), "{always}");
}

#[test]
fn ignore_files_and_baselines_drop_findings() {
    let tree = Tree::planted("filters");
    let root = tree.path().to_owned();
    let (_, json, _) = run(&["scan", "--format", "json", &root], "");
    let v: Value = serde_json::from_str(&json).unwrap();
    let env_fp = v["findings"][0]["fingerprint"].as_str().unwrap().to_owned();
    assert_eq!(v["findings"][0]["path"], ".env");

    // A baseline of everything: nothing new.
    let baseline = format!("{}/baseline.json", tree.scratch());
    std::fs::write(&baseline, &json).unwrap();
    let (code, out, err) = run(&["scan", "--baseline", &baseline, &root], "");
    assert_eq!(
        (code, out.as_str(), err.as_str()),
        (0, "no leaks found\n", "")
    );

    // An ignore file with the .env finding's fingerprint (and a comment):
    // the fingerprint is the secret's, so the same token elsewhere goes too.
    let ignore = format!("{}/ignore", tree.scratch());
    std::fs::write(&ignore, format!("# known\n\n{env_fp}  test fixture\n")).unwrap();
    let (code, out, _) = run(
        &["scan", "--format", "json", "--ignore-file", &ignore, &root],
        "",
    );
    assert_eq!(code, 1);
    let paths: Vec<String> = summary(&out).into_iter().map(|r| r.0).collect();
    assert_eq!(paths, ["src/config.yml"]);

    // The same through the tree's own .leakguardignore.
    std::fs::write(format!("{root}/.leakguardignore"), format!("{env_fp}\n")).unwrap();
    let (_, out2, _) = run(&["scan", "--format", "json", &root], "");
    assert_eq!(out2, out);

    // Bad files are errors, not silently ignored.
    std::fs::write(&ignore, "not-a-fingerprint\n").unwrap();
    let (code, _, err) = run(&["scan", "--ignore-file", &ignore, &root], "");
    assert_eq!(code, 2);
    assert!(
        err.contains(":1: \"not-a-fingerprint\" is not a fingerprint"),
        "{err}"
    );
    std::fs::write(&baseline, "{\"nope\": 1}").unwrap();
    let (code, _, err) = run(&["scan", "--baseline", &baseline, &root], "");
    assert_eq!(code, 2);
    assert!(err.contains("has no \"findings\" list"), "{err}");
}

#[test]
fn a_custom_rule_file() {
    let rules = "[[rules]]\nid = \"demo-token\"\ndescription = \"Demo token\"\nregex = '''demo_[a-z0-9]{16}'''\nkeywords = [\"demo_\"]\n";
    let text = format!("x = {}{}\n", "demo_", "0123456789abcdef");
    let tree = Tree::new(
        "config",
        &[("rules.toml", rules.as_bytes()), ("a.txt", text.as_bytes())],
    );
    let cfg = format!("{}/rules.toml", tree.path());
    let a = format!("{}/a.txt", tree.path());
    let (code, out, err) = run(&["scan", "--config", &cfg, &a], "");
    assert_eq!(code, 1, "{err}");
    assert!(out.contains(":1:5: demo-token (medium)"), "{out}");
}

#[test]
fn batches_cover_many_files() {
    // More files than one batch holds, each with a secret.
    let gh = github_token();
    let files: Vec<(String, Vec<u8>)> = (0..300)
        .map(|i| (format!("f{i:03}.txt"), format!("t = {gh}\n").into_bytes()))
        .collect();
    let refs: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(p, c)| (p.as_str(), c.as_slice()))
        .collect();
    let tree = Tree::new("many", &refs);
    let (code, out, _) = run(&["scan", "--format", "jsonl", tree.path()], "");
    assert_eq!(code, 1);
    let paths: Vec<String> = out
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["path"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    let want: Vec<String> = (0..300).map(|i| format!("f{i:03}.txt")).collect();
    assert_eq!(paths, want);
}

#[test]
fn redact_and_rules_commands() {
    let gh = github_token();
    let slack = slack_token();
    let (code, out, err) = run(&["redact"], &format!("a {gh} b\n{slack}\n"));
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        "a [REDACTED:github-pat-classic] b\n[REDACTED:slack-bot-oauth-token]\n"
    );
    let (code, out, _) = run(
        &["redact", "--style", "mask", "--keep", "2"],
        &format!("{gh}\n"),
    );
    assert_eq!(code, 0);
    assert_eq!(out, format!("gh{}\n", "*".repeat(gh.len() - 2)));
    let (code, _, err) = run(&["redact", "--keep", "2"], "");
    assert_eq!(code, 2);
    assert!(err.contains("--keep goes with --style mask"), "{err}");

    let (code, out, _) = run(&["rules"], "");
    assert_eq!(code, 0);
    assert!(out.starts_with("RULE "), "{out}");
    assert!(out.contains("\ngithub-pat-classic "), "{out}");
    let (code, out, _) = run(&["rules", "--format", "json"], "");
    assert_eq!(code, 0);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        v["count"].as_u64().unwrap() as usize,
        v["rules"].as_array().unwrap().len()
    );
}
