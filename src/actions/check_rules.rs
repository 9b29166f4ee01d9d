//! `check-rules`: validate a rule file and run every rule's examples.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::engine::{Problem, ProblemKind, RuleSet};
use crate::protocol::Failure;
use crate::router::Action;

pub(crate) struct CheckRules;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Input {
    config: String,
}

#[derive(Serialize)]
pub(crate) struct Output {
    ok: bool,
    rules: usize,
    problems: Vec<Problem>,
}

impl Action for CheckRules {
    const NAME: &'static str = "check-rules";
    const SUMMARY: &'static str = "Validate a rule file: TOML, keys, regexes, duplicates, and every rule's examples and negative examples.";
    type Input = Input;
    type Output = Output;

    fn input_schema() -> Value {
        json!({
            "type": "object",
            "properties": {
                "config": { "type": "string", "description": "The rule file (TOML, gitleaks-compatible)." },
            },
            "required": ["config"],
            "additionalProperties": false,
        })
    }

    fn output_schema() -> Value {
        json!({
            "type": "object",
            "properties": {
                "ok": { "type": "boolean", "description": "True when there are no problems." },
                "rules": { "type": "integer", "minimum": 0, "description": "Rules the file defines." },
                "problems": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "rule": { "type": ["string", "null"] },
                            "kind": { "enum": ["toml", "regex", "example", "negative-example", "duplicate", "schema"] },
                            "message": { "type": "string" },
                        },
                        "required": ["rule", "kind", "message"],
                        "additionalProperties": false,
                    },
                },
            },
            "required": ["ok", "rules", "problems"],
            "additionalProperties": false,
        })
    }

    fn run(input: Input) -> Result<Output, Failure> {
        // Not cached: checking is a one-off, and a fresh set compiles every
        // regex afresh, which is what a check should exercise.
        let (rules, problems) = match RuleSet::from_toml(&input.config) {
            Ok(set) => (set.defined(), set.check()),
            Err(e) => (0, vec![Problem::new(None, ProblemKind::Toml, e.message())]),
        };
        Ok(Output {
            ok: problems.is_empty(),
            rules,
            problems,
        })
    }
}
