//! `scan`: find secrets in one text or a batch of documents.

use std::collections::BTreeSet;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::engine::{Finding, Problem, RuleSet, ScanOptions};
use crate::protocol::{ErrorCode, Failure};
use crate::router::Action;

use super::report::finding_schema;

/// The largest single document (10 MiB), the same as the tree walkers'
/// default file-size limit.
pub(crate) const MAX_DOCUMENT_BYTES: usize = 10 << 20;
/// The most documents in one batch.
pub(crate) const MAX_DOCUMENTS: usize = 10_000;
/// The most findings one call returns; beyond it the call fails, rather
/// than answer with a reply too large to be useful (or to fit in memory).
pub(crate) const MAX_FINDINGS: usize = 100_000;

pub(crate) struct Scan;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Input {
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    path: Option<String>,
    #[serde(default)]
    documents: Option<Vec<Document>>,
    #[serde(default)]
    reveal: bool,
    #[serde(default)]
    config: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Document {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    path: Option<String>,
    text: String,
}

#[derive(Serialize)]
pub(crate) struct Output {
    findings: Vec<Finding>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    warnings: Vec<Warning>,
    stats: Stats,
}

/// A rule-file problem that did not stop the call.
#[derive(Serialize)]
pub(crate) struct Warning {
    rule: Option<String>,
    message: String,
}

#[derive(Serialize)]
pub(crate) struct Stats {
    documents: usize,
    bytes: usize,
    rules: usize,
}

/// The rule set for a call's optional `config`, the failure naming the field.
pub(crate) fn rules_for(config: Option<&str>) -> Result<Arc<RuleSet>, Failure> {
    crate::engine::rule_set(config).map_err(|e| Failure::bad_request(format!("config: {e}")))
}

/// Rule-file problems as the actions report them.
pub(crate) fn warnings(problems: Vec<Problem>) -> Vec<Warning> {
    problems
        .into_iter()
        .map(|p| Warning {
            rule: p.rule,
            message: p.message,
        })
        .collect()
}

/// The JSON Schema of `warnings`.
/// The `config` field every rule-using action takes (see `engine::rule_set`).
pub(crate) fn config_schema() -> Value {
    json!({ "type": "string", "description": "A rule file (TOML, gitleaks-compatible) instead of the default rules." })
}

pub(crate) fn warnings_schema() -> Value {
    json!({
        "type": "array",
        "description": "Rule-file problems that did not stop the call; omitted when empty.",
        "items": {
            "type": "object",
            "properties": {
                "rule": { "type": ["string", "null"] },
                "message": { "type": "string" },
            },
            "required": ["rule", "message"],
            "additionalProperties": false,
        },
    })
}

/// Refuse a text over [`MAX_DOCUMENT_BYTES`], naming the field.
pub(crate) fn check_size(field: &str, text: &str) -> Result<(), Failure> {
    if text.len() > MAX_DOCUMENT_BYTES {
        return Err(Failure::too_large(field, text.len(), MAX_DOCUMENT_BYTES));
    }
    Ok(())
}

pub(crate) fn too_many_findings() -> Failure {
    Failure::new(
        ErrorCode::TooLarge,
        format!(
            "the input has more than {MAX_FINDINGS} findings; the limit is {MAX_FINDINGS} findings per call (scan fewer documents per call)"
        ),
    )
}

impl Action for Scan {
    const NAME: &'static str = "scan";
    const SUMMARY: &'static str = "Find secrets in `text` or in a batch of `documents`, with the default rules or a `config` rule file.";
    type Input = Input;
    type Output = Output;

    fn input_schema() -> Value {
        let text = json!({
            "type": "string",
            "description": format!("The document (at most {MAX_DOCUMENT_BYTES} bytes of UTF-8)."),
        });
        json!({
            "type": "object",
            "properties": {
                "text": text,
                "path": { "type": "string", "description": "The path of `text`, for path rules and path allowlists." },
                "documents": {
                    "type": "array",
                    "maxItems": MAX_DOCUMENTS,
                    "items": {
                        "type": "object",
                        "properties": {
                            "id": { "type": "string" },
                            "path": { "type": "string" },
                            "text": text,
                        },
                        "required": ["text"],
                        "additionalProperties": false,
                    },
                    "description": "A batch; with more than one document, each needs an `id` or a `path`.",
                },
                "reveal": { "type": "boolean", "default": false, "description": "Show secrets unmasked." },
                "config": config_schema(),
            },
            "oneOf": [
                { "required": ["text"], "not": { "required": ["documents"] } },
                { "required": ["documents"], "not": { "anyOf": [{ "required": ["text"] }, { "required": ["path"] }] } },
            ],
            "additionalProperties": false,
        })
    }

    fn output_schema() -> Value {
        let count = json!({ "type": "integer", "minimum": 0 });
        json!({
            "type": "object",
            "properties": {
                "findings": { "type": "array", "items": finding_schema() },
                "warnings": warnings_schema(),
                "stats": {
                    "type": "object",
                    "properties": { "documents": count, "bytes": count, "rules": count },
                    "required": ["documents", "bytes", "rules"],
                    "additionalProperties": false,
                },
            },
            "required": ["findings", "stats"],
            "additionalProperties": false,
        })
    }

