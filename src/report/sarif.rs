//! SARIF 2.1.0 output, valid against the published schema and shaped for
//! GitHub code scanning.
//!
//! One run, tool `leakguard`. `tool.driver.rules` holds one
//! `reportingDescriptor` per rule that has findings, sorted by id; each
//! result points at its rule by `ruleId` and `ruleIndex`. Per result:
//!
//! * `level` from the severity: critical and high `error`, medium
//!   `warning`, low and info `note`. Rules also carry GitHub's
//!   `security-severity` score (critical 9.5, high 8.0, medium 5.5, low 2.0;
//!   none for info) and the `security` tag, which GitHub requires before it
//!   uses that score.
//! * `message.text`: the rule's description and the **masked** secret, even
//!   when the findings carry the secret in full: SARIF files get uploaded.
//! * one physical location: the path as a URI reference (percent-encoded;
//!   relative paths with `uriBaseId` `%SRCROOT%`, absolute ones as `file://`
//!   URIs) and a region with 1-based lines and columns; the end column is
//!   exclusive in SARIF, so it is the finding's inclusive `end_column` + 1.
//!   Columns count Unicode code points, which the run declares with
//!   `columnKind` `unicodeCodePoints` (SARIF's default is UTF-16 units).
//! * `partialFingerprints` `{"leakguard/v1": fingerprint}`, which GitHub
//!   uses to recognise the same leak across runs.
//! * `properties` with `commit`, `author`, `email`, `date` and `message`
//!   for findings from history, when present.
//!
//! The structs below cover exactly the part of SARIF we write. A general
//! SARIF crate (serde-sarif) was measured: it adds about 260 KB to the wasm
//! module for serialising the whole object model, for a few dozen lines of
//! structs here.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::Serialize;

use super::{Finding, Severity, location, to_json};
use crate::engine::mask;

/// The `$schema` written into every log.
pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The key of our fingerprint in `partialFingerprints`.
pub const FINGERPRINT_KEY: &str = "leakguard/v1";

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool<'a>,
    results: Vec<SarifResult<'a>>,
    column_kind: &'static str,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    version: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    information_uri: &'static str,
    rules: Vec<Rule<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule<'a> {
    id: &'a str,
    short_description: Text<'a>,
    default_configuration: Configuration,
    properties: RuleProperties<'a>,
}

#[derive(Serialize)]
struct Text<'a> {
    text: Cow<'a, str>,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties<'a> {
    tags: Vec<&'a str>,
    #[serde(rename = "security-severity", skip_serializing_if = "Option::is_none")]
    security_severity: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    rule_index: usize,
    level: &'static str,
    message: Text<'a>,
    locations: [Location; 1],
    partial_fingerprints: Fingerprints<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<History<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
}

#[derive(Serialize)]
struct Fingerprints<'a> {
    #[serde(rename = "leakguard/v1")]
    v1: &'a str,
}

#[derive(Serialize)]
struct History<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    commit: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    author: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<&'a str>,
}

/// The SARIF log for `findings`, pretty-printed (2 spaces), then a newline.
/// `version` is the tool version it names.
pub fn render(findings: &[Finding], version: &str) -> String {
    // The first finding of each rule describes the rule.
    let mut by_rule: BTreeMap<&str, &Finding> = BTreeMap::new();
    for f in findings {
        by_rule.entry(f.rule.as_str()).or_insert(f);
    }
    let index: BTreeMap<&str, usize> = by_rule.keys().enumerate().map(|(i, id)| (*id, i)).collect();
    let rules = by_rule.values().map(|f| rule(f)).collect();
    let results = findings
        .iter()
        .map(|f| result(f, index[f.rule.as_str()]))
        .collect();
    let log = Log {
        schema: SCHEMA_URI,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "leakguard",
                    version,
                    // The package's `repository`; omitted if it has none.
                    information_uri: env!("CARGO_PKG_REPOSITORY"),
                    rules,
                },
            },
            results,
            column_kind: "unicodeCodePoints",
        }],
    };
    let mut out = to_json(&log, true);
    out.push('\n');
    out
}

