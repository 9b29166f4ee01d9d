//! `report`: format findings as JSON, JSON lines, SARIF or text. Every CLI
//! prints through this action, so the formats have one implementation.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::protocol::Failure;
use crate::report::{self, Finding, Format};
use crate::router::Action;

pub(crate) struct Report;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Input {
    format: Format,
    findings: Vec<Finding>,
    #[serde(default)]
    color: bool,
    #[serde(default)]
    version: Option<String>,
}

#[derive(Serialize)]
pub(crate) struct Output {
    output: String,
}

/// The JSON Schema of a finding as `scan` reports it and `report` takes it.
pub(crate) fn finding_schema() -> Value {
    let string = json!({ "type": "string" });
    let count = json!({ "type": "integer", "minimum": 1 });
    let offset = json!({ "type": "integer", "minimum": 0 });
    json!({
        "type": "object",
        "properties": {
            "rule": string,
            "description": string,
            "severity": { "enum": ["critical", "high", "medium", "low", "info"] },
            "tags": { "type": "array", "items": string },
            "document": string,
            "path": string,
            "line": count,
            "column": count,
            "end_line": count,
            "end_column": count,
            "start": offset,
            "end": offset,
            "secret": string,
            "entropy": { "type": "number", "minimum": 0 },
            "fingerprint": string,
            "commit": string,
            "author": string,
            "email": string,
            "date": string,
            "message": string,
        },
        "required": [
            "rule", "description", "severity", "tags", "line", "column", "end_line",
            "end_column", "start", "end", "secret", "entropy", "fingerprint",
        ],
        "additionalProperties": false,
    })
}

impl Action for Report {
    const NAME: &'static str = "report";
    const SUMMARY: &'static str =
        "Format findings as json, jsonl, sarif (2.1.0) or text: the report every CLI prints.";
    type Input = Input;
    type Output = Output;

    fn input_schema() -> Value {
        json!({
            "type": "object",
            "properties": {
                "format": { "enum": Format::ALL.map(Format::as_str) },
                "findings": { "type": "array", "items": finding_schema() },
                "color": {
                    "type": "boolean",
                    "description": "ANSI colours in the text format; default false.",
                },
                "version": {
                    "type": "string",
                    "description": "The tool version SARIF names; default the plugin's version.",
                },
            },
            "required": ["format", "findings"],
            "additionalProperties": false,
        })
    }

    fn output_schema() -> Value {
        json!({
            "type": "object",
            "properties": { "output": { "type": "string", "description": "The whole report." } },
            "required": ["output"],
            "additionalProperties": false,
        })
    }

    fn run(input: Input) -> Result<Output, Failure> {
        let mut options = report::Options {
            color: input.color,
            ..report::Options::default()
        };
        if let Some(version) = input.version {
            if version.is_empty() || version.chars().any(char::is_control) {
                return Err(Failure::bad_request(
                    "`version` must be a non-empty string without control characters",
                ));
            }
            options.version = version;
        }
        Ok(Output {
            output: report::render(input.format, &input.findings, &options),
        })
    }
}