    fn run(input: Input) -> Result<Output, Failure> {
        let docs: Vec<(ScanOptions, String)> = match (input.text, input.documents) {
            (Some(text), None) => {
                check_size("text", &text)?;
                let opts = ScanOptions {
                    path: input.path,
                    document: None,
                    reveal: input.reveal,
                    max_findings: Some(MAX_FINDINGS),
                };
                vec![(opts, text)]
            }
            (None, Some(documents)) => {
                if input.path.is_some() {
                    return Err(Failure::bad_request(
                        "`path` goes with `text`; give each document its own `path`",
                    ));
                }
                if documents.len() > MAX_DOCUMENTS {
                    return Err(Failure::new(
                        ErrorCode::TooLarge,
                        format!(
                            "documents has {} entries; the limit is {MAX_DOCUMENTS} documents per call",
                            documents.len()
                        ),
                    ));
                }
                let batch = documents.len() > 1;
                let mut docs = Vec::with_capacity(documents.len());
                for (i, d) in documents.into_iter().enumerate() {
                    check_size(&format!("documents[{i}].text"), &d.text)?;
                    if batch && d.id.is_none() && d.path.is_none() {
                        return Err(Failure::bad_request(format!(
                            "documents[{i}] needs an `id` or a `path` (the batch has more than one document)"
                        )));
                    }
                    let opts = ScanOptions {
                        path: d.path,
                        document: d.id,
                        reveal: input.reveal,
                        max_findings: Some(MAX_FINDINGS),
                    };
                    docs.push((opts, d.text));
                }
                docs
            }
            (Some(_), Some(_)) => {
                return Err(Failure::bad_request(
                    "give either `text` or `documents`, not both",
                ));
            }
            (None, None) => {
                return Err(Failure::bad_request("give `text` or `documents`"));
            }
        };
        let rules = rules_for(input.config.as_deref())?;
        let mut findings = Vec::new();
        let mut met: BTreeSet<Problem> = BTreeSet::new();
        let mut bytes = 0;
        for (opts, text) in &docs {
            bytes += text.len();
            let (found, problems) = rules.scan_with_problems(text, opts);
            met.extend(problems);
            findings.extend(found);
            if findings.len() > MAX_FINDINGS {
                return Err(too_many_findings());
            }
        }
        // The rule set's own problems first, in file order, then the rest.
        let mut problems: Vec<Problem> = rules.problems().to_vec();
        problems.extend(met.into_iter().filter(|p| !rules.problems().contains(p)));
        Ok(Output {
            findings,
            warnings: warnings(problems),
            stats: Stats {
                documents: docs.len(),
                bytes,
                rules: rules.len(),
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::ErrorCode;

    #[test]
    fn bad_input_by_case() {
        let big = "x".repeat(super::MAX_DOCUMENT_BYTES + 1);
        let big_text = format!(r#"{{"text":"{big}"}}"#);
        let big_doc = format!(r#"{{"documents":[{{"text":"{big}"}}]}}"#);
        let many = format!(
            r#"{{"documents":[{}]}}"#,
            vec![r#"{"id":"a","text":""}"#; super::MAX_DOCUMENTS + 1].join(",")
        );
        // (data, code, substring of the message)
        let cases: &[(&str, ErrorCode, &str)] = &[
            ("{}", ErrorCode::BadRequest, "give `text` or `documents`"),
            (
                r#"{"text":"a","documents":[]}"#,
                ErrorCode::BadRequest,
                "not both",
            ),
            (
                r#"{"documents":[{"text":"a"}],"path":"x"}"#,
                ErrorCode::BadRequest,
                "`path` goes with `text`",
            ),
            (
                r#"{"documents":[{"text":"a"},{"id":"b","text":"b"}]}"#,
                ErrorCode::BadRequest,
                "documents[0] needs",
            ),
            (r#"{"text":"a","bogus":1}"#, ErrorCode::BadRequest, "bogus"),
            (
                r#"{"documents":[{"text":"a","x":1}]}"#,
                ErrorCode::BadRequest,
                "x",
            ),
            (r#"{"text":1}"#, ErrorCode::BadRequest, "invalid type"),
            (
                r#"{"text":"a","config":"[[rules]"}"#,
                ErrorCode::BadRequest,
                "config: the rule file is not valid TOML at line 1",
            ),
            (
                &big_text,
                ErrorCode::TooLarge,
                "text is 10485761 bytes; the limit is 10485760 bytes",
            ),
            (
                &big_doc,
                ErrorCode::TooLarge,
                "documents[0].text is 10485761 bytes",
            ),
            (&many, ErrorCode::TooLarge, "the limit is 10000 documents"),
        ];
        for (data, code, needle) in cases {
            let err = crate::call("scan", data).unwrap_err();
            assert_eq!(
                err.code(),
                *code,
                "{}: {err}",
                crate::router::truncate(data, 60)
            );
            assert!(err.message().contains(needle), "{err}");
        }
    }

    #[test]
    fn too_many_findings_is_too_large() {
        let config = "[[rules]]\nid = 'x'\nregex = 'x'\n";
        let text = "x".repeat(super::MAX_FINDINGS + 1);
        let data = serde_json::json!({ "text": text, "config": config }).to_string();
        let err = crate::call("scan", &data).unwrap_err();
        assert_eq!(err.code(), ErrorCode::TooLarge);
        assert!(err.message().contains("100000 findings"), "{err}");
    }
}