fn rule(f: &Finding) -> Rule<'_> {
    let mut tags: Vec<&str> = f.tags.iter().map(String::as_str).collect();
    if !tags.contains(&"security") {
        tags.push("security");
    }
    Rule {
        id: &f.rule,
        short_description: Text {
            text: Cow::Borrowed(&f.description),
        },
        default_configuration: Configuration {
            level: level(f.severity),
        },
        properties: RuleProperties {
            tags,
            security_severity: security_severity(f.severity),
        },
    }
}

fn result(f: &Finding, rule_index: usize) -> SarifResult<'_> {
    let (uri, uri_base_id) = artifact_uri(location(f));
    let history = History {
        commit: f.commit.as_deref(),
        author: f.author.as_deref(),
        email: f.email.as_deref(),
        date: f.date.as_deref(),
        message: f.message.as_deref(),
    };
    let has_history = [
        history.commit,
        history.author,
        history.email,
        history.date,
        history.message,
    ]
    .iter()
    .any(Option::is_some);
    SarifResult {
        rule_id: &f.rule,
        rule_index,
        level: level(f.severity),
        message: Text {
            text: Cow::Owned(format!("{}: {}", f.description, masked(&f.secret))),
        },
        locations: [Location {
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation { uri, uri_base_id },
                region: Region {
                    start_line: f.line,
                    start_column: f.column,
                    end_line: f.end_line,
                    end_column: f.end_column + 1,
                },
            },
        }],
        partial_fingerprints: Fingerprints { v1: &f.fingerprint },
        properties: has_history.then_some(history),
    }
}

/// SARIF's `level` for a severity.
pub fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// GitHub's `security-severity` score for a severity (its bands: 9.0 and
/// up critical, 7.0 high, 4.0 medium, 0.1 low); none for info.
pub fn security_severity(s: Severity) -> Option<&'static str> {
    match s {
        Severity::Critical => Some("9.5"),
        Severity::High => Some("8.0"),
        Severity::Medium => Some("5.5"),
        Severity::Low => Some("2.0"),
        Severity::Info => None,
    }
}

/// The secret as SARIF shows it: already masked (at most four characters
/// then `****`) it stays; in full it is masked here.
fn masked(secret: &str) -> Cow<'_, str> {
    let is_masked = secret
        .strip_suffix("****")
        .is_some_and(|kept| kept.chars().count() <= 4);
    if is_masked {
        Cow::Borrowed(secret)
    } else {
        Cow::Owned(mask(secret))
    }
}

