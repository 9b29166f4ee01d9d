//! `rules`: the active rules and their metadata.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::engine::{Rule, Severity};
use crate::protocol::Failure;
use crate::router::Action;

use super::scan::{Warning, config_schema, rules_for, warnings, warnings_schema};

pub(crate) struct Rules;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Input {
    #[serde(default)]
    config: Option<String>,
}

#[derive(Serialize)]
pub(crate) struct Output {
    rules: Vec<RuleInfo>,
    count: usize,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    warnings: Vec<Warning>,
}

#[derive(Serialize)]
pub(crate) struct RuleInfo {
    id: String,
    description: String,
    severity: Severity,
    tags: Vec<String>,
    keywords: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    entropy: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    path: Option<String>,
}

impl RuleInfo {
    fn of(r: &Rule) -> RuleInfo {
        RuleInfo {
            id: r.id().to_owned(),
            description: r.description().to_owned(),
            severity: r.severity(),
            tags: r.tags().to_vec(),
            keywords: r.keywords().to_vec(),
            entropy: r.entropy(),
            path: r.path().map(str::to_owned),
        }
    }
}

impl Action for Rules {
    const NAME: &'static str = "rules";
    const SUMMARY: &'static str =
        "List the active rules (the default set, or those of `config`), sorted by id.";
    type Input = Input;
    type Output = Output;

    fn input_schema() -> Value {
        json!({
            "type": "object",
            "properties": {
                "config": config_schema(),
            },
            "additionalProperties": false,
        })
    }

    fn output_schema() -> Value {
        let strings = json!({ "type": "array", "items": { "type": "string" } });
        json!({
            "type": "object",
            "properties": {
                "rules": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "id": { "type": "string" },
                            "description": { "type": "string" },
                            "severity": { "enum": ["critical", "high", "medium", "low", "info"] },
                            "tags": strings,
                            "keywords": strings,
                            "entropy": { "type": "number", "minimum": 0 },
                            "path": { "type": "string", "description": "The regex on the document's path." },
                        },
                        "required": ["id", "description", "severity", "tags", "keywords"],
                        "additionalProperties": false,
                    },
                },
                "count": { "type": "integer", "minimum": 0 },
                "warnings": warnings_schema(),
            },
            "required": ["rules", "count"],
            "additionalProperties": false,
        })
    }

    fn run(input: Input) -> Result<Output, Failure> {
        let set = rules_for(input.config.as_deref())?;
        let rules: Vec<RuleInfo> = set.rules().iter().map(RuleInfo::of).collect();
        Ok(Output {
            count: rules.len(),
            rules,
            warnings: warnings(set.problems().to_vec()),
        })
    }
}
