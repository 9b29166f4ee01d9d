//! `redact`: the text with every detected secret replaced.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::engine::{Finding, RedactStyle, ScanOptions};
use crate::protocol::Failure;
use crate::router::Action;

use super::report::finding_schema;
use super::scan::{
    MAX_DOCUMENT_BYTES, MAX_FINDINGS, Warning, check_size, config_schema, rules_for, warnings,
    warnings_schema,
};

pub(crate) struct Redact;

#[derive(Deserialize, Default, Clone, Copy)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Style {
    #[default]
    Placeholder,
    Mask,
    Hash,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Input {
    text: String,
    #[serde(default)]
    path: Option<String>,
    #[serde(default)]
    style: Style,
    #[serde(default)]
    keep: Option<usize>,
    #[serde(default)]
    config: Option<String>,
}

#[derive(Serialize)]
pub(crate) struct Output {
    text: String,
    findings: Vec<Finding>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    warnings: Vec<Warning>,
}

/// Characters `mask` keeps when `keep` is not given.
const DEFAULT_KEEP: usize = 4;

impl Action for Redact {
    const NAME: &'static str = "redact";
    const SUMMARY: &'static str = "Replace every detected secret in `text` (placeholder, mask or hash) and list the findings.";
    type Input = Input;
    type Output = Output;

    fn input_schema() -> Value {
        json!({
            "type": "object",
            "properties": {
                "text": { "type": "string", "description": format!("At most {MAX_DOCUMENT_BYTES} bytes of UTF-8.") },
                "path": { "type": "string" },
                "style": { "enum": ["placeholder", "mask", "hash"], "default": "placeholder" },
                "keep": {
                    "type": "integer",
                    "minimum": 0,
                    "default": DEFAULT_KEEP,
                    "description": "For `mask`: leading characters kept (at most half of each secret); only with style mask.",
                },
                "config": config_schema(),
            },
            "required": ["text"],
            "additionalProperties": false,
        })
    }

    fn output_schema() -> Value {
        json!({
            "type": "object",
            "properties": {
                "text": { "type": "string" },
                "findings": { "type": "array", "items": finding_schema() },
                "warnings": warnings_schema(),
            },
            "required": ["text", "findings"],
            "additionalProperties": false,
        })
    }

    fn run(input: Input) -> Result<Output, Failure> {
        check_size("text", &input.text)?;
        let style = match (input.style, input.keep) {
            (Style::Placeholder, None) => RedactStyle::Placeholder,
            (Style::Hash, None) => RedactStyle::Hash,
            (Style::Mask, keep) => RedactStyle::Mask {
                keep: keep.unwrap_or(DEFAULT_KEEP),
            },
            (_, Some(_)) => {
                return Err(Failure::bad_request("`keep` only applies to style `mask`"));
            }
        };
        let rules = rules_for(input.config.as_deref())?;
        let opts = ScanOptions {
            path: input.path,
            document: None,
            reveal: false,
            max_findings: Some(MAX_FINDINGS),
        };
        let out = rules.redact(&input.text, &opts, style);
        if out.findings.len() > MAX_FINDINGS {
            return Err(super::scan::too_many_findings());
        }
        Ok(Output {
            text: out.text,
            findings: out.findings,
            warnings: warnings(out.problems),
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::ErrorCode;

    #[test]
    fn bad_input_by_case() {
        let cases: &[(&str, ErrorCode, &str)] = &[
            ("{}", ErrorCode::BadRequest, "missing field `text`"),
            (
                r#"{"text":"a","style":"blur"}"#,
                ErrorCode::BadRequest,
                "unknown variant `blur`",
            ),
            (
                r#"{"text":"a","keep":-1,"style":"mask"}"#,
                ErrorCode::BadRequest,
                "invalid value",
            ),
            (
                r#"{"text":"a","keep":2}"#,
                ErrorCode::BadRequest,
                "only applies to style `mask`",
            ),
            (
                r#"{"text":"a","extra":true}"#,
                ErrorCode::BadRequest,
                "extra",
            ),
        ];
        for (data, code, needle) in cases {
            let err = crate::call("redact", data).unwrap_err();
            assert_eq!(err.code(), *code, "{data}: {err}");
            assert!(err.message().contains(needle), "{data}: {err}");
        }
    }
}