/// A path as a SARIF artifact URI: relative paths become relative
/// references against `%SRCROOT%`, absolute ones `file://` URIs. Bytes
/// outside the unreserved set, `/` and the sub-delimiters are
/// percent-encoded; so is `:`, which would otherwise read as a scheme in a
/// relative reference's first segment.
pub fn artifact_uri(path: &str) -> (String, Option<&'static str>) {
    let mut uri = String::with_capacity(path.len() + 8);
    let absolute = path.starts_with('/');
    if absolute {
        uri.push_str("file://");
    }
    for &b in path.as_bytes() {
        let keep = b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=@".contains(&b);
        if keep {
            uri.push(char::from(b));
        } else {
            uri.push('%');
            uri.push(char::from(HEX[usize::from(b >> 4)]));
            uri.push(char::from(HEX[usize::from(b & 15)]));
        }
    }
    (uri, (!absolute).then_some("%SRCROOT%"))
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

#[cfg(test)]
mod tests {
    use super::super::tests::finding;
    use super::*;
    use serde_json::{Value, json};

    #[test]
    fn artifact_uri_by_case() {
        let cases: &[(&str, &str, Option<&str>)] = &[
            ("src/main.go", "src/main.go", Some("%SRCROOT%")),
            ("a b/c%d.txt", "a%20b/c%25d.txt", Some("%SRCROOT%")),
            ("c:x", "c%3Ax", Some("%SRCROOT%")),
            ("dir/ünï.txt", "dir/%C3%BCn%C3%AF.txt", Some("%SRCROOT%")),
            ("weird#?[]", "weird%23%3F%5B%5D", Some("%SRCROOT%")),
            (".env", ".env", Some("%SRCROOT%")),
            ("/src/a.txt", "file:///src/a.txt", None),
            ("-", "-", Some("%SRCROOT%")),
        ];
        for &(path, uri, base) in cases {
            assert_eq!(artifact_uri(path), (uri.to_owned(), base), "{path:?}");
        }
    }

    #[test]
    fn masked_by_case() {
        let cases: &[(&str, &str)] = &[
            ("ghp_****", "ghp_****"),
            ("****", "****"),
            ("ab****", "ab****"),
            ("ghp_0123456789abcdefghij", "ghp_****"),
            ("abcde****", "abc****"), // five kept characters: not our mask
            ("short", "s****"),
        ];
        for &(secret, want) in cases {
            assert_eq!(masked(secret), want, "{secret:?}");
        }
    }

    #[test]
    fn severity_mappings() {
        let cases = [
            (Severity::Critical, "error", Some("9.5")),
            (Severity::High, "error", Some("8.0")),
            (Severity::Medium, "warning", Some("5.5")),
            (Severity::Low, "note", Some("2.0")),
            (Severity::Info, "note", None),
        ];
        for (s, lvl, score) in cases {
            assert_eq!((level(s), security_severity(s)), (lvl, score), "{s:?}");
        }
    }

    #[test]
    fn log_shape() {
        let mut a = finding("zeta", Some("b.txt"), 3);
        a.severity = Severity::Medium;
        let mut b = finding("alpha", Some("a b.txt"), 1);
        b.secret = "alpha-secret-in-full".into();
        b.tags = vec!["cloud".into(), "security".into()];
        let mut c = finding("zeta", Some("/abs/c.txt"), 7);
        c.commit = Some("abc123".into());
        c.author = Some("Dev".into());
        c.date = Some("2024-01-02T03:04:05Z".into());
        let log: Value = serde_json::from_str(&render(&[a, b, c], "9.9.9")).unwrap();
        let run = &log["runs"][0];
        assert_eq!(log["version"], "2.1.0");
        assert_eq!(log["$schema"], SCHEMA_URI);
        assert_eq!(run["tool"]["driver"]["name"], "leakguard");
        assert_eq!(run["tool"]["driver"]["version"], "9.9.9");
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
        assert_eq!(ids, ["alpha", "zeta"]);
        assert_eq!(rules[0]["properties"]["tags"], json!(["cloud", "security"]));
        assert_eq!(rules[1]["properties"]["tags"], json!(["demo", "security"]));
        assert_eq!(rules[1]["defaultConfiguration"]["level"], "warning");
        let results = run["results"].as_array().unwrap();
        let got: Vec<(&str, u64, &str)> = results
            .iter()
            .map(|r| {
                (
                    r["ruleId"].as_str().unwrap(),
                    r["ruleIndex"].as_u64().unwrap(),
                    r["level"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("zeta", 1, "warning"),
                ("alpha", 0, "error"),
                ("zeta", 1, "error")
            ]
        );
        assert_eq!(results[1]["message"]["text"], "alpha description: alph****");
        let loc = &results[1]["locations"][0]["physicalLocation"];
        assert_eq!(
            loc["artifactLocation"],
            json!({"uri": "a%20b.txt", "uriBaseId": "%SRCROOT%"})
        );
        assert_eq!(
            loc["region"],
            json!({"startLine": 1, "startColumn": 5, "endLine": 1, "endColumn": 25})
        );
        assert_eq!(
            results[2]["locations"][0]["physicalLocation"]["artifactLocation"],
            json!({"uri": "file:///abs/c.txt"})
        );
        assert_eq!(
            results[2]["properties"],
            json!({"commit": "abc123", "author": "Dev", "date": "2024-01-02T03:04:05Z"})
        );
        assert!(results[0].get("properties").is_none());
        assert_eq!(
            results[0]["partialFingerprints"],
            json!({"leakguard/v1": "0123456789abcdef0123456789abcdef"})
        );
    }
}
